"""Findings: mergeable, associative partial results of a scan.

Each worker scans batches and returns a :class:`PartialResult`; partial results merge by
adding counters and uniting finding tables, so the merge is associative and commutative and
any split of the work (batches, processes, cluster nodes) gives the same report. Order is made
canonical only when the findings are read (sorted by source, row, column, start, entity).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
import weakref
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

FINDINGS_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("row", pa.int64(), nullable=False),
        pa.field("column", pa.string(), nullable=False),
        pa.field("entity", pa.string(), nullable=False),
        pa.field("start", pa.int32(), nullable=False),
        pa.field("end", pa.int32(), nullable=False),
        pa.field("score", pa.float32(), nullable=False),
        pa.field("masked", pa.string(), nullable=False),
        pa.field("value_hash", pa.string(), nullable=False),
        pa.field("detector", pa.string(), nullable=False),
    ]
)

#: The optional raw-value column, present only when the caller asked to keep values.
VALUE_FIELD = pa.field("value", pa.string())

SORT_KEYS = [
    ("source", "ascending"),
    ("row", "ascending"),
    ("column", "ascending"),
    ("start", "ascending"),
    ("entity", "ascending"),
    ("end", "ascending"),
    ("detector", "ascending"),
    ("value_hash", "ascending"),  # a total order: ties above only in artificial inputs
    ("masked", "ascending"),
]

ColumnKey = tuple[str, str]  # (source, column)

#: Rows per table :meth:`PartialResult.iter_canonical` yields.
CANONICAL_CHUNK = 1 << 16
#: Findings :meth:`PartialResult.iter_canonical` gathers from small storage units before one
#: sort (~30 MiB); a larger unit is sorted alone.
SORT_ROWS = 1 << 18

#: Finding columns that repeat a few labels: dictionary-encoded when findings travel between
#: processes or are written to disk, plain strings again when they are read.
LABELS = ("source", "column", "entity", "detector")
LABEL_TYPE = pa.dictionary(pa.int32(), pa.string())


def compact_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` with its label columns dictionary-encoded (how findings are held)."""
    for name in LABELS:
        i = schema.get_field_index(name)
        if i >= 0:
            schema = schema.set(i, schema.field(i).with_type(LABEL_TYPE))
    return schema


COMPACT_SCHEMA = compact_schema(FINDINGS_SCHEMA)


def label_array(text: str, n: int) -> pa.DictionaryArray:
    """``text`` ``n`` times as a one-entry dictionary: 4 bytes a finding, not a string."""
    import numpy as np

    return pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(n, np.int32)), pa.array([text], pa.string())
    )


def _dictionary_labels(table: pa.Table) -> pa.Table:
    """Plain label columns dictionary-encoded (a table from an older path or a test)."""
    for name in LABELS:
        i = table.schema.get_field_index(name)
        if i >= 0 and not pa.types.is_dictionary(table.schema.field(i).type):
            table = table.set_column(i, name, pc.dictionary_encode(table.column(name)))
    return table


def compact(tables: list[pa.Table]) -> list[pa.Table]:
    """Finding tables as one, labels dictionary-encoded: about half the bytes to move between
    processes and machines or to spill. Reading them back (:meth:`PartialResult.iter_findings`)
    casts the labels to plain strings."""
    live = [t for t in tables if t.num_rows]
    if not live or any(t.schema != live[0].schema for t in live):
        return live
    return [_dictionary_labels(pa.concat_tables(live).combine_chunks())]


def _plain(table: pa.Table) -> pa.Table:
    """Labels back to plain strings (the public findings schema)."""
    for i, f in enumerate(table.schema):
        if pa.types.is_dictionary(f.type):
            plain = f.with_type(f.type.value_type)  # keeps the field's nullability
            table = table.set_column(i, plain, table.column(i).cast(f.type.value_type))
    return table


