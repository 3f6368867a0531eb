"""Phone validation over whole Arrow arrays, equivalent to :func:`phone.parse_phone` per value.

libphonenumber costs ~40 µs a value and a customer table has one distinct phone per row, so
phones dominated scan time. Its decisions are data, though: per-region national number
patterns and lengths per number type, trunk prefixes and country codes. This module compiles
that metadata (``phonenumbers.PhoneMetadata``) into RE2 patterns run by ``pyarrow.compute``
over the whole array, in libphonenumber's own order of number types.

Equivalence is the contract, so what is not reproduced exactly goes to the per-value path for
just those values (the fallback mask): characters outside digits, spaces and ``()-./+``;
international numbers whose national part starts with the trunk prefix (libphonenumber may
strip it: ``+44 (0)20 ...``); a grouped national number that several regions accept with
different meanings (the written grouping decides, through libphonenumber's formatting
rules); regions whose patterns RE2 cannot compile.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import PhoneNumberType
from phonenumbers.phonenumberutil import _FIRST_GROUP_PATTERN

from . import bytewise, checksums
from .phone import (
    _MAX_DIGITS,
    _MIN_DIGITS,
    _MOBILE,
    _PERSONAL,
    PhoneDetector,
    _region_plan,
    _valid,
    e164,
)

_UNKNOWN = PhoneNumberType.UNKNOWN
_FIXED = PhoneNumberType.FIXED_LINE
_MOBILE_T = PhoneNumberType.MOBILE
_FIXED_OR_MOBILE = PhoneNumberType.FIXED_LINE_OR_MOBILE
_SPECIAL_TYPES = (
    ("premium_rate", PhoneNumberType.PREMIUM_RATE),
    ("toll_free", PhoneNumberType.TOLL_FREE),
    ("shared_cost", PhoneNumberType.SHARED_COST),
    ("voip", PhoneNumberType.VOIP),
    ("personal_number", PhoneNumberType.PERSONAL_NUMBER),
    ("pager", PhoneNumberType.PAGER),
    ("uan", PhoneNumberType.UAN),
    ("voicemail", PhoneNumberType.VOICEMAIL),
)
_PERSONAL_CODES = np.array(sorted(int(t) for t in _PERSONAL))
_MOBILE_CODES = np.array(sorted(int(t) for t in _MOBILE))

# parse_phone's refusals, in RE2 (no look-around, no back-references), on the stripped value.
# As byte classes, counted per value in one pass: a value is decidable when every byte is in
# the first class (so it is ASCII), refused when it holds any byte of the second (letters,
# times, decimal commas: refused whatever else holds); digits and parentheses are counted too.
_DECIDABLE_BYTES = frozenset(b"0123456789 ()-./+")
_REFUSED_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:,")
# Then '.' (amounts, decimals and dotted quads hold one) and '-/.' (a date holds two).
_CLASSES = [
    _DECIDABLE_BYTES,
    _REFUSED_BYTES,
    frozenset(b"0123456789"),
    frozenset(b"("),
    frozenset(b")"),
    frozenset(b"."),
    frozenset(b"-/."),
]
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_DATE = (
    r"(?:^|[^0-9])(?:(?:19|20)[0-9]{2}[-/.](?:0?[1-9]|1[0-2])[-/.]" + _DAY + r"|"
    + _DAY + r"[-/.]" + _DAY + r"[-/.](?:19|20)[0-9]{2})(?:[^0-9]|$)"
)  # fmt: skip
_AMOUNT = r"^[0-9]{1,3}(?: [0-9]{3}(?: [0-9]{3})*|\.[0-9]{3}(?:\.[0-9]{3})*)\.[0-9]{1,2}$"
_NUMERIC = r"^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9]+\.[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+)$"
_TRUNK_FIRST = r"^0[1-9][0-9]*\."
_PADDED_QUAD = r"^[0-9]{3}(?:\.[0-9]{3}){3}$"
_INTERNATIONAL = r"^\(*\+"
_ONE_PLUS = r"^\(*\+[0-9 ()\-./]*$"

_COUNTRY_CODES = {str(cc) for cc in phonenumbers.COUNTRY_CODE_TO_REGION_CODE}


class _Unsupported(Exception):
    """A plan whose patterns RE2 cannot run: its values take the per-value path."""


def _re(arr: pa.Array, pattern: str) -> np.ndarray:
    """Boolean numpy mask of an RE2 search over a string array without nulls."""
    if len(arr) == 0:
        return np.zeros(0, dtype=bool)
    mask = pc.match_substring_regex(arr, pattern)
    result: np.ndarray = mask.to_numpy(zero_copy_only=False).astype(bool)
    return result


def _lengths(arr: pa.Array) -> np.ndarray:
    """Lengths of digit strings (national numbers, digit runs): ASCII, so their byte lengths,
    read from the offsets (``utf8_length`` would decode every byte)."""
    result: np.ndarray = pc.binary_length(arr).to_numpy(zero_copy_only=False).astype(np.int64)
    return result


def _missing(results: np.ndarray) -> np.ndarray:
    missing: np.ndarray = np.equal(results, None)  # type: ignore[call-overload]
    return missing


def _strings(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.to_pylist(), dtype=object)


@dataclass(frozen=True)
class _Desc:
    """A ``PhoneNumberDesc`` as ``_is_number_matching_desc`` reads it: no pattern never
    matches; no possible lengths means no length check."""

    regex: str | None
    lengths: frozenset[int] | None

    def match(self, arr: pa.Array, lengths: np.ndarray) -> np.ndarray:
        out = np.zeros(len(arr), dtype=bool)
        if self.regex is None:
            return out
        ok = np.ones(len(arr), dtype=bool)
        if self.lengths is not None:
            ok = np.isin(lengths, list(self.lengths))
        idx = np.flatnonzero(ok)
        if idx.size:
            out[idx] = _re(arr.take(pa.array(idx)), self.regex)
        return out


def _desc(desc: phonenumbers.PhoneNumberDesc | None) -> _Desc:
    if desc is None or not desc.national_number_pattern:
        return _Desc(None, None)
    lengths = frozenset(desc.possible_length) if len(desc.possible_length) > 0 else None
    return _Desc(f"^(?:{desc.national_number_pattern})$", lengths)


@dataclass(frozen=True)
class _Meta:
    """One region's (or non-geographic code's) metadata, compiled for RE2."""

    general: _Desc
    special: tuple[tuple[int, _Desc], ...]
    special_any: str | None  # a superset of the special types: most numbers skip them all
    fixed: _Desc
    mobile: _Desc
    same_fixed_mobile: bool
    leading_digits: str | None
    national_prefix_for_parsing: str | None

    def types(self, nsn: pa.Array) -> np.ndarray:
        """``_number_type_helper`` per national significant number."""
        out = np.full(len(nsn), int(_UNKNOWN), dtype=np.int64)
        lengths = _lengths(nsn)
        idx = np.flatnonzero(self.general.match(nsn, lengths))
        if idx.size == 0:
            return out
        sub, sub_len = nsn.take(pa.array(idx)), lengths[idx]
        decided = np.zeros(idx.size, dtype=bool)
        if self.special_any is not None:
            cand = np.flatnonzero(_re(sub, self.special_any))
            if cand.size:
                csub, clen = sub.take(pa.array(cand)), sub_len[cand]
                for kind, desc in self.special:
                    hit = desc.match(csub, clen) & ~decided[cand]
                    out[idx[cand[hit]]] = int(kind)
                    decided[cand[hit]] = True
        fixed = self.fixed.match(sub, sub_len)
        if self.same_fixed_mobile:
            kinds = np.where(fixed, int(_FIXED_OR_MOBILE), int(_UNKNOWN))
        else:
            mobile = self.mobile.match(sub, sub_len)
            kinds = np.where(
                fixed,
                np.where(mobile, int(_FIXED_OR_MOBILE), int(_FIXED)),
                np.where(mobile, int(_MOBILE_T), int(_UNKNOWN)),
            )
        out[idx[~decided]] = kinds[~decided]
        return out


def _compiles(pattern: str) -> bool:
    try:
        pc.match_substring_regex(pa.array(["0"]), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


@functools.cache
def _meta(region: str, cc: int) -> _Meta | None:
    """Compiled metadata of ``region`` (``001``: the non-geographic code ``cc``); None when the
    library has none; raises :class:`_Unsupported` when RE2 cannot run a pattern."""
    if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY:
        meta = phonenumbers.PhoneMetadata.metadata_for_nongeo_region(cc, None)
    else:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    if meta is None:
        return None
    special = tuple((kind, _desc(getattr(meta, name))) for name, kind in _SPECIAL_TYPES)
    any_regex = [d.regex[1:-1] for _, d in special if d.regex is not None]
    npfp = meta.national_prefix_for_parsing or None
    compiled = _Meta(
        general=_desc(meta.general_desc),
        special=special,
        special_any=f"^(?:{'|'.join(any_regex)})$" if any_regex else None,
        fixed=_desc(meta.fixed_line),
        mobile=_desc(meta.mobile),
        same_fixed_mobile=bool(meta.same_mobile_and_fixed_line_pattern),
        leading_digits=f"^(?:{meta.leading_digits})" if meta.leading_digits else None,
        national_prefix_for_parsing=f"^(?:{npfp})" if npfp else None,
    )
    patterns = [compiled.general.regex, compiled.special_any, compiled.fixed.regex]
    patterns += [compiled.mobile.regex, compiled.leading_digits]
    patterns += [compiled.national_prefix_for_parsing]
    patterns += [d.regex for _, d in special]
    if not all(_compiles(p) for p in patterns if p is not None):
        raise _Unsupported(region)
    return compiled


@functools.cache
def _formats(cc: int) -> tuple[tuple[str | None, str, str, str], ...]:
    """The national formats ``format_number(..., NATIONAL)`` chooses among for code ``cc``:
    (leading digits, full pattern, pattern, rewrite with the trunk prefix folded in)."""
    region = phonenumbers.region_code_for_country_code(cc)
    meta = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(cc, region.upper())
    if meta is None:
        raise _Unsupported(str(cc))
    out: list[tuple[str | None, str, str, str]] = []
    for fmt in meta.number_format:
        rule, pattern = str(fmt.format), str(fmt.pattern)
        if fmt.national_prefix_formatting_rule:
            rule = re.sub(_FIRST_GROUP_PATTERN, fmt.national_prefix_formatting_rule, rule, count=1)
        if re.search(r"\\[^1-9]|\\$", rule):
            raise _Unsupported(str(cc))  # only group references and literals translate to RE2
        lead = fmt.leading_digits_pattern
        ld = f"^(?:{lead[-1]})" if len(lead) > 0 else None
        out.append((ld, f"^(?:{pattern})$", pattern, rule))
        if not all(_compiles(p) for p in (ld, out[-1][1]) if p is not None):
            raise _Unsupported(str(cc))
    return tuple(out)


def _national_format(cc: int, nsn: pa.Array) -> pa.Array:
    """``format_number(number, NATIONAL)`` of numbers with country code ``cc``."""
    pending = np.arange(len(nsn))
    parts: list[pa.Array] = []
    rows: list[np.ndarray] = []
    for ld, full, pattern, rule in _formats(cc):
        if pending.size == 0:
            break
        sub = nsn.take(pa.array(pending))
        fits = _re(sub, full)
        if ld is not None:
            fits &= _re(sub, ld)
        if fits.any():
            chosen = sub.filter(pa.array(fits))
            parts.append(pc.replace_substring_regex(chosen, pattern=pattern, replacement=rule))
            rows.append(pending[fits])
            pending = pending[~fits]
    parts.append(nsn.take(pa.array(pending)))
    rows.append(pending)
    order = np.argsort(np.concatenate(rows), kind="stable")
    return pa.concat_arrays([a.cast(pa.string()) for a in parts]).take(pa.array(order))


def _shape(arr: pa.Array) -> pa.Array:
    """Digit-group lengths as text (``06 12 34`` -> ``dd dd dd``): equal shapes, equal
    ``phone._groups``."""
    groups = pc.replace_substring_regex(arr, "[^0-9]+", " ")
    return pc.replace_substring_regex(pc.utf8_trim(groups, " "), "[0-9]", "d")


def _number_types(cc: int, nsn: pa.Array) -> np.ndarray:
    """``number_type`` of numbers with country code ``cc``: the type in the region
    ``region_code_for_number`` picks (UNKNOWN when none), so ``!= UNKNOWN`` is
    ``is_valid_number``."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc)
    out = np.full(len(nsn), int(_UNKNOWN), dtype=np.int64)
    if not regions or len(nsn) == 0:
        return out
    if len(regions) == 1:
        meta = _meta(regions[0], cc)
        return out if meta is None else meta.types(nsn)
    pending = np.arange(len(nsn))
    for region in regions:
        meta = _meta(region.upper(), cc)
        if meta is None or pending.size == 0:
            continue
        sub = nsn.take(pa.array(pending))
        if meta.leading_digits is not None:
            hit = _re(sub, meta.leading_digits)
            out[pending[hit]] = meta.types(sub.filter(pa.array(hit)))
        else:
            kinds = meta.types(sub)
            hit = kinds != int(_UNKNOWN)
            out[pending[hit]] = kinds[hit]
        pending = pending[~hit]
    return out


