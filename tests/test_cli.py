"""The ``exposure-scan`` command line: output, exit codes, errors, progress.

Most tests call ``main(argv)`` in-process and capture stdout/stderr; a few run the real
``python -m exposure_scan`` to prove the module entry point and exit codes work end to end.
Evidence holds documented test card numbers and ``example.com`` addresses only.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from exposure_scan import Report
from exposure_scan._version import __version__
from exposure_scan.cli import ProgressLine, main, parse_fields, parse_sample
from exposure_scan.verdicts.severity import Circumstances, Context

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "leak"
CARD = "4111111111111111"
EMAIL = "ada.lovelace@example.com"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Any:
    def _run(*argv: str) -> Result:
        code = main(list(argv))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def card_leak(tmp_path: Path) -> Path:
    path = tmp_path / "cards.csv"
    path.write_text(f"id,email,card\n1,{EMAIL},{CARD}\n", encoding="utf-8")
    return path


@pytest.fixture
def mail_only(tmp_path: Path) -> Path:
    path = tmp_path / "mail.csv"
    path.write_text(f"id,email\n1,{EMAIL}\n2,bob@example.org\n", encoding="utf-8")
    return path


def _one_error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# -- scan ---------------------------------------------------------------------------------
def test_scan_example_prints_readable_summary(run: Any) -> None:
    r = run("scan", str(EXAMPLE), "--ner", "off")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[1] == "" and lines[0].startswith(f"exposure_scan {__version__}: 4 source(s)")
    assert lines[2].split() == ["category", "status", "count", "values", "people", "sources"]
    contact = next(line for line in lines if line.startswith("contact "))
    assert contact.split()[1] == "present"
    assert "customers.csv" in contact and "orders.jsonl" in contact
    out = r.out
    assert out.index("severity:") < out.index("coverage:") < out.index("notes:")
    assert "DPC" in out and "EI" in out and "CB" in out
    assert "\x1b[" not in out  # captured stdout is not a terminal: no colours
    assert r.err == ""


@pytest.mark.parametrize(
    ("policy", "fixture", "code"),
    [
        ("payment", "card_leak", 1),  # present
        ("payment,vehicle", "card_leak", 1),
        ("CREDIT_CARD", "mail_only", 0),  # absent: checked, controls passed
        ("EMAIL_ADDRESS", "mail_only", 1),
        (None, "card_leak", 0),  # no policy: nothing to violate
    ],
)
def test_policy_exit_codes(
    run: Any, request: pytest.FixtureRequest, policy: str | None, fixture: str, code: int
) -> None:
    path = request.getfixturevalue(fixture)
    argv = ["scan", str(path), "--ner", "off", "--format", "json"]
    if policy:
        argv += ["--must-be-absent", policy]
    r = run(*argv)
    assert r.code == code, r.err
    report = Report.from_json(r.out)
    assert list(report.must_be_absent) == (policy.split(",") if policy else [])
    if code == 1:
        assert "policy violated:" in r.err
    assert CARD not in r.out + r.err and EMAIL not in r.out + r.err


def test_policy_violation_message_is_masked_and_quiet_silences_it(
    run: Any, card_leak: Path
) -> None:
    r = run("scan", str(card_leak), "--ner", "off", "--must-be-absent", "payment")
    assert r.code == 1
    assert "exposure-scan: policy violated: payment is present (1 occurrence(s))" in r.err
    assert "payment: VIOLATED (present)" in r.out
    q = run("scan", str(card_leak), "--ner", "off", "--must-be-absent", "payment", "--quiet")
    assert q.code == 1 and q.err == ""


@pytest.mark.parametrize(
    ("fmt", "start"),
    [("json", "{"), ("markdown", "# Exposure report"), ("html", "<!DOCTYPE html>")],
)
def test_formats_and_output_file(
    run: Any, card_leak: Path, tmp_path: Path, fmt: str, start: str
) -> None:
    target = tmp_path / f"out.{fmt}"
    r = run("scan", str(card_leak), "--ner", "off", "-f", fmt, "-o", str(target))
    assert r.code == 0 and r.out == ""
    assert f"wrote {fmt} report to" in r.err
    text = target.read_text(encoding="utf-8")
    assert text.startswith(start)
    assert CARD not in text and EMAIL not in text
    assert "************1111" in text


def test_context_and_circumstances_reach_the_severity(run: Any, card_leak: Path) -> None:
    base = json.loads(run("scan", str(card_leak), "--ner", "off", "-f", "json").out)
    r = run(
        "scan",
        str(card_leak),
        "--ner",
        "off",
        "-f",
        "json",
        "--context",
        "controller=luxury cars, Milan,profiling=true",
        "--circumstances",
        "confidentiality=known_recipients,malicious_intent=no",
    )
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["context"]["controller"] == "luxury cars, Milan"
    assert data["context"]["profiling"] is True
    assert data["circumstances"]["malicious_intent"] is False
    assert data["severity"]["cb"]["value"] == 0.25
    assert base["severity"]["cb"]["value"] == 1.0


def test_key_file_makes_hashes_reproducible(run: Any, card_leak: Path, tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("correlation-key\n", encoding="utf-8")
    a, b = (
        json.loads(
            run("scan", str(card_leak), "--ner", "off", "-f", "json", "--key-file", str(key)).out
        )
        for _ in range(2)
    )
    c = json.loads(run("scan", str(card_leak), "--ner", "off", "-f", "json").out)
    hashes = [[f["value_hash"] for f in d["findings"]] for d in (a, b, c)]
    assert hashes[0] == hashes[1] != hashes[2]
    assert a["meta"]["key_supplied"] is True


def test_spill_dir_is_used_and_checked(
    run: Any, card_leak: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--spill-dir reaches the scan (every finding spilled at a zero budget); a missing
    directory is a usage error before anything is read."""
    from exposure_scan.engine import Spiller

    init = Spiller.__init__

    def zero_budget(self: Any, *a: Any) -> None:
        init(self, *a)
        self.budget = 0

    monkeypatch.setattr(Spiller, "__init__", zero_budget)
    spill = tmp_path / "spill"
    spill.mkdir()
    seen: list[list[str]] = []
    real = __import__("exposure_scan.findings", fromlist=["SpillDir"]).SpillDir.new_file

    def spy(self: Any) -> str:
        seen.append(sorted(p.name for p in spill.iterdir()))
        return str(real(self))

    monkeypatch.setattr("exposure_scan.findings.SpillDir.new_file", spy)
    r = run("scan", str(card_leak), "--ner", "off", "-f", "json", "--spill-dir", str(spill))
    assert r.code == 0, r.err
    assert seen and seen[0][0].startswith("exposure-scan-findings-")
    assert json.loads(r.out)["counts"]["CREDIT_CARD"] == 1
    r = run("scan", str(card_leak), "--ner", "off", "--spill-dir", str(tmp_path / "nope"))
    assert r.code == 2
    assert "spill_dir is not a directory" in _one_error_line(r.err)


