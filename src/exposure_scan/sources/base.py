"""What every source produces: Arrow record batches with provenance, and an honest account.

A *source* is one logical input: a file, an archive member, or one table of a database. It
yields :class:`Batch` objects (a ``pyarrow.RecordBatch`` plus the record index of each row) and
fills a :class:`SourceAccount` as it goes: bytes and records read, records it could not read
and why. Nothing a source skips is skipped silently.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

import numpy as np
import pyarrow as pa

#: How many unreadable record numbers an account keeps as examples (the count is always exact).
MAX_EXAMPLES = 20


@dataclass
class SourceAccount:
    """The accounting of one source: what was read, what could not be, and why."""

    source: str
    path: str
    format: str = "unknown"
    encoding: str | None = None
    compression: list[str] = field(default_factory=list)
    size: int = 0
    sha256: str = ""
    records_read: int = 0
    records_unreadable: int = 0
    unreadable_reasons: Counter[str] = field(default_factory=Counter)
    unreadable_examples: list[int] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    def unreadable(self, record: int | None, reason: str, count: int = 1) -> None:
        """Count ``count`` damaged records starting at ``record`` (0-based) with ``reason``.

        ``record`` is None when the position is unknown (a statement that could not be parsed
        at all): it still counts, it just has no example number.
        """
        self.records_unreadable += count
        self.unreadable_reasons[reason] += count
        if record is None:
            return
        for r in range(record, record + min(count, MAX_EXAMPLES)):
            if len(self.unreadable_examples) >= MAX_EXAMPLES:
                break
            self.unreadable_examples.append(r)

    @property
    def records_total(self) -> int:
        return self.records_read + self.records_unreadable

    @property
    def complete(self) -> bool:
        """True when every record of the source was read and none was damaged."""
        return self.error is None and self.records_unreadable == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "path": self.path,
            "format": self.format,
            "encoding": self.encoding,
            "compression": list(self.compression),
            "size": self.size,
            "sha256": self.sha256,
            "records_read": self.records_read,
            "records_unreadable": self.records_unreadable,
            "unreadable_reasons": dict(sorted(self.unreadable_reasons.items())),
            "unreadable_examples": sorted(self.unreadable_examples),
            "error": self.error,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SourceAccount:
        return cls(
            source=d["source"],
            path=d["path"],
            format=d["format"],
            encoding=d["encoding"],
            compression=list(d["compression"]),
            size=d["size"],
            sha256=d["sha256"],
            records_read=d["records_read"],
            records_unreadable=d["records_unreadable"],
            unreadable_reasons=Counter(d["unreadable_reasons"]),
            unreadable_examples=list(d["unreadable_examples"]),
            error=d["error"],
            notes=list(d.get("notes", [])),
        )


@dataclass
class Batch:
    """A record batch and where it came from.

    ``rows`` holds the 0-based record index of each row in its source (unreadable records
    leave gaps); when it is None the rows are ``first_row, first_row + 1, ...``.
    """

    source: str
    data: pa.RecordBatch
    first_row: int
    rows: pa.Int64Array | None = None
    #: Column name -> role (``detectors.roles.ColumnRole``), set by the engine before scanning.
    roles: dict[str, Any] = field(default_factory=dict)

    def row_index(self) -> pa.Int64Array:
        if self.rows is not None:
            return self.rows
        start = self.first_row
        return pa.array(np.arange(start, start + self.data.num_rows, dtype=np.int64))


class Source(Protocol):
    """Anything that yields batches and keeps an account."""

    account: SourceAccount

    def batches(self) -> Iterator[Batch]: ...


class ReadOnlyStream:
    """The file-object surface pyarrow, gzip and TextIOWrapper expect, over a ``read()``.

    Subclasses implement ``read(n)`` (and ``close()``); everything else derives from it.
    """

    closed: bool = False

    def read(self, n: int = -1) -> bytes:
        raise NotImplementedError

    def read1(self, n: int = -1) -> bytes:
        return self.read(n if n and n > 0 else 1 << 16)

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def writable(self) -> bool:
        return False


class HashingReader(ReadOnlyStream):
    """A read-only binary stream that hashes and counts the bytes read through it.

    The SHA-256 of the evidence as read is what a report cites, so a second analyst can prove
    they scanned the same bytes.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._hash = hashlib.sha256()
        self.bytes_read = 0
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        if data:
            self._hash.update(data)
            self.bytes_read += len(data)
        return data

    def close(self) -> None:
        self.closed = True
        self._raw.close()

    def drain(self) -> None:
        """Read what is left, so the hash covers the whole stream even if parsing stopped."""
        while self.read(1 << 20):
            pass

    def hexdigest(self) -> str:
        return self._hash.hexdigest()
