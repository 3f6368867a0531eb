"""The reference index and the tally of leaked records against it.

Memory: the reference is held as, per key, one 32-byte digest per record plus a dict from
digest to record number (about 150 bytes per key and record in CPython: 10 million records with
four keys take some 6 GB), and one creation day per record. The leak is streamed; only its
per-key digests (for duplicate counts) and one 16-byte digest per record are kept.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Sequence
from itertools import combinations, permutations

from .hashing import HashedBatch

__all__ = ["NO_DAY", "LeakTally", "ReferenceIndex"]

NO_DAY = -(2**31)
#: Reference records checked per matched digest for field consistency (a shared family
#: e-mail or a common name may sit on thousands of records; a handful decide).
MAX_ROWS_CHECKED = 64


class ReferenceIndex:
    """Digests of the reference, by key and by record number."""

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = tuple(keys)
        self.rows = 0
        self.hashes: dict[str, list[bytes | None]] = {k: [] for k in self.keys}
        self._first: dict[str, dict[bytes, int]] = {k: {} for k in self.keys}
        self._more: dict[str, dict[bytes, list[int]]] = {k: {} for k in self.keys}
        self.days = array("i")
        self.with_key: Counter[str] = Counter()
        self.unusable: Counter[str] = Counter()

    def add(self, batch: HashedBatch) -> None:
        base = self.rows
        for k in self.keys:
            column = batch.hashes[k]
            self.hashes[k].extend(column)
            first, more = self._first[k], self._more[k]
            for offset, h in enumerate(column):
                if h is None:
                    continue
                self.with_key[k] += 1
                row = first.setdefault(h, base + offset)
                if row != base + offset:
                    more.setdefault(h, []).append(base + offset)
            self.unusable[k] += batch.unusable[k]
        self.days.extend(NO_DAY if d is None else d for d in batch.days)
        self.rows += batch.rows

    def rows_of(self, key: str, h: bytes) -> list[int]:
        """Reference records holding digest ``h`` for ``key`` (empty: no match)."""
        row = self._first[key].get(h)
        if row is None:
            return []
        return [row, *self._more[key].get(h, ())]

    def distinct(self, key: str) -> int:
        return len(self._first[key])


class LeakTally:
    """Everything the report needs about the leak, accumulated batch by batch."""

    def __init__(self, index: ReferenceIndex, keys: Sequence[str]) -> None:
        self.index = index
        self.keys = tuple(keys)
        self.records = 0
        self.comparable = 0  # records with at least one usable identifier
        self.with_key: Counter[str] = Counter()
        self.matched: Counter[str] = Counter()
        self.unusable: Counter[str] = Counter()
        self.keys_matched: Counter[int] = Counter()  # number of keys matched -> records
        self.same_record = 0  # matched on >= 2 keys, all pointing at one reference record
        self.checked: Counter[tuple[str, str]] = Counter()
        self.agree: Counter[tuple[str, str]] = Counter()
        self.duplicates = 0
        self.key_duplicates: Counter[str] = Counter()
        self._seen: set[bytes] = set()
        self._seen_key: dict[str, set[bytes]] = {k: set() for k in self.keys}
        self.matched_rows = bytearray(index.rows)  # reference records identified in the leak
        self.ambiguous = 0  # leaked records matching several reference records equally well

    def add(self, batch: HashedBatch) -> None:
        columns = [batch.hashes[k] for k in self.keys]
        for k in self.keys:
            self.unusable[k] += batch.unusable[k]
        for row in zip(*columns, strict=True):
            self.records += 1
            self._record(dict(zip(self.keys, row, strict=True)))

    def _record(self, hashes: dict[str, bytes | None]) -> None:
        present = {k: h for k, h in hashes.items() if h is not None}
        if not present:
            return
        self.comparable += 1
        identity = hashlib.blake2b(
            b"".join(hashes[k] or b"-" for k in self.keys), digest_size=16
        ).digest()
        if identity in self._seen:
            self.duplicates += 1
        else:
            self._seen.add(identity)
        hits: dict[str, list[int]] = {}
        for k, h in present.items():
            self.with_key[k] += 1
            seen = self._seen_key[k]
            if h in seen:
                self.key_duplicates[k] += 1
            else:
                seen.add(h)
            rows = self.index.rows_of(k, h)
            if rows:
                self.matched[k] += 1
                hits[k] = rows[:MAX_ROWS_CHECKED]
        self.keys_matched[len(hits)] += 1
        if hits:
            self._identify(hits)
        if len(hits) >= 2:
            shared = set(next(iter(hits.values())))
            for rows in hits.values():
                shared &= set(rows)
            self.same_record += bool(shared)
        for a, b in permutations(present, 2):
            if a in hits:
                self._consistency(a, b, hits[a], present[b])

    def _identify(self, hits: dict[str, list[int]]) -> None:
        """Mark the reference record this leaked record is: the one record agreeing on the
        most keys; a tie (a common name on two records, nothing else matched) is ambiguous."""
        votes = Counter(r for rows in hits.values() for r in set(rows))
        ranked = votes.most_common(2)
        if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
            self.ambiguous += 1
        else:
            self.matched_rows[ranked[0][0]] = 1

    def _consistency(self, a: str, b: str, rows: list[int], leaked_b: bytes) -> None:
        """Does the leaked ``b`` agree with ``b`` of the reference record(s) ``a`` matched?"""
        column = self.index.hashes[b]
        known = {column[r] for r in rows[:MAX_ROWS_CHECKED]} - {None}
        if not known:
            return  # the reference record has no ``b``: nothing to check
        self.checked[a, b] += 1
        self.agree[a, b] += leaked_b in known

    def pairs(self) -> list[tuple[str, str]]:
        """The (matched key, checked key) pairs in a stable order."""
        ordered = [p for a, b in combinations(self.keys, 2) for p in ((a, b), (b, a))]
        return [p for p in ordered if self.checked[p]]
