"""Cell detectors for structured columns, and the cell shapes column inference measures.

In a table, a name is not found inside text: the column says what its cells are. Once
:func:`.roles.infer_role` has confirmed from header *and* values (or, without a usable
header, from values alone: shape plus lexicon statistics) that a column holds names, street
addresses or places, every cell of the right shape is a finding, including names no lexicon
knows. These detectors therefore declare ``requires_role=True``: they never run on a
column whose role was not confirmed by value evidence.

The same shapes serve both sides (the share of name-shaped cells decides the role, the
pattern finds the cells), so "97% of sampled cells name-shaped" means 97% become findings
(placeholders such as ``N/A`` and company names are counted as near misses instead).
"""

from __future__ import annotations

import functools
import re
from typing import Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .base import Detector
from .lexicon import fold, folded_words

__all__ = [
    "LOCATION",
    "NAME_CELL",
    "PERSON",
    "POSTAL_ADDRESS",
    "POSTCODE_LETTERED",
    "LocationCellDetector",
    "PersonCellDetector",
    "PostalAddressCellDetector",
    "country_names",
    "is_country",
    "is_organisation",
    "is_placeholder",
    "postcode_format",
    "street_line",
    "street_word",
    "structured_detectors",
]

PERSON: Final = "PERSON"
POSTAL_ADDRESS: Final = "POSTAL_ADDRESS"
LOCATION: Final = "LOCATION"

# --------------------------------------------------------------------------- name shape
_L = r"[\p{L}\p{M}]"
#: One name word: letters (any script, with combining marks), joined by apostrophes, hyphens
#: or dots (``O'Connor``, ``Müller-Lüdenscheidt``, ``J.R.R.``), optionally abbreviated (``J.``).
_TOKEN = rf"{_L}+(?:['’ʼ\-.]{_L}+)*\.?"
_SEP = r"(?:\s*,\s*|\s+)"
#: A whole name: 1-8 words, ``Surname, Given`` allowed. No digits, no other punctuation.
NAME_CORE: Final = rf"{_TOKEN}(?:{_SEP}{_TOKEN}){{0,7}}"
NAME_CELL: Final = rf"^\s*{NAME_CORE}\s*$"
#: :data:`NAME_CELL` with any number of words, and the cells of that shape with nine words or
#: more: together exactly :data:`NAME_CELL`. RE2 runs the exact shape ~15x slower in Arrow
#: (eight copies of the Unicode letter class outgrow its DFA budget), so the vectorised pass
#: uses these two: 10 ms instead of 150 ms per 50,000 names.
_NAME_CELL_ANY_WORDS: Final = rf"^\s*{_TOKEN}(?:{_SEP}{_TOKEN})*\s*$"
_NINE_WORDS: Final = r"(?:[^\s,]+(?:\s*,\s*|\s+)){8}[^\s,]"
_STRIPPED: Final = r"(?s:\S(?:.*\S)?)"  # a whole cell without its surrounding blanks

#: Cells that fill a column without holding anyone's data.
_PLACEHOLDERS: Final = folded_words(
    "unknown, n/a, na, n.a., nd, n.d., none, null, nil, nan, -, --, ---, ?, test, tbd, "
    "anonymous, anon, redacted, removed, deleted, xxx, xx, x, not available, "
    "not applicable, sconosciuto, anonimo, non disponibile, unbekannt, anonym, inconnu, "
    "anonyme, desconocido, anónimo, onbekend, anoniem, desconhecido",
)


def is_placeholder(cell: str) -> bool:
    """``N/A``, ``unknown``, ``anonimo``: present but nobody's data."""
    return len(cell) <= 20 and fold(" ".join(cell.split())) in _PLACEHOLDERS


