"""Tables of documented test values and look-alikes for the checksum validators.

Positives are published test/example values (card-scheme test PANs, IBAN registry examples,
stdnum doctest numbers, BIP173/BIP350 and EIP-55 vectors) or obviously synthetic ones.
"""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan.detectors import checksums as cs
from exposure_scan.detectors.checksums import (
    card_brand,
    digits_only,
    is_aba_routing,
    is_card_expiry,
    is_card_number,
    is_crypto_wallet,
    is_de_tax_id,
    is_email_syntax,
    is_es_nif,
    is_fr_nir,
    is_iban,
    is_ipv4,
    is_ipv6,
    is_it_fiscal_code,
    is_known_tld,
    is_masked_card,
    is_swift_bic,
    is_uk_nino,
    is_uk_sort_code,
    is_us_ssn,
    is_vin,
    luhn_valid,
    password_hash_scheme,
    vin_check_digit,
)

UUID = "123e4567-e89b-12d3-a456-426614174000"
MD5 = hashlib.md5(b"exposure_scan").hexdigest()
SHA1 = hashlib.sha1(b"exposure_scan").hexdigest()
SHA256 = hashlib.sha256(b"exposure_scan").hexdigest()
GARBAGE_10K = ("4111 1111 1111 1111 GB82WEST12345698765432 x@y.com " * 200)[:10_000]
BAD_COMMON = ["", " ", UUID, MD5, SHA1, SHA256, GARBAGE_10K, "1.2.3.4.5", "v2.10.3"]

# --------------------------------------------------------------------------- cards

CARD_BRANDS = [
    ("4111111111111111", "visa"),
    ("4012888888881881", "visa"),
    ("4222222222222", "visa"),
    ("5555555555554444", "mastercard"),
    ("5105105105105100", "mastercard"),
    ("2221000000000009", "mastercard"),
    ("2223003122003222", "mastercard"),
    ("378282246310005", "amex"),
    ("371449635398431", "amex"),
    ("6011111111111117", "discover"),
    ("6011000990139424", "discover"),
    ("6445644564456445", "discover"),
    ("30569309025904", "diners"),
    ("38520000023237", "diners"),
    ("36227206271667", "diners"),
    ("3530111333300000", "jcb"),
    ("3566002020360505", "jcb"),
    ("6200000000000005", "unionpay"),
    ("6205500000000000004", "unionpay"),
    ("6221260000000000", "discover"),  # 622126-622925 is Discover inside UnionPay's 62
    ("6759649826438453", "maestro"),
    ("5018000000000009", "maestro"),
    ("2201382000000013", "mir"),
]


@pytest.mark.parametrize(("pan", "brand"), CARD_BRANDS)
def test_card_brand_and_number(pan: str, brand: str) -> None:
    assert card_brand(pan) == brand
    assert luhn_valid(pan)
    if len(pan) >= 13:
        assert is_card_number(pan)


@pytest.mark.parametrize(
    "digits",
    [
        "1111111111111117",  # Luhn-valid, no issuer
        "5901234123457",  # GS1 example EAN-13: Luhn-valid, but 59 is no 13-digit brand
        "5555555555554",  # Mastercard prefix, wrong length
        "37828224631000",  # Amex prefix, 14 digits
        "2721000000000000",  # just above Mastercard's 2-series
        "41111111111111x1",
        "",
    ],
)
def test_card_brand_none(digits: str) -> None:
    assert card_brand(digits) is None


@pytest.mark.parametrize(
    "s",
    ["4111 1111 1111 1111", "4111-1111-1111-1111", "3782 822463 10005", " 5555555555554444\n"],
)
def test_card_number_separators(s: str) -> None:
    assert is_card_number(s)


@pytest.mark.parametrize(
    "s",
    [
        "4111111111111112",  # Luhn fails
        "1234567812345678",  # order-number-like
        "4006381333931",  # EAN-13 barcode (Luhn fails)
        "5901234123457",  # EAN-13 barcode that passes Luhn: no brand
        "1111111111111117",  # Luhn-valid, unknown issuer
        "4111 1111-1111 1111",  # mixed separators
        "4111  1111 1111 1111",  # doubled separator
        "4111.1111.1111.1111",
        "-4111111111111111",
        "4111111111111111111",  # 19 digits, Luhn fails
        "٤١١١١١١١١١١١١١١١",  # Arabic-Indic digits
        *BAD_COMMON,
    ],
)
def test_card_number_negatives(s: str) -> None:
    assert not is_card_number(s)


