"""Header semantics: what personal-data entity a column name announces, and how strongly.

A column name is weak evidence on its own (values decide), but it is the only evidence for
empty or hashed columns and it breaks ties: ``scadenza`` next to card columns is an expiry,
``order_id`` is never a phone number however many digits it holds. Headers come as CSV
column names, JSON dotted paths, SQL ``table.column`` names or free-text column comments,
in any of en/it/de/fr/es/nl/pt (lexicon: :mod:`.header_lexicon`).

How a header is read:

1. normalised to tokens (accents stripped, ``ß`` -> ``ss``, camelCase and separators split,
   trailing counters dropped: ``Telefono_1`` -> ``telefono``);
2. unknown tokens are re-read as plurals or compounds (``Kundennummer`` -> kunden+nummer,
   ``dateofbirth`` -> date+of+birth); only whole known words match (``telescope`` is no
   phone);
3. every lexicon phrase in the tokens is a candidate; the more specific one wins: longer
   phrases beat their parts, hashes/flags/IDs/notes redefine what they qualify (``email_hash``,
   ``phone_verified``, ``order_id``), specific entities absorb generic ones (``card_expiry``
   over CREDIT_CARD, ``birth_date`` over DATE), and among the rest the last word, the head of
   an English compound, wins (``last_login_ip``);
4. earlier path segments are context: they lose to the last segment but strengthen a weak
   match of their family (``shipping_address.zip``, ``card.exp``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Final

from . import header_lexicon as lex

__all__ = [
    "NON_PII",
    "HeaderHint",
    "header_hint",
    "header_hints",
    "normalise_header",
]

#: Hints that say a column is *not* personal data (or describes another column).
NON_PII: Final = frozenset(
    {
        "ID",
        "DATE",
        "AMOUNT",
        "NOTE",
        "PRODUCT",
        "MODEL",
        "FILE",
        "URL",
        "META",
        "HASH",
        "ORGANIZATION",
    }
)

EXACT, ABBREVIATION, WEAK = 1.0, 0.7, 0.4
_PARTIAL = 0.7  # a phrase matched, but the header says more that we do not understand
_BOOST = 0.3  # a family word elsewhere in the header
_MAX_TOKENS = 96  # column comments can be long; cap the work per header


@dataclass(frozen=True)
class HeaderHint:
    """What a header announces: ``entity`` (a presidio name, or a non-PII hint from
    :data:`NON_PII`), ``part`` of a PERSON/LOCATION/POSTAL_ADDRESS, ``strength`` (1.0 exact,
    ~0.7 abbreviation or partial, ~0.4 weak), the matching ``language`` (None: neutral) and
    the normalised tokens that ``matched``, for explanations."""

    entity: str
    part: str | None
    strength: float
    language: str | None
    matched: str


# ----------------------------------------------------------------------------- normalising

_SS = "\ue000"  # stands for ß while case is still needed: it is neither upper nor lower
_LETTERS = str.maketrans(
    {"ß": _SS, "ẞ": _SS, "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE"}
    | {"đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "ı": "i", "ð": "d", "Ð": "D", "þ": "th"}
    | {"Þ": "TH"}
)
_PATH_SEP = re.compile(r"\.(?!\s)|/|\\|\[|\]|->|::|:|\$|#|__")
_WORD_SEP = re.compile(r"[\W_]+")
_COUNTED = re.compile(r"([^\W\d_]{2,})\d+")  # phone2, telefono1, line1


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)


def _split_camel(text: str) -> str:
    """Insert a space at camelCase and acronym boundaries (``IPAddress`` -> ``IP Address``).

    All-lowercase and all-uppercase text is left alone, so ``name.lower()`` and
    ``name.upper()`` read the same."""
    if text.islower() or text.isupper() or not any(c.isalpha() for c in text):
        return text
    out: list[str] = []
    prev = ""  # the last cased character of the current word
    for i, ch in enumerate(text):
        if ch.isupper():
            nxt = text[i + 1] if i + 1 < len(text) else ""
            if prev.islower() or (prev.isupper() and nxt.islower()):
                out.append(" ")
            prev = ch
        elif ch.islower():
            prev = ch
        elif not ch.isalnum() and ch != _SS:
            prev = ""
        out.append(ch)
    return "".join(out)


def _surface(text: str) -> list[str]:
    """Tokens of one path segment, before any lexicon knowledge but the protected words."""
    text = _split_camel(text).replace(_SS, "ss").casefold()
    tokens: list[str] = []
    for tok in _WORD_SEP.split(text):
        if not tok or tok.isdigit():
            continue
        m = _COUNTED.fullmatch(tok)
        if m is not None and tok not in _PROTECTED:
            tok = m.group(1)
        tokens.append(tok)
    return tokens


def _segments(name: str) -> list[list[str]]:
    """Tokens per path segment; a name with spaces (a label or a comment) is one segment."""
    text = _strip_accents(name).strip()
    parts = [text] if any(c.isspace() for c in text) else _PATH_SEP.split(text)
    return [toks for toks in (_surface(p) for p in parts) if toks]


def normalise_header(name: str) -> list[str]:
    """The tokens of a header: accents stripped, casefolded, camelCase and separators split,
    counters dropped (``Telefono_2``, ``phone2`` -> ``telefono``, ``phone``)."""
    return [tok for seg in _segments(name) for tok in seg]


# ----------------------------------------------------------------------------- the lexicon


@dataclass(frozen=True)
class _Term:
    entity: str
    part: str | None
    strength: float
    languages: tuple[str, ...]


_BLOCK = "_BLOCK"  # pseudo-entity: makes a generic name no hint at all (``host_name``)
_STRENGTH = {"~": ABBREVIATION, "?": WEAK}


def _items(blob: str) -> list[str]:
    return [item.strip() for item in blob.split(",") if item.strip()]


def _protected() -> frozenset[str]:
    """Lexicon words that end in digits (``cvv2``, ``sha256``) keep them."""
    words: set[str] = set()
    for per_lang in lex.TERMS.values():
        for blob in per_lang.values():
            for tok in _WORD_SEP.split(_strip_accents(blob).casefold()):
                if _COUNTED.fullmatch(tok):
                    words.add(tok)
    return frozenset(words)


_PROTECTED: Final = _protected()
_STOP: Final = frozenset(_items(lex.STOPWORDS))


@cache
def _phrase(text: str) -> tuple[str, ...]:
    return tuple(t for t in normalise_header(text) if t not in _STOP)


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _spellings(text: str) -> set[str]:
    """A German term in its umlaut and its ``ae``/``oe``/``ue`` spelling."""
    return {text, text.translate(_UMLAUTS)}


def _words(blobs: dict[str, str] | str) -> dict[str, tuple[str, ...]]:
    """Single words of a per-language (or neutral) list -> their languages."""
    per_lang = {"*": blobs} if isinstance(blobs, str) else blobs
    out: dict[str, tuple[str, ...]] = {}
    for lang, blob in per_lang.items():
        for item in _items(blob):
            for spelling in _spellings(item):
                for tok in _phrase(spelling):
                    langs = out.get(tok, ())
                    if lang != "*" and lang not in langs:
                        langs = (*langs, lang)
                    out[tok] = langs
    return out


def _langs(lang: str) -> tuple[str, ...]:
    return () if lang == "*" else (lang,)


def _build_index() -> dict[tuple[str, ...], _Term]:
    index: dict[tuple[str, ...], _Term] = {}

    def add(tokens: tuple[str, ...], term: _Term) -> None:
        old = index.get(tokens)
        if old is None:
            index[tokens] = term
        elif (old.entity, old.part) != (term.entity, term.part):
            raise ValueError(f"header lexicon: {' '.join(tokens)!r} announces two entities")
        else:
            langs = old.languages + tuple(x for x in term.languages if x not in old.languages)
            index[tokens] = replace(old, strength=max(old.strength, term.strength), languages=langs)

    for key, per_lang in lex.TERMS.items():
        entity, _, part = key.partition("/")
        for lang, blob in per_lang.items():
            for item in _items(blob):
                strength = _STRENGTH.get(item[-1], EXACT)
                for spelling in _spellings(item.rstrip("~?")):
                    tokens = _phrase(spelling)
                    if not tokens:
                        raise ValueError(f"header lexicon: {item!r} has no words")
                    add(tokens, _Term(entity, part or None, strength, _langs(lang)))
    for tok in _words(lex.NAME_BLOCKERS):
        add((tok,), _Term(_BLOCK, None, EXACT, ()))
    # "<record noun> <number word>" in either order is a record ID, unless the lexicon says
    # otherwise; Romance "data <record noun>" is that record's date.
    numbers = _words(lex.NUMBER_WORDS)
    for noun, langs in _words(lex.RECORD_NOUNS).items():
        for num in numbers:
            for pair in ((noun, num), (num, noun)):
                index.setdefault(pair, _Term("ID", None, EXACT, langs))
        index.setdefault(("data", noun), _Term("DATE", None, EXACT, langs))
    return index


_INDEX: Final = _build_index()
_MAX_PHRASE: Final = max(len(k) for k in _INDEX)
_GENERIC: Final = frozenset(_words(lex.GENERIC_NAMES))
_TERM_WORDS: Final = frozenset(t for k in _INDEX for t in k)
_NEUTRAL: Final = frozenset(_words(lex.NEUTRAL)) | frozenset(_words(lex.RECORD_NOUNS))
_FAMILY_WORDS: Final = {fam: frozenset(_words(blob)) for fam, blob in lex.FAMILY_WORDS.items()}
_VOCAB: Final = (
    _TERM_WORDS
    | _NEUTRAL
    | _STOP
    | frozenset(_words(lex.NUMBER_WORDS))
    | frozenset().union(*_FAMILY_WORDS.values())
)
_TOKEN_LANGS: Final = _words(
    {
        lang: ", ".join(
            per_lang.get(lang, "")
            for per_lang in (*lex.TERMS.values(), lex.NEUTRAL, lex.RECORD_NOUNS)
        )
        for lang in lex.LANGUAGES
    }
)
_LANG_ORDER: Final = {lang: i for i, lang in enumerate(lex.LANGUAGES)}

# ----------------------------------------------------------------------------- resolution

#: Hints that redefine whatever they qualify (``email_hash`` is a hash, ``phone_type`` a
#: flag, ``phone_id`` an ID); higher wins among them.
_OVERRIDES: Final = {
    "META": 100,
    "ID": 95,
    "PASSWORD_HASH": 93,
    "HASH": 93,
    "NOTE": 90,
    "AMOUNT": 80,
    "PRODUCT": 80,
    "MODEL": 80,
    "FILE": 80,
    "URL": 80,
}
_NATIONAL_IDS: Final = frozenset(
    {"US_SSN", "IT_FISCAL_CODE", "UK_NINO", "ES_NIF", "DE_TAX_ID", "FR_NIR", "PASSPORT"}
    | {"DRIVER_LICENSE", "VAT_NUMBER"}
)
_ADDRESS_LIKE: Final = frozenset(
    {"EMAIL_ADDRESS", "IP_ADDRESS", "MAC_ADDRESS", "CRYPTO", "URL", "LOCATION"}
)
_PII_ENTITIES: Final = frozenset(k.partition("/")[0] for k in lex.TERMS) - NON_PII
#: Entity -> the co-occurring (strong) entities that make it redundant: the more specific wins.
_ABSORBED_BY: Final[dict[str, frozenset[str]]] = {
    "DATE": frozenset({"DATE_OF_BIRTH", "CARD_EXPIRY"}),
    "META": frozenset({"DATE"}),  # email_verified_at is when, not whether
    "CREDIT_CARD": frozenset({"CARD_EXPIRY", "CARD_SECURITY_CODE", "MASKED_CARD"}),
    "NATIONAL_ID": _NATIONAL_IDS,
    "ID": _NATIONAL_IDS | {"NATIONAL_ID"},
    "USERNAME": frozenset({"EMAIL_ADDRESS"}),
    "BANK_ACCOUNT": frozenset({"IBAN_CODE"}),
    "ORGANIZATION": _PII_ENTITIES,
    # a bare "address" next to what kind of address it is (email address, address city)
    "POSTAL_ADDRESS": _ADDRESS_LIKE | {"POSTAL_ADDRESS/part"},
}
#: Qualifiers that make a generic ``name`` their own (``city name``, ``company name``).
_NAME_QUALIFIERS: Final = frozenset(_OVERRIDES) | {
    "ORGANIZATION",
    "LOCATION",
    "POSTAL_ADDRESS",
    "USERNAME",
    _BLOCK,
}


@dataclass
class _Cand:
    start: int
    end: int
    entity: str
    part: str | None
    strength: float
    languages: tuple[str, ...]
    last: bool  # touches the last path segment
    generic: bool = False
    dead: bool = False  # absorbed by a more specific candidate
    positions: set[int] = field(default_factory=set)

    @property
    def strong(self) -> bool:
        return self.strength >= ABBREVIATION

    def absorb(self, other: _Cand) -> None:
        """Take ``other``'s words into this candidate (a qualifier and the name it qualifies)."""
        self.positions |= other.positions
        self.start, self.end = min(self.start, other.start), max(self.end, other.end)
        self.last = self.last or other.last
        self.languages += tuple(x for x in other.languages if x not in self.languages)


