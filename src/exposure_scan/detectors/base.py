"""What a detector is: a declared shape, a pure validation hook, and how to show a value.

A detector is a small declarative class (the detect-secrets plugin style): ``entity``,
``pattern`` (RE2 syntax, so it runs vectorised in Arrow and linear-time per cell),
``validate`` (checksums, registries: a pure function of the matched text) and ``mask``.
The engine runs the pattern over whole Arrow string arrays; Python sees only candidate cells,
and each distinct candidate value is validated once.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..masking import mask_generic, mask_generic_many


@functools.cache
def compile_re2(pattern: str) -> Any:
    """A compiled RE2 pattern (linear time: a hostile cell cannot make a scan hang)."""
    import re2

    opts = re2.Options()
    opts.max_mem = 64 << 20
    return re2.compile(pattern, opts)


class Detector:
    """Base class of pattern detectors; subclasses set the class attributes and may override
    :meth:`validate`, :meth:`normalise` and :meth:`mask`."""

    entity: ClassVar[str]
    name: ClassVar[str]
    version: ClassVar[str] = "1"
    #: RE2 pattern of the candidate shape. Must not use look-around or back-references.
    pattern: ClassVar[str]
    #: A cheaper superset of ``pattern`` for the vectorised pass (defaults to ``pattern``).
    prefilter: ClassVar[str | None] = None
    #: Every cell the prefilter admits (and ``cell_veto`` keeps) is ``^\s*(?:pattern)\s*$``:
    #: its one match is then the cell without its surrounding blanks, and the whole-cell
    #: pass and the span search are skipped.
    prefilter_is_padded_pattern: ClassVar[bool] = False
    #: Confidence of a validated match; detection confidence, not severity.
    score: ClassVar[float] = 0.9
    #: Also run on integer/decimal columns (card numbers stored as numbers, for instance).
    numeric: ClassVar[bool] = False
    #: When not empty, run only on columns whose role names one of these entities (by header
    #: or by inference): a 3-digit number is a security code only in a CVV column.
    context: ClassVar[frozenset[str]] = frozenset()
    #: Run only where column inference, with value evidence, gave the column one of the
    #: ``context`` entities (a header alone is not enough: structured name/address cells).
    requires_role: ClassVar[bool] = False
    #: Header hints that rule this detector out for a column: a dotted quad in a ``version``
    #: column is a version, not an address. Only for entities whose shape proves little.
    vetoed_by: ClassVar[frozenset[str]] = frozenset()
    #: RE2 pattern for the text just before a match that rules it out in free text
    #: (``v1.2.3.4``, ``firmware 1.2.3.4``); matched against the 24 characters before it.
    veto_before: ClassVar[str | None] = None
    #: RE2 pattern of whole cells that can hold no valid match although the prefilter lets them
    #: through (ISO timestamps for phones): such cells skip the per-cell span search and are
    #: not counted as near misses. Anchor it (``^...$``) or make it a property of the whole
    #: cell (nine words); it must never drop a cell in which validation could accept a match.
    cell_veto: ClassVar[str | None] = None
    #: Validation depends on the record's country (``validate_in``/``normalise_in``), taken
    #: from a column announced as the country: national phone numbers.
    uses_region: ClassVar[bool] = False

    def validate(self, value: str) -> bool:
        """True when a shape match is the real thing (checksum, registry, ...)."""
        return True

    def normalise(self, value: str) -> str:
        """The canonical form hashed for linking and baselines (``4111 1111`` == ``41111111``)."""
        return value

    def validate_in(self, value: str, region: str | None) -> bool:
        """:meth:`validate` for a value of a record whose country is ``region`` (ISO 3166)."""
        return self.validate(value)

    def normalise_in(self, value: str, region: str | None) -> str:
        """:meth:`normalise` for a value of a record whose country is ``region``."""
        return self.normalise(value)

    def check(self, value: str, region: str | None = None) -> str | None:
        """The normal form of a valid match, None when it is not valid: one call where the
        engine needs both, so a costly parse (a phone number) runs once per distinct value."""
        if region is None:
            return self.normalise(value) if self.validate(value) else None
        return self.normalise_in(value, region) if self.validate_in(value, region) else None

    def check_many(self, values: pa.Array, regions: pa.Array | None) -> pa.Array | None:
        """:meth:`check` over a string array, vectorised: the normal form per value (null when
        invalid), ``regions`` giving each value's record country (null: none). ``None`` means
        not vectorised: the engine calls :meth:`check` per distinct value instead."""
        return None

    def mask(self, value: str) -> str:
        return mask_generic(value)

    def mask_many(self, values: pa.Array) -> pa.Array | None:
        """:meth:`mask` over a string array, vectorised; ``None``: the engine masks each
        distinct value with :meth:`mask`. Override both together, or neither."""
        if type(self).mask is Detector.mask:
            return mask_generic_many(values)
        return None

    @property
    def ident(self) -> str:
        return f"{self.name}@{self.version}"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "entity": self.entity}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.ident} -> {self.entity}>"


def applies(detector: Detector, role: Any, numeric: bool) -> bool:
    """Whether ``detector`` runs on a column with this role (``detectors.roles.ColumnRole``).

    The one rule shared by the engine and the positive controls: numeric columns get numeric
    detectors only; a context detector needs the column's role (by header, or by value evidence
    when ``requires_role``) to name its entity; a veto in the header rules a detector out.
    """
    if numeric and not detector.numeric:
        return False
    if role is None:
        return not detector.context
    if detector.context:
        have = {role.entity} if detector.requires_role else set(role.entities())
        if not detector.context & have:
            return False
    return not (role.hint is not None and role.hint.entity in detector.vetoed_by)


@dataclass
class Hits:
    """Validated matches of one detector in one array, plus near misses."""

    cell: np.ndarray  # index into the scanned array, one per match
    start: np.ndarray
    end: np.ndarray
    values: pa.Array | list[str]  # matched text per match (never leaves the worker unmasked)
    near_misses: int
    scores: np.ndarray | None = None  # per-match confidence (NER); None = the detector's score
    #: Per-match normal form (what is hashed), when validation computed it; None: the engine
    #: normalises each distinct value itself (NER matches).
    normals: pa.Array | None = None
    #: The cell of each near miss, when the finder knows them (pattern detectors): what
    #: lets a scan of distinct values count its near misses per cell.
    missed: np.ndarray | None = None
    #: When these matches are a distinct scan's copies: the representatives' matches and,
    #: per match here, its match there (masks and hashes are computed there, once a value).
    origin: tuple[Hits, np.ndarray] | None = None

    @classmethod
    def empty(cls) -> Hits:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, pa.array([], pa.string()), 0)


#: Arrays up to this length are matched in Python with a cached compiled RE2: pyarrow's regex
#: kernels compile their pattern on every call (~1 ms for the phone pattern), which is all
#: the cost on the tiny arrays of positive controls, small batches and list cells.
SMALL_ARRAY = 64
#: Seconds one value costs through the Python RE2 wrapper (measured: 2.6-8 us).
PYTHON_VALUE_COST = 4e-6


@functools.cache
def kernel_cost(pattern: str) -> float:
    """Seconds pyarrow's regex kernel takes on one value, which is its compiling ``pattern``
    (it does on every call): 17 us for ``@``, 3 ms for the Unicode name pattern. The best of
    three calls, once per process."""
    one = pa.array(["x"], pa.string())
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        try:
            pc.match_substring_regex(one, pattern)
        except pa.ArrowException:  # a pattern Arrow's RE2 options refuse: Python only
            return float("inf")
        best = min(best, time.perf_counter() - t)
    return best


def use_python_re2(n: int, pattern: str) -> bool:
    """Whether ``n`` values are matched faster one by one in Python (a cached compiled RE2)
    than by one Arrow call, whose cost on few values is compiling the pattern. Both give
    the same mask (the same RE2 semantics), so only speed depends on the choice: 50 values
    took 17-100 us in Arrow for most patterns and 130-400 us in Python, but 3 ms in Arrow
    for the Unicode name pattern."""
    return n * PYTHON_VALUE_COST < kernel_cost(pattern)


def regex_mask(arr: pa.Array, pattern: str) -> np.ndarray:
    """Whether each cell contains a match of ``pattern`` (null: False), as a numpy mask."""
    if use_python_re2(len(arr), pattern):
        try:
            texts = arr.to_pylist()
        except UnicodeDecodeError:  # invalid UTF-8 from a Parquet file: Arrow copes with it
            texts = None
        if texts is not None:
            rx = compile_re2(pattern)
            return np.array([v is not None and rx.search(v) is not None for v in texts], bool)
    mask = pc.fill_null(pc.match_substring_regex(arr, pattern), False)
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


_DIGITS = frozenset(range(48, 58))
_LETTERS = frozenset([*range(65, 91), *range(97, 123)])


@functools.cache
def min_digits(pattern: str) -> int:
    """How many ASCII digits every match of ``pattern`` holds at least (0 when unknown).

    A cell with fewer digits can hold no match, so no finding and no near miss: the engine
    skips such cells for that detector without running its regex (an e-mail column is not
    searched for card numbers cell by cell). Computed from the parsed pattern, never
    declared, so it cannot drift from it; patterns Python's parser does not read (RE2's
    ``\\p{L}``) give 0: no skipping."""
    return _least(pattern, _DIGITS)


@functools.cache
def min_letters(pattern: str) -> int:
    """How many ASCII letters every match of ``pattern`` holds at least (0 when unknown):
    the same screen for letters (a column of dates is not searched for tax codes). Under
    ``(?i)`` RE2 lets ``k`` match the Kelvin sign and ``s`` the long s: the engine counts
    every non-ASCII byte as a letter, so those cells are never skipped."""
    return _least(pattern, _LETTERS)


@functools.cache
def min_width(pattern: str) -> int:
    """How many characters every match of ``pattern`` holds at least (0 when unknown), so
    how many UTF-8 bytes: the third screen (a postcode is not searched for a VIN's 17
    characters). Python's parser measures it; RE2-only syntax gives 0, no screen."""
    import re._parser as sre

    try:
        least = int(sre.parse(pattern).getwidth()[0])
    except Exception:  # RE2-only syntax (``\p{L}``): no bound
        return 0
    return min(least, 1 << 30)