# -- explain ------------------------------------------------------------------------------
def test_explain_reprints_a_stored_report(run: Any, card_leak: Path, tmp_path: Path) -> None:
    stored = tmp_path / "report.json"
    r = run("scan", str(card_leak), "--ner", "off", "-f", "json", "-o", str(stored), "-q")
    assert r.code == 0
    text = run("explain", str(stored))
    assert text.code == 0
    assert text.out.splitlines()[2].startswith("category")
    md = run("explain", str(stored), "--format", "markdown")
    assert md.out.startswith("# Exposure report")
    gate = run("explain", str(stored), "--must-be-absent", "payment")
    assert gate.code == 1 and "payment: VIOLATED" in gate.out


def test_explain_reads_stdin(
    run: Any, card_leak: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = tmp_path / "report.json"
    run("scan", str(card_leak), "--ner", "off", "-f", "json", "-o", str(stored), "-q")
    monkeypatch.setattr(sys, "stdin", io.StringIO(stored.read_text(encoding="utf-8")))
    r = run("explain", "-", "-f", "html")
    assert r.code == 0 and r.out.startswith("<!DOCTYPE html>") and CARD not in r.out


# -- errors -------------------------------------------------------------------------------
def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "not-json": ("report.json", "not json at all"),
        "not-a-report": ("empty.json", "{}"),
        "other-major": ("v9.json", json.dumps({"schema_version": "9.0"})),
        "not-utf8": ("bin.json", None),
    }
    out = {}
    for key, (name, content) in files.items():
        p = tmp_path / name
        if content is None:
            p.write_bytes(b"\xff\xfe\x00garbage")
        else:
            p.write_text(content, encoding="utf-8")
        out[key] = p
    return out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["scan", "{missing}"], "no such file or directory"),
        (["scan", "{leak}", "--sample", "abc"], "not a record count or fraction"),
        (["scan", "{leak}", "--sample", "1.5"], "fractional sample must be in (0, 1]"),
        (["scan", "{leak}", "--sample", "0"], "sample size must be >= 1"),
        (["scan", "{leak}", "--workers", "0"], "must be >= 1"),
        (["scan", "{leak}", "--format", "pdf"], "invalid choice"),
        (["scan", "{leak}", "--context", "colour=red"], "unknown context field 'colour'"),
        (["scan", "{leak}", "--context", "profiling=maybe"], "profiling must be true or false"),
        (["scan", "{leak}", "--context", "credentials_access=9"], "credentials_access"),
        (["scan", "{leak}", "--circumstances", "integrity=lost"], "integrity must be one of"),
        (["scan", "{leak}", "--key-file", "{missing}"], "No such file or directory"),
        (["scan"], "the following arguments are required: PATH"),
        (["frobnicate"], "invalid choice"),
        ([], "the following arguments are required: COMMAND"),
        (["explain", "{missing}"], "cannot read report"),
        (["explain", "{not-json}"], "not JSON"),
        (["explain", "{not-a-report}"], "not an exposure_scan report"),
        (["explain", "{other-major}"], "unsupported report schema_version"),
        (["explain", "{not-utf8}"], "not UTF-8"),
    ],
)
def test_errors_are_one_line_with_exit_code_2(
    run: Any, tmp_path: Path, card_leak: Path, argv: list[str], message: str
) -> None:
    names = {"leak": card_leak, "missing": tmp_path / "nope.csv", **_bad_files(tmp_path)}
    r = run(*(a.format(**names) if a.startswith("{") else a for a in argv))
    assert r.code == 2
    line = _one_error_line(r.err)
    assert line.startswith("exposure-scan")
    assert message in line


