"""A single self-contained HTML report: inline CSS, inline SVG charts, no script, no network.

An incident report is opened on air-gapped forensic machines and attached to mails, so it must
render with nothing but the file: a Content-Security-Policy forbids every external fetch, and
the charts are SVG drawn here rather than by a JavaScript library. File and column names come
from the leak (the attacker) and are escaped everywhere; values appear masked only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from .text import (
    category_rows,
    coverage_lines,
    display_names,
    policy_lines,
    severity_headline,
    source_categories,
)

if TYPE_CHECKING:
    from ..report import Report
    from ..verdicts.severity import Severity

__all__ = [
    "coverage_chart",
    "render_html",
    "render_session_html",
    "severity_chart",
    "sources_chart",
]

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
PALETTE = {
    "contact": "#4e79a7",
    "location": "#76b7b2",
    "identity": "#e15759",
    "payment": "#f28e2b",
    "vehicle": "#59a14f",
    "credentials": "#b07aa1",
    "online": "#9c755f",
    "special": "#d4a6c8",
}
_EXTRA = ("#edc948", "#bab0ac", "#ff9da7", "#86bcb6")
#: ENISA bands on a 0-6 axis (DPC 4 x EI 1 + CB 2 is the highest possible score)
BANDS: tuple[tuple[str, float, float, str], ...] = (
    ("low", 0.0, 2.0, "#c7e9c0"),
    ("medium", 2.0, 3.0, "#fde0a1"),
    ("high", 3.0, 4.0, "#fdae6b"),
    ("very high", 4.0, 6.0, "#f4a3a3"),
)
STATUS_CLASS = {"present": "bad", "absent": "ok", "inconclusive": "warn"}

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;margin:0;
background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:18px 0 6px}.meta{color:#555;margin:0 0 16px}
section.report{background:#fff;border:1px solid #e1e4e8;border-radius:6px;padding:8px 20px 20px;
margin:0 0 24px}
table{border-collapse:collapse;margin:6px 0 12px;width:100%}
th,td{border-bottom:1px solid #eaecef;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;padding:1px 3px;
border-radius:3px;word-break:break-all}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px}
.bad{background:#fde2e1;color:#9b1c1c}.ok{background:#def7e4;color:#1e6b34}
.warn{background:#fff4ce;color:#7a5b00}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{flex:1 1 480px}
svg{max-width:100%;height:auto}svg text{font:11px system-ui,sans-serif;fill:#333}
ul.reasons{margin:2px 0 8px;padding-left:20px;color:#333}
"""


def _colour(category: str, extra: dict[str, str]) -> str:
    if category in PALETTE:
        return PALETTE[category]
    return extra.setdefault(category, _EXTRA[len(extra) % len(_EXTRA)])


def _t(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str | None = None) -> str:
    tip = f"<title>{escape(title)}</title></rect>" if title else "</rect>"
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}">{tip}'


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _clip(text: str, n: int = 28) -> str:
    return text if len(text) <= n else "…" + text[-(n - 1) :]


def sources_chart(per_source: Mapping[str, Mapping[str, int]], names: Mapping[str, str]) -> str:
    """Stacked horizontal bars: occurrences per category in each source, with a legend."""
    width, label_w, bar_h, gap = 520, 170, 16, 8
    cats = sorted({c for per in per_source.values() for c in per})
    extra: dict[str, str] = {}
    top = max((sum(per.values()) for per in per_source.values()), default=0) or 1
    scale = (width - label_w - 80) / top
    body: list[str] = []
    y = 8
    for source, per in per_source.items():
        body.append(_t(label_w - 6, y + 12, _clip(names.get(source, source)), "end"))
        x = float(label_w)
        for cat in cats:
            if n := per.get(cat, 0):
                w = max(n * scale, 1.0)
                body.append(_rect(x, y, w, bar_h, _colour(cat, extra), f"{cat}: {n}"))
                x += w
        total = sum(per.values())
        body.append(_t(x + 4, y + 12, str(total) if total else "nothing found"))
        y += bar_h + gap
    lx = 8.0
    for cat in cats:
        body.append(_rect(lx, y + 4, 10, 10, _colour(cat, extra)))
        body.append(_t(lx + 14, y + 13, cat))
        lx += 24 + 7 * len(cat)
    return _svg(width, y + 24, "Categories found per source", body)