#: ASCII letters and digits: common in any text, so poor screens (digits and letters have
#: their own); punctuation and the lead bytes of rare symbols select.
_ALNUM = frozenset([*range(48, 58), *range(65, 91), *range(97, 123)])
_BLANKS = frozenset(b" \t\n\r\x0b\x0c")
#: A class screen is kept when its expected frequency per required byte is below this
#: (punctuation 0.05 a byte, letters and digits 1, non-ASCII 0.5).
SCREEN_SCORE_MAX = 1.0


@functools.cache
def class_screens(pattern: str) -> tuple[tuple[frozenset[int], int], ...]:
    """Up to two (byte class, least count) pairs that every match of ``pattern`` holds: an
    e-mail holds an ``@``, a masked card four of ``*xX#•``, an SSN two ``-``, an IP address
    two of ``.:_``. A cell with fewer such bytes holds no match, finding or near miss, so
    it is not searched (nor by the union gate). Classes are the pattern's own literals and
    bracket classes, plus the union of its punctuation, counted by ``_least``; non-ASCII
    characters count by their UTF-8 lead byte. Under ``(?i)`` classes with letters are
    dropped (RE2 folds ``k`` to the Kelvin sign). Empty for RE2-only syntax."""
    import re
    import re._parser as sre

    try:
        parsed = sre.parse(pattern)
    except Exception:  # RE2-only syntax: no screen
        return ()
    folded = bool(parsed.state.flags & re.IGNORECASE) or "(?i" in pattern
    found: set[frozenset[int]] = set()
    _char_sets(parsed, found)
    punct = frozenset(x for cls in found for x in cls if x < 128 and x not in _ALNUM)
    if punct - _BLANKS:
        found.add(punct - _BLANKS)
    ranked = []
    for cls in found:
        if not cls or len(cls) > 8 or cls & _BLANKS:
            continue
        if folded and any(x >= 128 or (x in _ALNUM and x > 57) for x in cls):
            continue
        least = _least(pattern, cls)
        if least < 1:
            continue
        weight = sum(1.0 if x in _ALNUM else 0.5 if x >= 128 else 0.05 for x in cls)
        if weight / least < SCREEN_SCORE_MAX:
            ranked.append((weight / least, sorted(cls), cls, least))
    ranked.sort()
    return tuple((_lead_bytes(cls), least) for _, _, cls, least in ranked[:2])


