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
    """A decompressing reader over ``stream`` for gzip, bz2, xz or zstd.

    Every decoder raises on a truncated stream (``EOFError``), including zstd, whose library
    reader would otherwise stop silently at a cut frame: a silent short read would let a
    half-read file pass for a complete one.
    """
    if kind == "gzip":
        return gzip.GzipFile(fileobj=stream, mode="rb")
    if kind == "bz2":
        return bz2.BZ2File(stream, mode="rb")
    if kind == "xz":
        return lzma.LZMAFile(stream, mode="rb")
    if kind == "zstd":
        return ZstdReader(stream)
    raise ValueError(kind)


class ZstdReader:
    """Zstandard frames, one after another, raising ``EOFError`` when the last one is cut."""

    def __init__(self, stream: Any, chunk: int = 1 << 16) -> None:
        import zstandard

        self._zstd = zstandard
        self._stream = stream
        self._chunk = chunk
        self._obj: Any = None  # decompressor of the current frame; None between frames
        self._fed = False  # the current frame has received input
        self._pending = b""  # input left over from the previous frame
        self._out = bytearray()
        self._eof = False
        self._truncated = False  # raised once everything decoded before the cut is delivered
        self.closed = False

    def _fill(self, want: int) -> None:
        while len(self._out) < want and not self._eof:
            data = self._pending or self._stream.read(self._chunk)
            self._pending = b""
            if not data:
                self._eof = True
                self._truncated = self._obj is not None and self._fed and not self._obj.eof
                return
            if self._obj is None:
                self._obj = self._zstd.ZstdDecompressor().decompressobj()
                self._fed = False
            self._out += self._obj.decompress(data)
            self._fed = True
            if self._obj.eof:
                self._pending = self._obj.unused_data
                self._obj = None

    def read(self, n: int = -1) -> bytes:
        want = n if n is not None and n >= 0 else 1 << 62
        self._fill(want)
        if not self._out and self._truncated and want:
            raise EOFError("zstd stream ended inside a frame")
        out = bytes(self._out[:want])
        del self._out[:want]
        return out

    def read1(self, n: int = -1) -> bytes:
        return self.read(n if n and n > 0 else 1 << 16)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True


class DamageGuard:
    """Turns a decoder failure (truncation, corrupt block) into end-of-stream plus a note.

    Everything decoded before the damage is still delivered, so the records before a cut are
    scanned; ``error`` tells the source that its stream ended early, and the last line
    (possibly cut in the middle) is held back and dropped rather than scanned as if whole.
    """

    #: A held-back tail longer than this is released as is (binary members have no lines).
    MAX_HOLD = 1 << 20

    def __init__(self, inner: Any, kind: str) -> None:
        self._inner = inner
        self._read = getattr(inner, "read1", inner.read)
        self._kind = kind
        self._ready = bytearray()  # bytes up to the last newline seen: safe to deliver
        self._hold = b""  # bytes after it: delivered only once the line is known whole
        self._done = False
        self.error: str | None = None
        self.dropped_tail = 0  # bytes of a cut last line that were dropped
        self.closed = False

    def _pull(self, n: int) -> None:
        try:
            # read1: one decoder step, so an error loses at most that step's output (read()
            # of a buffered decoder drops everything it had gathered when it raises).
            data = bytes(self._read(n))
        except LimitExceededError:
            raise
        except Exception as exc:  # EOFError, OSError, zlib/lzma/zstd errors: all damage
            self.error = _decoder_error(self._kind, exc)
            self.dropped_tail = len(self._hold)
            self._hold = b""
            self._done = True
            return
        if not data:
            self._ready += self._hold
            self._hold = b""
            self._done = True
            return
        buf = self._hold + data
        cut = buf.rfind(b"\n") + 1
        if cut == 0 and len(buf) > self.MAX_HOLD:
            cut = len(buf)
        self._ready += buf[:cut]
        self._hold = buf[cut:]

    def read(self, n: int = -1) -> bytes:
        want = n if n is not None and n >= 0 else 1 << 62
        while len(self._ready) < want and not self._done:
            self._pull(1 << 16)
        out = bytes(self._ready[:want])
        del self._ready[:want]
        return out

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


def _decoder_error(kind: str, exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return f"truncated {kind} stream: it ends before its end marker"
    return f"corrupt {kind} stream ({type(exc).__name__})"


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