def _raw_hashes(table: pa.Table) -> pa.Table:
    """The keyed hashes as 16 raw bytes each (``fixed_size_binary(16)``) when every one is a
    32-digit hex hash, else as they are: what spill files hold (see
    :func:`~exposure_scan.masking.hashes_to_raw`)."""
    from .masking import HASH_BYTES, hashes_to_raw

    i = table.schema.get_field_index("value_hash")
    if i < 0 or not pa.types.is_string(table.schema.field(i).type):
        return table
    chunks = [hashes_to_raw(c) for c in table.column(i).chunks]
    if any(c is None for c in chunks):
        return table
    field_ = table.schema.field(i)
    raw = pa.chunked_array(chunks, pa.binary(HASH_BYTES))
    return table.set_column(i, field_.with_type(raw.type), raw)


def _hex_hashes(table: pa.Table) -> pa.Table:
    """:func:`_raw_hashes` undone: keyed hashes back to their hex text."""
    from .masking import raw_to_hashes

    i = table.schema.get_field_index("value_hash")
    if i < 0 or not pa.types.is_fixed_size_binary(table.schema.field(i).type):
        return table
    text = pa.chunked_array([raw_to_hashes(c) for c in table.column(i).chunks], pa.string())
    return table.set_column(i, table.schema.field(i).with_type(pa.string()), text)


#: Spill directories are named with this prefix; each holds an owner file (see SpillDir).
SPILL_PREFIX = "exposure-scan-findings-"
OWNER_FILE = ".owner"


class SpillDir:
    """A private temporary directory for findings that do not fit the memory budget.

    Created with mode 0700 (``tempfile.mkdtemp``) and removed when the last result or report
    referring to it is gone, or at interpreter exit: spilled findings hold masked values and
    keyed hashes only, unless the scan was asked to reveal raw values.

    A scan killed outright (out of memory, ``SIGKILL``) cannot remove its directory, and a
    large leak's spill takes gigabytes: creating a directory removes those of dead scans
    beside it (:func:`sweep_dead_spills`). Each directory's owner file names its host and
    process and stays locked (``flock``) while the owner lives.
    """

    def __init__(self, parent: str | None = None) -> None:
        self.path = tempfile.mkdtemp(prefix=SPILL_PREFIX, dir=parent)
        self._names = itertools.count()
        lock = _hold_owner_file(self.path)
        self._cleanup = weakref.finalize(self, _remove_spill, self.path, lock)
        sweep_dead_spills(os.path.dirname(self.path), keep=self.path)

    def new_file(self) -> str:
        return f"{self.path}/findings-{next(self._names):06d}.arrow"

    def remove(self) -> None:
        self._cleanup()


def _hold_owner_file(path: str) -> int | None:
    """Write the owner file (host, process) and hold a lock on it; ``None`` where ``flock``
    does not exist (the directory is then never taken for a dead scan's)."""
    try:
        import fcntl
        import socket
    except ImportError:  # not POSIX
        return None
    fd = os.open(os.path.join(path, OWNER_FILE), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, f"{socket.gethostname()}\n{os.getpid()}\n".encode())
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _remove_spill(path: str, lock: int | None) -> None:
    if lock is not None:
        with contextlib.suppress(OSError):
            os.close(lock)
    shutil.rmtree(path, ignore_errors=True)


def sweep_dead_spills(parent: str, keep: str | None = None) -> list[str]:
    """Remove the spill directories in ``parent`` left by scans that died, and return them.

    A directory is removed only when all of these hold: its owner file names this host, the
    process it names is gone (a reused process id keeps it: it looks alive), and the file's
    lock can be taken (a live owner in another PID namespace still holds it). A directory
    without an owner file, from another host, or whose lock cannot be tried is left alone.
    """
    try:
        import fcntl
        import socket
    except ImportError:
        return []
    removed: list[str] = []
    host = socket.gethostname()
    try:
        names = [n for n in os.listdir(parent) if n.startswith(SPILL_PREFIX)]
    except OSError:
        return removed
    for name in names:
        path = os.path.join(parent, name)
        if keep is not None and os.path.abspath(path) == os.path.abspath(keep):
            continue
        try:
            with open(os.path.join(path, OWNER_FILE), "rb") as f:
                owner_host, pid_text = f.read().decode().split("\n")[:2]
                if owner_host != host or _alive(int(pid_text)):
                    continue
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except (OSError, ValueError):  # no owner file, not ours, locked, unreadable
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. another user's process
        return True
    return True