def _nsn_ok(nsn: pa.Array, region: str) -> np.ndarray:
    """``phone._nsn_ok``: the cheap general-plan check of ``parse_phone`` (empty lengths
    never pass, unlike libphonenumber's own check)."""
    plan = _region_plan(region)
    assert plan is not None
    ok = np.isin(_lengths(nsn), list(plan[2]))
    idx = np.flatnonzero(ok)
    out = np.zeros(len(nsn), dtype=bool)
    if idx.size:
        out[idx] = _re(nsn.take(pa.array(idx)), f"^(?:{plan[3].pattern})$")
    return out


def _plausible(kinds: np.ndarray, n_digits: np.ndarray) -> np.ndarray:
    """``phone._plausible_without_plus``: a subscriber line, a mobile from 13 digits on."""
    codes = np.where(n_digits >= 13, 0, 1)
    personal = np.isin(kinds, _PERSONAL_CODES)
    mobile = np.isin(kinds, _MOBILE_CODES)
    result: np.ndarray = np.where(codes == 1, personal, mobile)
    return result


def _slice(arr: pa.Array, start: int) -> pa.Array:
    return pc.utf8_slice_codeunits(arr, start=start)


def _few(n: int, cc: int) -> bool:
    """Whether ``n`` international numbers of country code ``cc`` cost less value by value.
    The Arrow route costs a fixed 1-4 ms per call and region of the code (NANP's 25 regions:
    ~16 ms), whatever the number of values; a parse costs 10-40 us. A column of order numbers
    has a few ``00``-led values per batch spread over ~200 codes, which made this route ~60 us
    a value (measured on 2 cores in session 8)."""
    return n < 48 + 16 * len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc, ()))


