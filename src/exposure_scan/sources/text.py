"""Plain text and logs: one record per line, one column named ``text``.

A line longer than ``Limits.max_line_chars`` (a 2 GB single line must not be held whole) is
scanned in pieces of that many characters, each piece keeping the line's record number; a
batch is handed over once it holds ``MAX_BATCH_CHARS`` characters, so memory is bounded by
the limits whatever the shape of the file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import TextIO

import pyarrow as pa

from .base import Batch, SourceAccount
from .containers import Limits, decode_failure, log_done

log = logging.getLogger("exposure_scan.sources.text")

#: The default piece size of over-long lines (``Limits.max_line_chars``).
MAX_LINE_CHARS = Limits().max_line_chars
#: Characters buffered before a batch is handed over, whatever ``batch_rows`` says.
MAX_BATCH_CHARS = 16 << 20
#: What undecodable bytes become after ``surrogateescape`` decoding.
_SURROGATE = re.compile("[\ud800-\udfff]")


class TextSource:
    def __init__(
        self,
        text: TextIO,
        account: SourceAccount,
        *,
        batch_rows: int = 65536,
        limits: Limits | None = None,
    ) -> None:
        self.account = account
        self._text = text
        self._batch_rows = batch_rows
        self._piece = (limits or Limits()).max_line_chars
        self._long_lines = 0  # lines scanned in pieces
        self._patched = 0  # pieces of long lines with undecodable bytes
        account.format = account.format if account.format != "unknown" else "text"
        log.debug("%s: %s", account.source, account.format)

    def batches(self) -> Iterator[Batch]:
        try:
            yield from self._batches()
        finally:
            self._note()
            log_done(log, self.account)

    def _batches(self) -> Iterator[Batch]:
        lines: list[str] = []
        idxs: list[int] = []
        chars = 0  # characters buffered
        done = 0  # lines completed in the buffer, counted as read when the batch is handed over
        idx = 0
        piece = self._piece
        in_line = False  # the last piece read was cut by the length limit
        failure: Exception | None = None
        while True:
            try:
                line = self._text.readline(piece)
            except Exception as exc:  # a limit or damage under the text: hand over, then stop
                failure = decode_failure(exc, self.account)
                if in_line:  # the line being read was cut: its pieces so far are not a record
                    while idxs and idxs[-1] == idx:
                        idxs.pop()
                        chars -= len(lines.pop())
                    in_line = False
                break
            if not line:
                break
            complete = line.endswith(("\n", "\r")) or len(line) < piece
            body = line.rstrip("\r\n")
            if in_line or not complete:
                # A piece of a long line: earlier pieces may already have been handed over,
                # so a bad piece cannot make the whole line unreadable. Undecodable bytes
                # become U+FFFD and the rest of the piece is scanned; the notes say so.
                if not in_line:
                    self._long_lines += 1
                if _has_surrogates(body):
                    body = _SURROGATE.sub("\ufffd", body)
                    self._patched += 1
            elif _has_surrogates(body):
                self.account.unreadable(idx, "bytes not valid in the file's encoding")
                idx += 1
                continue
            lines.append(body)
            idxs.append(idx)
            chars += len(body)
            in_line = not complete
            if complete:
                idx += 1
                done += 1
            if len(lines) >= self._batch_rows or chars >= MAX_BATCH_CHARS:
                yield self._batch(lines, idxs, done)
                lines, idxs, done, chars = [], [], 0, 0
        if in_line:  # the file ended right after a cut piece: that line is whole all the same
            done += 1
        if lines:
            yield self._batch(lines, idxs, done)
        else:
            self.account.records_read += done
        if failure is not None:
            raise failure

    def _note(self) -> None:
        if not self._long_lines:
            return
        note = (
            f"{self._long_lines} line(s) longer than max_line_chars ({self._piece}) scanned in "
            "pieces: a value across a cut may be missed"
        )
        if self._patched:
            note += (
                f"; {self._patched} piece(s) held bytes not valid in the encoding, scanned with "
                "replacement characters"
            )
        self.account.notes.append(note)
        log.info("%s: %s", self.account.source, note)

    def _batch(self, lines: list[str], idxs: list[int], done: int) -> Batch:
        # Counted when handed over, not when buffered: a read error between the two must not
        # leave records counted as read that were never scanned.
        self.account.records_read += done
        rb = pa.RecordBatch.from_arrays([pa.array(lines, pa.string())], names=["text"])
        return Batch(self.account.source, rb, idxs[0], pa.array(idxs, pa.int64()))


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True
