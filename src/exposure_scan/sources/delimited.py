"""Delimited text (CSV, TSV, semicolon, pipe) read with pyarrow's streaming CSV reader.

The dialect and the presence of a header row are sniffed from the head; rows with the wrong
field count and cells with undecodable bytes are counted as unreadable records with their
record numbers, and every other record keeps its exact 0-based index.
"""

from __future__ import annotations

import atexit
import codecs
import contextlib
import csv
import io
import logging
import re
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import ExposureScanError, UnreadableSourceError
from .base import Batch, SourceAccount
from .containers import Limits, limit_error, log_done

log = logging.getLogger("exposure_scan.sources.delimited")

DELIMITERS = (",", "\t", ";", "|")
#: An undecodable byte ``b`` reaches pyarrow as ``chr(MARK + b)``, a private-use character of
#: plane 16: pyarrow only ever sees valid UTF-8 (its invalid-row handler decodes rows strictly,
#: so one ragged row with a stray cp1252 byte would otherwise stop the whole file), and records
#: holding a mark are counted unreadable after parsing. Marks are looked for only in files where
#: a decoding error really happened, so genuine private-use text in a valid file is data.
MARK = 0x10FE00
_MARKS = re.compile("[\U0010fe00-\U0010feff]")
_MARK_ERRORS = "exposure_scan.mark"
#: pyarrow's ways of saying a record (or the header row) does not fit in one block.
_LONGER_THAN_BLOCK = re.compile(r"straddl|header is larger than block size")


