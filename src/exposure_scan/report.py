"""The Report: everything a scan established, as Python objects, and its JSON form.

A report never holds raw personal data unless the scan was run with ``reveal=True``; its
``repr``, ``summary()`` and JSON show masked values and keyed hashes only.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, TextIO

import pyarrow as pa
import pyarrow.compute as pc

from ._version import __version__
from .errors import ConfigurationError
from .findings import FINDINGS_SCHEMA, SORT_KEYS, PartialResult, distinct_per_entity
from .masking import key_fingerprint
from .options import ScanOptions
from .sources.base import SourceAccount
from .verdicts.categories import CATEGORIES, resolve
from .verdicts.controls import ControlResult
from .verdicts.people import Linkage, PeopleSummary, link_people
from .verdicts.severity import DEFAULT_DATA_TYPES, Circumstances, Context, Severity, assess
from .verdicts.stats import prevalence_upper_bound
from .verdicts.status import Coverage, Status, Verdict

if TYPE_CHECKING:
    from .engine import ScanOutcome

SCHEMA_VERSION = "1.0"


#: Findings encoded to JSON text at a time (~6 MB of text and a few times that in Arrow
#: intermediates): the peak of :meth:`Report.write_json` beyond one batch's findings.
JSON_CHUNK = 1 << 14


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
        controls: list[ControlResult] | None = None,
        sampling: dict[str, Any] | None = None,
        categories: dict[str, frozenset[str]] | None = None,
        must_be_absent: tuple[str, ...] = (),
        context: Context | None = None,
        circumstances: Circumstances | None = None,
    ) -> None:
        self.sources = sources
        self._partial = partial
        self.detectors = dict(sorted(detectors.items()))
        self.meta = meta
        self._revealed = revealed
        #: "source\x1fcolumn" -> role of the column (kind, entity, header hint, evidence)
        self.roles = dict(sorted((roles or {}).items()))
        #: Positive controls, one per (source, entity)
        self.controls = sorted(controls or [], key=lambda c: (c.source, c.entity))
        #: None for an exhaustive scan
        self.sampling = sampling
        #: Caller-defined categories, on top of the built-in ones
        self.categories = dict(categories or {})
        self.must_be_absent = tuple(must_be_absent)
        self.context = context or Context()
        self.circumstances = circumstances or Circumstances()
        self._findings: pa.Table | None = None
        self._linkage: Linkage | None = None
        self._people: PeopleSummary | None = None
        self._counts: dict[str, int] | None = None
        self._distinct: dict[str, int] | None = None

    @classmethod
    def from_outcome(cls, outcome: ScanOutcome, options: ScanOptions) -> Report:
        meta = {
            "tool": "exposure_scan",
            "version": __version__,
            "started": outcome.started,
            "finished": outcome.finished,
            "workers": outcome.workers,
            "key_fingerprint": key_fingerprint(outcome.key),
            "key_supplied": options.key is not None,
            "detection_scopes": dict(outcome.scopes),
        }
        return cls(
            sources=outcome.accounts,
            partial=outcome.partial,
            detectors=dict(outcome.partial.detectors),
            meta=meta,
            revealed=options.reveal,
            roles={f"{src}\x1f{col}": r.to_dict() for (src, col), r in outcome.roles.items()},
            controls=outcome.controls,
            sampling=outcome.sampling,
            categories={k: frozenset(v) for k, v in (options.categories or {}).items()},
            must_be_absent=tuple(options.must_be_absent),
            context=options.context,
            circumstances=options.circumstances,
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

    def findings_batches(
        self, columns: list[str] | None = None, *, canonical: bool = False
    ) -> Iterator[pa.Table]:
        """The findings a chunk at a time, for leaks whose findings do not fit in memory
        (they are spilled to disk during the scan, see ``findings_memory``). ``columns``
        defaults to all.

        In storage order, memory bounded by a chunk; with ``canonical=True`` in the order of
        :meth:`findings_table`, memory bounded by one batch's findings (each scanned batch's
        findings are sorted on their own)."""
        if canonical:
            return self._partial.iter_canonical(columns)
        return self._partial.iter_findings(columns)

    def finding_count(self) -> int:
        return self._partial.finding_count()

    def group_counts(self, keys: list[str]) -> dict[tuple[Any, ...], int]:
        """Findings per distinct combination of ``keys`` (e.g. ``["source", "entity"]``),
        aggregated chunk by chunk."""
        out: Counter[tuple[Any, ...]] = Counter()
        for t in self._partial.iter_findings(keys):
            g = t.group_by(keys).aggregate([([], "count_all")])
            names = [*keys, "count_all"]
            for row in zip(*(g.column(n).to_pylist() for n in names), strict=True):
                out[tuple(row[:-1])] += row[-1]
        return dict(sorted(out.items()))

    def counts(self) -> dict[str, int]:
        """Occurrences per entity."""
        if self._counts is None:
            self._counts = {k[0]: n for k, n in self.group_counts(["entity"]).items()}
        return dict(self._counts)

    def distinct_values(self) -> dict[str, int]:
        """Distinct values (by keyed hash) per entity.

        Exact, in bounded memory: when the findings are many, the hashes are counted in
        several passes, each over one range of hash prefixes (keyed hashes are uniform, so
        each pass holds about the same share)."""
        if self._distinct is None:
            self._distinct = distinct_per_entity(self._partial, self.finding_count())
        return dict(self._distinct)

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
        """Presence/absence of an entity (``"CREDIT_CARD"``) or a category (``"payment"``).

        ``absent`` needs an exhaustive scan, every record and cell read, a detector for every
        entity of the claim, and passed positive controls in every source; otherwise the
        verdict is ``inconclusive`` and says why.
        """
        entities = resolve(name, self.categories)
        all_counts = self.counts()
        counts = {e: c for e, c in all_counts.items() if e in entities}
        distinct = {e: c for e, c in self.distinct_values().items() if e in entities}
        occurrences = sum(counts.values())
        ran = sorted(d for d, e in self.detectors.items() if e in entities)
        cov = self.coverage()
        near = sum(n for (_s, _c, e), n in self._partial.near_misses.items() if e in entities)
        controls = tuple(c for c in self.controls if c.entity in entities)
        sampled = self.sampling is not None
        reasons: list[str] = []
        bound = None
        partial = False
        if occurrences:
            status = Status.PRESENT
            found = ", ".join(f"{e} {c}" for e, c in sorted(counts.items()))
            reasons.append(f"{occurrences} occurrence(s) found: {found}")
            if set(counts) == {"MASKED_CARD"}:
                partial = True
                reasons.append(
                    "only truncated/masked card numbers: partial card data, not cardholder "
                    "data under PCI DSS"
                )
        else:
            covered = set(self.detectors.values())
            missing = sorted(entities - covered)
            if sampled:
                bound = prevalence_upper_bound(cov.cells_scanned) if cov.cells_scanned else 1.0
                assert self.sampling is not None
                seen = sum(self.sampling["records_seen"].values())
                kept = sum(self.sampling["records_scanned"].values())
                estimate = round(cov.cells_scanned * seen / kept) if kept else 0
                reasons.append(
                    f"sampled scan: 0 hits in {cov.cells_scanned} cell(s); 95% upper bound on "
                    f"prevalence {bound:.3g}; an exhaustive scan would read about {estimate} "
                    "cell(s)"
                )
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
            for c in controls:
                if not c.passed and c.entity not in missing:
                    reasons.append(
                        f"positive control failed in {c.source} for {c.entity}: {c.reason}"
                    )
            status = Status.INCONCLUSIVE if reasons else Status.ABSENT
            if status is Status.ABSENT:
                passed = len({c.source for c in controls})
                reasons.append(
                    f"exhaustive scan: {cov.records_read} record(s), {cov.cells_scanned} cell(s) "
                    f"in {cov.sources} source(s); positive controls passed in {passed} source(s)"
                )
                if near:
                    reasons.append(f"{near} near miss(es): shape matched, validation failed")
                scopes = self.meta.get("detection_scopes", {})
                limited = sorted(e for e in entities if scopes.get(e, "anywhere") != "anywhere")
                if limited:
                    reasons.append(
                        "looked for only in columns whose header or values announce them: "
                        + ", ".join(f"{e} ({scopes[e]})" for e in limited)
                        + "; values of these kinds elsewhere (free text) need a lexicon "
                        "detector, e.g. TermsDetector"
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
            sampled=sampled,
            prevalence_upper_bound=bound,
            partial=partial,
            controls=controls,
            distinct=distinct,
        )

    # -- people, severity, policy ---------------------------------------------------------
    def linkage(self) -> Linkage:
        if self._linkage is None:
            # Streamed: only the personal findings' keys are held, never the whole table.
            self._linkage = link_people(
                self._partial.iter_findings(["source", "row", "entity", "value_hash"])
            )
        return self._linkage

    def people_summary(self) -> PeopleSummary:
        """How many people, over how many records, how they were linked and which sets of
        entities they expose: what summaries, severity and the JSON document need, computed
        in memory bounded by the records (keys past 64 MiB go to disk, next to the spilled
        findings), where :meth:`affected_people` holds every person's identifiers."""
        if self._linkage is not None:
            return self._linkage.summary()
        if self._people is None:
            from .verdicts import people_count

            spilled = self._partial.spilled
            self._people = people_count.summarise_people(
                self._partial.iter_canonical(
                    ["source", "row", "entity", "value_hash"],
                    sort_keys=[("source", "ascending"), ("row", "ascending")],
                ),
                directory=os.path.dirname(spilled[0].path) if spilled else None,
                memory=people_count.KEY_MEMORY,
            )
        return self._people

    def affected_people(self, *, key: bytes | str | None = None) -> pa.Table:
        """One row per distinct person: categories exposed and keyed hashes of identifiers.

        The hashes are HMAC-SHA256 keyed with the scan's key; pass the same ``key`` here to
        check that it is the key you gave ``scan(key=...)`` (a mismatch raises).
        """
        if key is not None:
            raw = key.encode() if isinstance(key, str) else key
            if key_fingerprint(raw) != self.meta.get("key_fingerprint"):
                raise ConfigurationError("this key is not the key the scan hashed values with")
        return self.linkage().people

    def severity(
        self, *, context: Context | None = None, circumstances: Circumstances | None = None
    ) -> Severity | None:
        """ENISA 2013 severity of the exposure, with every factor and its reason.

        None when no personal data was found (there is nothing to score).
        """
        present = {e for e in self.counts() if e in DEFAULT_DATA_TYPES}
        if not present:
            return None
        link = self.people_summary()
        combos = {frozenset(e for e in s if e in present) for s in link.entity_sets()} or {
            frozenset(present)
        }
        return assess(
            sorted(present),
            identifiers_per_person=sorted((c for c in combos if c), key=sorted),
            context=context or self.context,
            circumstances=circumstances or self.circumstances,
            individuals=link.count,
        )

    @property
    def violations(self) -> list[Verdict]:
        """Verdicts of the ``must_be_absent`` policy that are not ``absent``."""
        return [
            v for n in self.must_be_absent if (v := self.verdict(n)).status is not Status.ABSENT
        ]

    def where(self, name: str, limit: int = 5) -> list[dict[str, Any]]:
        """The first findings of an entity or category: source, row, column, masked value."""
        entities = resolve(name, self.categories)
        wanted = pa.array(sorted(entities), pa.string())
        cols = ["source", "row", "column", "entity", "masked"]
        first: pa.Table | None = None
        # The first ``limit`` in canonical order, chunk by chunk: never the whole table.
        for t in self._partial.iter_findings():
            t = t.filter(pc.is_in(t.column("entity"), wanted))
            if t.num_rows == 0:
                continue
            if first is not None:
                t = pa.concat_tables([first, t])
            first = t.take(pc.sort_indices(t, sort_keys=SORT_KEYS)[:limit])
        if first is None:
            return []
        rows: list[dict[str, Any]] = first.select(cols).to_pylist()
        return rows

    def assert_absent(self, *names: str) -> None:
        """Raise AssertionError unless every name is ``absent``; the message shows where, masked."""
        problems = []
        for name in names or self.must_be_absent:
            v = self.verdict(name)
            if v.status is Status.ABSENT:
                continue
            msg = v.explain()
            for f in self.where(name):
                msg += (
                    f"\n    {f['entity']} at {f['source']} row {f['row']} column "
                    f"{f['column']!r}: {f['masked']}"
                )
            problems.append(msg)
        if problems:
            raise AssertionError("expected absent:\n" + "\n".join(problems))

    def assert_present(self, *names: str) -> None:
        problems = [
            self.verdict(n).explain() for n in names if self.status(n) is not Status.PRESENT
        ]
        if problems:
            raise AssertionError("expected present:\n" + "\n".join(problems))

    def status(self, name: str) -> Status:
        """``present``, ``absent`` or ``inconclusive`` for an entity or a category."""
        return self.verdict(name).status

    def verdicts(self) -> dict[str, Verdict]:
        """A verdict per built-in category."""
        return {c: self.verdict(c) for c in CATEGORIES}

    # -- serialisation ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {**self._document(), "findings": self.findings_table().to_pylist()}

    def _document(self) -> dict[str, Any]:
        """Everything of :meth:`to_dict` but the findings (which come last)."""
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
            "anomalies": [
                {"source": s, "column": c, "kind": k, "cells": n}
                for (s, c, k), n in sorted(self._partial.anomalies.items())
            ],
            "near_misses": [
                {"source": s, "column": c, "entity": e, "count": n}
                for (s, c, e), n in sorted(self._partial.near_misses.items())
            ],
            "counts": self.counts(),
            "distinct": self.distinct_values(),
            "controls": [c.to_dict() for c in self.controls],
            "sampling": self.sampling,
            "categories": {k: sorted(v) for k, v in sorted(self.categories.items())},
            "policy": {"must_be_absent": list(self.must_be_absent)},
            "context": dataclasses.asdict(self.context),
            "circumstances": dataclasses.asdict(self.circumstances),
            "verdicts": {k: v.to_dict() for k, v in self.verdicts().items()},
            "people": self._people_summary(),
            "severity": sev.to_dict() if (sev := self.severity()) is not None else None,
        }

    def _people_summary(self) -> dict[str, Any]:
        link = self.people_summary()
        return {"count": link.count, "records": link.records, "linked_by": link.linked_by}

    def to_json(self, *, indent: int | None = 2) -> str:
        """``json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)``, byte for byte,
        with the findings encoded in Arrow (20-40x faster than the dict per finding)."""
        out = io.StringIO()
        self.write_json(out, indent=indent)
        return out.getvalue()

    def write_json(
        self, target: str | os.PathLike[str] | TextIO, *, indent: int | None = 2
    ) -> None:
        """Write :meth:`to_json`'s text to a path or an open text file, the findings streamed
        in canonical order a chunk at a time: the report of a leak whose findings do not fit
        in memory (spilled during the scan) is written in memory bounded by one batch's
        findings, where :meth:`to_json` holds them all and the text."""
        from .render.json_findings import write_findings_json

        if isinstance(target, (str, os.PathLike)):
            # Written beside the target and renamed at the end: a failure never leaves a
            # truncated report under the name the caller gave.
            partial = f"{os.fspath(target)}.partial"
            try:
                with open(partial, "w", encoding="utf-8") as handle:
                    self.write_json(handle, indent=indent)
                os.replace(partial, target)
            finally:
                if os.path.exists(partial):
                    os.unlink(partial)
            return
        head = json.dumps({**self._document(), "findings": []}, indent=indent, ensure_ascii=False)
        cut = head.rindex("[]")  # the findings are the document's last value
        target.write(head[:cut])
        if self._findings is not None:  # already materialised: no second read of the spill
            held = self._findings
            tables: Iterable[pa.Table] = (
                held.slice(i, JSON_CHUNK) for i in range(0, held.num_rows, JSON_CHUNK)
            )
        else:
            tables = self._partial.iter_canonical(chunk_rows=JSON_CHUNK)
        write_findings_json(tables, target.write, indent)
        target.write(head[cut + 2 :])

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
            anomalies=Counter(
                {(a["source"], a["column"], a["kind"]): a["cells"] for a in d.get("anomalies", [])}
            ),
        )
        return cls(
            sources=[SourceAccount.from_dict(s) for s in d["sources"]],
            partial=partial,
            detectors=d["detectors"],
            meta=d["meta"],
            roles={
                f"{c['source']}\x1f{c['column']}": c["role"] for c in d["columns"] if c.get("role")
            },
            controls=[ControlResult(**c) for c in d.get("controls", [])],
            sampling=d.get("sampling"),
            categories={k: frozenset(v) for k, v in d.get("categories", {}).items()},
            must_be_absent=tuple(d.get("policy", {}).get("must_be_absent", [])),
            context=Context(**d["context"]) if d.get("context") else None,
            circumstances=Circumstances(**d["circumstances"]) if d.get("circumstances") else None,
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
            f"findings={self.finding_count()}>"
        )