class _Values:
    """The per-value facts ``parse_phone`` decides on, computed once for the whole array.
    ``small_groups``: a country code's few values take the per-value path (off in tests that
    compare the two paths, so that the Arrow route meets every form)."""

    def __init__(self, values: pa.Array, small_groups: bool = True) -> None:
        values = values.cast(pa.string()) if values.type != pa.string() else values
        n = len(values)
        self.n = n
        self.small_groups = small_groups
        self.one_by_one = 0  # values decided by libphonenumber here, not in Arrow
        self.result = np.full(n, None, dtype=object)
        self.fallback = np.zeros(n, dtype=bool)
        self.national = np.zeros(n, dtype=bool)  # still to decide per regions
        valid = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        filled = pc.fill_null(values, "")
        counts = bytewise.byte_class_counts(filled, _CLASSES)
        assert counts is not None  # a string array
        size = pc.binary_length(filled).to_numpy(zero_copy_only=False)
        refused = counts[:, 1] > 0
        # the blanks trimmed below are in the decidable class: the same answer before or after
        decidable = (counts[:, 0] == size) & ~refused & valid
        stripped = pc.utf8_trim(filled, " ")
        self.s = stripped
        self.digits = bytewise.keep_digits(stripped)
        self.nd: np.ndarray = counts[:, 2].astype(np.int64)
        self.groups = bytewise.digit_runs(stripped)
        in_range = (self.nd >= _MIN_DIGITS) & (self.nd <= _MAX_DIGITS + 2)
        self.fallback = valid & ~refused & ~decidable & in_range
        work = decidable & in_range
        idx = np.flatnonzero(work)
        if idx.size == 0:
            return
        s = stripped.take(pa.array(idx))
        something_else = counts[idx, 3] != counts[idx, 4]
        # the shapes below need a '.' (amounts, decimals, dotted quads) or two of '-/.' (dates):
        # a bare digit run (order numbers, barcodes) or a spaced phone skips their RE2 passes
        dated = np.flatnonzero(counts[idx, 6] >= 2)
        if dated.size:
            something_else[dated] |= _re(s.take(pa.array(dated)), _DATE)
        dotted = np.flatnonzero(counts[idx, 5] >= 1)
        if dotted.size:
            sd = s.take(pa.array(dotted))
            odd = _re(sd, _AMOUNT)
            numeric = np.flatnonzero(_re(sd, _NUMERIC))
            if numeric.size:
                sn = sd.take(pa.array(numeric))
                odd[numeric] |= ~_re(sn, _TRUNK_FIRST) | _re(sn, _PADDED_QUAD)
            something_else[dotted] |= odd
        intl = _re(s, _INTERNATIONAL)
        long_rows = np.flatnonzero(~intl & (self.nd[idx] >= 13) & ~something_else)
        if long_rows.size:  # Luhn in numpy first: nine in ten long numbers fail it
            long_arr = self.digits.take(pa.array(idx[long_rows]))
            luhn = np.flatnonzero(checksums.luhn_mask(long_arr))
            # Digits only and Luhn-valid already: is_card_number is the brand and length rule.
            cards = checksums.card_brand_mask(long_arr.take(pa.array(luhn)))
            something_else[long_rows[luhn[cards]]] = True
        keep = ~something_else
        idx, s, intl = idx[keep], s.filter(pa.array(keep)), intl[keep]
        # international: parsed as written (one '+' only, else the per-value path)
        i_rows = idx[intl]
        one_plus = _re(s.filter(pa.array(intl)), _ONE_PLUS)
        self.fallback[i_rows[~one_plus]] = True
        i_rows = i_rows[one_plus]
        i_rows = i_rows[self.nd[i_rows] <= _MAX_DIGITS]
        self._international(i_rows, self.digits.take(pa.array(i_rows)))
        # national forms: bare EAN-13 first, then an IDD '00', then per region
        n_rows, n_s = idx[~intl], s.filter(pa.array(~intl))
        n_digits = self.digits.take(pa.array(n_rows))
        bare = np.flatnonzero(
            (self.nd[n_rows] == 13) & pc.equal(n_s, n_digits).to_numpy(zero_copy_only=False)
        )
        if bare.size:
            barcode = checksums.ean13_mask(n_digits.take(pa.array(bare)))
            keep = np.ones(n_rows.size, dtype=bool)
            keep[bare[barcode]] = False
            n_rows, n_digits = n_rows[keep], n_digits.filter(pa.array(keep))
        idd = _re(n_digits, "^00[1-9]")
        d_rows = n_rows[idd]
        rest_len = self.nd[d_rows] - 2
        fits = (rest_len >= _MIN_DIGITS) & (rest_len <= _MAX_DIGITS)
        d_digits = _slice(n_digits.filter(pa.array(idd)), 2)
        self._international(d_rows[fits], d_digits.filter(pa.array(fits)))
        n_rows = n_rows[~idd]
        self.national[n_rows[self.nd[n_rows] <= _MAX_DIGITS]] = True

    def _international(self, rows: np.ndarray, digits: pa.Array) -> None:
        """``phone._valid("+" + digits)``: country code, then validity in its regions."""
        if rows.size == 0:
            return
        cc_len = np.zeros(rows.size, dtype=np.int64)
        for k in (3, 2, 1):  # the shortest known code wins, as in _extract_country_code
            head = pc.utf8_slice_codeunits(digits, 0, k)
            known = pc.is_in(head, value_set=pa.array(sorted(_COUNTRY_CODES)))
            cc_len = np.where(known.to_numpy(zero_copy_only=False), k, cc_len)
        cc_len[_re(digits, "^0")] = 0
        total = _lengths(digits)
        for k in (1, 2, 3):
            sel = np.flatnonzero((cc_len == k) & (total - k >= 2))
            if sel.size == 0:
                continue
            sub = digits.take(pa.array(sel))
            # country codes as integers (digits only): no Python string per value to sort
            ccs = pc.cast(pc.utf8_slice_codeunits(sub, 0, k), pa.int64()).to_numpy()
            nsn = _slice(sub, k)
            for cc in np.unique(ccs).tolist():
                pick = np.flatnonzero(ccs == cc)
                if self.small_groups and _few(pick.size, int(cc)):
                    self._one_by_one(rows[sel[pick]], sub.take(pa.array(pick)))
                    continue
                self._valid_in_code(rows[sel[pick]], int(cc), nsn.take(pa.array(pick)))

    def _one_by_one(self, rows: np.ndarray, digits: pa.Array) -> None:
        """``phone._valid("+" + digits)`` itself, value by value: what the Arrow route
        computes, without ``parse_phone``'s region retries (~100 us a value)."""
        self.one_by_one += rows.size
        for row, text in zip(rows.tolist(), digits.to_pylist(), strict=True):
            number = _valid("+" + text)
            self.result[row] = None if number is None else e164(number)

    def _valid_in_code(self, rows: np.ndarray, cc: int, nsn: pa.Array) -> None:
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE[cc]
        try:
            main = _meta(regions[0].upper(), cc)
            kinds = _number_types(cc, nsn)
        except _Unsupported:
            self.fallback[rows] = True
            return
        stripped = np.zeros(rows.size, dtype=bool)
        if main is not None and main.national_prefix_for_parsing is not None:
            stripped = _re(nsn, main.national_prefix_for_parsing)
        if stripped.any():  # "+33 (0)1 23 45 67 89": the trunk prefix written after the code
            nsn_after = _strip_national_prefix(regions[0].upper(), cc, nsn, stripped)
            if nsn_after is None:
                self.fallback[rows[stripped]] = True
            else:
                nsn, stripped = nsn_after, np.zeros(rows.size, dtype=bool)
                kinds = _number_types(cc, nsn)
        ok = ~stripped & (kinds != int(_UNKNOWN))
        if ok.any():
            self.result[rows[ok]] = _strings(
                pc.binary_join_element_wise(f"+{cc}", nsn.filter(pa.array(ok)), "")
            )


