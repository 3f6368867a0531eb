"""Fast paths must give exactly what the slow, obvious code gives."""

from __future__ import annotations

import hashlib
import hmac

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exposure_scan.detectors.phone import e164, parse_phone
from exposure_scan.masking import keyed_hash

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
TYPES = [
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.VOIP,
    phonenumbers.PhoneNumberType.TOLL_FREE,
]


@pytest.mark.parametrize("region", REGIONS)
def test_e164_matches_libphonenumber_for_every_region(region: str) -> None:
    for kind in TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is not None:
            expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            assert e164(number) == expected


@given(
    st.sampled_from(["+39 0{}", "+39 3{}", "0{}", "+44 20{}", "+81 3{}", "06 {}"]),
    st.integers(10**5, 10**8),
)
def test_e164_matches_libphonenumber_on_parsed_values(shape: str, n: int) -> None:
    number = parse_phone(shape.format(n))
    if number is not None:
        assert e164(number) == phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164
        )


@given(st.text(max_size=40), st.binary(min_size=1, max_size=40))
def test_keyed_hash_is_hmac_sha256(value: str, key: bytes) -> None:
    raw = value.encode("utf-8", "surrogatepass")
    assert keyed_hash(value, key) == hmac.new(key, raw, hashlib.sha256).hexdigest()[:32]
