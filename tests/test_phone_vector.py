"""The vectorised phone validator gives the per-value answer for every input."""

from __future__ import annotations

import phonenumbers
import pyarrow as pa
import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan.detectors.base import candidate_cells, find
from exposure_scan.detectors.phone import DEFAULT_REGIONS, PhoneDetector
from exposure_scan.detectors.phone_vector import decide, normal_forms

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
TYPES = [
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.VOIP,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    phonenumbers.PhoneNumberType.UAN,
]
RECORD_REGIONS = [None, "IT", "DE", "FR", "GB", "US", "ES", "NL", "CH", "JP", "PT", "CA", "XX"]


def per_value(values: list[str | None], regions: list[str | None] | None) -> list[str | None]:
    det = PhoneDetector()
    out: list[str | None] = []
    for i, v in enumerate(values):
        r = None if regions is None else regions[i]
        out.append(det.normalise_in(v, r) if v is not None and det.validate_in(v, r) else None)
    return out


def vector(
    values: list[str | None], regions: list[str | None] | None, small_groups: bool = False
) -> list[str | None]:
    rr = None if regions is None else pa.array(regions, pa.string())
    result: list[str | None] = normal_forms(
        pa.array(values, pa.string()), DEFAULT_REGIONS, rr, small_groups=small_groups
    ).to_pylist()
    return result


@st.composite
def example_phone(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(REGIONS))
    number = phonenumbers.example_number_for_type(region, draw(st.sampled_from(TYPES)))
    if number is None:
        number = phonenumbers.example_number(region)
    if number is None:
        return "+39 333 123 4567"
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    intl = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    nsn = phonenumbers.national_significant_number(number)
    cc = str(number.country_code)
    forms = [
        national,
        intl,
        e164,
        e164[1:],
        "00" + e164[1:],
        national.replace(" ", "."),
        national.replace(" ", "-"),
        national.replace(" ", ""),
        intl.replace(" ", ".", 1),
        f"+{cc} (0){nsn}",
        f"(+{cc}) {nsn[:3]} {nsn[3:]}",
        f"({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}",
        " ".join(nsn[i : i + 2] for i in range(0, len(nsn), 2)),
        nsn,
    ]
    return draw(st.sampled_from(forms))


@st.composite
def digit_noise(draw: st.DrawFn) -> str:
    digits = draw(st.text("0123456789", min_size=5, max_size=18))
    seps = draw(st.lists(st.sampled_from(["", "", "", " ", "-", ".", "/", "(", ")", "  "])))
    out = "".join(d + (seps[i] if i < len(seps) else "") for i, d in enumerate(digits))
    return draw(st.sampled_from(["", "+", "00", "(", " "])) + out


DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%Y%m%d", "%d-%m-%Y %H:%M"]
dates = st.dates().map(lambda d: d.strftime(DATE_FORMATS[d.toordinal() % len(DATE_FORMATS)]))
ips = st.tuples(*[st.integers(0, 255)] * 4).map(lambda t: ".".join(map(str, t)))
decimals = st.decimals(0, 10**9, places=4, allow_nan=False).map(str)
values = st.one_of(
    example_phone(), digit_noise(), dates, ips, decimals, st.text(max_size=20), st.none()
)


@settings(max_examples=60, deadline=None)
@given(
    batch=st.lists(st.tuples(values, st.sampled_from(RECORD_REGIONS)), min_size=1, max_size=40),
    with_regions=st.booleans(),
    small_groups=st.booleans(),
)
def test_normal_forms_equal_the_per_value_path(
    batch: list[tuple[str | None, str | None]], with_regions: bool, small_groups: bool
) -> None:
    """Both routes for international numbers: Arrow for every country code, or libphonenumber
    for a code's few values (which, in batches this small, is every code)."""
    vals = [v for v, _ in batch]
    regions = [r for _, r in batch] if with_regions else None
    assert vector(vals, regions, small_groups) == per_value(vals, regions)


