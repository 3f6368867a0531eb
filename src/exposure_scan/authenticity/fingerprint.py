"""Hash-only fingerprint files: the company's records without the records.

A fingerprint is a Parquet file with one row per reference record: the hex HMAC-SHA256 of each
normalised identifier (null where the record has none) and the record's creation day. Its
key-value metadata (``exposure_scan.fingerprint``) is a small JSON block: the key's fingerprint
(an HMAC of a fixed string, never the key), the normalisation version, the row count, which
keys it holds, which address parts went into the address key, and the creation-date range.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator, Mapping
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .._version import __version__
from ..errors import ConfigurationError
from ..masking import key_fingerprint
from .columns import KEYS
from .hashing import HashedBatch
from .normalise import NORMALISATION_VERSION, day_iso

__all__ = [
    "FORMAT",
    "METADATA_KEY",
    "FingerprintWriter",
    "check_key",
    "fingerprint_batches",
    "read_metadata",
]

FORMAT: Final = "exposure_scan.authenticity.fingerprint"
FORMAT_VERSION: Final = 1
METADATA_KEY: Final = b"exposure_scan.fingerprint"
SCHEMA: Final = pa.schema([(k, pa.string()) for k in KEYS] + [("created", pa.date32())])


def read_metadata(path: Any) -> dict[str, Any] | None:
    """The metadata block of a fingerprint file, or None for anything else."""
    if not isinstance(path, (str, os.PathLike)) or not os.path.isfile(path):
        return None
    with open(path, "rb") as f:
        if f.read(4) != b"PAR1":
            return None
    try:
        kv = pq.ParquetFile(path).metadata.metadata or {}
    except (pa.ArrowException, OSError):
        return None
    raw = kv.get(METADATA_KEY)
    if raw is None:
        return None
    meta: dict[str, Any] = json.loads(raw)
    return meta if meta.get("format") == FORMAT else None


def check_key(meta: Mapping[str, Any], key: bytes) -> None:
    """Refuse a fingerprint made with another key or another normalisation: its hashes
    could never match, and a silent "not matching" would be a wrong verdict."""
    if meta.get("key_fingerprint") != key_fingerprint(key):
        raise ConfigurationError(
            "the key does not match the fingerprint file's key (key fingerprints differ)"
        )
    if meta.get("normalisation") != NORMALISATION_VERSION:
        raise ConfigurationError(
            f"fingerprint made with normalisation version {meta.get('normalisation')!r}; "
            f"this exposure_scan normalises with version {NORMALISATION_VERSION!r}: "
            "make the fingerprint again"
        )
    if meta.get("format_version") != FORMAT_VERSION:
        raise ConfigurationError("unsupported fingerprint file version")


def fingerprint_batches(path: str | os.PathLike[str], batch_rows: int) -> Iterator[HashedBatch]:
    """The hashed batches stored in a fingerprint file, as the hasher made them."""
    for rb in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
        hashes = {
            k: [None if v is None else bytes.fromhex(v) for v in rb.column(k).to_pylist()]
            for k in KEYS
        }
        days = pc.cast(rb.column("created"), pa.int32()).to_pylist()
        yield HashedBatch(rb.num_rows, hashes, [None if d is None else int(d) for d in days])


class FingerprintWriter:
    """Streams hashed batches into a fingerprint file; the metadata is added on close."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._tmp = self.path + ".partial"
        self._writer = pq.ParquetWriter(self._tmp, SCHEMA, compression="zstd")
        self.rows = 0
        self._first: int | None = None
        self._last: int | None = None

    def write(self, batch: HashedBatch) -> None:
        cols: list[pa.Array] = [
            pa.array([None if h is None else h.hex() for h in batch.hashes[k]], pa.string())
            for k in KEYS
        ]
        cols.append(pa.array(batch.days, pa.int32()).cast(pa.date32()))
        self._writer.write_batch(pa.record_batch(cols, schema=SCHEMA))
        self.rows += batch.rows
        days = [d for d in batch.days if d is not None]
        if days:
            lo, hi = min(days), max(days)
            self._first = lo if self._first is None else min(self._first, lo)
            self._last = hi if self._last is None else max(self._last, hi)

    def close(self, meta: dict[str, Any]) -> dict[str, Any]:
        """Finish the file with ``meta`` (plus format, row count and date range)."""
        full = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "normalisation": NORMALISATION_VERSION,
            "rows": self.rows,
            "exposure_scan": __version__,
            "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            **meta,
        }
        full["created"] = {
            "columns": meta.get("created_columns", []),
            "first": None if self._first is None else day_iso(self._first),
            "last": None if self._last is None else day_iso(self._last),
        }
        full.pop("created_columns", None)
        self._writer.add_key_value_metadata({METADATA_KEY: json.dumps(full, sort_keys=True)})
        self._writer.close()
        os.replace(self._tmp, self.path)
        return full

    def abort(self) -> None:
        self._writer.close()
        if os.path.exists(self._tmp):
            os.remove(self._tmp)
