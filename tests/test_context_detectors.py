"""Column-context entities (vehicle models, special categories, national ids) and vetoes."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

import exposure_scan
from exposure_scan import Status
from exposure_scan.detectors.base import find
from exposure_scan.detectors.online import IpAddressDetector


def scan_csv(tmp_path: Path, text: str) -> exposure_scan.Report:
    p = tmp_path / "t.csv"
    p.write_text(text)
    return exposure_scan.scan(p, ner="off")


@pytest.mark.parametrize(
    ("header", "values", "entity"),
    [
        ("car_model", ["Panda 1.2", "Golf GTI", "Model 3"], "VEHICLE_MODEL"),
        ("modello_auto", ["Tipo SW", "500X", "Ypsilon"], "VEHICLE_MODEL"),
        ("Fahrzeugmodell", ["Golf", "Passat Variant", "ID.4"], "VEHICLE_MODEL"),
        ("diagnosis", ["asthma", "type 2 diabetes", "hypertension"], "SPECIAL_CATEGORY"),
        ("Konfession", ["katholisch", "evangelisch", "keine"], "SPECIAL_CATEGORY"),
        ("national_id", ["AB1234567", "X-99812-K", "5544 3321"], "NATIONAL_ID"),
    ],
)
def test_a_column_announces_the_entity(
    tmp_path: Path, header: str, values: list[str], entity: str
) -> None:
    r = scan_csv(
        tmp_path, f"customer_id,{header}\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values))
    )
    assert r.counts().get(entity) == len(values), r.counts()
    assert set(
        r.findings_table()
        .filter(pa.compute.equal(r.findings_table()["entity"], entity))["column"]
        .to_pylist()
    ) == {header}


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("model", ["iPhone 14", "Galaxy S23"]),  # a product model is not a car
        ("product", ["Panda plush toy", "Golf balls x12"]),
        ("note", ["asthma inhaler shipped", "catholic school order"]),  # free text, no lexicon
    ],
)
def test_without_the_announcement_nothing_is_reported(
    tmp_path: Path, header: str, values: list[str]
) -> None:
    r = scan_csv(tmp_path, f"{header}\n" + "".join(f"{v}\n" for v in values))
    counts = r.counts()
    assert not {"VEHICLE_MODEL", "SPECIAL_CATEGORY", "NATIONAL_ID"} & set(counts), counts


def test_vehicle_category_is_absent_without_vins_plates_or_model_columns(tmp_path: Path) -> None:
    r = scan_csv(tmp_path, "email,city\na@example.com,Milano\nb@example.org,Torino\n")
    v = r.verdict("vehicle")
    assert v.status is Status.ABSENT, v.explain()


@pytest.mark.parametrize(
    ("cell", "found"),
    [
        ("login from 81.2.69.160", ["81.2.69.160"]),
        ("ref 1.2.3.4", []),
        ("firmware v2.0.0.1 installed", []),
        ("version: 10.4.1.2", []),
        ("10.0.0.1", ["10.0.0.1"]),
    ],
)
def test_version_strings_are_not_ip_addresses(cell: str, found: list[str]) -> None:
    hits = find(IpAddressDetector(), pa.array([cell]))
    assert hits.values.to_pylist() == found


def test_a_version_column_is_not_scanned_for_ip_addresses(tmp_path: Path) -> None:
    r = scan_csv(tmp_path, "app_version,client_ip\n1.2.3.4,81.2.69.160\n12.14.30.200,81.2.69.161\n")
    t = r.findings_table()
    assert t["column"].to_pylist() == ["client_ip", "client_ip"]


@pytest.mark.parametrize(
    ("cell", "expected", "forbidden"),
    [
        # digit runs inside an IBAN are part of it, not cards, phones or national ids
        (
            "pay IT60 X054 2811 1010 0000 0123 456 today",
            {"IBAN_CODE"},
            {"CREDIT_CARD", "PHONE_NUMBER", "FR_NIR"},
        ),
        # a VIN-shaped local part belongs to the email
        ("write to 1HGCM82633A004352@example.com", {"EMAIL_ADDRESS"}, {"VIN"}),
        # a German mobile number is not a 13-digit Visa
        ("call +49 4111 1111 1111 1", set(), {"CREDIT_CARD"}),
        # a 15-digit order number passing the NIR key is not a NIR without a NIR column
        ("order 184127645108946 shipped", set(), {"FR_NIR"}),
    ],
)
def test_parts_of_other_values_are_not_findings(
    tmp_path: Path, cell: str, expected: set[str], forbidden: set[str]
) -> None:
    found = set(scan_csv(tmp_path, f"note\n{cell}\n").counts())
    assert expected <= found and not (found & forbidden), found