def _lead_bytes(chars: frozenset[int]) -> frozenset[int]:
    """The bytes that count a character of ``chars`` once each: ASCII as itself, any other
    by the first byte of its UTF-8 form."""
    return frozenset(c if c < 128 else chr(c).encode("utf-8")[0] for c in chars)


def _char_sets(items: Any, out: set[frozenset[int]]) -> None:
    """Every literal and bracket class (of literals and ranges only) in a parsed pattern."""
    import re._constants as c

    for op, av in items:
        if op is c.LITERAL:
            out.add(frozenset([av]))
        elif op is c.IN:
            if all(kind in (c.LITERAL, c.RANGE) for kind, _ in av):
                members: set[int] = set()
                for kind, arg in av:
                    if kind is c.LITERAL:
                        members.add(arg)
                    else:
                        members.update(range(arg[0], arg[1] + 1))
                out.add(frozenset(members))
        elif op is c.SUBPATTERN:
            _char_sets(av[-1], out)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            _char_sets(av[2], out)
        elif op is c.BRANCH:
            for branch in av[1]:
                _char_sets(branch, out)
        elif op is c.ATOMIC_GROUP:
            _char_sets(av, out)


@functools.cache
def run_alphabet(pattern: str) -> frozenset[int] | None:
    """The bytes every character of every match of ``pattern`` is made of, when the pattern
    uses only ASCII literals, ranges and ``\\d`` (anchors and ``\\b`` take no character):
    a match then lies inside one run of such bytes, so a text whose runs are all shorter
    than :func:`min_width` or hold fewer digits than :func:`min_digits` holds none (what
    :mod:`.timestamps` proves over every timestamp shape: their digits come in runs of at
    most 10, too few for a card). Under ``(?i)`` both cases of each letter count, and so
    does every non-ASCII byte (RE2 folds ``k`` to the Kelvin sign). None when some
    character is outside such a set (``.``, ``\\w``, ``[^...]``, non-ASCII) or Python
    cannot parse the pattern."""
    import re
    import re._constants as c
    import re._parser as sre

    try:
        parsed = sre.parse(pattern)
    except Exception:
        return None
    out: set[int] = set()

    def walk(items: Any) -> bool:
        for op, av in items:
            if op is c.LITERAL:
                out.add(av)
            elif op is c.IN:
                for kind, arg in av:
                    if kind is c.LITERAL:
                        out.add(arg)
                    elif kind is c.RANGE:
                        out.update(range(arg[0], arg[1] + 1))
                    elif kind is c.CATEGORY and arg is c.CATEGORY_DIGIT:
                        out.update(range(48, 58))  # RE2's \d is [0-9]
                    else:
                        return False  # a negated class, \w, \s...
            elif op is c.AT:
                continue
            elif op is c.SUBPATTERN:
                if not walk(av[-1]):
                    return False
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                if not walk(av[2]):
                    return False
            elif op is c.BRANCH:
                if not all(walk(b) for b in av[1]):
                    return False
            else:
                return False
        return True

    if not walk(parsed) or any(x >= 128 for x in out):
        return None
    if parsed.state.flags & re.IGNORECASE or "(?i" in pattern:
        letters = {x for x in out if chr(x).isalpha()}
        out |= {ord(chr(x).swapcase()) for x in letters}
        if letters:
            out |= set(range(128, 256))
    return frozenset(out)


