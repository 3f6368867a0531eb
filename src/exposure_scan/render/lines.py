"""Compact one-line-per-finding output (the pre-commit hook) and the baseline audit listing.

A hook's output is read in a terminal next to a failed commit: ``file:line: ENTITY ...`` is the
shape editors and terminals turn into links. Values are masked; file and column names come from
the evidence and are printed with ``repr`` so control characters cannot redraw the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .sarif import file_line

if TYPE_CHECKING:
    import pyarrow as pa

    from ..baseline import Entry
    from ..report import Report

__all__ = ["entry_table", "finding_lines"]


def _safe(text: str) -> str:
    """The text, or its ``repr`` when it holds control characters."""
    return text if text.isprintable() else repr(text)


def finding_lines(report: Report, findings: pa.Table, *, limit: int = 50) -> list[str]:
    """``source:line: ENTITY in column 'c' (row r): masked`` per finding, at most ``limit``."""
    accounts = {a.source: a for a in report.sources}
    rows = findings.select(["source", "row", "column", "entity", "masked"]).to_pylist()
    out: list[str] = []
    for f in rows[:limit]:
        line = file_line(accounts.get(f["source"]), f["row"])
        where = _safe(f["source"]) + (f":{line}" if line is not None else "")
        out.append(
            f"{where}: {f['entity']} in column {f['column']!r} (row {f['row']}): {f['masked']}"
        )
    if len(rows) > limit:
        out.append(f"... and {len(rows) - limit} more finding(s)")
    return out


def entry_table(entries: Sequence[Entry]) -> list[str]:
    """Baseline entries as aligned columns: accepted, entity, count, source, column, masked."""
    header = ("accepted", "entity", "count", "source", "column", "masked")
    rows = [
        (
            "yes" if e.accepted else "no",
            e.entity,
            str(e.count),
            _safe(e.source),
            repr(e.column),
            e.masked,
        )
        for e in entries
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    out = []
    for r in [header, *rows]:
        cells = [
            c.rjust(w) if i == 2 else c.ljust(w)
            for i, (c, w) in enumerate(zip(r[:-1], widths, strict=True))
        ]
        out.append("  ".join([*cells, r[-1]]).rstrip())
    return out
