"""Timestamp cells are not searched by the detectors proved unable to match there: the proof
(a finite set of shapes and each pattern's run alphabet) is checked against the patterns
themselves, and a scan finds the same with the screen off."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan.detectors import default_detectors, screens
from exposure_scan.detectors.base import Detector, run_alphabet
from exposure_scan.detectors.phone import PhoneDetector
from exposure_scan.detectors.timestamps import (
    TIMESTAMP,
    _cannot_match,
    never_in_timestamps,
    shapes,
)
from test_check_hooks import _screen_effect

PROVED = [d for d in default_detectors() if never_in_timestamps(d)]
#: Drawn with RE2's \s spelled out (Python's also has \v and Unicode spaces RE2 refuses),
#: and confirmed by RE2.
TIMESTAMPS = st.from_regex(TIMESTAMP.replace(r"\s", r"[\t\n\f\r ]"), fullmatch=True).filter(
    lambda t: re2.fullmatch(TIMESTAMP, t) is not None
)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b[2-6](?:[ \-]?[0-9]){12,18}\b", "0123456789 -"),
        (r"\b\d{3}-\d{2}-\d{4}\b", "0123456789-"),
        (r"[A-C]{2}|x[0-1]", "ABCx01"),
        (r"(?i)[a-b]9", "abAB9" + "".join(map(chr, range(128, 256)))),  # RE2 folds beyond ASCII
        (r"[0-9]+\.[0-9]+", "0123456789."),
        (r"[^@]+@x", None),  # a negated class: any byte
        (r"\w{4}", None),
        (r"a.b", None),
        (r"é[0-9]", None),  # non-ASCII
        (r"\p{L}9", None),  # RE2-only syntax
    ],
)
def test_run_alphabet_reads_the_pattern(pattern: str, expected: str | None) -> None:
    got = run_alphabet(pattern)
    assert got == (None if expected is None else frozenset(map(ord, expected)))


RUN_BOUND = [d for d in default_detectors() if d.pattern and run_alphabet(d.pattern) is not None]


@pytest.mark.parametrize("det", RUN_BOUND, ids=lambda d: d.ident)
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_every_match_is_made_of_its_run_alphabet(det: Detector, data: st.DataObject) -> None:
    """The proof holds only if every string the pattern matches (RE2 confirmed) is made of
    the alphabet's bytes alone, so that it lies inside one run of them."""
    text = data.draw(st.from_regex(det.pattern, fullmatch=True))
    if re2.fullmatch(det.pattern, text) is None:
        return  # Python's and RE2's dialects differ on this draw: RE2 has the last word
    alphabet = run_alphabet(det.pattern)
    assert alphabet is not None
    assert all(b in alphabet for b in text.encode("utf-8")), text


@settings(max_examples=200, deadline=None)
@given(stamp=TIMESTAMPS)
def test_the_shapes_cover_every_timestamp(stamp: str) -> None:
    """The enumeration is the proof: every timestamp cell, blanks aside and each digit read
    as ``d``, is one of the shapes."""
    core = stamp.strip("\t\n\f\r ")
    assert re.sub("[0-9]", "d", core) in shapes()


def test_the_timestamp_is_the_phone_veto_narrowed() -> None:
    """Every timestamp cell is one the phone detector vetoes whole (so skipping it is what
    the phone detector would do): the same pattern with a shorter fraction and a zone
    with its colon."""
    veto = PhoneDetector.cell_veto
    assert veto is not None
    narrowed = veto.replace("[0-9]+)", "[0-9]{1,6})").replace(":?[0-5]", ":[0-5]")
    assert narrowed == TIMESTAMP


def test_blanks_around_a_timestamp_are_runs_of_any_length() -> None:
    """A pattern that a timestamp's leading blanks and year complete is not proved absent."""
    assert re2.search(r" {3}[0-9]{4}", "   2015-01-01") is not None
    assert not _cannot_match(r" {3}[0-9]{4}")
    assert _cannot_match(r"[0-9]{7}")  # no seven digits in a row in any shape
    assert not _cannot_match(r"[0-9]{6}")  # six: a fraction of a second


def test_what_is_proved_and_what_is_not() -> None:
    names = {d.name for d in PROVED}
    assert {"phone", "credit_card", "us_ssn", "fr_nir", "vin", "crypto_wallet"} <= names
    # these can match inside a timestamp (a date, an expiry-like pair, a word of digits)
    assert not {"date_of_birth", "card_expiry", "passport", "email"} & names


@pytest.mark.parametrize("det", PROVED, ids=lambda d: d.ident)
@settings(max_examples=60, deadline=None)
@given(stamp=TIMESTAMPS)
def test_proved_detectors_find_nothing_in_a_timestamp(det: Detector, stamp: str) -> None:
    if det.cell_veto is not None and re2.search(det.cell_veto, stamp) is not None:
        return  # vetoed whole: nothing searched
    assert re2.search(det.pattern, stamp) is None, stamp


@pytest.mark.parametrize(
    "stamp",
    [
        "2015-01-01T00:11:25.234567891-0500",  # 13 digits joined by a dash: card-shaped
        "2015-01-01 00:11:25.1234567",  # seven digits of fraction
        "2015-01-01 00:11:25+0500",  # a zone without its colon
        "15-01-01 00:11",
    ],
)
def test_cells_outside_the_proof_are_not_timestamps(stamp: str) -> None:
    assert re2.fullmatch(TIMESTAMP, stamp) is None


def test_only_timestamp_cells_are_skipped() -> None:
    cells = ["2015-01-01 00:11:25"] * 1500 + ["+49 221 7173957"] * 600 + [None] * 10
    column = screens.CellScreens(pa.array(cells, pa.string()), PROVED)
    phone = next(d for d in PROVED if d.name == "phone")
    mask = column.mask(phone)
    assert mask is not None
    assert not mask[:1500].any() and mask[1500:2100].all()
    phones = screens.CellScreens(pa.array(["+49 221 7173957"] * 2000, pa.string()), PROVED)
    assert phones._timestamps() is None  # no timestamp column: no pass over it
    short = screens.CellScreens(pa.array(["2015-01-01"] * 100, pa.string()), PROVED)
    assert short._timestamps() is None


def test_the_timestamp_screen_changes_nothing_but_the_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The generated table's registration times are not searched for phones, cards, SSNs or
    NIRs any more; findings and near misses are the same without the screen."""
    screened, cells, unscreened, all_cells = _screen_effect(
        monkeypatch,
        lambda: monkeypatch.setattr(screens, "never_in_timestamps", lambda det: False),
        lookalikes=True,
    )
    assert screened == unscreened
    assert cells < all_cells - 2000
