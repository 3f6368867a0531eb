"""Affected people: how many distinct individuals a leak exposes, and what of each.

Records of one person are linked within and across sources by the keyed hashes of their
normalised email address, their E.164 phone number, and their name together with their postal
address (union-find over records). Raw values are never needed: the findings already carry
HMAC-SHA256 hashes keyed with the scan's key, so pass your own ``key=`` to ``scan()`` and the
hashes in the people table can drive a notification mailing from your own systems.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa

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
class Linkage:
    """The people table and how records were linked into it."""

    people: pa.Table
    records: int
    linked_by: dict[str, int]  # key kind -> records that shared that kind of key with another

    @property
    def count(self) -> int:
        return int(self.people.num_rows)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def link_people(findings: pa.Table) -> Linkage:
    """Group records into people. ``findings`` is ``Report.findings_table()``."""
    cols = findings.select(["source", "row", "entity", "value_hash"]).to_pydict()
    record_ids: dict[tuple[str, int], int] = {}
    entities: defaultdict[int, set[str]] = defaultdict(set)
    hashes: defaultdict[int, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for src, row, ent, h in zip(
        cols["source"], cols["row"], cols["entity"], cols["value_hash"], strict=True
    ):
        if ent not in PERSONAL:
            continue
        rid = record_ids.setdefault((src, row), len(record_ids))
        entities[rid].add(ent)
        hashes[rid][ent].add(h)
    keys: dict[str, defaultdict[str, list[int]]] = {
        "email": defaultdict(list),
        "phone": defaultdict(list),
        "name+address": defaultdict(list),
    }
    for rid, by_entity in hashes.items():
        for h in by_entity.get("EMAIL_ADDRESS", ()):
            keys["email"][h].append(rid)
        for h in by_entity.get("PHONE_NUMBER", ()):
            keys["phone"][h].append(rid)
        if by_entity.get("PERSON") and by_entity.get("POSTAL_ADDRESS"):
            keys["name+address"][_name_address_key(by_entity)].append(rid)
    uf = _UnionFind(len(record_ids))
    linked_by: dict[str, int] = {}
    for kind, groups in keys.items():
        n = 0
        for rids in groups.values():
            if len(rids) > 1:
                n += len(rids)
                for other in rids[1:]:
                    uf.union(rids[0], other)
        linked_by[kind] = n
    members: defaultdict[int, list[int]] = defaultdict(list)
    for rid in range(len(record_ids)):
        members[uf.find(rid)].append(rid)
    sources_of = {rid: key[0] for key, rid in record_ids.items()}
    rows = []
    for pid, root in enumerate(sorted(members)):
        rids = members[root]
        ents = set().union(*(entities[r] for r in rids))
        rows.append(
            {
                "person": pid,
                "records": len(rids),
                "sources": sorted({sources_of[r] for r in rids}),
                "categories": sorted({c for e in ents if (c := category_of(e))}),
                "entities": sorted(ents),
                "email_hashes": sorted(set().union(*(hashes[r]["EMAIL_ADDRESS"] for r in rids))),
                "phone_hashes": sorted(set().union(*(hashes[r]["PHONE_NUMBER"] for r in rids))),
                "name_address_hashes": sorted(
                    {
                        _name_address_key(hashes[r])
                        for r in rids
                        if hashes[r].get("PERSON") and hashes[r].get("POSTAL_ADDRESS")
                    }
                ),
            }
        )
    table = pa.Table.from_pylist(rows, schema=PEOPLE_SCHEMA)
    return Linkage(table, len(record_ids), linked_by)


def _name_address_key(by_entity: dict[str, set[str]]) -> str:
    """A key from the (already keyed) hashes of a record's name parts and address."""
    parts = [*sorted(by_entity["PERSON"]), "|", *sorted(by_entity["POSTAL_ADDRESS"])]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
