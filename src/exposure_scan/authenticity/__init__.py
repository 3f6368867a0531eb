"""Is the leak real? Authenticity against the company's own records, without exposing them.

A company shown a leaked file must decide, quickly and without spreading its customer data
further, whether the file holds *its* customers. :func:`compare` matches the leak against the
company's records on e-mail, phone, name and name+address, each normalised
(:mod:`.normalise`) and HMAC-SHA256 hashed with a secret key, and reports per identifier how
much matches, whether the fields of matched records agree with each other (a real copy does; a
combination list or an old copy does not), what matches nothing, when the matched records were
created, and a verdict with its reasons. Only counts and shares leave it.

The comparison can be split: :func:`fingerprint` runs where the records live and writes a
hash-only file; ``compare(leak, "ref.fingerprint.parquet", key=...)`` runs anywhere the key
is known, and gives exactly the result the direct comparison gives.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..errors import ConfigurationError
from ..masking import key_fingerprint
from ..sources import ReadOptions, SourceAccount
from .columns import KEYS, ROLES, ColumnMap, map_columns
from .fingerprint import FingerprintWriter, check_key, fingerprint_batches, read_metadata
from .hashing import HashedBatch, Hasher, record_batches
from .matching import LeakTally, ReferenceIndex
from .normalise import NORMALISATION_VERSION
from .report import (
    AUTHENTIC,
    NOT_MATCHING,
    PARTIALLY_AUTHENTIC,
    AuthenticityReport,
    CreatedRange,
    KeyStats,
    PairStats,
    Thresholds,
    build_report,
)

__all__ = [
    "AUTHENTIC",
    "KEYS",
    "NORMALISATION_VERSION",
    "NOT_MATCHING",
    "PARTIALLY_AUTHENTIC",
    "ROLES",
    "AuthenticityReport",
    "ColumnMap",
    "CreatedRange",
    "KeyStats",
    "PairStats",
    "Thresholds",
    "compare",
    "fingerprint",
    "map_columns",
]

Columns = Mapping[str, str | Sequence[str]]


def _key_bytes(key: bytes | str) -> bytes:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes) or not key:
        raise ConfigurationError("key must be non-empty bytes (or str)")
    return key


def _requested(keys: Iterable[str] | None) -> tuple[str, ...]:
    if keys is None:
        return KEYS
    wanted = [keys] if isinstance(keys, str) else list(keys)
    unknown = sorted(set(wanted) - set(KEYS))
    if unknown or not wanted:
        raise ConfigurationError(f"keys must be a non-empty subset of {KEYS}; got {unknown}")
    return tuple(k for k in KEYS if k in wanted)


def _options(read_options: ReadOptions | None) -> ReadOptions:
    return read_options if read_options is not None else ReadOptions()


def _hashed(
    data: Any,
    key: bytes,
    keys: Sequence[str],
    columns: Columns | None,
    default_region: str | None,
    options: ReadOptions,
    accounts: list[SourceAccount],
) -> tuple[Hasher | None, dict[str, Any] | None, Iterator[HashedBatch]]:
    """One side as hashed batches: read and hashed here, or straight from a fingerprint."""
    meta = read_metadata(data)
    if meta is not None:
        if columns:
            raise ConfigurationError("a column mapping does not apply to a fingerprint file")
        check_key(meta, key)
        return None, meta, fingerprint_batches(data, options.batch_rows)
    hasher = Hasher(key, keys, columns, default_region)
    batches = (hasher.hash_batch(rb) for rb in record_batches(data, options, accounts))
    return hasher, None, batches


def fingerprint(
    reference: Any,
    key: bytes | str,
    path: str | os.PathLike[str],
    *,
    keys: Iterable[str] | None = None,
    columns: Columns | None = None,
    default_region: str | None = None,
    read_options: ReadOptions | None = None,
) -> dict[str, Any]:
    """Write the hash-only fingerprint of ``reference`` to ``path`` (Parquet); return its
    metadata block. Run it where the records live; only the file leaves."""
    secret = _key_bytes(key)
    options = _options(read_options)
    hasher = Hasher(secret, _requested(keys), columns, default_region)
    writer = FingerprintWriter(path)
    unusable: dict[str, int] = dict.fromkeys(hasher.keys, 0)
    try:
        for rb in record_batches(reference, options, []):
            batch = hasher.hash_batch(rb)
            for k in hasher.keys:
                unusable[k] += batch.unusable[k]
            writer.write(batch)
    except BaseException:
        writer.abort()
        raise
    found = [k for k in KEYS if k in hasher.found]
    return writer.close(
        {
            "key_fingerprint": key_fingerprint(secret),
            "keys": found,
            "address_parts": sorted(hasher.address_kinds),
            "created_columns": sorted(hasher.created_columns),
            "unusable": {k: unusable[k] for k in found},
        }
    )


def compare(
    leak: Any,
    reference: Any,
    keys: Iterable[str] | None = None,
    *,
    key: bytes | str,
    leak_columns: Columns | None = None,
    reference_columns: Columns | None = None,
    default_region: str | None = None,
    thresholds: Thresholds | None = None,
    read_options: ReadOptions | None = None,
) -> AuthenticityReport:
    """Compare a leak with the company's reference records (or their fingerprint file).

    ``leak`` and ``reference``: paths (any source exposure_scan reads), a ``pyarrow.Table``,
    a Dask DataFrame, or a fingerprint file made with the same ``key``. ``keys``: which of
    ``email``, ``phone``, ``name``, ``address`` to compare (default: all that both sides
    have). ``*_columns`` map roles (:data:`ROLES`) to column names where headers do not say;
    ``default_region`` reads national phone numbers of records without a country."""
    secret = _key_bytes(key)
    requested = _requested(keys)
    options = _options(read_options)
    limits = thresholds if thresholds is not None else Thresholds()
    ref_hasher, ref_meta, ref_batches = _hashed(
        reference, secret, requested, reference_columns, default_region, options, []
    )
    index = ReferenceIndex(requested)
    for batch in ref_batches:
        index.add(batch)
    if ref_meta is not None:
        ref_keys = set(ref_meta["keys"])
        ref_parts = set(ref_meta["address_parts"])
        created_columns = tuple(ref_meta["created"]["columns"])
        for k, n in ref_meta.get("unusable", {}).items():
            if k in requested:
                index.unusable[k] = n
    else:
        assert ref_hasher is not None
        ref_keys, ref_parts = ref_hasher.found, ref_hasher.address_kinds
        created_columns = tuple(sorted(ref_hasher.created_columns))
    missing = [k for k in requested if k not in ref_keys]
    if keys is not None and missing:
        raise ConfigurationError(f"the reference has no column for key(s): {', '.join(missing)}")
    effective = tuple(k for k in requested if k in ref_keys)
    if not effective:
        raise ConfigurationError("the reference holds none of the identifiers " + ", ".join(KEYS))

    accounts: list[SourceAccount] = []
    leak_hasher, leak_meta, leak_batches = _hashed(
        leak, secret, effective, leak_columns, default_region, options, accounts
    )
    tally = LeakTally(index, effective)
    for batch in leak_batches:
        tally.add(batch)
    if leak_hasher is not None:
        leak_keys, leak_parts = leak_hasher.found, leak_hasher.address_kinds
        described = tuple(leak_hasher.columns)
    else:
        assert leak_meta is not None
        leak_keys, leak_parts, described = (
            set(leak_meta["keys"]),
            set(leak_meta["address_parts"]),
            (),
        )
        for k, n in leak_meta.get("unusable", {}).items():
            if k in effective:
                tally.unusable[k] = n
    notes = _notes(effective, leak_keys, ref_parts, leak_parts, accounts)
    return build_report(
        index,
        tally,
        thresholds=limits,
        key_fingerprint=key_fingerprint(secret),
        normalisation=NORMALISATION_VERSION,
        created_columns=created_columns,
        leak_unreadable=sum(a.records_unreadable for a in accounts),
        leak_columns=described,
        notes=tuple(notes),
    )


def _notes(
    keys: Sequence[str],
    leak_keys: set[str],
    ref_parts: set[str],
    leak_parts: set[str],
    accounts: Sequence[SourceAccount],
) -> list[str]:
    notes: list[str] = []
    absent = [k for k in keys if k not in leak_keys]
    if absent:
        notes.append(f"the leak has no column for: {', '.join(absent)}")
    if "address" in keys and "address" in leak_keys and ref_parts != leak_parts:
        notes.append(
            "addresses are made of different parts on each side (reference: "
            f"{', '.join(sorted(ref_parts))}; leak: {', '.join(sorted(leak_parts))}): "
            "address matches are understated"
        )
    for account in accounts:
        if account.error is not None:
            notes.append(f"leak source {account.source} could not be read to its end")
        elif account.records_unreadable:
            notes.append(
                f"leak source {account.source}: {account.records_unreadable} records unreadable"
            )
    return notes
