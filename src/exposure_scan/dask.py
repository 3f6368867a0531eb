"""Scans on a Dask cluster: the units of :mod:`exposure_scan.partitions` as tasks.

Each task returns a :class:`~exposure_scan.partitions.UnitResult` (findings and counters, the
accounting of what it read, column profiles). The driver takes the results as they finish,
one at a time, and lets each go on the cluster once taken; findings go to disk past
``findings_memory``, as in a local scan, so neither the driver nor the cluster holds every
finding. A worker that sees the driver's spill directory (the driver's machine, or a volume
shared with ``spill_dir=``) writes each batch's findings there itself and sends back only
counters and file names. Merging is pure and associative and roles are decided once per
source before any slice is scanned, so the report is the one a local scan of the same input
gives. A task whose worker dies is run again by the scheduler (and ``retries`` covers
exceptions): nothing is lost.

Importing this module imports dask and distributed; ``import exposure_scan`` never does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pyarrow as pa
from dask.delayed import delayed
from distributed import Client, Future, as_completed, get_client

from .engine import (
    ProgressEvent,
    ScanOutcome,
    Spiller,
    control_scanner,
    describe_error,
    detection_scopes,
    source_controls,
    spill_error,
)
from .errors import ConfigurationError
from .findings import PartialResult
from .options import ScanOptions
from .partitions import (
    PARTITION_BYTES,
    Plan,
    ScanConfig,
    SliceUnit,
    SplitSource,
    UnitResult,
    WholeUnit,
    decide_roles,
    frame_batches,
    frame_table,
    outcome_parts,
    plan_paths,
    scan_slice,
    scan_unit,
    spill_marker,
    without_file,
)
from .report import Report

__all__ = ["connect", "run_dataframe", "run_paths", "scan_dataframe", "scan_paths"]

#: Times a task is re-run after an exception (a dead worker is handled by the scheduler).
RETRIES = 3


@contextlib.contextmanager
def connect(client: Client | None = None, scheduler_address: str | None = None) -> Iterator[Client]:
    """The client to use: the one given, a new one for ``scheduler_address``, or the default."""
    if client is not None and scheduler_address is not None:
        raise ConfigurationError("pass client= or scheduler_address=, not both")
    if client is not None:
        yield client
        return
    if scheduler_address is not None:
        with Client(scheduler_address, set_as_default=False) as own:  # type: ignore[no-untyped-call]
            yield own
        return
    try:
        found = get_client()
    except ValueError as exc:
        raise ConfigurationError(
            "engine='dask' needs client=, scheduler_address='tcp://...', or a running "
            "distributed.Client"
        ) from exc
    yield found


def scan_paths(
    paths: Sequence[Any],
    options: ScanOptions,
    *,
    client: Client | None = None,
    scheduler_address: str | None = None,
    partition_bytes: int = PARTITION_BYTES,
    retries: int = RETRIES,
) -> Report:
    """``exposure_scan.scan(paths, engine="dask", ...)``: files on storage every worker sees."""
    with connect(client, scheduler_address) as c:
        outcome = run_paths(paths, options, c, partition_bytes=partition_bytes, retries=retries)
    return _report(outcome, options)


def scan_dataframe(
    ddf: Any,
    *,
    name: str = "<dataframe>",
    client: Client | None = None,
    scheduler_address: str | None = None,
    retries: int = RETRIES,
    **options: Any,
) -> Report:
    """Scan a Dask DataFrame (e.g. ``dd.read_parquet(...)``) as one source named ``name``.

    Rows are numbered by global position; a named index is scanned as a column (it is data),
    the default positional index is not. ``options`` are those of :func:`exposure_scan.scan`.
    """
    opts = ScanOptions.from_kwargs(options)
    with connect(client, scheduler_address) as c:
        outcome = run_dataframe(ddf, name, opts, c, retries=retries)
    return _report(outcome, opts)


def _report(outcome: ScanOutcome, options: ScanOptions) -> Report:
    report = Report.from_outcome(outcome, options)
    report.meta["engine"] = "dask"
    return report


# --- paths ----------------------------------------------------------------------------------
def run_paths(
    paths: Sequence[Any],
    options: ScanOptions,
    client: Client,
    *,
    partition_bytes: int = PARTITION_BYTES,
    retries: int = RETRIES,
) -> ScanOutcome:
    """Plan in the driver, scan units on the cluster, take their results here as they finish."""
    config = ScanConfig.from_options(options)
    started = time.time()
    plan = plan_paths(list(paths), config, partition_bytes)
    collector = Collector(options, config)
    config = collector.config
    futures = [
        client.submit(
            scan_unit,
            unit,
            config,
            key=f"exposure-scan-unit-{config.token}-{i}",
            retries=retries,
            pure=False,
        )
        for i, unit in enumerate(plan.units)
    ]
    progress = _Progress(plan, options.progress) if options.progress else None
    collector.gather(client, futures, progress)
    if collector.merged.failures:
        # A slice of a split Parquet file could not be read: read that file whole, the local
        # way, so its account says where reading stopped and what was scanned before.
        failed = sorted(collector.merged.failures)
        for order in failed:
            collector.drop_file(plan, order)
        again = [
            client.submit(
                scan_unit,
                WholeUnit(order, *plan.files[order]),
                config,
                key=f"exposure-scan-reread-{config.token}-{order}",
                retries=retries,
                pure=False,
            )
            for order in failed
        ]
        collector.gather(client, again)
    return _outcome(plan, collector.merged, config, started, client)


class Collector:
    """The driver's side of a cluster scan: unit results merged as they arrive, findings
    spilled to disk past ``findings_memory`` (see :class:`~exposure_scan.engine.Spiller`).

    When findings may be written to disk, the spill directory is made before any task is
    sent, with a marker file naming the scan: a worker that sees the marker writes its
    findings there (:func:`~exposure_scan.partitions.spill_target`).
    """

    def __init__(self, options: ScanOptions, config: ScanConfig) -> None:
        self.merged = UnitResult()
        self.spill = Spiller(self.merged.partial, options)
        path = self.spill.worker_path()
        if path is not None:
            try:
                with open(spill_marker(path, config.token), "x"):
                    pass
            except OSError as exc:
                raise spill_error(exc, path) from None
        self.config = dataclasses.replace(config, spill_path=path)

    def gather(
        self,
        client: Client,
        futures: list[Future[Any]],
        progress: _Progress | None = None,
    ) -> None:
        """Absorb the results of ``futures`` in the order they finish; each is let go on the
        cluster once taken (``futures`` is emptied: the caller must not keep them). If a task
        fails for good (or the caller interrupts), the tasks not taken yet are cancelled: an
        error leaves no work running on the cluster, even while its traceback is kept."""
        index = {f.key: i for i, f in enumerate(futures)}
        waiting = {f.key: f for f in futures}
        pending = as_completed(futures, loop=client.loop)  # type: ignore[no-untyped-call]
        futures.clear()
        try:
            for fut in pending:
                result: UnitResult = fut.result()
                i = index[fut.key]
                del waiting[fut.key]
                fut.release()
                del fut
                # Counters and findings through the spiller, the rest (accounts, profiles) here.
                part, result.partial = result.partial, PartialResult()
                self.merged.absorb(result)
                self.spill.absorb(part)
                if progress is not None:
                    progress.done(i, result)
        except BaseException:
            pending.clear()  # type: ignore[no-untyped-call]
            client.cancel(list(waiting.values()))  # type: ignore[no-untyped-call]
            waiting.clear()
            raise

    def drop_file(self, plan: Plan, order: int) -> None:
        """Forget what one file contributed (its slices are read again whole)."""
        self.merged = without_file(self.merged, plan, order)
        self.spill.total = self.merged.partial


class _Progress:
    """Progress per finished unit (records and bytes so far), in the order units finish. A
    data frame's partitions have no bytes: ``bytes_total`` is 0 (unknown)."""

    def __init__(self, plan: Plan, callback: Callable[[ProgressEvent], None]) -> None:
        self.plan = plan
        self.callback = callback
        self.total_bytes = sum(plan.sizes)
        self.records = self.done_bytes = 0
        self.t0 = time.time()

    def done(self, i: int, result: UnitResult) -> None:
        self.records += _records(result)
        self.done_bytes += self.plan.sizes[i]
        unit = self.plan.units[i]
        event = ProgressEvent(
            self.plan.files[unit.order][0],
            self.records,
            self.done_bytes,
            self.total_bytes,
            time.time() - self.t0,
            not isinstance(unit, SliceUnit),
        )
        with contextlib.suppress(Exception):
            self.callback(event)


