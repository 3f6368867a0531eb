"""Authenticity of a leak against the company's records: normalisation, matching, verdicts,
and the hash-only fingerprint path giving exactly the direct result.

References and leaks are synthetic (``customer_table`` with different seeds): fake people
with fake addresses, e-mails on generated domains, and numbers from valid phone ranges.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any

import phonenumbers
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan.authenticity import (
    AUTHENTIC,
    KEYS,
    NOT_MATCHING,
    PARTIALLY_AUTHENTIC,
    AuthenticityReport,
    Thresholds,
    compare,
    fingerprint,
    map_columns,
)
from exposure_scan.authenticity.fingerprint import METADATA_KEY
from exposure_scan.authenticity.normalise import (
    normalise_address,
    normalise_email,
    normalise_name,
    normalise_phone,
    parse_day,
    region_of_country,
)
from exposure_scan.errors import ConfigurationError
from exposure_scan.testing.synthetic import customer_table

KEY = b"test key: synthetic records only"
CORE = ["first_name", "last_name", "street", "city", "postcode", "country", "email", "phone"]
GERMAN = {
    "first_name": "Vorname", "last_name": "Nachname", "street": "Straße", "city": "Ort",
    "postcode": "PLZ", "country": "Land", "email": "E-Mail", "phone": "Telefon",
    "created_at": "Registriert am",
}  # fmt: skip


# ----------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def reference() -> pa.Table:
    return customer_table(1000, seed=101, lookalikes=False).table


@pytest.fixture(scope="module")
def fake() -> pa.Table:
    """People never in the reference (another seed: other people, other domains)."""
    return customer_table(400, seed=202, lookalikes=False).table


def _rows(table: pa.Table, n: int, seed: int) -> pa.Table:
    idx = sorted(random.Random(seed).sample(range(table.num_rows), n))
    return table.take(pa.array(idx))


def _reformat_phone(value: str | None, country: str, style: int) -> str | None:
    e164 = None if value is None else normalise_phone(value, region_of_country(country))
    if e164 is None:
        return value
    number = phonenumbers.parse(e164)
    if style == 0:
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    if style == 1:
        return "00" + e164[1:]
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def _abbreviate(street: str | None) -> str | None:
    if street is None:
        return None
    for long, short in (("straße", "str."), ("strasse", "str."), ("Street", "St"), ("Road", "Rd")):
        street = re.sub(rf"{long}\b", short, street)
    return street.upper()


def authentic_leak(ref: pa.Table, n: int = 400) -> pa.Table:
    """A sample of the reference as a leak would carry it: other headers, other formats."""
    rows = _rows(ref, n, seed=1).select([*CORE, "created_at"]).to_pylist()
    random.Random(2).shuffle(rows)
    for i, r in enumerate(rows):
        r["email"] = r["email"] and r["email"].upper()
        r["phone"] = _reformat_phone(r["phone"], r["country"], i % 3)
        r["first_name"] = r["first_name"] and r["first_name"].upper()
        r["last_name"] = r["last_name"] and f" {r['last_name'].lower()}  "
        r["street"] = _abbreviate(r["street"])
    return pa.Table.from_pylist([{GERMAN[k]: v for k, v in r.items()} for r in rows])


def old_breach_leak(ref: pa.Table, fake: pa.Table, n: int = 400) -> pa.Table:
    """Real customers with the phones and addresses they had before: the reference moved on."""
    leak = _rows(ref, n, seed=3).select(CORE)
    for col in ("phone", "street", "postcode", "city"):
        leak = leak.set_column(leak.schema.get_field_index(col), col, fake[col].slice(0, n))
    return leak


def mixed_leak(ref: pa.Table, fake: pa.Table) -> pa.Table:
    return pa.concat_tables([_rows(ref, 300, seed=4).select(CORE), fake.slice(0, 300).select(CORE)])


# ----------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (" Jane.Doe@Example.COM ", "jane.doe@example.com", True),
        ("mailto:jane.doe@example.com", "jane.doe@example.com", True),
        ("j.doe@gmail.com", "jdoe@gmail.com", False),  # provider rules are not applied
        ("jdoe+shop@example.com", "jdoe@example.com", False),
        ("jane.doe@example.com", "jane.doe@example.org", False),
    ],
)
def test_email_normalisation(a: str, b: str, same: bool) -> None:
    assert normalise_email(a) is not None
    assert (normalise_email(a) == normalise_email(b)) is same


@pytest.mark.parametrize("value", ["jane.doe", "jane@localhost", "@example.com", "", "  "])
def test_email_lookalikes_are_unusable(value: str) -> None:
    assert normalise_email(value) is None


@pytest.mark.parametrize(
    ("value", "region", "e164"),
    [
        ("0351 3355732", "DE", "+493513355732"),
        ("+49 (0)351 3355732", None, "+493513355732"),
        ("0049 351 3355732", None, "+493513355732"),
        ("0351.3355732", region_of_country("Deutschland"), "+493513355732"),
        ("+33 3 72 39 32 04;ext=2879", None, "+33372393204"),
        ("333 123 4567", "IT", "+393331234567"),
        ("(212) 555-0147", "US", "+12125550147"),
    ],
)
def test_phone_normalisation(value: str, region: str | None, e164: str) -> None:
    assert normalise_phone(value, region) == e164


def test_phone_region_decides_national_numbers() -> None:
    """The same national digits are different numbers in different countries."""
    fr, nl = normalise_phone("0612345678", "FR"), normalise_phone("0612345678", "NL")
    assert fr == "+33612345678" and nl == "+31612345678"
    assert normalise_phone("0612345678", None, default_region="FR") == fr
    assert normalise_phone("0612345678", "NL", default_region="FR") == nl  # record wins


@pytest.mark.parametrize("value", ["n/a", "12", "unknown", "2019-03-21", ""])
def test_phone_lookalikes_are_unusable(value: str) -> None:
    assert normalise_phone(value, "DE") is None


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("DE", "DE"), ("deu", "DE"), ("Germany", "DE"), ("Deutschland", "DE"), ("Germania", "DE"),
        ("Allemagne", "DE"), ("España", "ES"), ("espana", "ES"), ("United Kingdom", "GB"),
        ("UK", "GB"), ("Italia", "IT"), ("Schweiz", "CH"), ("Nederland", "NL"), ("日本", "JP"),
        ("Narnia", None), ("", None), (None, None), ("Street", None),
    ],
)  # fmt: skip
def test_region_of_country(country: str | None, region: str | None) -> None:
    assert region_of_country(country) == region


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (["Mario", "Rossi"], ["ROSSI, Mario"], True),
        (["José", "García Márquez"], ["jose garcia marquez"], True),
        (["Siobhán", "O'Connor"], ["Siobhan OConnor"], True),
        (["Anne-Marie", "Smith-Jones"], ["Anne Marie Smith Jones"], True),
        (["Dr. Jane", "Doe"], ["Jane Doe"], True),
        (["Łukasz", "Wiśniewski"], ["Lukasz Wisniewski"], True),
        (["Mario", "Rossi"], ["Maria Rossi"], False),
        (["Mario", "Rossi"], ["Mario Rossini"], False),
        (["Jean", "Pierre"], ["Jean-Pierre Martin"], False),
    ],
)
def test_name_normalisation(a: list[str], b: list[str], same: bool) -> None:
    assert (normalise_name(a) == normalise_name(b)) is same


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (["Hauptstraße 5"], ["Hauptstr. 5"], True),
        (["Hauptstrasse 5", "10115", "Berlin"], ["10115 Berlin, HAUPTSTR 5"], True),
        (["12 Baker Street"], ["12 Baker St."], True),
        (["Via Roma 10"], ["via roma, 10"], True),
        (["V.le Roma 3"], ["Viale Roma 3"], True),
        (["P.zza Duomo 1"], ["Piazza Duomo 1"], True),
        (["10A Lee Road"], ["10 a Lee Rd"], True),
        (["Avenida de la Paz 4"], ["Avda. de la Paz 4"], True),
        (["Rue de Rivoli 7"], ["rue de rivoli nº 7"], True),
        (["Via Roma 10"], ["Via Roma 11"], False),
        (["Via Roma 10"], ["Viale Roma 10"], False),  # "via" is kept as a word
        (["Hauptstraße 5", "10115"], ["Hauptstraße 5", "10117"], False),
    ],
)
def test_address_normalisation(a: list[str], b: list[str], same: bool) -> None:
    assert (normalise_address(a) == normalise_address(b)) is same


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2019-03-21 13:05:04", "2019-03-21"),
        ("2019-03-21T13:05:04Z", "2019-03-21"),
        ("21.03.2019", "2019-03-21"),
        ("21/03/2019 10:00", "2019-03-21"),
        ("2019-13-01", None),
        ("31.02.2019", None),
        ("21/03/19", None),
        ("yesterday", None),
    ],
)
def test_parse_day(value: str, iso: str | None) -> None:
    from exposure_scan.authenticity.normalise import day_iso

    day = parse_day(value)
    assert (None if day is None else day_iso(day)) == iso


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzàéöñß", min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORD, min_size=1, max_size=4), st.randoms())
def test_name_ignores_case_order_and_spacing(words: list[str], rnd: random.Random) -> None:
    shuffled = [w.upper() for w in words]
    rnd.shuffle(shuffled)
    assert normalise_name(words) == normalise_name(["  ".join(shuffled)])


@settings(max_examples=60, deadline=None)
@given(st.emails())
def test_email_normalisation_is_idempotent(email: str) -> None:
    once = normalise_email(email.upper())
    assert once is not None and normalise_email(once) == once == normalise_email(email)


# ----------------------------------------------------------------------------- columns


@pytest.mark.parametrize(
    ("names", "keys"),
    [
        (["E-Mail", "Telefon", "Vorname", "Nachname", "Straße", "PLZ"], set(KEYS)),
        (["courriel", "nom complet", "adresse"], {"email", "name", "address"}),
        (["Nome", "Cognome", "Indirizzo"], {"name", "address"}),
        (["first_name", "street"], set()),  # a given name alone is no name key
        (["street", "city", "email"], {"email"}),  # an address needs a name
        (["email_hash", "phone_verified", "order_id"], set()),
    ],
)  # fmt: skip
def test_columns_from_headers(names: list[str], keys: set[str]) -> None:
    assert map_columns(names).keys() == keys


def test_creation_column_and_explicit_mapping() -> None:
    cmap = map_columns(["email", "updated_at", "created_at"])
    assert cmap.created == "created_at"
    assert map_columns(["email", "updated_at"]).created is None
    cmap = map_columns(["c1", "c2", "c3"], {"email": "c1", "address": ["c2", "c3"], "name": "c2"})
    assert cmap.keys() == {"email", "name", "address"} and cmap.email == "c1"
    with pytest.raises(ConfigurationError):
        map_columns(["email"], {"mail": "email"})
    with pytest.raises(ConfigurationError):
        map_columns(["email"], {"email": "E-Mail"})


# ----------------------------------------------------------------------------- verdicts


def _scenario(name: str, ref: pa.Table, fake: pa.Table) -> pa.Table:
    return {
        "authentic": lambda: authentic_leak(ref),
        "fabricated": lambda: fake.select(CORE),
        "mixed": lambda: mixed_leak(ref, fake),
        "old_breach": lambda: old_breach_leak(ref, fake),
    }[name]()


@pytest.fixture(scope="module")
def reports(reference: pa.Table, fake: pa.Table) -> dict[str, AuthenticityReport]:
    return {
        name: compare(_scenario(name, reference, fake), reference, key=KEY)
        for name in ("authentic", "fabricated", "mixed", "old_breach")
    }


def _per_key(report: AuthenticityReport) -> dict[str, float | None]:
    return {k.key: k.share for k in report.per_key}


def test_authentic_sample_reformatted(reports: dict[str, AuthenticityReport]) -> None:
    r = reports["authentic"]
    assert r.verdict == AUTHENTIC
    assert r.keys == ("email", "phone", "name", "address")
    assert all(share == 1.0 for share in _per_key(r).values()), _per_key(r)
    assert r.consistency == 1.0 and r.unmatched == 0
    assert r.multi_key == r.multi_key_same_record == r.leak_comparable == 400
    assert r.reference_matched == 400 and r.reference_coverage == pytest.approx(0.4)
    assert all(k.leak_unusable == 0 for k in r.per_key)


def test_fabricated_records_do_not_match(reports: dict[str, AuthenticityReport]) -> None:
    r = reports["fabricated"]
    assert r.verdict == NOT_MATCHING
    assert r.match_share is not None and r.match_share < 0.05
    assert _per_key(r)["email"] == _per_key(r)["phone"] == 0.0
    assert "below 10%" in r.reasons[0]


def test_mixed_leak_is_partially_authentic(reports: dict[str, AuthenticityReport]) -> None:
    r = reports["mixed"]
    assert r.verdict == PARTIALLY_AUTHENTIC
    assert r.match_share == pytest.approx(0.5, abs=0.03)
    assert r.unmatched_share == pytest.approx(0.5, abs=0.03)
    assert r.consistency is not None and r.consistency > 0.95  # the real half is consistent
    assert any("match nothing" in reason for reason in r.reasons)


def test_old_breach_matches_but_is_inconsistent(reports: dict[str, AuthenticityReport]) -> None:
    """Real e-mails and names with phones and addresses the reference no longer holds: high
    match share, low consistency, so not 'authentic' (an old copy or a compiled list)."""
    r = reports["old_breach"]
    shares = _per_key(r)
    assert shares["email"] == 1.0 and shares["name"] == 1.0
    assert shares["phone"] is not None and shares["phone"] < 0.05
    assert shares["address"] is not None and shares["address"] < 0.05
    assert r.match_share == 1.0
    assert r.consistency is not None and r.consistency < 0.5
    assert r.verdict == PARTIALLY_AUTHENTIC
    assert any("older copy" in reason for reason in r.reasons)
    pairs = {(p.matched_on, p.checked_key): p.share for p in r.pairs}
    assert pairs["email", "name"] == 1.0 and pairs["email", "phone"] < 0.05


def test_thresholds_decide_and_are_stated(
    reference: pa.Table, fake: pa.Table, reports: dict[str, AuthenticityReport]
) -> None:
    lenient = Thresholds(authentic_match=0.4, authentic_consistency=0.9, not_matching=0.05)
    r = compare(mixed_leak(reference, fake), reference, key=KEY, thresholds=lenient)
    assert r.verdict == AUTHENTIC
    assert r.to_dict()["thresholds"] == {
        "authentic_match": 0.4, "authentic_consistency": 0.9, "not_matching": 0.05,
    }  # fmt: skip
    assert "Thresholds: authentic >= 90% match" in reports["mixed"].summary()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"authentic_match": 1.5},
        {"not_matching": -0.1},
        {"not_matching": 0.95},
        {"authentic_consistency": "x"},
    ],
)
def test_invalid_thresholds_raise(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        Thresholds(**kwargs)


def test_no_raw_value_in_report(
    reference: pa.Table, reports: dict[str, AuthenticityReport]
) -> None:
    text = "\n".join(r.to_json() + r.summary() for r in reports.values()).casefold()
    sample = reference.slice(0, 300).select(["email", "phone", "last_name", "street"])
    for col in sample.columns:
        for value in col.to_pylist():
            if value and len(value.strip()) >= 5:
                assert value.strip().casefold() not in text
    json.loads(reports["authentic"].to_json())


# ----------------------------------------------------------------------------- fingerprints


@pytest.fixture(scope="module")
def fingerprint_file(reference: pa.Table, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fp") / "ref.fingerprint.parquet"
    meta = fingerprint(reference, KEY, path)
    assert meta["rows"] == 1000 and meta["keys"] == ["email", "phone", "name", "address"]
    return path


@pytest.mark.parametrize("scenario", ["authentic", "mixed", "old_breach"])
def test_fingerprint_path_equals_direct_path(
    scenario: str,
    reference: pa.Table,
    fake: pa.Table,
    fingerprint_file: Path,
    reports: dict[str, AuthenticityReport],
) -> None:
    via_file = compare(_scenario(scenario, reference, fake), fingerprint_file, key=KEY)
    assert via_file.to_dict() == reports[scenario].to_dict()


def test_fingerprint_file_holds_hashes_only(reference: pa.Table, fingerprint_file: Path) -> None:
    pf = pq.ParquetFile(fingerprint_file)
    meta = json.loads(pf.metadata.metadata[METADATA_KEY])
    assert meta["normalisation"] == "1" and meta["created"]["columns"] == ["created_at"]
    assert meta["created"]["first"] <= meta["created"]["last"]
    assert KEY.decode() not in json.dumps(meta) and KEY.hex() not in json.dumps(meta)
    stored = pf.read()
    assert stored.num_rows == 1000
    blob = json.dumps(stored.drop_columns(["created"]).to_pylist()).casefold()
    assert all(len(v) == 64 for v in stored["email"].drop_null().to_pylist())
    for value in reference["email"].slice(0, 200).drop_null().to_pylist():
        assert value.casefold() not in blob


def test_wrong_key_raises(reference: pa.Table, fingerprint_file: Path) -> None:
    with pytest.raises(ConfigurationError, match="key"):
        compare(reference.slice(0, 10), fingerprint_file, key=b"another key")


def test_other_normalisation_version_raises(fingerprint_file: Path, tmp_path: Path) -> None:
    table = pq.read_table(fingerprint_file)
    meta = json.loads(pq.ParquetFile(fingerprint_file).metadata.metadata[METADATA_KEY])
    meta["normalisation"] = "0"
    tampered = tmp_path / "old.fingerprint.parquet"
    with pq.ParquetWriter(tampered, table.schema) as writer:
        writer.write_table(table)
        writer.add_key_value_metadata({METADATA_KEY: json.dumps(meta)})
    with pytest.raises(ConfigurationError, match="normalisation"):
        compare(table.slice(0, 1), tampered, key=KEY)


def test_both_sides_as_fingerprints(
    reference: pa.Table,
    fingerprint_file: Path,
    reports: dict[str, AuthenticityReport],
    tmp_path: Path,
) -> None:
    leak_fp = tmp_path / "leak.fingerprint.parquet"
    fingerprint(authentic_leak(reference), KEY, leak_fp)
    r = compare(leak_fp, fingerprint_file, key=KEY)
    assert r.verdict == AUTHENTIC and r.match_share == 1.0 and r.consistency == 1.0
    assert r.to_dict()["per_key"] == reports["authentic"].to_dict()["per_key"]


# ----------------------------------------------------------------------------- options, inputs


def test_single_key_cannot_check_consistency(reference: pa.Table, fake: pa.Table) -> None:
    r = compare(old_breach_leak(reference, fake), reference, keys=["email"], key=KEY)
    assert r.keys == ("email",) and r.consistency is None and r.pairs == ()
    assert r.verdict == AUTHENTIC  # an e-mail list alone cannot tell an old copy from a new one
    assert any("not measurable" in reason for reason in r.reasons)


@pytest.mark.parametrize("keys", [["mail"], [], ["email", "ssn"]])
def test_unknown_keys_raise(reference: pa.Table, keys: list[str]) -> None:
    with pytest.raises(ConfigurationError):
        compare(reference.slice(0, 5), reference, keys=keys, key=KEY)


def test_key_the_reference_lacks_raises(reference: pa.Table) -> None:
    emails_only = reference.select(["email"])
    with pytest.raises(ConfigurationError, match="phone"):
        compare(reference.slice(0, 5), emails_only, keys=["email", "phone"], key=KEY)
    r = compare(reference.slice(0, 5), emails_only, key=KEY)  # default: what both sides have
    assert r.keys == ("email",)


def test_duplicates_inside_the_leak(reference: pa.Table) -> None:
    base = reference.slice(0, 100).select(CORE)
    leak = pa.concat_tables([base, base.slice(0, 25), base.slice(0, 5)])
    r = compare(leak, reference, key=KEY)
    assert r.leak_records == 130 and r.duplicates == 30
    assert r.duplicate_rate == pytest.approx(30 / 130)
    assert r.matched == 130 and r.verdict == AUTHENTIC


def test_creation_dates_of_matched_records(reference: pa.Table) -> None:
    """A leak of the oldest records: the matched range ends before the reference's."""
    days = [parse_day(v) for v in reference["created_at"].to_pylist()]
    order = sorted(range(len(days)), key=lambda i: days[i] or 0)
    leak = reference.take(pa.array(order[:200])).select(CORE)
    c = compare(leak, reference, key=KEY).created
    assert c is not None and c.columns == ("created_at",)
    newest = max(days[i] or 0 for i in order[:200])
    from exposure_scan.authenticity.normalise import day_iso

    assert c.matched_last == day_iso(newest) and c.matched_with_date == 200
    assert c.later_unmatched == sum(1 for d in days if d is not None and d > newest)
    assert c.reference_last is not None and c.matched_last < c.reference_last
    assert c.next_created is not None and c.next_created > c.matched_last


