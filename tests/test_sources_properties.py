"""Property tests of the readers: what goes in is what is scanned, and damage never raises.

The oracle is independent of the readers: cells written with Python's ``csv`` / ``json``
modules are run through the same detectors directly (``detectors.base.find``), so a finding
that the scan reports and the oracle does not (or the other way round) is a reading error:
a lost or shifted record, a split or merged cell, a wrong column name or row number.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.detectors.base import find

DETECTORS = [EmailDetector(), CreditCardDetector()]
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PLANTED = st.sampled_from(
    [
        "a@example.com",
        "first.last+tag@example.org",
        "4111111111111111",
        "5555 5555 5555 4444",
        "2221000000000009",
        "378282246310005",
        "4111111111111112",  # Luhn fails
        "user@host.invalidtld",  # no such TLD
    ]
)
TRICKY = st.sampled_from([",", ";", "|", "\t", '"', "'", "\n", "\r", " ", "@", "."])
FREE = st.text(
    alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc")), TRICKY), max_size=12
)
CELL = st.one_of(
    FREE, PLANTED, st.tuples(FREE, PLANTED, FREE).map(lambda t: f"{t[0]} {t[1]} {t[2]}")
)

Row = tuple[int, str, str, int, int, str]


def implied(cells: list[tuple[int, str, str]]) -> list[Row]:
    """What the detectors find in ``(row, column, value)`` cells, scanned one by one."""
    if not cells:
        return []
    arr = pa.array([v for _, _, v in cells], pa.string())
    out: list[Row] = []
    for det in DETECTORS:
        h = find(det, arr)
        for i, s, e, v in zip(
            h.cell.tolist(), h.start.tolist(), h.end.tolist(), h.values, strict=True
        ):
            row, col, _ = cells[i]
            out.append((row, col, det.entity, s, e, v.as_py() if hasattr(v, "as_py") else v))
    return sorted(out)


def scanned(report: exposure_scan.Report) -> list[Row]:
    return sorted(
        (r["row"], r["column"], r["entity"], r["start"], r["end"], r["value"])
        for r in report.findings_table(reveal=True).to_pylist()
    )


def run(path: Path | list[Path], **kw: Any) -> exposure_scan.Report:
    return exposure_scan.scan(path, ner="off", reveal=True, detectors=DETECTORS, **kw)


# --- round trips -----------------------------------------------------------------------------
HEADERS = ["name", "email", "card", "note"]


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    ncols = draw(st.integers(2, 4))
    rows = draw(st.lists(st.lists(CELL, min_size=ncols, max_size=ncols), min_size=1, max_size=12))
    return HEADERS[:ncols], rows


@SETTINGS
@given(
    table=tables(),
    delimiter=st.sampled_from([",", "\t", ";", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
    block_size=st.sampled_from([64, 1 << 20]),
)
def test_csv_round_trip(tmp_path: Path, table, delimiter, encoding, block_size) -> None:
    header, rows = table
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)
    path = tmp_path / "t.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    report = run(path, block_size=block_size)
    acct = report.sources[0]
    assert acct.error is None
    assert (acct.records_read, acct.records_unreadable) == (len(rows), 0)
    cells = [(i, header[j], v) for i, r in enumerate(rows) for j, v in enumerate(r)]
    assert scanned(report) == implied(cells)


KEYS = st.text(alphabet="abcdefgh_", min_size=1, max_size=4)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.sampled_from([4111111111111111, 5555555555554444, 4111111111111112]),
    st.floats(allow_nan=False, allow_infinity=False),
    FREE,
    PLANTED,
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)
RECORDS = st.lists(st.dictionaries(KEYS, JSON_VALUES, max_size=4), min_size=1, max_size=8)


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Reference flattening: dotted paths; list elements share their list's path."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for v in value:
            yield from leaves(v, path)
    elif value is not None:
        yield path or "value", value if isinstance(value, str) else json.dumps(value)


@SETTINGS
@given(records=RECORDS, as_array=st.booleans(), batch_rows=st.sampled_from([1, 3, 1000]))
def test_json_flattened_round_trip(tmp_path: Path, records, as_array, batch_rows) -> None:
    if as_array:
        text = json.dumps(records, indent=1, ensure_ascii=False)
    else:
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    path = tmp_path / ("r.json" if as_array else "r.jsonl")
    path.write_text(text, encoding="utf-8")
    report = run(path, batch_rows=batch_rows)
    acct = report.sources[0]
    assert acct.error is None
    assert (acct.records_read, acct.records_unreadable) == (len(records), 0)
    cells = [(i, p, v) for i, r in enumerate(records) for p, v in leaves(r)]
    assert scanned(report) == implied(cells)


# --- mutations -------------------------------------------------------------------------------
N_LINES = 12
CSV_BYTES = (
    "name,email,card\n"
    + "".join(
        f"Person {i},p{i}@example.com,{'4111111111111111' if i % 3 else ''}\n"
        for i in range(N_LINES)
    )
).encode()
JSONL_BYTES = "".join(
    json.dumps({"id": i, "email": f"p{i}@example.com", "tags": ["x", "4111111111111111"]}) + "\n"
    for i in range(N_LINES)
).encode()


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.csv", CSV_BYTES)
        z.writestr("b.jsonl", JSONL_BYTES)
    return buf.getvalue()


ZIP_BYTES = _zip_bytes()
GZIP_BYTES = gzip.compress(CSV_BYTES, mtime=0)


def mutations(data: bytes, avoid: bytes = b"") -> st.SearchStrategy[list[tuple[int, int]]]:
    byte = (
        st.integers(0, 255).filter(lambda b: bytes([b]) not in avoid)
        if avoid
        else st.integers(0, 255)
    )
    return st.lists(st.tuples(st.integers(0, len(data) - 1), byte), min_size=1, max_size=4)


def mutate(data: bytes, changes: list[tuple[int, int]], keep: bytes = b"") -> bytes:
    """Overwrite bytes; bytes in ``keep`` (line ends) are left alone."""
    out = bytearray(data)
    for at, b in changes:
        if out[at] not in keep:
            out[at] = b
    return bytes(out)


def consistent(report: exposure_scan.Report) -> None:
    """Invariants every account must satisfy, however damaged its input."""
    by_source: dict[str, set[int]] = {}
    for r in report.findings_table().to_pylist():
        by_source.setdefault(r["source"], set()).add(r["row"])
    for a in report.sources:
        assert a.records_read >= 0 and a.records_unreadable == sum(a.unreadable_reasons.values())
        rows = by_source.get(a.source, set())
        assert not rows & set(a.unreadable_examples)
        if rows:
            assert max(rows) < a.records_total or a.error is not None


@SETTINGS
@given(changes=mutations(CSV_BYTES, avoid=b'\n\r"'))
def test_mutated_csv_every_line_read_or_counted(tmp_path: Path, changes) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(mutate(CSV_BYTES, changes, keep=b"\n"))
    report = run(path)
    consistent(report)
    acct = report.sources[0]
    if acct.error is None:
        header = any(n.endswith("header row") for n in acct.notes)
        assert acct.records_total == N_LINES + (0 if header else 1)


@SETTINGS
@given(changes=mutations(JSONL_BYTES, avoid=b"\n\r"))
def test_mutated_jsonl_every_line_read_or_counted(tmp_path: Path, changes) -> None:
    path = tmp_path / "m.jsonl"
    path.write_bytes(mutate(JSONL_BYTES, changes, keep=b"\n"))
    report = run(path)
    consistent(report)
    acct = report.sources[0]
    if acct.error is None and acct.format in ("jsonl", "text"):
        assert acct.records_total == N_LINES


def _summary(report: exposure_scan.Report) -> tuple[list[tuple[Any, ...]], int]:
    rows = sorted(
        (r["row"], r["column"], r["entity"], r["value"])
        for r in report.findings_table(reveal=True).to_pylist()
    )
    return rows, sum(a.records_total for a in report.sources)


@SETTINGS
@given(changes=mutations(ZIP_BYTES), gz=st.booleans())
def test_mutated_archives_either_error_or_identical(tmp_path: Path, changes, gz) -> None:
    """Zip and gzip carry CRCs: damage is either detected (an error) or harmless."""
    original = GZIP_BYTES if gz else ZIP_BYTES
    good = tmp_path / ("good.csv.gz" if gz else "good.zip")
    good.write_bytes(original)
    bad = tmp_path / ("bad.csv.gz" if gz else "bad.zip")
    bad.write_bytes(mutate(original, [(at % len(original), b) for at, b in changes]))
    report = run(bad)
    consistent(report)
    if all(a.error is None for a in report.sources):
        assert _summary(report) == _summary(run(good))