def _outcome(
    plan: Plan, merged: UnitResult, config: ScanConfig, started: float, client: Client
) -> ScanOutcome:
    accounts, total, roles, profiles, sampling = outcome_parts(plan, merged, config)
    checker = control_scanner(config.detectors, config.key)
    workers = len(client.nthreads())  # type: ignore[no-untyped-call]
    outcome = ScanOutcome(accounts, total, roles, started, time.time(), workers, config.key)
    outcome.controls = source_controls(accounts, profiles, total, checker)
    outcome.scopes = detection_scopes(config.detectors)
    outcome.sampling = sampling
    return outcome


def _records(result: UnitResult) -> int:
    return sum(result.records.values()) + sum(a.records_read for a in result.accounts.values())


# --- data frames ----------------------------------------------------------------------------
def run_dataframe(
    ddf: Any, name: str, options: ScanOptions, client: Client, *, retries: int = RETRIES
) -> ScanOutcome:
    """One task per partition; partition lengths first, so rows get their global number."""
    config = ScanConfig.from_options(options)
    started = time.time()
    collector = Collector(options, config)
    config = collector.config
    parts = ddf.to_delayed()
    cl: Any = client  # distributed's methods are untyped
    lengths = [int(n) for n in cl.gather(cl.compute([delayed(len)(p) for p in parts]))]
    offsets = [0, *itertools.accumulate(lengths)][: len(lengths)]
    split = SplitSource(0, name, name, "dataframe")
    split.notes.append(
        f"a Dask DataFrame of {len(parts)} partition(s): no file bytes, so no SHA-256"
    )
    decide_roles(split, _leading_batches(cl, parts, lengths, config.read.batch_rows))
    if isinstance(config.sample, float):
        split.rate = config.sample
    elif config.sample is not None:
        split.rate = min(1.0, config.sample / max(sum(lengths), 1))
    units = [
        SliceUnit(0, i, name, name, offsets[i], (), split.roles, split.rate)
        for i in range(len(parts))
    ]
    plan = Plan(list(units), [(name, name)], {0: split}, [0] * len(units))
    tasks = [
        delayed(_scan_partition, pure=False)(part, unit, config)
        for part, unit in zip(parts, units, strict=True)
    ]
    progress = _Progress(plan, options.progress) if options.progress else None
    collector.gather(client, cl.compute(tasks, retries=retries), progress)
    del tasks
    return _outcome(plan, collector.merged, config, started, client)


def _leading_batches(
    client: Any, parts: list[Any], lengths: list[int], batch_rows: int
) -> Iterator[pa.RecordBatch]:
    """The frame's batches in order, partitions computed one at a time as roles need them."""
    for part, n in zip(parts, lengths, strict=True):
        if n:
            table, _notes = frame_table(client.compute(part).result())
            yield from frame_batches(table, batch_rows)


def _scan_partition(frame: Any, unit: SliceUnit, config: ScanConfig) -> UnitResult:
    try:
        table, notes = frame_table(frame)
    except Exception as exc:  # the account says so; verdicts of absence become inconclusive
        return UnitResult(failures={unit.order: (unit.part, describe_error(exc))})
    result = scan_slice(unit, config, frame_batches(table, config.read.batch_rows))
    result.partial.notes.update(notes)
    return result