def test_negative_look_alikes_really_pass_luhn() -> None:
    """Guard the table above: these negatives must be rejected by the brand rule, not Luhn."""
    assert luhn_valid("5901234123457") and luhn_valid("1111111111111117")


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("79927398713", True),
        ("79927398710", False),
        ("", False),
        ("0", False),
        ("7992 7398 713", False),
    ],
)
def test_luhn_valid(s: str, ok: bool) -> None:
    assert luhn_valid(s) is ok


@pytest.mark.parametrize(
    ("s", "out"),
    [("4111-1111 1111.1111", "4111111111111111"), ("a1b2", "12"), ("٤١", ""), ("", "")],
)
def test_digits_only(s: str, out: str) -> None:
    assert digits_only(s) == out


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("411111******1111", True),
        ("**** **** **** 1111", True),
        ("4111-XXXX-XXXX-1111", True),
        ("XXXXXXXXXXXX1111", True),
        ("xxxxxxxxxxxx1111", True),
        ("4111 11** **** 1111", True),
        ("••••••••••••1111", True),
        ("############1111", True),
        ("****************", False),  # password placeholder
        ("################", False),
        ("4111111111111111", False),  # not masked at all
        ("4111111*****1111", False),  # 7 leading digits clear
        ("411111*****11111", False),  # 5 trailing digits clear
        ("411111**xx**1111", False),  # mixed mask characters
        ("4111 XXXX-XXXX 1111", False),  # mixed separators
        ("***1111", False),  # too short
        ("411111***1111", False),  # only 3 masked
        ("912345******1234", False),  # 9 is not a payment-card MII
        ("", False),
        (GARBAGE_10K, False),
    ],
)
def test_is_masked_card(s: str, ok: bool) -> None:
    assert is_masked_card(s) is ok


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("12/25", True),
        ("01/2030", True),
        ("06-27", True),
        ("0127", True),
        ("13/25", False),
        ("00/25", False),
        ("12/1999", False),
        ("1/25", False),
        ("12/255", False),
        ("12.25", False),
        ("", False),
    ],
)
def test_is_card_expiry(s: str, ok: bool) -> None:
    assert is_card_expiry(s) is ok


# --------------------------------------------------------------------------- banking

IBANS = [
    "GB82WEST12345698765432",
    "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000",
    "IT60X0542811101000000123456",
    "FR1420041010050500013M02606",
    "NL91ABNA0417164300",
    "ES9121000418450200051332",
    "BE68539007547034",  # registry example; bank code absent from stdnum's bank list
    "CH9300762011623852957",
]


@pytest.mark.parametrize("s", IBANS)
def test_iban_positive(s: str) -> None:
    assert is_iban(s)


@pytest.mark.parametrize(
    "s",
    [
        "GB82WEST12345698765433",  # one digit changed
        "DE89370400440532013001",
        "DE8937040044053201300",  # wrong length for DE
        "XX82WEST12345698765432",  # no such country
        "GB82-WEST-1234-5698-7654-32",
        "GB82  WEST12345698765432",
        "4111111111111111",
        "GB82" + "A" * 45 + "!",  # pathological for a backtracking pattern
        *BAD_COMMON,
    ],
)
def test_iban_negative(s: str) -> None:
    assert not is_iban(s)


