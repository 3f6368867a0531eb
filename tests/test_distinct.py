"""Scanning each distinct (text, record country) once: the same findings, less work."""

from __future__ import annotations

from typing import Any
from unittest import mock

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan import distinct
from exposure_scan.detectors.base import Hits
from exposure_scan.distinct import DistinctCells, _dense_ids


def _cells(texts: list[str | None], regions: list[str | None] | None) -> DistinctCells:
    with (
        mock.patch.object(distinct, "MIN_CELLS", 0),
        mock.patch.object(distinct, "MAX_SHARE", 1),
        mock.patch.object(distinct, "PROBE_SHARE", 1),
    ):
        reg = None if regions is None else np.array(regions, dtype=object)
        found = DistinctCells.of(pa.array(texts, pa.string()), reg)
    assert found is not None
    return found


_TEXTS = st.lists(st.sampled_from(["a", "b", "é", "", None]), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), texts=_TEXTS, keyed=st.booleans())
def test_every_cell_points_at_a_representative_with_its_key(data, texts, keyed) -> None:  # type: ignore[no-untyped-def]
    regions = None
    if keyed:
        regions = data.draw(
            st.lists(st.sampled_from(["IT", "DE", None]), min_size=len(texts), max_size=len(texts))
        )
    cells = _cells(texts, regions)
    reps = cells.values.to_pylist()
    keys = list(zip(reps, [None] * len(reps) if regions is None else cells.regions, strict=True))
    assert len(set(keys)) == len(keys)  # one representative per key
    for i, text in enumerate(texts):
        if text is None:
            assert cells.inverse[i] == len(reps)  # null cells: past the representatives
            continue
        assert reps[cells.inverse[i]] == text
        if regions is not None:
            assert cells.regions[cells.inverse[i]] == regions[i]
    expected = {
        (t, None if regions is None else regions[i]) for i, t in enumerate(texts) if t is not None
    }
    assert set(keys) == expected


@settings(max_examples=200, deadline=None)
@given(keys=st.lists(st.integers(0, 40), min_size=1, max_size=80), wide=st.booleans())
def test_dense_ids_number_the_keys_in_order_either_way(keys: list[int], wide: bool) -> None:
    """The table over the key range and the sort (a range too wide for a table) agree."""
    key = np.array(keys, dtype=np.int64)
    inverse, first = _dense_ids(key, 10**9 if wide else 41)
    ranks = {k: r for r, k in enumerate(sorted(set(keys)))}
    assert inverse.tolist() == [ranks[k] for k in keys]
    assert first.tolist() == [keys.index(k) for k in sorted(set(keys))]


def _naive(cells: DistinctCells, hits: Hits) -> list[tuple[int, int, int, str]]:
    """Every cell's matches, cell by cell: its representative's, by start."""
    values = hits.values.to_pylist() if isinstance(hits.values, pa.Array) else hits.values
    out = []
    for c, rep in enumerate(cells.inverse.tolist()):
        own = [j for j in range(hits.cell.size) if hits.cell[j] == rep]
        own.sort(key=lambda j: hits.start[j])
        out.extend((c, int(hits.start[j]), int(hits.end[j]), values[j]) for j in own)
    return out


@settings(max_examples=300, deadline=None)
@given(data=st.data(), texts=_TEXTS)
def test_expand_gives_every_cell_its_representatives_matches(data, texts) -> None:  # type: ignore[no-untyped-def]
    cells = _cells(texts, None)
    reps = len(cells.values)
    if reps == 0:
        return
    found = data.draw(
        st.lists(st.tuples(st.integers(0, reps - 1), st.integers(0, 9)), unique=True, max_size=12)
    )
    missed = data.draw(st.lists(st.integers(0, reps - 1), max_size=5))
    hits = Hits(
        np.array([c for c, _ in found], dtype=np.int64),
        np.array([s for _, s in found], dtype=np.int64),
        np.array([s + 1 for _, s in found], dtype=np.int64),
        pa.array([f"m{c}.{s}" for c, s in found], pa.string()),
        len(missed),
        np.array([float(s) for _, s in found], dtype=np.float32),
        pa.array([f"n{c}.{s}" for c, s in found], pa.string()),
        missed=np.array(missed, dtype=np.int64),
    )
    out = cells.expand(hits)
    got = list(
        zip(
            out.cell.tolist(),
            out.start.tolist(),
            out.end.tolist(),
            out.values.to_pylist(),
            strict=True,
        )
    )
    assert got == _naive(cells, hits)
    assert out.normals is not None and out.scores is not None
    assert out.normals.to_pylist() == [f"n{v[1:]}" for _, _, _, v in got]
    assert out.scores.tolist() == [float(s) for _, s, _, _ in got]
    assert out.near_misses == sum(int((cells.inverse == m).sum()) for m in missed)


