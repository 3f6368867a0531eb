"""exposure_scan: what personal data a leaked dataset exposes, what it does not, how severe.

The public API lives here and only here (see ``tests/test_public_api.py``)::

    import exposure_scan
    report = exposure_scan.scan(["leak/"])
    report.status("payment")          # Status.PRESENT / ABSENT / INCONCLUSIVE
    report.findings_table()           # pyarrow.Table, masked values only

Importing the package is cheap: presidio and spaCy are imported only when free text is scanned.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ._version import __version__
from .detectors.base import Detector
from .errors import (
    ConfigurationError,
    ExposureScanError,
    LimitExceededError,
    SourceNotFoundError,
    UnreadableSourceError,
    UnsupportedFormatError,
)
from .findings import FINDINGS_SCHEMA, PartialResult
from .options import ScanOptions
from .report import Report
from .sources.base import SourceAccount
from .sources.containers import Limits
from .verdicts.status import Coverage, Status, Verdict

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
    "Status",
    "UnreadableSourceError",
    "UnsupportedFormatError",
    "Verdict",
    "__version__",
    "scan",
]

PathArg = str | os.PathLike[str]


def scan(paths: PathArg | Sequence[PathArg], **options: Any) -> Report:
    """Scan files, directories, archives for personal data and return a :class:`Report`.

    ``options`` are the fields of :class:`ScanOptions` (``workers``, ``detectors``, ``key``,
    ``reveal``, ``batch_rows``, ``limits``, ...). An unreadable file in a multi-file scan is
    recorded in ``Report.sources`` and makes dependent verdicts inconclusive; only a path that
    does not exist, or an invalid option, raises.
    """
    from .engine import run_scan

    opts = ScanOptions.from_kwargs(options)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    outcome = run_scan(list(paths), opts)
    return Report.from_outcome(outcome, opts)