#: Company legal forms: a cell holding one names a business, not a person (``Rossi S.p.A.``).
_LEGAL_FORMS: Final = frozenset(
    w.strip()
    for w in str.split(
        "gmbh, mbh, spa, srl, srls, sapa, ltd, llc, llp, inc, plc, sarl, sasu, corp, "
        "corporation, incorporated, limited, kgaa, ohg, gbr, ug, bvba, vzw, lda, slu, sccl, "
        "pty, kft, sro, oyj, aps, asa",
        ",",
    )
)
#: Short legal forms count only written in capitals or with dots (``SA``, ``S.A.``, ``AG``).
_SHORT_FORMS: Final = frozenset(
    w.strip() for w in str.split("sa, ag, kg, bv, nv, ab, as, oy, sl, sc, snc, sas, ev, se", ",")
)


def is_organisation(cell: str) -> bool:
    """A company name by its legal form (``Müller GmbH``, ``Dupont SARL``, ``Acme Ltd.``)."""
    for word in cell.replace(",", " ").split():
        bare = word.replace(".", "").replace("&", "")
        key = bare.casefold()
        if key in _LEGAL_FORMS:
            return True
        if key in _SHORT_FORMS and (bare.isupper() or "." in word):
            return True
    return False


# --------------------------------------------------------------------------- street lines


#: Street-type words written before the street name (it, fr, es, pt; de/nl/en sometimes).
_BEFORE: Final = folded_words(
    "via, viale, v.le, piazza, p.za, p.zza, piazzale, corso, c.so, largo, vicolo, vico, "
    "strada, contrada, c.da, località, loc., borgo, lungomare, lungotevere, lungarno, salita, "
    "traversa, circonvallazione, frazione, fraz., stretto, incrocio, rotonda, "
    "rue, avenue, av, av., ave., boulevard, bd, bld, place, pl., chemin, allée, impasse, imp., "
    "quai, route, rte, cours, faubourg, fbg, passage, square, voie, sentier, cité, résidence, "
    "hameau, lieu-dit, montée, promenade, esplanade, rond-point, "
    "calle, c/, avenida, avda., avda, plaza, pza., paseo, pº, camino, carrera, carretera, "
    "ctra., ronda, travesía, glorieta, callejón, pasaje, urbanización, urb., vía, bulevar, "
    "cañada, vial, pasadizo, rambla, carrer, avinguda, "
    "rua, r., travessa, tv., praça, alameda, estrada, rodovia, beco, calçada, praceta, ladeira, "
    "straße, strasse, platz, allee, laan, plein, ul., ulica, al., aleja"
)
#: Street-type words written after the street name (en, de, nl).
_AFTER: Final = folded_words(
    "street, st, st., road, rd, rd., avenue, ave, ave., lane, ln, drive, dr, dr., court, ct, "
    "boulevard, blvd, place, pl, square, sq, terrace, way, close, crescent, highway, hwy, "
    "parkway, pkwy, row, mews, gardens, grove, walk, circle, cir, trail, alley, parade, quay, "
    "hill, hills, ridge, heights, crossing, pike, loop, landing, plaza, valley, springs, "
    "harbor, estates, meadows, creek, junction, manor, path, shore, shores, trace, turnpike, "
    "vista, cove, glen, oval, wynd, expressway, freeway, motorway, "
    "straße, strasse, str., str, weg, gasse, platz, allee, ring, damm, ufer, chaussee, steig, "
    "straat, laan, plein, gracht, kade, singel, dijk, steeg, dreef, markt"
)
#: German/Dutch compounds: the street type is glued to the name (``Hauptstraße``).
_GLUED: Final = tuple(
    folded_words(
        "straße, str., weg, gasse, platz, allee, damm, ufer, chaussee, steig, pfad, zeile, "
        "graben, ring, straat, laan, plein, gracht, kade, singel, dijk, steeg, dreef, markt, "
        "plantsoen, boulevard, pad"
    )
)
_DIGIT: Final = re.compile(r"\d")
_TOKENS: Final = re.compile(r"[^\s,;]+|[,;]")
_SEPARATORS: Final = frozenset({",", ";"})
#: ``12``, ``221B``, ``22/B``, ``12-14``, ``nº12``, ``2º`` (a floor), ``s/n`` (no number).
_NUMBER: Final = re.compile(
    r"\d{1,5}[a-z]?(?:[/\-](?:\d{1,5}[a-z]?|[a-z]))?|\d{1,2}[º°ª]|n[°º.]\d{1,5}[a-z]?|s/n|snc"
)


