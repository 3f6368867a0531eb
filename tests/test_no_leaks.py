"""The tool is not a second leak: nothing it writes, logs or raises holds a raw value.

A synthetic leak with many entity types (and damaged copies of it, so that error paths and
their logs run too) is scanned; every report format, the captured logs at DEBUG, the reprs of
reports and findings, and the text of the exceptions bad inputs raise are written to files.
Then two independent checks: no planted raw value of 6 characters or more occurs in any byte
written, and exposure_scan itself, scanning those files with the same key, finds none of the
original findings (same keyed hash). A control run with ``reveal=True`` shows both checks
catch a real leak. The second half checks the typed errors that ``docs/security.md`` lists.
"""

from __future__ import annotations

import gzip
import importlib.util
import io
import json
import logging
import pickle
import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import exposure_scan
from exposure_scan import errors
from exposure_scan.render.html import render_html
from exposure_scan.render.markdown import render_markdown
from exposure_scan.render.text import render_text
from exposure_scan.sources.base import SourceAccount
from exposure_scan.sources.containers import Limits
from exposure_scan.sources.delimited import DelimitedSource
from exposure_scan.sources.jsonl import JsonSource

KEY = b"no-leaks-test-key"
ENTITIES = {
    "CREDIT_CARD": 1.0,
    "IBAN_CODE": 1.0,
    "US_SSN": 1.0,
    "IT_FISCAL_CODE": 1.0,
    "VIN": 1.0,
    "IP_ADDRESS": 1.0,
    "DATE_OF_BIRTH": 1.0,
}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def leak(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A directory of leak files (clean and damaged) and the raw planted values."""
    from exposure_scan.testing.synthetic import customer_table, support_tickets

    root = tmp_path_factory.mktemp("leak")
    customers = customer_table(40, seed=11, entities=ENTITIES)
    tickets = support_tickets(15, seed=11)
    customers.write(root / "customers.csv")
    customers.write(root / "customers.jsonl")
    tickets.write(root / "tickets.txt")
    csv = (root / "customers.csv").read_bytes()
    lines = csv.splitlines(keepends=True)
    # Damage that makes the readers log and count: a ragged row, a cp1252 byte, a cut gzip.
    bad = [lines[5].rstrip(b"\n") + b",extra\n", lines[6].replace(b"a", b"\xe9", 1)]
    (root / "damaged.csv").write_bytes(b"".join([*lines[:5], *bad, *lines[7:20]]))
    (root / "cut.csv.gz").write_bytes(gzip.compress(csv, mtime=0)[:-40])
    # Keys that are data: an e-mail as a JSON key must not become a column name.
    emails = [e for e in customers.table.column("email").to_pylist() if e][:3]
    keyed = {e: {"ok": 1} for e in emails} | {"1234567": {"ok": 2}, "k9Xz3QpL0aB7cD2eF4gH": {}}
    (root / "keyed.json").write_text(json.dumps({"users": keyed, "first_name": "x"}))
    raw = [
        v.strip()
        for t in (customers.truth, tickets.truth)
        for v, e in zip(t.column("value").to_pylist(), t.column("entity").to_pylist(), strict=True)
        if e != "MASKED_CARD"  # already masked in the leak itself
    ]
    return root, sorted({v for v in raw if len(v) >= 6})


def exception_texts(root: Path) -> list[str]:
    """str and repr of the errors bad inputs raise, with leak data right where they happen."""
    csv = (root / "customers.csv").read_text()
    out: list[BaseException] = []
    acct = SourceAccount("customers.csv", "customers.csv")
    src = DelimitedSource(
        io.BytesIO(csv.encode()),
        acct,
        head_text=csv,
        encoding="utf-8",
        block_size=64,
        reopen=lambda: io.BytesIO(csv.encode()),
        limits=Limits(max_record_bytes=256),
    )
    with pytest.raises(errors.LimitExceededError) as too_long:
        list(src.batches())
    out.append(too_long.value)
    first = csv.splitlines()[1]

    class Quoting(io.RawIOBase):  # a parser whose message quotes the row, as pyarrow's do
        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            raise pa.ArrowInvalid(f"CSV parse error: {first}")

    src = DelimitedSource(
        Quoting(), SourceAccount("q.csv", "q.csv"), head_text=csv, encoding="utf-8"
    )
    with pytest.raises(errors.UnreadableSourceError) as parse:
        list(src.batches())
    out.append(parse.value)
    jsonl = (root / "customers.jsonl").read_text()
    acct = SourceAccount("customers.jsonl", "customers.jsonl")
    list(
        JsonSource(
            io.StringIO(jsonl), acct, array=False, limits=Limits(max_record_bytes=50)
        ).batches()
    )
    out.append(errors.UnreadableSourceError(str(acct.unreadable_reasons), source=acct.source))
    with pytest.raises(exposure_scan.ConfigurationError) as bad:
        exposure_scan.scan(root, workers=0)
    out.append(bad.value)
    return [f"{e}\n{e!r}\n{pickle.loads(pickle.dumps(e))!r}" for e in out]


def write_everything(report: exposure_scan.Report, out: Path, extra: dict[str, str]) -> None:
    texts = {
        "report.json": report.to_json(),
        "report.txt": render_text(report),
        "report.md": render_markdown(report, examples=50),
        "report.html": render_html(report),
        "repr.txt": "\n".join(
            [
                repr(report),
                report.summary(),
                repr(report.sources),
                repr(report.findings_table()),
                repr(report.findings_table().to_pylist()),
                repr(report.verdicts()),
                "\n".join(v.explain() for v in report.verdicts().values()),
                repr(report.where("contact", limit=100)),
                repr(report.affected_people().to_pylist()),
                repr(report.severity()),
            ]
        ),
        **extra,
    }
    if importlib.util.find_spec("exposure_scan.render.sarif") is not None:
        from exposure_scan.render.sarif import render_sarif

        texts["report.sarif"] = render_sarif(report)
    try:
        report.assert_absent("payment", "contact")
    except AssertionError as exc:
        texts["assert.txt"] = f"{exc}\n{exc!r}"
    for name, text in texts.items():
        (out / name).write_text(text, encoding="utf-8")


def leaked(out: Path, raw: list[str], original: exposure_scan.Report) -> tuple[list[str], set[str]]:
    """(raw values found in the bytes written, hashes of original findings found again)."""
    blob = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in out.iterdir())
    digits = {v: re.sub(r"\D", "", v) for v in raw}
    found = [v for v in raw if v in blob or (len(digits[v]) >= 9 and digits[v] in blob)]
    again = exposure_scan.scan(out, key=KEY, ner="off")
    hashes = {  # values too short to identify anyone ("1") are in any report
        f["value_hash"] for f in original.findings_table().to_pylist() if f["end"] - f["start"] >= 6
    }
    return found, hashes & set(again.findings_table().column("value_hash").to_pylist())


def test_nothing_written_logged_or_raised_holds_a_raw_value(
    leak: tuple[Path, list[str]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root, raw = leak
    caplog.set_level(logging.DEBUG)
    report = exposure_scan.scan(root, key=KEY, ner="off")
    assert report.findings_table().num_rows > 300 and len(report.counts()) >= 8
    assert any(a.error for a in report.sources) and any(
        a.records_unreadable for a in report.sources
    )
    extra = {f"exception{i}.txt": t for i, t in enumerate(exception_texts(root))}
    out = tmp_path / "out"
    out.mkdir()
    write_everything(report, out, extra)
    records = caplog.records
    assert any(r.name.startswith("exposure_scan.sources") for r in records)
    assert {r.levelno for r in records} >= {logging.DEBUG, logging.WARNING}
    (out / "log.txt").write_text(
        "\n".join(f"{r.levelname} {r.name} {r.getMessage()} {r.args!r}" for r in records)
    )
    found, again = leaked(out, raw, report)
    assert found == [] and again == set()


def test_the_checks_catch_a_revealed_value(leak: tuple[Path, list[str]], tmp_path: Path) -> None:
    """Control: raw values written out (``reveal=True``) are caught by both checks."""
    root, raw = leak
    report = exposure_scan.scan(root / "customers.csv", key=KEY, ner="off", reveal=True)
    out = tmp_path / "out"
    out.mkdir()
    rows = report.findings_table(reveal=True).select(["value"]).to_pylist()
    (out / "revealed.txt").write_text("\n".join(r["value"] for r in rows))
    found, again = leaked(out, raw, report)
    assert len(found) > 100 and len(again) > 100


def test_json_keys_that_are_data_stay_out_of_column_names(leak: tuple[Path, list[str]]) -> None:
    root, _ = leak
    report = exposure_scan.scan(root / "keyed.json", key=KEY, ner="off")
    columns = [c["column"] for c in report.to_dict()["columns"]]
    assert sorted(columns) == ["first_name", "users.*", "users.*.ok"]
    assert report.counts()["EMAIL_ADDRESS"] == 3


# --- typed errors, as docs/security.md lists them ---------------------------------------------
def documented_errors() -> set[str]:
    text = (ROOT / "docs" / "security.md").read_text()
    return set(re.findall(r"^\| `(\w+Error)` \|", text, re.MULTILINE))


def test_every_error_class_is_documented() -> None:
    classes = {
        name
        for name, obj in vars(errors).items()
        if isinstance(obj, type) and issubclass(obj, errors.ExposureScanError)
    }
    assert classes == documented_errors()
    assert all(getattr(exposure_scan, name) is getattr(errors, name) for name in classes)


def test_every_limit_is_documented_with_its_default() -> None:
    import dataclasses

    text = (ROOT / "docs" / "security.md").read_text()
    for f in dataclasses.fields(Limits):
        row = re.search(rf"^\| `{f.name}` \| `([^`]+)`", text, re.MULTILINE)
        assert row is not None, f.name
        assert row.group(1) == str(f.default), f.name


def test_reveal_keeps_raw_values_out_of_everything_but_the_revealed_table(
    leak: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, raw = leak
    report = exposure_scan.scan(root / "customers.csv", key=KEY, ner="off", reveal=True)
    out = tmp_path / "out"
    out.mkdir()
    write_everything(report, out, {})
    assert leaked(out, raw, report) == ([], set())
    values = set(report.findings_table(reveal=True).column("value").to_pylist())
    assert len(values & set(raw)) > 100


@pytest.mark.parametrize(
    "bad",
    [
        {"max_ratio": 0},
        {"max_ratio": float("nan")},
        {"max_archive_depth": "4"},
        {"max_archive_members": True},
        {"max_record_bytes": 1.5},
        {"max_json_depth": -1},
        {"ratio_grace_bytes": -1},
    ],
)
def test_invalid_limits_are_configuration_errors(bad: dict[str, Any]) -> None:
    with pytest.raises(exposure_scan.ConfigurationError, match=next(iter(bad))):
        Limits(**bad)


def test_valid_limits() -> None:
    assert Limits(max_ratio=2, ratio_grace_bytes=0, max_archive_depth=1).max_ratio == 2
    assert Limits(max_ratio=2.5).max_ratio == 2.5


def test_source_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    with pytest.raises(errors.SourceNotFoundError) as info:
        exposure_scan.scan(missing)
    assert info.value.source == str(missing) and isinstance(info.value, FileNotFoundError)
    assert str(missing) in str(info.value)


@pytest.mark.parametrize(
    "options",
    [{"workers": 0}, {"batch_rows": 0}, {"no_such_option": 1}, {"key": 5}],
    ids=["workers", "batch_rows", "unknown", "key-type"],
)
def test_configuration_errors(tmp_path: Path, options: dict[str, Any]) -> None:
    path = tmp_path / "a.csv"
    path.write_text("email\na@example.com\n")
    with pytest.raises(errors.ConfigurationError):
        exposure_scan.scan(path, **options)


def test_limits_of_the_wrong_type_are_a_configuration_error(tmp_path: Path) -> None:
    """A mapping builds Limits; unknown names and other types are configuration errors."""
    path = tmp_path / "a.csv"
    path.write_text("email\na@example.com\n")
    report = exposure_scan.scan(path, ner="off", limits={"max_ratio": 5})
    assert report.coverage().records_read == 1
    for bad in ({"max_colour": 5}, 5, "big"):
        with pytest.raises(errors.ConfigurationError):
            exposure_scan.scan(path, limits=bad)


def test_limit_exceeded_is_recorded_in_the_account(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress((b"0" * 1023 + b"\n") * 2048, mtime=0))
    (acct,) = exposure_scan.scan(
        path, ner="off", limits=Limits(max_decompressed_bytes=1 << 20)
    ).sources
    assert acct.error is not None
    assert "decompressed size exceeds 1048576 bytes" in acct.error and str(path) in acct.error


def test_unreadable_source_is_recorded_not_raised(tmp_path: Path) -> None:
    """UTF-16 text cut in the middle of a code unit cannot be decoded on: a typed stop."""
    path = tmp_path / "u16.txt"
    path.write_bytes(("a@example.com said hello\n" * 50).encode("utf-16")[:-1])
    (acct,) = exposure_scan.scan(path, ner="off").sources
    assert acct.error is not None
    assert "bytes not valid in the file's encoding (utf-16): reading stopped" in acct.error


def test_undecodable_csv_bytes_cost_their_record_only(tmp_path: Path) -> None:
    """Look-alike: the same cut in a CSV is one unreadable record (pyarrow gets marked UTF-8)."""
    path = tmp_path / "u16.csv"
    path.write_bytes(("email;n\n" + "a@example.com;1\n" * 50).encode("utf-16")[:-1])
    (acct,) = exposure_scan.scan(path, ner="off").sources
    assert acct.error is None and (acct.records_read, acct.unreadable_examples) == (49, [49])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("char", ["\uf700", "\uf7ff", "\U0010fe41"])
def test_genuine_private_use_text_in_a_valid_file_is_data(
    tmp_path: Path, encoding: str, char: str
) -> None:
    """Regression (hypothesis, CI): a private-use character once looked like a decoding mark."""
    text = "email,n\n" + "a@example.com,1\n" * 5 + f"b@example.com,{char}\n"
    path = tmp_path / "pua.csv"
    path.write_bytes(text.encode(encoding))
    (acct,) = exposure_scan.scan(path, ner="off").sources
    assert (acct.records_read, acct.records_unreadable) == (6, 0)


def test_undecodable_bytes_cost_their_record_next_to_private_use_text(tmp_path: Path) -> None:
    """A real decoding error marks its own record; a U+F700 character elsewhere stays data."""
    head = "email,n\n" + "a@example.com,\uf700\n" * 20_000  # far beyond the sniffed head
    path = tmp_path / "mixed.csv"
    path.write_bytes(head.encode() + b"b@example.com,\xff\xfe\n" + b"c@example.com,3\n")
    (acct,) = exposure_scan.scan(path, ner="off").sources
    assert acct.encoding == "utf-8"
    assert (acct.records_read, acct.unreadable_examples) == (20_001, [20_000])


def test_binary_data_is_recorded_as_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(bytes(range(256)) * 64)
    (acct,) = exposure_scan.scan(path, ner="off").sources
    assert (acct.format, acct.error) == ("binary", "binary data of no supported format")


@pytest.mark.parametrize(
    "exc",
    [
        errors.ExposureScanError("m", source="s", record=3),
        errors.SourceNotFoundError("no such file or directory", source="x.csv"),
        errors.LimitExceededError("too big", source="a.zip!b", record=7, limit="max_ratio"),
        errors.ConfigurationError("bad"),
    ],
)
def test_errors_keep_where_they_happened_across_processes(exc: errors.ExposureScanError) -> None:
    again = pickle.loads(pickle.dumps(exc))
    assert type(again) is type(exc) and str(again) == str(exc)
    assert (again.source, again.record) == (exc.source, exc.record)
    assert getattr(again, "limit", None) == getattr(exc, "limit", None)


def test_error_messages_name_the_source_and_record() -> None:
    exc = errors.LimitExceededError("record too long", source="a.csv", record=12, limit="x")
    assert str(exc) == "record too long [source a.csv, record 12]"
    assert exc.message == "record too long" and exc.limit == "x"
