"""The vectorised masks give exactly what the per-value masks give (they run on millions of
distinct values, the per-value ones on odd shapes and in the reports' own code)."""

from __future__ import annotations

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
@given(values=st.lists(st.text(max_size=20), max_size=10), key=st.binary(min_size=1, max_size=40))
def test_keyed_hashes_equal_keyed_hash(values: list[str], key: bytes) -> None:
    assert masking.keyed_hashes(values, key) == [masking.keyed_hash(v, key) for v in values]