def _mark_undecodable(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return "".join(chr(MARK + b) for b in exc.object[exc.start : exc.end]), exc.end


codecs.register_error(_MARK_ERRORS, _mark_undecodable)


#: Blocks the CSV reader may read ahead of the parser (pyarrow's own queue holds 32).
READ_AHEAD_BLOCKS = 4
#: While the parser waits for bytes (``open_csv``, ``read_next_batch``), a read that is past
#: the bound waits this long, then reads a block: the parser never waits on the pacing for
#: more than that (the count of blocks parsed can lag: a header after blank lines).
PARSER_STEP = 0.02
#: Otherwise a read waits for the parser (which is busy with results, not reading) at most this
#: long, then reads one block: a stop the stream was not told about cannot hang the reader.
READ_STALL = 60.0

#: ``batches()`` generators not run to their end, and the streams pyarrow may still read:
#: both are wound up at interpreter exit (see :func:`_close_unfinished`).
_UNFINISHED: weakref.WeakSet[Generator[Batch, None, None]] = weakref.WeakSet()
_STREAMS: weakref.WeakSet[Utf8Stream] = weakref.WeakSet()
#: At exit: how long no read may have been in progress before the reader is deemed gone,
#: and the most the wait may take.
EXIT_QUIET = 0.05
EXIT_WAIT = 2.0


def _close_unfinished() -> None:
    """Wind up the CSV parses a caller abandoned half-way, while the interpreter still runs.

    pyarrow's streaming reader reads ahead from a thread of its own, which calls
    ``Utf8Stream.read``. Left to the garbage collector at interpreter exit, that thread calls
    into Python during finalization, cannot take the GIL, and the process aborts
    (``PyGILState_Release``). So, before finalization: every stream ends (reads return no
    bytes at once, so the reader stops asking), each generator is closed (the parse ends
    the ordinary way and the reader is let go in this thread), and the reader's thread is
    given time to leave its last read."""
    streams = list(_STREAMS)
    for stream in streams:
        stream.stop()
    for gen in list(_UNFINISHED):
        with contextlib.suppress(Exception):  # e.g. running in a thread still alive
            gen.close()
    _wait_quiet(streams, EXIT_QUIET, time.monotonic() + EXIT_WAIT)


def _wait_quiet(streams: list[Utf8Stream], quiet: float, deadline: float) -> None:
    """Wait until no read of any of ``streams`` has been in progress or started for
    ``quiet`` seconds (one wait for all of them), or until ``deadline``."""
    while streams and time.monotonic() < deadline:
        before = [s.activity() for s in streams]
        time.sleep(quiet)
        after = [s.activity() for s in streams]
        if after == before and not any(busy for busy, _ in after):
            return


atexit.register(_close_unfinished)


class Utf8Stream:
    """A text stream in any encoding, as UTF-8 bytes with undecodable bytes marked.

    UTF-8 input is only validated (decoded, not encoded again) and passes through as it is;
    other encodings are decoded in C and encoded. ``marked`` says a byte could not be decoded
    and went through as a mark (in such a file a genuine U+10FE00-U+10FEFF character, which
    has no use in real text, is counted unreadable too).
    """

    def __init__(
        self, raw: Any, encoding: str, chunk: int = 1 << 20, ahead: int | None = None
    ) -> None:
        self._raw = raw
        # Read-ahead bound (see ``consumed``): bytes handed out beyond what was parsed.
        self._ahead = ahead
        self._consumed = 0
        self._delivered = 0
        self._turn = threading.Condition()
        self.stalls = 0  # reads that stopped waiting: the parser was away READ_STALL seconds
        self.steps = 0  # reads that went on after PARSER_STEP while the parser waited
        self._parsing = 0  # open_csv is looking for the header
        self._utf8 = codecs.lookup(encoding).name == "utf-8" and encoding != "utf-8-sig"
        self._dec = codecs.getincrementaldecoder(encoding)(errors="strict")
        self._chunk = chunk
        self._tail = b""  # UTF-8: the start of a character cut by the chunk border
        self._out = bytearray()
        self._eof = False
        self.marked = False
        self.closed = False
        self._stopped = False  # see stop()
        self._reads = 0  # reads started
        self._reading = 0  # reads in progress
        _STREAMS.add(self)

    def _utf8_chunk(self, data: bytes) -> None:
        buf = self._tail + data if self._tail else data
        cut = _whole_chars(buf) if data else len(buf)
        self._tail = buf[cut:]
        view = memoryview(buf)[:cut]
        if not is_utf8(view):  # valid UTF-8 goes to pyarrow as it is
            self.marked = True
            self._out += str(view, "utf-8", _MARK_ERRORS).encode("utf-8")
            return
        self._out += view

    def _decode(self, data: bytes) -> None:
        """Decode strictly; only a chunk that fails is decoded again with marks."""
        state = self._dec.getstate()
        try:
            text = self._dec.decode(data, self._eof)
        except UnicodeDecodeError:
            self.marked = True
            self._dec.setstate(state)
            self._dec.errors = _MARK_ERRORS
            text = self._dec.decode(data, self._eof)
            self._dec.errors = "strict"
        self._out += text.encode("utf-8")

    def consumed(self, nbytes: int) -> None:
        """The parser has used about ``nbytes``: ``read`` may run ``ahead`` bytes past that.

        pyarrow's streaming CSV reader fills a queue of 32 blocks from a background thread
        (ARROW-12090: not an option): 256 MiB held at 8 MiB blocks, whatever the scan's pace.
        That thread's ``read`` waits here instead."""
        with self._turn:
            self._consumed = max(self._consumed, nbytes)
            self._turn.notify_all()

    @property
    def delivered(self) -> int:
        return self._delivered

    @contextlib.contextmanager
    def parsing(self) -> Iterator[None]:
        """Around ``open_csv`` and ``read_next_batch``: the parser may need more bytes than
        the pacing expects (a header after blank lines), so reads wait only
        ``PARSER_STEP`` meanwhile."""
        with self._turn:
            self._parsing += 1
            self._turn.notify_all()
        try:
            yield
        finally:
            with self._turn:
                self._parsing -= 1

    def _wait_for_turn(self) -> None:
        """Block while the reader is ``ahead`` bytes past the parser: at most
        ``PARSER_STEP`` while the parser itself waits for bytes, ``READ_STALL`` otherwise."""
        if self._ahead is None:
            return
        with self._turn:
            start = time.monotonic()
            while self._ahead is not None and self._delivered >= self._consumed + self._ahead:
                left = start + (PARSER_STEP if self._parsing else READ_STALL) - time.monotonic()
                if left <= 0:
                    if self._parsing:
                        self.steps += 1  # the parser needed more than the pacing expected
                    else:
                        self.stalls += 1  # the parser was away that long
                    break
                self._turn.wait(left)

    def read(self, n: int = -1) -> bytes:
        with self._turn:
            self._reads += 1
            self._reading += 1
        try:
            self._wait_for_turn()
            return b"" if self._stopped else self._read(n)
        finally:
            with self._turn:
                self._reading -= 1

    def _read(self, n: int) -> bytes:
        want = n if n is not None and n >= 0 else 1 << 62
        while len(self._out) < want and not self._eof:
            data = self._raw.read(self._chunk)
            self._eof = not data
            if self._utf8:
                if data and not self._tail and data.isascii():
                    self._out += data
                else:
                    self._utf8_chunk(data)
            else:
                self._decode(data)
        out = bytes(self._out[:want])
        del self._out[:want]
        self._delivered += len(out)
        return out

    def readable(self) -> bool:
        return True

    def release(self) -> None:
        """No more pacing: the parse ended (or stopped early: the reader is not held back)."""
        with self._turn:
            self._ahead = None
            self._turn.notify_all()

    def close(self) -> None:
        self.closed = True  # the raw stream belongs to the caller, who closes it
        self.release()

    def stop(self) -> None:
        """From now on every read returns no bytes at once: the end of the stream (used at
        interpreter exit only)."""
        with self._turn:
            self._stopped = True
            self._ahead = None
            self._turn.notify_all()

    def activity(self) -> tuple[int, int]:
        """(reads in progress, reads started so far)."""
        with self._turn:
            return self._reading, self._reads


def is_utf8(data: bytes | memoryview) -> bool:
    """Whether ``data`` is valid UTF-8 by Python's rules (no surrogates, overlong forms or
    code points past U+10FFFF; tested equal to ``bytes.decode``). Arrow's validator checks
    8 MiB in ~2 ms where decoding it to a ``str`` took ~16 ms, on every block of a CSV."""
    offsets = np.array([0, len(data)], dtype=np.int64)
    one = pa.Array.from_buffers(
        pa.large_utf8(), 1, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
    try:
        one.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _whole_chars(buf: bytes) -> int:
    """The length of ``buf`` without a UTF-8 sequence cut at its end."""
    for back in range(1, min(4, len(buf)) + 1):
        b = buf[-back]
        if b & 0xC0 == 0x80:  # a continuation byte: look further back for the lead
            continue
        if b < 0xC0:  # ASCII: nothing is cut
            return len(buf)
        need = 2 if b < 0xE0 else 3 if b < 0xF0 else 4
        return len(buf) - back if back < need else len(buf)
    return len(buf)


#: A first-row cell that looks like data, not like a column name.
_DATA_LIKE = re.compile(
    r"@|^\s*[+(]?\d[\d\s().,/:+-]*$|^\d{4}-\d{2}-\d{2}|https?://|^\s*(true|false|null)\s*$",
    re.IGNORECASE,
)
#: Column names use ``N°``/``Nº`` (French, Italian, Spanish "number"), ``n.``, ``&``, ``:``.
_NAME_LIKE = re.compile(r"^[^\W\d][\w .\-/#()%?'’°º&:+*]{0,63}$", re.UNICODE)


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quotechar: str = '"'


def _rows(text: str, delimiter: str, limit: int = 200, complete: bool = False) -> list[list[str]]:
    """The first records of ``text``, parsed as CSV (quoted newlines stay inside records).

    Unless ``complete`` says the text is the whole file, the last record may be cut where the
    head sample ends and is dropped.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    out: list[list[str]] = []
    try:
        for row in reader:
            if row:
                out.append(row)
            if len(out) > limit:
                return out[:limit]
    except csv.Error:
        return out[:-1] if len(out) > 1 else out
    if not complete and len(out) > 1:
        out.pop()
    return out


def sniff_dialect(text: str, *, strict: bool = False, complete: bool = False) -> Dialect | None:
    """The delimiter whose field count is most consistent across the head's records.

    ``strict`` asks for real evidence (at least two fields in most rows): it is how free text
    is told apart from a one-column CSV. ``complete`` says ``text`` is the whole file.
    """
    best: tuple[float, str] | None = None
    for delim in DELIMITERS:
        rows = _rows(text, delim, complete=complete)
        if not rows:
            continue
        counts = [len(r) for r in rows]
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        consistency = counts.count(mode) / len(counts)
        if strict and (consistency < 0.8 or (len(rows) < 2 and mode < 3)):
            continue
        score = consistency * 10 + min(mode, 50) / 50
        if best is None or score > best[0]:
            best = (score, delim)
    if best is None:
        return None if strict else Dialect(",")
    return Dialect(best[1])


def has_header(rows: list[list[str]]) -> bool:
    """Decide whether the first row names the columns.

    A header row has no data-like cells (emails, numbers, dates), its cells look like names,
    are distinct, and in at least one column the first row differs in kind from the rest
    (e.g. a word above numbers, a short label above long values).
    """
    if not rows:
        return False
    first = rows[0]
    # One empty header cell happens (an unnamed index column); more is a data row.
    if sum(c.strip() == "" for c in first) > 1:
        return False
    cells = [c.strip() for c in first if c.strip()]
    if not cells or any(_DATA_LIKE.search(c) for c in cells):
        return False
    if not all(_NAME_LIKE.match(c) for c in cells):
        return False
    if len({c.casefold() for c in cells}) != len(cells):
        return False
    body = rows[1:]
    if not body:
        return True
    from ..detectors.headers import header_hint

    if any(header_hint(c) is not None for c in cells):
        return True
    # Compare kinds column by column, as csv.Sniffer does, but tolerate ragged rows.
    differs = 0
    for i, head in enumerate(first):
        values = [r[i] for r in body if i < len(r) and r[i].strip()]
        if not values:
            continue
        if any(v.strip().casefold() == head.strip().casefold() for v in values):
            return False
        data_like = sum(bool(_DATA_LIKE.search(v)) for v in values) / len(values)
        mean_len = sum(len(v) for v in values) / len(values)
        if data_like > 0.5 or abs(len(head) - mean_len) > max(3.0, 0.5 * mean_len):
            differs += 1
    return differs > 0


def unique_names(names: list[str]) -> list[str]:
    """Column names as given, made unique the way analysts expect (``email``, ``email.1``)."""
    seen: dict[str, int] = {}
    out = []
    for i, raw in enumerate(names):
        name = raw.strip() or str(i)
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        seen.setdefault(name, 0)
        out.append(name)
    return out


class DelimitedSource:
    """A CSV-like stream read in bounded memory, batch by batch."""

    def __init__(
        self,
        stream: Any,
        account: SourceAccount,
        *,
        head_text: str,
        encoding: str,
        block_size: int = 8 << 20,
        dialect: Dialect | None = None,
        reopen: Callable[[], Any] | None = None,
        complete: bool = False,
        limits: Limits | None = None,
    ) -> None:
        self.account = account
        self._limits = limits or Limits()
        self._utf8: Utf8Stream = Utf8Stream(io.BytesIO(), "utf-8")  # per parse, in _parse
        self._stream = stream
        self._reopen = reopen  # a fresh stream of the same bytes, when they can be read again
        self._encoding = encoding
        self._block_size = block_size
        self.dialect = dialect or sniff_dialect(head_text, complete=complete) or Dialect(",")
        rows = _rows(head_text, self.dialect.delimiter, complete=complete)
        self.header = has_header(rows)
        # The usual field count, not the largest: one ragged row in the head must not make
        # every other record "the wrong width".
        counts = Counter(len(r) for r in rows[:50])
        width = max(counts, key=lambda w: (counts[w], w)) if counts else 1
        if self.header:
            self.columns = unique_names(rows[0])
        else:
            self.columns = [str(i) for i in range(width)]
        self._too_wide = len(self.columns) > self._limits.max_columns
        if self._too_wide:  # a damaged head (a run of delimiters), or not a table at all
            self.columns = self.columns[:1]
        account.format = {"\t": "tsv", ";": "csv;", "|": "psv"}.get(self.dialect.delimiter, "csv")
        account.encoding = encoding
        account.notes.append(
            f"delimiter {self.dialect.delimiter!r}, "
            + ("header row" if self.header else "no header row: columns named by position")
        )
        log.debug(
            "%s: %s, %s, %d column(s)",
            account.source,
            account.format,
            account.notes[-1],
            len(self.columns),
        )

    def batches(self) -> Iterator[Batch]:
        """Parse in blocks (see :meth:`_batches`); a parse left unfinished is closed at
        interpreter exit."""
        gen = self._batches()
        _UNFINISHED.add(gen)
        return gen

    def _batches(self) -> Generator[Batch, None, None]:
        """Parse in blocks; a record longer than a block restarts the parse with bigger ones.

        pyarrow's streaming reader needs every record inside one block ("straddling object"
        otherwise). A 5 MB base64 photo in one cell is ordinary in leaks, so when the bytes can
        be read again (a file on disk, a zip member) the parse restarts with a block four times
        larger, up to ``Limits.max_record_bytes``, and skips the records already accounted;
        otherwise the source stops with an error that names the option to raise. A block is
        the most pyarrow holds, so the limit bounds memory whatever the file (an unclosed quote
        makes the rest of a file one record).
        """
        stream: Any = self._stream
        block = self._block_size
        cap = max(self._limits.max_record_bytes, 1)
        try:
            if self._too_wide:
                raise limit_error(
                    f"more than max_columns ({self._limits.max_columns}) fields in a record",
                    "max_columns",
                    self.account.source,
                    0,
                )
            while True:
                done = self.account.records_total  # records already accounted
                try:
                    yield from self._parse(stream, block, done)
                    return
                except pa.ArrowInvalid as exc:
                    if not _LONGER_THAN_BLOCK.search(str(exc)):
                        raise self._parser_error(exc) from None
                    if block >= cap:
                        raise limit_error(
                            f"a record is longer than max_record_bytes ({cap} bytes)",
                            "max_record_bytes",
                            self.account.source,
                            self.account.records_total,
                        ) from None
                    if self._reopen is None:
                        raise limit_error(
                            f"a record is longer than block_size ({block} bytes); "
                            "scan again with a larger block_size",
                            "block_size",
                            self.account.source,
                            self.account.records_total,
                        ) from None
                except (pa.ArrowException, UnicodeError) as exc:
                    raise self._parser_error(exc) from None
                finally:
                    if stream is not self._stream:
                        stream.close()
                block = min(block * 4, cap)
                self.account.notes.append(
                    f"record longer than a block: parsing again, block {block}"
                )
                log.info("%s: %s", self.account.source, self.account.notes[-1])
                stream = self._reopen()
        finally:
            log_done(log, self.account)

    def _parser_error(self, exc: BaseException) -> ExposureScanError:
        # pyarrow's messages quote the offending row: only the class name leaves this method.
        if isinstance(exc, UnicodeError):  # pyarrow transcodes non-UTF-8 text strictly
            what = f"bytes not valid in the file's encoding ({self._encoding})"
        else:
            what = f"CSV parser stopped ({type(exc).__name__})"
        log.warning("%s: %s", self.account.source, what)
        return UnreadableSourceError(
            what, source=self.account.source, record=self.account.records_total
        )

    def _parse(self, stream: Any, block_size: int, skip: int) -> Iterator[Batch]:
        """Batches of records ``skip`` onwards (earlier ones are already accounted)."""
        invalid: list[tuple[int | None, str]] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            invalid.append(
                (row.number, f"expected {row.expected_columns} fields, got {row.actual_columns}")
            )
            return "skip"

        offset = 2 if self.header else 1  # pyarrow numbers physical records from 1
        read_opts = pacsv.ReadOptions(
            use_threads=False,
            block_size=block_size,
            column_names=self.columns,
            skip_rows=1 if self.header else 0,
            encoding="utf8",  # Utf8Stream transcodes
        )
        parse_opts = pacsv.ParseOptions(
            delimiter=self.dialect.delimiter,
            quote_char=self.dialect.quotechar,
            newlines_in_values=True,
            invalid_row_handler=on_invalid,
        )
        convert_opts = pacsv.ConvertOptions(
            column_types={c: pa.string() for c in self.columns},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,
        )
        self._utf8 = Utf8Stream(stream, self._encoding, ahead=READ_AHEAD_BLOCKS * block_size)
        try:
            with self._utf8.parsing():
                reader = pacsv.open_csv(
                    self._utf8,
                    read_options=read_opts,
                    parse_options=parse_opts,
                    convert_options=convert_opts,
                )
        except pa.ArrowInvalid as exc:
            self._utf8.release()  # the reader's read-ahead thread must not wait on a parse
            if "Empty CSV file" in str(exc):
                return
            raise
        except BaseException:
            self._utf8.release()
            raise
        cursor = 0  # next 0-based record index
        pending: list[tuple[int, str]] = []  # invalid records not yet placed, sorted
        parsed = 0  # batches read: the reader yields one per block
        opened = self._utf8.delivered  # what finding the header took
        try:
            while True:
                try:
                    with self._utf8.parsing():
                        rb = reader.read_next_batch()
                except StopIteration:
                    break
                parsed += 1  # one batch per block, a 0-row batch for a block of blank lines
                self._utf8.consumed(opened + parsed * block_size)
                # The reader parses ahead, so `invalid` may already name records of later batches:
                # place only those that fall inside this batch's span of record numbers.
                pending.extend((n - offset if n is not None else cursor, r) for n, r in invalid)
                invalid.clear()
                pending.sort()
                last = cursor + rb.num_rows - 1
                k = 0  # pending[:k] fall inside this batch (an index, not pop(0): linear time)
                while k < len(pending) and pending[k][0] <= last:
                    k += 1
                    last += 1
                mine = pending[:k]
                del pending[:k]
                yield from self._emit(rb, cursor, mine, skip)
                cursor += rb.num_rows + len(mine)
        finally:
            self._utf8.release()
        pending.extend((n - offset if n is not None else cursor, r) for n, r in invalid)
        for idx, reason in sorted(pending):
            if idx >= skip:
                self.account.unreadable(idx, reason)

    def _emit(
        self, rb: pa.RecordBatch, cursor: int, known: list[tuple[int, str]], skip: int
    ) -> Iterator[Batch]:
        n = rb.num_rows
        for idx, reason in known:
            if idx >= skip:
                self.account.unreadable(idx, reason)
        rows: pa.Int64Array | None = None
        if known or skip > cursor:
            if known:
                bad = np.array([i for i, _ in known], dtype=np.int64)
                all_idx = np.arange(cursor, cursor + n + len(known), dtype=np.int64)
                rows_np = np.setdiff1d(all_idx, bad, assume_unique=True)[:n]
            else:
                rows_np = np.arange(cursor, cursor + n, dtype=np.int64)
            if skip > cursor:  # a restarted parse: these records were scanned before
                keep = rows_np >= skip
                rb = rb.filter(pa.array(keep))
                rows_np = rows_np[keep]
            rows = pa.array(rows_np, pa.int64())
        rb, rows = self._drop_undecodable(rb, cursor, rows)
        self.account.records_read += rb.num_rows
        if rb.num_rows:
            yield Batch(self.account.source, rb, cursor, rows)

    def _drop_undecodable(
        self, rb: pa.RecordBatch, cursor: int, rows: pa.Int64Array | None
    ) -> tuple[pa.RecordBatch, pa.Int64Array | None]:
        """Remove records holding bytes undecodable in the file's encoding and count them."""
        if not self._utf8.marked:
            return rb, rows
        good = np.ones(rb.num_rows, dtype=bool)
        for col in rb.columns:
            hit = pc.fill_null(pc.match_substring_regex(col, _MARKS.pattern), False)
            good &= ~hit.to_numpy(zero_copy_only=False)
        if good.all():
            return rb, rows
        row_idx = (
            rows.to_numpy()
            if rows is not None
            else np.arange(cursor, cursor + rb.num_rows, dtype=np.int64)
        )
        reason = f"bytes not valid in the file's encoding ({self._encoding})"
        for r in row_idx[~good]:
            self.account.unreadable(int(r), reason)
        mask = pa.array(good)
        return rb.filter(mask), pa.array(row_idx[good], pa.int64())
