"""Findings: mergeable, associative partial results of a scan.

Each worker scans batches and returns a :class:`PartialResult`; partial results merge by
adding counters and uniting finding tables, so the merge is associative and commutative and
any split of the work (batches, processes, cluster nodes) gives the same report. Order is made
canonical only when the findings are read (sorted by source, row, column, start, entity).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

FINDINGS_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("row", pa.int64(), nullable=False),
        pa.field("column", pa.string(), nullable=False),
        pa.field("entity", pa.string(), nullable=False),
        pa.field("start", pa.int32(), nullable=False),
        pa.field("end", pa.int32(), nullable=False),
        pa.field("score", pa.float32(), nullable=False),
        pa.field("masked", pa.string(), nullable=False),
        pa.field("value_hash", pa.string(), nullable=False),
        pa.field("detector", pa.string(), nullable=False),
    ]
)

#: The optional raw-value column, present only when the caller asked to keep values.
VALUE_FIELD = pa.field("value", pa.string())

SORT_KEYS = [
    ("source", "ascending"),
    ("row", "ascending"),
    ("column", "ascending"),
    ("start", "ascending"),
    ("entity", "ascending"),
    ("end", "ascending"),
    ("detector", "ascending"),
    ("value_hash", "ascending"),  # a total order: ties above only in artificial inputs
    ("masked", "ascending"),
]

ColumnKey = tuple[str, str]  # (source, column)


@dataclass
class PartialResult:
    """What scanning some batches found and covered. Merge with ``+`` or :meth:`merge`."""

    findings: list[pa.Table] = field(default_factory=list)
    #: (source, column) -> cells scanned (non-null values; list elements count one each)
    cells: Counter[ColumnKey] = field(default_factory=Counter)
    #: (source, column, reason) -> cells present but not scanned
    skipped: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    #: (source, column, entity) -> shape matches that failed validation
    near_misses: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    #: detector ident -> entity, for every detector that ran
    detectors: dict[str, str] = field(default_factory=dict)
    #: (source, column, kind) -> cells showing a decoding anomaly (e.g. "nul": NUL characters,
    #: the mark of text decoded with the wrong encoding); positive controls read it
    anomalies: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    #: notes about the scan itself (e.g. "NER off: no spaCy pipeline installed") -> batches
    notes: Counter[str] = field(default_factory=Counter)

    def merge(self, other: PartialResult) -> PartialResult:
        """A new result holding both; neither operand changes."""
        return PartialResult(
            findings=[*self.findings, *other.findings],
            cells=self.cells + other.cells,
            skipped=self.skipped + other.skipped,
            near_misses=self.near_misses + other.near_misses,
            detectors={**self.detectors, **other.detectors},
            notes=self.notes + other.notes,
            anomalies=self.anomalies + other.anomalies,
        )

    __add__ = merge

    def absorb(self, other: PartialResult) -> None:
        """In-place merge (the scanner's accumulator; avoids copying long lists)."""
        self.findings.extend(other.findings)
        self.cells.update(other.cells)
        self.skipped.update(other.skipped)
        self.near_misses.update(other.near_misses)
        self.detectors.update(other.detectors)
        self.notes.update(other.notes)
        self.anomalies.update(other.anomalies)

    def findings_table(self, *, with_values: bool = False) -> pa.Table:
        """All findings as one table in canonical order."""
        schema = FINDINGS_SCHEMA.append(VALUE_FIELD) if with_values else FINDINGS_SCHEMA
        live = [t for t in self.findings if t.num_rows]
        if with_values and any("value" not in t.column_names for t in live):
            raise ValueError("raw values were not kept: scan with reveal=True")
        tables = [t.select(schema.names) for t in live]
        if not tables:
            return schema.empty_table()
        table = pa.concat_tables([t.cast(schema) for t in tables])
        return table.take(pc.sort_indices(table, sort_keys=SORT_KEYS))

    def canonical(self) -> dict[str, Any]:
        """An order-independent, comparable form (tests of merge laws use it)."""
        t = self.findings_table()

        def counts(c: Counter[Any]) -> list[tuple[Any, int]]:
            return sorted((k, v) for k, v in c.items() if v)  # a zero count is no count

        return {
            "findings": t.to_pylist(),
            "cells": counts(self.cells),
            "skipped": counts(self.skipped),
            "near_misses": counts(self.near_misses),
            "detectors": sorted(self.detectors.items()),
            "notes": counts(self.notes),
            "anomalies": counts(self.anomalies),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PartialResult):
            return NotImplemented
        return self.canonical() == other.canonical()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        n = sum(t.num_rows for t in self.findings)
        return f"<PartialResult findings={n} columns={len(self.cells)}>"