def _strip_national_prefix(region: str, cc: int, nsn: pa.Array, has: np.ndarray) -> pa.Array | None:
    """What ``phonenumbers.parse`` makes of the national significant numbers ``nsn`` of an
    international number when those marked ``has`` start with ``region``'s national prefix
    (``_maybe_strip_national_prefix_carrier_code``, then ``_test_number_length``): the prefix
    is dropped unless the number was viable with it and is not without it, or the shorter
    number's length is too short, local-only or impossible. None where the region's prefix is
    not plain digit strings (``0``, ``0|180020``) or has a transform rule (the per-value path
    decides those)."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    compiled = _meta(region, cc)
    if meta is None or compiled is None or meta.national_prefix_transform_rule:
        return None
    prefix = meta.national_prefix_for_parsing or ""
    general = compiled.general.regex
    if not re.fullmatch(r"[0-9]+(?:\|[0-9]+)*", prefix) or general is None:
        return None
    rows = np.flatnonzero(has)
    original = nsn.take(pa.array(rows))
    # the alternative a regex match at the start takes: the first that is a prefix
    cut = np.zeros(rows.size, dtype=np.int64)
    for alternative in prefix.split("|"):
        starts = pc.starts_with(original, alternative).to_numpy(zero_copy_only=False)
        cut[(cut == 0) & starts] = len(alternative)
    if (cut == 0).any():
        return None  # cannot happen (``has`` is that regex's match); the per-value path
    shorter = original
    for n in np.unique(cut).tolist():
        mask = pa.array(cut == n)
        shorter = pc.replace_with_mask(shorter, mask, _slice(original.filter(mask), n))
    keep = _re(original, general) & ~_re(shorter, general)  # viable only with the prefix
    lengths = _lengths(shorter)
    verdict = {
        n: phonenumbers.phonenumberutil._test_number_length("0" * n, meta)
        for n in np.unique(lengths).tolist()
    }
    refused = {
        phonenumbers.ValidationResult.TOO_SHORT,
        phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
        phonenumbers.ValidationResult.INVALID_LENGTH,
    }
    keep |= np.array([verdict[n] in refused for n in lengths.tolist()], dtype=bool)
    chosen = pc.if_else(pa.array(keep), original, shorter)
    return pc.replace_with_mask(nsn, pa.array(has), chosen)


def _e164(cc: int, nsn: pa.Array) -> np.ndarray:
    return _strings(pc.binary_join_element_wise(f"+{cc}", nsn, ""))


def _national(v: _Values, rows: np.ndarray, regions: tuple[str, ...]) -> tuple[np.ndarray, ...]:
    """``parse_phone``'s national branch for ``rows``: (result, fallback) per row."""
    result = np.full(rows.size, None, dtype=object)
    fallback = np.zeros(rows.size, dtype=bool)
    if rows.size == 0:
        return result, fallback
    digits = v.digits.take(pa.array(rows))
    nd, groups = v.nd[rows], v.groups[rows]
    found = np.zeros(rows.size, dtype=bool)
    ambiguous = np.zeros(rows.size, dtype=bool)
    accepted: list[tuple[int, np.ndarray, pa.Array, np.ndarray]] = []
    try:
        for region in regions:
            plan = _region_plan(region)
            if plan is None:
                continue
            cc, trunk = plan[0], plan[1]
            nsn_rows, nsn = _trunk_stripped(digits, region, trunk)
            if nsn_rows.size == 0:
                continue
            kinds_here = _meta(region, cc)
            assert kinds_here is not None
            valid = kinds_here.types(nsn) != int(_UNKNOWN)
            valid &= _plausible(_number_types(cc, nsn), nd[nsn_rows])
            hits, hit_nsn = nsn_rows[valid], nsn.filter(pa.array(valid))
            forms = _e164(cc, hit_nsn)
            accepted.append((cc, hits, hit_nsn, forms))
            first = ~found[hits]
            result[hits[first]] = forms[first]
            later = hits[~first]
            # a later region matters only when the written grouping could pick it
            differs = (groups[later] > 1) & (result[later] != forms[~first])
            ambiguous[later[differs]] = True
            found[hits] = True
        rest = np.flatnonzero(~found & (nd >= 10))
        rest = rest[~_re(digits.take(pa.array(rest)), "^0")] if rest.size else rest
        for region in regions:
            plan = _region_plan(region)
            if plan is None or rest.size == 0:
                continue
            code = str(plan[0])
            sub = digits.take(pa.array(rest))
            starts = np.flatnonzero(_re(sub, f"^{code}"))
            if starts.size == 0:
                continue
            nsn = _slice(sub.take(pa.array(starts)), len(code))
            ok = _nsn_ok(nsn, region)
            meta = _meta(region, plan[0])
            assert meta is not None
            ok[ok] = meta.types(nsn.filter(pa.array(ok))) != int(_UNKNOWN)
            ok[ok] = _plausible(
                _number_types(plan[0], nsn.filter(pa.array(ok))), nd[rest[starts[ok]]]
            )
            result[rest[starts[ok]]] = _e164(plan[0], nsn.filter(pa.array(ok)))
            left = np.ones(rest.size, dtype=bool)
            left[starts[ok]] = False
            rest = rest[left]  # a mask, not setdiff1d: no sort of every pending row per region
        if ambiguous.any():
            _by_written_form(v, rows, ambiguous, accepted, result)
    except _Unsupported:
        fallback[:] = True
        return np.full(rows.size, None, dtype=object), fallback
    return result, fallback


