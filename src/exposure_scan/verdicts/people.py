"""Affected people: how many distinct individuals a leak exposes, and what of each.

Records of one person are linked within and across sources by the keyed hashes of their
normalised email address, their E.164 phone number, and their name together with their postal
address (connected components over records). Raw values are never needed: the findings already
carry HMAC-SHA256 hashes keyed with the scan's key, so pass your own ``key=`` to ``scan()`` and
the hashes in the people table can drive a notification mailing from your own systems.

The linkage runs on numpy and Arrow arrays, never a Python object per finding, so its memory
stays proportional to the personal findings: tens of millions of rows fit, and findings can
be streamed in batches from disk.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from .categories import category_of

#: Entities that make a record about a person (a LOCATION alone does not).
PERSONAL = frozenset(
    {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "POSTAL_ADDRESS",
        "DATE_OF_BIRTH",
        "US_SSN",
        "IT_FISCAL_CODE",
        "UK_NINO",
        "ES_NIF",
        "DE_TAX_ID",
        "FR_NIR",
        "PASSPORT",
        "NATIONAL_ID",
        "CREDIT_CARD",
        "MASKED_CARD",
        "IBAN_CODE",
        "BANK_ACCOUNT",
        "CRYPTO",
        "VIN",
        "LICENSE_PLATE",
        "PASSWORD",
        "PASSWORD_HASH",
        "USERNAME",
        "IP_ADDRESS",
    }
)

PEOPLE_SCHEMA = pa.schema(
    [
        pa.field("person", pa.int64()),
        pa.field("records", pa.int64()),
        pa.field("sources", pa.list_(pa.string())),
        pa.field("categories", pa.list_(pa.string())),
        pa.field("entities", pa.list_(pa.string())),
        pa.field("email_hashes", pa.list_(pa.string())),
        pa.field("phone_hashes", pa.list_(pa.string())),
        pa.field("name_address_hashes", pa.list_(pa.string())),
    ]
)


@dataclass(frozen=True)
class PeopleSummary:
    """The people of a leak without their table: how many, over how many records, how the
    records were linked, and the distinct sets of entities people expose (with counts)."""

    count: int
    records: int
    linked_by: dict[str, int]
    sets: dict[frozenset[str], int] = field(default_factory=dict)

    def entity_sets(self) -> dict[frozenset[str], int]:
        """Each distinct set of entities a person's records expose, and how many people
        have it."""
        return dict(self.sets)

    def people_with_any(self, entities: Iterable[str]) -> int:
        """People with at least one of ``entities`` among their records' findings."""
        wanted = set(entities)
        return sum(c for s, c in self.sets.items() if s & wanted)


@dataclass(frozen=True)
class Linkage:
    """The people table and how records were linked into it."""

    people: pa.Table
    records: int
    linked_by: dict[str, int]  # key kind -> records that shared that kind of key with another

    @property
    def count(self) -> int:
        return int(self.people.num_rows)

    def summary(self) -> PeopleSummary:
        """What :func:`~exposure_scan.verdicts.people_count.summarise_people` computes
        without the table."""
        return PeopleSummary(self.count, self.records, dict(self.linked_by), self._entity_sets)

    def entity_sets(self) -> dict[frozenset[str], int]:
        """Each distinct set of entities a person's records expose, and how many people
        have it: what summaries and severity need, computed on 64-bit masks instead of a
        Python list per person (tens of millions in a large leak)."""
        return dict(self._entity_sets)

    @functools.cached_property
    def _entity_sets(self) -> dict[frozenset[str], int]:
        if self.count == 0:
            return {}
        lists = self.people.column("entities").combine_chunks()
        offsets = lists.offsets.to_numpy().astype(np.int64)
        index = pc.index_in(lists.flatten(), value_set=_ENTITIES).to_numpy(zero_copy_only=False)
        bits = np.left_shift(np.uint64(1), index.astype(np.uint64))
        masks = np.zeros(len(lists), np.uint64)
        nonempty = np.diff(offsets) > 0
        if nonempty.any():
            masks[nonempty] = np.bitwise_or.reduceat(bits, offsets[:-1][nonempty] - offsets[0])
        return entity_sets(masks)

    def people_with_any(self, entities: Iterable[str]) -> int:
        """People with at least one of ``entities`` among their records' findings."""
        return self.summary().people_with_any(entities)


