"""Renderers: text (plain and rich), Markdown, JSON, HTML, and the JSON Schema of reports.

The central property: no rendering of a report contains a raw value from the evidence. It is
checked both by substring and by scanning every rendered file with exposure_scan itself.
Values are documented test card numbers and ``example.com``/``example.org`` addresses.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.findings import FINDINGS_SCHEMA
from exposure_scan.render.html import render_html, severity_chart, sources_chart
from exposure_scan.render.json_schema import (
    REPORT_SCHEMA,
    validate_report,
    validate_with_fallback,
)
from exposure_scan.render.markdown import code, escape, render_markdown
from exposure_scan.render.text import display_names, render_text

CARDS = ("4111111111111111", "5555555555554444")
EMAILS = ("ada.lovelace@example.com", "bob.builder@example.org")
LEAK_CSV = (
    "id,email,card,note\n"
    f"1,{EMAILS[0]},{CARDS[0]},first order\n"
    f"2,{EMAILS[1]},{CARDS[1]},second order\n"
    "3,,,nothing here\n"
)
RAW = (*CARDS, *EMAILS, "4111 1111 1111 1111", "ada.lovelace", "bob.builder")


def _scan(path: Path, **options: Any) -> exposure_scan.Report:
    options.setdefault("ner", "off")
    return exposure_scan.scan(path, **options)


@pytest.fixture(scope="module")
def leak_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("leak")
    (d / "customers.csv").write_text(LEAK_CSV, encoding="utf-8")
    (d / "orders.jsonl").write_text(
        json.dumps({"order": 7, "contact": {"email": EMAILS[0]}}) + "\n", encoding="utf-8"
    )
    return d


@pytest.fixture(scope="module")
def report(leak_dir: Path) -> exposure_scan.Report:
    return _scan(leak_dir, must_be_absent=("payment",))


@pytest.fixture(scope="module")
def clean_report(tmp_path_factory: pytest.TempPathFactory) -> exposure_scan.Report:
    path = tmp_path_factory.mktemp("clean") / "stock.csv"
    path.write_text("sku,qty\nA-1,3\nB-2,5\n", encoding="utf-8")
    return _scan(path)


RENDERERS: dict[str, tuple[str, Callable[[exposure_scan.Report], str]]] = {
    "text": (".txt", render_text),
    "text-rich": (".txt", lambda r: render_text(r, rich=True)),
    "markdown": (".md", render_markdown),
    "json": (".json", lambda r: r.to_json()),
    "html": (".html", render_html),
}


def _masked(report: exposure_scan.Report) -> list[str]:
    return [f["masked"] for f in report.where("payment") + report.where("contact")]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_renderings_show_no_raw_value(report: exposure_scan.Report, fmt: str) -> None:
    out = RENDERERS[fmt][1](report)
    leaked = [v for v in RAW if v in out]
    assert not leaked, f"{fmt} rendering contains raw values"
    if fmt not in ("text", "text-rich"):  # the summary shows counts, the others examples
        for masked in _masked(report):
            assert "*" in masked
            assert masked in out


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_self_scan_of_rendered_report_finds_nothing_unmasked(
    report: exposure_scan.Report, fmt: str, tmp_path: Path
) -> None:
    suffix, render = RENDERERS[fmt]
    path = tmp_path / f"report{suffix}"
    path.write_text(render(report), encoding="utf-8")
    # Only the card and email detectors: they are what is checked, and a report read as JSON
    # has hundreds of columns, each costing positive controls per detector.
    again = _scan(path, reveal=True, detectors=[CreditCardDetector(), EmailDetector()])
    found = again.findings_table(reveal=True).to_pylist()
    risky = [f for f in found if f["entity"] in ("CREDIT_CARD", "EMAIL_ADDRESS")]
    assert all("*" in f["value"] for f in risky), [f["masked"] for f in risky]
    values = {f["value"] for f in found}
    assert not values & set(RAW)


def test_self_scan_would_catch_a_leaky_rendering(tmp_path: Path) -> None:
    """The check above can fail: a file with the raw values is caught by the same scan."""
    path = tmp_path / "leaky.txt"
    path.write_text(f"card {CARDS[0]} mail {EMAILS[0]}\n", encoding="utf-8")
    found = _scan(path, reveal=True).findings_table(reveal=True).to_pylist()
    assert {f["value"] for f in found} & set(RAW)


# -- text ---------------------------------------------------------------------------------
def test_text_summary_sections(report: exposure_scan.Report) -> None:
    out = render_text(report)
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("category"))
    assert header.split() == ["category", "status", "count", "values", "people", "sources"]
    payment = next(line for line in lines if line.startswith("payment "))
    assert payment.split()[:4] == ["payment", "present", "2", "2"]
    assert "customers.csv" in payment and "/" not in payment.split("  ")[-1]
    assert re.search(r"^severity: (low|medium|high|very high) \(SE ", out, re.M)
    assert "DPC" in out and "EI" in out and "CB" in out
    assert "policy (must be absent):\n  payment: VIOLATED (present)" in out
    unsure = {n: v for n, v in report.verdicts().items() if v.status == "inconclusive"}
    assert ("inconclusive because:" in out) is bool(unsure)
    for name, v in unsure.items():
        assert f"  {name}: {v.reasons[0]}" in out
    for section in ("coverage:", "sources:", "notes:"):
        assert f"\n{section}\n" in out
    assert out == report.summary() or "category" in report.summary()


def test_text_without_findings_says_no_severity(clean_report: exposure_scan.Report) -> None:
    out = render_text(clean_report)
    assert "severity: none (no personal data found)" in out
    assert "policy" not in out


def test_rich_text_uses_rich_when_installed(report: exposure_scan.Report) -> None:
    pytest.importorskip("rich")
    out = render_text(report, rich=True)
    assert "\x1b[" in out
    assert "payment" in out and "severity:" in out


def test_rich_falls_back_to_plain_without_rich(
    report: exposure_scan.Report, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == "rich" or m.startswith("rich.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "rich", None)  # makes ``import rich...`` raise
    assert render_text(report, rich=True) == render_text(report)


@pytest.mark.parametrize(
    ("sources", "common", "shown"),
    [
        (["a/x.csv", "a/y.csv"], "a", ["x.csv", "y.csv"]),
        (["/t/a/b/x", "/t/a/c/y"], "/t/a", ["b/x", "c/y"]),
        (["a/b/x", "a/bc/y"], "a", ["b/x", "bc/y"]),  # "a/b" is a string prefix, not a dir
        (["ab/x", "a/y"], "", ["ab/x", "a/y"]),
        (["x.csv", "a/y.csv"], "", ["x.csv", "a/y.csv"]),
        (["a/only.csv"], "", ["a/only.csv"]),
    ],
)
def test_display_names(sources: list[str], common: str, shown: list[str]) -> None:
    got_common, names = display_names(sources)
    assert got_common == common
    assert [names[s] for s in sources] == shown


# -- markdown -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", r"a\|b"),
        ("<script>", r"\<script\>"),
        ("*bold*", r"\*bold\*"),
        ("[x](http://e)", r"\[x\](http://e)"),
        ("a & b", "a &amp; b"),
        ("two\nlines", "two lines"),
        ("plain text, 3.5 (ok) - fine", "plain text, 3.5 (ok) - fine"),  # nothing to escape
        ("EMAIL_ADDRESS", r"EMAIL\_ADDRESS"),
    ],
)
def test_markdown_escape(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


@pytest.mark.parametrize(
    ("raw", "span"),
    [
        ("a**@e******.com", "`a**@e******.com`"),
        ("x`y", "``x`y``"),
        ("`x", "`` `x ``"),
        ("a|b", r"`a\|b`"),
    ],
)
def test_markdown_code_span(raw: str, span: str) -> None:
    assert code(raw) == span


def test_markdown_structure(report: exposure_scan.Report) -> None:
    md = render_markdown(report)
    assert md.startswith("# Exposure report\n")
    for heading in ("## Categories", "## Severity", "## Policy", "## Verdicts", "## Coverage"):
        assert f"\n{heading}" in md
    table = [line for line in md.splitlines() if line.startswith("| payment |")]
    assert table and table[0].count("|") == 7


def test_hostile_column_names_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "evil.jsonl"
    path.write_text(json.dumps({"<script>x</script>*y*|": CARDS[0]}) + "\n", encoding="utf-8")
    report = _scan(path)
    assert report.where("payment"), "the card must be found for the test to mean anything"
    md, page = render_markdown(report), render_html(report)
    outside_code = re.sub(r"(`+).+?\1", "", md)  # code spans render their content literally
    assert r"`<script>x</script>*y*\|`" in md  # literal in a code span, pipe escaped
    assert "<script>" not in outside_code and "<script>" not in page
    assert "&lt;script&gt;" in page


# -- html ---------------------------------------------------------------------------------
class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    VOID = frozenset({"meta", "br", "img", "link", "rect", "line", "input", "hr"})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
            return
        self.stack.pop()


def test_html_is_self_contained_and_balanced(report: exposure_scan.Report) -> None:
    page = render_html(report)
    parser = _Collector()
    parser.feed(page)
    assert parser.errors == [] and parser.stack == []
    names = [t for t, _ in parser.tags]
    assert "script" not in names and "link" not in names and "img" not in names
    for _tag, attrs in parser.tags:
        for attr in ("src", "href"):
            assert not (attrs.get(attr) or "").startswith(("http", "//")), attrs
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        ET.fromstring(svg)  # well-formed XML


def test_sources_chart_bars_are_proportional() -> None:
    svg = sources_chart({"a.csv": {"contact": 10}, "b.csv": {"contact": 5}, "c.csv": {}}, {})
    widths = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(2 * widths[1], rel=0.01)
    assert "nothing found" in svg
    ET.fromstring(svg)


def test_severity_chart_marks_the_score(report: exposure_scan.Report) -> None:
    sev = report.severity()
    assert sev is not None
    svg = severity_chart(sev)
    assert f"{sev.score:g} ({sev.level.value})" in svg
    assert "nothing to score" in severity_chart(None)


CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium at /usr/bin/chromium: the CI installs it only if it can, so the "
    "real-browser check of the HTML report is skipped here",
)
def test_html_renders_in_headless_chromium(report: exposure_scan.Report, tmp_path: Path) -> None:
    assert CHROMIUM is not None
    page = tmp_path / "report.html"
    page.write_text(render_html(report), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    ).stdout
    assert "<h1>Exposure report</h1>" in dom
    assert dom.count("<svg") == 3
    assert not [v for v in RAW if v in dom]
    shot = tmp_path / "shot.png"
    subprocess.run(
        [CHROMIUM, *flags, "--window-size=1100,900", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=90,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# -- JSON schema --------------------------------------------------------------------------
def _validators() -> list[Callable[[Any], list[str]]]:
    out: list[Callable[[Any], list[str]]] = [lambda d: validate_with_fallback(d, REPORT_SCHEMA)]
    try:
        import jsonschema  # noqa: F401
    except ImportError:
        pass
    else:
        out.append(validate_report)
    return out


VALIDATORS = _validators()
VALIDATOR_IDS = ["fallback", "jsonschema"][: len(VALIDATORS)]


@pytest.mark.parametrize("validator", VALIDATORS, ids=VALIDATOR_IDS)
def test_real_reports_validate(
    validator: Callable[[Any], list[str]],
    report: exposure_scan.Report,
    clean_report: exposure_scan.Report,
    leak_dir: Path,
) -> None:
    sampled = _scan(leak_dir / "customers.csv", sample=0.5, seed=1)
    for r in (report, clean_report, sampled):
        data = json.loads(r.to_json())
        assert validator(data) == []


MUTATIONS: list[tuple[str, Callable[[dict[str, Any]], None]]] = [
    ("raw value in a finding", lambda d: d["findings"][0].__setitem__("value", "x")),
    ("unknown status", lambda d: d["verdicts"]["payment"].__setitem__("status", "maybe")),
    ("negative count", lambda d: d["coverage"].__setitem__("records_read", -1)),
    ("missing field", lambda d: d.pop("people")),
    ("wrong type", lambda d: d["sources"][0].__setitem__("size", "984")),
    ("bool is not an int", lambda d: d["findings"][0].__setitem__("row", True)),
    ("bad severity level", lambda d: d["severity"].__setitem__("level", "extreme")),
    ("wrong tool", lambda d: d["meta"].__setitem__("tool", "other")),
]


@pytest.mark.parametrize("validator", VALIDATORS, ids=VALIDATOR_IDS)
@pytest.mark.parametrize(("label", "mutate"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_broken_reports_fail(
    validator: Callable[[Any], list[str]],
    label: str,
    mutate: Callable[[dict[str, Any]], None],
    report: exposure_scan.Report,
) -> None:
    data = json.loads(report.to_json())
    mutate(data)
    errors = validator(data)
    assert errors, label
    assert not [e for e in errors if any(v in e for v in RAW)]


def test_added_fields_stay_valid(report: exposure_scan.Report) -> None:
    """Open schema: a later minor version may add fields (except raw values in findings)."""
    data = json.loads(report.to_json())
    data["new_top_level"] = {"x": 1}
    data["verdicts"]["payment"]["new_field"] = True
    for validator in VALIDATORS:
        assert validator(data) == []


def test_schema_documents_every_report_field(report: exposure_scan.Report) -> None:
    data = report.to_dict()
    undocumented = sorted(set(data) - set(REPORT_SCHEMA["properties"]))
    assert not undocumented, f"add {undocumented} to render/json_schema.py and docs"
    finding = REPORT_SCHEMA["$defs"]["finding"]["properties"]
    assert sorted(finding) == sorted(FINDINGS_SCHEMA.names)
    verdict = REPORT_SCHEMA["$defs"]["verdict"]["properties"]
    assert sorted(verdict) == sorted(data["verdicts"]["payment"])
    severity = REPORT_SCHEMA["$defs"]["severity"]["properties"]
    assert data["severity"] is not None and sorted(severity) == sorted(data["severity"])


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-2, 2) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=4,
)


def _leaves(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, (*at, k))] or [at]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*at, i))] or [at]
    return [at]


@pytest.mark.skipif(len(VALIDATORS) < 2, reason="jsonschema not installed: nothing to compare")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_fallback_validator_agrees_with_jsonschema(
    data: st.DataObject, report: exposure_scan.Report
) -> None:
    doc = json.loads(report.to_json())
    paths = _leaves(doc)
    path = data.draw(st.sampled_from(paths))
    doc = copy.deepcopy(doc)
    if path:
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = data.draw(_json)
    fallback = validate_with_fallback(doc, REPORT_SCHEMA) == []
    assert fallback == (validate_report(doc) == [])