@functools.cache
def branch_bounds(pattern: str) -> tuple[tuple[int, int, int], ...]:
    """(ASCII digits, letters, characters) that every match of each top-level alternative
    of ``pattern`` holds at least, the alternation taken inside ``\\b`` and one group: a
    cell that meets no alternative's three bounds holds no match. Sharper than the bounds of
    the whole pattern, which are the weakest alternative's: a crypto wallet is 26+
    characters, or ``bc1`` and 8 more, or ``0x`` and 40 hex digits, so a 16-digit order
    number meets none. () when the pattern is no such alternation or Python cannot parse it."""
    import re._constants as c
    import re._parser as sre

    try:
        items = list(sre.parse(pattern))
        while items and items[0][0] is c.AT:
            items = items[1:]
        while items and items[-1][0] is c.AT:
            items = items[:-1]
        if len(items) == 1 and items[0][0] is c.SUBPATTERN:
            items = list(items[0][1][-1])
        if len(items) != 1 or items[0][0] is not c.BRANCH:
            return ()
        return tuple(
            (_least_items(b, _DIGITS), _least_items(b, _LETTERS), int(b.getwidth()[0]))
            for b in items[0][1][1]
        )
    except Exception:
        return ()


def _least(pattern: str, wanted: frozenset[int]) -> int:
    """The fewest characters from ``wanted`` (code points) any match of ``pattern`` holds."""
    import re._parser as sre

    try:
        return _least_items(sre.parse(pattern), wanted)
    except Exception:  # RE2-only syntax: no bound
        return 0


