"""Work units: a scan cut into independent pieces whose results merge into the local report.

Engine-agnostic: planning happens in the driver, :func:`scan_unit` runs anywhere (a Dask
worker, a process pool, a test), and :func:`merge_results` is pure and associative, so any
reduction tree gives the same :class:`UnitResult`. Two kinds of cut are made:

* a whole input (a file of any format, a database, an in-memory table): the task runs the
  local source pipeline on it (``engine.scan_source``), so roles, accounting and error text
  are the local ones by construction. Byte ranges of a CSV are not cut: a quoted field may hold
  newlines, so a record boundary cannot be found without reading from the start.
* row groups of a large plain Parquet file: the driver reads the file's first records, decides
  column roles exactly as the local ``RoleBook`` does (from a column's first cells), and every
  slice gets them; a separate task hashes the file. Batches of a row group are the ones a
  whole-file read yields (pyarrow's batches never span row groups), so sampled records and row
  numbers match too.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .detectors import default_detectors
from .detectors.base import Detector
from .engine import (
    NER_OFF_NOTE,
    BatchScanner,
    LazyNer,
    RoleBook,
    Sampler,
    scan_source,
    write_findings,
)
from .errors import ConfigurationError, SourceNotFoundError
from .findings import PartialResult, compact
from .heap import bound_heap
from .masking import new_key
from .options import ScanOptions
from .sources import ReadOptions, iter_sources
from .sources.base import Batch, SourceAccount
from .sources.detect import sniff_compression, sniff_container
from .verdicts.controls import ColumnProfile

#: Parquet files are cut into slices of row groups of about this many bytes on disk.
PARTITION_BYTES = 64 << 20
HEAD_BYTES = 1 << 16


@dataclass(frozen=True)
class ScanConfig:
    """What every task needs to scan like the driver would; ``token`` names the run."""

    detectors: tuple[Detector, ...]
    key: bytes
    reveal: bool
    ner_spec: Any
    read: ReadOptions
    sample: float | int | None
    seed: int
    token: str
    #: The driver's spill directory (see :func:`spill_target`); ``None``: findings travel back
    #: in the task's result.
    spill_path: str | None = None

    @classmethod
    def from_options(cls, options: ScanOptions) -> ScanConfig:
        detectors = options.detectors if options.detectors is not None else default_detectors()
        ner_spec = None if options.ner in (None, False, "off") else options.ner
        if ner_spec is not None and ner_spec != "auto":
            # A pipeline the caller named must exist: fail before any task is sent.
            from .detectors.ner import load_ner

            load_ner(ner_spec)
        return cls(
            detectors=tuple(detectors),
            key=options.key or new_key(),
            reveal=options.reveal,
            ner_spec=ner_spec,
            read=ReadOptions(
                options.batch_rows,
                options.block_size,
                options.limits,
                options.sample,
                options.seed,
            ),
            sample=options.sample,
            seed=options.seed,
            token=os.urandom(8).hex(),
        )


@dataclass(frozen=True)
class WholeUnit:
    """One input read whole by the local source pipeline (every source inside it).

    ``item`` is a path, a database URL or ``Database``, or a ``NamedTable``.
    """

    order: int  # position of the input in the scan: accounts are listed in this order
    name: str
    item: Any


@dataclass(frozen=True)
class SliceUnit:
    """Consecutive batches of one source, scanned with roles decided in the driver.

    For a Parquet file, ``row_groups`` names the slice; for a data frame partition, the batches
    come with the task's input and ``row_groups`` is empty.
    """

    order: int
    part: int
    name: str
    path: str
    first_row: int
    row_groups: tuple[int, ...]
    roles: dict[str, Any]
    rate: float | None


@dataclass(frozen=True)
class HashUnit:
    """The SHA-256 and size of a file whose records are scanned in slices."""

    order: int
    path: str


Unit = WholeUnit | SliceUnit | HashUnit


@dataclass
class SplitSource:
    """A source scanned in slices: what the driver knows to write its account and controls."""

    order: int
    name: str
    path: str
    fmt: str
    roles: dict[str, Any] = field(default_factory=dict)
    profiles: dict[str, ColumnProfile] = field(default_factory=dict)
    rate: float | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    units: list[Unit]
    files: list[tuple[str, str]]  # (name, path) per input, in scan order
    splits: dict[int, SplitSource]
    #: bytes each unit reads (progress display)
    sizes: list[int] = field(default_factory=list)


@dataclass
class UnitResult:
    """What some units produced; merges with :func:`merge_results`."""

    partial: PartialResult = field(default_factory=PartialResult)
    #: (file order, position in the file) -> account, for files read whole
    accounts: dict[tuple[int, int], SourceAccount] = field(default_factory=dict)
    #: file order -> records read, for split sources
    records: Counter[int] = field(default_factory=Counter)
    #: file order -> (sha256, size), for split sources
    hashes: dict[int, tuple[str, int]] = field(default_factory=dict)
    #: file order -> (slice, error), the first slice of a split source that failed to read
    failures: dict[int, tuple[int, str]] = field(default_factory=dict)
    roles: dict[tuple[str, str], Any] = field(default_factory=dict)
    profiles: dict[str, dict[str, ColumnProfile]] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    #: (input order, position) -> (sample, seed) of sources that sampled at their origin
    pushed: dict[tuple[int, int], tuple[Any, int]] = field(default_factory=dict)

    def absorb(self, other: UnitResult) -> None:
        """In place. Counters use ``update`` so that zero counts survive, as in a local scan."""
        self.partial.absorb(other.partial)
        self.accounts.update(other.accounts)
        self.records.update(other.records)
        self.hashes.update(other.hashes)
        for order, failure in other.failures.items():
            mine = self.failures.get(order)
            if mine is None or failure < mine:
                self.failures[order] = failure
        self.roles.update(other.roles)
        for src, cols in other.profiles.items():
            self.profiles.setdefault(src, {}).update(cols)
        self.seen.update(other.seen)
        self.kept.update(other.kept)
        self.pushed.update(other.pushed)


def merge_results(*parts: UnitResult) -> UnitResult:
    """A new result holding all ``parts``; none of them changes (a retried merge is safe)."""
    out = UnitResult()
    for part in parts:
        out.absorb(part)
    return out


# --- planning (driver) ----------------------------------------------------------------------
def list_inputs(paths: Sequence[Any]) -> list[tuple[str, Any]]:
    """(name, item) per input, in the order and with the names of ``iter_sources``.

    Directories are expanded into their files; databases are checked here, so that a wrong
    URL fails before any task is sent, as it does locally before anything is read.
    """
    from .sources.database import Database, is_database_url
    from .sources.tables import NamedTable, name_tables

    inputs: list[tuple[str, Any]] = []
    for p in name_tables(list(paths)):
        if isinstance(p, NamedTable):
            inputs.append((p.name, p))
            continue
        if isinstance(p, Database) or (isinstance(p, str) and is_database_url(p)):
            db = p if isinstance(p, Database) else Database(p)
            db.check()
            inputs.append(("<database>", db))
            continue
        if not isinstance(p, (str, os.PathLike)):
            raise ConfigurationError(f"cannot scan a {type(p).__name__}: not a path or a table")
        path = os.fspath(p)
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for n in sorted(names):
                    full = os.path.join(root, n)
                    inputs.append((full, full))
        elif os.path.exists(path):
            inputs.append((path, path))
        else:
            raise SourceNotFoundError("no such file or directory", source=path)
    return inputs


def plan_paths(
    paths: Sequence[Any],
    config: ScanConfig,
    partition_bytes: int = PARTITION_BYTES,
) -> Plan:
    """Units for ``paths``: large plain Parquet files in row-group slices, other inputs whole."""
    inputs = list_inputs(paths)
    plan = Plan([], [(name, item if isinstance(item, str) else "") for name, item in inputs], {})
    for order, (name, item) in enumerate(inputs):
        size = _size(item) if isinstance(item, str) else 0
        slices = _parquet_slices(item, partition_bytes) if size > partition_bytes else None
        split: SplitSource | None = None
        if slices is not None:
            try:
                split = _plan_split(order, name, item, config)
            except Exception:  # unreadable from the start: the local way says how
                split = None
        if slices is None or split is None:
            plan.units.append(WholeUnit(order, name, item))
            plan.sizes.append(size)
            continue
        plan.splits[order] = split
        for part, (groups, first_row, nbytes) in enumerate(slices):
            plan.units.append(
                SliceUnit(order, part, name, item, first_row, groups, split.roles, split.rate)
            )
            plan.sizes.append(nbytes)
        plan.units.append(HashUnit(order, item))
        plan.sizes.append(0)
    return plan


def _plan_split(order: int, name: str, path: str, config: ScanConfig) -> SplitSource:
    fragment = _fragment(path)
    groups = range(fragment.num_row_groups)
    rbs = (rb for g in groups for rb in _group_batches(fragment, (g,), config.read.batch_rows))
    split = SplitSource(order, name, path, "parquet")
    first = decide_roles(split, rbs)
    if first is not None and config.sample is not None:
        split.rate = Sampler(config.sample, config.seed).rate(first, SourceAccount(name, path))
    return split


def decide_roles(split: SplitSource, batches: Iterable[pa.RecordBatch]) -> Batch | None:
    """Roles and profiles of a source cut in slices, decided as the local ``RoleBook`` does.

    Reads ``batches`` (the source's, in record order) only until every column has its role:
    usually the first batch. Returns the first batch (the sampling rate is set on it).
    """
    book = RoleBook()
    first: Batch | None = None
    cursor = 0
    done = False
    for rb in batches:
        batch = Batch(split.name, rb, cursor)
        cursor += rb.num_rows
        first = first or batch
        released = book.push(batch)
        if released and released[-1] is batch:  # every column of this schema is decided
            done = True
            break
    if not done:
        book.flush()
    split.roles = {col: role for (src, col), role in book.roles.items() if src == split.name}
    split.profiles = dict(book.profiles.get(split.name, {}))
    return first


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _parquet_slices(
    path: str, partition_bytes: int
) -> list[tuple[tuple[int, ...], int, int]] | None:
    """(row groups, first row, bytes) per slice, or None: read the file whole.

    Only an uncompressed, readable Parquet file of two slices or more is cut; anything else
    (a damaged footer included) goes the local way, so its account is the local one.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
        if sniff_compression(head) is not None or sniff_container(head) != "parquet":
            return None
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(path).metadata
        groups = [meta.row_group(i) for i in range(meta.num_row_groups)]
        sizes = [
            sum(g.column(j).total_compressed_size for j in range(g.num_columns)) for g in groups
        ]
    except Exception:  # whatever is wrong with it, the whole-file task will say it
        return None
    slices: list[tuple[tuple[int, ...], int, int]] = []
    current: list[int] = []
    first_row = row = nbytes = 0
    for i, (g, size) in enumerate(zip(groups, sizes, strict=True)):
        if not current:
            first_row, nbytes = row, 0
        current.append(i)
        nbytes += size
        row += g.num_rows
        if nbytes >= partition_bytes:
            slices.append((tuple(current), first_row, nbytes))
            current = []
    if current:
        slices.append((tuple(current), first_row, nbytes))
    return slices if len(slices) > 1 else None


# --- scanning (anywhere) --------------------------------------------------------------------
_SCANNERS: dict[tuple[str, int], BatchScanner] = {}
_SCANNERS_LOCK = threading.Lock()


def scanner_for(config: ScanConfig) -> BatchScanner:
    """One scanner per run and thread of a worker: detector caches and NER load once."""
    key = (config.token, threading.get_ident())
    with _SCANNERS_LOCK:
        scanner = _SCANNERS.get(key)
        if scanner is None:
            bound_heap()  # Dask and partition workers: the same heap growth (see heap.py)
            if len(_SCANNERS) >= 16:
                _SCANNERS.clear()  # scanners of finished runs
            ner = LazyNer(config.ner_spec) if config.ner_spec is not None else None
            scanner = _SCANNERS[key] = BatchScanner(
                config.detectors, config.key, config.reveal, ner
            )
    return scanner


def scan_unit(unit: Unit, config: ScanConfig) -> UnitResult:
    """Scan one unit of a plan (a task's body)."""
    if isinstance(unit, HashUnit):
        return hash_file(unit)
    if isinstance(unit, WholeUnit):
        return scan_whole(unit, config)
    fragment = _fragment(unit.path)
    return scan_slice(
        unit, config, _group_batches(fragment, unit.row_groups, config.read.batch_rows)
    )


def spill_marker(directory: str, token: str) -> str:
    """The file the driver leaves in its spill directory for the scan ``token``."""
    return os.path.join(directory, f".exposure-scan-{token}")


def spill_target(config: ScanConfig) -> str | None:
    """The driver's spill directory when this machine sees it (its marker is there): a
    worker on the driver's machine, or on a volume the caller shares with ``spill_dir=``.
    Elsewhere the findings travel back in the task's result."""
    path = config.spill_path
    if path is not None and os.path.exists(spill_marker(path, config.token)):
        return path
    return None


def _batch_scan(
    config: ScanConfig, out: UnitResult
) -> tuple[BatchScanner, Callable[[Batch], None]]:
    """The task's scanner, and the function that scans a batch into ``out``: each batch's
    findings are written to the driver's spill directory when the worker sees it, so a
    task holds one batch's findings at a time, whatever the size of its input."""
    scanner = scanner_for(config)
    target = spill_target(config)

    def scan(batch: Batch) -> None:
        result = scanner.scan(batch)
        if target is not None:
            write_findings(result, target)
        out.partial.absorb(result)

    return scanner, scan


def hash_file(unit: HashUnit) -> UnitResult:
    digest = hashlib.sha256()
    size = 0
    with open(unit.path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return UnitResult(hashes={unit.order: (digest.hexdigest(), size)})


def scan_whole(unit: WholeUnit, config: ScanConfig) -> UnitResult:
    """Every source of one input, read and scanned exactly as ``run_scan`` does in-process."""
    out = UnitResult()
    book = RoleBook()
    sampler = Sampler(config.sample, config.seed) if config.sample is not None else None
    scanner, scan = _batch_scan(config, out)
    for seq, source in enumerate(iter_sources([unit.item], config.read)):
        out.accounts[(unit.order, seq)] = source.account
        scan_source(source, book, scan, sampler)
        pushed = getattr(source, "pushed_sample", None)
        if pushed is not None:  # the source sampled at its origin (TABLESAMPLE)
            out.pushed[(unit.order, seq)] = (pushed.sample, pushed.seed)
            out.seen[source.account.source] += pushed.seen
            out.kept[source.account.source] += pushed.kept
    out.roles.update(book.roles)
    out.profiles.update(book.profiles)
    _finish(out, scanner, sampler)
    return out


class _Slice:
    """Part of a source as a source: numbered batches, and an account of what was read."""

    def __init__(self, unit: SliceUnit, batches: Iterator[pa.RecordBatch]) -> None:
        self.unit = unit
        self.account = SourceAccount(unit.name, unit.path)
        self._batches = batches

    def batches(self) -> Iterator[Batch]:
        cursor = self.unit.first_row
        for rb in self._batches:
            self.account.records_read += rb.num_rows
            yield Batch(self.unit.name, rb, cursor)
            cursor += rb.num_rows

    def finish(self) -> None:
        """Nothing to settle: the file is hashed by its own task."""


def scan_slice(
    unit: SliceUnit, config: ScanConfig, batches: Iterator[pa.RecordBatch]
) -> UnitResult:
    """Batches of one source with the driver's roles; a read error marks the source failed.

    ``batches`` are numbered from ``unit.first_row``, as the local reader numbers them.
    """
    out = UnitResult()
    book = RoleBook()
    book.roles = {(unit.name, col): role for col, role in unit.roles.items()}
    sampler = None
    if config.sample is not None and unit.rate is not None:
        sampler = Sampler(config.sample, config.seed)
        sampler.rates[unit.name] = unit.rate
    part = _Slice(unit, batches)
    scanner, scan = _batch_scan(config, out)
    scan_source(part, book, scan, sampler)
    if part.account.error is not None:
        out.failures[unit.order] = (unit.part, part.account.error.split(": ", 1)[-1])
    out.records[unit.order] += part.account.records_read
    _finish(out, scanner, sampler)
    return out


def _finish(out: UnitResult, scanner: BatchScanner, sampler: Sampler | None) -> None:
    out.partial.findings = compact(out.partial.findings)
    out.partial.detectors.update(scanner.detector_entities())
    if scanner.ner is not None and scanner.ner.note:
        out.partial.notes[scanner.ner.note] += 1
    if sampler is not None:
        out.seen.update(sampler.seen)
        out.kept.update(sampler.kept)


def _fragment(path: str) -> Any:
    import pyarrow.dataset as ds

    return next(iter(ds.dataset(path, format="parquet").get_fragments()))


def _group_batches(
    fragment: Any, groups: tuple[int, ...], batch_rows: int
) -> Iterator[pa.RecordBatch]:
    sub = fragment.subset(row_group_ids=list(groups))
    for rb in sub.to_batches(batch_size=batch_rows, use_threads=False):
        if rb.num_rows:
            yield rb


# --- data frames ---------------------------------------------------------------------------
def frame_table(frame: Any) -> tuple[pa.Table, list[str]]:
    """A pandas partition as Arrow, and notes on columns whose values had to become text.

    A named index is data (``set_index("email")``) and becomes a column; the positional index
    is not. An object column mixing Python types cannot be Arrow-typed: it is scanned as the
    text of its values rather than lost, and a note says so.
    """
    if any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    try:
        return pa.Table.from_pandas(frame, preserve_index=False), []
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass
    import pandas as pd

    arrays: list[pa.Array] = []
    notes: list[str] = []
    for i, col in enumerate(frame.columns):
        series = frame.iloc[:, i]
        try:
            arrays.append(pa.array(series, from_pandas=True))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            text = [None if pd.isna(v) else str(v) for v in series]
            arrays.append(pa.array(text, pa.string()))
            notes.append(f"column {col}: values of mixed types scanned as their text")
    return pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns]), notes


