"""Mutation fuzzing of every reader: damaged bytes never crash, hang or lose count.

Valid files of every format (CSV, TSV, UTF-16 CSV, JSON, JSONL, SQL dumps, text, Parquet, zip,
tar, gzip) are mutated by hypothesis (bit flips, truncation, inserted quotes, NULs and huge
runs, duplicated and deleted chunks) and read. Each input must give, within a per-example
time limit, an account in which every record is either scanned or counted unreadable with a
reason, and a reader that stops early must say so in ``error``.

``EXPOSURE_SCAN_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py`` fuzzes longer than the CI
default (which keeps this file under a minute).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import re
import signal
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.errors import ExposureScanError
from exposure_scan.render.text import render_text
from exposure_scan.sources import ReadOptions, iter_sources
from exposure_scan.sources.base import SourceAccount
from exposure_scan.sources.containers import Limits

#: Examples per test; the CI default keeps the file under a minute on two shared cores.
EXAMPLES = int(os.environ.get("EXPOSURE_SCAN_FUZZ_EXAMPLES", "0") or 0)
#: Seconds one example may take before it counts as a hang (reading only; a whole scan).
TIMEOUT = 15
TIMEOUT_SCAN = 60


def fuzz_settings(ci: int) -> settings:
    return settings(
        max_examples=EXAMPLES or ci,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


class Hang(Exception):
    """An example ran longer than ``TIMEOUT``."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in this thread after ``seconds`` (SIGALRM: POSIX, main thread)."""

    def expired(signum: int, frame: Any) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(autouse=True)