POSITIVES = [
    ("+39 333 123 4567", None, "+393331234567"),
    ("0039 333 1234567", None, "+393331234567"),
    ("393331234567", None, "+393331234567"),
    ("333.123.4567", None, "+393331234567"),
    ("06 12 34 56 78", None, "+33612345678"),
    ("06 12 34 56 78", "IT", "+390612345678"),
    ("06.12.34.56.78", None, "+33612345678"),
    ("030 1234567", None, "+49301234567"),
    ("0159.67622543", None, "+4915967622543"),
    ("076.267.31.03", None, "+41762673103"),
    ("+4915182325618", None, "+4915182325618"),  # Luhn-valid, Visa prefix: still a phone
    ("+44 (0)20 7946 0018", None, "+442079460018"),
    ("159 67622543", "DE", "+4915967622543"),  # no trunk 0, in a German record
    ("7 69 08 07 31", "FR", "+33769080731"),
    ("7436 319905", "GB", "+447436319905"),
    ("(201) 555-0123", None, "+12015550123"),
    ("090-1234-5678", None, "+819012345678"),
    ("21 123 4567", "PT", "+351211234567"),
    # Luhn-valid, 13 digits, but in no card brand's ranges: a phone in a Chinese record
    ("8613812345603", "CN", "+8613812345603"),
]


@pytest.mark.parametrize(("value", "region", "e164"), POSITIVES)
def test_positives(value: str, region: str | None, e164: str) -> None:
    assert per_value([value], [region]) == [e164]
    assert vector([value], [region]) == [e164]


NEGATIVES = [
    "2024-01-15",
    "15/01/2024 10:30",
    "2024-01-15T10:30:00",
    "1.2.3.4",
    "192.168.100.200",
    "010.001.002.003",  # a zero-padded IP, not a trunk prefix
    "1234567.89",
    "1.234.567",
    "641.641.526",  # thousands-shaped: an amount first
    "45.4642035",
    "73.9857123",
    "4006381333931",  # EAN-13
    "4111 1111 1111 1111",
    "4111111111111111",
    "ORD-2024-1234567",
    "1700000000",  # an epoch timestamp, even in a German record
    "333.1234567",
]


@pytest.mark.parametrize("value", NEGATIVES)
@pytest.mark.parametrize("region", [None, "DE", "IT"])
def test_look_alikes_stay_refused(value: str, region: str | None) -> None:
    assert per_value([value], [region]) == [None]
    assert vector([value], [region]) == [None]


@pytest.mark.parametrize("region", ["DE", "GB", "IT", "US"])
def test_a_13_digit_card_is_no_phone(region: str) -> None:
    """Visa's documented 13-digit test number (Luhn-valid, in Visa's range) is a card, and
    refused as a phone by both paths, bare or among many."""
    value = "4222222222222"
    assert per_value([value], [region]) == [None]
    assert vector([value] * 70, [region] * 70) == [None] * 70


def test_check_many_is_the_detector_answer() -> None:
    det = PhoneDetector(("FR", "IT"))
    arr = pa.array(["06 12 34 56 78", "2024-01-15", None, "+39 333 123 4567"] * 20)
    got = det.check_many(arr, pa.array(["IT", None, None, "FR"] * 20))
    assert got is not None
    assert got.to_pylist() == ["+390612345678", None, None, "+393331234567"] * 20


def test_a_few_values_go_value_by_value() -> None:
    """The Arrow route has a fixed cost per call: small arrays take the per-value path."""
    assert PhoneDetector().check_many(pa.array(["+39 333 123 4567"]), None) is None