def frame_batches(table: pa.Table, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Non-empty batches of ``batch_rows``, cut the same way whatever the table's chunking."""
    for rb in table.combine_chunks().to_batches(max_chunksize=batch_rows):
        if rb.num_rows:
            yield rb


# --- the outcome (driver) -------------------------------------------------------------------
def without_file(result: UnitResult, plan: Plan, order: int) -> UnitResult:
    """``result`` less everything one file contributed (its slices are re-read whole)."""
    name = plan.files[order][0]
    kept = UnitResult()
    p = result.partial
    kept.partial = PartialResult(
        findings=[t.filter(pc.not_equal(t.column("source"), name)) for t in p.findings],
        spilled=[s for s in (f.without_source(name) for f in p.spilled) if s is not None],
        cells=Counter({k: v for k, v in p.cells.items() if k[0] != name}),
        skipped=Counter({k: v for k, v in p.skipped.items() if k[0] != name}),
        near_misses=Counter({k: v for k, v in p.near_misses.items() if k[0] != name}),
        detectors=dict(p.detectors),
        anomalies=Counter({k: v for k, v in p.anomalies.items() if k[0] != name}),
        notes=Counter(p.notes),
    )
    kept.accounts = {k: a for k, a in result.accounts.items() if k[0] != order}
    kept.records = Counter({k: v for k, v in result.records.items() if k != order})
    kept.hashes = {k: v for k, v in result.hashes.items() if k != order}
    kept.failures = {k: v for k, v in result.failures.items() if k != order}
    kept.roles = {k: r for k, r in result.roles.items() if k[0] != name}
    kept.profiles = {k: v for k, v in result.profiles.items() if k != name}
    kept.seen = Counter({k: v for k, v in result.seen.items() if k != name})
    kept.kept = Counter({k: v for k, v in result.kept.items() if k != name})
    kept.pushed = {k: v for k, v in result.pushed.items() if k[0] != order}
    return kept


def outcome_parts(
    plan: Plan, merged: UnitResult, config: ScanConfig
) -> tuple[
    list[SourceAccount],
    PartialResult,
    dict[tuple[str, str], Any],
    dict[str, dict[str, ColumnProfile]],
    dict[str, Any] | None,
]:
    """Accounts in scan order, the total, roles, profiles and sampling, as ``run_scan`` has them.

    A split file whose slices failed should have been replaced by a whole-file read first;
    a split source left with a failure (a data frame partition) gets the error in its account.
    """
    by_file: dict[int, list[tuple[int, SourceAccount]]] = {}
    for (order, seq), account in merged.accounts.items():
        by_file.setdefault(order, []).append((seq, account))
    accounts: list[SourceAccount] = []
    roles = dict(merged.roles)
    profiles = {src: dict(cols) for src, cols in merged.profiles.items()}
    for order, (name, path) in enumerate(plan.files):
        split = plan.splits.get(order)
        if split is None or order in by_file:
            accounts.extend(a for _seq, a in sorted(by_file.get(order, []), key=lambda x: x[0]))
            continue
        account = SourceAccount(name, path, format=split.fmt, notes=list(split.notes))
        account.records_read = merged.records.get(order, 0)
        account.sha256, account.size = merged.hashes.get(order, ("", 0))
        if order in merged.failures:  # a data frame partition: there is no file to re-read
            part, error = merged.failures[order]
            account.error = f"slice {part} could not be read: {error}"
        accounts.append(account)
        roles.update({(name, col): role for col, role in split.roles.items()})
        if split.profiles:
            profiles[name] = dict(split.profiles)
    total = PartialResult(detectors={d.ident: d.entity for d in config.detectors})
    total.absorb(merged.partial)
    if config.ner_spec is None:
        total.notes[NER_OFF_NOTE] += 1
    sampling = None
    if config.sample is not None or merged.pushed:
        origin = merged.pushed[min(merged.pushed)] if merged.pushed else None
        sampling = {
            "sample": config.sample if origin is None or config.sample is not None else origin[0],
            "seed": config.seed if origin is None or config.sample is not None else origin[1],
            "records_seen": dict(sorted(merged.seen.items())),
            "records_scanned": dict(sorted(merged.kept.items())),
        }
    return accounts, total, roles, profiles, sampling
