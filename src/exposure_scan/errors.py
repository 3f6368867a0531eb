"""Typed errors: every failure kind has its own class and says where it happened.

Messages never contain cell values (the tool must not become a second leak); they name the
source and the record number instead.
"""

from __future__ import annotations


class ExposureScanError(Exception):
    """Base class of every error exposure_scan raises on purpose."""

    def __init__(self, message: str, *, source: str | None = None, record: int | None = None):
        self.source = source
        self.record = record
        where = ""
        if source is not None:
            where = (
                f" [source {source}" + (f", record {record}" if record is not None else "") + "]"
            )
        super().__init__(message + where)


class ConfigurationError(ExposureScanError, ValueError):
    """An option passed to the scanner is invalid (unknown name, wrong type, out of range)."""


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
    """A configured safety limit (decompressed size, nesting depth, field length) was hit."""
