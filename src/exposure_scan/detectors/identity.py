"""Identity documents and national identifiers: SSN, codice fiscale, NINO, NIF, IdNr, NIR,
passport numbers and dates of birth.

Identifiers with a check digit or strict structure (codice fiscale, NIR, dashed SSN, NINO,
NIF) are detected anywhere. Those that are only a number of a common length (a bare 9-digit
SSN, an 11-digit Steuer-IdNr, a passport number) or only a date (a birth date is a date that
a *column* calls a birth date) are detected only in a column whose role names them.
"""

from __future__ import annotations

import datetime as dt
import re

from ..masking import mask_all
from . import checksums
from .base import Detector

_NATIONAL_ID = "NATIONAL_ID"


class UsSsnDetector(Detector):
    """US SSN written ``AAA-GG-SSSS`` (area, group and serial rules; advertising numbers out)."""

    entity = "US_SSN"
    name = "us_ssn"
    version = "1"
    pattern = r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b"
    score = 0.85

    def validate(self, value: str) -> bool:
        return checksums.is_us_ssn(value)

    def normalise(self, value: str) -> str:
        return checksums.digits_only(value)

    def mask(self, value: str) -> str:
        return mask_all(value)


class UsSsnBareDetector(UsSsnDetector):
    """A 9-digit SSN without dashes, in an SSN or national-id column only: most 9-digit
    numbers pass the SSN structure rules, so the shape proves nothing by itself."""

    name = "us_ssn_bare"
    pattern = r"\b[0-9]{9}\b"
    numeric = True
    context = frozenset({"US_SSN", _NATIONAL_ID})


class ItFiscalCodeDetector(Detector):
    """Italian codice fiscale of a person: 16 characters, birth date and check letter verified
    (omocodia letters accepted)."""

    entity = "IT_FISCAL_CODE"
    name = "it_fiscal_code"
    version = "1"
    pattern = (
        r"(?i)\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}"
        r"[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b"
    )
    score = 0.95

    def validate(self, value: str) -> bool:
        return checksums.is_it_fiscal_code(value)

    def normalise(self, value: str) -> str:
        return value.upper()


class UkNinoDetector(Detector):
    """UK National Insurance number (HMRC prefix rules, suffix A-D), spaced or not."""

    entity = "UK_NINO"
    name = "uk_nino"
    version = "1"
    pattern = r"(?i)\b[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b"
    score = 0.85

    def validate(self, value: str) -> bool:
        return checksums.is_uk_nino(value)

    def normalise(self, value: str) -> str:
        return value.replace(" ", "").upper()


class EsNifDetector(Detector):
    """Spanish NIF of a person: DNI (8 digits + letter), NIE (X/Y/Z + 7 digits + letter) and the
    K/L/M personal NIFs, check letter verified. Company CIFs are left out: they identify
    businesses, not people."""

    entity = "ES_NIF"
    name = "es_nif"
    version = "1"
    pattern = r"(?i)\b(?:[0-9]{8}|[KLMXYZ][ \-]?[0-9]{7})[ \-]?[A-Z]\b"
    score = 0.9

    def validate(self, value: str) -> bool:
        return checksums.is_es_nif(value)

    def normalise(self, value: str) -> str:
        return value.replace(" ", "").replace("-", "").upper()


class DeTaxIdDetector(Detector):
    """German Steuer-IdNr (11 digits, ISO 7064 check), in a tax-id or national-id column only:
    with one check digit, one 11-digit number in ten passes."""

    entity = "DE_TAX_ID"
    name = "de_tax_id"
    version = "1"
    pattern = r"\b[1-9][0-9](?: ?[0-9]{3}){3}\b"
    score = 0.85
    numeric = True
    context = frozenset({"DE_TAX_ID", _NATIONAL_ID})

    def validate(self, value: str) -> bool:
        return checksums.is_de_tax_id(value)

    def normalise(self, value: str) -> str:
        return checksums.digits_only(value)


class FrNirDetector(Detector):
    """French NIR (numéro de sécurité sociale): 15 characters incl. Corsican 2A/2B, mod-97 key."""

    entity = "FR_NIR"
    name = "fr_nir"
    version = "1"
    pattern = r"\b[1-478](?: ?[0-9]){4} ?(?:[0-9] ?[0-9]|2 ?[AaBb])(?: ?[0-9]){8}\b"
    score = 0.9
    numeric = True

    def validate(self, value: str) -> bool:
        # Written as one run of 15 digits it is only a NIR in a column that says so: a
        # mod-97 key passes one random 15-digit order number in a hundred.
        return " " in value.strip() and checksums.is_fr_nir(value)

    def normalise(self, value: str) -> str:
        return value.replace(" ", "").upper()


class FrNirColumnDetector(FrNirDetector):
    """A NIR written as one run (``185057800608436``) in a column announced as one."""

    name = "fr_nir_column"
    context = frozenset({"FR_NIR", "NATIONAL_ID"})

    def validate(self, value: str) -> bool:
        return checksums.is_fr_nir(value)


class PassportDetector(Detector):
    """A passport number (6-9 letters and digits, at least one digit) in a passport column.

    National formats differ too much for a shape to mean anything outside such a column.
    """

    entity = "PASSPORT"
    name = "passport"
    version = "1"
    pattern = r"\b[A-Za-z0-9]{6,9}\b"
    score = 0.8
    numeric = True
    context = frozenset({"PASSPORT"})

    def validate(self, value: str) -> bool:
        return any(c.isdigit() for c in value) and len(set(value.upper())) > 2

    def normalise(self, value: str) -> str:
        return value.upper()


