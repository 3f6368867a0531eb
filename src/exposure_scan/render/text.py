"""The terminal summary, and the per-category summary every renderer shares.

Plain text by default (``Report.summary()``, logs, files); ``rich=True`` draws the same content
with the ``rich`` library when it is installed and falls back to plain text when it is not, so
the dependency stays optional. Every value shown is the masked form from the findings table.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..report import Report
    from ..verdicts.severity import Severity

__all__ = [
    "CategoryRow",
    "category_rows",
    "coverage_lines",
    "inconclusive_lines",
    "policy_lines",
    "render_text",
    "severity_headline",
    "source_categories",
    "source_lines",
]


@dataclass(frozen=True)
class CategoryRow:
    """One line of the summary table: a category (or an entity outside every category)."""

    name: str
    status: str
    partial: bool
    occurrences: int
    distinct: int
    people: int
    sources: tuple[str, ...]
    entities: dict[str, int] = field(default_factory=dict)

    @property
    def status_label(self) -> str:
        return self.status + (" (partial)" if self.partial else "")


def _entity_sources(report: Report) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for entity, source in report.group_counts(["entity", "source"]):
        out[entity].add(source)
    return out


def _category_names(report: Report) -> list[str]:
    return [*report.verdicts(), *sorted(c for c in report.categories if c not in report.verdicts())]


def category_rows(report: Report) -> list[CategoryRow]:
    """Every category's verdict with counts, distinct values, people and sources.

    Entities found that belong to no category get a row of their own, so nothing found is
    left out of the summary.
    """
    from ..verdicts.categories import resolve

    by_entity = _entity_sources(report)
    people = report.people_summary()
    rows: list[CategoryRow] = []
    covered: set[str] = set()
    for name in _category_names(report):
        v = report.verdict(name)
        ents = resolve(name, report.categories)
        covered |= ents
        rows.append(
            CategoryRow(
                name=name,
                status=v.status.value,
                partial=v.partial,
                occurrences=v.occurrences,
                distinct=sum(v.distinct.values()),
                people=people.people_with_any(ents),
                sources=tuple(sorted(set().union(*(by_entity.get(e, set()) for e in ents)))),
                entities=dict(v.counts),
            )
        )
    counts, distinct = report.counts(), report.distinct_values()
    for entity in sorted(set(counts) - covered):
        rows.append(
            CategoryRow(
                name=entity,
                status="present",
                partial=False,
                occurrences=counts[entity],
                distinct=distinct.get(entity, 0),
                people=people.people_with_any([entity]),
                sources=tuple(sorted(by_entity.get(entity, ()))),
                entities={entity: counts[entity]},
            )
        )
    return rows


def source_categories(report: Report) -> dict[str, dict[str, int]]:
    """Occurrences per source and category (sources with nothing found map to ``{}``)."""
    from ..verdicts.categories import category_of

    out: dict[str, dict[str, int]] = {s.source: {} for s in report.sources}
    for (source, entity), n in report.group_counts(["source", "entity"]).items():
        cat = category_of(entity, report.categories) or entity
        per = out.setdefault(source, {})
        per[cat] = per.get(cat, 0) + n
    return {s: dict(sorted(c.items())) for s, c in out.items()}


def display_names(sources: list[str]) -> tuple[str, dict[str, str]]:
    """The directory all sources share, and each source's name relative to it (table width)."""
    dirs = [s.rpartition("/")[0] for s in sources]
    if len(sources) < 2 or not all(dirs):
        return "", {s: s for s in sources}
    common = dirs[0]
    for d in dirs[1:]:
        while common and d != common and not d.startswith(common + "/"):
            common = common.rpartition("/")[0]
    if not common:
        return "", {s: s for s in sources}
    return common, {s: s[len(common) + 1 :] for s in sources}


def short_sources(
    sources: tuple[str, ...], limit: int = 3, names: dict[str, str] | None = None
) -> str:
    if not sources:
        return "-"
    shown = ", ".join((names or {}).get(s, s) for s in sources[:limit])
    return shown + (f" +{len(sources) - limit} more" if len(sources) > limit else "")


def severity_headline(sev: Severity) -> str:
    return (
        f"{sev.level.value} (SE {sev.score:g} = DPC {sev.dpc.value:g} x EI {sev.ei.value:g} "
        f"+ CB {sev.cb.value:g}, ENISA 2013)"
    )


def coverage_lines(report: Report) -> list[str]:
    cov = report.coverage()
    lines = [
        f"{'complete' if cov.complete else 'INCOMPLETE'}: {cov.sources} source(s)"
        f"{f' ({cov.sources_failed} failed)' if cov.sources_failed else ''}, "
        f"{cov.records_read} record(s) read, {cov.records_unreadable} unreadable; "
        f"{cov.cells_scanned} cell(s) scanned, {cov.cells_skipped} not scannable",
    ]
    if report.sampling is not None:
        seen = sum(report.sampling.get("records_seen", {}).values())
        kept = sum(report.sampling.get("records_scanned", {}).values())
        lines.append(
            f"SAMPLED (sample={report.sampling.get('sample')}, seed={report.sampling.get('seed')})"
            f": {kept} of {seen} record(s) scanned; no category can be called absent"
        )
    failed = [c for c in report.controls if not c.passed and "no detector" not in c.reason]
    for c in failed:
        lines.append(f"positive control FAILED in {c.source} for {c.entity}: {c.reason}")
    return lines


