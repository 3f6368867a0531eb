"""The vectorised people linkage gives exactly what the per-finding union-find gave.

``_link_people_reference`` is the former implementation, kept verbatim as the oracle: the
same people in the same order, the same record and link counts, the same sorted lists, for
random findings tables whose hashes come from a tiny alphabet (so keys collide and chains of
links form) and for hand-written cases whose expected values are also spelled out.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure_scan.verdicts.categories import category_of
from exposure_scan.verdicts.people import PEOPLE_SCHEMA, PERSONAL, Linkage, link_people
from exposure_scan.verdicts.people_count import summarise_people

FINDINGS = pa.schema(
    [
        pa.field("source", pa.string()),
        pa.field("row", pa.int64()),
        pa.field("column", pa.string()),
        pa.field("entity", pa.string()),
        pa.field("value_hash", pa.string()),
    ]
)


def canonical(t: pa.Table) -> pa.Table:
    """Findings in (source, row) order, as ``Report.findings_table()`` gives them: the order
    in which the oracle numbered records (the vectorised version numbers them so always)."""
    if t.num_rows == 0:
        return t
    return t.sort_by([("source", "ascending"), ("row", "ascending")])


# --- the former implementation, the oracle ----------------------------------------------
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


def _link_people_reference(findings: pa.Table) -> Linkage:
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


# --- helpers -------------------------------------------------------------------------------
Finding = tuple[str, int, str, str]  # source, row, entity, value_hash


def table(findings: list[Finding]) -> pa.Table:
    src, row, ent, h = zip(*findings, strict=True) if findings else ((), (), (), ())
    cols = [list(src), list(row), ["col"] * len(findings), list(ent), list(h)]
    return pa.Table.from_arrays(
        [pa.array(c, f.type) for c, f in zip(cols, FINDINGS, strict=True)], schema=FINDINGS
    )


def assert_same(got: Linkage, want: Linkage) -> None:
    assert got.people.schema == PEOPLE_SCHEMA
    assert got.people.to_pylist() == want.people.to_pylist()
    assert got.people.equals(want.people)
    assert got.records == want.records
    assert list(got.linked_by.items()) == list(want.linked_by.items())
    assert got.count == want.count


def pieces(t: pa.Table, cuts: list[int]) -> Iterator[pa.RecordBatch | pa.Table]:
    """``t`` cut at ``cuts`` into alternating record batches and tables (some empty)."""
    bounds = [0, *sorted(min(c, t.num_rows) for c in cuts), t.num_rows]
    for i, (a, b) in enumerate(itertools.pairwise(bounds)):
        part = t.slice(a, b - a)
        yield part if i % 2 else pa.RecordBatch.from_pylist(part.to_pylist(), schema=t.schema)


# --- property: identical to the reference ---------------------------------------------------
LINKING = ["EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "POSTAL_ADDRESS"]
OTHER_PERSONAL = ["DATE_OF_BIRTH", "US_SSN", "IBAN_CODE", "USERNAME", "IP_ADDRESS", "VIN"]
NOT_PERSONAL = ["LOCATION", "SWIFT_CODE", "CARD_EXPIRY", "URL"]
HASHES = ["a", "b", "c", "d", "", "é", "|", "a\x1fb", "0f" * 16, "ff" * 16]

finding = st.tuples(
    st.sampled_from(["s1.csv", "s2.csv", "dir/é.csv", "zz"]),
    st.one_of(st.integers(0, 6), st.sampled_from([-1, -(2**63), 2**63 - 1])),
    st.one_of(
        st.sampled_from(LINKING), st.sampled_from(OTHER_PERSONAL), st.sampled_from(NOT_PERSONAL)
    ),
    st.sampled_from(HASHES),
)
# Rows from a small range only: the packed (source, row) key, rather than the two-key sort.
packed_finding = st.tuples(
    st.sampled_from(["s1.csv", "s2.csv"]),
    st.integers(0, 8),
    st.sampled_from([*LINKING, "USERNAME", "LOCATION"]),
    st.sampled_from(HASHES[:4]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    findings=st.lists(st.one_of(finding, packed_finding), max_size=60),
    cuts=st.lists(st.integers(0, 60), max_size=4),
)
def test_identical_to_reference(findings: list[Finding], cuts: list[int]) -> None:
    t = table(findings)
    want = _link_people_reference(canonical(t))
    assert_same(link_people(t), want)
    assert_same(link_people(pieces(t, cuts)), want)
    # Order-free: findings read back from spill files or from two workers come in any order.
    backwards = t.take(pa.array(list(range(t.num_rows))[::-1], pa.int64()))
    assert_same(link_people(backwards), want)


@settings(max_examples=150, deadline=None)
@given(findings=st.lists(packed_finding, min_size=1, max_size=200))
def test_identical_to_reference_dense(findings: list[Finding]) -> None:
    """Many findings over few records and hashes: long chains and big components."""
    t = table(findings)
    assert_same(link_people(t), _link_people_reference(canonical(t)))


# --- hand-written cases ---------------------------------------------------------------------
E, P, N, A = "EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "POSTAL_ADDRESS"


def na_key(names: list[str], addresses: list[str]) -> str:
    return _name_address_key({"PERSON": set(names), "POSTAL_ADDRESS": set(addresses)})


CASES: dict[str, tuple[list[Finding], dict[str, Any]]] = {
    "empty": ([], {"people": [], "records": 0, "linked_by": [0, 0, 0]}),
    "no personal entities": (
        [("s", 0, "LOCATION", "x"), ("s", 1, "SWIFT_CODE", "y")],
        {"people": [], "records": 0, "linked_by": [0, 0, 0]},
    ),
    "chain A-email-B-phone-C": (
        [
            ("s", 0, E, "e1"),
            ("s", 1, E, "e1"),
            ("s", 1, P, "p1"),
            ("s", 2, P, "p1"),
            ("s", 3, E, "e2"),
        ],
        {
            "people": [(3, ["s"], ["e1"], ["p1"]), (1, ["s"], ["e2"], [])],
            "records": 4,
            "linked_by": [2, 2, 0],
        },
    ),
    "chain built from its far end": (
        [
            ("s", 0, E, "e9"),
            ("s", 1, P, "p2"),
            ("s", 2, P, "p1"),
            ("s", 3, E, "e1"),
            ("s", 3, P, "p1"),
            ("s", 4, E, "e1"),
            ("s", 4, P, "p2"),
        ],
        {
            "people": [(1, ["s"], ["e9"], []), (4, ["s"], ["e1"], ["p1", "p2"])],
            "records": 5,
            "linked_by": [2, 4, 0],
        },
    ),
    "name+address needs both a name and an address": (
        [
            ("s", 0, N, "ann"),
            ("s", 0, A, "road"),
            ("s", 1, N, "ann"),  # a name alone links nothing
            ("s", 2, A, "road"),  # an address alone links nothing
            ("s", 3, N, "ann"),
            ("s", 3, A, "road"),
            ("s", 4, N, "ann"),
            ("s", 4, A, "lane"),  # same name, other address: someone else
        ],
        {
            "people": [
                (2, ["s"], [], []),
                (1, ["s"], [], []),
                (1, ["s"], [], []),
                (1, ["s"], [], []),
            ],
            "records": 5,
            "linked_by": [0, 0, 2],
            "name_address": [
                [na_key(["ann"], ["road"])],
                [],
                [],
                [na_key(["ann"], ["lane"])],
            ],
        },
    ),
    "name+address keys use every name part, sorted": (
        [
            ("s", 0, N, "smith"),
            ("s", 0, N, "ann"),
            ("s", 0, A, "road"),
            ("t", 7, A, "road"),
            ("t", 7, N, "ann"),
            ("t", 7, N, "smith"),
            ("t", 7, N, "ann"),
            ("u", 0, N, "ann"),
            ("u", 0, A, "road"),
        ],
        {
            "people": [(2, ["s", "t"], [], []), (1, ["u"], [], [])],
            "records": 3,
            "linked_by": [0, 0, 2],
            "name_address": [[na_key(["ann", "smith"], ["road"])], [na_key(["ann"], ["road"])]],
        },
    ),
    "cross-source links": (
        [
            ("crm.csv", 5, E, "e1"),
            ("shop.parquet", 5, P, "p1"),
            ("mail.log", 0, E, "e1"),
            ("mail.log", 0, P, "p1"),
            ("crm.csv", 6, "DATE_OF_BIRTH", "d"),
        ],
        {
            "people": [
                (3, ["crm.csv", "mail.log", "shop.parquet"], ["e1"], ["p1"]),
                (1, ["crm.csv"], [], []),
            ],
            "records": 4,
            "linked_by": [2, 2, 0],
        },
    ),
    "one hash under two entities is two keys": (
        [("s", 0, E, "h"), ("s", 1, P, "h"), ("s", 2, "USERNAME", "h")],
        {
            "people": [(1, ["s"], ["h"], []), (1, ["s"], [], ["h"]), (1, ["s"], [], [])],
            "records": 3,
            "linked_by": [0, 0, 0],
        },
    ),
    "a record's repeated hash counts once": (
        [("s", 0, E, "h"), ("s", 0, E, "h"), ("s", 1, E, "h"), ("s", 1, E, "g")],
        {"people": [(2, ["s"], ["g", "h"], [])], "records": 2, "linked_by": [2, 0, 0]},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hand_written(name: str) -> None:
    findings, expected = CASES[name]
    t = table(findings)
    got = link_people(t)
    assert_same(got, _link_people_reference(canonical(t)))
    assert got.records == expected["records"]
    assert list(got.linked_by) == ["email", "phone", "name+address"]
    assert list(got.linked_by.values()) == expected["linked_by"]
    rows = got.people.to_pylist()
    assert [r["person"] for r in rows] == list(range(len(rows)))
    assert [(r["records"], r["sources"], r["email_hashes"], r["phone_hashes"]) for r in rows] == [
        (n, s, list(e), list(p)) for n, s, e, p in expected["people"]
    ]
    if "name_address" in expected:
        assert [r["name_address_hashes"] for r in rows] == expected["name_address"]


def test_lists_are_sorted_and_categorised() -> None:
    t = table(
        [
            ("b", 0, "US_SSN", "x"),
            ("a", 0, E, "z"),
            ("a", 0, E, "y"),
            ("a", 1, E, "z"),
            ("a", 1, "IBAN_CODE", "i"),
            ("b", 0, E, "y"),
            ("b", 0, "LOCATION", "l"),
        ]
    )
    (row,) = link_people(t).people.to_pylist()
    assert row == {
        "person": 0,
        "records": 3,
        "sources": ["a", "b"],
        "categories": ["contact", "identity", "payment"],
        "entities": ["EMAIL_ADDRESS", "IBAN_CODE", "US_SSN"],
        "email_hashes": ["y", "z"],
        "phone_hashes": [],
        "name_address_hashes": [],
    }


def test_streams_batches_of_other_types_lazily() -> None:
    """Dictionary sources, int32 rows, large strings, extra columns: all read the same; a
    generator is consumed once, chunk by chunk."""
    t = table([("s", 0, E, "e"), ("s", 1, E, "e"), ("t", 2, P, "p"), ("s", 3, "LOCATION", "l")])
    odd = pa.table(
        {
            "score": pa.array([0.5] * 4, pa.float32()),
            "source": t["source"].dictionary_encode(),
            "row": t["row"].cast(pa.int32()),
            "entity": t["entity"].cast(pa.large_string()),
            "value_hash": t["value_hash"].cast(pa.large_string()),
        }
    )
    seen: list[int] = []

    def batches() -> Iterator[pa.RecordBatch]:
        for b in odd.to_batches(max_chunksize=1):
            seen.append(b.num_rows)
            yield b

    assert_same(link_people(batches()), _link_people_reference(canonical(t)))
    assert seen == [1, 1, 1, 1]
    assert_same(link_people(odd.to_batches()[0]), _link_people_reference(canonical(t)))


def test_a_real_scan(tmp_path: Path) -> None:
    """A scanned customer table: people linked across two files by email and phone."""
    import exposure_scan

    rows = [
        "first_name,last_name,email,phone,street",
        "Ann,Smith,ann@example.com,+44 20 7946 0018,1 High Street",
        "Bob,Jones,bob@example.com,+44 20 7946 0019,2 Low Road",
    ]
    (tmp_path / "a.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    other = ["name,mail", "Ann Smith,ann@example.com", "Cy Young,cy@example.com"]
    (tmp_path / "b.csv").write_text("\n".join(other) + "\n", encoding="utf-8")
    findings = exposure_scan.scan(tmp_path, ner="off").findings_table()
    got = link_people(findings)
    assert_same(got, _link_people_reference(canonical(findings)))
    assert got.linked_by["email"] == 2


@settings(max_examples=150, deadline=None)
@given(
    people=st.lists(
        st.lists(st.sampled_from(sorted(PERSONAL)), max_size=5, unique=True).map(sorted),
        max_size=30,
    ),
    cut=st.integers(0, 30),
)
def test_entity_sets_count_people_as_the_lists_do(people: list[list[str]], cut: int) -> None:
    """Distinct entity sets with their people, and people with any of some entities, equal
    the per-person Python count; over a table in two chunks and sliced lists too."""
    from collections import Counter

    rows = [
        {"person": i, "records": 1, "sources": ["s"], "categories": [], "entities": e}
        for i, e in enumerate(people)
    ]
    rows = [{**r, "email_hashes": [], "phone_hashes": [], "name_address_hashes": []} for r in rows]
    table = pa.Table.from_pylist(rows, PEOPLE_SCHEMA)
    cut = min(cut, table.num_rows)
    chunked = pa.concat_tables([table.slice(0, cut), table.slice(cut)])
    link = Linkage(chunked, len(people), {})
    expected = Counter(frozenset(e) for e in people)
    assert link.entity_sets() == dict(expected)
    some = {"EMAIL_ADDRESS", "PERSON"}
    assert link.people_with_any(some) == sum(1 for e in people if some & set(e))
    sliced = Linkage(table.slice(cut), len(people) - cut, {})
    assert sliced.entity_sets() == dict(Counter(frozenset(e) for e in people[cut:]))


# --- the people summary in bounded memory ------------------------------------------------------
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    findings=st.lists(st.one_of(finding, packed_finding), max_size=80),
    cuts=st.lists(st.integers(0, 80), max_size=5),
    memory=st.sampled_from([0, 30, 1 << 20]),
)
def test_streamed_summary_equals_the_linkage(
    findings: list[Finding], cuts: list[int], memory: int
) -> None:
    """Canonical findings in chunks cut anywhere (a record split between chunks), keys kept
    in memory or written to disk after every chunk: the count, records, links and entity
    sets of the full linkage."""
    t = canonical(table(findings))
    want = link_people(t).summary()
    bounds = [0, *sorted(min(c, t.num_rows) for c in cuts), t.num_rows]
    chunks = [t.slice(a, b - a) for a, b in itertools.pairwise(bounds)]
    got = summarise_people(chunks, memory=memory)
    assert got == want
    assert got.people_with_any(["EMAIL_ADDRESS"]) == link_people(t).people_with_any(
        ["EMAIL_ADDRESS"]
    )


def test_streamed_summary_spills_keys_to_a_private_directory_and_removes_it(
    tmp_path: Path,
) -> None:
    findings = [("s", i, "EMAIL_ADDRESS", HASHES[i % 3]) for i in range(40)]
    t = canonical(table(findings))
    got = summarise_people(
        [t.slice(i, 7) for i in range(0, 40, 7)], directory=str(tmp_path), memory=0
    )
    assert got == link_people(t).summary()
    assert got.count == 3 and got.records == 40
    assert list(tmp_path.iterdir()) == []  # the key files are gone


def test_keyed_hashes_decode_to_their_bits_and_other_strings_do_not_collide() -> None:
    from exposure_scan.verdicts.people_count import _hash_words

    hexes = ["00" * 16, "ff" * 16, "0123456789abcdef" * 2]
    words = _hash_words(pa.array([*hexes, "x", "00" * 15, "FF" * 16], pa.string()))
    assert [bytes(w.tobytes()).hex() for w in words[:3]] == hexes
    assert len({w.tobytes() for w in words}) == 6  # upper case and short: hashed, distinct
