"""Fast paths must give exactly what the slow, obvious code gives."""

from __future__ import annotations

import hashlib
import hmac
from unittest import mock

import phonenumbers
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan.detectors import default_detectors
from exposure_scan.detectors.phone import e164, parse_phone
from exposure_scan.masking import keyed_hash

REGIONS = sorted(phonenumbers.SUPPORTED_REGIONS)
TYPES = [
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.VOIP,
    phonenumbers.PhoneNumberType.TOLL_FREE,
]


@pytest.mark.parametrize("region", REGIONS)
def test_e164_matches_libphonenumber_for_every_region(region: str) -> None:
    for kind in TYPES:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is not None:
            expected = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            assert e164(number) == expected


@given(
    st.sampled_from(["+39 0{}", "+39 3{}", "0{}", "+44 20{}", "+81 3{}", "06 {}"]),
    st.integers(10**5, 10**8),
)
def test_e164_matches_libphonenumber_on_parsed_values(shape: str, n: int) -> None:
    number = parse_phone(shape.format(n))
    if number is not None:
        assert e164(number) == phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164
        )


@given(st.text(max_size=40), st.binary(min_size=1, max_size=40))
def test_keyed_hash_is_hmac_sha256(value: str, key: bytes) -> None:
    raw = value.encode("utf-8", "surrogatepass")
    assert keyed_hash(value, key) == hmac.new(key, raw, hashlib.sha256).hexdigest()[:32]


def _drop_contained_oracle(column_hits):  # type: ignore[no-untyped-def]
    """The obvious per-match loop that ``engine._drop_contained`` vectorises."""
    from exposure_scan.engine import CONTAINERS

    spans: dict[int, list[tuple[int, int, str]]] = {}
    for det, hits in column_hits:
        if det.entity in CONTAINERS:
            for c, s, e in zip(
                hits.cell.tolist(), hits.start.tolist(), hits.end.tolist(), strict=True
            ):
                spans.setdefault(c, []).append((s, e, det.entity))
    out = []
    for det, hits in column_hits:
        kept = []
        for i, (c, s, e) in enumerate(
            zip(hits.cell.tolist(), hits.start.tolist(), hits.end.tolist(), strict=True)
        ):
            inside = any(
                ent != det.entity and cs <= s and e <= ce and (cs, ce) != (s, e)
                for cs, ce, ent in spans.get(c, ())
            )
            if not inside:
                kept.append(i)
        out.append((det.entity, kept))
    return out


_SPAN = st.tuples(st.integers(0, 5), st.integers(0, 12), st.integers(0, 12)).map(
    lambda t: (t[0], min(t[1], t[2]), max(t[1], t[2]))
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["EMAIL_ADDRESS", "IBAN_CODE", "CRYPTO", "PHONE_NUMBER", "PERSON"]),
            st.lists(_SPAN, max_size=8),
        ),
        max_size=5,
    )
)
def test_drop_contained_equals_the_per_match_loop(groups) -> None:  # type: ignore[no-untyped-def]
    """Containers (e-mail, IBAN, wallet, hash) own their characters: the vectorised drop
    keeps exactly the matches the per-match loop keeps, including equal spans and several
    containers in one cell."""
    import numpy as np
    import pyarrow as pa

    from exposure_scan.detectors.base import Hits
    from exposure_scan.engine import _drop_contained

    class Det:
        def __init__(self, entity: str) -> None:
            self.entity = entity

    column_hits = []
    for entity, spans in groups:
        cells = np.array([c for c, _, _ in spans], dtype=np.int64)
        starts = np.array([s for _, s, _ in spans], dtype=np.int64)
        ends = np.array([e for _, _, e in spans], dtype=np.int64)
        values = pa.array([f"v{i}" for i in range(len(spans))], pa.string())
        column_hits.append((Det(entity), Hits(cells, starts, ends, values, 0, normals=values)))
    expected = _drop_contained_oracle(column_hits)
    got = _drop_contained(column_hits)
    assert len(got) == len(expected)
    for (det, hits), (entity, kept) in zip(got, expected, strict=True):
        assert det.entity == entity
        assert hits.values.to_pylist() == [f"v{i}" for i in kept]
        assert hits.normals.to_pylist() == hits.values.to_pylist()


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.text(alphabet="0123456789 +-()éx\u0663", max_size=14)),
        max_size=20,
    ),
    start=st.integers(0, 3),
    large=st.booleans(),
)
def test_bytewise_facts_equal_the_regex_kernels(
    values: list[str | None], start: int, large: bool
) -> None:
    """Digits kept, digits and runs counted, '(' counted from the Arrow buffers: what the
    regex kernels give, on slices, nulls, non-ASCII digits (not ASCII digits) and both
    string types."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from exposure_scan.detectors import bytewise

    arr = pa.array(values, pa.large_string() if large else pa.string()).slice(start)
    filled = pc.fill_null(arr, "")
    kept = bytewise.keep_digits(arr)
    kept.validate(full=True)
    assert kept.to_pylist() == pc.replace_substring_regex(arr, "[^0-9]", "").to_pylist()
    counted = bytewise.byte_class_counts(filled, [frozenset(b"0123456789"), frozenset(b"(")])
    assert counted is not None
    counts = counted[:, 0]
    assert (
        counts.tolist()
        == pc.utf8_length(pc.replace_substring_regex(filled, "[^0-9]", "")).to_pylist()
    )
    assert (
        bytewise.digit_runs(filled).tolist()
        == pc.count_substring_regex(filled, "[0-9]+").to_pylist()
    )
    assert counted[:, 1].tolist() == pc.count_substring(filled, "(").to_pylist()
    classes = bytewise.class_counts(arr)
    assert classes is not None
    assert classes[0].tolist() == counts.tolist()
    letters = [sum(b >= 0x80 or chr(b).isalpha() for b in (v or "").encode()) for v in values]
    assert classes[1].tolist() == letters[start:]


_PATTERNS = sorted(
    {
        p
        for d in default_detectors()
        for p in (getattr(d, "prefilter", None), getattr(d, "pattern", None))
        if isinstance(p, str)
    }
)


@settings(max_examples=150, deadline=None)
@given(
    pattern=st.sampled_from(_PATTERNS),
    values=st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=30),
            st.sampled_from(["a@b.co", "+44 20 7946 0958", "Zoë O'Neil", "4111 1111 1111 1111"]),
        ),
        max_size=40,
    ),
)
def test_regex_mask_is_the_same_in_python_and_in_arrow(
    pattern: str, values: list[str | None]
) -> None:
    """Small arrays may be matched value by value in Python or by one Arrow kernel, chosen
    by cost: both must give the mask Arrow's kernel gives."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from exposure_scan.detectors import base

    arr = pa.array(values, pa.string())
    expected = np.asarray(
        pc.fill_null(pc.match_substring_regex(arr, pattern), False).to_numpy(zero_copy_only=False),
        bool,
    )
    for cost in (0.0, 1.0):  # a free kernel: Arrow; a dear one: Python
        with mock.patch.object(base, "kernel_cost", lambda p, c=cost: c):
            assert base.use_python_re2(len(values), pattern) is (cost == 1.0)
            assert base.regex_mask(arr, pattern).tolist() == expected.tolist()


