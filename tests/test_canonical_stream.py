"""Findings streamed in canonical order, and JSON reports written from that stream: the
same bytes as the one-table path, in memory bounded by one batch's findings."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure_scan
import exposure_scan.findings as findings_module
from exposure_scan.cli import main
from exposure_scan.findings import (
    FINDINGS_SCHEMA,
    SORT_KEYS,
    PartialResult,
    SpillDir,
    SpilledFindings,
    _overlapping_groups,
    _unit_range,
)
from exposure_scan.testing.synthetic import customer_table

KEY = b"canonical-stream-key-0123456789!"

_row = st.fixed_dictionaries(
    {
        "source": st.sampled_from(["a.csv", "b.csv", "dir/a.csv", "é.csv"]),
        "row": st.integers(0, 40),
        "column": st.sampled_from(["email", "name", "phone"]),
        "entity": st.sampled_from(["EMAIL_ADDRESS", "PERSON"]),
        "start": st.integers(0, 3),
        "end": st.integers(4, 6),
        "score": st.sampled_from([0.5, 1.0]),
        "masked": st.sampled_from(["a***", "b***"]),
        "value_hash": st.sampled_from(["00ff", "a1b2", "ffff"]),
        "detector": st.sampled_from(["email", "person_cell"]),
    }
)


def _reference(tables: list[pa.Table]) -> pa.Table:
    """The one-table sort findings_table() did before streaming existed."""
    table = pa.concat_tables([t.cast(FINDINGS_SCHEMA) for t in tables])
    return table.take(pc.sort_indices(table, sort_keys=SORT_KEYS))


@settings(max_examples=80, deadline=None)
@given(
    rows=st.lists(_row, max_size=60),
    cuts=st.lists(st.integers(0, 60), max_size=6),
    spill=st.lists(st.booleans(), min_size=7, max_size=7),
    sort_units=st.booleans(),
    chunk=st.integers(1, 20),
    sort_rows=st.integers(1, 70),
)
def test_canonical_stream_equals_the_one_table_sort(
    rows: list[dict[str, object]],
    cuts: list[int],
    spill: list[bool],
    sort_units: bool,
    chunk: int,
    sort_rows: int,
) -> None:
    """Any split of the findings into units held in memory or spilled, overlapping or not
    (``sort_units`` makes each unit a run of positions, as the local engine writes them):
    the stream, in any chunk size and however many units one sort gathers, is the sorted
    table, ties in storage order."""
    with mock.patch.object(findings_module, "SORT_ROWS", sort_rows):
        _check_stream(rows, cuts, spill, sort_units, chunk)


def _check_stream(
    rows: list[dict[str, object]], cuts: list[int], spill: list[bool], sort_units: bool, chunk: int
) -> None:
    if sort_units:
        rows = sorted(rows, key=lambda r: (r["source"], r["row"]))
    bounds = [0, *sorted(c for c in cuts if c <= len(rows)), len(rows)]
    units = [
        pa.Table.from_pylist(rows[lo:hi], FINDINGS_SCHEMA) for lo, hi in itertools.pairwise(bounds)
    ]
    directory = SpillDir(None)
    partial = PartialResult()
    for unit, to_disk in zip(units, spill, strict=False):
        if to_disk:
            written = SpilledFindings.write([unit], directory)
            if written is not None:
                partial.spilled.append(written)
        else:
            partial.findings.append(unit)
    stored = list(partial.iter_findings())
    expected = _reference(stored) if stored else FINDINGS_SCHEMA.empty_table()
    streamed = list(partial.iter_canonical(chunk_rows=chunk))
    assert all(0 < t.num_rows <= chunk for t in streamed)
    got = pa.concat_tables(streamed) if streamed else FINDINGS_SCHEMA.empty_table()
    assert got.equals(expected)
    assert partial.findings_table().equals(expected)
    by_record = [("source", "ascending"), ("row", "ascending")]
    records = list(partial.iter_canonical(sort_keys=by_record, chunk_rows=chunk))
    if stored:
        table = pa.concat_tables([t.cast(FINDINGS_SCHEMA) for t in stored])
        assert pa.concat_tables(records).equals(
            table.take(pc.sort_indices(table, sort_keys=by_record))
        )
    some = ["value_hash", "row"]
    projected = list(partial.iter_canonical(some, chunk_rows=chunk))
    assert all(t.column_names == some for t in projected)
    assert sum(t.num_rows for t in projected) == expected.num_rows
    if projected:
        assert pa.concat_tables(projected).equals(expected.select(some))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 10)), max_size=12))
def test_overlapping_groups_are_disjoint_ordered_and_complete(
    spans: list[tuple[int, int]],
) -> None:
    ranges = [(("s", lo), ("s", lo + width)) for lo, width in spans]
    groups = _overlapping_groups(ranges)
    assert sorted(i for g in groups for i in g) == list(range(len(ranges)))
    assert all(g == sorted(g) for g in groups)  # storage order inside a group
    extents = [(min(ranges[i][0] for i in g), max(ranges[i][1] for i in g)) for g in groups]
    for (_, end), (start, _) in itertools.pairwise(extents):
        assert end < start  # groups never touch: a shared position is one group
    for g in groups:  # and a group is not two groups glued together
        members = sorted(g, key=lambda i: ranges[i][0])
        reach = ranges[members[0]][1]
        for i in members[1:]:
            assert ranges[i][0] <= reach
            reach = max(reach, ranges[i][1])


def test_unit_range_spans_sources_in_string_order() -> None:
    t = pa.Table.from_pylist(
        [{"source": "b", "row": 3}, {"source": "a", "row": 9}, {"source": "a", "row": 2}]
    )
    assert _unit_range(iter([t])) == (("a", 2), ("b", 3))
    assert _unit_range(iter([t.slice(0, 0)])) is None


@pytest.fixture(scope="module")
def leak(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = customer_table(2_000, seed=11, lookalikes=False)
    root = tmp_path_factory.mktemp("canonical")
    pa_csv = pytest.importorskip("pyarrow.csv")
    pa_csv.write_csv(data.table.slice(0, 1_200), root / "a.csv")
    pa_csv.write_csv(data.table.slice(1_200), root / "b.csv")
    return root


def _scan(path: Path, **kw: object) -> exposure_scan.Report:
    return exposure_scan.scan(  # type: ignore[arg-type]
        path, key=KEY, ner="off", batch_rows=400, block_size=48 << 10, **kw
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_a_spilled_scan_streams_one_unit_at_a_time(leak: Path, workers: int) -> None:
    """Both local layouts (a pool worker's file per batch; the in-process spill of batches
    in reading order) give units that never overlap: memory is one unit's findings."""
    report = _scan(leak, workers=workers, parallel_threshold=0, findings_memory=1 << 16)
    partial = report._partial
    assert len(partial.spilled) >= 4
    units = [*((t,) for t in partial.findings if t.num_rows), *partial.spilled]
    ranges = [_unit_range(partial._unit_tables(u, ["source", "row"])) for u in units]
    groups = _overlapping_groups([r for r in ranges if r is not None])
    assert len(groups) == len(units)  # every group is one unit
    largest = max(s.rows for s in partial.spilled)
    with mock.patch.object(findings_module, "SORT_ROWS", 1):  # each unit sorted alone
        streamed = list(report.findings_batches(canonical=True))
    assert max(t.num_rows for t in streamed) <= largest
    assert pa.concat_tables(streamed).equals(report.findings_table())


