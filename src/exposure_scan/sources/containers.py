"""Byte streams under the formats: compression layers, archives, peeking, limits.

Members of archives are streamed, never extracted: a member called ``../../etc/passwd`` is
just a name in a report. Decompression is bounded (total bytes and ratio) against bombs.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..errors import LimitExceededError


@dataclass(frozen=True)
class Limits:
    """Safety limits for hostile input; every one is configurable through scan options."""

    max_decompressed_bytes: int = 64 << 30
    max_ratio: float = 1000.0
    max_archive_depth: int = 4
    max_archive_members: int = 100_000


class PrefixedReader:
    """A stream that first replays ``head`` (already read for sniffing) and then the rest."""

    def __init__(self, head: bytes, rest: Any) -> None:
        self._head = head
        self._pos = 0
        self._rest = rest
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        if self._pos < len(self._head):
            if n is None or n < 0:
                out = self._head[self._pos :] + self._rest.read()
                self._pos = len(self._head)
                return bytes(out)
            out = self._head[self._pos : self._pos + n]
            self._pos += len(out)
            return out
        return bytes(self._rest.read(n))

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

    def close(self) -> None:
        self.closed = True


class BoundedReader:
    """Counts decompressed bytes and stops a bomb: too many bytes, or too high a ratio."""

    def __init__(self, inner: Any, compressed: Any, limits: Limits, name: str) -> None:
        self._inner = inner
        self._compressed = compressed  # object with .bytes_read (the compressed side)
        self._limits = limits
        self._name = name
        self.bytes_read = 0
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        data = bytes(self._inner.read(n))
        self.bytes_read += len(data)
        if self.bytes_read > self._limits.max_decompressed_bytes:
            raise LimitExceededError(
                f"decompressed size exceeds {self._limits.max_decompressed_bytes} bytes",
                source=self._name,
            )
        packed = max(getattr(self._compressed, "bytes_read", 0), 1)
        if self.bytes_read > (16 << 20) and self.bytes_read / packed > self._limits.max_ratio:
            raise LimitExceededError(
                f"decompression ratio exceeds {self._limits.max_ratio:g}", source=self._name
            )
        return data

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

    def close(self) -> None:
        self.closed = True


def decompress(kind: str, stream: Any) -> Any:
    """A decompressing reader over ``stream`` for gzip, bz2, xz or zstd."""
    if kind == "gzip":
        return gzip.GzipFile(fileobj=stream, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(stream, mode="rb")
    if kind == "xz":
        return lzma.LZMAFile(stream, mode="rb")
    if kind == "zstd":
        import zstandard

        return zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=True)
    raise ValueError(kind)


def read_head(stream: Any, size: int) -> bytes:
    """Read up to ``size`` bytes, looping over short reads."""
    parts = []
    got = 0
    while got < size:
        chunk = stream.read(size - got)
        if not chunk:
            break
        parts.append(bytes(chunk))
        got += len(chunk)
    return b"".join(parts)


def spool(stream: Any) -> tempfile._TemporaryFileWrapper[bytes]:
    """Copy a non-seekable stream into a temporary file (for formats needing random access)."""
    tmp = tempfile.NamedTemporaryFile(prefix="exposure_scan-", suffix=".spool")  # noqa: SIM115
    shutil.copyfileobj(stream, tmp, 1 << 20)
    tmp.flush()
    tmp.seek(0)
    return tmp


def open_binary(path: str) -> BinaryIO:
    return open(path, "rb", buffering=1 << 20)
