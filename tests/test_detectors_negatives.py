"""Precision traps: look-alikes that carry the shape of an identifier but are something else.

Each must produce no validated finding. The sweep runs every detector that works without a
column role (those that would report on any cell of any file) over the same corpus; the
per-detector tables cover the near misses each validator exists to refuse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import luhn

import exposure_scan
from exposure_scan.detectors import (
    BankAccountDetector,
    CardExpiryDetector,
    CardSecurityCodeDetector,
    CreditCardDetector,
    CryptoWalletDetector,
    DateOfBirthDetector,
    DeTaxIdDetector,
    Detector,
    EsNifDetector,
    FrNirDetector,
    HexPasswordHashDetector,
    IbanDetector,
    IpAddressDetector,
    ItFiscalCodeDetector,
    LicensePlateDetector,
    MaskedCardDetector,
    PassportDetector,
    PasswordDetector,
    PasswordHashDetector,
    PhoneDetector,
    SwiftCodeDetector,
    UkNinoDetector,
    UsernameDetector,
    UsSsnBareDetector,
    UsSsnDetector,
    VinDetector,
    checksums,
    default_detectors,
    find,
)

ANYWHERE = [d for d in default_detectors() if not d.context]


def found(det: Detector, cells: list[str]) -> list[str]:
    values = find(det, pa.array(cells, pa.string())).values
    return values.to_pylist() if isinstance(values, pa.Array) else list(values)


def found_by_any(cells: list[str]) -> dict[str, list[str]]:
    out = {d.ident: found(d, cells) for d in ANYWHERE}
    return {k: v for k, v in out.items() if v}


LOOK_ALIKES = [
    # order numbers, barcodes, Luhn-valid numbers outside every card range
    "1000234567891",
    "20231115000123",
    "987654321098765",
    "1234567812345670",
    "2012345678901233",
    "8000000000000003",
    "9999999999999995",
    "4006381333931",
    "5901234123457",
    "4901234567894",
    "8001234567897",
    "0012345678905",
    "978-3-16-148410-0",
    # timestamps and dates
    "2024-01-15",
    "15/01/2024",
    "01/15/2024",
    "15.01.2024",
    "15-01-2024",
    "20240115",
    "2024-01-15 12:30:45",
    "2024-01-15T12:30:45.123Z",
    "15/01/2024 08:00",
    "1705312245",
    "1705312245123",
    "12:30:45",
    # UUIDs and digests
    "550e8400-e29b-41d4-a716-446655440000",
    "123E4567-E89B-12D3-A456-426614174000",
    "550e8400e29b41d4a716446655440000",
    hashlib.md5(b"x").hexdigest(),
    hashlib.sha1(b"x").hexdigest(),
    hashlib.sha256(b"x").hexdigest(),
    "a1b2c3d",
    # versions and OIDs
    "v1.2.3.4",
    "1.2.3.4.5",
    "version 10.0.19041.1234",
    "1.3.6.1.4.1.311.21.20",
    "1.0.0-rc.1",
    # prices and amounts
    "1,234.56",
    "1.234,56 €",
    "€ 12.345.678,90",
    "$1,234,567.89",
    "1234567.89",
    "12345678,90",
    "1.234.567",
    # coordinates
    "45.4642, 9.1900",
    "45.46421234,9.19001234",
    "-73.9857123",
    "40.7127753 -74.0059728",
    "139.6917064",
    # integer ids and postcodes
    "123456",
    "654321",
    "20121",
    "10115",
    "75008",
    "SW1A 1AA",
    "1012 AB",
    "90210-1234",
    # network look-alikes
    "00:1A:2B:3C:4D:5E",
    "00-1A-2B-3C-4D-5E",
    "Foo::bar",
    "std::vector<int>",
    # car models and words that are not VINs
    "Ferrari 296 GTB",
    "Roma Spider",
    "Model S Plaid",
    "Fiat 500X",
    "SF90 Stradale",
    "XC90 Recharge T8",
    "12345678901234567",
    "ABCDEFGHJKLMNPRST",
    # e-mail look-alikes
    "user@host.local",
    "a@b.c",
    "foo@bar",
]


@pytest.mark.parametrize("value", LOOK_ALIKES)
def test_no_detector_without_context_fires_on_look_alikes(value: str) -> None:
    assert found_by_any([value, f"ref: {value} (see above)"]) == {}


def test_dotted_quad_is_an_address_even_when_it_is_a_version() -> None:
    """Documented limit: a bare ``1.2.3.4`` is a valid IPv4 address and is reported as one;
    only a longer dotted run (``1.2.3.4.5``, OIDs) or a glued ``v`` tells a version apart."""
    assert found(IpAddressDetector(), ["1.2.3.4", "v1.2.3.4", "1.2.3.4.5"]) == ["1.2.3.4"]
    assert found(PhoneDetector(), ["1.2.3.4", "10.20.30.40", "192.168.100.200"]) == []


NEGATIVES: list[tuple[type[Detector], str]] = [
    (CreditCardDetector, "4111111111111112"),  # Luhn fails
    (CreditCardDetector, "4111 1111-1111 1111"),  # mixed separators
    (CreditCardDetector, "2012345678901233"),  # Luhn-valid, 2-series outside 2221-2720
    (CreditCardDetector, "5901234123457"),  # EAN-13 passing Luhn
    (MaskedCardDetector, "********"),
    (MaskedCardDetector, "**** **** ****"),
    (MaskedCardDetector, "1234 5678 **** 1111"),  # eight leading digits in clear
    (MaskedCardDetector, "7111********1111"),  # not a card industry digit
    (MaskedCardDetector, "XXXXXXXXXXXX11111111"),  # too long
    (CardExpiryDetector, "13/25"),
    (CardExpiryDetector, "00/25"),
    (CardExpiryDetector, "12/1999"),
    (CardSecurityCodeDetector, "12"),
    (CardSecurityCodeDetector, "12345"),
    (IbanDetector, "DE89370400440532013001"),  # check digits wrong
    (IbanDetector, "DE8937040044053201300"),  # too short for DE
    (IbanDetector, "XX89370400440532013000"),  # no such country
    (IbanDetector, "3704 0044 0532 0130 00"),  # a fragment
    (SwiftCodeDetector, "DEUTXXFF"),  # XX is no country
    (SwiftCodeDetector, "Deutdeff"),
    (SwiftCodeDetector, "DEUTDEF"),
    (BankAccountDetector, "123456789"),  # ABA checksum fails
    (BankAccountDetector, "999999999"),
    (BankAccountDetector, "12-34-567"),
    (UsSsnDetector, "000-12-3456"),
    (UsSsnDetector, "666-12-3456"),
    (UsSsnDetector, "900-12-3456"),
    (UsSsnDetector, "536-00-1234"),
    (UsSsnDetector, "536-22-0000"),
    (UsSsnDetector, "078-05-1120"),  # the Woolworth wallet card
    (UsSsnDetector, "219-09-9999"),  # Social Security Board advertisement
    (UsSsnBareDetector, "123456789"),
    (ItFiscalCodeDetector, "RSSMRA85T10A562T"),  # wrong check letter
    (ItFiscalCodeDetector, "RSSMRA85Z10A562S"),  # no month Z
    (UkNinoDetector, "QQ123456C"),  # HMRC's example, never issued
    (UkNinoDetector, "BG123456A"),
    (UkNinoDetector, "DA123456A"),
    (UkNinoDetector, "AB123456E"),
    (EsNifDetector, "12345678A"),  # wrong letter
    (EsNifDetector, "B12345674"),  # a company CIF, not a person
    (EsNifDetector, "X1234567A"),
    (DeTaxIdDetector, "12345678901"),
    (DeTaxIdDetector, "01234567890"),
    (DeTaxIdDetector, "11111111111"),
    (FrNirDetector, "184127645108947"),  # key wrong
    (FrNirDetector, "584127645108946"),  # 5 is no sex/status digit
    (PassportDetector, "UNKNOWN"),
    (PassportDetector, "1111111"),
    (PassportDetector, "12345"),
    (DateOfBirthDetector, "2099-01-01"),
    (DateOfBirthDetector, "1899-12-31"),
    (DateOfBirthDetector, "31/02/1980"),
    (DateOfBirthDetector, "99/99/9999"),
    (DateOfBirthDetector, "00/00/0000"),
    (DateOfBirthDetector, "15 Foo 1980"),
    (IpAddressDetector, "256.1.1.1"),
    (IpAddressDetector, "01.02.03.04"),
    (IpAddressDetector, "1.2.3"),
    (IpAddressDetector, "10.0.0.1a"),
    (IpAddressDetector, "::"),
    (IpAddressDetector, "abc::def"),  # valid syntax, but no digit: a C++ scope, not a host
    (VinDetector, "11111111111111111"),
    (VinDetector, "1HGCM82633A004353"),  # check digit wrong
    (VinDetector, "1HGcm82633A004352"),  # mixed case
    (VinDetector, "0HGCM82633A004352"),  # no region 0
    (LicensePlateDetector, "ABCDEF"),
    (LicensePlateDetector, "123456"),
    (LicensePlateDetector, "A1"),
    (LicensePlateDetector, "A-B-C-1"),
    (CryptoWalletDetector, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"),
    (CryptoWalletDetector, "0x52908400098527886E0F7030069857D2E4169Ee7"),
    (CryptoWalletDetector, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr"),
    (PasswordHashDetector, "$2b$12$short"),
    (PasswordHashDetector, "costs $1$ each"),
    (PasswordHashDetector, "$6$salt$tooshort"),
    (PasswordHashDetector, "$argon2id$garbage"),
    (HexPasswordHashDetector, "d41d8cd98f00b204e9800998ecf8427"),  # 31 characters
    (HexPasswordHashDetector, "12345678901234567890123456789012"),  # digits only: an id
    (HexPasswordHashDetector, "ffffffffffffffffffffffffffffffff"),
    (PasswordDetector, "NULL"),
    (PasswordDetector, "N/A"),
    (PasswordDetector, "********"),
    (PasswordDetector, "[redacted]"),
    (UsernameDetector, "jane.doe@example.com"),
    (UsernameDetector, "null"),
]


@pytest.mark.parametrize(
    ("cls", "value"), NEGATIVES, ids=[f"{c.__name__}:{v}" for c, v in NEGATIVES]
)
def test_near_miss_is_refused(cls: type[Detector], value: str) -> None:
    assert found(cls(), [value]) == []


PHONE_TRAPS = [
    *LOOK_ALIKES,
    "4111 1111 1111 1111",
    "4111111111111111",
    "378282246310005",
    "DE89 3704 0044 0532 0130 00",
    "IT60X0542811101000000123456",
    "ID12345678",
    "10.0.0.1",
    "192.168.1.10",
    "333.1234567",  # a lone dot reads as a decimal; the price of refusing coordinates
]


@pytest.mark.parametrize("value", PHONE_TRAPS)
def test_phone_traps(value: str) -> None:
    assert found(PhoneDetector(), [value]) == []


def test_phone_traps_count_as_near_misses_only_when_phone_shaped() -> None:
    hits = find(PhoneDetector(), pa.array(["15/01/2024", "hello", "123"], pa.string()))
    assert (hits.cell.size, hits.near_misses) == (0, 1)


def test_iso_date_cells_are_not_even_phone_candidates() -> None:
    """An ISO date or timestamp cell is vetoed whole (PhoneDetector.cell_veto): no near miss."""
    hits = find(PhoneDetector(), pa.array(["2024-01-15", "2024-01-15T10:00:00Z"], pa.string()))
    assert (hits.cell.size, hits.near_misses) == (0, 0)


# --------------------------------------------------------------------------- generated traps


@settings(max_examples=80, deadline=None)
@given(st.uuids())
def test_uuids_are_nothing(value: object) -> None:
    text = str(value)
    assert found_by_any([text, text.upper(), text.replace("-", "")]) == {}


@settings(max_examples=80, deadline=None)
@given(st.binary(min_size=1, max_size=64))
def test_hex_digests_are_nothing_outside_password_columns(data: bytes) -> None:
    digests = [hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest()]
    digests.append(hashlib.sha256(data).hexdigest().upper())
    assert found_by_any(digests) == {}


@settings(max_examples=120, deadline=None)
@given(
    day=st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)),
    time=st.times(),
    fmt=st.sampled_from(
        ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y%m%d"]
    ),
    with_time=st.booleans(),
)
def test_dates_and_timestamps_are_not_phones(
    day: dt.date, time: dt.time, fmt: str, with_time: bool
) -> None:
    text = day.strftime(fmt)
    if with_time:
        text += " " + time.strftime("%H:%M:%S")
    assert found(PhoneDetector(), [text]) == []


@settings(max_examples=80, deadline=None)
@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
    thousands=st.sampled_from([",", ".", " ", "'", ""]),
    decimal=st.sampled_from([".", ","]),
)
def test_prices_are_not_phones(amount: Decimal, thousands: str, decimal: str) -> None:
    if thousands == decimal:
        return
    text = f"{amount:,.2f}".replace(",", "#").replace(".", decimal).replace("#", thousands)
    assert found(PhoneDetector(), [text, f"EUR {text}", f"{text} €"]) == []


@settings(max_examples=80, deadline=None)
@given(
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
    places=st.integers(4, 8),
)
def test_coordinates_are_not_phones(lat: float, lon: float, places: int) -> None:
    pair = f"{lat:.{places}f}, {lon:.{places}f}"
    assert found(PhoneDetector(), [pair, f"{lat:.{places}f}", f"{lon:.{places}f}"]) == []


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 999_999))
def test_six_digit_ids_are_never_phones(value: int) -> None:
    assert found(PhoneDetector(), [str(value), f"{value:06d}"]) == []


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 255), min_size=4, max_size=4), st.integers(0, 255))
def test_ipv4_is_not_a_phone_and_a_fifth_part_is_not_an_ip(octets: list[int], extra: int) -> None:
    address = ".".join(map(str, octets))
    assert found(PhoneDetector(), [address]) == []
    assert found(IpAddressDetector(), [f"{address}.{extra}", f"v{address}"]) == []


@settings(max_examples=80, deadline=None)
@given(
    first=st.sampled_from("0178920"),
    body=st.text(alphabet="0123456789", min_size=13, max_size=17),
)
def test_luhn_valid_numbers_outside_card_ranges(first: str, body: str) -> None:
    number = first + body
    number += luhn.calc_check_digit(number)
    assume(checksums.card_brand(number) is None)  # 2200-2204 (Mir), 2221-2720 (Mastercard)...
    assert found(CreditCardDetector(), [number]) == []


# --------------------------------------------------------------------------- column semantics


def test_dates_are_birth_dates_only_in_a_birth_date_column(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(
        "customer_id,registered_at,last_login,expiry_date,dob\n"
        "1001,2024-01-15,15/01/2024 08:00,2027-12-31,1980-01-15\n"
        "1002,2023-05-02,02/05/2023 19:30,2026-06-30,1975-07-04\n",
        encoding="utf-8",
    )
    report = exposure_scan.scan(path, ner="off")
    rows = report.findings_table().to_pylist()
    assert {(r["row"], r["column"], r["entity"]) for r in rows} == {
        (0, "dob", "DATE_OF_BIRTH"),
        (1, "dob", "DATE_OF_BIRTH"),
    }
