"""Inputs to keyed hashes: any readable data, batch by batch, to HMAC-SHA256 per identifier.

Both sides go through :class:`Hasher`, and a fingerprint file stores exactly what it produces,
so a comparison against a fingerprint file and one against the raw reference see the same
bytes. Each hash covers ``<key name> 0x1f <normalised value>`` (domain separation: a name can
never collide with an e-mail address that happens to be spelled the same).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..sources import ReadOptions, SourceAccount, iter_sources
from .columns import KEYS, ColumnMap, map_columns
from .normalise import (
    normalise_address,
    normalise_email,
    normalise_name,
    normalise_phone,
    parse_day,
    region_of_country,
)

__all__ = ["HashedBatch", "Hasher", "digest", "record_batches"]

Columns = Mapping[str, str | Sequence[str]]


def digest(key: bytes, name: str, value: str) -> bytes:
    """HMAC-SHA256 of one normalised identifier (full 256 bits: this is evidence)."""
    message = f"{name}\x1f{value}".encode("utf-8", "surrogatepass")
    return hmac.digest(key, message, hashlib.sha256)


@dataclass
class HashedBatch:
    """Per-row digests (None: no usable value) per key, and the creation day of each row."""

    rows: int
    hashes: dict[str, list[bytes | None]]
    days: list[int | None]
    #: key -> values present but not normalisable (no @, no phone number, ...)
    unusable: Counter[str] = field(default_factory=Counter)


def _strings(table: pa.RecordBatch, name: str | None) -> list[str | None]:
    if name is None:
        return [None] * table.num_rows
    col = table.column(name)
    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        try:
            col = pc.cast(col, pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return [None] * table.num_rows
    return [v if v is None else str(v) for v in col.to_pylist()]


def _days(table: pa.RecordBatch, name: str | None) -> list[int | None]:
    if name is None:
        return [None] * table.num_rows
    col = table.column(name)
    if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
        days = pc.cast(pc.cast(col, pa.date32()), pa.int32())
        return [None if v is None else int(v) for v in days.to_pylist()]
    return [None if v is None else parse_day(v) for v in _strings(table, name)]


class Hasher:
    """Turns record batches of one side into :class:`HashedBatch` es.

    Columns are mapped once per distinct schema; what was found across all schemas
    (``found``: keys, ``address_kinds``, ``columns``) is kept for the report."""

    def __init__(
        self,
        key: bytes,
        keys: Sequence[str] = KEYS,
        columns: Columns | None = None,
        default_region: str | None = None,
    ) -> None:
        self.key = key
        self.keys = tuple(keys)
        self.explicit = columns
        self.default_region = default_region
        self.found: set[str] = set()
        self.address_kinds: set[str] = set()
        self.columns: list[dict[str, str | list[str]]] = []
        self.created_columns: set[str] = set()
        self._maps: dict[tuple[str, ...], ColumnMap] = {}

    def column_map(self, names: Sequence[str]) -> ColumnMap:
        sig = tuple(names)
        cmap = self._maps.get(sig)
        if cmap is None:
            cmap = map_columns(names, self.explicit)
            self._maps[sig] = cmap
            used = cmap.keys() & set(self.keys)
            self.found |= used
            if "address" in used:
                self.address_kinds |= cmap.address_kinds
            if cmap.created is not None:
                self.created_columns.add(cmap.created)
            described = cmap.describe()
            if described not in self.columns:
                self.columns.append(described)
        return cmap

    def hash_batch(self, table: pa.RecordBatch) -> HashedBatch:
        cmap = self.column_map(table.schema.names)
        wanted = cmap.keys() & set(self.keys)
        out = HashedBatch(table.num_rows, {}, _days(table, cmap.created))
        values: dict[str, list[str | None]] = {}
        given: dict[str, list[bool]] = {}  # a non-blank cell was there
        if "email" in wanted:
            emails = _strings(table, cmap.email)
            values["email"] = [None if v is None else normalise_email(v) for v in emails]
            given["email"] = [_given(v) for v in emails]
        if "phone" in wanted:
            phones = _strings(table, cmap.phone)
            regions = [region_of_country(c) for c in _strings(table, cmap.country)]
            values["phone"] = [
                None if v is None else normalise_phone(v, r, self.default_region)
                for v, r in zip(phones, regions, strict=True)
            ]
            given["phone"] = [_given(v) for v in phones]
        if "name" in wanted:
            name_cols = [_strings(table, c) for c in cmap.name_columns()]
            names = [normalise_name(parts) for parts in zip(*name_cols, strict=True)]
            values["name"] = names
            given["name"] = [any(map(_given, parts)) for parts in zip(*name_cols, strict=True)]
            if "address" in wanted:
                addr_cols = [_strings(table, c) for c, _ in cmap.address]
                values["address"] = [
                    None if name is None or addr is None else f"{name}|{addr}"
                    for name, addr in zip(
                        names,
                        (normalise_address(parts) for parts in zip(*addr_cols, strict=True)),
                        strict=True,
                    )
                ]
                given["address"] = [
                    any(map(_given, parts)) for parts in zip(*addr_cols, strict=True)
                ]
        for k in self.keys:
            if k not in values:
                out.hashes[k] = [None] * table.num_rows
                continue
            out.hashes[k] = [None if v is None else digest(self.key, k, v) for v in values[k]]
            out.unusable[k] = sum(
                1 for v, g in zip(values[k], given[k], strict=True) if v is None and g
            )
        return out


def _given(value: str | None) -> bool:
    return value is not None and bool(value.strip())


def record_batches(
    data: Any, options: ReadOptions, accounts: list[SourceAccount]
) -> Iterator[pa.RecordBatch]:
    """Record batches of paths (anything exposure_scan reads), a ``pyarrow.Table`` or batch,
    or a Dask DataFrame (one partition in memory at a time); source accounts are appended to
    ``accounts`` as each source finishes."""
    if isinstance(data, pa.Table):
        yield from data.to_batches(max_chunksize=options.batch_rows)
        return
    if isinstance(data, pa.RecordBatch):
        yield data
        return
    if hasattr(data, "to_delayed") and hasattr(data, "npartitions"):
        for part in data.to_delayed():
            frame = part.compute()
            table = (
                frame
                if isinstance(frame, pa.Table)
                else pa.Table.from_pandas(frame, preserve_index=False)
            )
            yield from table.to_batches(max_chunksize=options.batch_rows)
        return
    paths = [data] if isinstance(data, (str, os.PathLike)) else list(data)
    for source in iter_sources(paths, options):
        for batch in source.batches():
            yield batch.data
        source.finish()
        accounts.append(source.account)
