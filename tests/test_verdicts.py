"""Verdicts: every status and every reason, with the evidence they carry."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan import Status
from exposure_scan.detectors import EmailDetector
from exposure_scan.verdicts.severity import Context
from exposure_scan.verdicts.stats import prevalence_upper_bound

CARD = "4111111111111111"


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as f:
        csv.writer(f).writerows(rows)
    return path


def scan(paths: object, **kw: object) -> exposure_scan.Report:
    kw.setdefault("ner", "off")
    return exposure_scan.scan(paths, **kw)  # type: ignore[arg-type]


@pytest.fixture
def clean_csv(tmp_path: Path) -> Path:
    rows = [["customer_id", "email", "note"]]
    rows += [[str(1000 + i), f"user{i}@example.com", "called back"] for i in range(50)]
    return write_csv(tmp_path / "clean.csv", rows)


def test_present_with_counts_and_where(tmp_path: Path) -> None:
    p = write_csv(
        tmp_path / "c.csv", [["email", "card"], ["a@example.com", CARD], ["b@example.org", ""]]
    )
    r = scan(p)
    v = r.verdict("CREDIT_CARD")
    assert v.status is Status.PRESENT
    assert v.occurrences == 1 and v.counts == {"CREDIT_CARD": 1}
    assert r.where("payment") == [
        {
            "source": str(p),
            "row": 0,
            "column": "card",
            "entity": "CREDIT_CARD",
            "masked": "************1111",
        }
    ]


def test_absent_needs_exhaustive_scan_and_passed_controls(clean_csv: Path) -> None:
    r = scan(clean_csv)
    v = r.verdict("CREDIT_CARD")
    assert v.status is Status.ABSENT, v.explain()
    assert any("exhaustive scan: 50 record(s)" in reason for reason in v.reasons)
    assert [c.passed for c in v.controls] == [True]
    assert v.detectors == ("credit_card@1",)
    assert v.coverage.complete


def test_no_detector_makes_absence_inconclusive(clean_csv: Path) -> None:
    r = scan(clean_csv, detectors=[EmailDetector()])
    v = r.verdict("CREDIT_CARD")
    assert v.status is Status.INCONCLUSIVE
    assert "no detector ran for CREDIT_CARD" in v.reasons


def test_unreadable_record_makes_absence_inconclusive(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("email,note\na@example.com,x\nbroken\nb@example.com,y\n")
    v = scan(p).verdict("CREDIT_CARD")
    assert v.status is Status.INCONCLUSIVE
    assert "1 record(s) unreadable" in v.reasons


def test_failed_source_makes_absence_inconclusive(tmp_path: Path, clean_csv: Path) -> None:
    data = gzip.compress(clean_csv.read_bytes() * 200)
    (tmp_path / "cut.csv.gz").write_bytes(data[: len(data) // 2])
    r = scan([clean_csv, tmp_path / "cut.csv.gz"])
    failed = [s for s in r.sources if s.error]
    assert [s.source for s in failed] == [str(tmp_path / "cut.csv.gz")]
    v = r.verdict("CREDIT_CARD")
    assert v.status is Status.INCONCLUSIVE
    assert any("could not be read" in reason for reason in v.reasons)


def test_sampled_scan_is_never_absent_and_states_the_bound(clean_csv: Path) -> None:
    r = scan(clean_csv, sample=0.5, seed=7, key=b"k")
    v = r.verdict("CREDIT_CARD")
    assert v.status is Status.INCONCLUSIVE and v.sampled
    assert v.prevalence_upper_bound == pytest.approx(
        prevalence_upper_bound(v.coverage.cells_scanned)
    )
    assert "95% upper bound on prevalence" in v.reasons[0]
    # reproducible from the seed
    again = scan(clean_csv, sample=0.5, seed=7, key=b"k")
    assert again.findings_table().equals(r.findings_table())
    assert again.coverage() == r.coverage()


def test_sampled_scan_still_reports_presence(tmp_path: Path) -> None:
    rows = [["card"]] + [[CARD] for _ in range(200)]
    r = scan(write_csv(tmp_path / "c.csv", rows), sample=0.3, seed=1)
    assert r.status("CREDIT_CARD") is Status.PRESENT
    assert 20 < r.counts()["CREDIT_CARD"] < 120


def test_positive_control_fails_when_the_encoding_is_broken(tmp_path: Path) -> None:
    """Two exports glued together: UTF-8 first, then UTF-16. The file sniffs as UTF-8 (the
    NULs come after the head), the second half decodes into cells full of NUL characters in
    which no card number could ever match: absence cannot be claimed for this file."""
    head = "".join(f"{i},customer {i},called back\n" for i in range(3000))
    tail = "".join(f"{i},customer {i},no answer\n" for i in range(3000, 3100))
    p = tmp_path / "export.csv"
    p.write_bytes(b"id,name,note\n" + head.encode() + tail.encode("utf-16-le"))
    r = scan(p)
    assert r.sources[0].encoding == "utf-8" and r.sources[0].error is None
    v = r.verdict("CREDIT_CARD")
    assert v.status is Status.INCONCLUSIVE, v.explain()
    failed = [c for c in v.controls if not c.passed]
    assert failed and "NUL characters" in failed[0].reason
    # the same export without the broken half is fine
    p.write_bytes(b"id,name,note\n" + head.encode())
    assert scan(p).status("CREDIT_CARD") is Status.ABSENT


def test_card_numbers_stored_as_floats_are_found(tmp_path: Path) -> None:
    p = tmp_path / "cards.parquet"
    pq.write_table(pa.table({"pan": pa.array([4111111111111111.0, 1.5, None])}), p)
    r = scan(p)
    assert r.counts() == {"CREDIT_CARD": 1}
    assert all(c.passed for c in r.verdict("CREDIT_CARD").controls)


def test_policy_violations_and_masked_assertion_message(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "c.csv", [["email", "card"], ["a@example.com", CARD]])
    r = scan(p, must_be_absent=["CREDIT_CARD"])
    assert [v.name for v in r.violations] == ["CREDIT_CARD"]
    with pytest.raises(AssertionError) as info:
        r.assert_absent()
    message = str(info.value)
    assert "************1111" in message and "row 0" in message and "'card'" in message
    assert CARD not in message
    r.assert_present("CREDIT_CARD", "EMAIL_ADDRESS")


def test_custom_category(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "c.csv", [["email"], ["a@example.com"]])
    r = scan(p, categories={"reachability": ["EMAIL_ADDRESS", "PHONE_NUMBER"]})
    assert r.status("reachability") is Status.PRESENT


def test_affected_people_are_linked_across_sources(tmp_path: Path) -> None:
    a = write_csv(
        tmp_path / "a.csv", [["email", "card"], ["x@example.com", CARD], ["y@example.com", ""]]
    )
    b = tmp_path / "b.jsonl"
    b.write_text('{"contact": {"mail": "X@Example.com"}}\n{"contact": {"mail": "z@example.com"}}\n')
    key = b"case-4711-secret"
    r = scan([a, b], key=key)
    people = r.affected_people(key=key)
    assert people.num_rows == 3  # x (two sources), y, z
    x = [p for p in people.to_pylist() if p["records"] == 2]
    assert len(x) == 1 and x[0]["categories"] == ["contact", "payment"]
    assert len(x[0]["sources"]) == 2
    with pytest.raises(exposure_scan.ConfigurationError):
        r.affected_people(key=b"another key")


def test_severity_full_cards_is_dpc_4(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "c.csv", [["email", "card"], ["a@example.com", CARD]])
    sev = scan(p).severity()
    assert sev is not None and sev.dpc.value == 4
    low = scan(write_csv(tmp_path / "e.csv", [["email"], ["a@example.com"]])).severity(
        context=Context(controller="supermarket")
    )
    assert low is not None and low.dpc.value == 1
    assert "DPC" in low.explain()


def test_verdicts_survive_the_json_round_trip(tmp_path: Path, clean_csv: Path) -> None:
    r = scan(clean_csv, must_be_absent=["payment"])
    back = exposure_scan.Report.from_json(r.to_json())
    for name in ("CREDIT_CARD", "payment", "contact"):
        assert back.verdict(name).to_dict() == r.verdict(name).to_dict()
    assert back.to_json() == r.to_json()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.sampled_from([CARD, "", "a@example.com", "12345", "5555555555554444"]),
        min_size=1,
        max_size=40,
    ),
    batch_rows=st.integers(1, 7),
)
def test_any_split_of_the_work_gives_the_same_verdicts(
    tmp_path: Path, cells: list[str], batch_rows: int
) -> None:
    p = write_csv(tmp_path / "h.csv", [["value"]] + [[c] for c in cells])
    whole = scan(p, key=b"k")
    split = scan(p, key=b"k", batch_rows=batch_rows, block_size=64)
    assert whole.findings_table().equals(split.findings_table())
    for name in ("CREDIT_CARD", "EMAIL_ADDRESS", "payment"):
        assert whole.verdict(name).to_dict() == split.verdict(name).to_dict()