@pytest.mark.parametrize(
    ("texts", "used"),
    [
        (["x"] * 100, False),  # too short to pay
        ([f"v{i}" for i in range(4096)], False),  # the probe is all distinct
        ([f"v{i % 3000}" for i in range(4096)], False),  # past the probe: too many distinct
        ([f"v{i % 50}" for i in range(4096)], True),
        ([None if i % 2 else f"v{i % 50}" for i in range(4096)], True),
    ],
)
def test_only_repetitive_columns_are_scanned_by_distinct_value(texts, used) -> None:  # type: ignore[no-untyped-def]
    assert (DistinctCells.of(pa.array(texts, pa.string())) is not None) is used


def _batch():  # type: ignore[no-untyped-def]
    """A generated table with look-alikes, plus columns that repeat: a few national phones
    over records of every country (validity depends on the record's), cells with two
    e-mails, a list column, and phones inside and beside e-mails."""
    from exposure_scan.engine import RoleBook
    from exposure_scan.sources.base import Batch
    from exposure_scan.testing.synthetic import customer_table

    table = customer_table(3000, seed=5, lookalikes=True).table
    text = pa.table({c: pc.cast(table[c], pa.string()) for c in table.column_names})
    n = text.num_rows
    national = ["030 1234567", "06 12 34 56 78", "333 123 4567", "020 7946 0018", None]
    pairs = ["ann@example.com; bob@example.org", "no contact", None]
    lists = [["cid@example.net", "0612345678"], None, [], ["x"]]
    # a phone inside an e-mail (dropped: the container owns it) beside one that is not
    handles = ["3331234567@example.it", "ann@example.com / 333 123 4567", None]
    text = text.append_column("alt_phone", pa.array([national[i % 5] for i in range(n)]))
    text = text.append_column("contacts", pa.array([pairs[i % 3] for i in range(n)]))
    text = text.append_column("tags", pa.array([lists[i % 4] for i in range(n)]))
    text = text.append_column("handles", pa.array([handles[i % 3] for i in range(n)]))
    book = RoleBook()
    ready = [*book.push(Batch("t", text.combine_chunks().to_batches()[0], 0)), *book.flush()]
    assert len(ready) == 1
    return ready[0]


@pytest.mark.parametrize("reveal", [False, True])
def test_a_distinct_scan_finds_what_a_cell_scan_finds(
    monkeypatch: pytest.MonkeyPatch, reveal: bool
) -> None:
    """Findings (rows, spans, masks, hashes, raw values when revealed) and near misses are
    the same with the distinct scan switched off; and it was on, for the columns that
    repeat, masking and hashing each representative's matches once, not every cell's."""
    from exposure_scan.detectors import default_detectors
    from exposure_scan.engine import BatchScanner, _record_regions

    batch = _batch()
    assert _record_regions(batch) is not None  # phones are keyed by the record's country
    used: list[int] = []
    real_expand = DistinctCells.expand

    def counting(self: DistinctCells, hits: Hits) -> Hits:
        used.append(len(self.values))
        return real_expand(self, hits)

    masked: list[int] = []
    real_mask_and_hash = BatchScanner._mask_and_hash

    def measured(self: BatchScanner, det: Any, vals: pa.Array, normals: Any = None) -> Any:
        masked.append(len(vals))
        return real_mask_and_hash(self, det, vals, normals)

    monkeypatch.setattr(DistinctCells, "expand", counting)
    monkeypatch.setattr(BatchScanner, "_mask_and_hash", measured)
    scanner = BatchScanner(default_detectors(), b"k", reveal)
    fast = scanner.scan(batch)
    assert used
    fast_masked, masked[:] = sum(masked), []
    monkeypatch.setattr(distinct, "MIN_CELLS", 10**9)
    slow = BatchScanner(default_detectors(), b"k", reveal).scan(batch)
    assert fast.canonical() == slow.canonical()
    assert fast_masked < sum(masked) == fast.findings_table().num_rows
    assert sum(fast.near_misses.values()) > 0
    columns = set(fast.findings_table().column("column").to_pylist())
    assert {"alt_phone", "contacts", "tags", "first_name", "country", "handles"} <= columns
