"""Normalisation of the compared identifiers: one canonical text per real-world value.

Both sides of a comparison (the leak and the company's reference) pass through exactly these
functions before hashing, so they need to be *consistent*, not linguistically perfect: mapping
``avenida`` and ``av.`` to ``avenue`` is wrong in Spanish and right here, because the same
street then hashes the same whoever wrote it. Any change to a rule changes hashes, so it must
bump :data:`NORMALISATION_VERSION` (fingerprint files record it and refuse a mismatch).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Final

import phonenumbers

from ..detectors.phone import parse_phone

__all__ = [
    "NORMALISATION_VERSION",
    "fold",
    "normalise_address",
    "normalise_email",
    "normalise_name",
    "normalise_phone",
    "parse_day",
    "region_of_country",
]

#: Bumped whenever any rule below changes what a value normalises to.
NORMALISATION_VERSION: Final = "1"

_LETTERS: Final = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "ı": "i", "ð": "d", "þ": "th"}
)
_APOSTROPHES: Final = re.compile(r"['’ʼ`´]")
_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Casefolded (``ß`` -> ``ss``), accents stripped, ligatures and Nordic letters spelled out."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)


# ----------------------------------------------------------------------------- e-mail


def normalise_email(value: str) -> str | None:
    """Trimmed and lower-cased, nothing more.

    Provider rules (Gmail ignores dots and ``+tags``) are *not* applied: the company's records
    hold the address the customer typed, and folding would make distinct accounts collide."""
    text = value.strip().lower()
    if text.startswith("mailto:"):
        text = text[7:]
    local, at, domain = text.rpartition("@")
    return text if at and local and "." in domain else None


# ----------------------------------------------------------------------------- phone


_MIN_PHONE_DIGITS: Final = 6  # shorter is a service code or a counter, never a customer's line


@functools.lru_cache(maxsize=1 << 16)
def normalise_phone(
    value: str, region: str | None = None, default_region: str | None = None
) -> str | None:
    """E.164 (extensions dropped), or None when the text is no phone number.

    A national number needs a region: the record's own country first, then
    ``default_region``; failing both, the scanner's detector tries its usual regions."""
    text = value.strip()
    if sum(c.isdigit() for c in text) < _MIN_PHONE_DIGITS or parse_day(text) is not None:
        return None  # too short for a line, or a date that national plans would accept
    tried: list[str | None] = [r for r in dict.fromkeys((region, default_region)) if r]
    # "00" is the international prefix almost everywhere, but not in the region libphonenumber
    # is told (011 in North America): read it as "+" first.
    idd = text.startswith("00") and not text.startswith("000")
    candidates: list[tuple[str, str | None]] = [("+" + text[2:], None)] if idd else []
    candidates += [(text, reg) for reg in [*tried, None]]
    possible: phonenumbers.PhoneNumber | None = None
    for candidate, reg in candidates:
        try:
            number = phonenumbers.parse(candidate, reg)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return _e164(number)
        if possible is None and phonenumbers.is_possible_number(number):
            possible = number
    guessed = parse_phone(text)
    if guessed is not None:
        return _e164(guessed)
    return _e164(possible) if possible is not None else None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


_COUNTRY_ALIASES: Final = {
    "uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "great britain": "GB",
    "usa": "US", "america": "US", "united states of america": "US", "holland": "NL",
    "russia": "RU", "south korea": "KR", "korea": "KR", "czechia": "CZ",
}  # fmt: skip
_COUNTRY_LANGS: Final = ("it", "de", "fr", "es", "nl", "pt", "ja", "pl", "sv", "da")


def _country_key(text: str) -> str:
    return " ".join(_NON_ALNUM.sub(" ", fold(text)).split()) or text.strip().casefold()


@functools.cache
def _country_table() -> dict[str, str]:
    """Country name or code (any of several languages) -> ISO 3166 alpha-2 region.

    Names come from pycountry and its translations when installed (it ships with the
    ``names`` and ``test`` extras); without it only ISO codes and a few aliases are known."""
    table = {r.casefold(): r for r in phonenumbers.SUPPORTED_REGIONS}
    table.update(_COUNTRY_ALIASES)
    try:
        import gettext

        import pycountry
    except ImportError:  # pragma: no cover - pycountry comes with the test extra
        return table
    translations = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
        for lang in _COUNTRY_LANGS
    ]
    for country in pycountry.countries:
        region = str(country.alpha_2)
        english = {
            str(getattr(country, attr))
            for attr in ("name", "official_name", "common_name", "alpha_3")
            if getattr(country, attr, None)
        }
        names = set(english)
        for name in english:
            names.update(t.gettext(name) for t in translations)
        for name in names:
            table.setdefault(_country_key(name), region)
    return table


