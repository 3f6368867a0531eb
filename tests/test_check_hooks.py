"""Validation and normal form in one call, per distinct value, vectorised where a detector can:
the hooks ``check``/``check_many`` that ``find`` and the engine rely on."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan import distinct
from exposure_scan.detectors import EmailDetector, PhoneDetector, default_detectors, screens
from exposure_scan.detectors.base import (
    CheckCache,
    Detector,
    Hits,
    branch_bounds,
    class_screens,
    find,
    min_width,
)
from exposure_scan.detectors.base import min_digits as _min_digits_of
from exposure_scan.detectors.base import min_letters as _min_letters_of
from exposure_scan.detectors.structured import structured_detectors


class Upper(Detector):
    """Valid when it has a 'k'; normal form upper case; counts its calls."""

    entity, name, pattern, prefilter = "X", "upper", "[a-z]+", None

    def __init__(self, vectorised: bool) -> None:
        self.vectorised = vectorised
        self.calls: list[list[str]] = []

    def validate(self, value: str) -> bool:
        return "k" in value

    def normalise(self, value: str) -> str:
        return value.upper()

    def check_many(self, values: pa.Array, regions: pa.Array | None) -> pa.Array | None:
        if not self.vectorised:
            return None
        self.calls.append(values.to_pylist())
        upper = pc.utf8_upper(values)
        return pc.if_else(pc.match_substring(values, "k"), upper, pa.scalar(None, pa.string()))


def test_default_check_is_validate_then_normalise() -> None:
    det = Upper(vectorised=False)
    assert (det.check("kite"), det.check("bird"), det.check("kite", "IT")) == ("KITE", None, "KITE")


def test_find_checks_each_distinct_uncached_value_once_in_one_vectorised_call() -> None:
    det = Upper(vectorised=True)
    cache: CheckCache = {}
    hits = find(det, pa.array(["kite", "bird", "kite", "a kite and a bird", None]), cache)
    assert sorted(map(sorted, det.calls)) == [["a", "and", "bird", "kite"]]  # whole cells and spans
    assert hits.cell.tolist() == [0, 2, 3] and hits.near_misses == 5
    assert hits.normals is not None and hits.normals.to_pylist() == ["KITE", "KITE", "KITE"]
    det.calls.clear()
    find(det, pa.array(["kite", "bird"]), cache)
    assert det.calls == []  # all cached


def test_vectorised_and_per_value_paths_agree() -> None:
    cells = ["kite", "bird", "kit kat", "", "kk", "bird kite"]
    a, b = Upper(vectorised=True), Upper(vectorised=False)
    ha, hb = find(a, pa.array(cells)), find(b, pa.array(cells))
    assert (ha.cell.tolist(), ha.start.tolist(), ha.end.tolist(), ha.near_misses) == (
        hb.cell.tolist(),
        hb.start.tolist(),
        hb.end.tolist(),
        hb.near_misses,
    )
    assert ha.normals is not None and hb.normals is not None
    assert ha.normals.to_pylist() == hb.normals.to_pylist()


def test_whole_cell_phones_are_checked_in_their_records_country() -> None:
    """The same national digits are a French number in a French record, an Italian one in an
    Italian record: one distinct (value, country) pair each, normal forms differ."""
    cells = pa.array(["06 12 34 56 78", "06 12 34 56 78", "06 12 34 56 78"])
    hits = find(PhoneDetector(), cells, {}, regions=np.array(["FR", "IT", None], dtype=object))
    assert hits.cell.tolist() == [0, 1, 2]
    assert hits.normals is not None
    fr, it, none = hits.normals.to_pylist()
    assert fr == "+33612345678" and it.startswith("+39") and none == fr


def test_hashes_of_national_phones_follow_the_record_country(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "phone,country\n06 12 34 56 78,France\n+33 6 12 34 56 78,FR\n06 12 34 56 78,Italy\n"
    )
    table = exposure_scan.scan(path, ner="off").findings_table()
    phones = table.filter(pc.equal(table["entity"], "PHONE_NUMBER"))
    h = phones.sort_by("row")["value_hash"].to_pylist()
    assert h[0] == h[1] != h[2]


EMAIL_ALPHABET = st.sampled_from("abcXYZ019._%+'-@!#é")
PIECES = st.lists(st.sampled_from(["a", "B", "9", ".", "-", "..", "@", ".com", ".de", "é"]))


@settings(max_examples=400, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.emails(),
            st.text(alphabet=EMAIL_ALPHABET, max_size=30),
            PIECES.map("".join),
            st.builds(
                lambda a, b: f"{a}@{b}",
                st.text(EMAIL_ALPHABET, max_size=12),
                st.sampled_from(
                    [
                        "example.com",
                        "x.local",
                        "a-.de",
                        "-a.it",
                        "b..co.uk",
                        "EXAMPLE.COM",
                        "mail.xn--p1ai",
                        "host.c0m",
                        "h.museum",
                    ]
                ),
            ),
        ),
        max_size=15,
    )
)
def test_email_check_many_equals_check(values: list[str]) -> None:
    det = EmailDetector()
    got = det.check_many(pa.array(values, pa.string()), None).to_pylist()
    assert got == [det.check(v) for v in values]


CARDISH = st.one_of(
    st.text(alphabet="0123456789 -", max_size=24),
    st.sampled_from(
        [
            "4111 1111 1111 1111",  # a documented test PAN (Visa)
            "4111-1111-1111-1111",
            "4111 1111-1111 1111",  # mixed separators: not a card
            "4006381333931",  # an EAN-13 (the common textbook example): refused
            "5555555555554444",  # a documented test PAN (Mastercard)
            "378282246310005",  # a documented test PAN (Amex)
            "4111\u00a01111 1111 1111",  # a no-break space: the per-value path
            "٤١١١١١١١١١١١١١١١",  # Arabic-Indic digits: the per-value path
        ]
    ),
)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(st.one_of(st.none(), CARDISH), max_size=15))
def test_card_check_many_equals_check(values: list[str | None]) -> None:
    """Luhn in numpy first, the per-value check on the rest: the same normal forms."""
    from exposure_scan.detectors.payment import CreditCardDetector

    det = CreditCardDetector()
    got = det.check_many(pa.array(values, pa.string()), None).to_pylist()
    assert got == [None if v is None else det.check(v) for v in values]


CELL_WORDS = st.sampled_from(
    [
        "Rossi",
        "S.p.A.",
        "SpA",
        "GmbH",
        "gmbh",
        "sa",
        "SA",
        "S.A.",
        "AG",
        "ag",
        "&Co",
        "Ltd.",
        "n/a",
        "N/A",
        "unknown",
        "Not",
        "Available",
        "none",
        "-",
        "?",
        "Müller",
        "Łukasz",
        "ſa",
        "José",
        "Via",
        "Roma",
        "12",
        "\t",
        "\x1f",
        "\x0b",
        "  ",
        ",",
        "Kasper",
        "as",
        "AS",
        "Sà",
        "AĞ",
        "Ñoño",
        "Straße",
        "Ørsted",
        "Åsa",
        "anónimo",
        "İzmir",
        "Dvořák",
        "ǅemal",
        "ŉ",
        "\u00a0",
        "Gmbḥ",
        "ſ.a.",
        "Hauptstraße 1, 3º B",
        "ºª",
        "Rossi ſ.a.",
    ]
)
#: Accented Latin letters (and a few look-alikes): the Arrow fold must equal fold() on them.
LATIN = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0xC0, max_codepoint=0x24F),
        st.sampled_from(" .,-'&\u0301\u00a0aAsS"),
    ),
    max_size=12,
)


@pytest.mark.parametrize("det", structured_detectors(), ids=lambda d: d.ident)
@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.lists(CELL_WORDS, max_size=5).map(" ".join),
            st.lists(CELL_WORDS, max_size=4).map("".join),
            st.text(max_size=12),
            LATIN,
        ),
        max_size=12,
    )
)
def test_cell_check_many_equals_check(det: Detector, values: list[str]) -> None:
    """Names, streets and places are checked in Arrow (ASCII and accented Latin letters) and
    per value (the rest): the same normal form, the same placeholders and companies refused."""
    got = det.check_many(pa.array(values, pa.string()), None).to_pylist()
    assert got == [det.check(v) for v in values]


PADDED = [d for d in default_detectors() if d.prefilter_is_padded_pattern]


@pytest.mark.parametrize("det", PADDED, ids=lambda d: d.ident)
@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.lists(CELL_WORDS, max_size=4).map(" ".join),
            st.lists(CELL_WORDS, min_size=6, max_size=11).map(" ".join),
            st.lists(CELL_WORDS, min_size=6, max_size=11).map(", ".join),
            st.text(alphabet=st.sampled_from("aZé ' -.\t\n\x0b\u00a0,1"), max_size=24),
            st.tuples(
                st.text(alphabet=" \t\n\r\x0c", max_size=3),
                st.lists(CELL_WORDS, min_size=1, max_size=9).map(" ".join),
                st.text(alphabet=" \t\n\r\x0c", max_size=3),
            ).map("".join),
        ),
        max_size=12,
    )
)
def test_padded_prefilter_skips_the_whole_cell_pass_exactly(
    det: Detector, values: list[str]
) -> None:
    """A detector every candidate of which (prefilter, less the cells its veto drops) is
    ``^\\s*(?:pattern)\\s*$`` finds whole cells by trimming RE2's blanks instead of a
    second regex pass and a span search: the same hits as with them."""
    padded = re2.compile(rf"^\s*(?:{det.pattern})\s*$")
    prefilter = re2.compile(det.prefilter or det.pattern)
    veto = re2.compile(det.cell_veto) if det.cell_veto else None
    for v in values:
        shaped = prefilter.search(v) is not None and not (veto and veto.search(v))
        assert padded.search(v) is not None or not shaped, v  # every candidate: one match
        if det.name == "person_cell":  # and the name shape is exactly NAME_CELL
            assert (padded.search(v) is not None) == shaped, v

    class Unflagged(type(det)):  # type: ignore[misc]
        prefilter_is_padded_pattern = False

    arr = pa.array(values, pa.string())
    a, b = find(det, arr, {}), find(Unflagged(), arr, {})

    def rows(h: Hits) -> list[tuple[object, ...]]:
        normals = [None] * h.cell.size if h.normals is None else h.normals.to_pylist()
        return sorted(
            zip(
                h.cell.tolist(),
                h.start.tolist(),
                h.end.tolist(),
                pa.array(h.values, pa.string()).to_pylist(),
                normals,
                strict=True,
            )
        )

    assert rows(a) == rows(b)  # cell, span, value and normal form of every match
    assert a.near_misses == b.near_misses


def test_large_string_columns_take_the_same_path() -> None:
    cells = ["a.b@example.com", "x kite y", "nobody"]
    small = find(EmailDetector(), pa.array(cells, pa.string()))
    large = find(EmailDetector(), pa.array(cells, pa.large_string()))
    assert small.cell.tolist() == large.cell.tolist() == [0]
    assert large.normals is not None and large.normals.to_pylist() == ["a.b@example.com"]


@pytest.mark.parametrize("det", default_detectors(), ids=lambda d: d.ident)
@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("0123456789 -./:()+@abcXYZ_*#"), max_size=40))
def test_prefilter_is_a_superset_of_the_pattern(det: Detector, text: str) -> None:
    """A cell the prefilter drops can hold no match: exhaustiveness rests on it. (Cell
    detectors of confirmed columns use their prefilter as the cell-shape gate on purpose.)"""
    if det.prefilter is None or det.requires_role:
        return
    if re2.search(det.pattern, text):
        assert re2.search(det.prefilter, text), text


def test_a_country_column_found_by_its_values_sets_the_phone_region(tmp_path) -> None:
    """No header row: the national number is French in the French record, and the country
    column is recognised from its values (a town column is not taken for it)."""
    rows = [
        ("06 12 34 56 78", country, town)
        for country, town in [("France", "Lyon"), ("Italia", "Roma"), ("Deutschland", "Köln")] * 10
    ]
    path = tmp_path / "p.csv"
    path.write_text("".join(f"{a},{b},{c}\n" for a, b, c in rows))
    table = exposure_scan.scan(path, ner="off").findings_table()
    phones = table.filter(pc.equal(table["entity"], "PHONE_NUMBER")).sort_by("row")
    hashes = phones["value_hash"].to_pylist()
    assert phones["row"].to_pylist()[:3] == [0, 1, 2]
    assert hashes[0] != hashes[1]  # +33 6... and +39 06...
    assert hashes[0] == hashes[3]


def test_the_union_prefilter_gate_changes_nothing_but_the_work(monkeypatch) -> None:
    """Findings and near misses are the same with and without the one-pass gate."""
    from exposure_scan.engine import BatchScanner
    from exposure_scan.sources.base import Batch
    from exposure_scan.testing.synthetic import customer_table

    table = customer_table(5000, seed=3).table
    text = pa.table({c: pc.cast(table[c], pa.string()) for c in table.column_names})
    batch = Batch("t", text.combine_chunks().to_batches()[0], 0)
    dets = default_detectors()

    def run() -> object:
        return BatchScanner(dets, b"k", False).scan(batch).canonical()

    gated = run()
    calls: list[int] = []
    real = BatchScanner._gate

    def spy(
        self: BatchScanner, running: list[Detector], values: pa.Array, screens: object = None
    ) -> object:
        out = real(self, running, values, screens)  # type: ignore[arg-type]
        calls.append(-1 if out is None else int(out.size))
        return out

    monkeypatch.setattr(BatchScanner, "_gate", spy)
    assert run() == gated
    assert any(0 <= n < 5000 for n in calls)  # the gate did drop cells somewhere
    # The union over every cell (no screens first), and no gate at all: the same findings.
    monkeypatch.setattr(
        BatchScanner,
        "_gate",
        lambda self, running, values, screens=None: real(self, running, values, None),
    )
    assert run() == gated
    monkeypatch.setattr(BatchScanner, "_gate", lambda self, *args: None)
    assert run() == gated


def test_the_gate_stands_aside_where_most_cells_pass() -> None:
    """A column most of whose probed cells pass the union gate (e-mails) goes straight to
    the detectors; a column of names is gated. Either way the findings are the same (above).
    The gate covers detectors whose matches need no digit; the others rely on the digit
    screen, so a phone number does not open the gate."""
    from exposure_scan.engine import GATE_MIN_CELLS, BatchScanner

    dets = [d for d in default_detectors() if not d.requires_role and not d.context]
    scanner = BatchScanner(dets, b"k", False)
    n = GATE_MIN_CELLS + 100
    emails = pa.array([f"user{i}@example.org" for i in range(n)], pa.string())
    names = pa.array(
        ["Anna Rossi", "Jean Dupont"] * (n // 2) + ["+39 333 1234567", "a@b.it"], pa.string()
    )
    assert scanner._gate(dets, emails) is None
    gate = scanner._gate(dets, names)
    assert gate is not None and gate.tolist() == [len(names) - 1]


def test_the_hash_cache_changes_no_hash(monkeypatch) -> None:
    """Normal forms that recur (a few numbers, as first names and towns do) are hashed once
    per process; the hashes are those of a scanner that hashes everything, also when the
    cache fills and is emptied mid-way."""
    from exposure_scan import engine
    from exposure_scan.engine import BatchScanner
    from exposure_scan.sources.base import Batch

    def batch(first: int, phones: list[str]) -> Batch:
        data = {"phone": pa.array([phones[i % len(phones)] for i in range(400)])}
        return Batch("t", pa.record_batch(data), first)

    old = [f"+39 333 12345{i:02d}" for i in range(40)]
    new = [f"+39 347 12345{i:02d}" for i in range(30)]
    dets = default_detectors()
    batches = [batch(0, old), batch(400, old[::-1]), batch(800, old[:20] + new)]
    monkeypatch.setattr(engine, "HASH_CACHE_MAX", 0)  # no cache: every form hashed
    expected = [BatchScanner(dets, b"k", False).scan(b).canonical() for b in batches]
    monkeypatch.setattr(engine, "HASH_CACHE_MAX", 50_000)
    hashed: list[int] = []
    real = engine.keyed_hashes_array

    def spy(values: pa.Array, key: bytes) -> pa.Array:
        hashed.append(len(values))
        return real(values, key)

    monkeypatch.setattr(engine, "keyed_hashes_array", spy)
    shared = BatchScanner(dets, b"k", False)
    assert shared.scan(batches[0]).canonical() == expected[0]
    assert sum(hashed) == 40  # every distinct number once
    assert shared.scan(batches[1]).canonical() == expected[1]
    assert sum(hashed) == 40  # nothing hashed again
    monkeypatch.setattr(engine, "HASH_CACHE_MAX", 60)  # 40 + 30 new: emptied, refilled
    assert shared.scan(batches[2]).canonical() == expected[2]
    assert len(shared._digests) == 50


_PHONE_LIKE = st.sampled_from(
    ["06 12 34 56 78", "+39 333 1234567", "0221 123456", "333 123 4567", "12345", "020 7946 0958"]
)


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(_PHONE_LIKE, st.text(alphabet="0123456789 +-", min_size=5, max_size=16)),
        min_size=70,
        max_size=140,
    ),
    regions=st.lists(st.sampled_from([None, "", "FR", "IT", "DE", "GB", "US"]), min_size=140),
)
def test_vectorised_check_distinct_equals_the_cached_path(
    values: list[str], regions: list[str | None]
) -> None:
    """Many distinct values skip the Python cache and go to ``check_many`` at once: the same
    normal forms as value by value through the cache, record countries included."""
    from exposure_scan.detectors.base import check_distinct

    class PerValue(PhoneDetector):  # type: ignore[misc]
        def check_many(self, values: pa.Array, regions: pa.Array | None) -> None:
            return None

    arr = pa.array(values, pa.string())
    regs = pa.array(regions[: len(values)], pa.string())
    calls: list[int] = []

    class Spy(PhoneDetector):  # type: ignore[misc]
        def check_many(self, values: pa.Array, regions: pa.Array | None) -> pa.Array | None:
            calls.append(len(values))
            return super().check_many(values, regions)

    fast = check_distinct(Spy(), arr, regs, {})
    slow = check_distinct(PerValue(), arr, regs, {})
    assert fast.to_pylist() == slow.to_pylist()
    distinct = len(set(zip(values, [r or "" for r in regions[: len(values)]], strict=True)))
    if distinct > 64:
        assert calls == [distinct]  # one vectorised call over the distinct (value, country)


@pytest.mark.parametrize(
    ("pattern", "least"),
    [
        (r"[0-9]{3}-[0-9]{2}-[0-9]{4}", 9),
        (r"a|1", 0),
        (r"(?:12|3)x", 1),
        (r"\d{4}", 4),
        (r"[0-9a]{5}", 0),
        (r"[^0-9]{5}", 0),
        (r"\p{L}+[0-9]", 0),  # RE2-only syntax: no bound, never a wrong one
        (r"(?i)\b[A-Z]{2}[0-9]{2}\b", 2),
        (r"[0-9](?:[ -]?[0-9]){6,}", 7),
        (r"(?:[0-9]{2})*", 0),
        (r"7?8", 1),
    ],
)
def test_min_digits_reads_the_pattern(pattern: str, least: int) -> None:
    from exposure_scan.detectors.base import min_digits

    assert min_digits(pattern) == least


@pytest.mark.parametrize(
    ("pattern", "least"),
    [
        (r"(?i)\b[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]\b", 3),
        (r"[A-Za-z]{2}[0-9]{2}", 2),
        (r"[A-Za-z0-9]{4}", 0),
        (r"\w{3}", 0),  # \w holds digits and '_'
        (r"[a-z]+@[a-z]+\.[a-z]{2,}", 4),
        (r"x|1", 0),
        (r"[A-Z]{6}[0-9LMNPQRSTUV]{2}", 6),
        (r"[^a-z]{3}", 0),
        (r"[\x40-\x5a]", 0),  # '@' is no letter
        (r"\p{L}+", 0),  # RE2-only syntax: no bound
    ],
)
def test_min_letters_reads_the_pattern(pattern: str, least: int) -> None:
    from exposure_scan.detectors.base import min_letters

    assert min_letters(pattern) == least


def test_the_letter_screen_counts_what_re2_case_folds_to() -> None:
    """RE2's ``(?i)[A-Z]`` matches the Kelvin sign and the long s: non-ASCII, so counted as
    letters by the screen, which never skips a cell that RE2 would match."""
    from exposure_scan.detectors import bytewise

    assert re2.fullmatch(r"(?i)[A-Z]{2}", "\u212a\u017f")
    counts = bytewise.class_counts(pa.array(["\u212a\u017f", "K1", "12"]))
    assert counts is not None
    assert counts[1].tolist() == [5, 1, 0] and counts[0].tolist() == [0, 1, 2]  # 3 + 2 bytes


DIGIT_BOUND = [d for d in default_detectors() if d.pattern and _min_digits_of(d.pattern) > 0]
LETTER_BOUND = [d for d in default_detectors() if d.pattern and _min_letters_of(d.pattern) > 0]


@pytest.mark.parametrize("det", LETTER_BOUND, ids=lambda d: d.ident)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_match_has_the_letters_min_letters_promises(det: Detector, data) -> None:  # type: ignore[no-untyped-def]
    """The letter screen is sound only if no string the pattern matches has fewer ASCII
    letters and non-ASCII characters than ``min_letters`` (drawn from the pattern, in
    Unicode mode: case folding may reach beyond ASCII)."""
    from exposure_scan.detectors.base import min_letters

    text = data.draw(st.from_regex(det.pattern, fullmatch=True))
    if re2.fullmatch(det.pattern, text) is None:
        return  # Python's and RE2's dialects differ on this draw: RE2 has the last word
    letters = sum(c.isalpha() if c.isascii() else True for c in text)
    assert letters >= min_letters(det.pattern), text


@pytest.mark.parametrize("det", DIGIT_BOUND, ids=lambda d: d.ident)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_match_has_the_digits_min_digits_promises(det: Detector, data) -> None:  # type: ignore[no-untyped-def]
    """The digit screen skips cells with fewer digits than ``min_digits``: sound only if no
    string the pattern matches has fewer (generated from the pattern itself)."""
    import re

    from exposure_scan.detectors.base import min_digits

    text = data.draw(st.from_regex(re.compile(det.pattern, re.ASCII), fullmatch=True))
    if re2.fullmatch(det.pattern, text) is None:
        return  # Python's and RE2's dialects differ on this draw: RE2 has the last word
    assert sum(c in "0123456789" for c in text) >= min_digits(det.pattern), text


def test_the_digit_screen_changes_nothing_but_the_work(monkeypatch) -> None:
    """Findings and near misses are the same with and without skipping digit-poor cells."""
    from exposure_scan.detectors import screens
    from exposure_scan.engine import BatchScanner
    from exposure_scan.sources.base import Batch
    from exposure_scan.testing.synthetic import customer_table

    table = customer_table(3000, seed=5).table
    text = pa.table({c: pc.cast(table[c], pa.string()) for c in table.column_names})
    batch = Batch("t", text.combine_chunks().to_batches()[0], 0)

    def run() -> object:
        return BatchScanner(default_detectors(), b"k", False).scan(batch).canonical()

    screened = run()
    skipped: list[int] = []
    real = screens.class_counts

    def spy(arr: pa.Array) -> object:
        out = real(arr)
        skipped.append(len(arr))
        return out

    monkeypatch.setattr(screens, "class_counts", spy)
    assert run() == screened and skipped  # the screen ran
    monkeypatch.setattr(screens, "min_letters", lambda pattern: 0)
    assert run() == screened  # digits and byte classes
    monkeypatch.setattr(screens, "min_digits", lambda pattern: 0)
    assert run() == screened  # byte classes only
    monkeypatch.setattr(screens, "class_screens", lambda pattern: ())
    assert run() == screened  # no count screen


def test_common_accented_letters_are_folded_in_arrow() -> None:
    """The Arrow fold keeps the accented letters of European names and streets on the fast
    path (the set is found by comparison: a narrower mark class would silently shrink it)."""
    from exposure_scan.detectors.structured import _arrow_fold, _arrow_foldable

    letters = "àáâäãåçèéêëìíîïñòóôöõùúûüýÿčšžőűąęśźżćńřěůťďňľĺŕ"
    assert re2.search(_arrow_foldable(), letters + letters.upper())
    folded = _arrow_fold(pa.array([letters + "ß"])).to_pylist()
    assert folded == ["aaaaaaceeeeiiiinooooouuuuyycszouaeszzcnreutdnllrss"]


@pytest.mark.parametrize(
    ("pattern", "least"),
    [
        (r"\b(?:[A-HJ-NPR-Z0-9]{17}|[a-hj-npr-z0-9]{17})\b", 17),
        (r"[0-9]{3}-[0-9]{2}-[0-9]{4}", 11),
        (r"a|bcd", 1),
        (r"(?:ab)*c?", 0),
        (r"x{2,5}y+", 3),
        (r"\p{L}{20}", 0),  # RE2-only syntax: no bound, never a wrong one
        (r"(?i)\b[A-Z]{6}\b", 6),
    ],
)
def test_min_width_reads_the_pattern(pattern: str, least: int) -> None:
    from exposure_scan.detectors.base import min_width

    assert min_width(pattern) == least


WIDTH_BOUND = [d for d in default_detectors() if d.pattern and min_width(d.pattern) > 1]


@pytest.mark.parametrize("det", WIDTH_BOUND, ids=lambda d: d.ident)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_match_has_the_bytes_min_width_promises(det: Detector, data) -> None:  # type: ignore[no-untyped-def]
    """The width screen skips cells with fewer UTF-8 bytes than ``min_width``: sound only if
    no string the pattern matches is shorter (in Unicode mode: RE2's case folding reaches
    the 3-byte Kelvin sign, never a shorter encoding)."""
    text = data.draw(st.from_regex(det.pattern, fullmatch=True))
    if re2.fullmatch(det.pattern, text) is None:
        return  # Python's and RE2's dialects differ on this draw: RE2 has the last word
    assert len(text.encode("utf-8")) >= min_width(det.pattern), text


def _screen_effect(
    monkeypatch: pytest.MonkeyPatch,
    switch_off: Callable[[], None],
    *,
    lookalikes: bool = False,
    detector: str | None = None,
) -> tuple[object, int, object, int]:
    """(findings and near misses, cells searched) of one batch of a generated table with a
    screen, then again after ``switch_off``: cells counted for ``detector`` only, or all."""
    import exposure_scan.engine as engine
    from exposure_scan.engine import BatchScanner
    from exposure_scan.sources.base import Batch
    from exposure_scan.testing.synthetic import customer_table

    table = customer_table(3000, seed=5, lookalikes=lookalikes).table
    text = pa.table({c: pc.cast(table[c], pa.string()) for c in table.column_names})
    batch = Batch("t", text.combine_chunks().to_batches()[0], 0)
    searched: list[int] = []
    real_find = engine.find

    def counting_find(det, arr, *args, **kwargs):  # type: ignore[no-untyped-def]
        if detector is None or det.name == detector:
            searched.append(len(arr))
        return real_find(det, arr, *args, **kwargs)

    monkeypatch.setattr(engine, "find", counting_find)

    def run() -> tuple[object, int]:
        searched.clear()
        result = BatchScanner(default_detectors(), b"k", False).scan(batch)
        return (result.canonical(), dict(result.near_misses)), sum(searched)

    screened, cells = run()
    switch_off()
    unscreened, all_cells = run()
    return screened, cells, unscreened, all_cells


def test_the_width_screen_changes_nothing_but_the_work(monkeypatch) -> None:
    """Findings and near misses are the same without the width screen, which does drop
    cells (short postcodes and names are not searched for VINs or wallets)."""
    screened, cells, unscreened, all_cells = _screen_effect(
        monkeypatch, lambda: monkeypatch.setattr(screens, "min_width", lambda pattern: 0)
    )
    assert screened == unscreened
    assert cells < all_cells


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"[a-z]+@[a-z]+\.[a-z]{2,}", {(b".", 1), (b".@", 2)}),  # a tie: smaller class first
        (r"\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b", {(b"-", 2)}),
        (r"[*xX\u2022#](?:[ \-]?[*xX\u2022#]){3}", {(b"#*Xx\xe2", 4)}),  # '•': its lead byte
        (r"(?i)[*x]{4}", set()),  # a letter under (?i): RE2 folds letters beyond ASCII
        (r"a\.b|c:d", {(b".:", 1)}),  # the union of its punctuation
        (r"a\.b|cd", set()),  # one branch holds none
        (r"[0-9]{6}", set()),  # digits: the digit screen's job
        (r"\p{L}@", set()),  # RE2-only syntax: no screen
    ],
)
def test_class_screens_read_the_pattern(pattern: str, expected: set[tuple[bytes, int]]) -> None:
    from exposure_scan.detectors.base import class_screens

    got = {(bytes(sorted(members)), least) for members, least in class_screens(pattern)}
    assert got == expected


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (
            r"\b(?:[13][a-z]{25}|bc1[a-z]{8}|0x[0-9a-f]{40})\b",
            ((1, 25, 26), (1, 10, 11), (1, 1, 42)),
        ),
        (r"[0-9]{9}|[A-Z]{2}[0-9]{4}", ((9, 0, 9), (4, 2, 6))),
        (r"(?:ab|cd)ef", ()),  # the alternation is not the whole pattern
        (r"[0-9]{9}", ()),
        (r"\p{L}+|[0-9]{4}", ()),  # RE2-only syntax: no bound
    ],
)
def test_branch_bounds_read_the_pattern(
    pattern: str, expected: tuple[tuple[int, ...], ...]
) -> None:
    from exposure_scan.detectors.base import branch_bounds

    assert branch_bounds(pattern) == expected


BRANCHED = [d for d in default_detectors() if d.pattern and branch_bounds(d.pattern)]


@pytest.mark.parametrize("det", BRANCHED, ids=lambda d: d.ident)
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_every_match_meets_some_branch_bounds(det: Detector, data) -> None:  # type: ignore[no-untyped-def]
    """The branch screen keeps a cell when it meets one alternative's digits, letters and
    bytes: sound only if every string the pattern matches (RE2 confirmed) does, counted as
    the engine counts (every non-ASCII byte a letter)."""
    text = data.draw(st.from_regex(det.pattern, fullmatch=True))
    if re2.fullmatch(det.pattern, text) is None:
        return  # Python's and RE2's dialects differ on this draw: RE2 has the last word
    raw = text.encode("utf-8")
    digits = sum(48 <= b <= 57 for b in raw)
    letters = sum(65 <= b <= 90 or 97 <= b <= 122 or b >= 128 for b in raw)
    assert any(
        digits >= d and letters >= n and len(raw) >= w for d, n, w in branch_bounds(det.pattern)
    ), text


def test_the_branch_screen_changes_nothing_but_the_work(monkeypatch) -> None:
    """Findings and near misses are the same without the branch screen, which drops the
    digit-only cells of order numbers and phones for the wallet detector."""
    screened, cells, unscreened, all_cells = _screen_effect(
        monkeypatch,
        lambda: monkeypatch.setattr(screens, "branch_bounds", lambda pattern: ()),
        lookalikes=True,
        detector="crypto_wallet",
    )
    assert screened == unscreened
    assert cells < 0.75 * all_cells


CLASS_BOUND = [d for d in default_detectors() if d.pattern and class_screens(d.pattern)]


@pytest.mark.parametrize("det", CLASS_BOUND, ids=lambda d: d.ident)
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_every_match_has_the_bytes_class_screens_promise(det: Detector, data) -> None:  # type: ignore[no-untyped-def]
    """A class screen is sound only if every string the pattern matches (RE2 confirmed)
    holds at least ``least`` bytes of the class, counted on its UTF-8 bytes."""
    text = data.draw(st.from_regex(det.pattern, fullmatch=True))
    if re2.fullmatch(det.pattern, text) is None:
        return  # Python's and RE2's dialects differ on this draw: RE2 has the last word
    raw = text.encode("utf-8")
    for members, least in class_screens(det.pattern):
        assert sum(b in members for b in raw) >= least, (text, members)


def test_a_column_of_names_is_not_searched_by_the_union_gate(monkeypatch) -> None:
    """No name holds an ``@``, ``$`` or two of ``.:_``, nor is long enough for a VIN: the
    screens leave the gate no cell, so its union (and each gated detector) never runs."""
    from exposure_scan import engine
    from exposure_scan.engine import GATE_MIN_CELLS, BatchScanner
    from exposure_scan.sources.base import Batch

    names = [
        f"{first} {last}"
        for first in ("Anna", "Jürgen", "Zoë", "Maxime")
        for last in ("Rossi", "Nguyen", "O'Neil")
    ]
    n = GATE_MIN_CELLS + 500
    column = pa.array([names[i % len(names)] for i in range(n)], pa.string())
    batch = Batch("t", pa.record_batch({"x": column}), 0)
    patterns: list[str] = []
    real = engine.regex_mask

    def spy(arr: pa.Array, pattern: str) -> object:
        patterns.append(pattern)
        return real(arr, pattern)

    monkeypatch.setattr(engine, "regex_mask", spy)
    scanner = BatchScanner(default_detectors(), b"k", False)
    scanner.scan(batch)
    assert patterns == []  # the union gate never ran
    running = [d for d in default_detectors() if engine.applies(d, None, False)]
    gate = scanner._gate(running, column, screens.CellScreens(column))
    assert gate is not None and gate.size == 0


def test_the_union_runs_on_the_screened_cells_and_maps_back(monkeypatch) -> None:
    """When many cells pass the screens but few the union, the union runs on the screened
    cells only, and its hits are mapped back to the column's cells: the same findings as
    without any gate."""
    from exposure_scan.engine import GATE_MIN_CELLS, BatchScanner
    from exposure_scan.sources.base import Batch

    n = GATE_MIN_CELLS + 3000
    cells = [
        "Anna Rossi" if i < 2500 else f"10.0.{i % 250}.{i % 7 + 1}" if i % 97 == 0 else "v1.2_z"
        for i in range(n)
    ]
    batch = Batch("t", pa.record_batch({"x": pa.array(cells, pa.string())}), 0)

    def run() -> object:
        result = BatchScanner(default_detectors(), b"k", False).scan(batch)
        return result.canonical(), dict(result.near_misses)

    sizes: list[int] = []
    real = BatchScanner._gate

    def spy(self, running, values, screens=None):  # type: ignore[no-untyped-def]
        out = real(self, running, values, screens)
        sizes.append(-1 if out is None else int(out.size))
        return out

    monkeypatch.setattr(BatchScanner, "_gate", spy)
    monkeypatch.setattr(distinct, "MIN_CELLS", 10**9)  # the gate sees every cell, not 40 values
    gated = run()
    assert sizes and 0 < sizes[0] < n - 2500  # the union kept some screened cells
    monkeypatch.setattr(BatchScanner, "_gate", lambda self, *args: None)
    assert run() == gated
    found, _ = gated
    assert found  # the IP addresses were found
