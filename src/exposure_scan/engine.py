"""The scan pipeline: sources -> batches -> detectors -> partial results -> report.

Reading happens in the calling process (sources stream, tar members must be read in order);
scanning batches happens in worker processes when the input is large enough, with at most
``workers + 1`` batches in flight so memory is bounded by batch size, never by file size.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import iter_cells
from .detectors import bytewise, default_detectors
from .detectors.base import (
    CheckCache,
    Detector,
    Hits,
    applies,
    find,
    min_digits,
    regex_mask,
)
from .detectors.headers import header_hint
from .detectors.roles import FREE_TEXT, infer_role
from .detectors.screens import CellScreens
from .distinct import DistinctCells, codes_of
from .errors import ExposureScanError, SpillError
from .findings import (
    COMPACT_SCHEMA,
    VALUE_FIELD,
    PartialResult,
    SpillDir,
    SpilledFindings,
    compact,
    label_array,
)
from .heap import bound_heap
from .masking import keyed_hashes_array, new_key
from .options import ScanOptions
from .sources import ReadOptions, iter_sources
from .sources.base import Batch, SourceAccount
from .verdicts.controls import CONTROL_VALUES, ColumnProfile, ControlResult, run_controls

#: Validated values remembered per detector and process: repeated values (first names, towns)
#: are checked once; columns of unique values cannot profit, so the cache stays small.
CHECK_CACHE_MAX = 25_000

#: Columns shorter than this are not gated by the union prefilter (see ``BatchScanner._gate``).
GATE_MIN_CELLS = 4096
#: The union gate first runs on this many cells of a column; when at least
#: ``GATE_USEFUL_SHARE`` of them pass, the column is not gated (see ``BatchScanner._gate``).
GATE_PROBE = 2048
GATE_USEFUL_SHARE = 0.5
#: Keyed hashes remembered per process: names and towns recur batch after batch. Emptied
#: when full (bounded memory: ~10 MiB); columns of unique values never enter it.
HASH_CACHE_MAX = 50_000


def _gated(detector: Detector) -> bool:
    """Whether the union gate covers ``detector``: pattern detectors whose matches need no
    digit (e-mails, VINs, fiscal codes...). The others skip digit-poor cells by the digit
    screen, a cheaper test than a union with their patterns in it; context-confirmed cell
    detectors see every cell of their column."""
    return not detector.requires_role and min_digits(detector.pattern) == 0


class BatchScanner:
    """Scans batches with a fixed detector list; one per process, reused across batches."""

    def __init__(
        self, detectors: Sequence[Detector], key: bytes, reveal: bool, ner: Any = None
    ) -> None:
        self.detectors = list(detectors)
        self.key = key
        self.reveal = reveal
        self.ner = ner
        self._caches: dict[str, CheckCache] = {d.ident: {} for d in self.detectors}
        self._unions: dict[tuple[str, ...], str] = {}
        self._digests: dict[str, str] = {}

    def scan(self, batch: Batch) -> PartialResult:
        result = PartialResult()
        rows = batch.row_index().to_numpy()
        src = batch.source
        for cells, found in self._column_hits(batch, result):
            for det, hits in found:
                owner = hits.cell if cells.parent is None else cells.parent[hits.cell]
                result.findings.append(
                    self._table(
                        src,
                        cells.name,
                        det,
                        rows[owner],
                        hits.start,
                        hits.end,
                        hits.values,
                        hits.scores,
                        hits.normals,
                        hits.origin,
                    )
                )
        result.detectors.update(self.detector_entities())
        return result

    def entities_by_row(self, batch: Batch) -> dict[int, set[str]]:
        """Which entities each record of ``batch`` holds (0-based within the batch): what
        :meth:`scan` would find, without masks, hashes or tables (positive controls)."""
        out: dict[int, set[str]] = {}
        for cells, found in self._column_hits(batch, PartialResult()):
            for det, hits in found:
                owner = hits.cell if cells.parent is None else cells.parent[hits.cell]
                for row in owner.tolist():
                    out.setdefault(row, set()).add(det.entity)
        return out

    def _column_hits(
        self, batch: Batch, result: PartialResult
    ) -> Iterator[tuple[Any, list[tuple[Detector, Hits]]]]:
        """Per column of ``batch``: its cells and the validated matches of every detector
        that applies (containers' parts dropped); coverage, near misses and anomalies go
        into ``result``."""
        src = batch.source
        record_regions = _record_regions(batch)
        region_codes = None  # the same as small integers, once a column needs them
        for cells in iter_cells(batch.data):
            if cells.skipped_reason is not None:
                result.skipped[(src, cells.name, cells.skipped_reason)] += cells.skipped_count
                continue
            values = cells.values
            result.cells[(src, cells.name)] += len(values) - values.null_count
            if len(values) == values.null_count:
                continue
            if not cells.numeric and bytewise.holds_nul(values):
                nul = pc.sum(pc.cast(pc.match_substring(values, "\x00"), pa.int64())).as_py()
                if nul:
                    result.anomalies[(src, cells.name, "nul")] += nul
            role = batch.roles.get(cells.name)
            column_hits: list[tuple[Detector, Hits]] = []
            running = [d for d in self.detectors if applies(d, role, cells.numeric)]
            cell_regions = cell_codes = None
            if record_regions is not None and any(d.uses_region for d in running):
                if region_codes is None:
                    region_codes = codes_of(record_regions)
                cell_regions, cell_codes = record_regions, region_codes
                if cells.parent is not None:
                    cell_regions, cell_codes = cell_regions[cells.parent], cell_codes[cells.parent]
            # Repeated values (names, towns, codes) are scanned once per distinct text and
            # record country; their findings are then copied to every cell holding them.
            distinct = DistinctCells.of(values, cell_regions, cell_codes)
            if distinct is not None:
                values, cell_regions = distinct.values, distinct.regions
            screens = CellScreens(values, running)
            gate = self._gate(running, values, screens)
            for det in running:
                cache = self._caches.setdefault(det.ident, {})
                if len(cache) > CHECK_CACHE_MAX:
                    cache.clear()  # bounded memory on columns of unique values
                regions = cell_regions if det.uses_region else None
                # Cells that may hold a match: the gate's, less those the screens rule out
                # (a cell without a match holds no finding and no near miss).
                subset = gate if _gated(det) else None
                enough = screens.mask(det)
                if enough is not None:
                    subset = np.flatnonzero(enough) if subset is None else subset[enough[subset]]
                if subset is None or subset.size == len(values):
                    hits = find(det, values, cache, regions=regions)
                elif subset.size == 0:
                    continue  # no cell can hold this detector's shape: no match, no miss
                else:
                    hits = find(
                        det,
                        values.take(pa.array(subset)),
                        cache,
                        regions=None if regions is None else regions[subset],
                    )
                    hits.cell = subset[hits.cell]
                    if hits.missed is not None:
                        hits.missed = subset[hits.missed]
                if distinct is not None:
                    hits = distinct.expand(hits)
                if hits.near_misses:
                    result.near_misses[(src, cells.name, det.entity)] += hits.near_misses
                if hits.cell.size:
                    column_hits.append((det, hits))
            if self.ner is not None and role is not None and role.kind == FREE_TEXT:
                column_hits.extend(self.ner.find(cells.values))
            found = [(d, h) for d, h in _drop_contained(column_hits) if h.cell.size]
            if found:
                yield cells, found

    def _gate(
        self, running: list[Detector], values: pa.Array, screens: CellScreens | None = None
    ) -> np.ndarray | None:
        """Cells matching any pattern detector's prefilter, in one RE2 pass over the column
        (a prefilter is a superset of its pattern, so no other cell can hold a match or a
        near miss); each detector then searches only those. None: no gate (small batches,
        where compiling the union costs more than it saves; few detectors; a union RE2
        cannot build; or a column most of whose cells pass).

        The union holds only the detectors whose matches need no digit (:func:`_gated`):
        with the card, phone and ID patterns in it, RE2 rebuilt a DFA too large for its
        budget on every call (9 us a cell on a phone column). And it pays only where it
        drops cells: a probe of the first cells decides, and a column most of whose probed
        cells pass (e-mails) goes straight to the detectors.

        The union runs only on the cells some gated detector's screens let through (none
        on a column of names: no ``@``, too short for a VIN); when fewer than
        ``GATE_MIN_CELLS`` pass, those cells are the gate, without a union pass."""
        gated = tuple(d for d in running if _gated(d))
        if len(gated) < 4 or len(values) < GATE_MIN_CELLS:
            return None
        eligible: np.ndarray | None = None
        if screens is not None:
            masks = [screens.mask(d) for d in gated]
            screened = [m for m in masks if m is not None]
            if len(screened) == len(masks):
                eligible = np.flatnonzero(np.logical_or.reduce(screened))
                if eligible.size < GATE_MIN_CELLS:
                    return eligible
                if eligible.size == len(values):
                    eligible = None  # every cell may match: the whole column goes to the union
                else:
                    values = values.take(pa.array(eligible))
        key = tuple(d.ident for d in gated)
        union = self._unions.get(key)
        if union is None:
            union = self._unions[key] = "|".join(f"(?:{d.prefilter or d.pattern})" for d in gated)
        try:
            probe = regex_mask(values.slice(0, GATE_PROBE), union)
            if probe.sum() >= GATE_USEFUL_SHARE * probe.size:
                return eligible
            rest = regex_mask(values.slice(GATE_PROBE), union)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return eligible
        hits = np.flatnonzero(np.concatenate([probe, rest]))
        return hits if eligible is None else eligible[hits]

    def _mask_and_hash(
        self, det: Any, vals: pa.Array, normals: pa.Array | None = None
    ) -> tuple[pa.Array, pa.Array]:
        """Masked value and keyed hash per match. Hashes are computed once per distinct
        normal form (``normals`` come from validation, which already computed them: national
        phones depend on the record's country); vectorised masks run on every match (cheaper
        than finding the distinct values of a column of unique e-mails), per-value masks and
        normal forms once per distinct value."""
        many = getattr(det, "mask_many", None)  # NER and duck-typed detectors may lack it
        masked = many(vals) if many is not None else None
        enc = None
        if masked is None:
            enc = pc.dictionary_encode(vals)
            masks = pa.array([det.mask(v) for v in enc.dictionary.to_pylist()], pa.string())
            masked = masks.take(enc.indices)
        if normals is None:
            if enc is None:
                enc = pc.dictionary_encode(vals)
            forms = pa.array([det.normalise(v) for v in enc.dictionary.to_pylist()], pa.string())
            return masked, keyed_hashes_array(forms, self.key).take(enc.indices)
        norm_enc = pc.dictionary_encode(normals)
        return masked, self._hashes(norm_enc.dictionary, len(normals)).take(norm_enc.indices)

    def _hashes(self, forms: pa.Array, matches: int) -> pa.Array:
        """:func:`keyed_hashes_array` of distinct normal forms, through the process's cache
        when they repeat (at most one distinct form per two matches: first names, towns):
        a value seen in an earlier batch is not hashed again. Unique values (e-mails,
        phones) are hashed directly: looking them up would only cost."""
        if 2 * len(forms) > matches or len(forms) > HASH_CACHE_MAX or forms.null_count:
            return keyed_hashes_array(forms, self.key)
        cache = self._digests
        texts = forms.to_pylist()
        new = [i for i, t in enumerate(texts) if t not in cache]
        if new:
            if len(cache) + len(new) > HASH_CACHE_MAX:
                cache.clear()
                new = list(range(len(texts)))
            digests = keyed_hashes_array(forms.take(pa.array(new)), self.key).to_pylist()
            cache.update(zip([texts[i] for i in new], digests, strict=True))
        return pa.array([cache[t] for t in texts], pa.string())

    def detector_entities(self) -> dict[str, str]:
        out = {d.ident: d.entity for d in self.detectors}
        if self.ner is not None:
            out.update(self.ner.detector_entities())
        return out

    def _table(
        self,
        src: str,
        column: str,
        det: Detector,
        rows: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        values: pa.Array | list[str],
        scores: np.ndarray | None = None,
        normals: pa.Array | None = None,
        origin: tuple[Hits, np.ndarray] | None = None,
    ) -> pa.Table:
        vals = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
        n = len(vals)
        if origin is None:
            masked, hashes = self._mask_and_hash(det, vals, normals)
        else:  # a distinct scan's copies: each representative's mask and hash, taken
            reps, take = origin
            rep_values = reps.values
            if not isinstance(rep_values, pa.Array):
                rep_values = pa.array(rep_values, pa.string())
            masked, hashes = self._mask_and_hash(det, rep_values, reps.normals)
            picked = pa.array(take, pa.int64())
            masked, hashes = masked.take(picked), hashes.take(picked)
        cols: dict[str, Any] = {
            "source": label_array(src, n),
            "row": pa.array(rows, pa.int64()),
            "column": label_array(column, n),
            "entity": label_array(det.entity, n),
            "start": pa.array(start, pa.int32()),
            "end": pa.array(end, pa.int32()),
            "score": pa.array(
                np.full(n, det.score, dtype=np.float32)
                if scores is None
                else scores.astype(np.float32)
            ),
            "masked": masked,
            "value_hash": hashes,
            "detector": label_array(det.ident, n),
        }
        schema = COMPACT_SCHEMA
        if self.reveal:
            cols["value"] = vals
            schema = schema.append(VALUE_FIELD)
        return pa.table(cols, schema=schema)


#: Entities whose validated span owns its characters: a card-shaped digit run inside an IBAN,
#: a VIN-shaped local part of an email, a phone inside a wallet address are parts of them.
CONTAINERS = frozenset({"EMAIL_ADDRESS", "IBAN_CODE", "CRYPTO", "PASSWORD_HASH"})


def _drop_contained(
    column_hits: list[tuple[Detector, Hits]],
) -> list[tuple[Detector, Hits]]:
    """Drop matches that lie inside a container entity's match in the same cell.

    Vectorised: containers are sorted by cell, each match looks up its cell's containers
    with a binary search and is compared with them one rank at a time (a cell rarely holds
    more than one container, and an e-mail column holds one per cell)."""
    parts = [
        (det.entity, hits)
        for det, hits in column_hits
        if det.entity in CONTAINERS and hits.cell.size
    ]
    if not parts:
        return column_hits
    c_cell = np.concatenate([h.cell for _, h in parts]).astype(np.int64)
    order = np.argsort(c_cell, kind="stable")
    c_cell = c_cell[order]
    c_start = np.concatenate([h.start for _, h in parts]).astype(np.int64)[order]
    c_end = np.concatenate([h.end for _, h in parts]).astype(np.int64)[order]
    entities = [e for e, _ in parts]
    c_ent = np.concatenate([np.full(h.cell.size, entities.index(e), np.int64) for e, h in parts])[
        order
    ]
    out = []
    for det, hits in column_hits:
        own = entities.index(det.entity) if det.entity in entities else -1
        cell = hits.cell.astype(np.int64)
        start, end = hits.start.astype(np.int64), hits.end.astype(np.int64)
        lo = np.searchsorted(c_cell, cell, side="left")
        hi = np.searchsorted(c_cell, cell, side="right")
        inside = np.zeros(cell.size, dtype=bool)
        for rank in range(int((hi - lo).max(initial=0))):
            j = lo + rank
            has = j < hi
            j = np.where(has, j, 0)
            cs, ce = c_start[j], c_end[j]
            inside |= (
                has
                & (c_ent[j] != own)
                & (cs <= start)
                & (end <= ce)
                & ((cs != start) | (ce != end))
            )
        if not inside.any():
            out.append((det, hits))
            continue
        keep = ~inside
        mask = pa.array(keep)
        values = hits.values if isinstance(hits.values, pa.Array) else pa.array(hits.values)
        out.append(
            (
                det,
                Hits(
                    hits.cell[keep],
                    hits.start[keep],
                    hits.end[keep],
                    values.filter(mask),
                    hits.near_misses,
                    None if hits.scores is None else hits.scores[keep],
                    None if hits.normals is None else hits.normals.filter(mask),
                    hits.missed,
                    None if hits.origin is None else (hits.origin[0], hits.origin[1][keep]),
                ),
            )
        )
    return out


def _record_regions(batch: Batch) -> np.ndarray | None:
    """ISO country code of each record, from the record's country column, if any.

    Phone numbers written nationally (``06 12 34 56 78``) are valid in several numbering
    plans; the record's own country says which one is meant. The country column is the one a
    header announces as the country, else (no header row, ``col_7``) a place column whose
    distinct values are at least 80 % countries."""
    from .detectors.structured import country_code

    by_values: list[tuple[str, np.ndarray]] = []
    for name, role in batch.roles.items():
        hint = getattr(role, "hint", None)
        announced = hint is not None and hint.entity == "LOCATION" and hint.part == "country"
        if not announced and not (hint is None and getattr(role, "entity", None) == "LOCATION"):
            continue
        if name not in batch.data.schema.names:
            continue
        column = batch.data.column(name)
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        enc = pc.dictionary_encode(column)
        found = [country_code(v) for v in enc.dictionary.to_pylist()]
        codes = np.array([*found, None], object)
        idx = enc.indices.fill_null(len(codes) - 1).to_numpy(zero_copy_only=False)
        per_record: np.ndarray = codes[idx]
        if announced:
            return per_record
        if found and sum(c is not None for c in found) >= 0.8 * len(found):
            by_values.append((name, per_record))
    return by_values[0][1] if len(by_values) == 1 else None


# --- worker-process side -----------------------------------------------------------------
_WORKER: BatchScanner | None = None
#: Where this worker writes each batch's findings (None: they travel back in memory)
_WORKER_SPILL: str | None = None


#: Environment of pool workers (where the caller has not set it): OpenBLAS, numpy's BLAS,
#: starts a thread per core when numpy is imported, and each busy-waits ~0.1 s for work that
#: a scan never gives it (no BLAS routine is called): CPU taken from the other worker on a
#: two-core machine, at start-up.
WORKER_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1"}


@contextlib.contextmanager
def worker_environment() -> Iterator[None]:
    """:data:`WORKER_ENVIRONMENT` in ``os.environ`` while worker processes start (they, and
    the forkserver they are forked from when it starts with them, inherit it), then removed:
    the caller's process and the programs it starts later keep their own settings."""
    added = {k: v for k, v in WORKER_ENVIRONMENT.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _init_worker(
    detectors: Sequence[Detector],
    key: bytes,
    reveal: bool,
    ner_spec: Any,
    spill_path: str | None = None,
) -> None:
    global _WORKER, _WORKER_SPILL
    bound_heap()
    if ner_spec is None and _plain_detectors(detectors):
        skip_pandas_detection()
    ner = LazyNer(ner_spec) if ner_spec is not None else None
    _WORKER = BatchScanner(detectors, key, reveal, ner)
    _WORKER_SPILL = spill_path
    warm_up()


def warm_up() -> None:
    """Build the tables every scan of records needs (country names in ~30 languages, 0.2 s)
    now: a pool's workers do it while the driver reads and infers column roles."""
    from .detectors.structured import country_code

    country_code("Italia")


def _started() -> None:
    """A task that only makes the pool start a worker (see ``run_scan``)."""


def _plain_detectors(detectors: Sequence[Detector]) -> bool:
    """Whether every detector is one of ours (a caller's detector may hand pandas objects
    to ``pa.array``, which must then recognise them)."""
    return all(type(d).__module__.startswith("exposure_scan.") for d in detectors)


def skip_pandas_detection() -> None:
    """Stop pyarrow from importing pandas in a pool worker.

    The first ``pa.array()`` of a Python list imports pandas (0.3 s and ~47 MiB resident per
    process) only to ask whether the list is a pandas object; our workers never hand it
    one. That first check is made to fail here, once, and ``import pandas`` works again
    afterwards: ``Table.to_pandas()`` and explicit imports are unaffected."""
    import sys

    if "pandas" in sys.modules:
        return
    blocker = _NoPandas()
    sys.meta_path.insert(0, blocker)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(blocker)


class _NoPandas:
    """An import finder that refuses pandas (see :func:`skip_pandas_detection`)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError(f"{name}: not imported in a scan worker")


def _scan_in_worker(batch: Batch) -> PartialResult:
    assert _WORKER is not None
    result = _WORKER.scan(batch)
    if _WORKER.ner is not None and _WORKER.ner.note:
        result.notes[_WORKER.ner.note] += 1
    if _WORKER_SPILL is not None:
        # Findings go straight to disk: the driver receives counters and a file name, not
        # tens of megabytes to unpickle, hold and write again.
        write_findings(result, _WORKER_SPILL)
    else:
        result.findings = compact(result.findings)  # labels travel once per batch
    # The allocator keeps freed pages for reuse; a worker lives as long as the scan, so its
    # resident memory would follow the largest batch seen. A few milliseconds per batch.
    pa.default_memory_pool().release_unused()
    return result


# --- driver ------------------------------------------------------------------------------
def _input_bytes(paths: Iterable[Any]) -> int:
    total = 0
    for p in paths:
        if not isinstance(p, (str, os.PathLike)):
            continue  # a database or an in-memory table: no file size to go by
        path = os.fspath(p)
        if os.path.isdir(path):
            for root, _dirs, names in os.walk(path):
                total += sum(_size(os.path.join(root, n)) for n in names)
        else:
            total += _size(path)
    return total


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def describe_error(exc: BaseException) -> str:
    """One line for a report, without echoing data (parser messages may quote the record)."""
    if isinstance(exc, ExposureScanError):
        return str(exc)
    return type(exc).__name__


class RoleBook:
    """Column roles and profiles per source, decided once from the first cells of a column.

    Deciding once, in the driver, keeps every batch of a column under the same role whatever
    process scans it. The decision reads the column's cells in the first ``SAMPLE`` records
    since it first appeared (at most ``SAMPLE`` cells), so it does not depend on how the source
    was cut into batches either; batches are held back until every column they carry has a
    role, which bounds what is held to about ``SAMPLE`` records, sparse JSON fields included.
    The profile (Arrow type, role) is what positive controls replay.
    """

    SAMPLE = 2000

    def __init__(self) -> None:
        self.roles: dict[tuple[str, str], Any] = {}
        self.profiles: dict[str, dict[str, ColumnProfile]] = {}
        self._held: list[Batch] = []
        self._samples: dict[tuple[str, str], list[pa.Array]] = {}
        self._types: dict[tuple[str, str], tuple[Any, bool]] = {}
        #: record position (per source) where a pending column first appeared
        self._first: dict[tuple[str, str], int] = {}
        #: records of each source pushed so far
        self._pos: dict[str, int] = {}
        #: What a source says about a column besides its name (a database column comment)
        self._hints: dict[tuple[str, str], str] = {}

    def push(self, batch: Batch) -> list[Batch]:
        """Take a batch; return the batches (in order) whose columns all have roles now."""
        self._held.append(batch)
        hints: dict[str, str] = getattr(batch, "column_hints", None) or {}
        pos = self._pos.get(batch.source, 0)
        n = batch.data.num_rows
        for cells in iter_cells(batch.data):
            key = (batch.source, cells.name)
            if key in self.roles or cells.skipped_reason is not None:
                continue
            if cells.name in hints:
                self._hints.setdefault(key, hints[cells.name])
            first = self._first.setdefault(key, pos)
            take = max(0, min(n, first + self.SAMPLE - pos))  # rows inside the window
            values = cells.values
            if cells.parent is None:
                values = values.slice(0, take)
            elif take < n:
                values = values.filter(pa.array(cells.parent < take))
            parts = self._samples.setdefault(key, [])
            parts.append(values)
            self._types.setdefault(key, (cells.arrow_type, cells.numeric))
            if sum(len(p) for p in parts) >= self.SAMPLE:
                self._decide(key)
        self._pos[batch.source] = pos + n
        ended = [
            k for k, f in self._first.items() if k[0] == batch.source and pos + n >= f + self.SAMPLE
        ]
        for key in ended:
            self._decide(key)  # a sparse column: its window of records is over
        return self._release(final=False)

    def flush(self) -> list[Batch]:
        """The source ended: decide from what was seen and release everything held."""
        for key in list(self._samples):
            self._decide(key)
        return self._release(final=True)

    def assign(self, batch: Batch) -> None:
        """Decide missing roles from this batch alone and attach roles (for engines that
        plan roles up front from a source's first batch)."""
        self.push(batch)
        for key in [k for k in self._samples if k[0] == batch.source]:
            self._decide(key)
        self._release(final=True)

    def _decide(self, key: tuple[str, str]) -> None:
        self._first.pop(key, None)
        parts = self._samples.pop(key, [])
        arrow_type, numeric = self._types.pop(key, (None, False))
        if key in self.roles:
            return
        sample = (
            pa.concat_arrays([p.cast(pa.large_string()) for p in parts]).slice(0, self.SAMPLE)
            if parts
            else pa.array([], pa.large_string())
        )
        # A name that announces nothing (``c7``) gives way to the source's description of
        # the column ("customer e-mail"): the header semantics read whichever speaks.
        hint = self._hints.pop(key, None)
        header = hint if hint and header_hint(key[1]) is None else key[1]
        role = self.roles[key] = infer_role(header, sample, numeric=numeric)
        self.profiles.setdefault(key[0], {})[key[1]] = ColumnProfile(key[1], arrow_type, role)

    def _release(self, final: bool) -> list[Batch]:
        out: list[Batch] = []
        while self._held:
            batch = self._held[0]
            names = [c.name for c in iter_cells(batch.data) if c.skipped_reason is None]
            if not final and any((batch.source, n) not in self.roles for n in names):
                break
            self._held.pop(0)
            for n in names:
                role = self.roles.get((batch.source, n))
                if role is not None:
                    batch.roles[n] = role
            out.append(batch)
        return out


class Sampler:
    """Bernoulli sampling of records for triage, reproducible from ``seed``.

    The generator is seeded per (seed, source, first row of the batch), so the same records are
    drawn whatever the batch is scanned by. An integer ``sample`` asks for about that many
    records per source: the rate is set from the first batch's bytes per record and the file size.
    """

    def __init__(self, sample: float | int, seed: int) -> None:
        self.sample = sample
        self.seed = seed
        self.rates: dict[str, float] = {}
        self.seen: Counter[str] = Counter()
        self.kept: Counter[str] = Counter()

    def rate(self, batch: Batch, account: SourceAccount) -> float:
        r = self.rates.get(batch.source)
        if r is None:
            if isinstance(self.sample, float):
                r = self.sample
            else:
                per_record = max(batch.data.nbytes / max(batch.data.num_rows, 1), 1.0)
                size = _size(account.path) * (5 if account.compression else 1)
                est = max(size / per_record, batch.data.num_rows, 1)
                r = min(1.0, self.sample / est)
            self.rates[batch.source] = r
        return r

    def apply(self, batch: Batch, account: SourceAccount) -> Batch:
        n = batch.data.num_rows
        rate = self.rate(batch, account)
        digest = hashlib.sha256(f"{self.seed}\x1f{batch.source}\x1f{batch.first_row}".encode())
        rng = np.random.default_rng(int.from_bytes(digest.digest()[:8], "little"))
        keep = rng.random(n) < rate
        self.seen[batch.source] += n
        self.kept[batch.source] += int(keep.sum())
        rows = batch.row_index().to_numpy()[keep]
        mask = pa.array(keep)
        return Batch(
            batch.source,
            batch.data.filter(mask),
            int(rows[0]) if rows.size else 0,
            pa.array(rows, pa.int64()),
            batch.roles,
        )


def _nul_share(total: PartialResult, source: str, column: str) -> float:
    cells = total.cells.get((source, column), 0)
    return total.anomalies.get((source, column, "nul"), 0) / cells if cells else 0.0


class LazyNer:
    """Loads the NER pipeline on first use: most tables have no free text at all."""

    def __init__(self, spec: Any) -> None:
        self.spec = spec
        self._ner: Any = None
        self.note: str | None = None

    def _load(self) -> Any:
        if self._ner is None:
            from .detectors.ner import load_ner

            self._ner, self.note = load_ner(self.spec)
        return self._ner

    def find(self, values: pa.Array) -> list[tuple[Detector, Any]]:
        ner = self._load()
        return [] if ner is None else list(ner.find(values))

    def detector_entities(self) -> dict[str, str]:
        return {} if self._ner is None else dict(self._ner.detector_entities())


def run_scan(paths: Sequence[Any], options: ScanOptions) -> ScanOutcome:
    bound_heap()  # the driver's heap must not grow with the number of batches (see heap.py)
    detectors = list(options.detectors) if options.detectors is not None else default_detectors()
    key = options.key or new_key()
    read_opts = ReadOptions(
        options.batch_rows, options.block_size, options.limits, options.sample, options.seed
    )
    input_bytes = _input_bytes(paths)
    workers = options.effective_workers(input_bytes)
    ner_spec = None if options.ner in (None, False, "off") else options.ner
    ner_note = NER_OFF_NOTE
    if ner_spec is not None and ner_spec != "auto":
        # A pipeline the caller named must exist: fail before reading anything, not per batch.
        from .detectors.ner import load_ner

        load_ner(ner_spec)
    accounts: list[SourceAccount] = []
    total = PartialResult(detectors={d.ident: d.entity for d in detectors})
    book = RoleBook()
    sampler = Sampler(options.sample, options.seed) if options.sample is not None else None
    pushed_samples: list[tuple[float | int, int]] = []
    pushed_seen: Counter[str] = Counter()
    pushed_kept: Counter[str] = Counter()
    started = time.time()
    spill = Spiller(total, options)
    pool: ProcessPoolExecutor | None = None
    local: BatchScanner | None = None
    if workers > 1:
        with worker_environment():
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("forkserver"),
                initializer=_init_worker,
                initargs=(detectors, key, options.reveal, ner_spec, spill.worker_path()),
            )
            # Workers start (imports, warm_up) while the driver reads and infers roles; a
            # forkserver pool would otherwise start them one per task, on the first batches.
            for _ in range(workers):
                pool.submit(_started)
    else:
        local = BatchScanner(
            detectors, key, options.reveal, LazyNer(ner_spec) if ner_spec is not None else None
        )
    inflight: dict[Future[PartialResult], Batch] = {}
    fallback: BatchScanner | None = None
    progress = Progress(options.progress, input_bytes)

    def drain(limit: int) -> None:
        nonlocal fallback
        while len(inflight) > limit:
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            for fut in done:
                batch = inflight.pop(fut)
                try:
                    spill.absorb(fut.result())
                except BrokenProcessPool:
                    # A worker died (killed, out of memory): the batch is not lost, it is
                    # scanned here instead, and the report says it happened.
                    if fallback is None:
                        fallback = BatchScanner(detectors, key, options.reveal, None)
                    spill.absorb(fallback.scan(batch))
                    total.notes["a worker process died; its batches were rescanned in-process"] += 1

    try:
        for source in iter_sources(paths, read_opts):
            accounts.append(source.account)

            def dispatch(batch: Batch, source: Any = source) -> None:
                nonlocal pool, local
                if sampler is not None and getattr(source, "pushed_sample", None) is None:
                    batch = sampler.apply(batch, source.account)
                    if batch.data.num_rows == 0:
                        return
                progress.batch(source.account, batch, getattr(source, "bytes_read", 0))
                if pool is not None:
                    try:
                        inflight[pool.submit(_scan_in_worker, batch)] = batch
                    except BrokenProcessPool:
                        pool.shutdown(cancel_futures=False)
                        pool = None
                        local = BatchScanner(detectors, key, options.reveal, None)
                        total.notes["the worker pool broke; the scan went on in-process"] += 1
                        spill.absorb(local.scan(batch))
                        return
                    drain(workers + 1)
                else:
                    assert local is not None
                    spill.absorb(local.scan(batch))

            try:
                for batch in source.batches():
                    for ready in book.push(batch):
                        dispatch(ready)
            except SpillError:
                raise  # not the source's fault: the scan cannot keep what it finds
            except Exception as exc:  # a damaged source must not stop the scan
                stop_reading(source.account, exc)
            finally:
                # What was read before the damage is scanned too: nothing read is dropped.
                try:
                    for ready in book.flush():
                        dispatch(ready)
                except SpillError:
                    raise
                except Exception as exc:
                    stop_reading(source.account, exc)
                source.finish()
                pushed = getattr(source, "pushed_sample", None)
                if pushed is not None:  # the source sampled at its origin (TABLESAMPLE)
                    pushed_samples.append((pushed.sample, pushed.seed))
                    pushed_seen[source.account.source] += pushed.seen
                    pushed_kept[source.account.source] += pushed.kept
                progress.source_done(source.account)
        drain(0)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if local is not None and local.ner is not None and local.ner.note:
        total.notes[local.ner.note] += 1
    if ner_spec is None:
        total.notes[ner_note] += 1
    checker = control_scanner(detectors, key)
    controls = source_controls(accounts, book.profiles, total, checker)
    outcome = ScanOutcome(accounts, total, book.roles, started, time.time(), workers, key)
    outcome.controls = controls
    outcome.scopes = detection_scopes(detectors)
    if sampler is not None or pushed_samples:
        seen, kept = Counter(pushed_seen), Counter(pushed_kept)  # update() keeps zero counts
        if sampler is not None:
            seen.update(sampler.seen)
            kept.update(sampler.kept)
        outcome.sampling = {
            "sample": options.sample if options.sample is not None else pushed_samples[0][0],
            "seed": options.seed if options.sample is not None else pushed_samples[0][1],
            "records_seen": dict(sorted(seen.items())),
            "records_scanned": dict(sorted(kept.items())),
        }
    return outcome


class Spiller:
    """Absorbs batch results into the scan's total and writes its findings to disk whenever
    those held in memory outgrow ``options.findings_memory``: the driver's memory is then
    bounded by the budget and the batches in flight, never by the size of the leak. Pool
    workers write each batch's findings to the same directory themselves (``worker_path``)
    and send back only counters and a file name."""

    def __init__(self, total: PartialResult, options: ScanOptions) -> None:
        self.total = total
        self.budget = options.findings_memory
        self.held = 0
        self.directory: SpillDir | None = None
        self.parent = options.spill_dir
        # Raw values reach the disk only where the caller said they may.
        self.enabled = not options.reveal or options.spill_dir is not None

    def worker_path(self) -> str | None:
        """The directory pool workers write their findings to, when they may."""
        if not self.enabled:
            return None
        self._ensure_directory()
        assert self.directory is not None
        return self.directory.path

    def absorb(self, part: PartialResult) -> None:
        if part.spilled and self.directory is not None:
            # Files written by workers: owned by the directory, which lives with the report.
            part.spilled = [s.owned_by(self.directory) for s in part.spilled]
        self.total.absorb(part)
        self.held += sum(t.nbytes for t in part.findings)
        if self.enabled and self.held > self.budget:
            try:
                self._ensure_directory()
                assert self.directory is not None
                self.total.spill(self.directory)
                pa.default_memory_pool().release_unused()
            except OSError as exc:
                raise self._error(exc) from None
            self.held = 0

    def _ensure_directory(self) -> None:
        if self.directory is None:
            try:
                self.directory = SpillDir(self.parent)
            except OSError as exc:
                raise self._error(exc) from None

    def _error(self, exc: OSError) -> SpillError:
        return spill_error(exc, self.parent or "the system's temporary directory")


def write_findings(result: PartialResult, directory: str) -> None:
    """``result``'s findings written to a new file in ``directory`` (shared by the workers
    of one scan): it keeps the file's name and row count instead of the tables."""
    try:
        written = SpilledFindings.write_file(result.findings, directory)
    except OSError as exc:
        raise spill_error(exc, directory) from None
    result.findings = []
    if written is not None:
        result.spilled.append(written)


def spill_error(exc: OSError, where: str) -> SpillError:
    return SpillError(
        f"could not write findings to {where}: {exc.strerror or exc}; free space "
        "there, pass spill_dir= elsewhere, or raise findings_memory"
    )


# --- hooks shared with other engines (exposure_scan.partitions, exposure_scan.dask) ------
#: The note of a scan run with NER switched off, whatever engine ran it.
NER_OFF_NOTE = "NER off: disabled by the caller (ner='off'); names found by column inference only"


def stop_reading(account: SourceAccount, exc: BaseException) -> None:
    """Record that a source could not be read past its current record (the scan goes on)."""
    account.error = f"reading stopped after record {account.records_total}: {describe_error(exc)}"


def scan_source(
    source: Any,
    book: RoleBook,
    scan: Callable[[Batch], None],
    sampler: Sampler | None = None,
) -> None:
    """Read one source to its end and hand its batches to ``scan``, as :func:`run_scan` does.

    For engines that scan a source, or a slice of one, away from the driver (``book`` may hold
    roles decided elsewhere): roles from a column's first cells (batches held back until
    decided), sampling unless the source sampled at its origin, a read error recorded in the
    account with what was read before it still scanned, and the source finished (hashed).
    """

    def dispatch(batch: Batch) -> None:
        if sampler is not None and getattr(source, "pushed_sample", None) is None:
            batch = sampler.apply(batch, source.account)
            if batch.data.num_rows == 0:
                return
        scan(batch)

    try:
        for batch in source.batches():
            for ready in book.push(batch):
                dispatch(ready)
    except Exception as exc:  # a damaged source must not stop the scan
        stop_reading(source.account, exc)
    finally:
        for ready in book.flush():
            dispatch(ready)
        source.finish()


def control_scanner(detectors: Sequence[Detector], key: bytes) -> BatchScanner:
    """The scanner positive controls run through: the scan's own detector instances for the
    entities that have control values, plus the containers that can claim their characters
    (an IBAN owns the digits inside it); no NER, controls test the patterns. Other
    detectors cannot change whether a control is found, only cost a pass per column."""
    keep = [d for d in detectors if d.entity in CONTROL_VALUES or d.entity in CONTAINERS]
    return BatchScanner(keep, key, False)


def source_controls(
    accounts: Sequence[SourceAccount],
    profiles: dict[str, dict[str, ColumnProfile]],
    total: PartialResult,
    checker: BatchScanner,
) -> list[ControlResult]:
    """Positive controls of every source that was read (or failed), from its column profiles."""
    return [
        result
        for account in accounts
        if account.records_read or account.error
        for result in run_controls(
            account.source,
            account.encoding,
            account.error,
            [
                dataclasses.replace(p, nul_share=_nul_share(total, account.source, p.name))
                for p in profiles.get(account.source, {}).values()
            ],
            checker,
            total.detectors,
        )
    ]


def detection_scopes(detectors: Sequence[Detector]) -> dict[str, str]:
    """Where each entity is looked for: an absence claim must say when it rests on columns.

    ``anywhere`` when some detector of the entity runs on every text cell; ``column context``
    when every detector needs a column announced as the entity (by header or role);
    ``confirmed columns`` when every detector needs value-confirmed column inference.
    """
    scopes: dict[str, str] = {}
    for entity in sorted({d.entity for d in detectors}):
        mine = [d for d in detectors if d.entity == entity]
        if any(not d.context for d in mine):
            scopes[entity] = "anywhere"
        elif all(d.requires_role for d in mine):
            scopes[entity] = "confirmed columns"
        else:
            scopes[entity] = "column context"
    return scopes


@dataclass(frozen=True)
class ProgressEvent:
    """What a progress display needs: totals so far, and the input size when known."""

    source: str
    records: int
    bytes_done: int
    bytes_total: int
    elapsed: float
    source_done: bool = False


class Progress:
    """Calls the caller's progress callback; a no-op without one. Never fails the scan."""

    def __init__(self, callback: Callable[[ProgressEvent], None] | None, total: int) -> None:
        self.callback = callback
        self.total = total
        self.records = 0
        self.done_bytes = 0
        self.t0 = time.time()

    def _emit(self, account: SourceAccount, current: int, done: bool) -> None:
        if self.callback is None:
            return
        event = ProgressEvent(
            account.source,
            self.records,
            self.done_bytes + current,
            self.total,
            time.time() - self.t0,
            done,
        )
        with contextlib.suppress(Exception):
            self.callback(event)

    def batch(self, account: SourceAccount, batch: Batch, bytes_read: int = 0) -> None:
        self.records += batch.data.num_rows
        self._emit(account, bytes_read if "!" not in account.source else 0, False)

    def source_done(self, account: SourceAccount) -> None:
        if "!" not in account.source:
            self.done_bytes += account.size
        self._emit(account, 0, True)


class ScanOutcome:
    """The raw result of :func:`run_scan`, before verdicts are drawn."""

    def __init__(
        self,
        accounts: list[SourceAccount],
        partial: PartialResult,
        roles: dict[tuple[str, str], Any],
        started: float,
        finished: float,
        workers: int,
        key: bytes,
    ) -> None:
        self.accounts = accounts
        self.partial = partial
        self.roles = roles
        self.controls: list[ControlResult] = []
        #: entity -> where its detectors look ("anywhere", "column context", ...)
        self.scopes: dict[str, str] = {}
        #: None for an exhaustive scan; else the sampling parameters and counts per source
        self.sampling: dict[str, Any] | None = None
        self.started = started
        self.finished = finished
        self.workers = workers
        self.key = key
