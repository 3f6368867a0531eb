"""In-memory tables as sources: pyarrow, pandas, polars and DuckDB through ``__arrow_c_stream__``.

Every producer must give the same findings as the pyarrow table it was built from: same
source name, column names and 0-based row positions, whatever the batch size. Values are
``example.com`` addresses and documented test card numbers.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.errors import ConfigurationError
from exposure_scan.sources.tables import NamedTable, is_table, name_tables

CARD = "4111111111111111"

BASE = pa.table(
    {
        "email": ["a@example.com", None, "not an address", "b@example.com", "c@example.com"],
        "card": [None, CARD, "4111 1111 1111 1112", None, CARD],
        "qty": pa.array([1, 2, 3, None, 5], pa.int64()),
    }
)
#: (row, column, entity) the table holds: the look-alikes (no @, bad Luhn) hold nothing.
EXPECTED = [
    (0, "email", "EMAIL_ADDRESS"),
    (1, "card", "CREDIT_CARD"),
    (3, "email", "EMAIL_ADDRESS"),
    (4, "card", "CREDIT_CARD"),
    (4, "email", "EMAIL_ADDRESS"),
]


def _scan(inputs: Any, **options: Any) -> exposure_scan.Report:
    options.setdefault("ner", "off")
    options.setdefault("workers", 1)
    options.setdefault("detectors", [EmailDetector(), CreditCardDetector()])
    return exposure_scan.scan(inputs, **options)


def _hits(report: exposure_scan.Report) -> list[tuple[str, int, str, str]]:
    rows = report.findings_table().to_pylist()
    return sorted((r["source"], r["row"], r["column"], r["entity"]) for r in rows)


def _pandas(t: pa.Table) -> Any:
    return pytest.importorskip("pandas").DataFrame(t.to_pydict())


def _polars(t: pa.Table) -> Any:
    return pytest.importorskip("polars").from_arrow(t)


def _duckdb(t: pa.Table) -> Any:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.register("base", t)
    return con.sql("SELECT * FROM base")


def _reader(t: pa.Table) -> pa.RecordBatchReader:
    return pa.RecordBatchReader.from_batches(t.schema, t.to_batches(max_chunksize=2))


PRODUCERS: dict[str, Callable[[pa.Table], Any]] = {
    "pyarrow.Table": lambda t: t,
    "pyarrow.RecordBatch": lambda t: t.combine_chunks().to_batches()[0],
    "pyarrow.RecordBatchReader": _reader,
    "pandas.DataFrame": _pandas,
    "polars.DataFrame": _polars,
    "duckdb.DuckDBPyRelation": _duckdb,
}


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
@pytest.mark.parametrize("batch_rows", [1, 2, 65536])
def test_every_producer_gives_the_same_findings(producer: str, batch_rows: int) -> None:
    data = PRODUCERS[producer](BASE)
    assert is_table(data)
    report = _scan(data, name="customers", batch_rows=batch_rows)
    assert _hits(report) == [("customers", *e) for e in EXPECTED]
    (account,) = report.sources
    assert (account.source, account.records_read, account.error) == ("customers", 5, None)
    assert account.notes == [f"in-memory {producer}"]


def test_default_name_and_numeric_column_narrowing() -> None:
    report = _scan(BASE, detectors=None)  # every detector: qty is int64, so numeric ones only
    assert {h[0] for h in _hits(report)} == {"<table>"}
    assert not [h for h in _hits(report) if h[2] == "qty"]


def test_mixed_list_of_tables_files_and_names(tmp_path: Path) -> None:
    leak = tmp_path / "leak.csv"
    leak.write_text("email\nd@example.com\n")
    other = pa.table({"contact": ["e@example.com"]})
    report = _scan([BASE, str(leak), other])
    assert [s.source for s in report.sources] == ["<table>", str(leak), "<table 2>"]
    named = _scan([BASE, str(leak), NamedTable(other, "crm")], name="customers")
    assert [s.source for s in named.sources] == ["customers", str(leak), "crm"]
    assert ("crm", 0, "contact", "EMAIL_ADDRESS") in _hits(named)


@pytest.mark.parametrize(
    ("inputs", "name", "expected"),
    [
        ([BASE], None, ["<table>"]),
        ([BASE, BASE], None, ["<table>", "<table 2>"]),
        ([BASE, BASE], ["a", "b"], ["a", "b"]),
        ([NamedTable(BASE, "<table>"), BASE], None, ["<table>", "<table 2>"]),
        (["x.csv", BASE], "t", ["x.csv", "t"]),
    ],
)
def test_name_tables(inputs: list[Any], name: Any, expected: list[str]) -> None:
    out = name_tables(inputs, name)
    assert [x.name if isinstance(x, NamedTable) else x for x in out] == expected


@pytest.mark.parametrize(
    ("inputs", "name"),
    [
        ([BASE, BASE], "one"),  # one name for two tables
        (["x.csv"], "t"),  # a name for no table
        ([BASE, BASE], ["same", "same"]),
        ([NamedTable(BASE, "t"), NamedTable(BASE, "t")], None),
    ],
)
def test_name_tables_rejects(inputs: list[Any], name: Any) -> None:
    with pytest.raises(ConfigurationError):
        name_tables(inputs, name)


@pytest.mark.parametrize("obj", ["leak.csv", Path("leak.csv"), b"bytes", 42, [1, 2], {"a": 1}])
def test_is_table_negatives(obj: Any) -> None:
    assert not is_table(obj)


def test_scan_rejects_what_is_neither_path_nor_table() -> None:
    with pytest.raises(ConfigurationError):
        _scan([BASE, 42])
    with pytest.raises(ConfigurationError):
        NamedTable(42)


def test_stream_is_read_batch_by_batch() -> None:
    """Batches are scanned while the producer still has rows to give: nothing is collected."""
    pulled = 0

    def batches() -> Iterator[pa.RecordBatch]:
        nonlocal pulled
        for i in range(6):
            pulled += 1
            yield pa.record_batch({"email": [f"u{i}.{k}@example.com" for k in range(1000)]})

    seen_at: list[int] = []
    reader = pa.RecordBatchReader.from_batches(pa.schema([("email", pa.string())]), batches())
    report = _scan(reader, progress=lambda event: seen_at.append(pulled))
    assert report.counts()["EMAIL_ADDRESS"] == 6000
    assert seen_at and min(seen_at) < 6


def test_broken_stream_keeps_what_was_read() -> None:
    def batches() -> Iterator[pa.RecordBatch]:
        yield pa.record_batch({"email": ["a@example.com"] * 10})
        raise RuntimeError("producer failed")

    reader = pa.RecordBatchReader.from_batches(pa.schema([("email", pa.string())]), batches())
    report = _scan(reader)
    (account,) = report.sources
    assert account.records_read == 10 and account.error is not None
    assert report.counts()["EMAIL_ADDRESS"] == 10
    assert report.status("EMAIL_ADDRESS") is exposure_scan.Status.PRESENT


def test_stream_that_is_not_a_table_is_accounted() -> None:
    report = _scan(pa.chunked_array([[1, 2]]))  # a stream of arrays, not of records
    (account,) = report.sources
    assert account.error is not None and account.records_read == 0
    assert report.status("EMAIL_ADDRESS") is exposure_scan.Status.INCONCLUSIVE


@settings(max_examples=40, deadline=None)
@given(
    is_email=st.lists(st.booleans(), min_size=1, max_size=60),
    batch_rows=st.integers(min_value=1, max_value=17),
    chunk=st.integers(min_value=1, max_value=23),
)
def test_rows_are_positions_whatever_the_batching(
    is_email: list[bool], batch_rows: int, chunk: int
) -> None:
    cells = [f"p{i}@example.com" if e else f"row {i}" for i, e in enumerate(is_email)]
    table = pa.table({"v": cells})
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=chunk))
    report = _scan(reader, batch_rows=batch_rows)
    rows = [h[1] for h in _hits(report)]
    assert rows == [i for i, e in enumerate(is_email) if e]


def test_scanning_pyarrow_needs_no_dataframe_library() -> None:
    """With pandas, polars and DuckDB unimportable, a pyarrow table scans all the same.

    (pyarrow itself tries ``import pandas`` when it builds arrays, so the libraries are
    blocked rather than looked for in ``sys.modules``.)"""
    code = textwrap.dedent(
        """
        import sys

        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("pandas", "polars", "duckdb"):
                    raise ModuleNotFoundError(name)
                return None

        sys.meta_path.insert(0, Block())
        import pyarrow as pa
        import exposure_scan

        report = exposure_scan.scan(pa.table({"email": ["a@example.com", "x"]}), ner="off")
        loaded = [m for m in sys.modules if m.split(".")[0] in ("pandas", "polars", "duckdb")]
        print(report.counts().get("EMAIL_ADDRESS"), loaded)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "1 []"
