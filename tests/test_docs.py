"""The documentation cannot drift from the code.

Like sqlite-utils' ``tests/test_docs.py``: every subcommand and option of the argparse parser
is documented in docs/cli.md, every plugin option and fixture in docs/pytest-plugin.md, every
report field in docs/report-schema.md; docs/report.schema.json is the schema in code; and the
commands and Python snippets the docs show actually parse and run.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

from exposure_scan import pytest_plugin
from exposure_scan.cli import EXIT_ERROR, EXIT_OK, EXIT_VIOLATION, build_parser, iter_options
from exposure_scan.findings import FINDINGS_SCHEMA
from exposure_scan.render.json_schema import REPORT_SCHEMA, report_schema

DOCS = Path(__file__).resolve().parents[1] / "docs"
REPO = DOCS.parent


def _read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _mentioned(text: str, token: str) -> bool:
    return re.search("`" + re.escape(token) + r"(?![\w-])", text) is not None


CLI_OPTIONS = sorted(set(iter_options(build_parser())))


def test_cli_options_are_introspected() -> None:
    commands = {cmd for cmd, opt in CLI_OPTIONS if cmd == opt}
    assert commands == {"scan", "explain", "schema", "baseline", "hook"}
    assert ("scan", "--must-be-absent") in CLI_OPTIONS and ("", "--version") in CLI_OPTIONS


@pytest.mark.parametrize(
    ("command", "option"), CLI_OPTIONS, ids=[f"{c}:{o}" for c, o in CLI_OPTIONS]
)
def test_cli_option_documented(command: str, option: str) -> None:
    text = _read("cli.md")
    if command == option:
        assert f"## `exposure-scan {command}" in text, f"no section for {command}"
    else:
        assert _mentioned(text, option), f"{option} ({command or 'global'}) not in docs/cli.md"


def test_exit_codes_documented() -> None:
    text = _read("cli.md")
    for code in (EXIT_OK, EXIT_VIOLATION, EXIT_ERROR):
        assert f"| {code} |" in text


def _plugin_options() -> list[str]:
    found: list[str] = []

    class Group:
        def addoption(self, *names: str, **_kw: Any) -> None:
            found.extend(names)

    class Parser:
        def getgroup(self, *_a: Any, **_k: Any) -> Group:
            return Group()

    pytest_plugin.pytest_addoption(Parser())  # type: ignore[arg-type]
    return found


def _plugin_fixtures() -> list[str]:
    return sorted(
        name
        for name, obj in vars(pytest_plugin).items()
        if type(obj).__name__ == "FixtureFunctionDefinition"
        or hasattr(obj, "_pytestfixturefunction")
    )


def test_plugin_introspection_finds_everything() -> None:
    assert len(_plugin_options()) == 4
    assert _plugin_fixtures() == [
        "exposure_policy",
        "exposure_report",
        "exposure_scan",
        "synthetic_leak",
    ]


@pytest.mark.parametrize("token", [*_plugin_options(), *_plugin_fixtures()])
def test_plugin_documented(token: str) -> None:
    assert _mentioned(_read("pytest-plugin.md"), token), f"{token} not in docs/pytest-plugin.md"


def test_marker_documented() -> None:
    text = _read("pytest-plugin.md")
    assert "## Marker" in text and "`@pytest.mark.exposure_evidence(*paths," in text


def test_schema_file_is_the_schema_in_code() -> None:
    assert json.loads(_read("report.schema.json")) == report_schema()


@pytest.mark.parametrize(
    "field",
    [
        *REPORT_SCHEMA["properties"],
        *FINDINGS_SCHEMA.names,
        *REPORT_SCHEMA["$defs"]["verdict"]["properties"],
    ],
)
def test_report_fields_documented(field: str) -> None:
    assert _mentioned(_read("report-schema.md"), field), f"{field} not in docs/report-schema.md"


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


DOC_COMMANDS = [
    (name, line)
    for name in ("cli.md", "quickstart.md", "pytest-plugin.md")
    for block in _blocks(_read(name), "sh")
    for line in block.splitlines()
    if line.startswith("exposure-scan ")
]


def test_docs_show_commands() -> None:
    assert len(DOC_COMMANDS) >= 8


@pytest.mark.parametrize(("doc", "line"), DOC_COMMANDS)
def test_documented_commands_parse(doc: str, line: str) -> None:
    parser = build_parser()
    try:
        args = parser.parse_args(shlex.split(line)[1:])
    except SystemExit as exc:  # pragma: no cover - only on a broken example
        pytest.fail(f"{doc}: {line!r} does not parse (exit {exc.code})")
    assert args.command in ("scan", "explain", "schema", "baseline", "hook")


@pytest.mark.parametrize("doc", ["quickstart.md", "pytest-plugin.md"])
def test_python_snippets_compile(doc: str) -> None:
    blocks = _blocks(_read(doc), "python")
    assert blocks
    for block in blocks:
        compile(block, doc, "exec")


def test_quickstart_python_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    block = _blocks(_read("quickstart.md"), "python")[0]
    assert "exposure_scan.scan" in block
    monkeypatch.chdir(REPO)
    exec(compile(block, "quickstart.md", "exec"), {})
    out = capsys.readouterr().out
    assert out.splitlines()[2].startswith("category") and "severity" in out.lower()