@functools.lru_cache(maxsize=4096)  # a sample is judged by several tests, cell by cell
def _street(cell: str) -> tuple[bool, bool]:
    """(a street-type word in its place, a house number), word by word."""
    toks = _TOKENS.findall(fold(cell))
    named = numbered = False
    for i, tok in enumerate(toks):
        if tok in _SEPARATORS:
            continue
        if _NUMBER.fullmatch(tok):
            numbered = True
            continue
        if named:
            continue
        prev = toks[i - 1] if i else ""
        nxt = toks[i + 1] if i + 1 < len(toks) else ","
        if tok in _BEFORE and nxt not in _SEPARATORS:  # type, then the name
            named = i == 0 or prev in _SEPARATORS or bool(_NUMBER.fullmatch(prev))
        if not named and tok in _AFTER and i and prev not in _SEPARATORS:  # name, then type
            named = True
        if not named and tok.endswith(_GLUED):  # glued: Hauptstraße, Keizersgracht
            named = any(tok.endswith(s) and len(tok) >= len(s) + 3 for s in _GLUED)
    return named, numbered


def street_line(cell: str) -> bool:
    """A street line in en/it/de/fr/es/nl/pt conventions: a street-type word where that
    language puts it, and a house number (``Via Roma 12``, ``12 rue de la Paix``,
    ``221B Baker Street``, ``Hauptstraße 5``, ``Calle Mayor 3, 2º B``, ``Keizersgracht 123``)."""
    text = cell[:200]
    if not _DIGIT.search(text):
        return "s/n" in text.casefold() and _street(text)[0]
    named, numbered = _street(text)
    return named and numbered


def street_word(cell: str) -> bool:
    """A street-type word in its place, number or not (``Baker Street``, ``Via Roma``)."""
    return _street(cell[:200])[0]


# --------------------------------------------------------------------------- postcodes
#: Postcode shapes by family, on the upper-cased cell with blanks collapsed. Letter-bearing
#: families (``uk``, ``nl``, ``ca``) are distinctive on their own; the digit-only ones are
#: also the shapes of ids, years, PINs, invoice numbers (``2023-001`` is a PT shape) and
#: local phone numbers (``555-1234`` is a JP shape), so they only count towards the share.
#: Country prefixes (``D-12345``, ``CH-8000``) are not accepted: ``AB-1234`` is a SKU.
_POSTCODE_FORMATS: Final = (
    ("5", re.compile(r"\d{5}")),  # DE, IT, FR, ES, US, ... (leading zeros kept as text)
    ("4", re.compile(r"\d{4}")),  # CH, AT, BE, DK, NO, HU, LU, ...
    ("uk", re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}")),  # SW1A 1AA, RG65 6PX, N9 5DG
    ("nl", re.compile(r"[1-9]\d{3} ?[A-Z]{2}")),  # 1234 AB, 1234AB
    ("ca", re.compile(r"[A-Z]\d[A-Z] ?\d[A-Z]\d")),  # K1A 0B1
    ("us+4", re.compile(r"\d{5}-\d{4}")),  # 12345-6789
    ("pt", re.compile(r"\d{4}-\d{3}")),  # 1000-001
    ("jp", re.compile(r"\d{3}-\d{4}")),  # 100-0001
    ("pl", re.compile(r"\d{2}-\d{3}")),  # 00-950
    ("se", re.compile(r"\d{3} \d{2}")),  # SE, CZ, SK, GR: 114 55
)
#: Families that only a postcode has (letters in fixed places).
POSTCODE_LETTERED: Final = frozenset({"uk", "nl", "ca"})


