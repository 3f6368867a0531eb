"""SQL dumps as sources: each table of the dump is a logical table, columns ``table.column``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

import numpy as np
import pyarrow as pa

from .base import Batch, SourceAccount
from .sqldump import SqlDumpParser


class SqlSource:
    def __init__(
        self,
        text: TextIO,
        account: SourceAccount,
        *,
        batch_rows: int = 65536,
        max_field_chars: int = 64 << 20,
    ) -> None:
        self.account = account
        self._parser = SqlDumpParser(text, batch_rows=batch_rows, max_field_chars=max_field_chars)
        account.format = "sql"

    def batches(self) -> Iterator[Batch]:
        tables: set[str] = set()
        for chunk in self._parser.tables():
            tables.add(chunk.table)
            for row, reason in chunk.unreadable:
                self.account.unreadable(row, f"{chunk.table}: {reason}")
            if not chunk.rows:
                continue
            bad = {r for r, _ in chunk.unreadable}
            span = len(chunk.rows) + len(bad)
            idx = [r for r in range(chunk.first_row, chunk.first_row + span) if r not in bad]
            rows = chunk.rows
            good_rows = []
            good_idx = []
            for i, values in zip(idx, rows, strict=False):
                if any(v is not None and _has_surrogates(v) for v in values):
                    self.account.unreadable(i, f"{chunk.table}: bytes not valid in the encoding")
                    continue
                good_rows.append(values)
                good_idx.append(i)
            if not good_rows:
                continue
            cols = list(zip(*good_rows, strict=False))
            width = len(chunk.columns)
            arrays = [
                pa.array(list(cols[j]) if j < len(cols) else [None] * len(good_rows), pa.string())
                for j in range(width)
            ]
            names = [f"{chunk.table}.{c}" for c in chunk.columns]
            rb = pa.RecordBatch.from_arrays(arrays, names=names)
            self.account.records_read += rb.num_rows
            yield Batch(
                self.account.source, rb, good_idx[0], pa.array(np.array(good_idx), pa.int64())
            )
        for offset, reason in self._parser.unreadable_statements:
            self.account.notes.append(f"statement at character {offset} not parsed: {reason}")
            self.account.unreadable(None, f"unparsed statement ({reason}): records unknown")
        if tables:
            self.account.notes.append("tables: " + ", ".join(sorted(tables)))


def _has_surrogates(v: str) -> bool:
    try:
        v.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True