@pytest.mark.parametrize(
    ("cc", "nsn"), [("49", "15123456789"), ("1", "2015550123"), ("41", "762673103")]
)
def test_a_country_code_with_few_values_goes_value_by_value(cc: str, nsn: str) -> None:
    """A column of order numbers has a few ``00``-led values per batch, spread over hundreds
    of codes: below a size that grows with the code's regions, a code's values take the
    per-value path, from which many do; the answers do not change either way."""
    few = [f"+{cc} {nsn}", f"00{cc}{nsn}", f"+{cc}{nsn[:-1]}"] * 10
    many = few * 60  # 600 of each form: past even NANP's 25 regions
    for values in (few, many):
        arr = pa.array(values, pa.string())
        result, fallback = decide(arr, DEFAULT_REGIONS)
        assert result.to_pylist() == per_value(values, None)
        assert (
            result.to_pylist() == normal_forms(arr, DEFAULT_REGIONS, small_groups=False).to_pylist()
        )
        assert fallback == (len(values) if values is few else 0)


def test_common_forms_are_decided_in_arrow() -> None:
    """The per-value path is the exception: national, international, 00 and E.164 forms of
    the default regions never take it."""
    forms = []
    for region in DEFAULT_REGIONS:
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            n = phonenumbers.example_number_for_type(region, kind)
            assert n is not None
            for fmt in range(3):
                forms.append(phonenumbers.format_number(n, fmt))
    result, fallback = decide(pa.array(forms), DEFAULT_REGIONS, small_groups=False)
    assert fallback == 0
    assert result.null_count == 0


@pytest.mark.parametrize(
    "cell",
    [
        "2015-01-01",
        "2015-01-01 00:11:25",
        "2015-01-01T00:11:25Z",
        "2024-12-31T23:59:59.123+01:00",
        " 1999-07-04 12:00 ",
    ],
)
def test_iso_timestamp_cells_are_vetoed_and_could_never_be_phones(cell: str) -> None:
    """The veto only saves work: the per-value path refuses every match in such a cell."""
    det = PhoneDetector()
    assert find(det, pa.array([cell])).cell.size == 0
    assert candidate_cells(det, pa.array([cell] * 100)).size == 0
    for m in re2.finditer(det.pattern, cell):
        assert not det.validate(m.group())


@pytest.mark.parametrize("cell", ["2015-01-01 +39 333 123 4567", "+44 20 7946 0958"])
def test_the_timestamp_veto_keeps_cells_that_are_more_than_a_timestamp(cell: str) -> None:
    assert candidate_cells(PhoneDetector(), pa.array([cell] * 100)).size == 100


TRUNK_AFTER_CODE = ["FR", "DE", "GB", "NL", "CH", "AT", "BE", "US", "IT", "ES", "JP", "BR"]


@pytest.mark.parametrize("region", TRUNK_AFTER_CODE)
def test_the_trunk_prefix_written_after_the_country_code_is_decided_in_arrow(region: str) -> None:
    """``+33 (0)1 23 45 67 89``: libphonenumber drops the national prefix written after the
    code (when the number stays viable and of a possible length). Arrow does the same for
    regions whose prefix is plain digits (``0``, GB's ``0|180020``): equal to the per-value
    path, and none of these forms takes it."""
    forms: list[str | None] = []
    for kind in TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is None:
            continue
        cc, nsn = number.country_code, phonenumbers.national_significant_number(number)
        forms += [f"+{cc} (0){nsn}", f"+{cc} 0{nsn}", f"+{cc}(0) {nsn[:3]} {nsn[3:]}"]
        forms += [f"+{cc} (0)0{nsn}", f"+{cc} (0){nsn[:-2]}", f"+{cc} 180020{nsn}"]
    values = forms * 3  # past the per-value threshold of small arrays
    assert vector(values, None) == per_value(values, None)
    assert vector(values, None, small_groups=True) == per_value(values, None)  # libphonenumber
    plain = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    prefix = plain.national_prefix_for_parsing if plain is not None else None
    if prefix and all(p.isdigit() for p in prefix.split("|")):
        _, fallback = decide(pa.array(values, pa.string()), DEFAULT_REGIONS, small_groups=False)
        assert fallback == 0