def _least_items(items: Any, wanted: frozenset[int]) -> int:
    """:func:`_least` of a parsed pattern."""
    import re._constants as c

    def in_class(items: Any) -> bool:
        for op, av in items:
            if op is c.LITERAL and av in wanted:
                continue
            if op is c.RANGE and all(x in wanted for x in range(av[0], av[1] + 1)):
                continue
            if op is c.CATEGORY and av is c.CATEGORY_DIGIT and wanted is _DIGITS:
                continue  # RE2's \d is [0-9]
            return False
        return bool(items)

    def least(items: Any) -> int:
        total = 0
        for op, av in items:
            if op is c.LITERAL:
                total += av in wanted
            elif op is c.IN:
                total += in_class(av)
            elif op is c.SUBPATTERN:
                total += least(av[-1])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                total += av[0] * least(av[2])
            elif op is c.BRANCH:
                total += min(least(b) for b in av[1])
            elif op is c.ATOMIC_GROUP:
                total += least(av)
        return total

    return least(items)


def candidate_cells(detector: Detector, arr: pa.Array) -> np.ndarray:
    """Indices of the cells that may hold a match: one vectorised RE2 pass in Arrow (two
    when the detector vetoes whole cells)."""
    idx = np.flatnonzero(regex_mask(arr, detector.prefilter or detector.pattern))
    if detector.cell_veto is None or idx.size == 0:
        return idx
    kept: np.ndarray = idx[~regex_mask(arr.take(pa.array(idx)), detector.cell_veto)]
    return kept


#: What a column's cache maps a matched value (``value``, or ``value\x1fregion`` when the
#: detector validates per record country) to: its normal form, or None when it is not valid.
CheckCache = dict[str, "str | None"]


def check_distinct(
    detector: Detector, values: pa.Array, regions: pa.Array | None, cache: CheckCache
) -> pa.Array:
    """Normal form per value (null where invalid), checking each distinct (value, region)
    once: vectorised through :meth:`Detector.check_many` when the detector has it."""
    keys = values
    if regions is not None:
        keys = pc.binary_join_element_wise(values, pc.fill_null(regions, ""), "\x1f")
    enc = pc.dictionary_encode(keys)
    if len(enc.dictionary) > SMALL_ARRAY and getattr(detector, "check_many", None) is not None:
        # Vectorised: the distinct keys go to Arrow without a trip through Python objects
        # and the cache (columns of unique e-mails and phones would only churn it).
        codes = enc.indices.to_numpy(zero_copy_only=False)
        first = np.empty(len(enc.dictionary), dtype=np.int64)
        first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
        firsts = pa.array(first)
        regs = None
        if regions is not None:  # as the cache path reads them: an empty region is none
            regs = regions.take(firsts)
            regs = pc.if_else(pc.equal(regs, ""), pa.scalar(None, pa.string()), regs)
        many = detector.check_many(values.take(firsts), regs)
        if many is not None:
            return many.take(enc.indices)
    uniq: list[str] = enc.dictionary.to_pylist()
    todo = [k for k in uniq if k not in cache]
    if todo:
        _check_into(detector, todo, regions is not None, cache)
    normals = pa.array([cache[k] for k in uniq], pa.string())
    return normals.take(enc.indices)