@given(st.sampled_from([i.replace(" ", "") for i in IBANS]), st.integers(4, 33), st.integers(1, 9))
def test_iban_single_digit_change_always_fails(iban: str, pos: int, delta: int) -> None:
    """mod 97 detects every single-digit substitution."""
    pos %= len(iban)
    if not iban[pos].isdigit():
        return
    changed = iban[:pos] + str((int(iban[pos]) + delta) % 10) + iban[pos + 1 :]
    assert not is_iban(changed)


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("DEUTDEFF", True),
        ("DEUTDEFF500", True),
        ("NEDSZAJJXXX", True),
        ("BNPAFRPPXXX", True),
        ("CHASUS33", True),
        ("abcdefgh", False),  # English-like lowercase
        ("deutdeff", False),
        ("ABCDXXFF", False),  # XX is no country
        ("DEUTDEF", False),
        ("DEUTDEFF5", False),
        ("DEUT DE FF", False),
        ("PASSWORD", False),
        ("", False),
    ],
)
def test_is_swift_bic(s: str, ok: bool) -> None:
    assert is_swift_bic(s) is ok


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("011000015", True),
        ("021000021", True),
        ("111000025", True),
        ("322271627", True),
        ("021000022", False),  # checksum
        ("131000005", False),  # checksum ok, prefix 13 unassigned
        ("501000004", False),  # checksum ok, prefix 50 unassigned
        ("001000009", False),  # checksum ok, government prefix excluded
        ("000000000", False),
        ("02100002", False),
        ("0210000210", False),
        ("021-000-021", False),
        ("", False),
    ],
)
def test_is_aba_routing(s: str, ok: bool) -> None:
    assert is_aba_routing(s) is ok


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("12-34-56", True),
        (" 40-47-84 ", True),
        ("123456", False),
        ("12-3456", False),
        ("1-234-56", False),
    ],
)
def test_is_uk_sort_code(s: str, ok: bool) -> None:
    assert is_uk_sort_code(s) is ok


# --------------------------------------------------------------------------- vehicles


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("1HGCM82633A004352", True),
        ("1M8GDM9AXKP042788", True),  # check digit X
        ("1hgcm82633a004352", True),
        ("WP0ZZZ99ZTS392124", True),  # European: no check digit, year code T
        ("WVWZZZ1JZXW000001", True),
        ("1HGCM82634A004352", False),  # North American, wrong check digit
        ("1HGCM82633A00435I", False),  # I
        ("1HGCO82633A004352", False),  # O
        ("1HGCQ82633A004352", False),  # Q
        ("11111111111111111", False),  # valid check digit but filler: rejected by design
        ("WVWZZZ1JZUW000001", False),  # European, year code U, bad check digit
        ("WVWZZZ1JZ0W000001", False),  # year code 0
        ("ABCDEFGHJKLMNPRST", False),  # letters only
        ("0HGCM82633A004352", False),  # region 0 is unassigned
        ("1HGcm82633A004352", False),  # mixed case
        ("1HGCM82633A00435", False),
        ("1HGCM82633A0043522", False),
        ("", False),
        (GARBAGE_10K, False),
    ],
)
def test_is_vin(s: str, ok: bool) -> None:
    assert is_vin(s) is ok


@pytest.mark.parametrize(
    ("s", "digit"),
    [
        ("1HGCM82633A004352", "3"),
        ("1M8GDM9AXKP042788", "X"),
        ("11111111111111111", "1"),
        ("1HGCM82633A00435I", ""),
        ("short", ""),
    ],
)
def test_vin_check_digit(s: str, digit: str) -> None:
    assert vin_check_digit(s) == digit


