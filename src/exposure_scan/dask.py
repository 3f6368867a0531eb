"""Scans on a Dask cluster: the units of :mod:`exposure_scan.partitions` as tasks.

Each task returns a :class:`~exposure_scan.partitions.UnitResult` (findings and counters, the
accounting of what it read, column profiles); results are merged *on the cluster* by a tree of
merge tasks, so the driver receives one result and never holds every partial result at once.
Merging is pure and associative and roles are decided once per source before any slice is
scanned, so the report is the one a local scan of the same input gives. A task whose worker
dies is run again by the scheduler (and ``retries`` covers exceptions): nothing is lost.

Importing this module imports dask and distributed; ``import exposure_scan`` never does.
"""

from __future__ import annotations

import contextlib
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
    control_scanner,
    describe_error,
    detection_scopes,
    source_controls,
)
from .errors import ConfigurationError
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
    merge_results,
    outcome_parts,
    plan_paths,
    scan_slice,
    scan_unit,
    without_file,
)
from .report import Report

__all__ = ["connect", "run_dataframe", "run_paths", "scan_dataframe", "scan_paths", "tree_reduce"]

#: Times a task is re-run after an exception (a dead worker is handled by the scheduler).
RETRIES = 3
#: Partial results merged per merge task: a tree of depth log8(tasks).
FAN_IN = 8


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
    """Plan in the driver, scan units on the cluster, merge there, build the outcome here."""
    config = ScanConfig.from_options(options)
    started = time.time()
    plan = plan_paths(list(paths), config, partition_bytes)
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
    reduced = tree_reduce(client, futures, token=config.token, retries=retries)
    counts = [client.submit(_records, f, pure=False) for f in futures] if options.progress else []
    futures.clear()  # held here, unit results would stay in worker memory until the end
    if counts:
        _follow(client, counts, plan, options.progress)
    merged: UnitResult = reduced.result()
    if merged.failures:
        # A slice of a split Parquet file could not be read: read that file whole, the local
        # way, so its account says where reading stopped and what was scanned before.
        again = {
            order: client.submit(
                scan_unit,
                WholeUnit(order, *plan.files[order]),
                config,
                key=f"exposure-scan-reread-{config.token}-{order}",
                retries=retries,
                pure=False,
            )
            for order in sorted(merged.failures)
        }
        for order, fut in again.items():
            merged = merge_results(without_file(merged, plan, order), fut.result())
    return _outcome(plan, merged, config, started, client)


def tree_reduce(
    client: Client,
    futures: Sequence[Future[Any]],
    *,
    token: str,
    retries: int = RETRIES,
    fan_in: int = FAN_IN,
) -> Future[Any]:
    """One future holding the merge of all ``futures``, merged ``fan_in`` at a time on workers."""
    level = list(futures)
    if not level:
        return client.submit(merge_results, key=f"exposure-scan-merge-{token}-empty", pure=False)
    depth = 0
    while len(level) > 1:
        level = [
            client.submit(
                merge_results,
                *level[i : i + fan_in],
                key=f"exposure-scan-merge-{token}-{depth}-{i}",
                retries=retries,
                pure=False,
            )
            for i in range(0, len(level), fan_in)
        ]
        depth += 1
    return level[0]


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


def _follow(
    client: Client,
    counts: list[Future[Any]],
    plan: Plan,
    callback: Callable[[ProgressEvent], None],
) -> None:
    """Progress per finished unit (records and bytes so far): only record counts travel back."""
    index = {c.key: i for i, c in enumerate(counts)}
    total_bytes = sum(plan.sizes)
    records = done_bytes = 0
    t0 = time.time()
    for fut in as_completed(counts, loop=client.loop):  # type: ignore[no-untyped-call]
        i = index[fut.key]
        records += fut.result()
        done_bytes += plan.sizes[i]
        unit = plan.units[i]
        name = plan.files[unit.order][0]
        event = ProgressEvent(
            name,
            records,
            done_bytes,
            total_bytes,
            time.time() - t0,
            not isinstance(unit, SliceUnit),
        )
        with contextlib.suppress(Exception):
            callback(event)


# --- data frames ----------------------------------------------------------------------------
def run_dataframe(
    ddf: Any, name: str, options: ScanOptions, client: Client, *, retries: int = RETRIES
) -> ScanOutcome:
    """One task per partition; partition lengths first, so rows get their global number."""
    config = ScanConfig.from_options(options)
    started = time.time()
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
    futures = cl.compute(tasks, retries=retries)
    reduced = tree_reduce(client, futures, token=config.token, retries=retries)
    del futures, tasks
    merged: UnitResult = reduced.result()
    return _outcome(plan, merged, config, started, client)


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
