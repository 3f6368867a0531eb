"""The Report: everything a scan established, as Python objects, and its JSON form.

A report never holds raw personal data unless the scan was run with ``reveal=True``; its
``repr``, ``summary()`` and JSON show masked values and keyed hashes only.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ._version import __version__
from .engine import ScanOutcome
from .findings import FINDINGS_SCHEMA, PartialResult
from .sources.base import SourceAccount
from .verdicts.categories import CATEGORIES, resolve
from .verdicts.status import Coverage, Status, Verdict

SCHEMA_VERSION = "1.0"


class Report:
    """What was read, what was found, and the verdicts drawn from it."""

    def __init__(
        self,
        *,
        sources: list[SourceAccount],
        partial: PartialResult,
        detectors: dict[str, str],
        meta: dict[str, Any],
        revealed: bool = False,
        roles: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        self.sources = sources
        self._partial = partial
        self.detectors = dict(sorted(detectors.items()))
        self.meta = meta
        self._revealed = revealed
        #: "source\x1fcolumn" -> role of the column (kind, entity, header hint, evidence)
        self.roles = dict(sorted((roles or {}).items()))
        self._findings: pa.Table | None = None

    @classmethod
    def from_outcome(cls, outcome: ScanOutcome, *, revealed: bool) -> Report:
        meta = {
            "tool": "exposure_scan",
            "version": __version__,
            "started": outcome.started,
            "finished": outcome.finished,
            "workers": outcome.workers,
        }
        return cls(
            sources=outcome.accounts,
            partial=outcome.partial,
            detectors=dict(outcome.partial.detectors),
            meta=meta,
            revealed=revealed,
            roles={f"{src}\x1f{col}": r.to_dict() for (src, col), r in outcome.roles.items()},
        )

    @property
    def notes(self) -> list[str]:
        """Notes about the scan itself, e.g. that NER was off and why."""
        return sorted(self._partial.notes)

    # -- findings --------------------------------------------------------------------------
    def findings_table(self, *, reveal: bool = False) -> pa.Table:
        """One row per finding, in canonical order (source, row, column, start).

        ``reveal=True`` adds the raw ``value`` column; it needs a scan run with ``reveal=True``.
        """
        if reveal:
            if not self._revealed:
                raise ValueError("raw values were not kept: scan with reveal=True")
            return self._partial.findings_table(with_values=True)
        if self._findings is None:
            self._findings = self._partial.findings_table()
        return self._findings

    def counts(self) -> dict[str, int]:
        """Occurrences per entity."""
        t = self.findings_table()
        if t.num_rows == 0:
            return {}
        vc = pc.value_counts(t.column("entity"))
        return dict(sorted((v["values"].as_py(), v["counts"].as_py()) for v in vc))

    def distinct_values(self) -> dict[str, int]:
        """Distinct values (by keyed hash) per entity."""
        t = self.findings_table()
        out: dict[str, int] = {}
        if t.num_rows:
            g = t.group_by("entity").aggregate([("value_hash", "count_distinct")])
            for row in g.to_pylist():
                out[row["entity"]] = row["value_hash_count_distinct"]
        return dict(sorted(out.items()))

    # -- coverage and verdicts -------------------------------------------------------------
    def coverage(self) -> Coverage:
        return Coverage(
            sources=len(self.sources),
            sources_failed=sum(1 for s in self.sources if s.error),
            records_read=sum(s.records_read for s in self.sources),
            records_unreadable=sum(s.records_unreadable for s in self.sources),
            cells_scanned=sum(self._partial.cells.values()),
            cells_skipped=sum(self._partial.skipped.values()),
        )

    def verdict(self, name: str) -> Verdict:
        """Presence/absence of an entity (``"CREDIT_CARD"``) or a category (``"payment"``)."""
        entities = resolve(name)
        counts = {e: c for e, c in self.counts().items() if e in entities}
        occurrences = sum(counts.values())
        ran = sorted(d for d, e in self.detectors.items() if e in entities)
        cov = self.coverage()
        near = sum(n for (_s, _c, e), n in self._partial.near_misses.items() if e in entities)
        reasons: list[str] = []
        if occurrences:
            status = Status.PRESENT
            reasons.append(f"{occurrences} occurrence(s) found")
        else:
            covered = {e for e in self.detectors.values()}
            missing = sorted(entities - covered)
            if missing:
                reasons.append("no detector ran for " + ", ".join(missing))
            if cov.sources_failed:
                failed = [s.source for s in self.sources if s.error]
                reasons.append(f"{len(failed)} source(s) could not be read: " + ", ".join(failed))
            if cov.records_unreadable:
                reasons.append(f"{cov.records_unreadable} record(s) unreadable")
            if cov.cells_skipped:
                reasons.append(f"{cov.cells_skipped} cell(s) not scannable")
            if cov.sources == 0 or cov.records_read == 0:
                reasons.append("nothing was read")
            status = Status.INCONCLUSIVE if reasons else Status.ABSENT
            if status is Status.ABSENT:
                reasons.append(
                    f"exhaustive scan: {cov.records_read} record(s), {cov.cells_scanned} cell(s)"
                )
        return Verdict(
            name=name,
            entities=tuple(sorted(entities)),
            status=status,
            occurrences=occurrences,
            reasons=tuple(reasons),
            detectors=tuple(ran),
            coverage=cov,
            near_misses=near,
            counts=counts,
        )

    def status(self, name: str) -> Status:
        """``present``, ``absent`` or ``inconclusive`` for an entity or a category."""
        return self.verdict(name).status

    def verdicts(self) -> dict[str, Verdict]:
        """A verdict per built-in category."""
        return {c: self.verdict(c) for c in CATEGORIES}

    # -- serialisation ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        findings = self.findings_table()
        return {
            "schema_version": SCHEMA_VERSION,
            "meta": dict(self.meta),
            "detectors": dict(self.detectors),
            "sources": [s.to_dict() for s in self.sources],
            "coverage": self.coverage().to_dict(),
            "notes": sorted(self._partial.notes),
            "columns": [
                {
                    "source": s,
                    "column": c,
                    "cells_scanned": n,
                    "role": self.roles.get(f"{s}\x1f{c}"),
                }
                for (s, c), n in sorted(self._partial.cells.items())
            ],
            "skipped": [
                {"source": s, "column": c, "reason": r, "cells": n}
                for (s, c, r), n in sorted(self._partial.skipped.items())
            ],
            "near_misses": [
                {"source": s, "column": c, "entity": e, "count": n}
                for (s, c, e), n in sorted(self._partial.near_misses.items())
            ],
            "counts": self.counts(),
            "verdicts": {k: v.to_dict() for k, v in self.verdicts().items()},
            "findings": findings.to_pylist(),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, sort_keys=False)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        major = str(d.get("schema_version", "")).split(".")[0]
        if major != SCHEMA_VERSION.split(".")[0]:
            raise ValueError(f"unsupported report schema_version {d.get('schema_version')!r}")
        findings = pa.Table.from_pylist(d["findings"], schema=FINDINGS_SCHEMA)
        partial = PartialResult(
            findings=[findings],
            cells=Counter({(c["source"], c["column"]): c["cells_scanned"] for c in d["columns"]}),
            skipped=Counter(
                {(c["source"], c["column"], c["reason"]): c["cells"] for c in d["skipped"]}
            ),
            near_misses=Counter(
                {(c["source"], c["column"], c["entity"]): c["count"] for c in d["near_misses"]}
            ),
            detectors=dict(d["detectors"]),
            notes=Counter({n: 1 for n in d.get("notes", [])}),
        )
        return cls(
            sources=[SourceAccount.from_dict(s) for s in d["sources"]],
            partial=partial,
            detectors=d["detectors"],
            meta=d["meta"],
            roles={
                f"{c['source']}\x1f{c['column']}": c["role"] for c in d["columns"] if c.get("role")
            },
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        return cls.from_dict(json.loads(text))

    # -- display ---------------------------------------------------------------------------
    def summary(self) -> str:
        from .render.text import render_text

        return render_text(self)

    def __repr__(self) -> str:
        cov = self.coverage()
        return (
            f"<Report sources={cov.sources} records={cov.records_read} "
            f"findings={self.findings_table().num_rows}>"
        )