def severity_chart(sev: Severity | None) -> str:
    """The score on the ENISA band scale, then DPC, EI and CB against their maxima."""
    width, left, right = 520, 70, 500
    span = right - left
    body: list[str] = []
    for name, lo, hi, fill in BANDS:
        x0, x1 = left + lo / 6 * span, left + hi / 6 * span
        body.append(_rect(x0, 10, x1 - x0, 22, fill, f"{name}: SE from {lo:g} to {hi:g}"))
        body.append(_t((x0 + x1) / 2, 25, name, "middle"))
    body.append(_t(left - 6, 25, "SE", "end"))
    if sev is None:
        body.append(_t(left, 50, "no personal data found: nothing to score"))
        return _svg(width, 60, "Severity", body)
    sx = left + min(sev.score, 6.0) / 6 * span
    body.append(
        f'<line x1="{sx:.1f}" y1="4" x2="{sx:.1f}" y2="38" stroke="#000" stroke-width="3"/>'
    )
    body.append(_t(sx, 50, f"{sev.score:g} ({sev.level.value})", "middle", ' font-weight="bold"'))
    y = 64
    for factor, top in ((sev.dpc, 4.0), (sev.ei, 1.0), (sev.cb, 2.0)):
        w = max(0.0, min(factor.value / top, 1.0)) * span
        body.append(_t(left - 6, y + 12, factor.name, "end"))
        body.append(_rect(left, y, span, 16, "#eef0f3"))
        body.append(_rect(left, y, w, 16, "#4e79a7", factor.reason))
        body.append(_t(left + 4 + w, y + 12, f"{factor.value:g} / {top:g}"))
        y += 24
    return _svg(width, y + 4, "Severity factors (ENISA 2013: SE = DPC x EI + CB)", body)


def coverage_chart(report: Report, names: Mapping[str, str]) -> str:
    """Per source: records read vs unreadable (a failed source is drawn as a red bar)."""
    width, label_w, bar_h, gap = 520, 170, 16, 8
    span = width - label_w - 150
    red, green, grey = "#e15759", "#59a14f", "#eef0f3"
    body: list[str] = []
    y = 8
    for s in report.sources:
        body.append(_t(label_w - 6, y + 12, _clip(names.get(s.source, s.source)), "end"))
        total = s.records_read + s.records_unreadable
        ok = span * (s.records_read / total) if total else (0 if s.error else span)
        body.append(
            _rect(label_w, y, span, bar_h, red if s.error or s.records_unreadable else grey)
        )
        body.append(_rect(label_w, y, ok, bar_h, green))
        label = "failed" if s.error else f"{s.records_read} read, {s.records_unreadable} unreadable"
        body.append(_t(label_w + span + 4, y + 12, label))
        y += bar_h + gap
    cov = report.coverage()
    cells = cov.cells_scanned + cov.cells_skipped
    share = cov.cells_scanned / cells if cells else 1.0
    body.append(_t(label_w - 6, y + 12, "all cells", "end"))
    body.append(_rect(label_w, y, span, bar_h, red))
    body.append(_rect(label_w, y, span * share, bar_h, green))
    body.append(_t(label_w + span + 4, y + 12, f"{cov.cells_scanned} scanned"))
    return _svg(width, y + bar_h + 8, "Coverage: records and cells read", body)


def _badge(status: str, label: str | None = None) -> str:
    return (
        f'<span class="badge {STATUS_CLASS.get(status, "warn")}">{escape(label or status)}</span>'
    )


_NUM = ' class="n"'


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f"<td{_NUM if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _code(text: Any) -> str:
    return f"<code>{escape(str(text))}</code>"