@functools.lru_cache(maxsize=4096)  # a sample's cells are judged once each
def postcode_format(cell: str) -> str | None:
    """The postcode family a cell has the shape of (``"5"``, ``"uk"``, ``"pt"``...), or None.

    A shape, not a validation: ``12345`` is as often an id. Column inference decides from the
    mix of families (see :func:`.roles.infer_role`)."""
    text = " ".join(cell.upper().split())
    if not 4 <= len(text) <= 10:
        return None
    for family, rx in _POSTCODE_FORMATS:
        if rx.fullmatch(text):
            return family
    return None


# --------------------------------------------------------------------------- countries
_COUNTRY_ALIASES: Final = (
    "USA, U.S.A., U.S., UK, U.K., England, Scotland, Wales, Northern Ireland, Great Britain, "
    "Holland, Czech Republic, Türkiye, Macedonia"
)


def _locale_data() -> dict[str, dict[str, str]]:
    """phonenumbers' country-name table, loaded from its file: importing it the usual way
    imports the whole geocoding package first (over a second); this takes ~0.1 s."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("phonenumbers")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / "geodata" / "locale.py"
    loc = importlib.util.spec_from_file_location("phonenumbers.geodata.locale", path)
    if loc is None or loc.loader is None:
        return {}
    module = importlib.util.module_from_spec(loc)
    loc.loader.exec_module(module)
    data: dict[str, dict[str, str]] = module.LOCALE_DATA
    return data


@functools.cache
def country_names() -> tuple[frozenset[str], frozenset[str]]:
    """(folded country names in ~30 languages, ISO 3166 alpha-2 codes), from the locale
    table that phonenumbers maintains."""
    data = _locale_data()
    raw: set[str] = {a.strip() for a in _COUNTRY_ALIASES.split(",")}
    for per_lang in data.values():
        for name in per_lang.values():
            if name.startswith("*"):  # "same as language xx"
                name = per_lang.get(name[1:], "*")
            if not name.startswith("*"):
                raw.add(name)
    return frozenset(fold(n) for n in raw), frozenset(data)


@functools.cache
def _country_codes() -> dict[str, str]:
    """Folded country name (any language phonenumbers knows) -> ISO 3166 alpha-2 code."""
    out: dict[str, str] = {}
    for code, per_lang in _locale_data().items():
        for name in per_lang.values():
            if name.startswith("*"):
                name = per_lang.get(name[1:], "*")
            if not name.startswith("*"):
                out.setdefault(fold(" ".join(name.split())), code)
    return out


def country_code(cell: str | None) -> str | None:
    """The ISO alpha-2 code of a country cell (``IT``, ``it``, ``Italia``, ``Germany``)."""
    if not cell:
        return None
    text = cell.strip()
    _names, codes = country_names()
    if len(text) == 2 and text.upper() in codes:
        return text.upper()
    return _country_codes().get(fold(" ".join(text.split())))


def is_country(cell: str) -> bool:
    """A country name (any of ~30 languages) or an upper-case ISO alpha-2 code."""
    names, codes = country_names()
    text = cell.strip()
    if len(text) == 2:
        return text in codes
    return fold(" ".join(text.split())) in names


#: Python's ``str.split()`` separators among ASCII characters (RE2's ``\s`` lacks some).
_ASCII_SPACE: Final = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"
_ODD_SPACE: Final = r"[\t\n\x0b\x0c\r\x1c-\x1f]|  "  # where _ASCII_SPACE changes something


@functools.cache
def _placeholder_set() -> pa.Array:
    return pa.array(sorted(_PLACEHOLDERS), pa.string())


@functools.cache
def _organisation_shape() -> str:
    """A superset of :func:`is_organisation` on the Arrow path's cells (ASCII and
    :func:`_arrow_foldable` letters, none of whose case-folds is in a legal form): a legal
    form as a word of its own, dots and ampersands allowed between its letters."""
    forms = sorted(_LEGAL_FORMS | _SHORT_FORMS)
    words = "|".join("[.&]*".join(re.escape(c) for c in f) for f in forms)
    return rf"(?i)(?:^|[^A-Za-z0-9])[.&]*(?:{words})[.&]*(?:$|[^A-Za-z0-9])"


#: The combining diacritical marks block: all the marks the Latin letters of
#: :func:`_arrow_foldable` decompose to (that set is found by comparison, so a letter with
#: another mark is simply left out of it). RE2 builds ``\p{M}`` in ~1 ms on every call.
_COMBINING = r"[\x{300}-\x{36f}]"


def _arrow_fold(values: pa.Array) -> pa.Array:
    """:func:`lexicon.fold` in Arrow; exact on ASCII and :func:`_arrow_foldable` cells only.
    Only the non-ASCII cells are decomposed (lower-casing is all an ASCII cell needs)."""
    lowered = pc.utf8_lower(values)
    other = pc.invert(pc.fill_null(pc.string_is_ascii(values), True))
    rows = np.flatnonzero(other.to_numpy(zero_copy_only=False))
    if rows.size == 0:
        return lowered
    accented = pc.replace_substring(lowered.take(pa.array(rows)), "ß", "ss")
    folded = pc.replace_substring_regex(pc.utf8_normalize(accented, "NFKD"), _COMBINING, "")
    return pc.replace_with_mask(lowered, other, folded)


def _single_spaced(values: pa.Array) -> pa.Array:
    """Runs of ASCII blanks as one space (what ``" ".join(s.split())`` does to them), the
    copy made only of the cells that have another blank than a lone space."""
    other = pc.fill_null(pc.match_substring_regex(values, _ODD_SPACE), False)
    rows = np.flatnonzero(other.to_numpy(zero_copy_only=False))
    if rows.size == 0:
        return values
    fixed = pc.replace_substring_regex(values.take(pa.array(rows)), _ASCII_SPACE, " ")
    return pc.replace_with_mask(values, other, fixed)


@functools.cache
def _arrow_foldable() -> str:
    """RE2 of the cells :func:`_arrow_fold` folds exactly as :func:`lexicon.fold` does:
    ASCII plus the Latin letters (U+00A0-U+024F) whose fold it gets right one by one (a
    per-character map, so right on any string of them) and whose case-fold is in no legal
    form (``is_organisation`` compares case-folded words with ASCII legal forms: the ASCII
    pre-check stays a superset). Found by comparison, not listed: ``ø``, ``ł``, ``ſ`` and
    the like stay on the per-value path."""
    chars = [chr(cp) for cp in range(0xA0, 0x250) if chr(cp).isalpha()]
    got = _arrow_fold(pa.array(chars, pa.string())).to_pylist()
    forms = _LEGAL_FORMS | _SHORT_FORMS
    safe = [
        c
        for c, g in zip(chars, got, strict=True)
        if g == fold(c)
        and not any(c.casefold() in f for f in forms)
        and not any(x.isspace() for x in g)
    ]
    return "^[\\x00-\\x7f" + "".join(safe) + "]*$"


# --------------------------------------------------------------------------- detectors
class _CellDetector(Detector):
    """A whole cell of a confirmed column; placeholders are near misses, not findings."""

    score = 0.85
    requires_role = True

    def validate(self, value: str) -> bool:
        return not is_placeholder(value)

    def normalise(self, value: str) -> str:
        return " ".join(fold(value).split())

    def check_many(self, values: pa.Array, regions: pa.Array | None) -> pa.Array:
        """:meth:`check` in Arrow for cells of ASCII and of the accented Latin letters whose
        fold Arrow computes exactly (lower-casing, NFKD, marks dropped), value by value for
        the others: names and streets are checked once per distinct value, and a leak holds
        millions of them, a third with an accent in a European one."""
        ascii_ = pc.fill_null(pc.string_is_ascii(values), False)
        everything_ascii = pc.all(ascii_).as_py()
        if everything_ascii:
            fast_ = ascii_
            folded = pc.utf8_lower(values)
        else:
            fast_ = pc.fill_null(pc.match_substring_regex(values, _arrow_foldable()), False)
            folded = _arrow_fold(values)
        normal = pc.utf8_trim(_single_spaced(folded), " ")
        placeholder = pc.and_(
            pc.less_equal(pc.utf8_length(values), 20),
            pc.is_in(normal, value_set=_placeholder_set()),
        )
        invalid = self._invalid_in_arrow(values, fast_)
        invalid = placeholder if invalid is None else pc.or_(placeholder, invalid)
        fast = pc.if_else(pc.fill_null(invalid, False), pa.scalar(None, pa.string()), normal)
        if everything_ascii or pc.all(fast_).as_py():
            return fast
        slow = [
            None if a or v is None else self.check(v)
            for v, a in zip(values.to_pylist(), fast_.to_pylist(), strict=True)
        ]
        return pc.if_else(fast_, fast, pa.array(slow, pa.string()))

    def _invalid_in_arrow(self, values: pa.Array, in_arrow: pa.Array) -> pa.Array | None:
        """Further reasons, besides placeholders, that a cell of the Arrow path (``in_arrow``:
        ASCII and :func:`_arrow_foldable` letters) is not valid (None: no other reason)."""
        return None


class PersonCellDetector(_CellDetector):
    """A name-shaped cell in a column confirmed as names (given, family or full); a company
    in a customer-name column (``Rossi S.p.A.``) is a near miss, not a person."""

    entity = PERSON
    name = "person_cell"
    version = "1"
    prefilter = _NAME_CELL_ANY_WORDS
    cell_veto = _NINE_WORDS
    prefilter_is_padded_pattern = True
    pattern = NAME_CORE
    context = frozenset({PERSON})

    def validate(self, value: str) -> bool:
        return super().validate(value) and not is_organisation(value)

    def _invalid_in_arrow(self, values: pa.Array, in_arrow: pa.Array) -> pa.Array:
        shaped = pc.fill_null(pc.match_substring_regex(values, _organisation_shape()), False)
        found = np.flatnonzero(pc.and_(shaped, in_arrow).to_numpy(zero_copy_only=False))
        out = np.zeros(len(values), bool)
        for i, v in zip(found, values.take(pa.array(found)).to_pylist(), strict=True):
            out[i] = is_organisation(v)
        return pa.array(out)


class PostalAddressCellDetector(_CellDetector):
    """Any cell with letters in a column confirmed as postal addresses or street lines."""

    entity = POSTAL_ADDRESS
    name = "postal_address_cell"
    version = "1"
    prefilter = r"\p{L}"
    prefilter_is_padded_pattern = True  # a cell with a letter is blanks around one match
    pattern = _STRIPPED
    context = frozenset({POSTAL_ADDRESS})


class LocationCellDetector(_CellDetector):
    """Any non-empty cell in a column confirmed as places: city, region, country, postcode,
    coordinates (postcodes and coordinates are often stored as numbers)."""

    entity = LOCATION
    name = "location_cell"
    version = "1"
    prefilter = r"[\p{L}\p{N}]"
    prefilter_is_padded_pattern = True  # a cell with a letter or digit: blanks around one match
    pattern = _STRIPPED
    numeric = True
    context = frozenset({LOCATION})


def structured_detectors() -> list[Detector]:
    """A fresh instance of each structured-column detector, in a stable order."""
    return [PersonCellDetector(), PostalAddressCellDetector(), LocationCellDetector()]