def _check_into(detector: Detector, keys: list[str], regional: bool, cache: CheckCache) -> None:
    if regional:
        split = [k.rpartition("\x1f") for k in keys]
        vals = [v for v, _, _ in split]
        regs: list[str | None] = [r or None for _, _, r in split]
    else:
        vals, regs = keys, [None] * len(keys)
    check_many = getattr(detector, "check_many", None)  # duck-typed detectors may lack it
    many = None
    if check_many is not None:
        many = check_many(
            pa.array(vals, pa.string()), pa.array(regs, pa.string()) if regional else None
        )
    if many is not None:
        cache.update(zip(keys, many.to_pylist(), strict=True))
        return
    check = getattr(detector, "check", None) or functools.partial(Detector.check, detector)
    for key, value, region in zip(keys, vals, regs, strict=True):
        cache[key] = check(value, region)


#: The characters of RE2's ``\s`` (Python's and Arrow's whitespace sets are larger).
_RE2_SPACE = "\t\n\f\r "
#: RE2's word characters: its ``\b`` is ASCII-only.
_WORD_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")


@functools.cache
def word_bounded(pattern: str) -> bool:
    """Whether every match of ``pattern`` starts and ends at a word boundary (``\\b...\\b``
    around the whole pattern, not around one alternative). In a cell of word characters
    only (an order number, a code) the only boundaries are the cell's ends, so such a
    pattern matches there as the whole cell or not at all: when the whole-cell test fails,
    the per-cell span search has nothing to find. RE2-only syntax: False."""
    import re._constants as src
    import re._parser as sre

    try:
        parsed = list(sre.parse(pattern))
    except Exception:
        return False
    boundary = (src.AT, src.AT_BOUNDARY)
    bounded = len(parsed) >= 2 and parsed[0] == boundary and parsed[-1] == boundary
    return bounded and min_width(pattern) > 0  # an empty match sits at either end


def _word_only(arr: pa.Array) -> np.ndarray:
    """Cells made only of RE2 word characters (an empty cell counts as none)."""
    from . import bytewise

    counts = bytewise.byte_class_counts(arr, [_WORD_BYTES])
    if counts is None:
        return np.zeros(len(arr), dtype=bool)
    size = pc.binary_length(arr).to_numpy(zero_copy_only=False)
    result: np.ndarray = (counts[:, 0] == size) & (size > 0)
    return result


