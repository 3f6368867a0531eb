"""The pytest plugin, run as real pytest sessions with ``pytester``; and the assertion helpers.

The key property: a failing exposure test shows where the leak is (entity, source, row,
column, masked value) and never the raw value. Evidence holds documented test card numbers
and ``example.com`` addresses only.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.pytest_plugin import Scanner, _freeze, sha256_file
from exposure_scan.testing.assertions import (
    assert_absent,
    assert_present,
    assert_severity_at_most,
)

pytest_plugins = ["pytester"]

CARD = "4111111111111111"
CARD_SPACED = "4111 1111 1111 1111"
MASKED = "************1111"
EMAIL = "ada.lovelace@example.com"
CARDS_CSV = f"id,email,card\n1,{EMAIL},{CARD}\n2,bob@example.org,\n"
MAIL_CSV = f"id,email\n1,{EMAIL}\n"


# -- import cost --------------------------------------------------------------------------
def test_importing_the_plugin_loads_no_nlp_and_no_engine() -> None:
    code = (
        "import json, sys\n"
        "import exposure_scan.pytest_plugin\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('spacy', 'presidio_analyzer', 'thinc') or m == 'exposure_scan.engine')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    assert json.loads(out) == []


# -- sessions -----------------------------------------------------------------------------
@pytest.fixture
def evidence(pytester: pytest.Pytester) -> Path:
    d = pytester.path / "evidence"
    d.mkdir()
    (d / "cards.csv").write_text(CARDS_CSV, encoding="utf-8")
    (pytester.path / "mail.csv").write_text(MAIL_CSV, encoding="utf-8")
    return d


def _output(result: pytest.RunResult) -> str:
    return result.stdout.str() + "\n" + result.stderr.str()


def test_passing_session_scans_shared_evidence_once(
    pytester: pytest.Pytester, evidence: Path
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from exposure_scan.testing.assertions import assert_absent, assert_present

        pytestmark = pytest.mark.exposure_evidence("mail.csv", ner="off")

        def test_no_cards(exposure_report):
            assert_absent(exposure_report, "CREDIT_CARD")

        def test_emails(exposure_report):
            assert_present(exposure_report, "EMAIL_ADDRESS")

        @pytest.mark.exposure_evidence("mail.csv", ner="off", must_be_absent="CREDIT_CARD")
        def test_policy(exposure_report, exposure_policy):
            assert exposure_policy.must_be_absent == ("CREDIT_CARD",)
            assert exposure_report.violations == []

        def test_fixture_direct(exposure_scan, exposure_report):
            again = exposure_scan.scan("mail.csv", ner="off", must_be_absent=())
            assert again is exposure_report
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    # one scan: test_policy's own policy needs no second scan, only another view of the first
    result.stdout.fnmatch_lines(["exposure_scan: 1 scan(s), 4 cached"])


def test_failing_session_shows_masked_values_only(
    pytester: pytest.Pytester, evidence: Path
) -> None:
    pytester.makepyfile(
        """
        import pytest
        from exposure_scan.testing.assertions import assert_absent

        @pytest.mark.exposure_evidence("evidence", must_be_absent=["payment"], ner="off")
        def test_helper(exposure_report):
            assert_absent(exposure_report)

        @pytest.mark.exposure_evidence("evidence", ner="off")
        def test_plain_assert(exposure_report):
            assert exposure_report.status("payment") == "absent"

        @pytest.mark.exposure_evidence("evidence", ner="off")
        def test_report_method(exposure_report):
            exposure_report.assert_absent("payment", "contact")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "-l", "-vv")
    result.assert_outcomes(failed=3)
    out = _output(result)
    for raw in (CARD, CARD_SPACED, EMAIL, "ada.lovelace"):
        assert raw not in out
    assert MASKED in out
    result.stdout.fnmatch_lines(
        [
            "*expected absent:*",
            "*payment: present*",
            f"*CREDIT_CARD in *evidence/cards.csv row 0 column 'card': {MASKED}*",
        ]
    )
    # pytest's own rewriting stays readable: the compared values and where they came from
    result.stdout.fnmatch_lines(["*assert <Status.PRESENT: 'present'> == 'absent'*"])
    # the helper's frames are hidden: the failure points at the test line
    assert "exposure_scan/testing/assertions.py" not in out