@dataclass(frozen=True, eq=False)
class SpilledFindings:
    """Findings written to an Arrow IPC file (zstd-compressed record batches).

    Holds its :class:`SpillDir` so the directory lives as long as the findings are reachable;
    a pickled copy carries only the path (it is meaningful on the same machine only)."""

    path: str
    rows: int
    owner: SpillDir | None = field(default=None, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        return (SpilledFindings, (self.path, self.rows))

    def tables(self, columns: Sequence[str] | None = None) -> Iterator[pa.Table]:
        import pyarrow.ipc as ipc

        with pa.memory_map(self.path) as source:
            reader = ipc.open_file(source)
            names = reader.schema.names
            options = None
            if columns is not None:
                options = ipc.IpcReadOptions(included_fields=[names.index(c) for c in columns])
                reader = ipc.open_file(source, options=options)
            for i in range(reader.num_record_batches):
                yield _plain(_hex_hashes(pa.Table.from_batches([reader.get_batch(i)])))

    def owned_by(self, owner: SpillDir) -> SpilledFindings:
        return SpilledFindings(self.path, self.rows, owner)

    def without_source(self, source: str) -> SpilledFindings | None:
        """These findings less those of ``source``: this file when it holds none of them,
        else a new file next to it (``None`` when nothing is left). One file's findings are
        in memory at a time."""
        if not any(
            pc.any(pc.equal(t.column("source"), source)).as_py() for t in self.tables(["source"])
        ):
            return self
        kept = [t.filter(pc.not_equal(t.column("source"), source)) for t in self.tables()]
        written = SpilledFindings.write_file(kept, os.path.dirname(self.path))
        if written is None or self.owner is None:
            return written
        return written.owned_by(self.owner)

    @classmethod
    def write(cls, tables: list[pa.Table], directory: SpillDir) -> SpilledFindings | None:
        written = cls.write_file(tables, directory.new_file())
        return None if written is None else written.owned_by(directory)

    @classmethod
    def write_file(cls, tables: list[pa.Table], where: str) -> SpilledFindings | None:
        """``tables`` as one file, written a table at a time (no concatenated copy); labels
        as plain strings, which zstd reduces to almost nothing. ``where`` is a file name, or
        a directory in which a new, unique name is taken (pool workers share one)."""
        import pyarrow.ipc as ipc

        live = [t for t in tables if t.num_rows]
        if not live:
            return None
        if os.path.isdir(where):
            fd, where = tempfile.mkstemp(suffix=".arrow", prefix="findings-w", dir=where)
            os.close(fd)
        with_values = "value" in live[0].column_names
        schema = FINDINGS_SCHEMA.append(VALUE_FIELD) if with_values else FINDINGS_SCHEMA
        schema = compact_schema(schema)
        # Labels stay dictionaries on disk (an IPC file allows one dictionary per column:
        # the tables' one-entry dictionaries are unified first, without copying the rest).
        table = pa.concat_tables(
            [_dictionary_labels(t.select(schema.names)).cast(schema) for t in live]
        ).unify_dictionaries()
        table = _raw_hashes(table)
        options = ipc.IpcWriteOptions(compression="zstd")
        with ipc.new_file(where, table.schema, options=options) as writer:
            writer.write_table(table, 1 << 16)
        return cls(where, table.num_rows)


@dataclass
class PartialResult:
    """What scanning some batches found and covered. Merge with ``+`` or :meth:`merge`."""

    findings: list[pa.Table] = field(default_factory=list)
    #: findings written to disk because they outgrew the memory budget (see :meth:`spill`)
    spilled: list[SpilledFindings] = field(default_factory=list)
    #: (source, column) -> cells scanned (non-null values; list elements count one each)
    cells: Counter[ColumnKey] = field(default_factory=Counter)
    #: (source, column, reason) -> cells present but not scanned
    skipped: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    #: (source, column, entity) -> shape matches that failed validation
    near_misses: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    #: detector ident -> entity, for every detector that ran
    detectors: dict[str, str] = field(default_factory=dict)
    #: (source, column, kind) -> cells showing a decoding anomaly (e.g. "nul": NUL characters,
    #: the mark of text decoded with the wrong encoding); positive controls read it
    anomalies: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    #: notes about the scan itself (e.g. "NER off: no spaCy pipeline installed") -> batches
    notes: Counter[str] = field(default_factory=Counter)

    def merge(self, other: PartialResult) -> PartialResult:
        """A new result holding both; neither operand changes."""
        return PartialResult(
            findings=[*self.findings, *other.findings],
            spilled=[*self.spilled, *other.spilled],
            cells=self.cells + other.cells,
            skipped=self.skipped + other.skipped,
            near_misses=self.near_misses + other.near_misses,
            detectors={**self.detectors, **other.detectors},
            notes=self.notes + other.notes,
            anomalies=self.anomalies + other.anomalies,
        )

    __add__ = merge

    def absorb(self, other: PartialResult) -> None:
        """In-place merge (the scanner's accumulator; avoids copying long lists)."""
        self.findings.extend(other.findings)
        self.spilled.extend(other.spilled)
        self.cells.update(other.cells)
        self.skipped.update(other.skipped)
        self.near_misses.update(other.near_misses)
        self.detectors.update(other.detectors)
        self.notes.update(other.notes)
        self.anomalies.update(other.anomalies)

    def spill(self, directory: SpillDir) -> None:
        """Write the findings held in memory to one file in ``directory`` and let them go:
        memory then stays bounded by the budget whatever the size of the leak."""
        written = SpilledFindings.write(self.findings, directory)
        if written is not None:
            self.spilled.append(written)
        self.findings = []

    def finding_count(self) -> int:
        held: int = sum(t.num_rows for t in self.findings)
        return held + sum(s.rows for s in self.spilled)

    def iter_findings(
        self, columns: Sequence[str] | None = None, *, with_values: bool = False
    ) -> Iterator[pa.Table]:
        """The findings in storage order, a chunk at a time (memory bounded by a chunk):
        the in-memory tables, then the spilled files. Labels come back as plain strings."""
        if columns is None:
            columns = [*FINDINGS_SCHEMA.names, *(["value"] if with_values else [])]
        elif with_values and "value" not in columns:
            columns = [*columns, "value"]
        for t in self.findings:
            if t.num_rows:
                yield _plain(self._select(t, columns))
        for spilled in self.spilled:
            for t in spilled.tables(None if "value" in columns else columns):
                if t.num_rows:
                    yield self._select(t, columns)

    @staticmethod
    def _select(table: pa.Table, columns: Sequence[str]) -> pa.Table:
        if "value" in columns and "value" not in table.column_names:
            raise ValueError("raw values were not kept: scan with reveal=True")
        return table.select(list(columns))

    def findings_table(self, *, with_values: bool = False) -> pa.Table:
        """All findings as one table in canonical order (materialised: for leaks whose
        findings outgrow memory, stream :meth:`iter_canonical` or aggregate over
        :meth:`iter_findings` instead)."""
        schema = FINDINGS_SCHEMA.append(VALUE_FIELD) if with_values else FINDINGS_SCHEMA
        tables = list(self.iter_canonical(with_values=with_values))
        if not tables:
            return schema.empty_table()
        return pa.concat_tables(tables)

    def iter_canonical(
        self,
        columns: Sequence[str] | None = None,
        *,
        with_values: bool = False,
        chunk_rows: int = CANONICAL_CHUNK,
        sort_keys: Sequence[tuple[str, str]] = SORT_KEYS,
    ) -> Iterator[pa.Table]:
        """The findings in canonical order, ``chunk_rows`` at a time: what
        :meth:`findings_table` returns, without holding it.

        Each storage unit (a table held in memory, a spilled file) covers a range of
        (source, record) positions. Units whose ranges overlap are read and sorted together;
        the others one at a time. A pool worker's file holds one batch's records, and the
        in-process spill writes batches in reading order, so memory is bounded by one unit
        for the local engine; units that interleave (an unusual merge) cost their union.
        Ties keep storage order within a group, as the one-table sort does. ``sort_keys``
        must begin with source and row; fewer keys sort faster (records stay consecutive)."""
        schema = FINDINGS_SCHEMA.append(VALUE_FIELD) if with_values else FINDINGS_SCHEMA
        wanted = list(schema.names if columns is None else columns)
        if with_values and "value" not in wanted:
            wanted.append("value")
        if "value" in wanted:
            schema = FINDINGS_SCHEMA.append(VALUE_FIELD)
        needed = [*wanted, *(k for k, _ in sort_keys if k not in wanted)]
        target = pa.schema([schema.field(name) for name in needed])
        units: list[tuple[pa.Table] | SpilledFindings] = [
            *((t,) for t in self.findings if t.num_rows),
            *self.spilled,
        ]
        ranges = [_unit_range(self._unit_tables(u, ["source", "row"])) for u in units]
        live = [(r, u) for r, u in zip(ranges, units, strict=True) if r is not None]
        # Consecutive groups are sorted together up to SORT_ROWS (groups never share a
        # position, so this is the same order): many small units cost one sort, not many.
        pending: list[pa.Table] = []
        held = 0
        for group in _overlapping_groups([r for r, _ in live]):
            for i in group:
                for t in self._unit_tables(live[i][1], needed):
                    pending.append(t.select(needed).cast(target))
                    held += t.num_rows
            if held >= SORT_ROWS:
                yield from _sorted_slices(pending, wanted, chunk_rows, sort_keys)
                pending, held = [], 0
        if pending:
            yield from _sorted_slices(pending, wanted, chunk_rows, sort_keys)

    def _unit_tables(
        self, unit: tuple[pa.Table] | SpilledFindings, columns: list[str]
    ) -> Iterator[pa.Table]:
        """A storage unit's findings, ``columns`` only, labels as plain strings."""
        if isinstance(unit, SpilledFindings):
            if "value" in columns:
                yield from (self._select(t, columns) for t in unit.tables(None))
            else:
                yield from unit.tables(columns)
        else:
            yield _plain(self._select(unit[0], columns))

    def canonical(self) -> dict[str, Any]:
        """An order-independent, comparable form (tests of merge laws use it)."""
        t = self.findings_table()

        def counts(c: Counter[Any]) -> list[tuple[Any, int]]:
            return sorted((k, v) for k, v in c.items() if v)  # a zero count is no count

        return {
            "findings": t.to_pylist(),
            "cells": counts(self.cells),
            "skipped": counts(self.skipped),
            "near_misses": counts(self.near_misses),
            "detectors": sorted(self.detectors.items()),
            "notes": counts(self.notes),
            "anomalies": counts(self.anomalies),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PartialResult):
            return NotImplemented
        return self.canonical() == other.canonical()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<PartialResult findings={self.finding_count()} columns={len(self.cells)}>"


Position = tuple[str, int]  # (source, row): the leading sort keys


def _unit_range(tables: Iterator[pa.Table]) -> tuple[Position, Position] | None:
    """The first and last (source, row) of a storage unit's findings (None: no findings)."""
    lo: Position | None = None
    hi: Position | None = None
    for t in tables:
        if not t.num_rows:
            continue
        sources = pc.min_max(t.column("source"))
        if sources["min"] == sources["max"]:  # one source (the usual batch): no grouping
            rows = pc.min_max(t.column("row"))
            g = pa.table(
                {
                    "source": [sources["min"].as_py()],
                    "row_min": [rows["min"].as_py()],
                    "row_max": [rows["max"].as_py()],
                }
            )
        else:
            g = t.group_by("source").aggregate([("row", "min"), ("row", "max")])
        for source, first, last in zip(
            *(g.column(c).to_pylist() for c in ("source", "row_min", "row_max")), strict=True
        ):
            if lo is None or (source, first) < lo:
                lo = (source, first)
            if hi is None or (source, last) > hi:
                hi = (source, last)
    return None if lo is None or hi is None else (lo, hi)


def _sorted_slices(
    parts: list[pa.Table],
    wanted: list[str],
    chunk_rows: int,
    sort_keys: Sequence[tuple[str, str]] = SORT_KEYS,
) -> Iterator[pa.Table]:
    table = pa.concat_tables(parts)
    table = table.take(pc.sort_indices(table, sort_keys=list(sort_keys))).select(wanted)
    for start in range(0, table.num_rows, max(1, chunk_rows)):
        yield table.slice(start, chunk_rows)


def _overlapping_groups(ranges: Sequence[tuple[Position, Position]]) -> list[list[int]]:
    """Indices of ``ranges`` grouped so that no two groups overlap, in position order;
    indices within a group stay in storage order (ties in the sort keep it)."""
    order = sorted(range(len(ranges)), key=lambda i: ranges[i][0])
    groups: list[list[int]] = []
    end: Position | None = None
    for i in order:
        lo, hi = ranges[i]
        if groups and end is not None and lo <= end:
            groups[-1].append(i)
            end = max(end, hi)
        else:
            groups.append([i])
            end = hi
    return [sorted(g) for g in groups]


#: Bytes of hashes one pass of :func:`distinct_per_entity` may hold (about 50 per hash).
DISTINCT_MEMORY = 128 << 20


def distinct_per_entity(
    partial: PartialResult, findings: int, memory: int = DISTINCT_MEMORY
) -> dict[str, int]:
    """Distinct keyed hashes per entity, exact, in memory bounded by ``memory``.

    Keyed hashes are uniform hex strings, so cutting their first two hex digits into equal
    ranges splits the values into passes of about the same size; a value falls in exactly
    one range, so the per-pass distinct counts add up."""
    passes = max(1, min(256, -(-findings * 50 // max(memory, 1))))
    # Open-ended first and last ranges: every string falls in exactly one, hex or not.
    bounds: list[str | None] = [None, *(f"{(256 * i) // passes:02x}" for i in range(1, passes))]
    bounds.append(None)
    out: Counter[str] = Counter()
    for lo, hi in itertools.pairwise(bounds):
        seen: dict[str, pa.ChunkedArray] = {}
        for t in partial.iter_findings(["entity", "value_hash"]):
            if passes > 1:
                h = t.column("value_hash")
                keep = pc.greater_equal(h, lo) if lo is not None else None
                if hi is not None:
                    below = pc.less(h, hi)
                    keep = below if keep is None else pc.and_(keep, below)
                if keep is not None:
                    t = t.filter(keep)
            if t.num_rows == 0:
                continue
            g = t.group_by("entity").aggregate([("value_hash", "distinct")])
            for entity, values in zip(
                g.column("entity").to_pylist(), g.column("value_hash_distinct"), strict=True
            ):
                new = values.values
                old = seen.get(entity)
                seen[entity] = (
                    pa.chunked_array([new]) if old is None else pa.chunked_array([*old.chunks, new])
                )
                if seen[entity].num_chunks > 64:
                    seen[entity] = pa.chunked_array([pc.unique(seen[entity])])
        for entity, values in seen.items():
            out[entity] += len(pc.unique(values))
    return dict(sorted(out.items()))