def entity_sets(masks: npt.NDArray[np.unsignedinteger[Any]]) -> dict[frozenset[str], int]:
    """Per-person entity masks (bit i: the i-th of the sorted personal entities) as each
    distinct set of entities with how many people have it."""
    values, counts = np.unique(masks, return_counts=True)
    names = _ENTITIES.to_pylist()
    return {
        frozenset(n for i, n in enumerate(names) if int(v) >> i & 1): int(c)
        for v, c in zip(values.tolist(), counts.tolist(), strict=True)
    }


Ints: TypeAlias = npt.NDArray[np.int64]
Findings: TypeAlias = pa.Table | pa.RecordBatch | Iterable[pa.RecordBatch | pa.Table]

#: Personal entities sorted, so an entity's index here is also its rank in any sorted list.
_ENTITIES = pa.array(sorted(PERSONAL), pa.string())
_EMAIL, _PHONE, _NAME, _ADDRESS = (
    sorted(PERSONAL).index(e) for e in ("EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "POSTAL_ADDRESS")
)
assert len(PERSONAL) <= 64, "entity sets are kept as 64-bit masks per person"
#: Only these entities' hashes are ever read; the others' are dropped as chunks arrive.
_HASHED = np.array([_EMAIL, _PHONE, _NAME, _ADDRESS], np.int8)
_COLUMNS = ["source", "row", "entity", "value_hash"]


@dataclass
class _Personal:
    """The personal findings of every chunk seen so far, as arrays."""

    source: list[npt.NDArray[np.int32]] = field(default_factory=list)  # codes into ``sources``
    row: list[Ints] = field(default_factory=list)
    entity: list[npt.NDArray[np.int8]] = field(default_factory=list)  # index into _ENTITIES
    hashed_at: list[Ints] = field(default_factory=list)  # positions of the hashes below
    hashes: list[pa.Array] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)  # one entry per distinct source
    n: int = 0

    def add(self, batch: pa.RecordBatch) -> None:
        found = pc.index_in(batch.column("entity").cast(pa.string()), value_set=_ENTITIES)
        if found.null_count == len(found):
            return
        ent = pc.fill_null(found, -1).to_numpy()
        keep = ent >= 0
        hashed = np.isin(ent, _HASHED)
        source = batch.column("source").cast(pa.string()).filter(pa.array(keep))
        if pc.all(pc.equal(source, source[0])).as_py():  # one file per batch: skip the hashing
            names, indices = [source[0].as_py()], np.zeros(len(source), np.int32)
        else:
            src = pc.dictionary_encode(source)
            names, indices = src.dictionary.to_pylist(), src.indices.to_numpy()
        codes = np.array([self.sources.setdefault(s, len(self.sources)) for s in names], np.int32)
        hashes = batch.column("value_hash").filter(pa.array(hashed)).cast(pa.large_string())
        self.source.append(codes[indices])
        self.row.append(batch.column("row").cast(pa.int64()).to_numpy()[keep])
        self.entity.append(ent[keep].astype(np.int8))
        self.hashed_at.append(np.flatnonzero(hashed[keep]) + self.n)
        self.hashes.append(hashes)
        self.n += int(keep.sum())


class _Keys(NamedTuple):
    """Distinct (record, key) pairs sorted by key, then record; ``key`` indexes ``values``."""

    record: Ints
    key: Ints
    values: pa.Array