def test_command_line_evidence_and_policy(pytester: pytest.Pytester, evidence: Path) -> None:
    pytester.makepyfile(
        """
        from exposure_scan.testing.assertions import assert_absent

        def test_policy(exposure_report, exposure_policy):
            assert exposure_policy.must_be_absent == ("payment", "vehicle")
            assert_absent(exposure_report)
        """
    )
    result = pytester.runpytest(
        "-p",
        "no:cacheprovider",
        "--exposure-evidence",
        "evidence/cards.csv",
        "--exposure-must-be-absent",
        "payment, vehicle",
        "--exposure-ner",
        "off",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*CREDIT_CARD in *cards.csv row 0 column 'card': {MASKED}*"])
    assert CARD not in _output(result)


def test_missing_evidence_fails_clearly(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        def test_none(exposure_report):
            pass

        @pytest.mark.exposure_evidence("nowhere.csv")
        def test_missing(exposure_report):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*no exposure evidence: mark the test with @pytest.mark.exposure_evidence(PATH)*",
            "*exposure evidence could not be scanned*nowhere.csv*",
        ]
    )


def test_session_report_json_and_html(pytester: pytest.Pytester, evidence: Path) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.exposure_evidence("evidence", ner="off")
        def test_one(exposure_report):
            assert exposure_report.status("payment") == "present"
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--exposure-report", "out/session.json")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["exposure_scan: 1 scan(s), 0 cached; report: *session.json"])
    json_path = pytester.path / "out" / "session.json"
    html_path = pytester.path / "out" / "session.html"
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["schema"] == "exposure_scan.session/1"
    assert data["version"] == exposure_scan.__version__
    (scan,) = data["scans"]
    (entry,) = scan["inputs"]
    cards = evidence / "cards.csv"
    assert entry["sha256"] == hashlib.sha256(cards.read_bytes()).hexdigest()
    assert entry["path"] == str(cards.resolve())
    assert scan["tests"] == ["test_session_report_json_and_html.py::test_one"]
    assert scan["options"]["ner"] == "off" and scan["policies"] == [[]]
    assert all("@" in ident for ident in scan["detectors"])
    assert exposure_scan.Report.from_dict(scan["report"]).status("payment") == "present"
    page = html_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and entry["sha256"] in page
    for path in (json_path, html_path):
        text = path.read_text(encoding="utf-8")
        assert CARD not in text and EMAIL not in text
        again = exposure_scan.scan(
            path, ner="off", reveal=True, detectors=[CreditCardDetector(), EmailDetector()]
        )
        values = [f["value"] for f in again.findings_table(reveal=True).to_pylist()]
        assert all("*" in v for v in values), path.name