def region_of_country(value: str | None) -> str | None:
    """The phone region of a country cell (``DE``, ``DEU``, ``Germany``, ``Deutschland``...)."""
    if value is None or not value.strip():
        return None
    table = _country_table()
    return table.get(value.strip().casefold()) or table.get(_country_key(value))


# ----------------------------------------------------------------------------- names

_HONORIFICS: Final = frozenset(
    {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "herr", "frau", "sig", "sigra"}
    | {"dott", "dottssa", "mme", "mlle", "sr", "sra", "srta", "dhr", "mevr"}
)


def normalise_name(parts: Iterable[str | None]) -> str | None:
    """Given and family name (or a full name) as one sorted, folded token list.

    Sorting makes ``Rossi, Mario`` equal ``Mario Rossi`` and given+family columns equal a full
    name column; apostrophes are dropped (``O'Connor`` = ``OConnor``), hyphens split
    (``Smith-Jones`` = ``Smith Jones``), titles dropped."""
    text = " ".join(p for p in parts if p)
    folded = _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", fold(text)))
    tokens = [t for t in folded.split() if t not in _HONORIFICS]
    return " ".join(sorted(tokens)) if tokens else None


# ----------------------------------------------------------------------------- addresses

#: Dotted abbreviations that must be expanded before punctuation is dropped.
_DOTTED: Final = (
    (re.compile(r"\bv\.\s?le\b"), " viale "),
    (re.compile(r"\bp\.\s?z?za\b"), " piazza "),
    (re.compile(r"\bc\.\s?so\b"), " corso "),
    (re.compile(r"\bl\.\s?go\b"), " largo "),
    (re.compile(r"\bc/\s?"), " calle "),
)
#: Token -> canonical token. Consistency matters, not language: ``avenida`` is ``avenue``.
_ABBREVIATIONS: Final = {
    "str": "strasse", "st": "street", "rd": "road", "av": "avenue", "ave": "avenue",
    "avda": "avenue", "avenida": "avenue", "avenue": "avenue", "blvd": "boulevard",
    "bd": "boulevard", "bvd": "boulevard", "boul": "boulevard", "ln": "lane", "dr": "drive",
    "ct": "court", "sq": "square", "hwy": "highway", "pkwy": "parkway", "pl": "place",
    "pza": "plaza", "ch": "chemin", "vle": "viale", "cso": "corso", "lgo": "largo",
}  # fmt: skip
#: House-number markers (``Nr. 5``, ``n. 5``, ``nº 5``) carry nothing.
_NUMBER_MARKERS: Final = frozenset({"nr", "no", "n", "num"})
_HOUSE_LETTER: Final = re.compile(r"\b(\d+)\s+([a-z])\b")
_COMPOUND_STR: Final = re.compile(r"^([a-z]{2,})str$")  # Hauptstr. -> hauptstrasse


def normalise_address(parts: Iterable[str | None]) -> str | None:
    """Street, house number, postcode and city as one sorted, folded token list.

    Sorted tokens make a one-column address equal the same address split over columns in
    any order; ``str.``/``straße`` -> ``strasse``, ``st`` -> ``street``, ``10 A`` -> ``10a``,
    ``Nr.`` dropped; ``via`` stays a word of its own."""
    text = fold(" ".join(p for p in parts if p))
    for pattern, repl in _DOTTED:
        text = pattern.sub(repl, text)
    text = _NON_ALNUM.sub(" ", _APOSTROPHES.sub("", text))
    text = _HOUSE_LETTER.sub(r"\1\2", text)
    tokens: list[str] = []
    for tok in text.split():
        if tok in _NUMBER_MARKERS:
            continue
        m = _COMPOUND_STR.match(tok)
        tokens.append(m.group(1) + "strasse" if m else _ABBREVIATIONS.get(tok, tok))
    return " ".join(sorted(tokens)) if tokens else None


# ----------------------------------------------------------------------------- dates

_ISO_DAY: Final = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])")
_EU_DAY: Final = re.compile(r"\s*(\d{1,2})[./](\d{1,2})[./](\d{4})(?:$|\s)")
_EPOCH: Final = dt.date(1970, 1, 1)


def parse_day(value: str) -> int | None:
    """Days since 1970-01-01 of an ISO (``2019-03-21 13:05``) or day-first
    (``21.03.2019``, ``21/03/2019``) date; None for anything else."""
    m = _ISO_DAY.match(value)
    if m is not None:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _EU_DAY.match(value)
        if m is None:
            return None
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return (dt.date(y, mo, d) - _EPOCH).days
    except ValueError:
        return None


def day_iso(day: int) -> str:
    """ISO date of a day number from :func:`parse_day`."""
    return (_EPOCH + dt.timedelta(days=day)).isoformat()