def link_people(findings: Findings) -> Linkage:
    """Group records into people. ``findings`` is ``Report.findings_table()``, or its batches.

    Only ``source``, ``row``, ``entity`` and ``value_hash`` are read, and each chunk is cut to
    its personal findings as it arrives, so a caller can stream findings from disk. Records are
    numbered in (source, row) order, whatever order the findings come in; a person's id ranks
    its first record; every list is sorted.
    """
    personal = _Personal()
    chunks = [findings] if isinstance(findings, pa.Table | pa.RecordBatch) else findings
    for chunk in chunks:
        table = chunk if isinstance(chunk, pa.Table) else pa.Table.from_batches([chunk])
        for batch in table.select(_COLUMNS).to_batches():
            personal.add(batch)
    if personal.n == 0:
        return Linkage(PEOPLE_SCHEMA.empty_table(), 0, dict.fromkeys(_KINDS, 0))
    names = pa.array(list(personal.sources), pa.string())
    src_rank, src_sorted = _sorted(names)
    # Sources by name: record ids, hence person ids, do not depend on the order findings
    # arrive in (in memory, spilled, from two workers: the same people table).
    source = src_rank[np.concatenate(personal.source)]
    record, first = _records(source, np.concatenate(personal.row))
    n, record_source = len(first), source[first]
    entity = np.concatenate(personal.entity)
    at = np.concatenate(personal.hashed_at)
    hashes = pa.concat_arrays(personal.hashes)
    del personal, source  # only what is still needed stays alive
    h_record, h_entity = record[at], entity[at]
    keys = [
        _keys(n, h_record[h_entity == _EMAIL], hashes.filter(pa.array(h_entity == _EMAIL))),
        _keys(n, h_record[h_entity == _PHONE], hashes.filter(pa.array(h_entity == _PHONE))),
        _name_address(n, h_record, h_entity, hashes),
    ]
    del hashes, h_record, h_entity, at
    linked_by: dict[str, int] = {}
    starts: list[Ints] = []
    ends: list[Ints] = []
    for kind, k in zip(_KINDS, keys, strict=True):
        linked_by[kind], (a, b) = _shared(k)
        starts.append(a)
        ends.append(b)
    roots = _components(n, np.concatenate(starts), np.concatenate(ends))
    is_root = roots == np.arange(n)
    person: Ints = (np.cumsum(is_root, dtype=np.int64) - 1)[roots]  # ranks of the roots
    people = int(is_root.sum())

    entities = np.zeros(people, np.uint64)
    np.bitwise_or.at(
        entities, person[record], np.left_shift(np.uint64(1), entity.astype(np.uint64))
    )
    cats = sorted({c for e in _ENTITIES.to_pylist() if (c := category_of(e))})
    categories = np.zeros(people, np.uint64)
    for e, name in enumerate(_ENTITIES.to_pylist()):
        if (c := category_of(name)) is not None:
            bit = np.uint64(1 << cats.index(c))
            categories |= np.where((entities >> np.uint64(e)) & np.uint64(1), bit, np.uint64(0))
    columns = [
        _ranked_lists(people, person, record_source, src_sorted),
        _bit_lists(categories, pa.array(cats, pa.string())),
        _bit_lists(entities, _ENTITIES),
        *(_string_lists(people, person[k.record], k.values.take(pa.array(k.key))) for k in keys),
    ]
    counts = np.bincount(person, minlength=people)
    table = pa.Table.from_arrays(
        [pa.array(np.arange(people, dtype=np.int64)), pa.array(counts.astype(np.int64)), *columns],
        schema=PEOPLE_SCHEMA,
    )
    return Linkage(table, n, linked_by)


_KINDS = ("email", "phone", "name+address")


def _records(source: Ints, row: Ints) -> tuple[Ints, Ints]:
    """Each finding's record id (the rank of its (source, row)) and each record's first
    finding in that order.

    One integer key per finding when (source, row) packs into 63 bits, as any real table does;
    a two-key sort otherwise.
    """
    low, span = int(row.min()), int(row.max()) - int(row.min()) + 1
    if span * (int(source.max()) + 1) < 2**63:
        order = np.argsort(source.astype(np.int64) * span + (row - low), kind="stable")
    else:
        order = np.lexsort((row, source))
    s, r = source[order], row[order]
    new = np.ones(len(order), bool)
    new[1:] = (s[1:] != s[:-1]) | (r[1:] != r[:-1])
    inverse = np.empty(len(order), np.int64)
    inverse[order] = np.cumsum(new) - 1
    return inverse, order[new]


