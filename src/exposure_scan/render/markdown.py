"""A Markdown report (GitHub-flavoured tables) for tickets, pull requests and incident wikis.

File and column names come from the leak, i.e. from the attacker: every cell is escaped so a
crafted name cannot inject markup, links or HTML into the page that renders the report.
Values appear only masked, inside code spans.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .text import category_rows, coverage_lines, display_names, policy_lines, severity_headline

if TYPE_CHECKING:
    from ..report import Report

__all__ = ["code", "escape", "render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!])")


def escape(text: Any) -> str:
    """Text safe in a Markdown paragraph or table cell (no markup, no HTML, one line)."""
    s = " ".join(str(text).split()).replace("&", "&amp;")
    return _SPECIAL.sub(r"\\\1", s)


def code(text: Any) -> str:
    """A code span that survives any backticks in the text, and pipes inside a table."""
    s = " ".join(str(text).split())
    runs = [len(m) for m in re.findall(r"`+", s)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s.replace('|', chr(92) + '|')}{pad}{fence}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(headers))]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def _when(ts: Any) -> str:
    if not isinstance(ts, (int, float)):
        return "?"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def render_markdown(report: Report, *, examples: int = 5) -> str:
    """The report as Markdown; ``examples`` masked findings are listed per category found."""
    meta = report.meta
    rows = category_rows(report)
    common, names = display_names([s.source for s in report.sources])
    lines = [
        "# Exposure report",
        "",
        f"exposure_scan {escape(meta.get('version', '?'))}, scan started "
        f"{_when(meta.get('started'))}, finished {_when(meta.get('finished'))}; "
        f"{len(report.sources)} source(s)"
        + (f" under {code(common + '/')}" if common else "")
        + f"; hash key fingerprint {code(meta.get('key_fingerprint', '?'))}.",
        "",
        "## Categories",
        "",
    ]
    lines += _table(
        ["Category", "Status", "Count", "Distinct values", "People", "Sources"],
        [
            [
                escape(r.name),
                f"**{escape(r.status_label)}**" if r.status != "absent" else escape(r.status),
                str(r.occurrences),
                str(r.distinct),
                str(r.people),
                ", ".join(code(names.get(s, s)) for s in r.sources) or "-",
            ]
            for r in rows
        ],
        {2, 3, 4},
    )
    found = [r for r in rows if r.occurrences]
    if found:
        lines += ["", "### Where (masked examples)", ""]
        for r in found:
            lines += [
                f"**{escape(r.name)}**: "
                + ", ".join(f"{escape(e)} {c}" for e, c in sorted(r.entities.items())),
                "",
            ]
            lines += _table(
                ["Source", "Row", "Column", "Entity", "Value (masked)"],
                [
                    [
                        code(names.get(f["source"], f["source"])),
                        str(f["row"]),
                        code(f["column"]),
                        escape(f["entity"]),
                        code(f["masked"]),
                    ]
                    for f in report.where(r.name, limit=examples)
                ],
                {1},
            )
            lines.append("")
    lines += _severity(report)
    policy = policy_lines(report)
    if policy:
        lines += ["", "## Policy (must be absent)", "", *(f"- {escape(p)}" for p in policy)]
    lines += ["", "## Verdicts", ""]
    for name, v in report.verdicts().items():
        lines.append(f"- **{escape(name)}: {escape(v.status.value)}**")
        lines += [f"  - {escape(reason)}" for reason in v.reasons]
    lines += ["", "## Coverage", "", *(f"- {escape(c)}" for c in coverage_lines(report)), ""]
    lines += _table(
        ["Source", "Format", "Records read", "Unreadable", "SHA-256", "State"],
        [
            [
                code(names.get(s.source, s.source)),
                escape(" ".join([s.format, s.encoding or "", *s.compression]).strip()),
                str(s.records_read),
                str(s.records_unreadable),
                code(s.sha256[:16]) if s.sha256 else "-",
                escape(s.error) if s.error else "read",
            ]
            for s in report.sources
        ],
        {2, 3},
    )
    lines += ["", "## Notes", "", *(f"- {escape(n)}" for n in report.notes or ["none"])]
    lines += ["", "## Detectors", "", ", ".join(code(d) for d in report.detectors) or "none"]
    return "\n".join(lines) + "\n"


def _severity(report: Report) -> list[str]:
    sev = report.severity()
    lines = ["", "## Severity", ""]
    if sev is None:
        return [*lines, "None: no personal data was found."]
    lines += [f"**{escape(severity_headline(sev))}**", ""]
    factors: list[list[str]] = [[sev.dpc.name, f"{sev.dpc.value:g}", escape(sev.dpc.reason)]]
    factors += [[f"DPC: {escape(p.name)}", f"{p.value:g}", escape(p.reason)] for p in sev.dpc_parts]
    factors.append([sev.ei.name, f"{sev.ei.value:g}", escape(sev.ei.reason)])
    factors.append([sev.cb.name, f"{sev.cb.value:g}", escape(sev.cb.reason)])
    factors += [[f"CB: {escape(p.name)}", f"+{p.value:g}", escape(p.reason)] for p in sev.cb_parts]
    lines += _table(["Factor", "Value", "Reason"], factors, {1})
    lines += [
        "",
        f"- Notify the supervisory authority: **{'yes' if sev.notify_authority else 'no'}**",
        f"- Notify the individuals: **{'yes' if sev.notify_individuals else 'no'}**",
        *(f"- {escape(r)}" for r in sev.notification_reasons),
    ]
    return lines
