"""The terminal summary: one table of categories, then sources and their accounting."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..report import Report


def render_text(report: Report) -> str:
    cov = report.coverage()
    lines = [
        f"exposure_scan {report.meta.get('version', '')}: {cov.sources} source(s), "
        f"{cov.records_read} record(s) read, {cov.records_unreadable} unreadable, "
        f"{cov.cells_scanned} cell(s) scanned",
        "",
        f"{'category':<12} {'status':<13} {'count':>9}  entities found",
    ]
    counts = report.counts()
    for name, v in report.verdicts().items():
        found = ", ".join(f"{e} {c}" for e, c in sorted(v.counts.items())) or "-"
        lines.append(f"{name:<12} {v.status.value:<13} {v.occurrences:>9}  {found}")
    other = {
        e: c
        for e, c in counts.items()
        if not any(e in v.entities for v in report.verdicts().values())
    }
    for e, c in other.items():
        lines.append(f"{e:<12} {'present':<13} {c:>9}")
    lines += ["", "sources:"]
    for s in report.sources:
        state = "ERROR " + s.error if s.error else f"{s.records_read} read"
        if s.records_unreadable:
            reasons = "; ".join(f"{r} x{n}" for r, n in sorted(s.unreadable_reasons.items()))
            state += f", {s.records_unreadable} unreadable ({reasons})"
        enc = f" {s.encoding}" if s.encoding else ""
        comp = "+".join(s.compression)
        lines.append(f"  {s.source} [{s.format}{enc}{' ' + comp if comp else ''}] {state}")
    return "\n".join(lines)