# --------------------------------------------------------------------------- national IDs


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("536-90-4399", True),  # stdnum documentation example
        ("111-22-3333", True),
        ("111223333", True),
        ("000-12-3456", False),
        ("666-12-3456", False),
        ("900-12-3456", False),
        ("123-00-4567", False),
        ("123-45-0000", False),
        ("078-05-1120", False),  # the Woolworth wallet card
        ("219-09-9999", False),
        ("123-45-6789", False),
        ("123456789", False),
        ("123-456789", False),
        ("123 45 6789", False),
        ("", False),
    ],
)
def test_is_us_ssn(s: str, ok: bool) -> None:
    assert is_us_ssn(s) is ok


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("RCCMNL83S18D969H", True),
        ("RCCMNL83S18DVSVX", True),  # omocodia: digits 969 replaced by V S V
        ("rccmnl83s18d969h", True),
        ("RCCMNL83S18D969X", False),
        ("RCCMNL83S18D969", False),
        ("00743110157", False),  # company code, not a person
        ("", False),
    ],
)
def test_is_it_fiscal_code(s: str, ok: bool) -> None:
    assert is_it_fiscal_code(s) is ok


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("AB123456C", True),
        ("AB 12 34 56 C", True),
        ("ab123456c", True),
        ("ZY 98 76 54 D", True),
        ("QQ123456C", False),  # HMRC's deliberately invalid example
        ("BG123456A", False),
        ("GB123456A", False),
        ("NK123456A", False),
        ("TN123456A", False),
        ("ZZ123456A", False),
        ("AB123456E", False),
        ("DA123456A", False),
        ("AO123456A", False),
        ("AB12345C", False),
        ("", False),
    ],
)
def test_is_uk_nino(s: str, ok: bool) -> None:
    assert is_uk_nino(s) is ok


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("54362315K", True),  # DNI
        ("54362315-K", True),
        ("X2482300W", True),  # NIE
        ("X-2482300W", True),
        ("J99216582", True),  # CIF
        ("54362315Z", False),
        ("X2482300A", False),
        ("J99216583", False),
        ("", False),
    ],
)
def test_is_es_nif(s: str, ok: bool) -> None:
    assert is_es_nif(s) is ok


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("36574261809", True),
        ("36 574 261 809", True),
        ("36574261890", False),  # check digit
        ("36554266806", False),  # digit-repetition rule
        ("06574261809", False),  # leading zero
        ("", False),
    ],
)
def test_is_de_tax_id(s: str, ok: bool) -> None:
    assert is_de_tax_id(s) is ok


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("295109912611193", True),
        ("2 95 10 99 126 111 93", True),
        ("253072B07300470", True),  # Corsica 2B
        ("295109912611199", False),
        ("253072C07300443", False),
        ("595109912611193", False),  # 5 is no sex/status code
        ("", False),
    ],
)
def test_is_fr_nir(s: str, ok: bool) -> None:
    assert is_fr_nir(s) is ok


# --------------------------------------------------------------------------- network


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("1.2.3.4", True),  # syntactically an address, even if it looks like a version
        ("192.168.0.1", True),
        ("255.255.255.255", True),
        ("1.2.3.4.5", False),
        ("256.1.1.1", False),
        ("01.2.3.4", False),
        ("1.2.3", False),
        ("v1.2.3.4", False),
        ("::1", False),
        ("", False),
    ],
)
def test_is_ipv4(s: str, ok: bool) -> None:
    assert is_ipv4(s) is ok


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("::1", True),
        ("2001:db8::1", True),
        ("fe80::1%eth0", True),
        ("::ffff:192.0.2.1", True),
        ("2001:db8::g", False),
        ("1.2.3.4", False),
        ("12345::1", False),
        (UUID, False),
        ("", False),
    ],
)
def test_is_ipv6(s: str, ok: bool) -> None:
    assert is_ipv6(s) is ok


# --------------------------------------------------------------------------- crypto wallets


@pytest.mark.parametrize(
    ("s", "kind"),
    [
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "bitcoin"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "bitcoin"),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "bitcoin"),
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "bitcoin"),
        ("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "bitcoin"),
        ("bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", "bitcoin"),
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", "bitcoin"),
        ("BC1SW50QGDZ25J", "bitcoin"),
        ("0x52908400098527886E0F7030069857D2E4169EE7", "ethereum"),
        ("0xde709f2102306220921060314715629080e2fb77", "ethereum"),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "ethereum"),
        ("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "ethereum"),
        ("0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb", "ethereum"),
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", None),  # base58 checksum
        ("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfN0", None),  # 0 is not base58
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", None),  # bech32 checksum
        ("bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", None),  # mixed case
        ("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh", None),  # v0 with bech32m
        ("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd", None),  # v1, bech32
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", None),  # EIP-55 case flipped
        ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae", None),  # 39 hex
        ("0x" + SHA256[:39] + "g", None),
        (MD5, None),
        (UUID, None),
        ("", None),
        (GARBAGE_10K, None),
    ],
)
def test_is_crypto_wallet(s: str, kind: str | None) -> None:
    assert is_crypto_wallet(s) == kind


def test_keccak256_known_vector() -> None:
    """Keccak-256 of the empty string (differs from SHA3-256, which would break EIP-55)."""
    expected = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert cs._keccak256(b"").hex() == expected


