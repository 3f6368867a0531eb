"""Scan each distinct cell of a column once, then give every cell that holds it its findings.

Real columns repeat themselves: first names, towns, postcodes, countries, product codes and
prices hold a tenth or less as many distinct values as cells in a batch. Detection depends
only on a cell's text and, for the detectors that validate per record country (phones), on
that country, so the findings of a repeated (text, country) pair are the same in every cell
that holds it. :class:`DistinctCells` picks one representative cell per pair, the detectors
run on those, and :meth:`DistinctCells.expand` copies each finding to every cell of its pair;
near misses are counted per cell in the same way. Columns of mostly unique values (e-mails,
phones, ids) are left as they are, after a probe of their first cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .detectors.base import Hits

#: Columns shorter than this are scanned cell by cell (positive controls, tiny batches).
MIN_CELLS = 1024
#: Cells probed first; a column whose probe is more than ``PROBE_SHARE`` distinct is scanned
#: cell by cell without encoding the rest.
PROBE = 2048
PROBE_SHARE = 0.9
#: A column is scanned by distinct value when it has at most this share of distinct keys.
MAX_SHARE = 0.5


@dataclass
class DistinctCells:
    """One representative cell per distinct (text, record country) key of a column."""

    values: pa.Array  # the representatives' texts
    regions: np.ndarray | None  # the representatives' record countries (None: not keyed)
    inverse: np.ndarray  # per cell: its representative (``len(values)`` for a null cell)
    _counts: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def of(
        cls,
        values: pa.Array,
        regions: np.ndarray | None = None,
        region_codes: np.ndarray | None = None,
    ) -> DistinctCells | None:
        """The distinct keys of ``values`` (with ``regions``, one record country per cell,
        as part of the key; ``region_codes``, the same as small integers, when the caller
        has them), or None when scanning them would not save work."""
        n = len(values)
        if n < MIN_CELLS:
            return None
        probe = values.slice(0, PROBE)
        if len(pc.unique(probe)) > PROBE_SHARE * len(probe):
            return None
        enc = pc.dictionary_encode(values)
        size = len(enc.dictionary)
        if size > MAX_SHARE * n:
            return None
        codes = enc.indices.fill_null(size).to_numpy(zero_copy_only=False).astype(np.int64)
        if regions is None:
            return cls(enc.dictionary, None, codes)
        if region_codes is None:
            region_codes = codes_of(regions)
        kinds = int(region_codes.max(initial=0)) + 1
        key = codes * kinds + region_codes
        nulls = codes == size
        key[nulls] = size * kinds  # every null cell: one key, the largest
        inverse, first = _dense_ids(key, (size + 1) * kinds)
        if nulls.any():  # the null cells' key is the last: no representative
            first = first[:-1]
        if first.size > MAX_SHARE * n:
            return None
        return cls(values.take(pa.array(first)), regions[first], inverse)

    @property
    def counts(self) -> np.ndarray:
        """Cells per representative (the last entry: null cells)."""
        if self._counts is None:
            self._counts = np.bincount(self.inverse, minlength=len(self.values) + 1)
        return self._counts

    def expand(self, hits: Hits) -> Hits:
        """``hits`` found in the representatives, as the findings of every cell they stand
        for, in cell order (a cell's matches by start); near misses counted per cell too
        (from ``hits.missed``; without it, as given)."""
        near = hits.near_misses
        if hits.missed is not None:
            near = int(self.counts[hits.missed].sum())
        reps = len(self.values) + 1
        per_rep = np.bincount(hits.cell, minlength=reps)
        if per_rep.max(initial=0) <= 1:  # one match per representative: one gather
            hit_of = np.full(reps, -1, dtype=np.int64)
            hit_of[hits.cell] = np.arange(hits.cell.size)
            per_cell = hit_of[self.inverse]
            cells = np.flatnonzero(per_cell >= 0)
            take = per_cell[cells]
        else:
            grouped = np.lexsort((hits.start, hits.cell))  # by representative, then start
            first = np.cumsum(per_rep) - per_rep
            k = per_rep[self.inverse]
            cells = np.repeat(np.arange(self.inverse.size), k)
            run = np.cumsum(k) - k
            within = np.arange(cells.size) - np.repeat(run, k)
            take = grouped[np.repeat(first[self.inverse], k) + within]
        picked = pa.array(take, pa.int64())
        values = hits.values if isinstance(hits.values, pa.Array) else pa.array(hits.values)
        return Hits(
            cells,
            hits.start[take],
            hits.end[take],
            values.take(picked),
            near,
            None if hits.scores is None else hits.scores[take],
            None if hits.normals is None else hits.normals.take(picked),
            origin=(hits, take),
        )


def codes_of(regions: np.ndarray) -> np.ndarray:
    """Record countries as small integers (a missing one is a value of its own)."""
    enc = pc.dictionary_encode(pa.array(regions, pa.string()))
    kinds = len(enc.dictionary)
    codes: np.ndarray = enc.indices.fill_null(kinds).to_numpy(zero_copy_only=False)
    return codes.astype(np.int64)


def _dense_ids(key: np.ndarray, bound: int) -> tuple[np.ndarray, np.ndarray]:
    """Ids of the distinct keys (all in ``[0, bound)``) numbered in key order, per cell, and
    the first cell of each: by a table over the key range when it is small, else a sort."""
    if bound <= 8 * key.size + 1024:
        present = np.zeros(bound, dtype=bool)
        present[key] = True
        ids = np.cumsum(present) - 1
        inverse = ids[key]
        count = int(ids[-1]) + 1
    else:
        _, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
        count = int(inverse.max(initial=-1)) + 1
    first = np.empty(count, dtype=np.int64)
    first[inverse[::-1]] = np.arange(key.size - 1, -1, -1)
    return inverse, first