def _by_written_form(
    v: _Values,
    rows: np.ndarray,
    ambiguous: np.ndarray,
    accepted: list[tuple[int, np.ndarray, pa.Array, np.ndarray]],
    result: np.ndarray,
) -> None:
    """``parse_phone``'s choice among regions that all accept a grouped national number: the
    first whose national format is exactly what was written, else the first grouping the
    digits alike, else the first."""
    best = np.full(rows.size, -1, dtype=np.int64)
    for cc, hits, nsn, forms in accepted:
        sel = np.flatnonzero(ambiguous[hits])
        if sel.size == 0:
            continue
        at = hits[sel]
        written = _national_format(cc, nsn.take(pa.array(sel)))
        value = v.s.take(pa.array(rows[at]))
        exact = pc.equal(written, value).to_numpy(zero_copy_only=False)
        alike = pc.equal(_shape(written), _shape(value)).to_numpy(zero_copy_only=False)
        fit = np.where(exact, 2, np.where(alike, 1, 0))
        better = fit > best[at]
        best[at[better]] = fit[better]
        result[at[better]] = forms[sel[better]]


def _trunk_stripped(
    digits: pa.Array, region: str, trunk: str | None
) -> tuple[np.ndarray, pa.Array]:
    """``phone._national_nsn``: rows whose national significant number fits the region's
    general plan once its trunk prefix is stripped (required for ``0``, optional else)."""
    if trunk == "0":
        rows = np.flatnonzero(_re(digits, "^0"))
        nsn = _slice(digits.take(pa.array(rows)), 1)
        ok = _nsn_ok(nsn, region)
        return rows[ok], nsn.filter(pa.array(ok))
    rows_out: list[np.ndarray] = []
    nsn_out: list[pa.Array] = []
    pending = np.arange(len(digits))
    if trunk:
        with_trunk = np.flatnonzero(_re(digits, "^" + trunk))
        nsn = _slice(digits.take(pa.array(with_trunk)), len(trunk))
        ok = _nsn_ok(nsn, region)
        rows_out.append(with_trunk[ok])
        nsn_out.append(nsn.filter(pa.array(ok)))
        left = np.ones(pending.size, dtype=bool)
        left[with_trunk[ok]] = False  # pending is every row still: positions are rows
        pending = pending[left]
    plain = digits.take(pa.array(pending))
    ok = _nsn_ok(plain, region)
    rows_out.append(pending[ok])
    nsn_out.append(plain.filter(pa.array(ok)))
    rows = np.concatenate(rows_out)
    order = np.argsort(rows, kind="stable")
    nsn_all = pa.concat_arrays([a.cast(pa.string()) for a in nsn_out])
    return rows[order], nsn_all.take(pa.array(order))


