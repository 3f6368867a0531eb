"""The detector catalogue: what each built-in detector finds, how it shows and links it, and the
run-time detectors (``PatternDetector.build``, ``TermsDetector``).

Values are documented test values (standards' example IBANs, EIP-55 and BIP examples, stdnum's
examples) or synthetic ones whose check digits are computed here.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import pickle
import string
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import phonenumbers
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban as std_iban
from stdnum.fr import nir as std_nir

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
    EmailDetector,
    EsNifDetector,
    FrNirColumnDetector,
    FrNirDetector,
    HexPasswordHashDetector,
    Hits,
    IbanDetector,
    IpAddressDetector,
    ItFiscalCodeDetector,
    LicensePlateDetector,
    MaskedCardDetector,
    PassportDetector,
    PasswordDetector,
    PasswordHashDetector,
    PatternDetector,
    PhoneDetector,
    SwiftCodeDetector,
    TermsDetector,
    UkNinoDetector,
    UsernameDetector,
    UsSsnBareDetector,
    UsSsnDetector,
    VinDetector,
    checksums,
    default_detectors,
    find,
)
from exposure_scan.detectors.identity import birth_date_candidates, is_plausible_birth_date
from exposure_scan.detectors.phone import DEFAULT_REGIONS

ENTITIES = {
    # structured cells in confirmed columns, and column-context entities
    "PERSON",
    "POSTAL_ADDRESS",
    "LOCATION",
    "VEHICLE_MODEL",
    "SPECIAL_CATEGORY",
    "NATIONAL_ID",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "MASKED_CARD",
    "CARD_EXPIRY",
    "CARD_SECURITY_CODE",
    "IBAN_CODE",
    "SWIFT_CODE",
    "BANK_ACCOUNT",
    "CRYPTO",
    "US_SSN",
    "IT_FISCAL_CODE",
    "UK_NINO",
    "ES_NIF",
    "DE_TAX_ID",
    "FR_NIR",
    "PASSPORT",
    "DATE_OF_BIRTH",
    "IP_ADDRESS",
    "VIN",
    "LICENSE_PLATE",
    "PASSWORD",
    "PASSWORD_HASH",
    "USERNAME",
}

BCRYPT = "$2b$12$GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m"
ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
SCRYPT = "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E"
CORSICAN_NIR = "255082A123456" + std_nir.calc_check_digits("255082A123456")


def matches(det: Detector, cells: list[str | None]) -> list[list[str]]:
    """Validated matched text, per cell."""
    hits = find(det, pa.array(cells, pa.string()))
    values = hits.values.to_pylist() if isinstance(hits.values, pa.Array) else hits.values
    out: list[list[str]] = [[] for _ in cells]
    for cell, value in zip(hits.cell.tolist(), values, strict=True):
        out[cell].append(value)
    return out


# --------------------------------------------------------------------------- catalogue


def test_catalogue_is_complete_stable_and_fresh() -> None:
    first, second = default_detectors(), default_detectors()
    assert [d.ident for d in first] == [d.ident for d in second]
    assert all(a is not b for a, b in zip(first, second, strict=True))
    assert len({d.ident for d in first}) == len(first)
    assert {d.entity for d in first} == ENTITIES
    assert [type(d) for d in first[:3]] == [EmailDetector, PhoneDetector, CreditCardDetector]
    clones = pickle.loads(pickle.dumps(first))  # worker processes receive them so
    assert [d.ident for d in clones] == [d.ident for d in first]


def test_package_keeps_its_exports() -> None:
    import exposure_scan.detectors as pkg

    for name in ("Detector", "Hits", "find", "EmailDetector", "CreditCardDetector"):
        assert name in pkg.__all__
    assert Hits.empty().cell.size == 0


@pytest.mark.parametrize("det", default_detectors(), ids=lambda d: d.ident)
def test_patterns_compile_in_re2_and_arrow(det: Detector) -> None:
    import pyarrow.compute as pc

    arr = pa.array(["", "x"], pa.string())
    pc.match_substring_regex(arr, det.pattern)
    if det.prefilter:
        pc.match_substring_regex(arr, det.prefilter)
    assert 0.0 < det.score <= 1.0


CONTEXT = {
    FrNirColumnDetector: {"FR_NIR", "NATIONAL_ID"},
    CardExpiryDetector: {"CARD_EXPIRY"},
    CardSecurityCodeDetector: {"CARD_SECURITY_CODE"},
    SwiftCodeDetector: {"SWIFT_CODE"},
    BankAccountDetector: {"BANK_ACCOUNT", "SWIFT_CODE"},
    UsSsnBareDetector: {"US_SSN", "NATIONAL_ID"},
    DeTaxIdDetector: {"DE_TAX_ID", "NATIONAL_ID"},
    PassportDetector: {"PASSPORT"},
    DateOfBirthDetector: {"DATE_OF_BIRTH"},
    LicensePlateDetector: {"LICENSE_PLATE"},
    PasswordDetector: {"PASSWORD"},
    HexPasswordHashDetector: {"PASSWORD", "PASSWORD_HASH"},
    UsernameDetector: {"USERNAME"},
}
# Structured-cell and column-context detectors: their context is their own entity.
for _det in default_detectors():
    if type(_det).__module__.endswith((".structured", ".context")):
        CONTEXT[type(_det)] = {_det.entity}


@pytest.mark.parametrize("det", default_detectors(), ids=lambda d: d.ident)
def test_context_contract(det: Detector) -> None:
    """Shape-only detectors run only where a column role vouches for them; the rest anywhere."""
    assert set(det.context) == CONTEXT.get(type(det), set())


# --------------------------------------------------------------------------- positives

POSITIVES: list[tuple[type[Detector], str, str]] = [
    # phones: international, national, E.164 without +, IDD 00, many separators
    (PhoneDetector, "+39 333 123 4567", "+393331234567"),
    (PhoneDetector, "02 1234 5678", "+390212345678"),
    (PhoneDetector, "(+39) 333-123-4567", "+393331234567"),
    (PhoneDetector, "393331234567", "+393331234567"),
    (PhoneDetector, "0039 333 1234567", "+393331234567"),
    (PhoneDetector, "030 1234567", "+49301234567"),
    (PhoneDetector, "+49 (0)30 1234567", "+49301234567"),
    (PhoneDetector, "0151 23456789", "+4915123456789"),
    (PhoneDetector, "06 12 34 56 78", "+33612345678"),
    (PhoneDetector, "01.23.45.67.89", "+33123456789"),
    (PhoneDetector, "+33 6 12 34 56 78", "+33612345678"),
    (PhoneDetector, "912 345 678", "+34912345678"),
    (PhoneDetector, "+34 612 34 56 78", "+34612345678"),
    (PhoneDetector, "020 7946 0958", "+442079460958"),
    (PhoneDetector, "+44 (0)20 7946 0958", "+442079460958"),
    (PhoneDetector, "07700 900123", None),  # written alike in GB and DE: order decides
    (PhoneDetector, "(201) 555-0123", "+12015550123"),
    (PhoneDetector, "+1-202-555-0143", "+12025550143"),
    (PhoneDetector, "044 668 18 00", "+41446681800"),
    (PhoneDetector, "+41 44 668 18 00", "+41446681800"),
    (PhoneDetector, "020 123 4567", "+31201234567"),
    (PhoneDetector, "06-12345678", "+31612345678"),
    (PhoneDetector, "03-1234-5678", "+81312345678"),
    (PhoneDetector, "090-1234-5678", "+819012345678"),
    (PhoneDetector, "+81 3-1234-5678", "+81312345678"),
    # payment
    (CreditCardDetector, "4111 1111 1111 1111", "4111111111111111"),
    (CreditCardDetector, "5500-0000-0000-0004", "5500000000000004"),
    (CreditCardDetector, "378282246310005", "378282246310005"),
    (MaskedCardDetector, "411111******1111", "411111******1111"),
    (MaskedCardDetector, "**** **** **** 1111", "************1111"),
    (MaskedCardDetector, "XXXXXXXXXXXX1111", "************1111"),
    (MaskedCardDetector, "4111 11XX XXXX 1111", "411111******1111"),
    (IbanDetector, "DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
    (IbanDetector, "DE89370400440532013000", "DE89370400440532013000"),
    (IbanDetector, "GB29NWBK60161331926819", "GB29NWBK60161331926819"),
    (IbanDetector, "FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
    (IbanDetector, "IT60X0542811101000000123456", "IT60X0542811101000000123456"),
    (IbanDetector, "CH9300762011623852957", "CH9300762011623852957"),
    (IbanDetector, "NL91 ABNA 0417 1643 00", "NL91ABNA0417164300"),
    (IbanDetector, "ES91 2100 0418 4502 0005 1332", "ES9121000418450200051332"),
    (IbanDetector, "de89370400440532013000", "DE89370400440532013000"),  # typed lowercase
    (IbanDetector, "gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"),
    (CryptoWalletDetector, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", None),
    (CryptoWalletDetector, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", None),
    (CryptoWalletDetector, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", None),
    (
        CryptoWalletDetector,
        "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
        None,
    ),
    (CryptoWalletDetector, "0x52908400098527886E0F7030069857D2E4169EE7", None),
    (CryptoWalletDetector, "0xde709f2102306220921060314715629080e2fb77", None),
    # identity
    (UsSsnDetector, "536-22-1234", "536221234"),
    (ItFiscalCodeDetector, "RSSMRA85T10A562S", "RSSMRA85T10A562S"),
    (ItFiscalCodeDetector, "rssmra85t10a562s", "RSSMRA85T10A562S"),
    (ItFiscalCodeDetector, "RSSMRA85T10A56NH", "RSSMRA85T10A56NH"),  # omocodia
    (UkNinoDetector, "AB123456C", "AB123456C"),
    (UkNinoDetector, "AB 12 34 56 C", "AB123456C"),
    (EsNifDetector, "12345678Z", "12345678Z"),
    (EsNifDetector, "12345678-Z", "12345678Z"),
    (EsNifDetector, "X1234567L", "X1234567L"),
    (EsNifDetector, "Y0000000Z", "Y0000000Z"),
    (FrNirDetector, "1 84 12 76 451 089 46", "184127645108946"),
    (FrNirDetector, "2 55 08 2A 123 456 " + CORSICAN_NIR[-2:], CORSICAN_NIR),
    (IpAddressDetector, "10.0.0.1", "10.0.0.1"),
    (IpAddressDetector, "203.0.113.254", "203.0.113.254"),
    (IpAddressDetector, "2001:db8::1", "2001:db8::1"),
    (IpAddressDetector, "fe80::1", "fe80::1"),
    (IpAddressDetector, "::1", "::1"),
    (IpAddressDetector, "2001:0DB8:85A3:0000:0000:8A2E:0370:7334", None),
    (IpAddressDetector, "::ffff:192.0.2.1", "::ffff:192.0.2.1"),
    # vehicles
    (VinDetector, "1HGCM82633A004352", "1HGCM82633A004352"),
    (VinDetector, "1hgcm82633a004352", "1HGCM82633A004352"),
    (VinDetector, "JH4KA7561PC008269", None),
    (VinDetector, "WVWZZZ1JZXW000001", None),
    (VinDetector, "WBA3A5C55CF256651", None),
    (VinDetector, "VF1RFB00X51234567", None),
    # credentials
    (PasswordHashDetector, BCRYPT, None),
    (PasswordHashDetector, ARGON2, None),
    (PasswordHashDetector, SCRYPT, None),
    (PasswordHashDetector, "$6$saltsalt$" + "a" * 86, None),
    (PasswordHashDetector, "$5$rounds=5000$saltsalt$" + "b" * 43, None),
    (PasswordHashDetector, "$1$saltsalt$" + "c" * 22, None),
    (EmailDetector, "jane.doe@example.com", "jane.doe@example.com"),
]


@pytest.mark.parametrize(
    ("cls", "value", "normalised"), POSITIVES, ids=[f"{c.__name__}:{v}" for c, v, _ in POSITIVES]
)
def test_positive_alone_and_in_text(
    cls: type[Detector], value: str, normalised: str | None
) -> None:
    det = cls()
    assert det.context == frozenset()
    cells = [value, f"Record: {value}, as given.", f"{value}\tend"]
    assert matches(det, cells) == [[value]] * 3
    assert det.normalise(value) == (normalised if normalised is not None else det.normalise(value))
    masked = det.mask(value)
    assert len(masked) == len(value)
    assert masked != value or value.startswith("*")  # an already masked card stays as it is


CONTEXT_POSITIVES: list[tuple[type[Detector], str]] = [
    (FrNirColumnDetector, "184127645108946"),
    (FrNirColumnDetector, CORSICAN_NIR),
    (CardExpiryDetector, "12/27"),
    (CardExpiryDetector, "01/2030"),
    (CardExpiryDetector, "11-25"),
    (CardExpiryDetector, "0526"),
    (CardSecurityCodeDetector, "123"),
    (CardSecurityCodeDetector, "4567"),
    (SwiftCodeDetector, "DEUTDEFF"),
    (SwiftCodeDetector, "COBADEFFXXX"),
    (SwiftCodeDetector, "BNPAFRPPXXX"),
    (BankAccountDetector, "021000021"),
    (BankAccountDetector, "011000015"),
    (BankAccountDetector, "12-34-56"),
    (UsSsnBareDetector, "536221234"),
    (DeTaxIdDetector, "86095742719"),
    (DeTaxIdDetector, "86 095 742 719"),
    (DeTaxIdDetector, "47036892816"),
    (PassportDetector, "YA1234567"),
    (PassportDetector, "C01X00T47"),
    (PassportDetector, "123456789"),
    (DateOfBirthDetector, "1980-01-15"),
    (DateOfBirthDetector, "15/01/1980"),
    (DateOfBirthDetector, "01/15/1980"),
    (DateOfBirthDetector, "15.01.1980"),
    (DateOfBirthDetector, "15-01-80"),
    (DateOfBirthDetector, "19800115"),
    (DateOfBirthDetector, "15 January 1980"),
    (DateOfBirthDetector, "January 15, 1980"),
    (DateOfBirthDetector, "Jan 15th, 1980"),
    (DateOfBirthDetector, "15-Jan-1980"),
    (DateOfBirthDetector, "15 gennaio 1980"),
    (DateOfBirthDetector, "15. März 1980"),
    (DateOfBirthDetector, "15 janvier 1980"),
    (DateOfBirthDetector, "1er février 1980"),
    (DateOfBirthDetector, "15 de enero de 1980"),
    (DateOfBirthDetector, "15 maart 1980"),
    (DateOfBirthDetector, "1980-01-15T00:00:00Z"),
    (DateOfBirthDetector, "1980-01-15 00:00:00"),
    (LicensePlateDetector, "AB 123 CD"),
    (LicensePlateDetector, "AB-123-CD"),
    (LicensePlateDetector, "M-AB 1234"),
    (LicensePlateDetector, "7ABC123"),
    (LicensePlateDetector, "AB12 CDE"),
    (LicensePlateDetector, "12-ABC-3"),
    (PasswordDetector, "hunter2"),
    (PasswordDetector, "correct horse battery staple"),
    (PasswordDetector, "P@ss:w0rd;!"),
    (HexPasswordHashDetector, hashlib.md5(b"password").hexdigest()),
    (HexPasswordHashDetector, hashlib.sha1(b"password").hexdigest()),
    (HexPasswordHashDetector, hashlib.sha256(b"password").hexdigest().upper()),
    (UsernameDetector, "jdoe"),
    (UsernameDetector, "j.doe_99"),
    (UsernameDetector, "Dark Knight 77"),
]


@pytest.mark.parametrize(
    ("cls", "value"), CONTEXT_POSITIVES, ids=[f"{c.__name__}:{v}" for c, v in CONTEXT_POSITIVES]
)
def test_context_positive(cls: type[Detector], value: str) -> None:
    det = cls()
    assert det.context
    assert matches(det, [value, f"  {value}  "]) == [[value], [value]]
    masked = det.mask(value)
    assert masked != value and len(masked) == len(value)


def test_password_hash_names_its_scheme() -> None:
    crypt, hexes = PasswordHashDetector(), HexPasswordHashDetector()
    assert [crypt.scheme(v) for v in (BCRYPT, ARGON2, SCRYPT)] == ["bcrypt", "argon2", "scrypt"]
    assert crypt.scheme("5f4dcc3b5aa765d61d8327deb882cf99") is None
    assert hexes.scheme("5f4dcc3b5aa765d61d8327deb882cf99") == "md5"
    assert hexes.scheme(BCRYPT) is None
    assert crypt.entity == hexes.entity == "PASSWORD_HASH"
    assert crypt.mask(BCRYPT).startswith("$2b$12$") and BCRYPT[10:] not in crypt.mask(BCRYPT)


def test_password_column_values_that_are_not_passwords() -> None:
    det = PasswordDetector()
    cells = ["NULL", "n/a", "********", "", "   ", BCRYPT, "5f4dcc3b5aa765d61d8327deb882cf99"]
    assert matches(det, cells) == [[] for _ in cells]


def test_username_leaves_emails_to_the_email_detector() -> None:
    assert matches(UsernameDetector(), ["jane.doe@example.com", "NULL", "x" * 65]) == [[], [], []]


def test_crypto_chain() -> None:
    det = CryptoWalletDetector()
    assert det.chain("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2") == "bitcoin"
    assert det.chain("0xde709f2102306220921060314715629080e2fb77") == "ethereum"
    assert det.chain("0x52908400098527886E0F7030069857D2E4169Ee7") is None  # bad EIP-55


# --------------------------------------------------------------------------- show and link


@pytest.mark.parametrize(
    "value", ["+39 333 123 4567", "0039 333 1234567", "393331234567", "(+39) 333-123-4567"]
)
def test_phone_forms_link_to_one_e164(value: str) -> None:
    assert PhoneDetector().normalise(value) == "+393331234567"


def test_masks_reveal_only_what_they_should() -> None:
    assert IbanDetector().mask("DE89 3704 0044 0532 0130 00") == "DE** **** **** **** **30 00"
    assert IbanDetector().mask("DE89370400440532013000") == "DE****************3000"
    assert MaskedCardDetector().mask("411111******1111") == "************1111"
    assert PhoneDetector().mask("+39 333 123 4567") == "+** *** *** **67"
    assert IpAddressDetector().mask("192.168.1.10") == "192.***.*.**"
    assert IpAddressDetector().mask("2001:db8::1") == "2001:***::*"
    assert VinDetector().mask("1HGCM82633A004352") == "1HG******3*******"
    assert DateOfBirthDetector().mask("15/01/1980") == "**/**/****"
    assert PasswordDetector().mask("hunter2") == "*******"


def test_phone_regions_are_configurable() -> None:
    us_only = PhoneDetector(regions=("US",))
    assert matches(us_only, ["030 1234567", "(201) 555-0123"]) == [[], ["(201) 555-0123"]]
    assert us_only.ident != PhoneDetector().ident  # engine caches are keyed by ident
    assert PhoneDetector().regions == DEFAULT_REGIONS
    with pytest.raises(ValueError):
        PhoneDetector(regions=("XX",))


@pytest.mark.parametrize("region", DEFAULT_REGIONS)
@pytest.mark.parametrize(
    "kind", [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]
)
def test_libphonenumber_examples_in_every_format(region: str, kind: int) -> None:
    number = phonenumbers.example_number_for_type(region, kind)
    assert number is not None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    det, home = PhoneDetector(), PhoneDetector(regions=(region,))
    for fmt in (
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.E164,
    ):
        text = phonenumbers.format_number(number, fmt)
        assert matches(det, [text]) == [[text]], text
        # a national number may be valid in several plans: the first region tried wins
        assert home.normalise(text) == e164


@settings(max_examples=60, deadline=None)
@given(
    region=st.sampled_from(DEFAULT_REGIONS),
    seps=st.lists(st.sampled_from(["", " ", "-"]), min_size=20, max_size=20),
)
def test_phone_separators_do_not_matter(region: str, seps: list[str]) -> None:
    """(A lone dot is left out on purpose: ``333.1234567`` is refused as a decimal number.)"""
    number = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    digits = checksums.digits_only(national)
    text = "".join(d + s for d, s in zip(digits, seps, strict=False)).strip(" -.")
    det = PhoneDetector(regions=(region,))
    assert matches(det, [text]) == [[text]]
    assert det.normalise(text) == phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164
    )


@settings(max_examples=60, deadline=None)
@given(bban=st.text(alphabet=string.digits, min_size=18, max_size=18), pos=st.integers(4, 21))
def test_iban_checksum_decides(bban: str, pos: int) -> None:
    body = "DE00" + bban
    good = "DE" + std_iban.calc_check_digits(body) + bban
    spaced = " ".join(good[i : i + 4] for i in range(0, len(good), 4))
    det = IbanDetector()
    assert matches(det, [good, spaced]) == [[good], [spaced]]
    flipped = good[:pos] + str((int(good[pos]) + 1) % 10) + good[pos + 1 :]
    assert matches(det, [flipped]) == [[]]  # mod 97 catches every single-digit error


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ABCDEFGHJKLMNPRSTUVWXYZ0123456789", min_size=15, max_size=15))
def test_north_american_vin_check_digit_decides(body: str) -> None:
    draft = "1" + body[:7] + "0" + body[7:]  # "1": US, check digit required
    check = checksums.vin_check_digit(draft)
    vin = draft[:8] + check + draft[9:]
    wrong = draft[:8] + ("1" if check != "1" else "2") + draft[9:]
    det = VinDetector()
    got = matches(det, [vin, wrong])
    assert got[1] == []
    assert got[0] == ([vin] if checksums.is_vin(vin) else [])


# --------------------------------------------------------------------------- dates of birth


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        ("1980-01-15", True),
        ("31/12/1999", True),
        ("02/29/2000", True),
        ("1900-01-01", True),
        ("1899-12-31", False),
        ("2999-01-01", False),
        ("31/02/1980", False),
        ("13/13/1980", False),
        ("15 Foo 1980", False),
    ],
)
def test_birth_date_plausibility(value: str, plausible: bool) -> None:
    assert is_plausible_birth_date(value) is plausible


def test_ambiguous_day_month_reads_both_ways() -> None:
    dates = {d.isoformat() for d in birth_date_candidates("03/04/1980")}
    assert dates == {"1980-04-03", "1980-03-04"}
    assert DateOfBirthDetector().normalise("15/01/1980") == "1980-01-15"


# --------------------------------------------------------------------------- run-time detectors


def test_pattern_detector_build_and_pickle() -> None:
    det = PatternDetector.build(
        "EMPLOYEE_ID", r"\bEMP-[0-9]{6}\b", context=["EMPLOYEE_ID"], score=0.7
    )
    assert (det.entity, det.ident, det.score, det.context) == (
        "EMPLOYEE_ID",
        "custom_employee_id@1",
        0.7,
        frozenset({"EMPLOYEE_ID"}),
    )
    assert matches(det, ["id EMP-123456.", "EMP-1234567"]) == [["EMP-123456"], []]
    clone = pickle.loads(pickle.dumps(det))
    assert type(clone) is type(det) and clone.pattern == det.pattern
    assert isinstance(clone, PatternDetector)


def test_pattern_detector_validator() -> None:
    det = PatternDetector.build(
        "IBAN_LIKE", r"\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b", checksums.is_iban
    )
    assert matches(det, ["DE89370400440532013000", "DE89370400440532013001"]) == [
        ["DE89370400440532013000"],
        [],
    ]


@pytest.mark.parametrize("pattern", [r"(?=x)foo", r"(a)\1", r"[unclosed"])
def test_pattern_detector_refuses_non_re2_patterns(pattern: str) -> None:
    with pytest.raises(ValueError):
        PatternDetector.build("X_ENTITY", pattern)


def test_built_detectors_run_in_worker_processes() -> None:
    """Workers receive detectors by pickle: a run-time class must be rebuilt there."""
    det = PatternDetector.build(
        "IBAN_LIKE", r"\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b", checksums.is_iban
    )
    terms = TermsDetector("VEHICLE_MODEL", ["Roma Spider"])
    arr = pa.array(["DE89370400440532013000 or the roma spider", "nothing"])
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        remote = [pool.submit(find, d, arr).result() for d in (det, terms)]
    values = [r.values.to_pylist() if isinstance(r.values, pa.Array) else r.values for r in remote]
    assert values == [["DE89370400440532013000"], ["roma spider"]]


@pytest.mark.parametrize(
    ("kwargs", "text", "found"),
    [
        ({}, "The Roma Spider and the 296 GTB.", ["Roma Spider", "296 GTB"]),
        ({}, "the roma spider", ["roma spider"]),
        ({"case_sensitive": True}, "the roma spider", []),
        ({}, "Romanesque spiders", []),
        ({"whole_word": False}, "ROMA SPIDERS", ["ROMA SPIDER"]),
        ({}, "a 296 GTBx", []),
        ({}, "Model S Plaid, then Model S", ["Model S Plaid", "Model S"]),
        ({}, "see C++ (or a.b*c?)", ["C++", "a.b*c?"]),
        ({}, "Škoda X", ["Škoda X"]),
    ],
)
def test_terms_detector(kwargs: dict[str, bool], text: str, found: list[str]) -> None:
    terms = ["Roma Spider", "296 GTB", "Model S", "Model S Plaid", "C++", "a.b*c?", "Škoda X"]
    det = TermsDetector("VEHICLE_MODEL", terms, **kwargs)
    assert isinstance(det, TermsDetector) and det.entity == "VEHICLE_MODEL"
    assert matches(det, [text]) == [found]
    assert det.terms[0] == "Model S Plaid"  # longest first


def test_terms_detector_refuses_an_empty_list() -> None:
    with pytest.raises(ValueError):
        TermsDetector("VEHICLE_MODEL", ["", "  "])


# --------------------------------------------------------------------------- end to end


def _found(report: exposure_scan.Report) -> set[tuple[int, str, str, str]]:
    rows = report.findings_table(reveal=True).to_pylist()
    return {(r["row"], r["column"], r["entity"], r["value"]) for r in rows}


CSV = (
    "id,telefono,iban,card_expiry,cvv,password,registered_at,dob,swift,notes\n"
    "100001,+39 333 123 4567,DE89370400440532013000,12/27,123,hunter2,2024-01-15,1980-01-15,"
    "DEUTDEFF,ok\n"
    "100002,02 1234 5678,GB29NWBK60161331926819,01/26,4567," + BCRYPT + ",2023-05-02,15/01/1979,"
    "COBADEFFXXX,DEUTDEFF is a word here\n"
)


def test_end_to_end_csv_headers_unlock_context_detectors(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(CSV, encoding="utf-8")
    found = _found(exposure_scan.scan(path, ner="off", reveal=True))
    expected = {
        (0, "telefono", "PHONE_NUMBER", "+39 333 123 4567"),
        (1, "telefono", "PHONE_NUMBER", "02 1234 5678"),
        (0, "iban", "IBAN_CODE", "DE89370400440532013000"),
        (1, "iban", "IBAN_CODE", "GB29NWBK60161331926819"),
        (0, "card_expiry", "CARD_EXPIRY", "12/27"),
        (1, "card_expiry", "CARD_EXPIRY", "01/26"),
        (0, "cvv", "CARD_SECURITY_CODE", "123"),
        (1, "cvv", "CARD_SECURITY_CODE", "4567"),
        (0, "password", "PASSWORD", "hunter2"),
        (1, "password", "PASSWORD_HASH", BCRYPT),
        (0, "dob", "DATE_OF_BIRTH", "1980-01-15"),
        (1, "dob", "DATE_OF_BIRTH", "15/01/1979"),
        (0, "swift", "SWIFT_CODE", "DEUTDEFF"),
        (1, "swift", "SWIFT_CODE", "COBADEFFXXX"),
    }
    assert found == expected  # nothing in id, registered_at or the notes' BIC-shaped word


def test_end_to_end_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "users.jsonl"
    path.write_text(
        '{"username": "jdoe", "password_hash": "5f4dcc3b5aa765d61d8327deb882cf99", '
        '"telefono": 393331234567, "created_at": "2021-03-04", "vin": "1HGCM82633A004352"}\n'
        '{"username": "asmith", "password_hash": "' + ARGON2 + '", '
        '"telefono": 123456, "created_at": "1999-12-31", "vin": "ZFF Roma"}\n',
        encoding="utf-8",
    )
    found = _found(exposure_scan.scan(path, ner="off", reveal=True))
    assert found == {
        (0, "username", "USERNAME", "jdoe"),
        (1, "username", "USERNAME", "asmith"),
        (0, "password_hash", "PASSWORD_HASH", "5f4dcc3b5aa765d61d8327deb882cf99"),
        (1, "password_hash", "PASSWORD_HASH", ARGON2),
        (0, "telefono", "PHONE_NUMBER", "393331234567"),
        (0, "vin", "VIN", "1HGCM82633A004352"),
    }


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("pay to gb82 west 1234 5698 7654 32 please", ["gb82 west 1234 5698 7654 32"]),
        ("BE68 5390 0754 7034 then", ["BE68 5390 0754 7034"]),  # the next word stays out
        ("Gb82West12345698765432", []),  # mixed case is not an IBAN as written
        ("md5 ab12cdef0123456789abcdef0123", []),  # lowercase hex of a hash: length, mod-97
        ("de89370400440532013001", []),  # lowercase, wrong check digits
    ],
)
def test_lowercase_ibans_in_text(text: str, found: list[str]) -> None:
    hits = find(IbanDetector(), pa.array([text]))
    assert hits.values.to_pylist() == found
