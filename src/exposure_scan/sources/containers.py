"""Byte streams under the formats: compression layers, archives, peeking, limits.

Members of archives are streamed, never extracted: a member called ``../../etc/passwd`` is
just a name in a report. Decompression is bounded (total bytes and ratio) against bombs, and
:class:`Limits` holds every bound a hostile file can run into, so that one object configures
them all (``scan(..., limits=Limits(...))``).
"""

from __future__ import annotations

import bz2
import dataclasses
import gzip
import logging
import lzma
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..errors import ConfigurationError, LimitExceededError, UnreadableSourceError
from .base import ReadOnlyStream

log = logging.getLogger("exposure_scan.sources")


@dataclass(frozen=True)
class Limits:
    """Safety limits for hostile input; every one is configurable through scan options.

    The defaults read any realistic leak in full and stop the hostile shapes (bombs, endless
    lines, deep nesting) long before they exhaust memory or time. Hitting a limit never stops
    the scan: the source concerned records an ``error`` (or counts the record unreadable)
    naming the field to raise, and verdicts that depend on it become inconclusive.
    """

    #: Decompressed bytes of one compressed stream (gzip, bz2, xz, zstd), per layer.
    max_decompressed_bytes: int = 64 << 30
    #: Decompressed bytes per compressed byte of the file, judged once past ``ratio_grace_bytes``.
    max_ratio: float = 1000.0
    #: Small streams compress far better than 1000:1 (a column of equal values); the ratio is
    #: only judged past this many decompressed bytes, so only big outputs can trip it.
    ratio_grace_bytes: int = 16 << 20
    #: Archives and compression layers inside one another (a zip in a zip is depth 2).
    max_archive_depth: int = 4
    #: Members of one archive.
    max_archive_members: int = 100_000
    #: The longest record a reader holds whole: a CSV record (bytes), a JSON line or array
    #: element (characters). A longer CSV record stops its source; a longer JSON record is
    #: counted unreadable and skipped without being held. CSV memory is about 32 blocks
    #: (pyarrow's streaming reader reads ahead), and blocks grow up to this for long records.
    max_record_bytes: int = 16 << 20
    #: Lines of plain text longer than this are scanned in pieces of this many characters.
    max_line_chars: int = 1 << 20
    #: JSON nested deeper than this is hostile: the record is counted unreadable.
    max_json_depth: int = 64
    #: Columns of one source: a CSV record with more fields stops its source; values of
    #: JSON paths beyond this many are scanned together in the column ``*``. Every column
    #: costs a scan of its own (roles, detectors, positive controls: tens of milliseconds),
    #: so a few kilobytes of delimiters must not buy minutes.
    max_columns: int = 1024
    #: One field of a SQL dump (characters); a longer field makes its row unreadable.
    max_field_chars: int = 64 << 20

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            real = f.name == "max_ratio"
            if isinstance(value, bool) or not isinstance(value, (int, float) if real else int):
                kind = "a number" if real else "an integer"
                raise ConfigurationError(
                    f"limits.{f.name} must be {kind}, got {type(value).__name__}"
                )
            least = 0 if f.name == "ratio_grace_bytes" else 1
            if not value >= least:  # NaN fails too
                raise ConfigurationError(f"limits.{f.name} must be >= {least}")


def check_declared_size(size: int, packed: int, limits: Limits, name: str) -> None:
    """Refuse an archive member whose declared size breaks the limits, before reading it.

    A zip member cannot decompress past its declared ``file_size`` (zipfile stops there, and a
    lie fails the CRC), and a sparse tar member expands to its declared size from almost no
    bytes: checking the declaration is enough, and costs nothing.
    """
    if size > limits.max_decompressed_bytes:
        raise limit_error(
            f"declared size exceeds {limits.max_decompressed_bytes} bytes",
            "max_decompressed_bytes",
            name,
        )
    if size > limits.ratio_grace_bytes and size / max(packed, 1) > limits.max_ratio:
        raise limit_error(f"decompression ratio exceeds {limits.max_ratio:g}", "max_ratio", name)


def limit_error(
    message: str, limit: str, source: str, record: int | None = None
) -> LimitExceededError:
    """The error for a limit that was hit, logged once where it is made (never with values)."""
    log.warning("limit %s hit in %s: %s", limit, source, message)
    return LimitExceededError(message, source=source, record=record, limit=limit)


class PrefixedReader(ReadOnlyStream):
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

    def close(self) -> None:
        self.closed = True


class BoundedReader(ReadOnlyStream):
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
        limits = self._limits
        if self.bytes_read > limits.max_decompressed_bytes:
            raise limit_error(
                f"decompressed size exceeds {limits.max_decompressed_bytes} bytes",
                "max_decompressed_bytes",
                self._name,
            )
        packed = max(getattr(self._compressed, "bytes_read", 0), 1)
        if (
            self.bytes_read > limits.ratio_grace_bytes
            and self.bytes_read / packed > limits.max_ratio
        ):
            raise limit_error(
                f"decompression ratio exceeds {limits.max_ratio:g}", "max_ratio", self._name
            )
        return data

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


class DamageGuard(ReadOnlyStream):
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
            log.warning("%s; %d byte(s) of a cut line dropped", self.error, len(self._hold))
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


def spool(
    stream: Any, max_bytes: int | None = None, name: str = ""
) -> tempfile._TemporaryFileWrapper[bytes]:
    """Copy a non-seekable stream into a temporary file (for formats needing random access).

    ``max_bytes`` bounds what is written to disk (``Limits.max_decompressed_bytes``): an
    archive member is decompressed while it is copied, and a bomb must not fill the disk.
    """
    tmp = tempfile.NamedTemporaryFile(prefix="exposure_scan-", suffix=".spool")  # noqa: SIM115
    try:
        if max_bytes is None:
            shutil.copyfileobj(stream, tmp, 1 << 20)
        else:
            written = 0
            while chunk := stream.read(1 << 20):
                written += len(chunk)
                if written > max_bytes:
                    raise limit_error(
                        f"decompressed size exceeds {max_bytes} bytes",
                        "max_decompressed_bytes",
                        name,
                    )
                tmp.write(chunk)
    except BaseException:
        tmp.close()
        raise
    tmp.flush()
    log.debug("spooled %s to a temporary file (%d bytes)", name or "a stream", tmp.tell())
    tmp.seek(0)
    return tmp


def open_binary(path: str) -> BinaryIO:
    return open(path, "rb", buffering=1 << 20)


def log_done(logger: logging.Logger, account: Any) -> None:
    """One log line when a reader is done: counts and reasons (fixed strings), never values."""
    if account.records_unreadable:
        reasons = "; ".join(f"{r}: {n}" for r, n in sorted(account.unreadable_reasons.items()))
        logger.info(
            "%s: %d record(s) read, %d unreadable (%s)",
            account.source,
            account.records_read,
            account.records_unreadable,
            reasons,
        )
    else:
        logger.debug("%s: %d record(s) read", account.source, account.records_read)


def decode_failure(exc: Exception, account: Any) -> Exception:
    """The error a text reader stops with: a decoder that cannot go on becomes a typed error.

    ``errors="surrogateescape"`` keeps undecodable bytes of ASCII-based encodings per record,
    but UTF-16/32 cut in the middle of a code unit still raise; the message names the
    encoding, never the bytes.
    """
    if not isinstance(exc, UnicodeError):
        return exc
    what = f"bytes not valid in the file's encoding ({account.encoding}): reading stopped"
    log.warning("%s: %s", account.source, what)
    return UnreadableSourceError(what, source=account.source, record=account.records_total)
