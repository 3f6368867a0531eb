"""Parquet, Arrow IPC/Feather and ORC: already columnar, read batch by batch.

These formats need random access, so they are opened from a path (an archive member or a
compressed file is first spooled to a temporary file by the caller).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.dataset as ds

from .base import Batch, SourceAccount


class ColumnarSource:
    def __init__(
        self, path: str, account: SourceAccount, *, fmt: str, batch_rows: int = 65536
    ) -> None:
        self.account = account
        self._path = path
        self._fmt = fmt
        self._batch_rows = batch_rows
        account.format = fmt

    def batches(self) -> Iterator[Batch]:
        if self._fmt == "arrow_stream":
            yield from self._ipc_stream()
            return
        dataset = ds.dataset(self._path, format="ipc" if self._fmt == "feather" else self._fmt)
        cursor = 0
        for rb in dataset.to_batches(batch_size=self._batch_rows, use_threads=False):
            if rb.num_rows == 0:
                continue
            self.account.records_read += rb.num_rows
            yield Batch(self.account.source, rb, cursor)
            cursor += rb.num_rows

    def _ipc_stream(self) -> Iterator[Batch]:
        cursor = 0
        with pa.OSFile(self._path) as f, pa.ipc.open_stream(f) as reader:
            for rb in reader:
                self.account.records_read += rb.num_rows
                yield Batch(self.account.source, rb, cursor)
                cursor += rb.num_rows
