"""The vectorised masks give exactly what the per-value masks give (they run on millions of
distinct values, the per-value ones on odd shapes and in the reports' own code)."""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan import masking
from exposure_scan.detectors import EmailDetector
from exposure_scan.detectors.base import Detector
from exposure_scan.detectors.structured import PersonCellDetector

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" -./@_+:()'\t,\n.@")),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=40,
)


@pytest.mark.parametrize(
    "value",
    [
        "Jane Doe",
        "Bob",
        "Via Roma 12",
        "Ünïcødé-Straße 5",
        "a\tb(c)d,e",
        "x",
        "",
        "O'Brien",
        "日本語の名前です",
        "12345",
        "123456",
        "Ø",
        "a]b^c\\d",
    ],
)
def test_generic_mask_table(value: str) -> None:
    assert masking.mask_generic_many(pa.array([value])).to_pylist() == [masking.mask_generic(value)]


@pytest.mark.parametrize(
    "value",
    [
        "jane.doe@example.com",
        "a@b.c",
        "x@y",
        "@foo.com",
        "ab@.com",
        "noat",
        "a@b@c.de",
        "é@ü.de",
        "j@\nx.com",
        "a.b@sub.example.co.uk",
        "@",
        "a@.",
        "a@b.",
    ],
)
def test_email_mask_table(value: str) -> None:
    assert masking.mask_email_many(pa.array([value])).to_pylist() == [masking.mask_email(value)]


@settings(max_examples=300, deadline=None)
@given(values=st.lists(TEXT, max_size=20))
def test_generic_mask_equals_per_value(values: list[str]) -> None:
    got = masking.mask_generic_many(pa.array(values, pa.string())).to_pylist()
    assert got == [masking.mask_generic(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(TEXT, st.emails()), max_size=20))
def test_email_mask_equals_per_value(values: list[str]) -> None:
    got = masking.mask_email_many(pa.array(values, pa.string())).to_pylist()
    assert got == [masking.mask_email(v) for v in values]


def test_detectors_use_the_vectorised_mask_only_for_the_mask_they_declare() -> None:
    """A subclass overriding ``mask`` alone must not get the generic vectorised mask."""

    class Custom(Detector):
        entity, name, pattern = "X", "x", "x+"

        def mask(self, value: str) -> str:
            return "#" * len(value)

    arr = pa.array(["Mario Rossi"])
    assert Custom().mask_many(arr) is None
    assert PersonCellDetector().mask_many(arr).to_pylist() == ["M**** *****"]
    assert EmailDetector().mask_many(pa.array(["a.b@example.com"])).to_pylist() == [
        "a**@e******.com"
    ]


def test_large_string_arrays_are_masked_too() -> None:
    """pandas' Parquet files and Polars frames carry ``large_string`` columns."""
    arr = pa.array(["jane.doe@example.com", "Mario Rossi"], pa.large_string())
    assert masking.mask_email_many(arr).to_pylist()[0] == "j*******@e******.com"
    assert masking.mask_generic_many(arr).to_pylist()[1] == "M**** *****"


DIGITY = st.text(
    alphabet=st.one_of(st.sampled_from("0123456789 +-()./_abcXYZ\n"), st.sampled_from("١٢٣²é")),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(DIGITY, max_size=15), keep=st.integers(0, 4))
def test_digit_mask_equals_per_value(values: list[str], keep: int) -> None:
    got = masking.mask_digits_keep_last_many(pa.array(values, pa.string()), keep).to_pylist()
    assert got == [masking.mask_digits_keep_last(v, keep) for v in values]