def linear_sql_sniff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work around a known quadratic regex while the rest of the readers are fuzzed.

    ``sources.detect._SQL_HEAD`` starts with ``^\\s*`` under MULTILINE, which is quadratic
    in a run of blank lines (64 kB of them: minutes); ``test_hostile`` pins it with a strict
    xfail. Once detect.py anchors with ``^[ \\t]*`` this fixture does nothing.
    """
    from exposure_scan.sources import detect

    if "^\\s*" in detect._SQL_HEAD.pattern:
        linear = detect._SQL_HEAD.pattern.replace("^\\s*", "^[ \\t]*")
        monkeypatch.setattr(detect, "_SQL_HEAD", re.compile(linear, detect._SQL_HEAD.flags))


# --- valid seeds -----------------------------------------------------------------------------
PAN = ("4111111111111111", "5555555555554444", "378282246310005")
ROWS = [
    {"name": f'Per "son" {i}', "email": f"p{i}@example.com", "card": PAN[i % 3], "note": "a,b\nc"}
    for i in range(8)
]


def _csv(delimiter: str = ",") -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, list(ROWS[0]), delimiter=delimiter)
    w.writeheader()
    w.writerows(ROWS)
    return buf.getvalue()


def _sql() -> str:
    values = ",".join(f"({i},'{r['email']}','{r['card']}','O\\'x')" for i, r in enumerate(ROWS))
    copy = "".join(f"{i}\t{r['email']}\t\\N\n" for i, r in enumerate(ROWS))
    return (
        "-- MySQL dump 10.13\n"
        "CREATE TABLE `users` (`id` int, `email` varchar(64), `card` text, `n` text);\n"
        f"INSERT INTO `users` VALUES {values};\n"
        "COPY public.people (id, email, note) FROM stdin;\n"
        f"{copy}\\.\n"
    )


def _parquet() -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(ROWS), buf, row_group_size=3)
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return buf.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for n, d in members.items():
            info = tarfile.TarInfo(n)
            info.size = len(d)
            t.addfile(info, io.BytesIO(d))
    return buf.getvalue()


CSV = _csv().encode()
JSONL = "".join(json.dumps(r) + "\n" for r in ROWS).encode()
SEEDS: dict[str, bytes] = {
    "t.csv": CSV,
    "t.tsv": _csv("\t").encode(),
    "u16.csv": _csv(";").encode("utf-16"),
    "t.json": json.dumps(
        [{**r, "tags": [r["card"], {"deep": r["email"]}]} for r in ROWS], indent=1
    ).encode(),
    "t.jsonl": JSONL,
    "t.sql": _sql().encode(),
    "t.log": "".join(
        f"2024-01-0{i % 9 + 1} login {r['email']} card {r['card']}\n" for i, r in enumerate(ROWS)
    ).encode(),
    "t.parquet": _parquet(),
    "t.zip": _zip({"a.csv": CSV, "b.jsonl": JSONL}),
    "t.tar": _tar({"a.csv": CSV, "d/b.jsonl": JSONL}),
    "t.csv.gz": gzip.compress(CSV, mtime=0),
    "t.tar.gz": gzip.compress(_tar({"a.csv": CSV}), mtime=0),
}
#: Formats read by exposure_scan's own readers: with nothing underneath them (no archive, no
#: decoder), whatever stops them must be a typed ExposureScanError, never a stray exception.
OWN_FORMATS = frozenset({"csv", "tsv", "csv;", "psv", "json", "jsonl", "text"})
#: End to end, Parquet with invalid UTF-8 in a string column still crashes role inference:
#: test_hostile.py::test_parquet_string_with_invalid_utf8_costs_a_record_not_the_scan (xfail).
SCAN_SEEDS = sorted(set(SEEDS) - {"t.parquet"})


# --- mutations -------------------------------------------------------------------------------
AT = st.floats(0, 1, exclude_max=True)


def runs(longest: int) -> st.SearchStrategy[bytes]:
    return st.tuples(st.sampled_from(b"\x00 a\"'\n\r,;{[(\\\xff9@"), st.integers(1, longest)).map(
        lambda t: bytes([t[0]]) * t[1]
    )


def mutations(longest_run: int) -> st.SearchStrategy[tuple[Any, ...]]:
    """One mutation; ``longest_run`` bounds inserted runs (a run of delimiters is a column
    each, and every column costs a scan of its own: end-to-end examples keep them short)."""
    payload = st.one_of(
        st.sampled_from(
            [
                b'"',
                b"'",
                b"\x00",
                b"\n",
                b"\r\n",
                b",",
                b"[",
                b"{",
                b"\\",
                b'\\"',
                b"\xef\xbb\xbf",
                b"\xd8\x00",
            ]
        ),
        st.binary(min_size=1, max_size=16),
        runs(longest_run),
    )
    return st.one_of(
        st.tuples(st.just("flip"), AT, st.integers(0, 7)),
        st.tuples(st.just("truncate"), AT),
        st.tuples(st.just("insert"), AT, payload),
        st.tuples(st.just("overwrite"), AT, payload),
        st.tuples(st.just("duplicate"), AT, AT, st.integers(1, 4096)),
        st.tuples(st.just("delete"), AT, st.integers(1, 4096)),
    )


MUTATION = mutations(300_000)
SHORT_MUTATION = mutations(200)


def mutate(data: bytes, ops: list[tuple[Any, ...]]) -> bytes:
    """Apply ``ops`` in order; positions are fractions of the current length."""
    out = bytearray(data)
    for op in ops:
        at = int(op[1] * len(out)) if out else 0
        kind = op[0]
        if kind == "flip" and out:
            out[at] ^= 1 << op[2]
        elif kind == "truncate":
            del out[at:]
        elif kind == "insert":
            out[at:at] = op[2]
        elif kind == "overwrite":
            out[at : at + len(op[2])] = op[2]
        elif kind == "duplicate":
            dest = int(op[2] * len(out)) if out else 0
            out[dest:dest] = out[at : at + op[3]]
        elif kind == "delete":
            del out[at : at + op[2]]
    return bytes(out)


# --- reading and the invariants --------------------------------------------------------------
def read_all(
    path: Path, options: ReadOptions
) -> list[tuple[SourceAccount, set[tuple[str, int]], BaseException | None]]:
    """Drive the readers as the engine does: every batch, then ``finish``; what a source
    raises is kept (the engine records it as the source's ``error``)."""
    out = []
    for source in iter_sources([path], options):
        fmt_sql = source.account.format == "sql"
        rows: set[tuple[str, int]] = set()
        raised: BaseException | None = None
        try:
            for batch in source.batches():
                table = batch.data.schema.names[0].split(".")[0] if fmt_sql else ""
                idx = batch.row_index().to_pylist()
                assert len(idx) == batch.data.num_rows
                rows.update((table, r) for r in idx)
        except (Hang, AssertionError):
            raise
        except Exception as exc:
            raised = exc
            if source.account.error is None:
                source.account.error = f"stopped: {type(exc).__name__}"
        finally:
            source.finish()
        out.append((source.account, rows, raised))
    return out


def check_account(
    acct: SourceAccount, rows: set[tuple[str, int]], raised: BaseException | None
) -> None:
    """What every account must say, however damaged its input."""
    assert acct.records_read >= 0 and acct.records_unreadable >= 0
    assert acct.records_unreadable == sum(acct.unreadable_reasons.values())
    assert all(isinstance(r, str) and r for r in acct.unreadable_reasons)
    assert all(e >= 0 for e in acct.unreadable_examples)
    assert raised is None or acct.error is not None  # a source that stops early says so
    pieces = 1 if acct.format == "text" and acct.error is not None else 0
    assert acct.records_read <= len(rows) <= acct.records_read + pieces, (acct.to_dict(), len(rows))
    if acct.format == "sql":
        return  # row numbers are per table: the checks below need one numbering per source
    numbers = {r for _, r in rows}
    assert not numbers & set(acct.unreadable_examples)
    if acct.error is None and numbers:
        assert max(numbers) < acct.records_total


OPTIONS = ReadOptions(batch_rows=5, block_size=1 << 12)


@fuzz_settings(ci=1000)
@given(seed=st.sampled_from(sorted(SEEDS)), ops=st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_inputs_are_read_or_counted(
    tmp_path: Path, seed: str, ops: list[tuple[Any, ...]]
) -> None:
    path = tmp_path / seed
    path.write_bytes(mutate(SEEDS[seed], ops))
    with time_limit(TIMEOUT):
        results = read_all(path, OPTIONS)
    assert results, "every file gives at least one account"
    for acct, rows, raised in results:
        check_account(acct, rows, raised)
        plain = "!" not in acct.source and not acct.compression
        if plain and acct.format in OWN_FORMATS and raised is not None:
            assert isinstance(raised, ExposureScanError), repr(raised)


@fuzz_settings(ci=150)
@given(seed=st.sampled_from(SCAN_SEEDS), ops=st.lists(SHORT_MUTATION, min_size=1, max_size=3))
def test_mutated_inputs_give_a_whole_report(
    tmp_path: Path, seed: str, ops: list[tuple[Any, ...]]
) -> None:
    """End to end: scan() never raises, and the report adds up and renders."""
    path = tmp_path / seed
    path.write_bytes(mutate(SEEDS[seed], ops))
    with time_limit(TIMEOUT_SCAN):
        report = exposure_scan.scan(
            path,
            ner="off",
            key=b"fuzz",
            detectors=[EmailDetector(), CreditCardDetector()],
            batch_rows=7,
            block_size=1 << 12,
            limits=Limits(max_decompressed_bytes=32 << 20),
        )
        text = report.to_json()
        render_text(report)
    cov = report.coverage()
    assert cov.records_read == sum(a.records_read for a in report.sources)
    assert cov.records_unreadable == sum(a.records_unreadable for a in report.sources)
    findings = report.findings_table().to_pylist()
    by_source = {a.source: a for a in report.sources}
    for f in findings:
        acct = by_source[f["source"]]
        assert acct.format == "sql" or f["row"] < acct.records_total or acct.error is not None
    assert json.loads(text)["coverage"]["records_read"] == cov.records_read


def test_mutate_applies_each_kind() -> None:
    """The mutations do what they say (a fuzzer whose mutations were no-ops proves nothing)."""
    data = b"0123456789"
    assert mutate(data, [("flip", 0.0, 0)]) == b"1123456789"
    assert mutate(data, [("truncate", 0.5)]) == b"01234"
    assert mutate(data, [("insert", 0.1, b'"')]) == b'0"123456789'
    assert mutate(data, [("overwrite", 0.0, b"ab")]) == b"ab23456789"
    assert mutate(data, [("duplicate", 0.0, 0.5, 2)]) == b"012340156789"
    assert mutate(data, [("delete", 0.2, 3)]) == b"0156789"


def test_every_seed_is_read_whole_before_mutation(tmp_path: Path) -> None:
    """The seeds are valid: all their records are read and none is unreadable."""
    for name, data in SEEDS.items():
        path = tmp_path / name
        path.write_bytes(data)
        results = read_all(path, OPTIONS)
        leaves = [(a, r) for a, r, raised in results if a.format not in ("zip", "tar")]
        assert leaves and all(a.error is None and a.records_unreadable == 0 for a, _ in leaves), (
            name
        )
        assert sum(a.records_read for a, _ in leaves) >= 8, name


def test_a_hang_is_caught() -> None:
    """The per-example limit works (else a hanging reader would hang CI instead of failing)."""
    import time

    try:
        with time_limit(0.2):
            time.sleep(5)
    except Hang:
        return
    raise AssertionError("time_limit did not fire")


# --- regex safety: pathological cells for every detector --------------------------------------
PATHOLOGICAL = {
    "a x 100k": "a" * 100_000,
    "digits x 1e6": "7" * 1_000_000,
    "a@ x 10k": "a@" * 10_000,
    "digit space x 500k": "4 " * 500_000,
    "nested separators": "(1-[2.{3/" * 11_000,
    "dotted": "a." * 50_000,
    "local@ x 2k": ("x" * 60 + "@") * 2_000,
    "hex x 10k": "0123456789abcdef" * 10_000,
}
#: Generous: RE2 is linear, and the slowest pair measured takes about a second on a loaded box.
BOUND = 5.0


def _detectors() -> list[Any]:
    from exposure_scan.detectors import default_detectors

    return default_detectors()


def test_every_detector_pattern_is_re2() -> None:
    """RE2 refuses back-references and look-around: the shapes that make regexes exponential."""
    from exposure_scan.detectors.base import compile_re2

    for det in _detectors():
        for pattern in (det.pattern, det.prefilter, det.veto_before):
            if pattern is not None:
                assert compile_re2(pattern) is not None, det.ident


def test_pathological_cells_take_bounded_time_in_every_detector() -> None:
    import time

    from exposure_scan.detectors.base import find

    timings = []
    for det in _detectors():
        for name, text in PATHOLOGICAL.items():
            t0 = time.perf_counter()
            find(det, pa.array([text, "a@example.com " + text[:100]]))
            timings.append((time.perf_counter() - t0, det.ident, name))
    slowest = max(timings)
    assert slowest[0] < BOUND, slowest
    assert sum(t for t, _, _ in timings) < 20 * BOUND


def _best_of(n: int, f: Any, arg: str) -> float:
    import time

    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        f(arg)
        best = min(best, time.perf_counter() - t0)
    return best


@pytest.mark.parametrize("unit", ["7", "a", "A1-b@. "], ids=["digits", "letters", "mixed"])
def test_validate_is_not_quadratic_on_long_inputs(unit: str) -> None:
    """``validate`` sees whole matches; a 1 MB one must cost about 4x a 256 kB one, not 16x."""
    big, small = unit * ((1 << 20) // len(unit)), unit * ((1 << 18) // len(unit))
    for det in _detectors():
        t_big = _best_of(2, det.validate, big)
        assert t_big < BOUND, det.ident
        if t_big > 0.05:  # below that, timer noise decides the ratio
            assert t_big / max(_best_of(2, det.validate, small), 1e-4) < 9, det.ident