def test_files_and_explicit_columns(reference: pa.Table, tmp_path: Path) -> None:
    """Paths of any readable format; opaque leak headers mapped by hand."""
    ref_leak = customer_table(1000, seed=101, lookalikes=False)
    ref_path = ref_leak.write(tmp_path / "customers.csv")
    leak = _rows(reference, 150, seed=9).select(["email", "phone", "country"])
    leak = leak.rename_columns(["col_1", "col_2", "col_3"])
    leak_path = tmp_path / "dump.jsonl"
    leak_path.write_text("\n".join(json.dumps(r) for r in leak.to_pylist()) + "\n")
    r = compare(
        leak_path,
        ref_path,
        key=KEY,
        leak_columns={"email": "col_1", "phone": "col_2", "country": "col_3"},
    )
    assert r.keys == ("email", "phone", "name", "address")
    assert _per_key(r)["email"] == 1.0 and _per_key(r)["phone"] == 1.0
    assert r.verdict == AUTHENTIC and r.consistency == 1.0
    assert any("no column for: name, address" in n for n in r.notes)
    unmapped = compare(leak_path, ref_path, key=KEY)
    assert unmapped.leak_comparable == 0 and unmapped.verdict == NOT_MATCHING


class _Part:
    def __init__(self, table: pa.Table) -> None:
        self.table = table

    def compute(self) -> pa.Table:
        return self.table


class _DaskLike:
    """What compare() uses of a Dask DataFrame: partitions computed one at a time."""

    def __init__(self, table: pa.Table, parts: int) -> None:
        size = -(-table.num_rows // parts)
        self.parts = [_Part(table.slice(i * size, size)) for i in range(parts)]
        self.npartitions = parts

    def to_delayed(self) -> list[_Part]:
        return self.parts


def test_partitioned_dataframe_input(
    reference: pa.Table, reports: dict[str, AuthenticityReport]
) -> None:
    leak = authentic_leak(reference)
    r = compare(_DaskLike(leak, 3), _DaskLike(reference, 4), key=KEY)
    assert r.to_dict() == reports["authentic"].to_dict()


def test_key_must_be_given(reference: pa.Table) -> None:
    with pytest.raises(ConfigurationError):
        compare(reference.slice(0, 5), reference, key=b"")
