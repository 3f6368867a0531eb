"""Plain text and logs: one record per line, one column named ``text``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

import pyarrow as pa

from .base import Batch, SourceAccount

#: A line longer than this is cut into pieces of this size (a 2 GB single line must not be
#: held whole); each piece keeps the line's record number.
MAX_LINE_CHARS = 1 << 20


class TextSource:
    def __init__(self, text: TextIO, account: SourceAccount, *, batch_rows: int = 65536) -> None:
        self.account = account
        self._text = text
        self._batch_rows = batch_rows
        account.format = account.format if account.format != "unknown" else "text"

    def batches(self) -> Iterator[Batch]:
        lines: list[str] = []
        idxs: list[int] = []
        done = 0  # lines completed in the buffer, counted as read when the batch is handed over
        idx = 0
        in_line = False  # the last piece read was cut by the length limit
        while True:
            line = self._text.readline(MAX_LINE_CHARS)
            if not line:
                break
            complete = line.endswith(("\n", "\r")) or len(line) < MAX_LINE_CHARS
            in_line = False
            body = line.rstrip("\r\n")
            if _has_surrogates(body):
                while idxs and idxs[-1] == idx:  # earlier pieces of the same line
                    idxs.pop()
                    lines.pop()
                self.account.unreadable(idx, "bytes not valid in the file's encoding")
                if not complete:
                    self._skip_rest()
                idx += 1
                continue
            lines.append(body)
            idxs.append(idx)
            in_line = not complete
            if complete:
                idx += 1
                done += 1
            if len(lines) >= self._batch_rows:
                yield self._batch(lines, idxs, done)
                lines, idxs, done = [], [], 0
        if in_line:  # the file ended right after a cut piece: that line is whole all the same
            done += 1
        if lines:
            yield self._batch(lines, idxs, done)
        else:
            self.account.records_read += done

    def _skip_rest(self) -> None:
        while True:
            more = self._text.readline(MAX_LINE_CHARS)
            if not more or more.endswith(("\n", "\r")) or len(more) < MAX_LINE_CHARS:
                return

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
