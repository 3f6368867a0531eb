"""exposure_scan: what personal data a leaked dataset exposes, what it does not, how severe.

The public API lives here and only here (see ``tests/test_public_api.py``)::

    import exposure_scan
    report = exposure_scan.scan(["leak/"])
    report.status("payment")          # Status.PRESENT / ABSENT / INCONCLUSIVE
    report.findings_table()           # pyarrow.Table, masked values only

Importing the package is cheap: presidio and spaCy are imported only when free text is scanned.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    ConfigurationError,
    ExposureScanError,
    LimitExceededError,
    SourceNotFoundError,
    SpillError,
    UnreadableSourceError,
    UnsupportedFormatError,
)
from .verdicts.status import Coverage, Status, Verdict

if TYPE_CHECKING:
    from .detectors.base import Detector
    from .findings import FINDINGS_SCHEMA, PartialResult
    from .options import ScanOptions
    from .report import Report
    from .sources.base import SourceAccount
    from .sources.containers import Limits

#: Heavier members, imported on first use (PEP 562) so that ``import exposure_scan`` and the
#: pytest plugin stay cheap: name -> module.
_LAZY = {
    "Detector": ".detectors.base",
    "FINDINGS_SCHEMA": ".findings",
    "PartialResult": ".findings",
    "ScanOptions": ".options",
    "Report": ".report",
    "SourceAccount": ".sources.base",
    "Limits": ".sources.containers",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'exposure_scan' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "FINDINGS_SCHEMA",
    "ConfigurationError",
    "Coverage",
    "Detector",
    "ExposureScanError",
    "LimitExceededError",
    "Limits",
    "PartialResult",
    "Report",
    "ScanOptions",
    "SourceAccount",
    "SourceNotFoundError",
    "SpillError",
    "Status",
    "UnreadableSourceError",
    "UnsupportedFormatError",
    "Verdict",
    "__version__",
    "scan",
]

PathArg = str | os.PathLike[str]


def scan(paths: PathArg | Sequence[PathArg] | Any, **options: Any) -> Report:
    """Scan files, directories, archives for personal data and return a :class:`Report`.

    Besides paths, ``paths`` takes database URLs (``postgresql://``, ``sqlite:///``, or an
    ``exposure_scan.sources.database.Database`` with table patterns; see docs/databases.md)
    and in-memory tables: anything with ``__arrow_c_stream__`` (pyarrow, pandas, polars,
    DuckDB), alone or in a list. ``name=`` names the in-memory table(s) in findings
    (default ``<table>``).

    ``options`` are the fields of :class:`ScanOptions` (``workers``, ``detectors``, ``key``,
    ``reveal``, ``batch_rows``, ``limits``, ...). An unreadable file in a multi-file scan is
    recorded in ``Report.sources`` and makes dependent verdicts inconclusive; only a path that
    does not exist, or an invalid option, raises. ``baseline=`` (a file made by
    ``exposure-scan baseline create``) reports only findings that are not in it.

    ``engine="dask"`` runs the scan on a Dask cluster (``pip install exposure_scan[dask]``):
    pass ``client=`` or ``scheduler_address="tcp://host:8786"``, or have a default
    ``distributed.Client``; ``partition_bytes=`` sets the size of Parquet slices. The report is
    the one the local engine gives (see docs/distributed.md).
    """
    from .options import ScanOptions

    if "baseline" in options:
        # Report, and fail policies, only on findings that are not in the baseline
        # (``exposure_scan.baseline``; ``key=`` or ``key_file=`` must be the baseline's key).
        from .baseline import scan_with_baseline

        baseline = options.pop("baseline")
        return scan_with_baseline(paths, baseline, **options).report

    engine = options.pop("engine", None)
    cluster = {k: options.pop(k) for k in _DASK_ONLY if k in options}
    if engine is None:
        engine = "dask" if cluster else "local"
    if engine not in ("local", "dask"):
        raise ConfigurationError(f"engine must be 'local' or 'dask', got {engine!r}")
    if engine == "local" and cluster:
        raise ConfigurationError(f"{', '.join(sorted(cluster))} need(s) engine='dask'")
    name = options.pop("name", None)  # names in-memory tables: not a ScanOptions field
    opts = ScanOptions.from_kwargs(options)
    paths = _inputs(paths, name)
    if engine == "dask":
        from .dask import scan_paths

        return scan_paths(list(paths), opts, **cluster)
    from .engine import run_scan
    from .report import Report

    outcome = run_scan(list(paths), opts)
    return Report.from_outcome(outcome, opts)


#: Options of ``scan`` that only the Dask engine takes (they are not ``ScanOptions`` fields).
_DASK_ONLY = ("client", "scheduler_address", "partition_bytes", "retries")


def _inputs(paths: Any, name: Any) -> list[Any]:
    """The inputs as a list, one table or database alone included; tables get their names."""
    from .sources.database import Database
    from .sources.tables import is_table, name_tables

    if isinstance(paths, (str, os.PathLike, Database)) or is_table(paths):
        paths = [paths]
    inputs = list(paths)
    if name is not None:
        return name_tables(inputs, name)
    return inputs
