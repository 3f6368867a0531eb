"""How many people, in memory bounded by the records, not by the findings.

:func:`~exposure_scan.verdicts.people.link_people` builds the people table (every person's
sources, entities and identifier hashes): its arrays grow with the personal findings, about
190 bytes each at the peak, 1.2 GiB for a 10^6-row customer table. Summaries, severity and the
JSON document need less: the number of people, the records, how records were linked and the
entities each person exposes. :func:`summarise_people` computes exactly those, equal to
``link_people(...).summary()``:

- findings arrive in (source, row) order (:meth:`PartialResult.iter_canonical`, bounded
  by a batch), so records are numbered as they come and a record's findings are consecutive;
- each record keeps a mask of its personal entities (4 bytes a record);
- each identifier key (e-mail hash, phone hash, name+address hash) becomes 25 bytes -- kind,
  128-bit hash, record -- routed by hash to one of 64 buckets, written to a private temporary
  directory whenever those held pass ``memory``;
- each bucket alone is sorted; records sharing a key are joined in one union-find over the
  record ids (4 bytes a record), whose roots are the smallest record of each person.

Memory is then ~20 bytes a record at the peak (record ids and masks in 32 bits) plus
``memory``; the keys' disk use is 25 bytes each.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .people import (
    _ADDRESS,
    _EMAIL,
    _ENTITIES,
    _HASHED,
    _KINDS,
    _NAME,
    _PHONE,
    Ints,
    PeopleSummary,
    _differs,
    _name_address,
    entity_sets,
    join_records,
)

#: Bytes of keys held in memory before the buckets are written to disk.
KEY_MEMORY = 64 << 20
BUCKETS = 64
_KEY = np.dtype([("kind", "i1"), ("h0", "<u8"), ("h1", "<u8"), ("record", "<i8")])
_HEX = r"^[0-9a-f]{32}$"
#: Entity masks in 32 bits while the personal entities fit (24 today): 4 bytes a record.
_MASK = np.uint32 if len(_ENTITIES) <= 32 else np.uint64


def summarise_people(
    chunks: Iterable[pa.Table],
    *,
    directory: str | None = None,
    memory: int = KEY_MEMORY,
) -> PeopleSummary:
    """:class:`PeopleSummary` of findings given in canonical order (source, row first):
    ``source``, ``row``, ``entity`` and ``value_hash`` are read. Keys beyond ``memory``
    bytes go to a temporary directory under ``directory`` (default: the system's)."""
    state = _State(directory, memory)
    carry: pa.Table | None = None
    for chunk in chunks:
        table = _personal(chunk)
        if carry is not None and carry.num_rows:
            table = pa.concat_tables([carry, table])
        if table.num_rows == 0:
            continue
        cut = _last_record_start(table)
        state.add(table.slice(0, cut))
        carry = table.slice(cut)  # its record may go on in the next chunk
    if carry is not None and carry.num_rows:
        state.add(carry)
    return state.finish()


def _personal(chunk: pa.Table) -> pa.Table:
    table = chunk.select(["source", "row", "entity", "value_hash"])
    entity = table.column("entity")
    if pa.types.is_dictionary(entity.type):
        entity = entity.cast(entity.type.value_type)
    found = pc.index_in(entity, value_set=_ENTITIES)
    table = table.set_column(2, "entity", pc.cast(found, pa.int8()))
    return table.filter(pc.is_valid(found))


def _last_record_start(table: pa.Table) -> int:
    """Where the findings of the table's last (source, row) begin (they are consecutive)."""
    n = table.num_rows
    same = pc.and_(
        pc.equal(table.column("source"), table.column("source")[n - 1]),
        pc.equal(table.column("row"), table.column("row")[n - 1]),
    )
    flags = np.asarray(same.to_numpy(zero_copy_only=False), bool)
    return int(np.argmax(flags))


class _State:
    def __init__(self, directory: str | None, memory: int) -> None:
        self.masks: list[npt.NDArray[Any]] = []
        self.records = 0
        self.parent_dir = directory
        self.memory = memory
        self.held: list[list[npt.NDArray[Any]]] = [[] for _ in range(BUCKETS)]
        self.held_bytes = 0
        self.tmp: tempfile.TemporaryDirectory[str] | None = None

    def add(self, table: pa.Table) -> None:
        """Complete records, in (source, row) order, personal findings only."""
        if table.num_rows == 0:
            return
        source = table.column("source").combine_chunks()
        if pa.types.is_dictionary(source.type):
            source = source.cast(source.type.value_type)
        row = table.column("row").to_numpy()
        entity = table.column("entity").to_numpy().astype(np.int8)
        new = np.ones(len(row), bool)
        new[1:] = _differs(source) | (row[1:] != row[:-1])
        local = np.cumsum(new) - 1
        n = int(local[-1]) + 1
        bits = np.left_shift(_MASK(1), entity.astype(_MASK))
        self.masks.append(np.bitwise_or.reduceat(bits, np.flatnonzero(new)))
        base = self.records
        self.records += n

        hashed = np.isin(entity, _HASHED)
        h_record, h_entity = local[hashed], entity[hashed]
        hashes = table.column("value_hash").combine_chunks().filter(pa.array(hashed))
        hashes = hashes.cast(pa.large_string())
        for kind, wanted in ((0, _EMAIL), (1, _PHONE)):
            pick = h_entity == wanted
            self._keys(kind, hashes.filter(pa.array(pick)), h_record[pick] + base)
        if ((h_entity == _NAME).any()) and ((h_entity == _ADDRESS).any()):
            keys = _name_address(n, h_record, h_entity, hashes)
            self._keys(2, keys.values.take(pa.array(keys.key)), keys.record + base)

    def _keys(self, kind: int, strings: pa.Array, record: Ints) -> None:
        if len(record) == 0:
            return
        keys = np.empty(len(record), _KEY)
        keys["kind"] = kind
        words = _hash_words(strings)
        keys["h0"], keys["h1"] = words[:, 0], words[:, 1]
        keys["record"] = record
        bucket = (keys["h0"] % np.uint64(BUCKETS)).astype(np.int64)
        order = np.argsort(bucket, kind="stable")
        bounds = np.searchsorted(bucket[order], np.arange(BUCKETS + 1))
        ordered = keys[order]
        for b in range(BUCKETS):
            if bounds[b] < bounds[b + 1]:
                self.held[b].append(ordered[bounds[b] : bounds[b + 1]])
        self.held_bytes += keys.nbytes
        if self.held_bytes > self.memory:
            self._flush()

    def _path(self, b: int) -> str:
        assert self.tmp is not None
        return os.path.join(self.tmp.name, f"keys-{b:02d}.bin")

    def _flush(self) -> None:
        if self.tmp is None:
            self.tmp = tempfile.TemporaryDirectory(
                prefix="exposure-scan-people-", dir=self.parent_dir
            )
        for b, parts in enumerate(self.held):
            if parts:
                with open(self._path(b), "ab") as f:
                    for p in parts:
                        p.tofile(f)
        self.held = [[] for _ in range(BUCKETS)]
        self.held_bytes = 0

    def _bucket(self, b: int) -> npt.NDArray[Any]:
        parts = list(self.held[b])
        self.held[b] = []
        if self.tmp is not None and os.path.exists(self._path(b)):
            parts.insert(0, np.fromfile(self._path(b), _KEY))
            os.unlink(self._path(b))
        return np.concatenate(parts) if parts else np.empty(0, _KEY)

    def finish(self) -> PeopleSummary:
        try:
            return self._finish()
        finally:
            if self.tmp is not None:
                self.tmp.cleanup()

    def _finish(self) -> PeopleSummary:
        n = self.records
        linked_by = dict.fromkeys(_KINDS, 0)
        if n == 0:
            return PeopleSummary(0, 0, linked_by, {})
        # Record ids in 32 bits while they fit: 4 bytes a record for each array below.
        parent: npt.NDArray[np.signedinteger[Any]] = np.arange(
            n, dtype=np.int32 if n < 2**31 else np.int64
        )
        for b in range(BUCKETS):
            keys = self._bucket(b)
            if len(keys) == 0:
                continue
            order = np.lexsort((keys["record"], keys["h1"], keys["h0"], keys["kind"]))
            keys = keys[order]
            k, h0, h1, rec = keys["kind"], keys["h0"], keys["h1"], keys["record"]
            new_key = np.ones(len(keys), bool)
            new_key[1:] = (k[1:] != k[:-1]) | (h0[1:] != h0[:-1]) | (h1[1:] != h1[:-1])
            distinct = new_key.copy()
            distinct[1:] |= rec[1:] != rec[:-1]
            k, rec, new_key = k[distinct], rec[distinct], new_key[distinct]
            group = np.cumsum(new_key) - 1
            size = np.bincount(group)
            multi = size[group] > 1
            for kind, name in enumerate(_KINDS):
                linked_by[name] += int((multi & (k == kind)).sum())
            first = rec[np.flatnonzero(new_key)][group]
            parent = join_records(parent, first[multi], rec[multi])
        masks = np.concatenate(self.masks)
        self.masks = []
        is_root = parent == np.arange(n, dtype=parent.dtype)
        person = np.zeros(n, _MASK)
        np.bitwise_or.at(person, parent, masks)
        del masks
        sets = entity_sets(person[is_root])
        return PeopleSummary(int(is_root.sum()), n, linked_by, sets)


def _hash_words(strings: pa.Array) -> npt.NDArray[np.uint64]:
    """Each key string as two 64-bit words: its 128 bits when it is 32 lowercase hex digits
    (every keyed hash), else the first 128 bits of its BLAKE2b (equality is all that is used,
    and a clash between the two forms has probability 2^-128)."""
    n = len(strings)
    strings = strings.cast(pa.large_string())
    hexed = pc.match_substring_regex(strings, _HEX)
    ok = np.asarray(pc.fill_null(hexed, False).to_numpy(zero_copy_only=False), bool)
    out = np.empty((n, 2), np.uint64)
    if ok.any():
        good = strings.filter(pa.array(ok))
        raw = _decode_hex(good)
        out[ok] = raw
    if not ok.all():
        for i in np.flatnonzero(~ok).tolist():
            value = strings[i].as_py() or ""
            digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16)
            out[i] = np.frombuffer(digest.digest(), np.uint64)
    return out


_NIBBLE = np.zeros(256, np.uint8)
_NIBBLE[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10, dtype=np.uint8)
_NIBBLE[np.frombuffer(b"abcdef", np.uint8)] = np.arange(10, 16, dtype=np.uint8)


def _decode_hex(strings: pa.Array) -> npt.NDArray[np.uint64]:
    """32-hex-digit strings (all of them) as (n, 2) 64-bit words."""
    _, offsets_buf, data_buf = strings.buffers()
    offsets = np.frombuffer(offsets_buf, np.int64)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    data = np.frombuffer(data_buf, np.uint8)[offsets[0] : offsets[-1]].reshape(-1, 32)
    nibbles = _NIBBLE[data]
    packed = (nibbles[:, 0::2] << 4) | nibbles[:, 1::2]
    return np.ascontiguousarray(packed).view(np.uint64).reshape(-1, 2)
