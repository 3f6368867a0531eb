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

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import pyarrow as pa

from .base import compile_re2
from .header_lexicon import GENERIC_NAMES
from .headers import HeaderHint, header_hint
from .lexicon import fold, name_lexicon
from .structured import (
    LOCATION,
    NAME_CELL,
    PERSON,
    POSTAL_ADDRESS,
    is_country,
    is_organisation,
    is_placeholder,
    street_line,
    street_word,
)

__all__ = ["FREE_TEXT", "PLAIN", "STRUCTURED", "ColumnRole", "infer_role"]

#: Roles
STRUCTURED = "structured"  # cells are values of one entity (names, cities, expiry dates...)
FREE_TEXT = "free_text"  # sentences: NER and pattern detectors over the text
PLAIN = "plain"  # anything else: pattern detectors only

_STRUCTURED_ENTITIES: Final = frozenset({PERSON, POSTAL_ADDRESS, LOCATION})
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
            "header": self.hint.entity if self.hint else None,
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
_PARTICLES: Final = frozenset(
    fold(w.strip())
    for w in str.split(
        "van, von, vom, der, den, de, del, della, dei, di, da, das, dos, do, du, des, la, le, "
        "lo, el, al, bin, binti, bint, ibn, ben, abu, bat, ter, ten, zu, y, e, i, mac, ní, "
        "nic, ó, ua, ap, af, av, dela, st.",
        ",",
    )
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


def _name_cell(cell: str, names: frozenset[str]) -> _NameCell:
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
    hits = [
        fold(w) in names or any(len(p) >= 2 and p in names for p in _PARTS.split(fold(w)))
        for w in judged
    ]
    return _NameCell(len(words), case, bool(judged), any(hits), bool(hits) and all(hits))


@dataclass
class _NameStats:
    shaped: float  # share of cells that are name-shaped
    cased: float  # share of shaped cells written as names are (Title, UPPER, no case)
    lower: float  # share of shaped cells all lower-case
    uncased: float  # share of shaped cells in scripts without case
    words: float  # mean words per shaped cell
    lexicon: float | None  # share of measurable shaped cells holding a known name
    lexicon_all: float | None  # share of them made only of known names
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
    cells = {v: _name_cell(v, lex.names) for v in shaped}

    def frac(test: Callable[[_NameCell], bool]) -> float:
        return sum(shaped[v] for v, nc in cells.items() if test(nc)) / total if total else 0.0

    measured = sum(shaped[v] for v, nc in cells.items() if nc.measurable)
    lexicon = lexicon_all = None
    if lex.available and measured >= 5:
        known = sum(shaped[v] for v, nc in cells.items() if nc.measurable and nc.known)
        lexicon = known / measured
        lexicon_all = sum(shaped[v] for v, nc in cells.items() if nc.all_known) / measured
    return _NameStats(
        shaped=total / sample.n if sample.n else 0.0,
        cased=frac(lambda nc: nc.case in ("name", "uncased")),
        lower=frac(lambda nc: nc.case == "lower"),
        uncased=frac(lambda nc: nc.case == "uncased"),
        words=sum(shaped[v] * nc.words for v, nc in cells.items()) / total if total else 0.0,
        lexicon=lexicon,
        lexicon_all=lexicon_all,
        measured=measured,
        source=lex.source,
        note=lex.note,
    )


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
    distinctive; single words (first names, cities) need a header too.
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