def _singulars(tok: str) -> list[str]:
    out: list[str] = []
    if tok.endswith(("s", "n")):
        out.append(tok[:-1])
    if tok.endswith(("es", "en")):
        out.append(tok[:-2])
    if tok.endswith("i"):  # Italian plurals: telefoni, indirizzi, cellulari
        out += [tok[:-1] + "o", tok[:-1] + "e"]
    return [s for s in out if len(s) >= 3]


def _piece(word: str, final: bool) -> str | None:
    """``word`` as one piece of a compound (its base form), or None."""
    if word in _VOCAB and len(word) >= 2:
        return word
    if final:
        return next((s for s in _singulars(word) if s in _VOCAB), None)
    for link in ("s", "n", "en", "es"):  # German/Dutch linking: geburts-, kunden-, karten-
        base = word[: -len(link)]
        if word.endswith(link) and len(base) >= 3 and base in _VOCAB and base not in _STOP:
            return base
    return None


@lru_cache(maxsize=8192)
def _compound(tok: str) -> tuple[str, ...] | None:
    """Split an unknown word into 2-4 known words, fewest first (``mobilenumber``)."""
    n = len(tok)
    best: dict[int, tuple[str, ...] | None] = {n: ()}
    for i in range(n - 2, -1, -1):
        found: tuple[str, ...] | None = None
        for j in range(n, i + 1, -1):  # longest piece first
            rest = best.get(j)
            if rest is None or (found is not None and len(rest) + 1 >= len(found)):
                continue
            piece = _piece(tok[i:j], final=j == n)
            edge = i == 0 or j == n
            if piece is not None and not (edge and piece in _STOP):
                found = (piece, *rest)
        best[i] = found if found is None or len(found) <= 4 else None
    pieces = best[0]
    if pieces is None or len(pieces) < 2 or not any(p in _TERM_WORDS for p in pieces):
        return None
    return tuple(p for p in pieces if p not in _STOP)