def _distinct(values: Ints) -> Ints:
    """The distinct values, sorted (``np.unique`` hashes first, several times slower here)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _sorted(values: pa.Array) -> tuple[Ints, pa.Array]:
    """Each value's rank, and the values sorted (code point order, as Python sorts str)."""
    order = pc.sort_indices(values).to_numpy()
    rank = np.empty(len(values), np.int64)
    rank[order] = np.arange(len(values))
    return rank, values.take(pa.array(order)).cast(pa.string())


def _keys(n: int, record: Ints, strings: pa.Array) -> _Keys:
    """The distinct (record, string) pairs, strings dictionary-encoded (hashing, no sort)."""
    enc = pc.dictionary_encode(strings)
    pairs = _distinct(enc.indices.to_numpy().astype(np.int64) * n + record)
    return _Keys(pairs % n, pairs // n, enc.dictionary)


def _name_address(n: int, record: Ints, entity: npt.NDArray[np.int8], hashes: pa.Array) -> _Keys:
    """Per record with a name and an address: sha256 of its sorted name, then address, hashes.

    The joined strings are built in Arrow (sort by record, part and hash; a list of names and
    one of addresses per record, each joined by ``\\x1f``, then joined around ``|``); only the
    sha256 runs in Python, once per such record.
    """
    named, addressed = np.zeros(n, bool), np.zeros(n, bool)
    named[record[entity == _NAME]] = True
    addressed[record[entity == _ADDRESS]] = True
    both = named & addressed
    mask = ((entity == _NAME) | (entity == _ADDRESS)) & both[record]
    owners = np.flatnonzero(both)
    parts = pa.table(
        {
            "record": record[mask],
            "part": (entity[mask] == _ADDRESS).astype(np.int8),
            "hash": hashes.filter(pa.array(mask)),
        }
    )
    parts = parts.take(
        pc.sort_indices(parts, sort_keys=[(c, "ascending") for c in parts.column_names])
    )
    rec, part = parts["record"].to_numpy(), parts["part"].to_numpy()
    text = parts["hash"].combine_chunks()
    new = np.ones(len(rec), bool)
    new[1:] = (rec[1:] != rec[:-1]) | (part[1:] != part[:-1]) | _differs(text)
    sep = pa.scalar("\x1f", pa.large_string())
    names, addresses = (_joined(rec, owners, text, new & (part == p), sep) for p in (0, 1))
    bar = pa.scalar("|", pa.large_string())
    joined = pc.binary_join_element_wise(names, bar, addresses, sep)
    return _keys(n, owners, _sha256(joined))


def _joined(
    rec: Ints, owners: Ints, text: pa.Array, keep: npt.NDArray[np.bool_], sep: pa.Scalar
) -> pa.Array:
    """Each owner's kept strings (``rec`` sorted, so they are consecutive) joined by ``sep``."""
    counts = np.bincount(rec[keep], minlength=int(owners[-1]) + 1 if len(owners) else 0)[owners]
    offsets = np.zeros(len(owners) + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), text.filter(pa.array(keep)))
    return pc.binary_join(lists, sep)


def _differs(text: pa.Array) -> npt.NDArray[np.bool_]:
    """Whether each string but the first differs from the one before it."""
    if len(text) < 2:
        return np.zeros(0, bool)
    differs = pc.not_equal(text.slice(1), text.slice(0, len(text) - 1))
    return np.asarray(differs.to_numpy(zero_copy_only=False), bool)


def _sha256(texts: pa.Array) -> pa.Array:
    """The first 32 hex digits of each string's sha256 (hashlib per string; no vector sha)."""
    if len(texts) == 0:
        return pa.array([], pa.large_string())
    _, offsets_buf, data_buf = texts.buffers()
    offsets = np.frombuffer(offsets_buf, np.int64)[texts.offset : texts.offset + len(texts) + 1]
    data = memoryview(data_buf if data_buf is not None else b"")
    sha = hashlib.sha256
    return pa.array(
        [sha(data[a:b]).hexdigest()[:32] for a, b in itertools.pairwise(offsets.tolist())],
        pa.large_string(),
    )


