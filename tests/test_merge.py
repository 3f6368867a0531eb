"""Merge laws of partial results, and independence of the result from how work is split.

Workers, batches and (later) cluster nodes each return a :class:`PartialResult`; the report
must not depend on how the input was cut or in which order the pieces came back. So merge
must be associative and commutative, and a scan must give the same findings and the same
accounting whatever ``batch_rows`` is.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan import PartialResult
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.engine import BatchScanner
from exposure_scan.findings import FINDINGS_SCHEMA
from exposure_scan.sources.base import Batch

DETECTORS = [EmailDetector(), CreditCardDetector()]
KEY = b"merge-law-test-key-32-bytes-long"
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

VALUES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "a@example.com",
            "b@example.org",
            "4111111111111111",
            "5555555555554444",
            "4111111111111112",  # near miss: Luhn fails
            "pay 378282246310005 by c@example.net",
            "nothing here",
        ]
    ),
    st.text(max_size=8),
)


@st.composite
def batches(draw: st.DrawFn) -> Batch:
    n = draw(st.integers(1, 6))
    cols = draw(st.lists(st.sampled_from(["email", "card", "note"]), min_size=1, unique=True))
    data = {c: pa.array(draw(st.lists(VALUES, min_size=n, max_size=n)), pa.string()) for c in cols}
    source = draw(st.sampled_from(["s1.csv", "s2.jsonl"]))
    return Batch(source, pa.record_batch(data), draw(st.integers(0, 1000)))


def partial(batch_list: list[Batch]) -> PartialResult:
    scanner = BatchScanner(DETECTORS, KEY, reveal=False)
    total = PartialResult()
    for b in batch_list:
        total = total + scanner.scan(b)
    return total


PARTIALS = st.lists(batches(), max_size=3).map(partial)


@SETTINGS
@given(a=PARTIALS, b=PARTIALS, c=PARTIALS)
def test_merge_is_associative_and_commutative(a, b, c) -> None:
    assert ((a + b) + c).canonical() == (a + (b + c)).canonical()
    assert (a + b).canonical() == (b + a).canonical()
    assert (a + b + c).canonical() == (c + a + b).canonical()


@SETTINGS
@given(a=PARTIALS, b=PARTIALS)
def test_merge_leaves_operands_unchanged(a, b) -> None:
    before = (a.canonical(), b.canonical())
    _ = a + b
    assert (a.canonical(), b.canonical()) == before


@SETTINGS
@given(parts=st.lists(batches(), min_size=1, max_size=6), split=st.integers(0, 6))
def test_any_split_of_the_batches_gives_the_same_result(parts, split) -> None:
    """One scanner over all batches == two scanners over a split, merged either way."""
    whole = partial(parts)
    left, right = partial(parts[:split]), partial(parts[split:])
    assert (left + right).canonical() == whole.canonical()
    assert (right + left).canonical() == whole.canonical()


def test_absorb_equals_merge_and_empty_is_identity() -> None:
    batch = Batch("s.csv", pa.record_batch({"email": pa.array([None, None], pa.string())}), 0)
    a = BatchScanner(DETECTORS, KEY, reveal=False).scan(batch)
    acc = PartialResult()
    acc.absorb(a)
    assert acc.canonical() == (PartialResult() + a).canonical()
    assert (PartialResult() + a).canonical() == a.canonical()


# --- whole scans: batch size must not change the report --------------------------------------
RECORDS = st.lists(
    st.fixed_dictionaries(
        {
            "email": VALUES,
            "profile": st.fixed_dictionaries(
                {"email": VALUES, "cards": st.lists(VALUES, max_size=3)}
            ),
        }
    ),
    min_size=1,
    max_size=12,
)


def _write_all(tmp: Path, records: list[dict[str, Any]]) -> list[Path]:
    tmp.mkdir(parents=True, exist_ok=True)
    jsonl = tmp / "r.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n{broken\n", encoding="utf-8")
    log = tmp / "r.log"
    log.write_text("".join(f"line {r['email']} {r['profile']['email']}\n" for r in records))
    table = pa.Table.from_pylist(records)
    pq.write_table(table, tmp / "r.parquet", row_group_size=5)
    sql = tmp / "r.sql"
    rows = ",".join(
        "({}, {})".format(
            *(
                "NULL" if v is None else "'" + v.replace("'", "''").replace("\\", "\\\\") + "'"
                for v in (r["email"], r["profile"]["email"])
            )
        )
        for r in records
    )
    sql.write_text(f"INSERT INTO `t` (`a`, `b`) VALUES {rows};\n", encoding="utf-8")
    return [jsonl, log, tmp / "r.parquet", sql]


def _comparable(report: exposure_scan.Report) -> dict[str, Any]:
    d = report.to_dict()
    return {
        "findings": d["findings"],
        "sources": d["sources"],
        "coverage": d["coverage"],
        "cells": [(c["source"], c["column"], c["cells_scanned"]) for c in d["columns"]],
        "near_misses": d["near_misses"],
        "skipped": d["skipped"],
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=RECORDS)
def test_batch_rows_does_not_change_findings_or_accounting(tmp_path: Path, records) -> None:
    paths = _write_all(tmp_path / "in", records)
    results = [
        _comparable(
            exposure_scan.scan(paths, ner="off", detectors=DETECTORS, key=KEY, batch_rows=n)
        )
        for n in (1, 3, 1000)
    ]
    assert results[0] == results[1] == results[2]
    jsonl = results[0]["sources"][0]
    assert (jsonl["records_read"], jsonl["records_unreadable"]) == (len(records), 1)


def test_column_roles_do_not_depend_on_batch_rows(tmp_path: Path) -> None:
    sentence = "Mr Example number {} went to the shop and bought some milk today"
    records = [{"c": "Berlin"}] + [{"c": sentence.format(i)} for i in range(50)]
    path = tmp_path / "roles.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    roles = [
        exposure_scan.scan(path, ner="off", detectors=DETECTORS, batch_rows=n).roles
        for n in (1, 1000)
    ]
    assert roles[0] == roles[1]


# --- whole reports: conventions, serialisation, the process pool ------------------------------
def _mixed_inputs(write) -> list[Path]:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("e.log", "x 4111111111111111 a@example.com\n")
    table = pa.table({"card": [5555555555554444, 1], "p": [{"email": "p@example.com"}, None]})
    pq.write_table(table, pq_buf := io.BytesIO())
    return [
        write("m/a.csv", "name,email,card\nA,a@example.com,378282246310005\nB,b@example.org,x\n"),
        write("m/b.jsonl", '{"u": {"email": "j@example.com"}, "cards": ["2221000000000009"]}\n'),
        write("m/c.parquet", pq_buf.getvalue()),
        write("m/d.zip", buf.getvalue()),
        write("m/f.csv", "name,email\nA,a@example.com\nB\n"),
    ]


def test_findings_table_conventions(write, scan_kept) -> None:  # type: ignore[no-untyped-def]
    report = scan_kept(_mixed_inputs(write))
    table = report.findings_table()
    assert table.schema.equals(FINDINGS_SCHEMA)
    assert table.column_names[:8] == [
        "source",
        "row",
        "column",
        "entity",
        "start",
        "end",
        "score",
        "masked",
    ]
    revealed = report.findings_table(reveal=True).to_pylist()
    assert len(revealed) == 10
    assert all(r["masked"] != r["value"] for r in revealed)
    cards = [r for r in revealed if r["entity"] == "CREDIT_CARD"]
    assert cards and all(r["value"][-4:] == r["masked"][-4:] for r in cards)
    assert all(0 <= r["start"] < r["end"] for r in revealed)
    plain = exposure_scan.scan(_mixed_inputs(write), ner="off")
    assert "value" not in plain.findings_table().column_names
    with pytest.raises(ValueError):
        plain.findings_table(reveal=True)


def test_report_json_round_trip(write, scan_kept) -> None:  # type: ignore[no-untyped-def]
    report = scan_kept(_mixed_inputs(write), reveal=False)
    text = report.to_json()
    again = exposure_scan.Report.from_json(text)
    assert again.to_json() == text
    assert again.findings_table().equals(report.findings_table())
    assert [s.to_dict() for s in again.sources] == [s.to_dict() for s in report.sources]


def test_parallel_workers_match_serial(write, scan_kept) -> None:  # type: ignore[no-untyped-def]
    paths = _mixed_inputs(write)
    serial = scan_kept(paths, workers=1, key=KEY, reveal=False, batch_rows=1)
    parallel = scan_kept(paths, workers=2, key=KEY, reveal=False, batch_rows=1)
    assert parallel.meta["workers"] == 2
    assert parallel.findings_table().num_rows == 10
    assert parallel.findings_table().equals(serial.findings_table())
    assert [s.to_dict() for s in parallel.sources] == [s.to_dict() for s in serial.sources]
    assert parallel.coverage() == serial.coverage()
