"""In-memory tables as sources: anything that speaks the Arrow PyCapsule stream interface.

A pyarrow Table or RecordBatchReader, a pandas or polars DataFrame, a DuckDB relation: each
exports ``__arrow_c_stream__``, and :meth:`pyarrow.RecordBatchReader.from_stream` reads it
batch by batch without a detour through Python objects. Detection is by that method alone,
so pandas, polars or DuckDB are never imported unless the caller already passed one of them.

Findings name the table (``scan(df, name="customers")``; ``<table>`` by default) and use its
column names and 0-based row positions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from ..errors import ConfigurationError
from .base import Batch, SourceAccount

__all__ = ["DEFAULT_NAME", "NamedTable", "TableSource", "is_table", "name_tables"]

DEFAULT_NAME = "<table>"


def is_table(obj: object) -> bool:
    """True for objects exporting an Arrow C stream (and not for paths or URLs)."""
    if isinstance(obj, (str, bytes, os.PathLike)):
        return False
    return callable(getattr(type(obj), "__arrow_c_stream__", None))


class NamedTable:
    """An in-memory table and the name findings give it (``scan([NamedTable(df, "x"), ...])``)."""

    def __init__(self, data: Any, name: str = DEFAULT_NAME) -> None:
        if not is_table(data):
            raise ConfigurationError(
                f"{type(data).__name__} is not a table: it has no __arrow_c_stream__ method"
            )
        if not isinstance(name, str) or not name:
            raise ConfigurationError("a table's name must be a non-empty string")
        self.data = data
        self.name = name

    def __repr__(self) -> str:
        return f"NamedTable({_kind(self.data)}, name={self.name!r})"


def name_tables(inputs: Sequence[Any], name: str | Sequence[str] | None = None) -> list[Any]:
    """Inputs with every table wrapped in a :class:`NamedTable`, names unique.

    ``name`` names the tables of ``inputs`` in order: one string for a single table, or one
    name per table. Unnamed tables get ``<table>``, ``<table 2>``, ... (the first is plain
    ``<table>`` so a single table reads naturally).
    """
    tables = [i for i, x in enumerate(inputs) if is_table(x)]
    names: list[str] = []
    if name is not None:
        names = [name] if isinstance(name, str) else list(name)
        if len(names) != len(tables):
            raise ConfigurationError(
                f"name= gives {len(names)} name(s) for {len(tables)} in-memory table(s)"
            )
    out: list[Any] = list(inputs)
    taken = {x.name for x in inputs if isinstance(x, NamedTable)}
    n = 0
    for k, i in enumerate(tables):
        if names:
            label = names[k]
        else:
            n += 1
            label = DEFAULT_NAME if n == 1 else f"<table {n}>"
            while label in taken:
                n += 1
                label = f"<table {n}>"
        out[i] = NamedTable(inputs[i], label)
        taken.add(label)
    seen: set[str] = set()
    for x in out:
        if isinstance(x, NamedTable):
            if x.name in seen:
                raise ConfigurationError(f"two in-memory tables are both named {x.name!r}")
            seen.add(x.name)
    return out


def _kind(data: Any) -> str:
    cls = type(data)
    return f"{cls.__module__.split('.')[0]}.{cls.__qualname__}"


class TableSource:
    """Batches of at most ``batch_rows`` rows from a table's Arrow stream, in order."""

    def __init__(self, table: NamedTable, batch_rows: int) -> None:
        self.account = SourceAccount(table.name, table.name, format="arrow")
        self.account.notes.append(f"in-memory {_kind(table.data)}")
        self._data = table.data
        self._batch_rows = batch_rows
        self._reader: pa.RecordBatchReader | None = None

    def batches(self) -> Iterator[Batch]:
        self._reader = pa.RecordBatchReader.from_stream(self._data)
        cursor = 0
        for rb in self._reader:
            for start in range(0, rb.num_rows, self._batch_rows):
                piece = rb.slice(start, self._batch_rows)
                self.account.records_read += piece.num_rows
                yield Batch(self.account.source, piece, cursor)
                cursor += piece.num_rows

    def finish(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
