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
        idx = 0
        while True:
            line = self._text.readline(MAX_LINE_CHARS)
            if not line:
                break
            cont = not line.endswith(("\n", "\r"))
            body = line.rstrip("\r\n")
            try:
                body.encode("utf-8")
            except UnicodeEncodeError:
                self.account.unreadable(idx, "bytes not valid in the file's encoding")
                body = ""
                cont = self._skip_rest(cont)
                idx += 1
                continue
            lines.append(body)
            idxs.append(idx)
            if not cont or len(line) < MAX_LINE_CHARS:
                idx += 1
                self.account.records_read += 1
            if len(lines) >= self._batch_rows:
                yield self._batch(lines, idxs)
                lines, idxs = [], []
        if lines:
            yield self._batch(lines, idxs)

    def _skip_rest(self, cont: bool) -> bool:
        while cont:
            more = self._text.readline(MAX_LINE_CHARS)
            if not more or more.endswith(("\n", "\r")):
                return False
        return False

    def _batch(self, lines: list[str], idxs: list[int]) -> Batch:
        rb = pa.RecordBatch.from_arrays([pa.array(lines, pa.string())], names=["text"])
        return Batch(self.account.source, rb, idxs[0], pa.array(idxs, pa.int64()))