@pytest.mark.parametrize("indent", [2, None])
@pytest.mark.parametrize("findings_memory", [0, 32 << 20])
def test_write_json_is_to_dict_dumped(
    leak: Path, tmp_path: Path, indent: int | None, findings_memory: int
) -> None:
    """Streamed to a file or a text handle, before or after the findings were materialised:
    the bytes ``json.dumps(to_dict())`` gives."""
    report = _scan(leak, workers=1, findings_memory=findings_memory)
    path = tmp_path / "r.json"
    report.write_json(path, indent=indent)
    handle = io.StringIO()
    report.write_json(handle, indent=indent)
    expected = json.dumps(report.to_dict(), indent=indent, ensure_ascii=False)
    assert path.read_text(encoding="utf-8") == handle.getvalue() == expected
    assert report.to_json(indent=indent) == expected  # now from the materialised table
    assert json.loads(expected)["findings"]


def test_write_json_of_a_clean_file_has_an_empty_findings_array(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    clean.write_text("id,qty\n1,2\n3,4\n", encoding="utf-8")
    report = _scan(clean, workers=1)
    out = io.StringIO()
    report.write_json(out)
    assert json.loads(out.getvalue())["findings"] == []
    assert out.getvalue() == report.to_json()


def test_cli_json_is_streamed_to_the_file_and_to_stdout(
    leak: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.json"
    key = tmp_path / "key"
    key.write_bytes(KEY)
    args = ["scan", str(leak), "-f", "json", "--ner", "off", "-q", "--key-file", str(key)]
    assert main([*args, "--output", str(out)]) in (0, 1)
    capsys.readouterr()
    assert main(args) in (0, 1)
    printed = capsys.readouterr().out
    written = out.read_text(encoding="utf-8")
    assert written.endswith("}\n") and printed.endswith("}\n")
    document, echoed = json.loads(written), json.loads(printed)
    for d in (document, echoed):
        d.pop("meta")  # scan times
    assert document == echoed
    assert len(document["findings"]) == sum(document["counts"].values()) > 0


@pytest.mark.parametrize("workers", [1, 2])
def test_reports_count_people_without_building_the_people_table(
    leak: Path, workers: int, tmp_path: Path
) -> None:
    """Summaries, severity and the JSON document use the streamed people summary; it equals
    the full linkage's, and its key files (forced to disk here) live in the spill directory."""
    from exposure_scan.render.text import render_text
    from exposure_scan.verdicts import people_count

    report = _scan(
        leak,
        workers=workers,
        parallel_threshold=0,
        findings_memory=0,
        spill_dir=str(tmp_path),
    )
    made: list[str | None] = []
    real = people_count.tempfile.TemporaryDirectory

    def spy(**kw: Any) -> Any:
        made.append(kw.get("dir"))
        return real(**kw)

    with (
        mock.patch.object(people_count, "KEY_MEMORY", 0),
        mock.patch.object(people_count.tempfile, "TemporaryDirectory", spy),
    ):
        summary = report.people_summary()
    spill = Path(report._partial.spilled[0].path).parent
    assert made and all(d is not None and Path(d) == spill for d in made)
    assert spill.parent == tmp_path
    render_text(report, rich=False, width=100)
    report.severity()
    document = json.loads(report.to_json())
    assert report._linkage is None  # nothing above built the people table
    assert document["people"]["count"] == summary.count > 0
    assert summary == report.linkage().summary()
    assert report.people_summary() == summary


def test_a_failed_write_json_leaves_no_report_and_no_partial_file(
    leak: Path, tmp_path: Path
) -> None:
    """A report cut short (disk full, a spill file gone) must not pass for a whole one."""
    report = _scan(leak, workers=1, findings_memory=0)
    target = tmp_path / "report.json"

    def broken(*args: Any, **kwargs: Any) -> Any:
        yield next(iter(PartialResult.iter_canonical(report._partial, *args, **kwargs)))
        raise OSError("No space left on device")

    with (
        mock.patch.object(report._partial, "iter_canonical", broken),
        pytest.raises(OSError, match="No space"),
    ):
        report.write_json(target)
    assert list(tmp_path.iterdir()) == []
    report.write_json(target)
    assert json.loads(target.read_text(encoding="utf-8"))["findings"]
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