def _shared(keys: _Keys) -> tuple[int, tuple[Ints, Ints]]:
    """Records sharing a key with another (counted once per key), and an edge from each of
    them to the first record of its key."""
    size = np.bincount(keys.key, minlength=len(keys.values))
    start = np.concatenate([[0], np.cumsum(size)[:-1]]).astype(np.int64)
    multi = size[keys.key] > 1
    return int(multi.sum()), (keys.record[start[keys.key]][multi], keys.record[multi])


def _components(n: int, a: Ints, b: Ints) -> Ints:
    """Each record's root: the smallest record id connected to it.

    Hook-and-compress: every edge whose ends have different roots hooks the larger root under
    the smallest root it meets, then pointer jumping flattens the forest. Roots only point to
    smaller ids, so the smallest id of a component ends up as its root.
    """
    return join_records(np.arange(n, dtype=np.int64), a, b)


def join_records(
    parent: npt.NDArray[np.signedinteger[Any]], a: Ints, b: Ints
) -> npt.NDArray[np.signedinteger[Any]]:
    """Join the records of edges (a, b) into ``parent``, a flattened forest whose roots are
    the smallest ids of their trees (as :func:`_components` leaves it): edges may come in
    batches, the final roots are the same."""
    while len(a):
        ra, rb = parent[a], parent[b]
        apart = ra != rb
        if not apart.any():
            break
        a, b, ra, rb = a[apart], b[apart], ra[apart], rb[apart]
        np.minimum.at(parent, np.maximum(ra, rb), np.minimum(ra, rb))
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
    return parent


def _ranked_lists(people: int, owner: Ints, rank: Ints, values: pa.Array) -> pa.ListArray:
    """One sorted, de-duplicated list per person from (person, rank into sorted values)."""
    width = max(len(values), 1)
    pairs = _distinct(owner * width + rank)
    offsets = np.zeros(people + 1, np.int32)
    np.cumsum(np.bincount(pairs // width, minlength=people), out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), values.take(pa.array(pairs % width)))


def _string_lists(people: int, owner: Ints, strings: pa.Array) -> pa.ListArray:
    """One sorted, de-duplicated list per person: an Arrow sort by (person, string), where
    strings are compared only between items of one person."""
    table = pa.table({"owner": owner, "value": strings})
    table = table.take(
        pc.sort_indices(table, sort_keys=[("owner", "ascending"), ("value", "ascending")])
    )
    own = table["owner"].to_numpy()
    text = table["value"].combine_chunks()
    new = np.ones(len(own), bool)
    new[1:] = (own[1:] != own[:-1]) | _differs(text)
    offsets = np.zeros(people + 1, np.int32)
    np.cumsum(np.bincount(own[new], minlength=people), out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), text.filter(pa.array(new)).cast(pa.string()))


def _bit_lists(masks: npt.NDArray[np.uint64], values: pa.Array) -> pa.ListArray:
    """One list per person of the sorted ``values`` whose bit is set in its mask."""
    counts = _popcount(masks)
    offsets = np.zeros(len(masks) + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    picked = np.empty(int(offsets[-1]), np.int64)
    for bit in range(len(values)):
        has = ((masks >> np.uint64(bit)) & np.uint64(1)).astype(bool)
        below = _popcount(masks[has] & np.uint64((1 << bit) - 1))
        picked[offsets[:-1][has] + below] = bit
    return pa.ListArray.from_arrays(
        pa.array(offsets.astype(np.int32)), values.take(pa.array(picked))
    )


_BITS = np.array([bin(i).count("1") for i in range(256)], np.int64)


def _popcount(masks: npt.NDArray[np.uint64]) -> Ints:
    """Set bits per mask, by byte table (``np.bitwise_count`` needs numpy 2)."""
    counts: Ints = _BITS[masks.view(np.uint8).reshape(-1, 8)].sum(axis=1)
    return counts
