"""Presence and absence verdicts, each with the evidence that supports it.

``absent`` is a claim an incident team signs publicly, so it is only given when every record
of every source was read, every cell that could hold the entity was scanned, and a detector for
every entity of the claim actually ran. Anything short of that is ``inconclusive``, with the
reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """A verdict's status: found, proven absent, or neither (with reasons)."""

    PRESENT = "present"
    ABSENT = "absent"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class Coverage:
    """How much of the input a verdict rests on: sources, records and cells."""

    sources: int
    sources_failed: int
    records_read: int
    records_unreadable: int
    cells_scanned: int
    cells_skipped: int

    @property
    def complete(self) -> bool:
        return self.sources_failed == 0 and self.records_unreadable == 0 and self.cells_skipped == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "sources_failed": self.sources_failed,
            "records_read": self.records_read,
            "records_unreadable": self.records_unreadable,
            "cells_scanned": self.cells_scanned,
            "cells_skipped": self.cells_skipped,
            "complete": self.complete,
        }


@dataclass(frozen=True)
class Verdict:
    """Presence or absence of an entity or category, with the evidence behind it."""

    name: str
    entities: tuple[str, ...]
    status: Status
    occurrences: int
    reasons: tuple[str, ...]
    detectors: tuple[str, ...]
    coverage: Coverage
    near_misses: int
    counts: dict[str, int] = field(default_factory=dict)
    #: True when the scan was sampled (then ``absent`` is never given)
    sampled: bool = False
    #: With zero hits in a sample: exact 95% upper bound on the share of cells holding it
    prevalence_upper_bound: float | None = None
    #: Present only as partial data (truncated card numbers: not cardholder data under PCI DSS)
    partial: bool = False
    controls: tuple[Any, ...] = ()
    #: Distinct values (by keyed hash) per entity
    distinct: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "entities": list(self.entities),
            "status": self.status.value,
            "occurrences": self.occurrences,
            "counts": dict(sorted(self.counts.items())),
            "reasons": list(self.reasons),
            "detectors": list(self.detectors),
            "coverage": self.coverage.to_dict(),
            "near_misses": self.near_misses,
            "distinct": dict(sorted(self.distinct.items())),
            "sampled": self.sampled,
            "prevalence_upper_bound": self.prevalence_upper_bound,
            "partial": self.partial,
            "controls": [c.to_dict() for c in self.controls],
        }

    def explain(self) -> str:
        """The verdict in words, with every reason (for reports and assertion messages)."""
        head = f"{self.name}: {self.status.value}"
        if self.partial:
            head += " (partial data only)"
        return head + "".join(f"\n  - {r}" for r in self.reasons)
