"""Phone numbers, validated by libphonenumber (the ``phonenumbers`` port).

A phone-number regex alone cannot tell ``+39 333 123 4567`` from an order number, so the pattern
here is deliberately loose (7-15 digits with the usual separators) and the decision is
libphonenumber's: per-country numbering plans, lengths and ranges, maintained upstream for
every country, which no hand-written table can match.

Two rules keep the lenient national plans from swallowing ordinary numbers:

* shapes that are something else are refused before parsing: dates and timestamps, dotted
  quads (IPs, versions), decimals (prices, coordinates), thousands-grouped amounts, card numbers,
  and anything glued to letters (IBAN fragments, ``ID12345678``, ``2024-01-15T10``);
* a number without ``+``/``00`` is tried in a region only in that region's national form: with
  the trunk prefix where the region has one (``030 1234567`` in Germany, not ``301234567``,
  which would otherwise make every epoch timestamp a German mobile number), or with the
  country code of a candidate region in front (E.164 without the ``+``, as integer exports
  store phones); it must then be a subscriber line (mobile, fixed, VoIP, personal), a mobile
  from 13 digits on, and a bare 13-digit run with a valid EAN check digit is a barcode.

Even so, about four random 9-10 digit numbers in ten *are* valid Spanish, Italian or US
numbers: a column of such ids is told apart by its role, not here (hence the 0.7 score).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import phonenumbers
import pyarrow as pa
from stdnum import ean

from ..masking import mask_digits_keep_last, mask_digits_keep_last_many
from . import checksums
from .base import SMALL_ARRAY, Detector

DEFAULT_REGIONS: tuple[str, ...] = ("IT", "DE", "FR", "ES", "GB", "US", "CH", "NL", "JP")

_MIN_DIGITS, _MAX_DIGITS = 7, 15

# A date (optionally the start of a timestamp) anywhere in the candidate: 4-digit years only,
# so French pairs (06-12-34-56-78) stay phones.
_DATE = re.compile(
    r"(?<![0-9])(?:(?:19|20)[0-9]{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12][0-9]|3[01])"
    r"|(?:0?[1-9]|[12][0-9]|3[01])[-/.](?:0?[1-9]|[12][0-9]|3[01])[-/.](?:19|20)[0-9]{2})"
    r"(?![0-9])"
)
_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_DECIMAL = re.compile(r"[0-9]+[.,][0-9]+")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:[.,][0-9]{3})+")
_AMOUNT = re.compile(r"[0-9]{1,3}([ .,'])[0-9]{3}(?:\1[0-9]{3})*[.,][0-9]{1,2}")
_LETTER = re.compile(r"[^\W\d_]")
# A first group with one leading zero (``0159.67622543``, ``06.59512543``) is a trunk prefix, not
# the integer part of a decimal or an amount; zero-padded IPs (``010.001.002.003``) stay IPs.
_TRUNK_FIRST = re.compile(r"0[1-9][0-9]*\.")
_PADDED_QUAD = re.compile(r"[0-9]{3}(?:\.[0-9]{3}){3}")
_SEPARATORS = re.compile(r"[ ()\-./]+")
_DIGIT_RUN = re.compile(r"[0-9]+")


@functools.cache
def _region_plan(region: str) -> tuple[int, str | None, frozenset[int], re.Pattern[str]] | None:
    """(country code, trunk prefix, possible national lengths, national pattern) of a region."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region.upper())
    if meta is None or meta.general_desc is None or meta.country_code is None:
        return None
    desc = meta.general_desc
    lengths = frozenset(desc.possible_length or ())
    pattern = re.compile(desc.national_number_pattern or r"[0-9]+")
    return meta.country_code, meta.national_prefix, lengths, pattern


def _nsn_ok(nsn: str, region: str) -> bool:
    """Cheap pre-check of a national significant number (a parse costs ~50 µs, this ~1 µs)."""
    plan = _region_plan(region)
    return plan is not None and len(nsn) in plan[2] and plan[3].fullmatch(nsn) is not None


def _national_nsn(digits: str, region: str) -> str | None:
    """The national significant number of ``digits`` written in the region's national form
    (trunk prefix first where the region has one), if its length and leading digits fit."""
    plan = _region_plan(region)
    if plan is None:
        return None
    trunk = plan[1]
    if trunk == "0":
        return digits[1:] if digits.startswith("0") and _nsn_ok(digits[1:], region) else None
    if trunk and digits.startswith(trunk) and _nsn_ok(digits[len(trunk) :], region):
        return digits[len(trunk) :]
    return digits if _nsn_ok(digits, region) else None


def _number(country_code: int, nsn: str, region: str) -> phonenumbers.PhoneNumber | None:
    """The number built directly from a pre-checked national number, valid in ``region``.

    Equivalent to ``parse`` for digit strings (leading zeros kept as libphonenumber keeps them,
    for Italy) at a fifth of the cost, which matters on columns of millions of distinct ids.
    """
    number = phonenumbers.PhoneNumber(country_code=country_code, national_number=int(nsn))
    if len(nsn) > 1 and nsn[0] == "0":
        number.italian_leading_zero = True
        zeros = min(len(nsn) - len(nsn.lstrip("0")), len(nsn) - 1)
        if zeros != 1:
            number.number_of_leading_zeros = zeros
    return number if phonenumbers.is_valid_number_for_region(number, region) else None