@pytest.mark.parametrize(
    ("keep", "value", "masked"),
    [
        (2, "+39 333 123 4567", "+** *** *** **67"),
        (4, "4111 1111 1111 1111", "**** **** **** 1111"),
        (2, "7", "7"),
        (0, "ab12", "****"),
    ],
)
def test_digit_mask_table(keep: int, value: str, masked: str) -> None:
    assert masking.mask_digits_keep_last_many(pa.array([value]), keep).to_pylist() == [masked]
    assert masking.mask_digits_keep_last(value, keep) == masked


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.text(max_size=20), max_size=10), key=st.binary(min_size=1, max_size=100))
def test_keyed_hashes_equal_keyed_hash(values: list[str], key: bytes) -> None:
    """HMAC spelt out as two SHA-256 passes equals ``hmac`` (keys over the 64-byte block
    are hashed first, as RFC 2104 says)."""
    assert masking.keyed_hashes(values, key) == [masking.keyed_hash(v, key) for v in values]


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=12),
    key=st.binary(min_size=1, max_size=80),
)
def test_keyed_hashes_array_keeps_nulls_slices_and_types(
    values: list[str | None], key: bytes
) -> None:
    expected = [None if v is None else masking.keyed_hash(v, key) for v in values]
    for arr in (pa.array(values, pa.string()), pa.array(values, pa.large_string())):
        got = masking.keyed_hashes_array(arr, key)
        got.validate(full=True)
        assert got.to_pylist() == expected
        assert masking.keyed_hashes_array(arr.slice(1), key).to_pylist() == expected[1:]


# --- the ASCII fast path (numpy over the array's buffers) -----------------------------------

ASCII = st.text(alphabet=string.printable, max_size=40)
ASCII_EMAILISH = st.text(alphabet="ab.@-_+9 ", max_size=12)  # odd shapes: "@", "a@.", "@.b"
PHONEISH = st.text(alphabet="0123456789 +-()./abXZ\n", max_size=30)
MOSTLY_ASCII = st.one_of(ASCII, ASCII, ASCII_EMAILISH, st.none(), TEXT)


def _expect(one: Callable[[str], str], arr: Any) -> list[str | None]:
    return [None if v is None else one(v) for v in arr.to_pylist()]


def _arrays(values: list[str | None], cut: int) -> list[Any]:
    """The same values as ``string``, ``large_string``, sliced (offset not a multiple of 8:
    the validity bitmap is shifted) and chunked."""
    arr = pa.array(values, pa.string())
    return [
        arr,
        pa.array(values, pa.large_string()),
        arr.slice(min(cut, len(arr))),
        arr.slice(0, max(len(arr) - cut, 0)),
        pa.chunked_array([arr.slice(0, cut), arr.slice(cut)], pa.string()),
    ]


def _check(many: Callable[[Any], Any], one: Callable[[str], str], values: list[str | None]) -> None:
    for cut in (1, 3):
        for arr in _arrays(values, cut):
            got = many(arr)
            got.validate(full=True)
            assert got.type == pa.string()
            assert got.to_pylist() == _expect(one, arr)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(ASCII, st.none(), MOSTLY_ASCII), max_size=25))
def test_generic_mask_ascii_and_mixed(values: list[str | None]) -> None:
    _check(masking.mask_generic_many, masking.mask_generic, values)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.one_of(ASCII_EMAILISH, st.emails(), st.none(), MOSTLY_ASCII), max_size=25)
)
def test_email_mask_ascii_and_mixed(values: list[str | None]) -> None:
    _check(masking.mask_email_many, masking.mask_email, values)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.one_of(PHONEISH, ASCII, st.none(), DIGITY), max_size=25),
    keep=st.integers(-1, 6),
)
def test_digit_mask_ascii_and_mixed(values: list[str | None], keep: int) -> None:
    _check(
        lambda a: masking.mask_digits_keep_last_many(a, keep),
        lambda v: masking.mask_digits_keep_last(v, keep),
        values,
    )


SLOW = ("_mask_generic_arrow", "_mask_email_arrow", "_mask_digits_keep_last_arrow")
#: what each mask calls for its non-ASCII values
NON_ASCII = ("_mask_generic_utf8", "_mask_email_arrow", "_mask_digits_keep_last_arrow")
MASKS: list[tuple[Callable[[Any], Any], Callable[[str], str]]] = [
    (masking.mask_generic_many, masking.mask_generic),
    (masking.mask_email_many, masking.mask_email),
    (
        lambda a: masking.mask_digits_keep_last_many(a, 2),
        lambda v: masking.mask_digits_keep_last(v, 2),
    ),
]
ODD_ASCII = [
    "Mario Rossi",
    "Via Roma 12",
    "j.doe123@example.co.uk",
    "+39 333 123 4567",
    None,
    "",
    "@",
    "a@.",
    "@.",
    "x@y",
    "a@b@c.de",
    "noat.example",
    "ab@.com",
    "@foo.com",
    "a@b.",
    "a@verylongdomain",
    "tab\there\n",
    "\x00\x7f",
]