def _without_trunk(v: _Values, rows: np.ndarray, region: str) -> np.ndarray:
    """``phone.parse_without_trunk`` for national rows of one record region."""
    result = np.full(rows.size, None, dtype=object)
    plan = _region_plan(region)
    if plan is None or plan[1] != "0" or rows.size == 0:
        return result
    digits = v.digits.take(pa.array(rows))
    sel = np.flatnonzero((v.groups[rows] >= 2) & ~_re(digits, "^0"))
    if sel.size == 0:
        return result
    nsn = digits.take(pa.array(sel))
    ok = _nsn_ok(nsn, region)
    meta = _meta(region, plan[0])
    assert meta is not None
    ok[ok] = meta.types(nsn.filter(pa.array(ok))) != int(_UNKNOWN)
    ok[ok] = _plausible(_number_types(plan[0], nsn.filter(pa.array(ok))), v.nd[rows[sel[ok]]])
    result[sel[ok]] = _e164(plan[0], nsn.filter(pa.array(ok)))
    return result


def normal_forms(
    values: pa.Array,
    regions: tuple[str, ...],
    record_regions: pa.Array | None = None,
    *,
    small_groups: bool = True,
) -> pa.Array:
    """E.164 text per value where ``PhoneDetector(regions).validate_in(value, region)`` holds
    (``region`` from ``record_regions``), else null: the detector's own answer, computed in
    Arrow for the common forms and per value for the rest (and, with ``small_groups``, for
    international numbers whose country code has too few values to pay for the Arrow route)."""
    return decide(values, regions, record_regions, small_groups=small_groups)[0]