def test_debug_shows_the_traceback(run: Any, tmp_path: Path) -> None:
    bad = tmp_path / "empty.json"
    bad.write_text("{}", encoding="utf-8")
    r = run("explain", str(bad), "--debug")
    assert r.code == 2
    assert "Traceback (most recent call last)" in r.err
    assert r.err.rstrip().splitlines()[-1].startswith("exposure-scan explain: error:")


def test_internal_errors_name_only_the_exception_type(
    run: Any, card_leak: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import exposure_scan

    def boom(*_a: Any, **_k: Any) -> Report:
        raise RuntimeError(f"parser choked on {CARD}")

    monkeypatch.setattr(exposure_scan, "scan", boom)
    r = run("scan", str(card_leak), "--ner", "off")
    assert r.code == 2
    line = _one_error_line(r.err)
    assert "internal error (RuntimeError)" in line and CARD not in line


def test_version_and_help(run: Any) -> None:
    v = run("--version")
    assert v.code == 0 and v.out.strip() == f"exposure-scan {__version__}"
    h = run("scan", "--help")
    assert h.code == 0 and "--must-be-absent" in h.out


# -- option parsers -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [("500", 500), ("1", 1), ("0.1", 0.1), ("1.0", 1.0), ("10%", 0.1), (" 25% ", 0.25)],
)
def test_parse_sample(text: str, value: float | int) -> None:
    got = parse_sample(text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("text", ["0", "0.0", "1.5", "-3", "abc", "150%", "", "1e400"])
def test_parse_sample_rejects(text: str) -> None:
    import argparse

    with pytest.raises(argparse.ArgumentTypeError):
        parse_sample(text)


@pytest.mark.parametrize(
    ("text", "cls", "expected"),
    [
        ("profiling=true", Context, {"profiling": True}),
        (
            "profiling=No,credentials_access=3",
            Context,
            {"profiling": False, "credentials_access": 3},
        ),
        ("controller=cars, bikes", Context, {"controller": "cars, bikes"}),
        ("controller=a=b", Context, {"controller": "a=b"}),
        ("malicious-intent=0", Circumstances, {"malicious_intent": False}),
        ("availability=temporary", Circumstances, {"availability": "temporary"}),
    ],
)
def test_parse_fields(text: str, cls: type, expected: dict[str, Any]) -> None:
    assert parse_fields(text, cls) == expected


# -- progress -----------------------------------------------------------------------------
def _event(**kw: Any) -> SimpleNamespace:
    base = {"source": "dir/big.csv", "records": 12000, "bytes_done": 0, "bytes_total": 0}
    return SimpleNamespace(**{**base, "elapsed": 0.0, **kw})


@pytest.mark.parametrize(
    ("event", "parts"),
    [
        (
            _event(bytes_done=50 << 20, bytes_total=100 << 20, elapsed=10.0),
            [
                "scanning big.csv",
                "50.0 MiB / 100.0 MiB (50%)",
                "12,000 records",
                "5.0 MiB/s",
                "1,200 rec/s",
                "ETA 0:10",
            ],
        ),
        (
            _event(bytes_total=1 << 30, elapsed=2.0),
            ["0 B / 1.0 GiB (0%)", "  6,000 rec/s", "ETA ?"],
        ),
        (_event(), ["scanning big.csv", "0 B", "12,000 records"]),
        (
            _event(bytes_done=3 << 30, bytes_total=4 << 30, elapsed=3600.0),
            ["(75%)", "ETA 20:00"],
        ),
        (
            _event(bytes_done=1 << 30, bytes_total=4 << 30, elapsed=3600.0),
            ["(25%)", "ETA 3:00:00"],
        ),
    ],
)
def test_progress_line_format(event: SimpleNamespace, parts: list[str]) -> None:
    line = ProgressLine.format(event)
    for part in parts:
        assert part in line
    if not event.elapsed:
        assert "ETA" not in line


def test_progress_line_redraws_at_most_every_interval_and_erases() -> None:
    now = [0.0]
    stream = io.StringIO()
    line = ProgressLine(stream, interval=0.5, clock=lambda: now[0], width=60)
    for t in (0.0, 0.1, 0.2, 0.6, 0.7, 1.2):
        now[0] = t
        line(_event(elapsed=t + 1))
    assert stream.getvalue().count("\r") == 3
    line.close()
    assert stream.getvalue().endswith("\r" + " " * 59 + "\r")
    assert all(len(chunk) <= 59 for chunk in stream.getvalue().split("\r"))


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("tty", "quiet", "shown"), [(True, False, True), (True, True, False)])
def test_progress_only_on_a_terminal_and_not_quiet(
    monkeypatch: pytest.MonkeyPatch, card_leak: Path, tty: bool, quiet: bool, shown: bool
) -> None:
    err = _Tty() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    argv = ["scan", str(card_leak), "--ner", "off"] + (["--quiet"] if quiet else [])
    assert main(argv) == 0
    assert ("records" in err.getvalue()) is shown
    assert ("\r" in err.getvalue()) is shown