def test_ascii_values_never_reach_the_slow_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is really taken: with the pyarrow versions broken, ASCII still masks."""

    def boom(*_: Any) -> Any:
        raise AssertionError("slow path")

    for name in SLOW:
        monkeypatch.setattr(masking, name, boom)
    arr = pa.array(ODD_ASCII * 3, pa.string())
    for many, one in MASKS:
        for values in (arr, arr.slice(5), pa.array(ODD_ASCII, pa.large_string())):
            got = many(values)
            got.validate(full=True)
            assert got.to_pylist() == _expect(one, values)


def test_only_non_ascii_values_take_the_slow_path(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str | None]] = []
    for name in NON_ASCII:
        real = getattr(masking, name)

        def spy(values: Any, *rest: Any, real: Any = real) -> Any:
            seen.append(values.to_pylist())
            return real(values, *rest)

        monkeypatch.setattr(masking, name, spy)
    arr = pa.array([*ODD_ASCII, "Niccolò Ötzi", "é@ü.de"], pa.string()).slice(2)
    for many, one in MASKS:
        seen.clear()
        got = many(arr)
        got.validate(full=True)
        assert got.to_pylist() == _expect(one, arr)
        assert seen == [["Niccolò Ötzi", "é@ü.de"]]


@pytest.mark.parametrize(
    "arr",
    [
        pa.array([], pa.string()),
        pa.array([None, None, None], pa.string()),
        pa.array(["", "", None], pa.string()),
        pa.array(["ab", None, "cdefgh@x.yz"] * 7, pa.string()).slice(9, 5),
        pa.array([], pa.large_string()),
        pa.chunked_array([], pa.string()),
    ],
)
def test_empty_null_and_sliced_arrays(arr: Any) -> None:
    for many, one in MASKS:
        got = many(arr)
        got.validate(full=True)
        assert got.to_pylist() == _expect(one, arr)


@pytest.mark.parametrize("size", [1, 32, 63, 64, 65, 200])
def test_keyed_hashes_of_every_key_length(size: int) -> None:
    key = bytes(range(size % 256)) * (size // 256) + bytes(range(size % 256))
    values = ["", "a", "+393331234567", "Müller"]
    assert masking.keyed_hashes(values, key) == [masking.keyed_hash(v, key) for v in values]


def test_generic_masks_of_utf8_text_stay_on_the_byte_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names and streets in any script are masked on their UTF-8 bytes, never by pyarrow's
    character kernels; invalid UTF-8 (a damaged Parquet file), on which those kernels fail,
    is masked value by value (the replacement character shown is no one's data)."""
    calls: list[int] = []
    real = masking._mask_generic_arrow

    def spy(values: Any) -> Any:
        calls.append(len(values))
        return real(values)

    monkeypatch.setattr(masking, "_mask_generic_arrow", spy)
    text = ["Niccolò Ötzi", "日本語の名前です", "Ø", "😀 abcdef", "Łódź", None, "plain"]
    got = masking.mask_generic_many(pa.array(text * 3, pa.string()).slice(2))
    got.validate(full=True)
    assert got.to_pylist() == [None if v is None else masking.mask_generic(v) for v in text * 3][2:]
    assert calls == []
    data = b"ok\xff\xfezzzzzz"
    broken = pa.StringArray.from_buffers(
        2, pa.py_buffer(np.array([0, 2, len(data)], np.int32).tobytes()), pa.py_buffer(data)
    )
    assert masking.mask_generic_many(broken).to_pylist() == ["**", "\ufffd*******"]
    assert calls == []