def test_the_choice_weighs_values_against_the_kernels_compile() -> None:
    from exposure_scan.detectors import base

    with mock.patch.object(base, "kernel_cost", lambda p: 1e-3):
        per_value = base.PYTHON_VALUE_COST
        limit = int(1e-3 / per_value)
        assert base.use_python_re2(limit - 1, "x")
        assert not base.use_python_re2(limit + 1, "x")
    assert base.kernel_cost("@") > 0  # measured once per process, cached
    assert base.kernel_cost("@") == base.kernel_cost("@")


def test_a_pattern_arrow_refuses_goes_the_python_way() -> None:
    from exposure_scan.detectors import base

    assert base.kernel_cost("a{1001}") == float("inf")


@pytest.mark.parametrize(
    ("pattern", "bounded"),
    [
        (r"\b[2-6](?:[ \-]?[0-9]){12,18}\b", True),
        (r"\b(?:[A-Z]{2}[0-9]{2}|0x[0-9a-f]{4})\b", True),
        (r"\b[0-9]{3}|[0-9]{5}\b", False),  # the boundaries belong to one alternative each
        (r"[0-9]{9}\b", False),
        (r"\b[0-9]{9}", False),
        (r"\b", False),
        (r"\b(?:x*)\b", False),  # empty matches at a word-only cell's two ends
        (r"\p{Lu}\b", False),  # RE2-only syntax: no claim
    ],
)
def test_word_bounded_reads_the_pattern(pattern: str, bounded: bool) -> None:
    from exposure_scan.detectors.base import word_bounded

    assert word_bounded(pattern) is bounded


def _bounded_patterns() -> list[str]:
    from exposure_scan.detectors import default_detectors
    from exposure_scan.detectors.base import word_bounded

    patterns = sorted({d.pattern for d in default_detectors() if word_bounded(d.pattern)})
    assert len(patterns) >= 10
    return patterns


@settings(max_examples=300, deadline=None)
@given(
    pattern=st.sampled_from(_bounded_patterns()),
    cell=st.text(alphabet="0123456789", min_size=1, max_size=24)
    | st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTXYZabcx_", min_size=1, max_size=40),
)
def test_a_word_bounded_pattern_matches_a_word_only_cell_whole_or_not_at_all(
    pattern: str, cell: str
) -> None:
    """Why ``find`` skips the span search for such cells when the whole-cell test fails."""
    import re2

    spans = [m.span() for m in re2.finditer(pattern, cell)]
    if re2.fullmatch(f"(?:{pattern})", cell) is None:
        assert spans == []
    else:
        assert spans == [(0, len(cell))]


def test_order_numbers_skip_the_span_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """16-digit order numbers hold a card prefilter match but no card: they are word-only
    cells, so none reaches the per-cell span search, and the findings are the same."""
    from exposure_scan.detectors import base
    from exposure_scan.detectors.payment import CreditCardDetector

    cells = [f"93{i:014d}" for i in range(300)] + ["paid with 4111 1111 1111 1111", "x"] * 3
    arr = pa.array(cells)
    searched: list[int] = []
    real = base._span_matches

    def spy(detector, idx, cand, regions=None):  # type: ignore[no-untyped-def]
        searched.append(len(cand))
        return real(detector, idx, cand, regions)

    monkeypatch.setattr(base, "_span_matches", spy)
    hits = base.find(CreditCardDetector(), arr)
    assert searched == [3]
    assert hits.cell.tolist() == [300, 302, 304]
    monkeypatch.setattr(base, "word_bounded", lambda pattern: False)
    searched.clear()
    again = base.find(CreditCardDetector(), arr)
    assert searched == [303]
    assert again.cell.tolist() == hits.cell.tolist()
    assert again.values.to_pylist() == hits.values.to_pylist()