def test_no_progress_when_stderr_is_not_a_terminal(run: Any, card_leak: Path) -> None:
    r = run("scan", str(card_leak), "--ner", "off")
    assert r.code == 0 and "\r" not in r.err and r.err == ""


# -- real processes -----------------------------------------------------------------------
def _python_m(*argv: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run(
        [sys.executable, "-m", "exposure_scan", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )


def test_python_m_scan_example() -> None:
    p = _python_m("scan", "examples/leak", "--ner", "off", "--must-be-absent", "contact")
    assert p.returncode == 1, p.stderr
    assert p.stdout.splitlines()[2].startswith("category")
    assert "policy violated: contact is present" in p.stderr


def test_python_m_usage_error_exit_code(tmp_path: Path) -> None:
    p = _python_m("scan", str(tmp_path / "missing.csv"))
    assert p.returncode == 2
    assert _one_error_line(p.stderr) == (
        f"exposure-scan scan: error: no such file or directory: {tmp_path / 'missing.csv'}"
    )
    assert p.stdout == ""


@pytest.mark.skipif(shutil.which("exposure-scan") is None, reason="console script not installed")
def test_console_script_version() -> None:
    exe = shutil.which("exposure-scan")
    assert exe is not None
    p = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0 and p.stdout.strip() == f"exposure-scan {__version__}"


def test_scan_accepts_a_database_url(tmp_path: Path) -> None:
    """A SQLite URL is an input like a path (PostgreSQL URLs take the same route)."""
    import sqlite3

    pytest.importorskip("adbc_driver_sqlite")
    db = tmp_path / "crm.db"
    with sqlite3.connect(db) as con:
        con.execute("create table customers (email text)")
        con.execute("insert into customers values ('a@example.com')")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["scan", f"sqlite:///{db}", "--ner", "off", "--format", "json"])
    assert code == 0
    assert '"EMAIL_ADDRESS": 1' in out.getvalue()


def test_the_command_line_process_runs_without_busy_blas_threads() -> None:
    """The command line is its own process: it sets OPENBLAS_NUM_THREADS=1 before numpy is
    imported (unless the user set it), so OpenBLAS starts no busy-waiting threads."""
    import os
    import subprocess
    import sys

    code = (
        "import os, sys; from exposure_scan.cli import main; main(['--version']); "
        "print(os.environ.get('OPENBLAS_NUM_THREADS'), 'numpy' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    assert out[-2:] == ["1", "False"]
    env["OPENBLAS_NUM_THREADS"] = "4"  # the user's own setting wins
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    assert out[-2:] == ["4", "False"]