def source_lines(report: Report) -> list[str]:
    lines = []
    for s in report.sources:
        state = "ERROR " + s.error if s.error else f"{s.records_read} read"
        if s.records_unreadable:
            reasons = "; ".join(f"{r} x{n}" for r, n in sorted(s.unreadable_reasons.items()))
            state += f", {s.records_unreadable} unreadable ({reasons})"
        enc = f" {s.encoding}" if s.encoding else ""
        comp = "+".join(s.compression)
        lines.append(f"{s.source} [{s.format}{enc}{' ' + comp if comp else ''}] {state}")
    return lines


def inconclusive_lines(report: Report) -> list[str]:
    """Why each inconclusive category could not be called absent (its first reason)."""
    return [
        f"{name}: {v.reasons[0]}"
        for name, v in report.verdicts().items()
        if v.status.value == "inconclusive" and v.reasons
    ]


def policy_lines(report: Report) -> list[str]:
    """The ``must_be_absent`` policy, one line per name (empty when there is no policy)."""
    lines = []
    for name in report.must_be_absent:
        v = report.verdict(name)
        ok = v.status.value == "absent"
        lines.append(f"{name}: {'met' if ok else 'VIOLATED'} ({v.status.value})")
    return lines


def _table(headers: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        parts = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    return [fmt(headers), *(fmt(r) for r in rows)]


HEADERS = ["category", "status", "count", "values", "people", "sources"]
_RIGHT = {2, 3, 4}


def _cells(r: CategoryRow, names: dict[str, str]) -> list[str]:
    return [
        r.name,
        r.status_label,
        str(r.occurrences),
        str(r.distinct),
        str(r.people),
        short_sources(r.sources, names=names),
    ]


def render_text(report: Report, *, rich: bool = False, width: int = 100) -> str:
    """The summary: categories table, severity with factors, policy, coverage, sources, notes.

    ``rich=True`` uses the ``rich`` library (colours and box tables) if installed.
    """
    if rich:
        try:
            return _render_rich(report, width)
        except ImportError:
            pass
    return _render_plain(report)


def _header(report: Report) -> tuple[str, dict[str, str]]:
    cov = report.coverage()
    common, names = display_names([s.source for s in report.sources])
    head = (
        f"exposure_scan {report.meta.get('version', '')}: {cov.sources} source(s)"
        f"{f' under {common}/' if common else ''}, "
        f"{cov.records_read} record(s) read, {cov.records_unreadable} unreadable, "
        f"{cov.cells_scanned} cell(s) scanned"
    )
    baseline = report.meta.get("baseline")
    if isinstance(baseline, dict):  # a view of the findings not in a baseline
        head += f"; {baseline.get('known', 0)} finding(s) in the baseline not shown"
    return head, names


def _render_plain(report: Report) -> str:
    rows = category_rows(report)
    head, names = _header(report)
    lines = [head, ""]
    lines += _table(HEADERS, [_cells(r, names) for r in rows], _RIGHT)
    found = [r for r in rows if r.entities]
    if found:
        lines += ["", "entities found:"]
        lines += [
            f"  {r.name}: " + ", ".join(f"{e} {c}" for e, c in sorted(r.entities.items()))
            for r in found
        ]
    unsure = inconclusive_lines(report)
    if unsure:
        lines += ["", "inconclusive because:", *("  " + u for u in unsure)]
    sev = report.severity()
    lines.append("")
    if sev is None:
        lines.append("severity: none (no personal data found)")
    else:
        lines.append("severity: " + severity_headline(sev))
        lines += sev.explain().splitlines()[1:]
    policy = policy_lines(report)
    if policy:
        lines += ["", "policy (must be absent):", *("  " + p for p in policy)]
    lines += ["", "coverage:", *("  " + c for c in coverage_lines(report))]
    lines += ["", "sources:", *("  " + s for s in source_lines(report))]
    lines += ["", "notes:", *("  - " + n for n in report.notes or ["none"])]
    return "\n".join(lines)


def _render_rich(report: Report, width: int) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=width, highlight=False)
    head, names = _header(report)
    console.print(head, style="bold", markup=False)
    table = Table(*HEADERS, show_lines=False)
    for i in _RIGHT:
        table.columns[i].justify = "right"
    colour = {"present": "red", "absent": "green", "inconclusive": "yellow"}
    for r in category_rows(report):
        cells = [Text(c) for c in _cells(r, names)]
        cells[1].stylize(colour.get(r.status, "white"))
        table.add_row(*cells)
    console.print(table)
    unsure = inconclusive_lines(report)
    if unsure:
        console.print("[bold]inconclusive because:[/]")
        for u in unsure:
            console.print("  " + u, markup=False, soft_wrap=True)
    sev = report.severity()
    if sev is None:
        console.print("severity: none (no personal data found)")
    else:
        console.print(f"[bold]severity:[/] {severity_headline(sev)}", markup=True)
        for line in sev.explain().splitlines()[1:]:
            console.print(line, markup=False, soft_wrap=True)
    for title, items in (
        ("policy (must be absent)", policy_lines(report)),
        ("coverage", coverage_lines(report)),
        ("sources", source_lines(report)),
        ("notes", report.notes or ["none"]),
    ):
        if items:
            console.print(f"[bold]{title}:[/]")
            for item in items:
                console.print("  " + item, markup=False, soft_wrap=True)
    return buf.getvalue().rstrip("\n")
