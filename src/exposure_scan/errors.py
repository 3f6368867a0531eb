"""Typed errors: every failure kind has its own class and says where it happened.

Messages never contain cell values (the tool must not become a second leak); they name the
source and the record number instead. ``docs/security.md`` has the table of classes, when each
is raised and what its message carries.
"""

from __future__ import annotations

from typing import Any


class ExposureScanError(Exception):
    """Base class of every error exposure_scan raises on purpose.

    ``source`` and ``record`` say where it happened (``record`` is the 0-based record index in
    that source); both are also appended to the message, so a log line is enough to find it.
    """

    def __init__(self, message: str, *, source: str | None = None, record: int | None = None):
        self.message = message
        self.source = source
        self.record = record
        where = ""
        if source is not None:
            where = (
                f" [source {source}" + (f", record {record}" if record is not None else "") + "]"
            )
        super().__init__(message + where)

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (worker pools): keep the keyword attributes, which
        # the default pickling of exceptions (positional ``args`` only) would drop.
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls: type[ExposureScanError], message: str, state: dict[str, Any]) -> Any:
    obj = cls.__new__(cls)
    ExposureScanError.__init__(obj, message, source=state.get("source"), record=state.get("record"))
    obj.__dict__.update(state)
    return obj


class ConfigurationError(ExposureScanError, ValueError):
    """An option passed to the scanner is invalid (unknown name, wrong type, out of range)."""


class SpillError(ExposureScanError, OSError):
    """Findings could not be written to the spill directory (disk full, permissions).

    Raised out of ``scan()``: findings that cannot be kept cannot be accounted for, and a
    report without them would understate the exposure.
    """


class SourceNotFoundError(ExposureScanError, FileNotFoundError):
    """A path given to ``scan()`` does not exist."""


class UnsupportedFormatError(ExposureScanError):
    """The bytes of a source match no format exposure_scan can read."""


class UnreadableSourceError(ExposureScanError):
    """A whole source could not be read (truncated archive, corrupt Parquet footer, ...).

    In a multi-file scan this is not raised out of ``scan()``: it is recorded in the source's
    accounting, and every verdict that depends on that source becomes inconclusive.
    """


class LimitExceededError(UnreadableSourceError):
    """A configured safety limit (decompressed size, nesting depth, record length) was hit.

    ``limit`` names the :class:`~exposure_scan.sources.containers.Limits` field (or the scan
    option, ``block_size``) to raise to read the source in full, when the reader knows it.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        record: int | None = None,
        limit: str | None = None,
    ):
        super().__init__(message, source=source, record=record)
        self.limit = limit