def find(
    detector: Detector,
    arr: pa.Array,
    cache: CheckCache | None = None,
    regions: np.ndarray | None = None,
) -> Hits:
    """Run ``detector`` over a string array: vectorised prefilter, then validation.

    Cells that are entirely one match (the common case in tables: an email column) stay in
    Arrow: spans are the whole cell and each distinct value is checked once. Other candidate
    cells (free text, several values in a cell) get per-cell spans from RE2. ``cache`` maps a
    matched value to its normal form (None: invalid) across the batches of a column;
    ``regions`` (one ISO country per cell) is used by detectors whose validity depends on it.
    """
    idx = candidate_cells(detector, arr)
    if idx.size == 0:
        return Hits.empty()
    if cache is None:
        cache = {}
    cand = arr.take(pa.array(idx))
    if pa.types.is_large_string(cand.type):  # one string type for every kernel below
        cand = cand.cast(pa.string())
    cand_regions = None
    if regions is not None and detector.uses_region:
        cand_regions = pa.array(regions[idx], pa.string())
    starts: np.ndarray | None = None  # where each whole-cell match starts (None: at 0)
    if detector.prefilter_is_padded_pattern:
        # Every candidate is ``^\s*(?:pattern)\s*$``: its match is the cell without its
        # blanks (what RE2 finds in it: tested), no span search needed.
        whole_np = np.ones(len(cand), dtype=bool)
        blanks = pc.subtract(pc.utf8_length(cand), pc.utf8_length(pc.utf8_ltrim(cand, _RE2_SPACE)))
        starts = blanks.to_numpy(zero_copy_only=False).astype(np.int64)
        cand = pc.utf8_trim(cand, _RE2_SPACE)
    else:
        whole_np = regex_mask(cand, f"^(?:{detector.pattern})$")
    # Matches: whole cells (spans known) plus RE2's spans in the other cells; then one
    # check over all of them, each distinct (value, record country) once: one call of a
    # costly vectorised check (phones: ~17 ms fixed) per column and batch, not two.
    cells = idx[whole_np]
    begin = np.zeros(cells.size, dtype=np.int64) if starts is None else starts[whole_np]
    whole = pa.array(whole_np)
    values = cand.filter(whole)
    end = begin + pc.utf8_length(values).to_numpy(zero_copy_only=False).astype(np.int64)
    match_regions = None if cand_regions is None else cand_regions.filter(whole)
    rest_np = ~whole_np
    if rest_np.any() and word_bounded(detector.pattern):
        rest_np[rest_np] = ~_word_only(cand.filter(pa.array(rest_np)))
    if rest_np.any():
        rest = pa.array(rest_np)
        s_cells, s_begin, s_end, s_values, s_regions = _span_matches(
            detector,
            idx[rest_np],
            cand.filter(rest),
            None if cand_regions is None else cand_regions.filter(rest),
        )
        cells = np.concatenate([cells, s_cells])
        begin = np.concatenate([begin, s_begin])
        end = np.concatenate([end, s_end])
        values = pa.concat_arrays([values, s_values])
        if match_regions is not None and s_regions is not None:
            match_regions = pa.concat_arrays([match_regions, s_regions])
    if len(values) == 0:
        return Hits.empty()
    normals = check_distinct(detector, values, match_regions, cache)
    valid = normals.is_valid()
    ok = np.asarray(valid.to_numpy(zero_copy_only=False), dtype=bool)
    return Hits(
        cells[ok],
        begin[ok],
        end[ok],
        values.filter(valid),
        int((~ok).sum()),
        normals=normals.filter(valid),
        missed=cells[~ok],
    )


def _span_matches(
    detector: Detector,
    idx: np.ndarray,
    cand: pa.Array,
    regions: pa.Array | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pa.Array, pa.Array | None]:
    """Per-cell spans from RE2 (each distinct cell text searched once): the cell, start,
    end, matched text and record country of every match, in cell order."""
    rx = compile_re2(detector.pattern)
    veto = compile_re2(detector.veto_before + "$") if detector.veto_before else None
    region_of = regions.to_pylist() if regions is not None else [None] * len(idx)
    spans_of: dict[tuple[str, Any], list[tuple[int, int, str]]] = {}
    cells: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    values: list[str] = []
    match_regions: list[str | None] = []
    for i, text, region in zip(idx.tolist(), cand.to_pylist(), region_of, strict=True):
        spans = spans_of.get((text, region))
        if spans is None:
            spans = []
            for m in rx.finditer(text):
                if veto is not None and veto.search(text[max(0, m.start() - 24) : m.start()]):
                    continue
                spans.append((m.start(), m.end(), m.group()))
            spans_of[(text, region)] = spans
        for s, e, v in spans:
            cells.append(i)
            starts.append(s)
            ends.append(e)
            values.append(v)
            match_regions.append(region)
    return (
        np.asarray(cells, dtype=np.int64),
        np.asarray(starts, dtype=np.int64),
        np.asarray(ends, dtype=np.int64),
        pa.array(values, pa.string()),
        None if regions is None else pa.array(match_regions, pa.string()),
    )


def iter_subclasses(cls: type[Detector]) -> Iterator[type[Detector]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from iter_subclasses(sub)