# --------------------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    ("s", "ok"),
    [
        ("alice@example.com", True),
        ("first.last+tag@sub.example.co.uk", True),
        ("o'neil@example.ie", True),
        ("用户@例子.广告", True),
        ("a@b.xn--p1ai", True),
        ("alice@example", False),
        ("alice.@example.com", False),
        (".alice@example.com", False),
        ("a..b@example.com", False),
        ("alice@-example.com", False),
        ("alice@exa_mple.com", False),
        ("alice@example.c0m", False),
        ("alice@@example.com", False),
        ("alice example@example.com", False),
        ("a@b.c", False),
        ("@example.com", False),
        ("alice@", False),
        ("a" * 65 + "@example.com", False),
        ("", False),
    ],
)
def test_is_email_syntax(s: str, ok: bool) -> None:
    assert is_email_syntax(s) is ok


@pytest.mark.parametrize(
    ("tld", "ok"),
    [
        ("com", True),
        ("COM", True),
        (".uk", True),
        ("museum", True),
        ("xn--p1ai", True),
        ("рф", True),
        ("zz", False),
        ("invalid", False),
        ("local", False),
        ("exe", False),
        ("co.uk", False),
        ("", False),
    ],
)
def test_is_known_tld(tld: str, ok: bool) -> None:
    assert is_known_tld(tld) is ok


def test_tld_snapshot_loads_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    cs._known_tlds.cache_clear()
    try:
        assert len(cs._known_tlds()) > 1000
        assert is_known_tld("org")
    finally:
        cs._known_tlds.cache_clear()


def test_tld_fallback_without_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cs, "_PSL_FILE", "no-such-snapshot")
    cs._known_tlds.cache_clear()
    try:
        assert is_known_tld("com") and is_known_tld("de")
        assert not is_known_tld("museum")
    finally:
        cs._known_tlds.cache_clear()


# --------------------------------------------------------------------------- password hashes

BCRYPT = "$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"


@pytest.mark.parametrize(
    ("s", "scheme"),
    [
        (BCRYPT, "bcrypt"),
        ("$2b$12$" + "a" * 53, "bcrypt"),
        ("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", "argon2"),
        (
            "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD",
            "scrypt",
        ),
        ("$7$C6..../....SodiumChloride$kBGj9fHznVYFQMEn/qDCfrDevf9YDtcDdKvEqHJLV8D", "scrypt"),
        ("$6$saltsalt$" + "a" * 86, "sha512-crypt"),
        ("$5$rounds=5000$saltsalt$" + "b" * 43, "sha256-crypt"),
        ("$1$saltsalt$" + "c" * 22, "md5-crypt"),
        (MD5, "md5"),
        (MD5.upper(), "md5"),
        (SHA1, "sha1"),
        (SHA256, "sha256"),
        ("1" * 32, None),  # all digits: a number, not a digest
        ("a" * 32, None),
        ("AbCdef0123456789abcdef0123456789", None),  # mixed case hex
        (MD5[:31], None),
        ("$2b$12$short", None),
        ("$2b$99$" + "a" * 53, None),  # cost out of range
        ("$6$salt$short", None),
        (UUID, None),
        ("4111111111111111", None),
        ("", None),
        (GARBAGE_10K, None),
    ],
)
def test_password_hash_scheme(s: str, scheme: str | None) -> None:
    assert password_hash_scheme(s) == scheme


# --------------------------------------------------------------------------- robustness

VALIDATORS: list[Callable[[str], object]] = [
    digits_only,
    luhn_valid,
    card_brand,
    is_card_number,
    is_masked_card,
    is_card_expiry,
    is_iban,
    is_swift_bic,
    is_aba_routing,
    is_uk_sort_code,
    vin_check_digit,
    is_vin,
    is_us_ssn,
    is_it_fiscal_code,
    is_uk_nino,
    is_es_nif,
    is_de_tax_id,
    is_fr_nir,
    is_ipv4,
    is_ipv6,
    is_crypto_wallet,
    is_email_syntax,
    is_known_tld,
    password_hash_scheme,
]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=120) | st.from_regex(r"[0-9A-Za-z $./@:*-]{1,60}", fullmatch=True))
def test_no_validator_raises(s: str) -> None:
    for validator in VALIDATORS:
        validator(s)


