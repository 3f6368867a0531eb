"""Phone numbers written nationally take the record's country from a country column."""

from __future__ import annotations

from pathlib import Path

import pyarrow.compute as pc
import pytest

import exposure_scan
from exposure_scan.detectors.structured import country_code
from exposure_scan.masking import keyed_hash

KEY = b"regions-test-key"


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("IT", "IT"),
        ("it", "IT"),
        ("Italia", "IT"),
        ("Deutschland", "DE"),
        ("España", "ES"),
        ("United Kingdom", "GB"),
        ("Schweiz", "CH"),
        ("", None),
        ("Atlantis", None),
        ("ZZ", None),
    ],
)
def test_country_code(cell: str, code: str | None) -> None:
    assert country_code(cell) == code


def scan(tmp_path: Path, text: str) -> exposure_scan.Report:
    p = tmp_path / "c.csv"
    p.write_text(text)
    return exposure_scan.scan(p, ner="off", key=KEY)


def test_the_record_country_decides_a_number_valid_in_several_plans(tmp_path: Path) -> None:
    r = scan(tmp_path, "telefono,paese\n06 12 34 56 78,Italia\n06 12 34 56 78,France\n")
    t = r.findings_table()
    phones = t.filter(pc.equal(t["entity"], "PHONE_NUMBER"))
    hashes = phones["value_hash"].to_pylist()
    assert hashes == [keyed_hash("+390612345678", KEY), keyed_hash("+33612345678", KEY)]


def test_a_plan_outside_the_default_regions_is_read_through_the_country(tmp_path: Path) -> None:
    """Portugal is not among the default regions: only the record's country makes the
    national number readable; the same number without a country column is not a phone."""
    with_country = scan(tmp_path, "phone,country\n21 123 4567,PT\n")
    assert with_country.counts().get("PHONE_NUMBER") == 1
    without = scan(tmp_path, "phone,city\n21 123 4567,Lisboa\n")
    assert without.counts().get("PHONE_NUMBER") is None