def test_synthetic_leak_fixture(pytester: pytest.Pytester) -> None:
    pytest.importorskip("faker")
    pytester.makepyfile(
        """
        from exposure_scan.detectors import EmailDetector

        def test_leak(synthetic_leak, exposure_scan):
            path, leak = synthetic_leak(8, seed=3, fmt="csv", locales=["en_GB"])
            assert path.exists() and path.suffix == ".csv"
            planted = set(leak.truth.column("entity").to_pylist())
            assert "EMAIL_ADDRESS" in planted
            report = exposure_scan.scan(path, ner="off", detectors=[EmailDetector()])
            assert report.status("EMAIL_ADDRESS") == "present"
            second, _ = synthetic_leak(4, kind="tickets", fmt="jsonl", locales=["en_GB"])
            assert second != path and second.exists()
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


# -- the scanner cache --------------------------------------------------------------------
def test_scanner_cache_follows_content_and_options(tmp_path: Path) -> None:
    path = tmp_path / "mail.csv"
    path.write_text(MAIL_CSV, encoding="utf-8")
    scanner = Scanner({"ner": "off"})
    first = scanner.scan(path)
    assert scanner.scan(str(path)) is first and (scanner.scans, scanner.hits) == (1, 1)
    gated = scanner.scan(path, must_be_absent=["EMAIL_ADDRESS"])
    assert gated is not first and scanner.scans == 1  # a policy is a view, not a rescan
    assert gated.violations and not first.violations
    assert scanner.scan(path, must_be_absent=["EMAIL_ADDRESS"]) is gated
    assert scanner.scan(path, sample=1.0) is not first and scanner.scans == 2  # other options
    path.write_text(MAIL_CSV + "2,bob@example.org\n", encoding="utf-8")  # other content
    changed = scanner.scan(path)
    assert changed is not first and changed.counts()["EMAIL_ADDRESS"] == 2
    assert scanner.scans == 3


def test_scanner_rejects_bad_options_before_scanning(tmp_path: Path) -> None:
    path = tmp_path / "mail.csv"
    path.write_text(MAIL_CSV, encoding="utf-8")
    with pytest.raises(exposure_scan.ConfigurationError):
        Scanner().scan(path, colour="red")
    with pytest.raises(FileNotFoundError):
        Scanner().scan(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        ({"x": 1, "y": [1, 2]}, {"y": [1, 2], "x": 1}, True),
        ({"x": {"a", "b"}}, {"x": {"b", "a"}}, True),
        ({"x": [1, 2]}, {"x": [2, 1]}, False),
        ({"x": 1}, {"x": True}, False),
        ({"sample": 1}, {"sample": 1.0}, False),  # one record vs every record
        ({"k": b"key-1"}, {"k": b"key-2"}, False),
    ],
)
def test_freeze(a: dict[str, Any], b: dict[str, Any], equal: bool) -> None:
    assert (_freeze(a) == _freeze(b)) is equal
    hash(_freeze(a))


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=5000), chunk=st.integers(1, 700))
def test_sha256_file_in_chunks(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, chunk: int
) -> None:
    path = tmp_path_factory.mktemp("h") / "f.bin"
    path.write_bytes(data)
    assert sha256_file(path, chunk) == hashlib.sha256(data).hexdigest()


# -- assertion helpers --------------------------------------------------------------------
@pytest.fixture(scope="module")
def cards_report(tmp_path_factory: pytest.TempPathFactory) -> exposure_scan.Report:
    path = tmp_path_factory.mktemp("cards") / "cards.csv"
    path.write_text(CARDS_CSV, encoding="utf-8")
    return exposure_scan.scan(path, ner="off", must_be_absent=("payment",))


def test_assert_absent_message(cards_report: exposure_scan.Report) -> None:
    with pytest.raises(AssertionError) as info:
        assert_absent(cards_report)  # the report's own policy
    msg = str(info.value)
    assert msg.startswith("expected absent:\npayment: present")
    assert f"CREDIT_CARD in {cards_report.sources[0].source} row 0 column 'card': {MASKED}" in msg
    assert CARD not in msg and CARD_SPACED not in msg


def test_assert_absent_limits_examples(cards_report: exposure_scan.Report) -> None:
    with pytest.raises(AssertionError) as info:
        assert_absent(cards_report, "EMAIL_ADDRESS", limit=1)
    msg = str(info.value)
    assert msg.count("EMAIL_ADDRESS in ") == 1 and "... and 1 more" in msg
    assert EMAIL not in msg and "a***********@e******.com" in msg


@pytest.mark.parametrize(
    ("names", "passes"),
    [(("CREDIT_CARD",), False), (("payment", "contact"), False), (("US_SSN",), True)],
)
def test_assert_absent_table(
    cards_report: exposure_scan.Report, names: tuple[str, ...], passes: bool
) -> None:
    if passes:
        assert_absent(cards_report, *names)
    else:
        with pytest.raises(AssertionError):
            assert_absent(cards_report, *names)


@pytest.mark.parametrize(
    ("names", "passes"),
    [(("CREDIT_CARD", "contact"), True), (("US_SSN",), False), (("payment", "vehicle"), False)],
)
def test_assert_present_table(
    cards_report: exposure_scan.Report, names: tuple[str, ...], passes: bool
) -> None:
    if passes:
        assert_present(cards_report, *names)
    else:
        with pytest.raises(AssertionError, match="expected present:"):
            assert_present(cards_report, *names)


def test_helpers_need_names(tmp_path: Path) -> None:
    path = tmp_path / "mail.csv"
    path.write_text(MAIL_CSV, encoding="utf-8")
    report = exposure_scan.scan(path, ner="off")
    with pytest.raises(ValueError, match="must_be_absent"):
        assert_absent(report)
    with pytest.raises(ValueError):
        assert_present(report)


@pytest.mark.parametrize(
    ("limit", "passes"),
    [("very high", True), ("high", None), ("medium", None), ("low", None)],
)
def test_assert_severity_at_most(
    cards_report: exposure_scan.Report, limit: str, passes: bool | None
) -> None:
    sev = cards_report.severity()
    assert sev is not None
    from exposure_scan.verdicts.severity import Level

    ok = sev.level.rank <= Level(limit).rank if passes is None else passes
    if ok:
        assert_severity_at_most(cards_report, limit)
    else:
        with pytest.raises(AssertionError, match=f"severity {sev.level.value} exceeds {limit}"):
            assert_severity_at_most(cards_report, limit)


def test_assert_severity_bad_level_and_no_data(tmp_path: Path) -> None:
    path = tmp_path / "stock.csv"
    path.write_text("sku,qty\nA-1,3\n", encoding="utf-8")
    clean = exposure_scan.scan(path, ner="off")
    assert clean.severity() is None
    assert_severity_at_most(clean, "low")
    with pytest.raises(ValueError, match="unknown severity level"):
        assert_severity_at_most(clean, "extreme")