@pytest.mark.parametrize("validator", VALIDATORS, ids=lambda f: f.__name__)
def test_huge_and_empty_inputs_are_cheap_and_falsy(validator: Callable[[str], object]) -> None:
    start = time.perf_counter()
    for s in ("", GARBAGE_10K, "9" * 10_000, "\x00" * 10_000):
        result = validator(s)
        if validator is not digits_only:
            assert not result
    assert time.perf_counter() - start < 1.0


@given(st.sampled_from([pan for pan, _ in CARD_BRANDS]), st.integers(0, 18), st.integers(1, 9))
def test_card_single_digit_change_always_fails(pan: str, pos: int, delta: int) -> None:
    """Luhn detects every single-digit substitution, so a typo'd PAN is never a card."""
    pos %= len(pan)
    changed = pan[:pos] + str((int(pan[pos]) + delta) % 10) + pan[pos + 1 :]
    assert not luhn_valid(changed)


@settings(deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet="0123456789", max_size=22),
            st.text(alphabet="0123456789 -a", max_size=6),
        ),
        max_size=40,
    )
)
def test_luhn_mask_equals_luhn_valid(values: list[str | None]) -> None:
    """The numpy Luhn a phone column runs over its long digit runs is the per-value check."""
    import pyarrow as pa

    from exposure_scan.detectors.checksums import luhn_mask

    arr = pa.array(values, pa.string())
    expected = [v is not None and luhn_valid(v) for v in values]
    assert luhn_mask(arr).tolist() == expected
    assert luhn_mask(arr.slice(1)).tolist() == expected[1:]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet="0123456789", min_size=13, max_size=13),
            st.text(alphabet="0123456789", max_size=15),
            st.sampled_from(["4006381333931", "4006381333932", "0000000000000", "12345678901a3"]),
        ),
        max_size=40,
    )
)
def test_ean13_mask_equals_stdnum(values: list[str | None]) -> None:
    """The numpy EAN-13 check a phone column runs over bare 13-digit numbers is stdnum's for
    13 digits, and False for anything else."""
    import pyarrow as pa
    from stdnum import ean

    from exposure_scan.detectors.checksums import ean13_mask

    arr = pa.array(values, pa.string())
    expected = [
        v is not None and len(v) == 13 and v.isdigit() and bool(ean.is_valid(v)) for v in values
    ]
    assert ean13_mask(arr).tolist() == expected
    assert ean13_mask(arr.slice(1)).tolist() == expected[1:]


def _iin_edges() -> list[str]:
    """Every IIN range's bounds and their neighbours: where a numeric and a text comparison
    of the prefix could part."""
    from exposure_scan.detectors.checksums import _CARD_BRANDS

    edges: set[str] = set()
    for _brand, ranges, _lengths in _CARD_BRANDS:
        for iin_range in ranges.split():
            low, _, high = iin_range.partition("-")
            for bound in (low, high or low):
                k = len(bound)
                for step in (-1, 0, 1):
                    n = int(bound) + step
                    if 0 <= n < 10**k:
                        edges.add(str(n).zfill(k))
    return sorted(edges)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.tuples(
                st.sampled_from(_iin_edges()), st.text(alphabet="0123456789", max_size=18)
            ).map("".join),
            st.text(alphabet="0123456789", max_size=21),
            st.sampled_from(["4111111111111111", "378282246310005", "4111 1111 1111 1111", ""]),
        ),
        max_size=40,
    )
)
def test_card_brand_mask_equals_card_brand(values: list[str | None]) -> None:
    """The numpy brand rule a look-alike column runs over its Luhn-valid digit runs is
    ``card_brand``, including at every IIN range's edges and for lengths no brand issues."""
    import pyarrow as pa

    from exposure_scan.detectors.checksums import card_brand_mask

    arr = pa.array(values, pa.string())
    expected = [v is not None and card_brand(v) is not None for v in values]
    assert card_brand_mask(arr).tolist() == expected
    assert card_brand_mask(arr.slice(1)).tolist() == expected[1:]