def decide(
    values: pa.Array,
    regions: tuple[str, ...],
    record_regions: pa.Array | None = None,
    *,
    small_groups: bool = True,
) -> tuple[pa.Array, int]:
    """:func:`normal_forms` and how many values libphonenumber decided one by one (for
    benchmarks and tests)."""
    detector = PhoneDetector(regions)
    regions = detector.regions
    v = _Values(values, small_groups)
    result, fallback = v.result, v.fallback
    national = np.flatnonzero(v.national)
    # record countries as codes into their distinct names (-1: none): no Python object per row
    names: list[str] = []
    code = np.full(v.n, -1, dtype=np.int64)
    if record_regions is not None:
        enc = pc.dictionary_encode(record_regions)
        names = enc.dictionary.to_pylist()
        code = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    pending = national
    if record_regions is not None and national.size:
        codes = code[national]
        general: list[np.ndarray] = [national[codes == -1]]
        for k in np.unique(codes[codes >= 0]).tolist():
            region = names[k]
            rows = national[codes == k]
            if not isinstance(region, str) or region != region.upper():
                fallback[rows] = True  # the per-value path decides odd spellings
            elif _region_plan(region) is None:
                general.append(rows)
            else:
                first, fb = _national(v, rows, (region,))
                fallback[rows[fb]] = True
                result[rows] = first
                todo = ~fb & _missing(first)
                second = _without_trunk(v, rows[todo], region)
                result[rows[todo]] = second
                general.append(rows[todo][_missing(second)])
        pending = np.sort(np.concatenate(general))
    answer, fb = _national(v, pending, regions)
    result[pending] = answer
    fallback[pending[fb]] = True
    for i in np.flatnonzero(fallback):
        value, region = values[i].as_py(), (names[code[i]] if code[i] >= 0 else None)
        ok = detector.validate_in(value, region)
        result[i] = detector.normalise_in(value, region) if ok else None
    return pa.array(result, type=pa.string()), int(fallback.sum()) + v.one_by_one