def _read(tok: str) -> tuple[str, ...]:
    """A token as known words: itself, its singular, or the words of a compound."""
    if (tok,) in _INDEX:
        return (tok,)
    singulars = _singulars(tok)
    for s in singulars:
        if (s,) in _INDEX:
            return (s,)
    if tok in _VOCAB:
        return (tok,)
    for s in singulars:
        if s in _VOCAB:
            return (s,)
    if 5 <= len(tok) <= 40:
        return _compound(tok) or (tok,)
    return (tok,)


def _tokens(name: str) -> tuple[list[str], list[int]]:
    words: list[str] = []
    segs: list[int] = []
    for s, seg in enumerate(_segments(name)):
        for tok in seg:
            if tok in _STOP:
                continue
            for word in _read(tok):
                words.append(word)
                segs.append(s)
    return words[:_MAX_TOKENS], segs[:_MAX_TOKENS]


def _candidates(words: list[str], segs: list[int]) -> list[_Cand]:
    last = segs[-1]
    found: list[_Cand] = []
    for i in range(len(words)):
        for j in range(i + 1, min(len(words), i + _MAX_PHRASE) + 1):
            key = tuple(words[i:j])
            term = _INDEX.get(key)
            if term is None:
                continue
            found.append(
                _Cand(
                    i,
                    j,
                    term.entity,
                    term.part,
                    term.strength,
                    term.languages,
                    segs[j - 1] == last,
                    generic=key[0] in _GENERIC and j - i == 1,
                    positions=set(range(i, j)),
                )
            )
    # A phrase hides the shorter phrases inside it (``card expiry`` hides ``card``).
    return [
        c
        for c in found
        if not any(
            o.start <= c.start and c.end <= o.end and o.end - o.start > c.end - c.start
            for o in found
        )
    ]


