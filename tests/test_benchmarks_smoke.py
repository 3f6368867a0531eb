"""The quality benchmarks run end to end in a tiny configuration, and score what they claim.

Each script runs as a subprocess (as a user would run it) on a few hundred generated rows and
writes its JSON into ``tmp_path``; nothing here needs ../shared. The scoring rules are checked
directly on hand-made cell and span sets, positives and look-alikes side by side.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


def _module(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


def _run(script: str, *args: str, cache: Path) -> None:
    """Run a benchmark with its own cache directory (other runs may share benchmarks/.cache)."""
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *args, "--cache", str(cache)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]


# --- detection ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def detection(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "detection.json"
    _run(
        "bench_detection.py",
        *("--rows", "200", "--presidio-rows", "20", "--headers", "en,none"),
        *("--presidio-headers", "en", "--repeat", "1", "--out", str(out)),
        cache=tmp / "cache",
    )
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def test_detection_json_has_every_section(detection: dict[str, Any]) -> None:
    assert {"machine", "rows", "headers", "presidio", "names", "targets", "scoring"} <= set(
        detection
    )
    assert detection["rows"] == 200
    assert set(detection["headers"]) == {"en", "none"}
    assert len(detection["machine"]["loadavg_1_5_15"]) == 3
    for res in detection["headers"].values():
        for ner in ("off", "auto"):
            run = res[ner]
            assert {"entities", "zero_tolerance_on_negatives", "negatives_by_entity"} <= set(run)
            assert set(run["zero_tolerance_on_negatives"]) == {"CREDIT_CARD", "IBAN_CODE", "VIN"}
            for m in run["entities"].values():
                assert 0.0 <= m["precision"] <= 1.0 and 0.0 <= m["recall"] <= 1.0


def test_detection_scores_line_up_with_the_file(detection: dict[str, Any]) -> None:
    """E-mails are unambiguous: a near-perfect score proves rows and columns are aligned
    (an off-by-one row or a misnamed column would put it near zero)."""
    for mode in ("en", "none"):
        email = detection["headers"][mode]["off"]["entities"]["EMAIL_ADDRESS"]
        assert email["f1"] >= 0.95, mode
        assert email["tp"] == round(200 * 0.97)


def test_detection_presidio_side_by_side(detection: dict[str, Any]) -> None:
    side = detection["presidio"]["headers"]["en"]
    assert side["rows"] == 20
    assert side["presidio"]["rows_per_s"] > 0
    runs = side["presidio"]["by_threshold"]
    assert set(runs) == {"score>=0.0", "score>=0.5"}
    assert runs["score>=0.0"]["entities"]["VIN"]["recall"] == 0.0  # presidio has no VIN
    assert runs["score>=0.0"]["entities"]["EMAIL_ADDRESS"]["recall"] > 0.5
    assert set(side["speedup"]) == {"off", "auto"}


def test_detection_names_check(detection: dict[str, Any]) -> None:
    names = detection["names"]
    assert names["names"] >= 200
    for header in ("name", "nome", "none"):
        assert 0.0 <= names[f"{header}/ner=off"]["recall"] <= 1.0


# --- free text ---------------------------------------------------------------------------
MINI_DATASET = [
    {
        "full_text": "Card 4111111111111111 was declined for jane.roe@example.com today.",
        "spans": [
            {"entity_type": "CREDIT_CARD", "start_position": 5, "end_position": 21},
            {"entity_type": "EMAIL_ADDRESS", "start_position": 39, "end_position": 59},
        ],
    },
    {
        "full_text": "Refund to IBAN GB82WEST12345698765432\nplease, order 12345.",
        "spans": [{"entity_type": "IBAN_CODE", "start_position": 15, "end_position": 37}],
    },
    {"full_text": "Nothing personal here, version 1.2.3.", "spans": []},
]


def test_freetext_on_a_dataset_file(tmp_path: Path) -> None:
    data = tmp_path / "mini.json"
    data.write_text(json.dumps(MINI_DATASET), encoding="utf-8")
    out = tmp_path / "freetext.json"
    _run(
        "bench_freetext.py",
        *("--dataset", str(data), "--tickets", "150", "--out", str(out)),
        cache=tmp_path / "cache",
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    synth = result["synth_dataset"]
    assert synth["sentences"] == 3
    assert {"exposure_scan", "presidio", "published_vanilla_presidio"} <= set(synth)
    ours = synth["exposure_scan"]["auto"]
    for kind in ("CREDIT_CARD", "EMAIL_ADDRESS", "IBAN_CODE"):
        assert ours[kind]["recall"] == 1.0 and ours[kind]["precision"] == 1.0, kind
    assert "f2" in synth["presidio"]["binary"]
    runs = result["tickets"]["runs"]
    assert runs["off"]["mb_per_s"] > 0 and runs["auto"]["mb_per_s"] > 0
    assert 0.0 < runs["auto"]["spacy_share"] <= runs["auto"]["ner_share"] <= 1.0
    assert result["tickets"]["quality"]["off"]["EMAIL_ADDRESS"]["recall"] >= 0.95
    assert (tmp_path / "cache" / "tickets-150-20240.log").is_file()  # --cache is honoured


def test_freetext_skips_a_missing_dataset(tmp_path: Path) -> None:
    out = tmp_path / "freetext.json"
    missing = tmp_path / "no-such-dir" / "synth_dataset_v2.json"
    _run(
        "bench_freetext.py",
        *("--dataset", str(missing), "--tickets", "30", "--ner", "off", "--out", str(out)),
        cache=tmp_path / "cache",
    )
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "not found" in result["synth_dataset"]["skipped"]
    assert set(result["tickets"]["runs"]) == {"off"}


# --- Dask ---------------------------------------------------------------------------------
def test_dask_bench_records_times_and_peaks(tmp_path: Path) -> None:
    """A one-worker cluster on a few hundred rows: the script checks the cluster's counts
    against the local engine's itself; here, every run is there with its peaks."""
    pytest.importorskip("distributed")
    out = tmp_path / "dask.json"
    proc = subprocess.run(
        [
            *(sys.executable, str(BENCH / "bench_dask.py"), "--rows", "400", "--workers", "1"),
            *("--repeat", "1", "--out", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    runs = json.loads(out.read_text(encoding="utf-8"))["runs"]
    assert {(r["input"], r["engine"]) for r in runs} == {
        (i, e) for i in ("parquet", "csv") for e in ("local", "dask")
    }
    for r in runs:
        assert r["seconds"] > 0 and r["rows_per_s"] > 0
        if r["engine"] == "dask":
            assert r["driver_peak_mib"] > 50 and r["worker_peak_mib"] > 50
    assert "| driver peak MiB |" in proc.stdout


def test_peak_memory_reading() -> None:
    bench = _module("bench_dask")
    bench.reset_peak()
    first = bench.peak_mib()
    assert first is not None and first > 10
    hold = b"x" * (64 << 20)  # written: 64 MiB resident
    assert bench.peak_mib() >= first + 60
    del hold
    bench.reset_peak()  # the peak falls back to what is resident now
    assert bench.peak_mib() < first + 60


# --- scoring rules -----------------------------------------------------------------------
TRUTH = {
    (0, "postcode", "POSTAL_ADDRESS"),
    (0, "street", "POSTAL_ADDRESS"),
    (0, "city", "LOCATION"),
    (0, "card_number", "CREDIT_CARD"),
}


@pytest.mark.parametrize(
    ("predicted", "entity", "expected"),
    [
        # a postcode reported as a place is the postal-address hit
        ({(0, "postcode", "LOCATION")}, "POSTAL_ADDRESS", (1, 0, 1)),
        ({(0, "postcode", "POSTAL_ADDRESS")}, "POSTAL_ADDRESS", (1, 0, 1)),
        # a street reported as a place is not the hit, but not a wrong place either
        ({(0, "street", "LOCATION")}, "POSTAL_ADDRESS", (0, 0, 2)),
        ({(0, "street", "LOCATION")}, "LOCATION", (0, 0, 1)),
        # look-alikes: a place on a country column, a card on an EAN column are wrong
        ({(0, "country", "LOCATION")}, "LOCATION", (0, 1, 1)),
        (
            {(0, "ean13", "CREDIT_CARD"), (0, "card_number", "CREDIT_CARD")},
            "CREDIT_CARD",
            (1, 1, 0),
        ),
        # the right entity in the wrong row does not count
        ({(1, "card_number", "CREDIT_CARD")}, "CREDIT_CARD", (0, 1, 1)),
    ],
)
def test_cell_scoring(predicted: set[Any], entity: str, expected: tuple[int, int, int]) -> None:
    bench = _module("bench_detection")
    s = bench.score_cells(TRUTH, predicted, [entity])[entity]
    assert (len(s.tp), len(s.fp), len(s.fn)) == expected


def test_zero_tolerance_counts_negative_columns_only() -> None:
    bench = _module("bench_detection")
    predicted = {(0, "ean13", "CREDIT_CARD"), (0, "iban", "CREDIT_CARD"), (0, "vin", "VIN")}
    truth = {(0, "iban", "IBAN_CODE"), (0, "vin", "VIN")}
    out, _ = bench.assess(predicted, truth, frozenset({"ean13"}), ["CREDIT_CARD", "VIN"])
    assert out["zero_tolerance_on_negatives"] == {"CREDIT_CARD": 1, "IBAN_CODE": 0, "VIN": 0}
    assert out["false_ids_on_other_pii_columns"] == {"CREDIT_CARD": {"iban": 1}}


@pytest.mark.parametrize(
    ("gold", "predicted", "kind", "tp", "fp", "fn"),
    [
        ([("PERSON", 0, 10)], [("PERSON", 5, 12)], "PERSON", 1, 0, 0),  # overlap is a match
        ([("PERSON", 0, 10)], [("PERSON", 10, 12)], "PERSON", 0, 1, 1),  # touching is not
        ([("PERSON", 0, 10)], [("LOCATION", 0, 10)], "PERSON", 0, 0, 1),  # wrong type
        ([("PERSON", 0, 10)], [("LOCATION", 0, 10)], "binary", 1, 0, 0),  # binary: any type
        ([], [("IP_ADDRESS", 3, 9)], "IP_ADDRESS", 0, 1, 0),  # version string as an IP
    ],
)
def test_span_scoring(
    gold: list[Any], predicted: list[Any], kind: str, tp: int, fp: int, fn: int
) -> None:
    bench = _module("bench_freetext")
    m = bench.score_spans([gold], [predicted], ["PERSON", "LOCATION", "IP_ADDRESS"])[kind]
    assert (m["tp"], m["fp"], m["fn"]) == (tp, fp, fn)


def test_span_scoring_counts_wrong_spans_on_ignored_gold() -> None:
    bench = _module("bench_freetext")
    m = bench.score_spans(
        [[]], [[("LOCATION", 0, 7)]], ["LOCATION"], ignored=[[("ORGANIZATION", 0, 7)]]
    )["LOCATION"]
    assert (m["fp"], m["fp_on_ignored_gold"], m["precision"]) == (1, 1, 0.0)


def test_metrics_edge_cases() -> None:
    bp = _module("_presidio")
    assert bp.prf(0, 0, 0)["f1"] == 1.0  # nothing to find, nothing invented
    assert bp.prf(0, 3, 0)["precision"] == 0.0
    assert bp.prf(9, 1, 1)["f2"] == pytest.approx(0.9, abs=1e-4)
    assert bp.shape("AB-12 cd") == "AA-99 aa"


# --- instruction counts --------------------------------------------------------------------
ANNOTATED = """\
--------------------------------------------------------------------------------
Ir
--------------------------------------------------------------------------------
1,000,000 (100.0%)  PROGRAM TOTALS

--------------------------------------------------------------------------------
Ir                      file:function
--------------------------------------------------------------------------------
400,000 (40.00%)  ???:re2::DFA::Search(std::basic_string_view<char>, bool*)
300,000 (30.00%)  /tmp/Python/ceval.c:_PyEval_EvalFrameDefault
 50,000 ( 5.00%)  /tmp/Include/object.h:_PyEval_EvalFrameDefault
 20,000 ( 2.00%)  ???:???

--------------------------------------------------------------------------------
-- Auto-annotated source: /tmp/Python/ceval.c
--------------------------------------------------------------------------------
 9,999 ( 1.00%)  x = a ? b : c;
"""


def test_instruction_counts_are_read_from_cg_annotate() -> None:
    """The totals line, every function once (summed over the files that list it, C++ names
    with colons whole), and nothing from annotated source that may follow."""
    bench = _module("bench_instructions")
    total, functions = bench.parse_annotate(ANNOTATED)
    assert total == 1_000_000
    assert functions == {
        "re2::DFA::Search(std::basic_string_view<char>, bool*)": 400_000,
        "_PyEval_EvalFrameDefault": 350_000,
        "???": 20_000,
    }
    small = (1_000, {"a": 100, "b": 500})
    large = (5_000, {"a": 3_100, "b": 700, "c": 200})
    per_row, split = bench.per_row(small, large, 100)
    assert per_row == 40.0
    assert split == [("a", 30.0), ("b", 2.0), ("c", 2.0)]