# --------------------------------------------------------------------------- dates of birth

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan gennaio gen januar jänner janvier janv enero ene januari",
        "february feb febbraio februar février fevrier févr fevr febrero februari",
        "march mar marzo märz maerz mrz mär mars maart mrt",
        "april apr aprile avril avr abril abr",
        "may maggio mag mai mayo mei",
        "june jun giugno giu juni juin junio",
        "july jul luglio lug juli juillet juil julio",
        "august aug agosto ago août aout augustus",
        "september sep sept settembre set septembre septiembre setiembre",
        "october oct ottobre ott oktober okt octobre octubre",
        "november nov novembre noviembre",
        "december dec dicembre dic dezember dez décembre decembre diciembre déc",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number

_TIME_TAIL = r"(?:[T ][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"

_DOB_PATTERN = (
    r"(?i)\b(?:"
    r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}"
    r"|[0-9]{1,2}[-/. ][0-9]{1,2}[-/. ][0-9]{2}(?:[0-9]{2})?"
    r"|[0-9]{8}"
    r"|[0-9]{1,2}(?:st|nd|rd|th|er)?\.?[ \-](?:de )?\pL{3,10}\.?[ \-](?:de )?[0-9]{2}(?:[0-9]{2})?"
    r"|\pL{3,10}\.? [0-9]{1,2}(?:st|nd|rd|th)?,? [0-9]{4}"
    rf"){_TIME_TAIL}\b"
)

_TAIL_RE = re.compile(r"[T ][0-9]{1,2}:[0-9:.]*(?:Z|[+-][0-9:]+)?$", re.IGNORECASE)
_YMD = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_DMY = re.compile(r"([0-9]{1,2})[-/. ]([0-9]{1,2})[-/. ]([0-9]{2}|[0-9]{4})")
_DAY_NAME_YEAR = re.compile(
    r"([0-9]{1,2})(?:st|nd|rd|th|er)?\.?[ \-](?:de )?(\w{3,10})\.?[ \-](?:de )?([0-9]{2}|[0-9]{4})",
    re.IGNORECASE,
)
_NAME_DAY_YEAR = re.compile(
    r"(\w{3,10})\.? ([0-9]{1,2})(?:st|nd|rd|th)?,? ([0-9]{4})", re.IGNORECASE
)


def _years(text: str, today: dt.date) -> tuple[int, ...]:
    year = int(text)
    if len(text) == 4:
        return (year,)
    return (1900 + year, 2000 + year) if 2000 + year <= today.year else (1900 + year,)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def birth_date_candidates(value: str, today: dt.date | None = None) -> list[dt.date]:
    """Every calendar date ``value`` can be read as (D/M/Y and M/D/Y both tried), plausible or
    not; the time part of a timestamp is ignored."""
    today = today or dt.date.today()
    text = _TAIL_RE.sub("", value.strip())
    triples: list[tuple[int, int, int]] = []
    if (m := _YMD.fullmatch(text)) is not None:
        triples.append((int(m[1]), int(m[2]), int(m[3])))
    elif (m := _DMY.fullmatch(text)) is not None:
        a, b = int(m[1]), int(m[2])
        for year in _years(m[3], today):
            triples += [(year, b, a), (year, a, b)]
    elif text.isdigit() and len(text) == 8:
        triples += [
            (int(text[:4]), int(text[4:6]), int(text[6:])),
            (int(text[4:]), int(text[2:4]), int(text[:2])),
            (int(text[4:]), int(text[:2]), int(text[2:4])),
        ]
    elif (m := _DAY_NAME_YEAR.fullmatch(text)) is not None:
        month = _MONTHS.get(m[2].lower())
        if month:
            triples += [(year, month, int(m[1])) for year in _years(m[3], today)]
    elif (m := _NAME_DAY_YEAR.fullmatch(text)) is not None:
        month = _MONTHS.get(m[1].lower())
        if month:
            triples.append((int(m[3]), month, int(m[2])))
    return [d for d in (_date(*t) for t in triples) if d is not None]


def is_plausible_birth_date(value: str, today: dt.date | None = None) -> bool:
    """A date in a common format that falls between 1900-01-01 and today."""
    today = today or dt.date.today()
    return any(dt.date(1900, 1, 1) <= d <= today for d in birth_date_candidates(value, today))


class DateOfBirthDetector(Detector):
    """A date in a date-of-birth column: ISO, D/M/Y, M/D/Y, YYYYMMDD, day-month-name-year in
    English, Italian, German, French, Spanish and Dutch, optionally with a time part.

    A date is a birth date only because its column says so, hence ``context``; a date in the
    future or before 1900 cannot be anyone's birth date and is refused.
    """

    entity = "DATE_OF_BIRTH"
    name = "date_of_birth"
    version = "1"
    pattern = _DOB_PATTERN
    score = 0.85
    numeric = True
    context = frozenset({"DATE_OF_BIRTH"})

    def validate(self, value: str) -> bool:
        return is_plausible_birth_date(value)

    def normalise(self, value: str) -> str:
        """ISO date when the reading is unambiguous, else the text as written."""
        dates = {d for d in birth_date_candidates(value) if d <= dt.date.today()}
        return dates.pop().isoformat() if len(dates) == 1 else value.strip().lower()

    def mask(self, value: str) -> str:
        return mask_all(value)


__all__ = [
    "DateOfBirthDetector",
    "DeTaxIdDetector",
    "EsNifDetector",
    "FrNirDetector",
    "ItFiscalCodeDetector",
    "PassportDetector",
    "UkNinoDetector",
    "UsSsnBareDetector",
    "UsSsnDetector",
    "birth_date_candidates",
    "is_plausible_birth_date",
]
