"""Column roles: what a table column holds, decided per column and confirmed per cell.

The header (in any of the supported languages) proposes, the values dispose: a column gets a
structured role (names, street addresses, places) only when a sample of its values has the
entity's shape, so an ``email`` column of hashes or a ``name`` column of product codes stays
plain, and a headerless column of full names is still found. A role unlocks context
detectors (a card expiry is only an expiry in an expiry column) and the structured cell
detectors of :mod:`.structured` (every name-shaped cell of a name column is a PERSON).

Evidence is kept as text for reports; it holds shares, counts and lexicon words, never a
cell value.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import pyarrow as pa

from .base import compile_re2
from .header_lexicon import GENERIC_NAMES
from .headers import HeaderHint, header_hint
from .identity import birth_date_candidates
from .lexicon import fold, folded_words, name_lexicon, place_lexicon
from .structured import (
    LOCATION,
    NAME_CELL,
    PERSON,
    POSTAL_ADDRESS,
    POSTCODE_LETTERED,
    is_country,
    is_organisation,
    is_placeholder,
    postcode_format,
    street_line,
    street_word,
)

__all__ = ["FREE_TEXT", "PLAIN", "STRUCTURED", "ColumnRole", "infer_role"]

#: Roles
STRUCTURED = "structured"  # cells are values of one entity (names, cities, expiry dates...)
FREE_TEXT = "free_text"  # sentences: NER and pattern detectors over the text
PLAIN = "plain"  # anything else: pattern detectors only

_STRUCTURED_ENTITIES: Final = frozenset({PERSON, POSTAL_ADDRESS, LOCATION})
DATE_OF_BIRTH: Final = "DATE_OF_BIRTH"
#: What values announce when they are version strings: the ``META`` hint a ``version``
#: header gives, so the detectors a version header vetoes (IP addresses) stay off. Strength
#: 0: no header said it (:meth:`ColumnRole.to_dict` reports no header).
_VALUES_VERSION: Final = HeaderHint("META", None, 0.0, None, "(values: version strings)")
_GENERIC: Final = frozenset(w.strip() for w in GENERIC_NAMES.split(","))
_CELL_CHARS: Final = 200  # enough to judge a cell; bounds the work on huge cells


@dataclass(frozen=True)
class ColumnRole:
    """The role of one column, with the evidence that produced it."""

    kind: str
    entity: str | None = None
    hint: HeaderHint | None = None
    evidence: str = ""

    def entities(self) -> frozenset[str]:
        """Entities this column is known to hold: inferred, or announced by the header."""
        out = set()
        if self.entity:
            out.add(self.entity)
        if self.hint is not None:
            out.add(self.hint.entity)
        return frozenset(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "entity": self.entity,
            "header": self.hint.entity if self.hint and self.hint.strength > 0 else None,
            "evidence": self.evidence,
        }


# --------------------------------------------------------------------------- the sample
class _Sample:
    """Distinct non-empty cells of a sample with their counts; placeholders set aside."""

    def __init__(self, values: pa.Array) -> None:
        counts: Counter[str] = Counter()
        for raw in values.to_pylist():
            if raw is not None:
                counts[str(raw).strip()[:_CELL_CHARS]] += 1
        counts.pop("", None)
        self.placeholders = 0
        for cell in [c for c in counts if is_placeholder(c)]:
            self.placeholders += counts.pop(cell)
        self.counts = counts
        self.n = sum(counts.values())

    def share(self, test: Callable[[str], bool]) -> float:
        if not self.n:
            return 0.0
        return sum(c for v, c in self.counts.items() if test(v)) / self.n

    def mean(self, measure: Callable[[str], float]) -> float:
        if not self.n:
            return 0.0
        return sum(c * measure(v) for v, c in self.counts.items()) / self.n

    @property
    def distinct(self) -> float:
        return len(self.counts) / self.n if self.n else 0.0


def _pct(x: float) -> str:
    return f"{round(100 * x)}%"


# --------------------------------------------------------------------------- names
_PARTICLES: Final = folded_words(
    "van, von, vom, der, den, de, del, della, dei, di, da, das, dos, do, du, des, la, le, "
    "lo, el, al, bin, binti, bint, ibn, ben, abu, bat, ter, ten, zu, y, e, i, mac, ní, "
    "nic, ó, ua, ap, af, av, dela, st.",
)
_WORDS: Final = re.compile(r"[\s,]+")
_PARTS: Final = re.compile(r"[-'’ʼ.]+")


def _latin(word: str) -> bool:
    """Latin script (the lexicon's strength); other scripts are not measured against it."""
    return all(ord(c) < 0x250 or 0x1E00 <= ord(c) <= 0x1EFF for c in word if c.isalpha())


def _case(word: str) -> str:
    """``upper``, ``title``, ``lower`` or ``uncased``, from the first cased letter."""
    for i, c in enumerate(word):
        if c.isupper():
            rest = word[i + 1 :]
            return "upper" if not any(ch.islower() for ch in rest) else "title"
        if c.islower():
            return "lower"
    return "uncased"


@dataclass
class _NameCell:
    words: int
    case: str  # "name" (Title/UPPER words, lower particles), "lower", "uncased" or "mixed"
    measurable: bool  # has Latin words the lexicon can judge
    known: bool  # one of them is a name in the lexicon
    all_known: bool  # all of them are
    common: bool  # one of them is a common name (ranked within COMMON_RANK somewhere)
    core: int  # words that are not particles (``van der Berg``: one)


def _known(word: str, names: frozenset[str]) -> bool:
    """The word, or a hyphen/apostrophe part of it, is in ``names`` (``Al-Mansouri``)."""
    folded = fold(word)
    return folded in names or any(len(p) >= 2 and p in names for p in _PARTS.split(folded))


def _name_cell(cell: str, names: frozenset[str], common: frozenset[str]) -> _NameCell:
    words = [w for w in _WORDS.split(cell) if w]
    core = [w for w in words if fold(w) not in _PARTICLES] or words
    cases = {_case(w) for w in core}
    if cases <= {"title", "upper", "uncased"} and cases != {"uncased"}:
        case = "name"
    elif cases == {"uncased"}:
        case = "uncased"
    elif all(_case(w) in ("lower", "uncased") for w in words):
        case = "lower"
    else:
        case = "mixed"
    judged = [w for w in core if _latin(w) and sum(c.isalpha() for c in w) >= 2]
    hits = [_known(w, names) for w in judged]
    frequent = any(_known(w, common) for w in judged)
    return _NameCell(
        len(words), case, bool(judged), any(hits), bool(hits) and all(hits), frequent, len(core)
    )


@dataclass
class _NameStats:
    shaped: float  # share of cells that are name-shaped
    cased: float  # share of shaped cells written as names are (Title, UPPER, no case)
    lower: float  # share of shaped cells all lower-case
    uncased: float  # share of shaped cells in scripts without case
    words: float  # mean words per shaped cell
    lexicon: float | None  # share of measurable shaped cells holding a known name
    lexicon_all: float | None  # share of them made only of known names
    common: float | None  # share of them holding a common name
    core: float  # mean words per shaped cell, particles not counted
    measured: int
    source: str | None
    note: str

    def describe(self, n: int) -> str:
        out = f"{_pct(self.shaped)} of {n} sampled cells name-shaped"
        if self.source is None:
            return out + f"; no name lexicon ({self.note}): shape and header only"
        if self.lexicon is None:
            return out + f"; too few Latin-script names to measure against {self.source}"
        return out + f"; {_pct(self.lexicon)} with a name in the lexicon ({self.source})"


def _name_stats(sample: _Sample) -> _NameStats:
    rx = compile_re2(NAME_CELL)
    lex = name_lexicon()
    shaped = {v: c for v, c in sample.counts.items() if rx.search(v) and not is_organisation(v)}
    total = sum(shaped.values())
    cells = {v: _name_cell(v, lex.names, lex.common) for v in shaped}

    def frac(test: Callable[[_NameCell], bool]) -> float:
        return sum(shaped[v] for v, nc in cells.items() if test(nc)) / total if total else 0.0

    measured = sum(shaped[v] for v, nc in cells.items() if nc.measurable)
    lexicon = lexicon_all = common = None
    if lex.available and measured >= 5:
        known = sum(shaped[v] for v, nc in cells.items() if nc.measurable and nc.known)
        lexicon = known / measured
        lexicon_all = sum(shaped[v] for v, nc in cells.items() if nc.all_known) / measured
        common = sum(shaped[v] for v, nc in cells.items() if nc.common) / measured
    return _NameStats(
        shaped=total / sample.n if sample.n else 0.0,
        cased=frac(lambda nc: nc.case in ("name", "uncased")),
        lower=frac(lambda nc: nc.case == "lower"),
        uncased=frac(lambda nc: nc.case == "uncased"),
        words=sum(shaped[v] * nc.words for v, nc in cells.items()) / total if total else 0.0,
        lexicon=lexicon,
        lexicon_all=lexicon_all,
        common=common,
        core=sum(shaped[v] * nc.core for v, nc in cells.items()) / total if total else 0.0,
        measured=measured,
        source=lex.source,
        note=lex.note,
    )


def _known_place(cell: str) -> bool:
    return fold(" ".join(cell.split())) in place_lexicon()


def _names_by_header(st: _NameStats, hint: HeaderHint) -> str | None:
    """Why a name header is contradicted by its values, or None when they agree."""
    generic = hint.matched in _GENERIC  # "name", "nom", "nome": also products, files, ...
    if st.shaped < (0.8 if generic else 0.7):
        return f"only {_pct(st.shaped)} name-shaped"
    if st.cased + st.lower < 0.8:
        return f"only {_pct(st.cased + st.lower)} written as names"
    if st.words > 5:
        return f"{st.words:.1f} words per cell"
    if st.lexicon is not None and st.lexicon < (0.5 if generic else 0.1):
        return f"only {_pct(st.lexicon)} with a known name"
    return None


def _names_by_values(st: _NameStats, sample: _Sample) -> bool:
    """Full names without a header: Title/UPPER-case words (all-lower ones only with a
    lexicon), 2-4 per cell, mostly distinct, and (when there is a lexicon) mostly holding a
    known name. Single words are not enough: a capitalised word is as often a city, a brand
    or a status."""
    if st.shaped < 0.85 or st.cased + st.lower < 0.9 or st.uncased > 0.5:
        return False
    if not 1.8 <= st.words <= 4.5 or (sample.n >= 10 and sample.distinct < 0.5):
        return False
    if st.lower > 0.5:  # all-lower exports: only a lexicon tells names from other words
        return st.lexicon_all is not None and st.lexicon_all >= 0.6
    return st.lexicon is None or st.lexicon >= 0.6


#: Single words need more evidence than full names: at least this many sampled cells and
#: distinct values. Catalogue words (statuses, colours, months, car models) come from closed
#: lists of a dozen or so values; names and towns from open ones.
_MIN_WORD_CELLS: Final = 20
_MIN_WORD_DISTINCT: Final = 15


#: Months and weekdays (en, it, de, fr, es, nl, pt): many are given names somewhere (April,
#: June, Domenica), and with 19 values a calendar column passes the distinct-value floor.
_CALENDAR: Final = frozenset(
    fold(w)
    for w in str.split(
        "january february march april may june july august september october november "
        "december monday tuesday wednesday thursday friday saturday sunday "
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
        "dicembre lunedì martedì mercoledì giovedì venerdì sabato domenica "
        "januar februar märz mai juni juli oktober dezember montag dienstag mittwoch "
        "donnerstag freitag samstag sonntag "
        "janvier février mars avril juin juillet août septembre octobre novembre décembre "
        "lundi mardi mercredi jeudi vendredi samedi dimanche "
        "enero febrero abril mayo junio julio septiembre octubre noviembre diciembre lunes "
        "martes miércoles jueves viernes sábado domingo "
        "januari februari maart juni juli augustus oktober maandag dinsdag woensdag donderdag "
        "vrijdag zaterdag zondag "
        "janeiro fevereiro março maio junho julho setembro outubro dezembro segunda terça "
        "quarta quinta sexta"
    )
)


def _word_column(st: _NameStats, sample: _Sample) -> bool:
    """One capitalised word per cell (particles and hyphens allowed: ``van der Berg``,
    ``Jean-Baptiste``), in enough cells and distinct values to measure."""
    return (
        sample.n >= _MIN_WORD_CELLS
        and len(sample.counts) >= _MIN_WORD_DISTINCT
        and st.shaped >= 0.9
        and st.cased >= 0.9
        and st.core <= 1.3
    )


def _single_names_by_values(st: _NameStats, sample: _Sample) -> bool:
    """Given names or surnames without a header: a word column whose Latin-script cells are
    nearly all names somewhere (lexicon >= 0.65) and mostly *common* names somewhere
    (common >= 0.45), while few are places.

    Why these numbers (share of cells, measured on hand-written lists and the benchmark):
    real name columns hold a known name in 0.85-1.0 of cells (0.70 for a generated one with
    15% invented surnames) and a common one in 0.5-1.0; ordinary capitalised words are often
    *somewhere* a name (colours 0.75, animals 0.75, car models 0.65, cities 0.55) but rarely a
    common one (colours 0.40, cities 0.17-0.27, animals 0.15, car models 0.10). Months and
    weekdays (0.85/0.65) are a closed list the distinct-value floor keeps out. A column of
    towns named after people is caught by the place share (towns in the geocoder's list).
    Without a lexicon single words stay unclassified: shape alone cannot tell ``Verona`` the
    town from ``Verona`` the surname.
    """
    if not _word_column(st, sample) or st.lexicon is None or st.common is None:
        return False
    if st.measured < 0.5 * st.shaped * sample.n:  # mostly scripts the lexicon cannot judge
        return False
    if sample.share(lambda v: fold(v) in _CALENDAR) >= 0.2:
        return False
    if st.lexicon < 0.65 or st.common < 0.45:
        return False
    return sample.share(_known_place) <= 0.5 * st.lexicon


# --------------------------------------------------------------------------- places by value
#: Place-name morphology: words that start a town's name, and endings glued to it (en, de,
#: nl, fr, it, es, pt conventions). Each alone proves little; a column full of them does.
_PLACE_LEAD: Final = folded_words(
    "new, north, south, east, west, upper, lower, great, little, port, lake, mount, fort, "
    "saint, sainte, st, st., ste, san, santa, santo, sant', são, bad, alt, neu, groß, "
    "klein, vila, villa, porto, puerto, monte, castel, castello, borgo, ciudad, villanueva",
)
_PLACE_END: Final = tuple(
    sorted(
        folded_words(
            "ville, burg, bourg, borough, bury, ford, field, furt, fort, haven, mouth, port, "
            "shire, stad, stadt, town, ton, view, land, side, chester, caster, minster, wick, "
            "heim, dorf, hausen, feld, hofen, hoven, dam, veen, wijk, rode, beek, ingen, ikon, "
            "wil, court, mont, marina, marittima",
        )
    )
)
_PLACE_JOIN: Final = re.compile(
    r"(?i)-(?:sur|sous|les|lès|en|le|la|lez|de|del|di|am|an|ob|upon|on)-|\s(?:am|an der|im|"
    r"upon|on|sur|del|de|di|da|do|dos|das)\s"
)


def _place_shaped(cell: str) -> bool:
    """Built like a town's name: ``Lake Derek``, ``Neustadt``, ``Rey-sur-Mer``."""
    folded = fold(cell)
    words = folded.split()
    if len(words) > 1 and (words[0] in _PLACE_LEAD or words[-1] in _PLACE_END):
        return True
    if _PLACE_JOIN.search(cell) is not None:
        return True
    last = _PARTS.split(words[-1])[-1] if words else ""
    return any(last.endswith(e) and len(last) >= len(e) + 3 for e in _PLACE_END)


def _cities_by_values(st: _NameStats, sample: _Sample) -> tuple[bool, str]:
    """Towns without a header: a word column (up to four words a cell) that is not names,
    where the geocoder's place list knows at least 40% of cells, or knows 20% and, with
    place-name morphology, 55% look like towns.

    Why: real city columns are 0.75-0.98 in the place list; columns of ordinary words are at
    most 0.25 (animals), name columns 0.10-0.30 (towns named after people, Japanese surnames:
    those are decided as names first). Generated or small towns the list lacks (``Lake
    Derek``, ``Rey-sur-Mer``) carry their morphology.
    """
    if sample.n < _MIN_WORD_CELLS or len(sample.counts) < _MIN_WORD_DISTINCT:
        return False, ""
    if sample.share(_place) < 0.9 or st.cased < 0.9 or not 1.0 <= st.words <= 4.0:
        return False, ""
    known = sample.share(_known_place)
    shaped = sample.share(lambda v: _known_place(v) or _place_shaped(v))
    why = f"{_pct(known)} of {sample.n} sampled cells known places, {_pct(shaped)} place-like"
    return known >= 0.4 or (known >= 0.2 and shaped >= 0.55), why


# --------------------------------------------------------------------------- free text
_SENTENCE_END: Final = re.compile(r"[.!?;:](?:\s|$)")


def _words(cell: str) -> int:
    return len(cell.split())


def _sentence(cell: str) -> bool:
    """Prose: several words, sentence punctuation or mostly lower-case words."""
    words = cell.split()
    if len(words) < 4:
        return False
    lower = sum(1 for w in words if w[:1].islower())
    return bool(_SENTENCE_END.search(cell)) or lower >= len(words) / 2


def _free_text(sample: _Sample) -> str | None:
    words = sample.mean(_words)
    chars = sample.mean(len)
    prose = sample.share(_sentence)
    if words > 6 or (chars > 40 and prose >= 0.3):
        return f"free text: {words:.1f} words per cell, {_pct(prose)} sentence-like"
    return None


# --------------------------------------------------------------------------- places
_POSTCODE: Final = re.compile(r"[A-Z0-9][A-Z0-9 \-]{1,8}[A-Z0-9]")
_COORDINATE: Final = re.compile(r"-?\d{1,3}\.\d+(?:\s*[,;/ ]\s*-?\d{1,3}\.\d+)?")


def _postcode(cell: str) -> bool:
    text = cell.upper()
    return bool(_POSTCODE.fullmatch(text)) and any(c.isdigit() for c in text)


def _place(cell: str) -> bool:
    """A place name: letters first, no digits, a few words (``Frankfurt (Oder)``)."""
    return (
        cell[:1].isalpha()
        and not any(c.isdigit() for c in cell)
        and len(cell.split()) <= 6
        and all(c.isalpha() or c.isspace() or c in "'’.-()/,&" for c in cell)
    )


def _coordinate(cell: str) -> bool:
    if not _COORDINATE.fullmatch(cell):
        return False
    try:
        return all(abs(float(x)) <= 180 for x in re.split(r"[\s,;/]+", cell) if x)
    except ValueError:
        return False


def _integer_postcode(cell: str) -> bool:
    return cell.isdigit() and 100 <= int(cell) <= 99999  # leading zeros are lost in numbers


def _places_by_header(sample: _Sample, hint: HeaderHint) -> tuple[bool, str]:
    part = hint.part
    if part == "postcode":
        share = sample.share(_postcode)
        return share >= 0.7, f"{_pct(share)} of {sample.n} sampled cells postcode-shaped"
    if part is None:  # location, coordinates, gps
        coords = sample.share(_coordinate)
        if coords >= 0.7:
            return True, f"{_pct(coords)} of {sample.n} sampled cells coordinates"
    place = sample.share(_place)
    what = f"{_pct(place)} of {sample.n} sampled cells place names"
    if part == "country":
        countries = sample.share(is_country) if place >= 0.5 else 0.0
        what += f", {_pct(countries)} countries"
        return countries >= 0.5 or place >= 0.8, what
    return place >= 0.7, what


def _numeric_places(sample: _Sample, hint: HeaderHint | None) -> tuple[bool, str]:
    """Postcodes and coordinates are stored as numbers by careless exports."""
    if hint is None or hint.entity != LOCATION:
        return False, ""
    if hint.part == "postcode":
        share = sample.share(_integer_postcode)
        return share >= 0.9, f"{_pct(share)} of {sample.n} sampled numbers postcode-sized"
    if hint.part is None:
        share = sample.share(_coordinate)
        return share >= 0.9, f"{_pct(share)} of {sample.n} sampled numbers coordinates"
    return False, ""


#: Values-only postcodes: the share of cells with a postcode shape, and how much of the
#: evidence that they are not another number is needed (share of the sample and cells).
_POSTCODE_SHARE: Final = 0.9
_POSTCODE_EVIDENCE: Final = 0.02
_POSTCODE_MIN_EVIDENCE: Final = 3


def _postcodes_by_values(sample: _Sample) -> tuple[bool, str]:
    """Postcodes without a header: at least 90% of cells have a postcode shape
    (:func:`.structured.postcode_format`), in enough cells and distinct values to measure,
    and the column shows it is not just another number column, in at least 2% of cells and
    3 cells (so one stray code does not decide):

    - letter-bearing postcodes (UK ``SW1A 1AA``, NL ``1234 AB``, CA ``K1A 0B1``), which no
      id, year, price or quantity has; or
    - 5-digit codes with a leading zero *mixed with* other postcode widths or separators
      (4-digit, ``1000-001``, ``100-0001``...). Zero-padded ids have leading zeros too, but
      one fixed width; mixed widths without padding are ids or amounts, with padding they
      are a multi-country postcode column.

    Why these numbers: the benchmark's multi-country column (10 Faker locales, 5,000 cells)
    is 100% postcode-shaped in 6 formats, with 20% lettered cells (UK, NL) and 6% zero-led
    5-digit ones; a real table
    with a few foreign customers still passes 90% when up to a tenth of its cells are
    formats not listed (country prefixes, Irish Eircodes). Look-alike columns measured in
    the tests (sequential and random ids, years, quantities, prices, PINs, SKUs
    ``AB-1234``, order numbers, extensions, house numbers) are either under 90% shaped or
    have no lettered cell and one width. What stays unclassified, because nothing in the
    values separates it from ids: a column of only 4- or 5-digit codes, zero-padded or not
    (one country's postcodes, or digits stored as numbers); its header decides.
    """
    if sample.n < _MIN_WORD_CELLS or len(sample.counts) < _MIN_WORD_DISTINCT:
        return False, ""
    families: Counter[str] = Counter()
    zero_led = 0
    for cell, count in sample.counts.items():
        family = postcode_format(cell)
        if family is not None:
            families[family] += count
            if family == "5" and cell.startswith("0"):
                zero_led += count
    shaped = sum(families.values()) / sample.n
    if shaped < _POSTCODE_SHARE:
        return False, ""
    need = max(_POSTCODE_MIN_EVIDENCE, _POSTCODE_EVIDENCE * sample.n)
    lettered = sum(families[f] for f in POSTCODE_LETTERED)
    other_widths = sum(c for f, c in families.items() if f != "5" and f not in POSTCODE_LETTERED)
    why = (
        f"{_pct(shaped)} of {sample.n} sampled cells postcode-shaped "
        f"({len(families)} formats), {_pct(lettered / sample.n)} with letters"
    )
    if lettered >= need:
        return True, why
    if zero_led >= need and other_widths >= need:
        zeros = f", {_pct(zero_led / sample.n)} zero-led 5-digit among other widths"
        return True, why + zeros
    return False, ""


# --------------------------------------------------------------------------- dates of birth
#: A date alone, four-digit year: ``1984-03-07``, ``07/03/1984``, ``07.03.1984``. A time part
#: means an event was logged (registrations, orders), not that someone was born; eight bare
#: digits (``19840307``) are as often an id, and stored as numbers besides: header only.
_DATE_ONLY: Final = re.compile(
    r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}|[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{4}"
)
_ADULT_YEARS: Final = 16  # the youngest customer a leaked table plausibly holds


def _birth_year(cell: str, today: dt.date) -> int | None:
    """The year of a date-only cell, if every reading of it agrees on one (D/M vs M/D)."""
    if not _DATE_ONLY.fullmatch(cell):
        return None
    years = {d.year for d in birth_date_candidates(cell, today)}
    return years.pop() if len(years) == 1 else None


def _births_by_values(sample: _Sample, today: dt.date | None = None) -> tuple[bool, str]:
    """Birth dates without a header: a date-only column whose dates are all at least 16 years
    old and after 1900, spread over generations (interquartile range of years >= 10, range
    >= 30) and mostly distinct.

    Why it is precise: registration, order and event dates are recent (any date within the
    last 16 years disqualifies the column: one is enough, at most 2% tolerated for typos) or
    carry a time of day; an old archive of events (1990-2005) is not spread over
    generations. Adults' birth years span ~70 years with an interquartile range of ~20-30.
    What it cannot tell: another generation-spanning date of people (a date of death); those
    are personal data too. Two-digit years, bare ``YYYYMMDD`` and dates stored as numbers
    stay header-only.
    """
    today = today or dt.date.today()
    if sample.n < _MIN_WORD_CELLS or sample.distinct < 0.3:
        return False, ""
    years = {v: _birth_year(v, today) for v in sample.counts}
    dated = sum(c for v, c in sample.counts.items() if years[v] is not None)
    if dated < 0.95 * sample.n:
        return False, ""
    latest = today.year - _ADULT_YEARS
    weighted: list[int] = []
    for v, c in sample.counts.items():
        if (year := years[v]) is not None:
            weighted += [year] * c
    recent = sum(1 for y in weighted if y > latest or y < 1900) / len(weighted)
    q1, _, q3 = statistics.quantiles(weighted, n=4)
    span = max(weighted) - min(weighted)
    why = (
        f"{_pct(dated / sample.n)} of {sample.n} sampled cells dates without time, "
        f"{_pct(recent)} after {latest} or before 1900, years spread over {span} "
        f"(interquartile {q3 - q1:.0f})"
    )
    return recent <= 0.02 and q3 - q1 >= 10 and span >= 30, why


# --------------------------------------------------------------------------- versions
_VERSION: Final = re.compile(r"v?[0-9]{1,4}(?:\.[0-9]{1,6}){2,4}")


def _versions(sample: _Sample) -> tuple[bool, str]:
    """Build numbers (``1.2.3.4``) without a header: every cell dotted numbers, few distinct
    values (<= 25%), first and second components small (<= 20, <= 50: release lines), which
    an IP column is not: addresses spread their first octet over 1-223. A column of one
    internal network (all ``10.x`` or ``127.x``) stays addresses: that is not a guess to make.

    Why it matters: the values of a version column are valid IPv4 addresses, so only the
    column can say they are not (see ``IpAddressDetector.vetoed_by``).
    """
    dotted = sample.share(lambda v: _VERSION.fullmatch(v) is not None)
    if sample.n < _MIN_WORD_CELLS or dotted < 0.95:
        return False, ""
    parts = [v.lstrip("v").split(".") for v in sample.counts if _VERSION.fullmatch(v)]
    heads = {int(p[0]) for p in parts}
    small = sum(1 for p in parts if int(p[0]) <= 20) / len(parts)
    minor = sum(1 for p in parts if int(p[1]) <= 50) / len(parts)
    why = (
        f"{_pct(dotted)} of {sample.n} sampled cells dotted numbers, "
        f"{len(sample.counts)} distinct, first parts {min(heads)}-{max(heads)}"
    )
    few = len(sample.counts) <= max(10, 0.25 * sample.n)
    private = heads <= {10, 127}  # one internal network (10.0.3.17): addresses, not versions
    return few and small >= 0.9 and minor >= 0.9 and not private, why


# --------------------------------------------------------------------------- addresses
_LETTER: Final = re.compile(r"[^\W\d_]")
_DIGIT: Final = re.compile(r"\d")


def _letters(cell: str) -> bool:
    return bool(_LETTER.search(cell))


def _letters_and_digits(cell: str) -> bool:
    return _letters(cell) and bool(_DIGIT.search(cell)) and len(cell.split()) >= 2


def _addresses_by_header(sample: _Sample, hint: HeaderHint) -> tuple[bool, str]:
    lines = sample.share(street_line)
    what = f"{_pct(lines)} of {sample.n} sampled cells street lines"
    if sample.share(_letters) < 0.8:
        return False, what + ", too few with letters"
    if sample.share(lambda v: "@" in v or "://" in v) >= 0.2:
        return False, what + ", email or web addresses"
    if sample.mean(_words) > 15:
        return False, what + ", too long for addresses"
    if lines >= 0.3:
        return True, what
    named = sample.share(street_word)
    if named >= 0.5:
        return True, what + f", {_pct(named)} with a street-type word"
    mixed = sample.share(_letters_and_digits)
    if hint.part is None and mixed >= 0.6:
        return True, what + f", {_pct(mixed)} words with numbers"
    return False, what


# --------------------------------------------------------------------------- inference
def _header_text(hint: HeaderHint) -> str:
    what = " ".join(x for x in (hint.entity, hint.part) if x)
    where = f"{hint.language}, " if hint.language else ""
    return f"header '{hint.matched}' ({where}{what})"


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def infer_role(name: str, values: pa.Array, *, numeric: bool = False) -> ColumnRole:
    """The role of a column from its name and a sample of its (string) values.

    Header evidence alone never makes a column structured: its values must have the shape.
    Values alone suffice for full names, street lines and countries, where shapes are
    distinctive. Without a header, single words need distribution evidence: given names and
    surnames by the share of common names, towns by the geocoder's place list and place-name
    morphology, birth dates by a date-only spread over generations, postcodes by their
    formats when letter-bearing or mixed widths show they are not ids; version strings are
    recognised so that the IP detector, vetoed by a ``version`` header, is vetoed by them too.
    """
    hint = header_hint(name)
    said = _header_text(hint) if hint is not None else ""
    if name == "text" or (hint is not None and hint.entity == "NOTE"):
        return ColumnRole(FREE_TEXT, None, hint, _join(said, "free-text column"))
    sample = _Sample(values)
    if not sample.n:
        return ColumnRole(PLAIN, None, hint, _join(said, "no values in the sample"))
    if numeric:
        ok, why = _numeric_places(sample, hint)
        if ok:
            return ColumnRole(STRUCTURED, LOCATION, hint, _join(said, why))
        return ColumnRole(PLAIN, None, hint, _join(said, "numeric column"))

    contradicted = ""
    if hint is not None and hint.entity in _STRUCTURED_ENTITIES:
        role, contradicted = _by_header(sample, hint, said)
        if role is not None:
            return role
    blocked = hint is not None and hint.entity not in _STRUCTURED_ENTITIES and hint.strength >= 0.7
    prefix = _join(said, contradicted)

    lines = sample.share(street_line)
    if not blocked and lines >= 0.6:
        why = f"{_pct(lines)} of {sample.n} sampled cells street lines"
        return ColumnRole(STRUCTURED, POSTAL_ADDRESS, hint, _join(prefix, why))
    free = _free_text(sample)
    if free is not None:
        return ColumnRole(FREE_TEXT, None, hint, _join(prefix, free))
    if blocked:
        return ColumnRole(PLAIN, None, hint, prefix)
    if hint is None:
        ok, why = _postcodes_by_values(sample)
        if ok:
            return ColumnRole(STRUCTURED, LOCATION, hint, _join(prefix, why))
    if sample.share(lambda v: _place(v) or len(v) == 2) >= 0.8:
        countries = sample.share(is_country)
        if countries >= 0.8:
            why = f"{_pct(countries)} of {sample.n} sampled cells countries"
            return ColumnRole(STRUCTURED, LOCATION, hint, _join(prefix, why))
    if hint is None or hint.entity != PERSON:  # a contradicted name header is not re-tried
        st = _name_stats(sample)
        if _names_by_values(st, sample):
            why = st.describe(sample.n) + f", {st.words:.1f} words per cell"
            return ColumnRole(STRUCTURED, PERSON, hint, _join(prefix, why))
        if hint is None and _single_names_by_values(st, sample):
            why = st.describe(sample.n) + f", {_pct(st.common or 0)} common names, one per cell"
            return ColumnRole(STRUCTURED, PERSON, hint, _join(prefix, why))
        if hint is None:
            ok, why = _cities_by_values(st, sample)
            if ok:
                return ColumnRole(STRUCTURED, LOCATION, hint, _join(prefix, why))
    if hint is None:
        ok, why = _births_by_values(sample)
        if ok:
            return ColumnRole(STRUCTURED, DATE_OF_BIRTH, hint, why)
        ok, why = _versions(sample)
        if ok:
            return ColumnRole(PLAIN, None, _VALUES_VERSION, "no header; " + why)
    return ColumnRole(PLAIN, None, hint, prefix)


def _by_header(sample: _Sample, hint: HeaderHint, said: str) -> tuple[ColumnRole | None, str]:
    """The header's entity if the values agree; else None and why they do not."""
    if hint.entity == PERSON:
        if _free_text(sample) is not None:
            return None, "contradicted: free text"
        st = _name_stats(sample)
        why_not = _names_by_header(st, hint)
        if why_not is None:
            return ColumnRole(STRUCTURED, PERSON, hint, _join(said, st.describe(sample.n))), ""
        return None, f"contradicted: {why_not} ({st.describe(sample.n)})"
    if hint.entity == POSTAL_ADDRESS:
        if hint.part not in (None, "street"):
            return None, ""  # house numbers alone: a context, not an address
        ok, why = _addresses_by_header(sample, hint)
    else:
        ok, why = _places_by_header(sample, hint)
    if ok:
        return ColumnRole(STRUCTURED, hint.entity, hint, _join(said, why)), ""
    return None, f"contradicted: {why}"