def _merge_names(cands: list[_Cand]) -> list[_Cand]:
    """``product name``, ``city name``, ``host.name``: the qualifier owns the generic name."""
    names = [c for c in cands if c.generic]
    quals = [c for c in cands if c.entity in _NAME_QUALIFIERS and not c.generic]
    if not names or not quals:
        return cands
    for name in names:
        qual = min(quals, key=lambda q: abs(q.start - name.start))
        qual.absorb(name)
        qual.strength = max(qual.strength, ABBREVIATION)
    return [c for c in cands if not c.generic]


def _adjust(cands: list[_Cand], words: list[str], segs: list[int]) -> None:
    """Context boost from family words; cap for words of its segments nobody understood."""
    covered = set().union(*(c.positions for c in cands)) if cands else set()
    for c in cands:
        fam = lex.FAMILIES.get(c.entity)
        if fam is not None and c.strength < EXACT:
            others = {w for k, w in enumerate(words) if k not in c.positions}
            if others & _FAMILY_WORDS[fam]:
                c.strength = min(EXACT, c.strength + _BOOST)
        own = {segs[k] for k in c.positions}
        unknown = [
            w
            for k, w in enumerate(words)
            if segs[k] in own and k not in covered and w not in _NEUTRAL and len(w) > 1
        ]
        if unknown:
            c.strength = min(c.strength, _PARTIAL)