def _looks_like_something_else(value: str, digits: str) -> bool:
    """Shapes that carry enough digits to be a phone but are dates, amounts, IPs, cards..."""
    if _LETTER.search(value) or ":" in value or "," in value:
        return True
    if value.count("(") != value.count(")") or _AMOUNT.fullmatch(value):
        return True
    if _DATE.search(value):
        return True
    numeric = _DOTTED_QUAD.fullmatch(value) or _DECIMAL.fullmatch(value)
    if (numeric or _THOUSANDS.fullmatch(value)) and (
        not _TRUNK_FIRST.match(value) or _PADDED_QUAD.fullmatch(value)
    ):
        return True
    # ``+4915182325618`` passes Luhn with a Visa prefix, but nobody writes a card after a ``+``
    international = value.lstrip("(").startswith("+")
    return not international and len(digits) >= 13 and checksums.is_card_number(digits)


def _groups(text: str) -> tuple[int, ...]:
    """Lengths of the digit groups as written: ``06 12 34 56 78`` -> (2, 2, 2, 2, 2)."""
    return tuple(len(g) for g in _DIGIT_RUN.findall(text))


def _national_format(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))


def _valid(text: str) -> phonenumbers.PhoneNumber | None:
    """An international number, parsed and valid in whatever country its code names."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


@functools.lru_cache(maxsize=1 << 16)
def parse_phone(value: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> Any:
    """The valid :class:`phonenumbers.PhoneNumber` a candidate denotes, or None.

    ``+``/``00`` numbers are parsed as international; others are checked in each of
    ``regions`` (national form), then as E.164 without ``+`` when they start with one of those
    regions' country codes. A national number valid in several plans (``06 12 34 56 78`` is
    French, and Italian too) is given the country whose own national format is exactly what
    was written, else one that groups the digits alike, else the first region that accepts it.
    Pure and cached: a value is parsed once per process.
    """
    value = value.strip()
    digits = checksums.digits_only(value)
    international = value.lstrip("(").startswith("+")
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS + 2:  # +2: room for an IDD "00"
        return None
    if _looks_like_something_else(value, digits):
        return None
    if international:
        return _valid(value) if len(digits) <= _MAX_DIGITS else None
    if value == digits and len(digits) == 13 and ean.is_valid(digits):
        return None  # a bare 13-digit run with a valid EAN check digit is a barcode first
    if digits.startswith("00") and not digits.startswith("000"):
        rest = digits[2:]
        return _valid("+" + rest) if _MIN_DIGITS <= len(rest) <= _MAX_DIGITS else None
    if len(digits) > _MAX_DIGITS:
        return None
    plans = [(region, _region_plan(region)) for region in regions]
    groups = _groups(value)
    best, best_fit = None, -1
    for region, plan in plans:
        nsn = _national_nsn(digits, region)
        if plan is not None and nsn is not None:
            number = _number(plan[0], nsn, region)
            if number is not None and _plausible_without_plus(number, len(digits)):
                if len(groups) == 1:
                    return number
                written = _national_format(number)
                fit = 2 if written == value else int(_groups(written) == groups)
                if fit == 2:
                    return number
                if fit > best_fit:
                    best, best_fit = number, fit
    if best is not None:
        return best
    if len(digits) >= 10 and not digits.startswith("0"):
        for region, plan in plans:
            cc = str(plan[0]) if plan is not None else "-"
            if plan is not None and digits.startswith(cc) and _nsn_ok(digits[len(cc) :], region):
                number = _number(plan[0], digits[len(cc) :], region)
                if number is not None and _plausible_without_plus(number, len(digits)):
                    return number
    return None


@functools.lru_cache(maxsize=1 << 16)
def parse_without_trunk(value: str, region: str) -> Any:
    """A national number of ``region`` written in groups without its trunk ``0``
    (``159 67622543`` in a German record, ``7 69 08 07 31`` in a French one), or None.

    Only for the record's own country: without one, such a number is another plan's (or an
    id). A bare digit run stays refused: epoch timestamps would be German mobiles.
    """
    plan = _region_plan(region)
    value = value.strip()
    digits = checksums.digits_only(value)
    if plan is None or plan[1] != "0" or digits.startswith("0") or len(_groups(value)) < 2:
        return None
    if not _MIN_DIGITS <= len(digits) <= _MAX_DIGITS or value.lstrip("(").startswith("+"):
        return None
    if _looks_like_something_else(value, digits) or not _nsn_ok(digits, region):
        return None
    number = _number(plan[0], digits, region)
    return number if number is not None and _plausible_without_plus(number, len(digits)) else None


_MOBILE = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
_PERSONAL = _MOBILE | {
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    phonenumbers.PhoneNumberType.VOIP,
}


def _plausible_without_plus(number: phonenumbers.PhoneNumber, n_digits: int) -> bool:
    """A number written without ``+``/``00`` must be a subscriber's line (the Italian voicemail
    range alone takes every 11-12 digit number that starts with 3), and from 13 digits on a
    mobile one: the variable-length German fixed-line plan would otherwise accept one 13-15
    digit number in a hundred that starts with 49 or 0 (UPC barcodes padded to EAN-13)."""
    kind = phonenumbers.number_type(number)
    return kind in (_MOBILE if n_digits >= 13 else _PERSONAL)


def e164(number: phonenumbers.PhoneNumber) -> str:
    """E.164 text of a parsed number, as ``format_number(..., E164)`` gives it, a tenth of the
    cost (it runs once per distinct phone of a leak)."""
    zeros = ""
    if number.italian_leading_zero:
        zeros = "0" * (number.number_of_leading_zeros or 1)
    return f"+{number.country_code}{zeros}{number.national_number}"


class PhoneDetector(Detector):
    """Phone numbers in international (+CC, 00CC) or national form, valid per libphonenumber.

    ``regions`` are the national numbering plans tried for numbers without a country code;
    the default covers IT, DE, FR, ES, GB, US, CH, NL and JP. Plain integer ids in an ``id``
    column may still validate (``3331234567`` *is* an Italian mobile number): telling those
    apart is the column role's job, hence a lower score than checksum-backed detectors.
    """

    entity = "PHONE_NUMBER"
    name = "phone"
    version = "1"
    # A run of digits and separators (one or two at a time), optionally opened by + or (,
    # glued to what continues it (letters, also across a hyphen: IBANs, ids, UUID groups, ISO
    # timestamps; a time or decimals after a colon or comma) so such runs are seen whole and
    # refused rather than cut into a phone-shaped piece.
    pattern = (
        r"(?:[0-9A-Za-z_]*[A-Za-z_]-?)?\(?\+?\(?[0-9](?:[ ()\-./]{0,2}[0-9]){6,}"
        r"(?:-?[A-Za-z_][0-9A-Za-z_]*|[:,][0-9]+)?"
    )
    prefilter = r"[0-9](?:[ ()\-./]{0,2}[0-9]){6}"
    score = 0.7
    numeric = True
    #: An ISO date or timestamp cell: its digit run is a date to ``parse_phone`` anyway.
    cell_veto = (
        r"^\s*(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]"
        r"(?:[T ][0-2][0-9]:[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]+)?)?"
        r"(?:Z|[+-][0-2][0-9]:?[0-5][0-9])?)?\s*$"
    )

    def __init__(self, regions: tuple[str, ...] | list[str] = DEFAULT_REGIONS) -> None:
        self.regions = tuple(r.upper() for r in regions)
        unknown = [r for r in self.regions if _region_plan(r) is None]
        if unknown or not self.regions:
            raise ValueError(f"unknown phone regions: {unknown or 'none given'}")

    @property
    def ident(self) -> str:
        if self.regions == DEFAULT_REGIONS:
            return super().ident
        return f"{self.name}[{','.join(self.regions)}]@{self.version}"

    uses_region = True

    def validate(self, value: str) -> bool:
        return parse_phone(value, self.regions) is not None

    def _parse_in(self, value: str, region: str | None) -> Any:
        """Parsed in the record's own country when it is valid there (the record says which
        plan is meant; there also without the trunk ``0``), else as :meth:`validate` would."""
        if region is not None and _region_plan(region) is not None:
            number = parse_phone(value, (region,))
            if number is None:
                number = parse_without_trunk(value, region)
            if number is not None:
                return number
        return parse_phone(value, self.regions)

    def validate_in(self, value: str, region: str | None) -> bool:
        return self._parse_in(value, region) is not None

    def normalise_in(self, value: str, region: str | None) -> str:
        number = self._parse_in(value, region)
        return _SEPARATORS.sub("", value) if number is None else e164(number)

    def normalise(self, value: str) -> str:
        """E.164 (``+393331234567``), so every written form of one number links."""
        number = parse_phone(value, self.regions)
        if number is None:
            return _SEPARATORS.sub("", value)
        return e164(number)

    def check_many(self, values: pa.Array, regions: pa.Array | None) -> pa.Array | None:
        """E.164 per value where :meth:`validate_in` holds, else null, for a whole array at
        once: libphonenumber's metadata run as RE2 in Arrow (see ``phone_vector``). A few
        values (positive controls, small batches) go value by value: the Arrow route costs
        ~10 ms per call whatever the length, a parse ~40 µs."""
        if len(values) <= SMALL_ARRAY:
            return None
        from .phone_vector import normal_forms

        return normal_forms(values, self.regions, regions)

    def mask(self, value: str) -> str:
        return mask_digits_keep_last(value, 2)

    def mask_many(self, values: pa.Array) -> pa.Array:
        return mask_digits_keep_last_many(values, 2)