def _when(ts: Any) -> str:
    if not isinstance(ts, (int, float)):
        return "?"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def report_section(report: Report, *, heading: str = "Exposure report", examples: int = 5) -> str:
    """One report as an HTML ``<section>`` (a full page wraps one or more of these)."""
    meta = report.meta
    common, names = display_names([s.source for s in report.sources])
    rows = category_rows(report)
    out = [
        '<section class="report">',
        f"<h1>{escape(heading)}</h1>",
        f'<p class="meta">exposure_scan {escape(str(meta.get("version", "?")))}; scan '
        f"{_when(meta.get('started'))} to {_when(meta.get('finished'))}; "
        f"{len(report.sources)} source(s)"
        + (f" under {_code(common + '/')}" if common else "")
        + f"; hash key fingerprint {_code(meta.get('key_fingerprint', '?'))}</p>",
        "<h2>Categories</h2>",
        _table(
            ["Category", "Status", "Count", "Distinct values", "People", "Sources"],
            [
                [
                    escape(r.name),
                    _badge(r.status, r.status_label),
                    str(r.occurrences),
                    str(r.distinct),
                    str(r.people),
                    " ".join(_code(names.get(s, s)) for s in r.sources) or "-",
                ]
                for r in rows
            ],
            {2, 3, 4},
        ),
        '<div class="charts">',
        f'<div class="chart"><h3>Found per source</h3>'
        f"{sources_chart(source_categories(report), names)}</div>",
        f'<div class="chart"><h3>Severity</h3>{severity_chart(report.severity())}</div>',
        f'<div class="chart"><h3>Coverage</h3>{coverage_chart(report, names)}</div>',
        "</div>",
    ]
    found = [r for r in rows if r.occurrences]
    if found:
        out.append("<h2>Where (masked examples)</h2>")
        for r in found:
            ents = ", ".join(f"{e} {c}" for e, c in sorted(r.entities.items()))
            out.append(f"<h3>{escape(r.name)}: {escape(ents)}</h3>")
            out.append(
                _table(
                    ["Source", "Row", "Column", "Entity", "Value (masked)"],
                    [
                        [
                            _code(names.get(f["source"], f["source"])),
                            str(f["row"]),
                            _code(f["column"]),
                            escape(f["entity"]),
                            _code(f["masked"]),
                        ]
                        for f in report.where(r.name, limit=examples)
                    ],
                    {1},
                )
            )
    out += _severity(report.severity())
    policy = policy_lines(report)
    if policy:
        out.append("<h2>Policy (must be absent)</h2><ul>")
        out += [f"<li>{escape(p)}</li>" for p in policy]
        out.append("</ul>")
    out.append("<h2>Verdicts</h2>")
    for name, v in report.verdicts().items():
        out.append(f"<p>{escape(name)} {_badge(v.status.value)}</p><ul class='reasons'>")
        out += [f"<li>{escape(reason)}</li>" for reason in v.reasons]
        out.append("</ul>")
    out.append("<h2>Coverage</h2><ul>")
    out += [f"<li>{escape(c)}</li>" for c in coverage_lines(report)]
    out.append("</ul>")
    out.append(
        _table(
            ["Source", "Format", "Records read", "Unreadable", "SHA-256", "State"],
            [
                [
                    _code(names.get(s.source, s.source)),
                    escape(" ".join([s.format, s.encoding or "", *s.compression]).strip()),
                    str(s.records_read),
                    str(s.records_unreadable),
                    _code(s.sha256[:16]) if s.sha256 else "-",
                    escape(s.error) if s.error else "read",
                ]
                for s in report.sources
            ],
            {2, 3},
        )
    )
    out.append("<h2>Notes</h2><ul>")
    out += [f"<li>{escape(n)}</li>" for n in report.notes or ["none"]]
    out.append("</ul><h2>Detectors</h2><p>")
    out.append(" ".join(_code(d) for d in report.detectors) or "none")
    out.append("</p></section>")
    return "\n".join(out)


def _severity(sev: Severity | None) -> list[str]:
    if sev is None:
        return ["<h2>Severity</h2><p>None: no personal data was found.</p>"]
    rows = [[escape(sev.dpc.name), f"{sev.dpc.value:g}", escape(sev.dpc.reason)]]
    rows += [[escape(f"DPC: {p.name}"), f"{p.value:g}", escape(p.reason)] for p in sev.dpc_parts]
    rows.append([escape(sev.ei.name), f"{sev.ei.value:g}", escape(sev.ei.reason)])
    rows.append([escape(sev.cb.name), f"{sev.cb.value:g}", escape(sev.cb.reason)])
    rows += [[escape(f"CB: {p.name}"), f"+{p.value:g}", escape(p.reason)] for p in sev.cb_parts]
    return [
        "<h2>Severity</h2>",
        f"<p><strong>{escape(severity_headline(sev))}</strong></p>",
        _table(["Factor", "Value", "Reason"], rows, {1}),
        "<ul>",
        f"<li>Notify the supervisory authority: <strong>"
        f"{'yes' if sev.notify_authority else 'no'}</strong></li>",
        f"<li>Notify the individuals: <strong>{'yes' if sev.notify_individuals else 'no'}"
        "</strong></li>",
        *(f"<li>{escape(r)}</li>" for r in sev.notification_reasons),
        "</ul>",
    ]


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n"
        f"<body><main>\n{body}\n</main></body></html>\n"
    )


def render_html(report: Report, *, title: str = "Exposure report") -> str:
    """The report as one self-contained HTML page."""
    return _page(title, report_section(report, heading=title))


def render_session_html(session: Mapping[str, Any], reports: Sequence[Report]) -> str:
    """Every scan of a pytest session on one page, after a table of inputs and their hashes."""
    head = [
        "<h1>Exposure checks of a test session</h1>",
        f'<p class="meta">exposure_scan {escape(str(session.get("version", "?")))}, Python '
        f"{escape(str(session.get('python', '?')))}, pytest "
        f"{escape(str(session.get('pytest', '?')))}; {len(reports)} scan(s)</p>",
    ]
    scans = session.get("scans", [])
    for i, (scan, report) in enumerate(zip(scans, reports, strict=True), start=1):
        inputs = _table(
            ["Input", "Bytes", "SHA-256"],
            [[_code(x["path"]), str(x["size"]), _code(x["sha256"])] for x in scan["inputs"]],
            {1},
        )
        tests = "".join(f"<li>{_code(t)}</li>" for t in scan.get("tests", []))
        options = _code(json.dumps(scan.get("options", {}), sort_keys=True))
        head.append(
            f'<section class="report"><h2>Scan {i}</h2>{inputs}<p>options {options}</p>'
            f"<ul>{tests}</ul></section>"
        )
        head.append(report_section(report, heading=f"Scan {i}: exposure report"))
    return _page("Exposure checks", "\n".join(head))