def _resolve(cands: list[_Cand]) -> tuple[_Cand, list[_Cand]]:
    """The winning candidate, and the others best first."""
    _transform(cands, "HASH", {"PASSWORD"}, "PASSWORD_HASH")  # password_sha1
    _transform(cands, "CARD_EXPIRY", _NATIONAL_IDS | {"NATIONAL_ID"}, "DATE")  # passport_expiry
    strong = {c.entity for c in cands if c.strong and not c.dead}
    if any(c.entity == "POSTAL_ADDRESS" and c.part is not None for c in cands if c.strong):
        strong.add("POSTAL_ADDRESS/part")
    for c in cands:
        absorbers = _ABSORBED_BY.get(c.entity if c.part is None else f"{c.entity}/{c.part}")
        if absorbers is not None and strong & absorbers:
            c.dead = True
    alive = [c for c in cands if not c.dead] or cands
    alive = [c for c in alive if c.strong] or alive
    alive = [c for c in alive if c.last] or alive
    persons = [c for c in alive if c.entity == "PERSON"]
    if len({c.part for c in persons} & {"given", "family", "full"}) >= 2:
        head = persons[0]
        for p in persons[1:]:
            head.absorb(p)
        head.part, head.strength = "full", max(p.strength for p in persons)
        alive = [c for c in alive if c.entity != "PERSON" or c is head]
    overriding = [c for c in alive if c.entity in _OVERRIDES]
    if overriding:
        win = max(overriding, key=lambda c: (_OVERRIDES[c.entity], c.strength, c.end))
    else:
        win = max(alive, key=lambda c: (c.end, c.strength))
    rest = [c for c in cands if c is not win]
    for c in rest:  # runners-up never outrank the winner; absorbed ones count for less
        c.strength = min(c.strength, win.strength) * (0.5 if c.dead else 1.0)
    rest.sort(key=lambda c: (c.strength, not c.dead, c.end), reverse=True)
    return win, rest


def _transform(
    cands: list[_Cand], entity: str, partners: set[str] | frozenset[str], to: str
) -> None:
    """``entity`` next to one of ``partners`` means ``to``, and absorbs the partner."""
    found = [c for c in cands if c.entity in partners]
    if not found or not any(c.entity == entity for c in cands):
        return
    for c in cands:
        if c.entity == entity:
            c.entity = to
            for p in found:
                c.absorb(p)
    for p in found:
        p.dead = True


def _language(c: _Cand, words: list[str]) -> str | None:
    if not c.languages:
        return None
    votes = {lang: 0 for lang in c.languages}
    for w in words:
        for lang in _TOKEN_LANGS.get(w, ()):
            if lang in votes:
                votes[lang] += 1
    return max(c.languages, key=lambda lang: (votes[lang], -_LANG_ORDER.get(lang, 99)))


@lru_cache(maxsize=4096)
def _hints(name: str) -> tuple[HeaderHint, ...]:
    words, segs = _tokens(name)
    if not words:
        return ()
    cands = [c for c in _merge_names(_candidates(words, segs)) if c.entity != _BLOCK]
    if not cands:
        return ()
    _adjust(cands, words, segs)
    win, rest = _resolve(cands)
    kept: dict[tuple[str, str | None], _Cand] = {}
    for c in (win, *rest):  # one hint per (entity, part), with all the words that said so
        first = kept.setdefault((c.entity, c.part), c)
        if first is not c and not c.dead:
            first.positions |= c.positions
    return tuple(
        HeaderHint(
            c.entity,
            c.part,
            round(c.strength, 2),
            _language(c, words),
            " ".join(words[k] for k in sorted(c.positions)),
        )
        for c in kept.values()
    )


def header_hints(name: str) -> list[HeaderHint]:
    """Every entity the header may announce, best first (empty: it announces nothing)."""
    return list(_hints(name))


def header_hint(name: str) -> HeaderHint | None:
    """The entity a header announces, or None for meaningless headers (``col_7``)."""
    hints = _hints(name)
    return hints[0] if hints else None
