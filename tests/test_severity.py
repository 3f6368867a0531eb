"""ENISA 2013 severity arithmetic, the method's worked examples, and the explanation."""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan.verdicts.severity import (
    DEFAULT_DATA_TYPES,
    UNIQUE_IDENTIFIERS,
    Circumstances,
    Context,
    DataType,
    Level,
    Severity,
    assess,
    level_for,
    score_cb,
    score_dpc,
    score_ei,
)

SUPERMARKET = Context(controller="supermarket")
LUXURY_CARS = Context(controller="luxury cars", profiling=True)

# (entities, context, expected DPC, phrase expected in the DPC reason)
DPC_CASES = [
    # ENISA's own examples
    ({"PERSON", "PHONE_NUMBER"}, SUPERMARKET, 1.0, "simple data"),
    ({"PERSON", "PHONE_NUMBER"}, LUXURY_CARS, 2.0, "luxury cars"),
    ({"PERSON", "POSTAL_ADDRESS"}, Context(controller="flower shop"), 1.0, "simple data"),
    (
        {"PERSON", "POSTAL_ADDRESS"},
        Context(controller="investment bank", profiling=True),
        2.0,
        "investment bank",
    ),
    ({"CREDIT_CARD"}, Context(), 4.0, "full usable card details"),
    ({"PERSON", "CREDIT_CARD", "CARD_EXPIRY", "CARD_SECURITY_CODE"}, Context(), 4.0, "CARD_EXPIRY"),
    ({"MASKED_CARD"}, Context(), 2.0, "partial card data that cannot be used for a transaction"),
    # look-alikes of full card data: expiry and CVV without a card number stay partial
    ({"MASKED_CARD", "CARD_EXPIRY", "CARD_SECURITY_CODE"}, Context(), 2.0, "partial card data"),
    ({"IBAN_CODE"}, Context(), 2.0, "without further details"),
    ({"BANK_ACCOUNT", "PERSON"}, Context(), 2.0, "without further details"),
    ({"SWIFT_CODE"}, Context(), 1.0, "customer"),
    ({"CRYPTO"}, Context(), 3.0, "wallet"),
    ({"IBAN_CODE"}, Context(financial_shows_only_customer=True), 1.0, "only shows"),
    ({"CREDIT_CARD"}, Context(financial_shows_only_customer=True), 4.0, "not lowered"),
    ({"SPECIAL_CATEGORY", "EMAIL_ADDRESS"}, Context(), 4.0, "sensitive"),
    ({"IP_ADDRESS"}, Context(), 2.0, "behavioural"),
    ({"IP_ADDRESS"}, Context(profiling=True), 2.0, "behavioural data"),
    ({"EMAIL_ADDRESS"}, Context(sensitive_assumptions=True), 3.0, "health"),
    ({"EMAIL_ADDRESS"}, Context(vulnerable_individuals=True, profiling=True), 4.0, "minors"),
    ({"US_SSN", "PERSON"}, Context(), 1.0, "simple data"),
    ({"PASSWORD", "USERNAME"}, Context(), 2.0, "not stated"),
    ({"PASSWORD_HASH"}, Context(credentials_access=4), 4.0, "credentials"),
    ({"PASSWORD", "EMAIL_ADDRESS"}, Context(credentials_access=1), 1.0, "simple data"),
]


@pytest.mark.parametrize(("entities", "context", "expected", "phrase"), DPC_CASES)
def test_dpc(entities: set[str], context: Context, expected: float, phrase: str) -> None:
    dpc, parts = score_dpc(entities, context)
    assert dpc.value == expected
    assert phrase in dpc.reason
    assert {p.name for p in parts} == entities


def test_dpc_is_the_worst_entity_not_an_average() -> None:
    many = {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "LOCATION", "USERNAME", "CREDIT_CARD"}
    dpc, parts = score_dpc(many)
    assert dpc.value == 4.0
    assert sum(p.value for p in parts) / len(parts) < 2  # what an average would have said


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ({"LOYALTY_ID": DataType.SIMPLE}, 1.0),
        ({"DIAGNOSIS": "sensitive", "PERSON": None}, 4.0),
        ({"SALARY": DataType.FINANCIAL}, 3.0),
        ({"IP_ADDRESS": "simple"}, 1.0),  # a declared type overrides the built-in one
        ({"API_KEY": DataType.CREDENTIALS}, 2.0),
    ],
)
def test_user_defined_entities_use_their_declared_type(
    declared: Mapping[str, DataType | str | None], expected: float
) -> None:
    assert score_dpc(declared)[0].value == expected


@pytest.mark.parametrize(
    ("categories", "error"),
    [
        ({"LOYALTY_ID"}, ValueError),  # user-defined entity without a declared type
        ({"LOYALTY_ID": None}, ValueError),
        ({"PERSON": "secret"}, ValueError),  # not a data type
        (set(), ValueError),
        ("PERSON", TypeError),  # a bare string would be split into letters
    ],
)
def test_dpc_rejects_what_it_cannot_score(categories: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        score_dpc(categories)  # type: ignore[arg-type]


@pytest.mark.parametrize("access", [0, 5, True, "3", 2.0])
def test_credentials_access_must_be_1_to_4(access: object) -> None:
    with pytest.raises(ValueError):
        Context(credentials_access=access)  # type: ignore[arg-type]


EI_CASES = [
    ([{"PERSON", "DATE_OF_BIRTH", "EMAIL_ADDRESS"}], 1.0, "maximum"),
    ([{"PERSON", "DATE_OF_BIRTH", "POSTAL_ADDRESS"}], 1.0, "maximum"),
    ([{"PERSON", "DATE_OF_BIRTH", "PHONE_NUMBER", "IP_ADDRESS"}], 1.0, "maximum"),
    ([{"US_SSN"}], 1.0, "US_SSN"),
    ([{"PASSPORT", "IP_ADDRESS"}], 1.0, "PASSPORT"),
    ([{"FR_NIR"}], 1.0, "FR_NIR"),
    ([{"PERSON", "POSTAL_ADDRESS"}], 0.75, "significant"),
    ([{"PERSON", "EMAIL_ADDRESS"}], 0.75, "significant"),
    ([{"PERSON", "PHONE_NUMBER", "LOCATION"}], 0.75, "significant"),
    ([{"PERSON", "DATE_OF_BIRTH"}], 0.75, "date of birth"),
    ([{"EMAIL_ADDRESS"}], 0.5, "limited"),
    ([{"PHONE_NUMBER"}], 0.5, "limited"),
    ([{"PERSON"}], 0.5, "limited"),
    ([{"DATE_OF_BIRTH", "EMAIL_ADDRESS"}], 0.5, "limited"),  # no name: no combination
    ([{"IP_ADDRESS"}], 0.25, "negligible"),
    ([{"MASKED_CARD", "CARD_EXPIRY"}], 0.25, "negligible"),
    ([{"DATE_OF_BIRTH", "LOCATION", "USERNAME"}], 0.25, "negligible"),
    ([set()], 0.25, "negligible"),
    ([], 0.25, "negligible"),
    # the best record wins...
    ([{"EMAIL_ADDRESS"}, {"PERSON", "DATE_OF_BIRTH", "PHONE_NUMBER"}], 1.0, "maximum"),
    # ...but identifiers spread over different records do not combine
    ([{"PERSON"}, {"DATE_OF_BIRTH"}, {"EMAIL_ADDRESS"}], 0.5, "limited"),
]


@pytest.mark.parametrize(("combos", "expected", "phrase"), EI_CASES)
def test_ei(combos: list[set[str]], expected: float, phrase: str) -> None:
    ei = score_ei([frozenset(c) for c in combos])
    assert ei.value == expected
    assert phrase in ei.reason


def test_ei_accepts_user_defined_unique_identifiers() -> None:
    assert score_ei([frozenset({"EMPLOYEE_ID"})]).value == 0.25
    extended = UNIQUE_IDENTIFIERS | {"EMPLOYEE_ID"}
    assert score_ei([frozenset({"EMPLOYEE_ID"})], unique_identifiers=extended).value == 1.0


CB_POINTS = {
    "confidentiality": {"none": 0.0, "known_recipients": 0.25, "unknown_recipients": 0.5},
    "integrity": {"none": 0.0, "recoverable": 0.25, "irrecoverable": 0.5},
    "availability": {"none": 0.0, "temporary": 0.25, "permanent": 0.5},
}


@pytest.mark.parametrize(
    ("confidentiality", "integrity", "availability", "malicious"),
    list(
        itertools.product(
            CB_POINTS["confidentiality"],
            CB_POINTS["integrity"],
            CB_POINTS["availability"],
            [False, True],
        )
    ),
)
def test_cb_sums_the_four_parts(
    confidentiality: str, integrity: str, availability: str, malicious: bool
) -> None:
    circumstances = Circumstances(confidentiality, integrity, availability, malicious)  # type: ignore[arg-type]
    cb, parts = score_cb(circumstances)
    expected = (
        CB_POINTS["confidentiality"][confidentiality]
        + CB_POINTS["integrity"][integrity]
        + CB_POINTS["availability"][availability]
        + (0.5 if malicious else 0.0)
    )
    assert cb.value == expected
    assert [p.name for p in parts] == [
        "loss of confidentiality",
        "loss of integrity",
        "loss of availability",
        "malicious intent",
    ]


def test_cb_defaults_describe_a_malicious_public_leak() -> None:
    assert score_cb()[0].value == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [{"confidentiality": "public"}, {"integrity": "temporary"}, {"availability": "recoverable"}],
)
def test_circumstances_reject_unknown_values(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        Circumstances(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.0, Level.LOW),
        (1.75, Level.LOW),
        (1.9999999, Level.LOW),
        (2.0, Level.MEDIUM),
        (2.9999999, Level.MEDIUM),
        (3.0, Level.HIGH),
        (3.9999999, Level.HIGH),
        (4.0, Level.VERY_HIGH),
        (6.0, Level.VERY_HIGH),
    ],
)
def test_band_edges(score: float, level: Level) -> None:
    assert level_for(score) == level


FULL_ID = {"PERSON", "DATE_OF_BIRTH", "EMAIL_ADDRESS"}

# (entities, context, circumstances, expected score, level) landing exactly on band edges
ASSESS_CASES = [
    (FULL_ID, Context(), Circumstances(), 2.0, Level.MEDIUM),  # 1 x 1 + 1
    (FULL_ID, LUXURY_CARS, Circumstances(), 3.0, Level.HIGH),  # 2 x 1 + 1
    ({"CREDIT_CARD", "PERSON", "POSTAL_ADDRESS"}, Context(), Circumstances(), 4.0, Level.VERY_HIGH),
    (
        {"MASKED_CARD", "IP_ADDRESS"},
        Context(),
        Circumstances(malicious_intent=False),
        1.0,
        Level.LOW,
    ),
    (
        {"PERSON", "PHONE_NUMBER"},
        SUPERMARKET,
        Circumstances("known_recipients", malicious_intent=False),
        1.0,
        Level.LOW,
    ),
]


@pytest.mark.parametrize(("entities", "context", "circumstances", "score", "level"), ASSESS_CASES)
def test_assess_arithmetic(
    entities: set[str], context: Context, circumstances: Circumstances, score: float, level: Level
) -> None:
    severity = assess(entities, context=context, circumstances=circumstances, individuals=10)
    assert severity.score == score
    assert severity.level == level
    assert severity.score == severity.dpc.value * severity.ei.value + severity.cb.value


def test_assess_uses_per_record_combinations_when_given() -> None:
    spread = [frozenset({"PERSON"}), frozenset({"DATE_OF_BIRTH", "EMAIL_ADDRESS"})]
    apart = assess(FULL_ID, identifiers_per_person=spread, individuals=10)
    together = assess(FULL_ID, individuals=10)
    assert apart.ei.value == 0.5
    assert together.ei.value == 1.0
    assert "worst case" in together.ei.reason


def test_assess_rejects_combinations_naming_absent_entities() -> None:
    with pytest.raises(ValueError, match="US_SSN"):
        assess({"PERSON"}, identifiers_per_person=[frozenset({"US_SSN"})], individuals=1)


@pytest.mark.parametrize("individuals", [-1, True, 2.5])
def test_assess_rejects_bad_individual_counts(individuals: object) -> None:
    with pytest.raises(ValueError):
        assess({"PERSON"}, individuals=individuals)  # type: ignore[arg-type]


LOW = ({"IP_ADDRESS"}, Context())  # 2 x 0.25 + 1 = 1.5
MEDIUM = (FULL_ID, Context())  # 2.0
HIGH = (FULL_ID, LUXURY_CARS)  # 3.0

# (case, individuals, unintelligible, notify authority, notify individuals)
NOTIFY_CASES = [
    (LOW, 100, False, False, False),
    (LOW, 101, False, True, False),
    (LOW, 101, True, False, False),
    (LOW, 5, True, False, False),
    (MEDIUM, 5, False, True, False),
    (MEDIUM, 5, True, True, False),
    (HIGH, 5, False, True, True),
    (HIGH, 5000, True, True, False),
]


@pytest.mark.parametrize(
    ("case", "individuals", "unintelligible", "authority", "people"), NOTIFY_CASES
)
def test_notification_decision_support(
    case: tuple[set[str], Context],
    individuals: int,
    unintelligible: bool,
    authority: bool,
    people: bool,
) -> None:
    entities, context = case
    severity = assess(
        entities, context=context, individuals=individuals, unintelligible=unintelligible
    )
    assert severity.notify_authority is authority
    assert severity.notify_individuals is people
    assert severity.more_than_100_individuals is (individuals > 100)
    assert severity.data_unintelligible is unintelligible
    joined = " ".join(severity.notification_reasons)
    assert "Art. 33" in joined
    assert "Art. 34" in joined
    assert "decision support" in joined


def test_explain_mentions_every_factor() -> None:
    severity = assess(
        {"PERSON", "PHONE_NUMBER", "MASKED_CARD"},
        context=LUXURY_CARS,
        circumstances=Circumstances("known_recipients", "recoverable", "temporary", True),
        individuals=250,
    )
    text = severity.explain()
    assert len(text.splitlines()) > 10
    for factor in (severity.dpc, severity.ei, severity.cb, *severity.cb_parts, *severity.dpc_parts):
        assert factor.name in text
        assert factor.reason in text
    for value in ("2.75", "0.75", "1.25"):
        assert value in text
    assert "luxury cars" in text
    assert "ENISA" in text
    assert str(severity.level) in text
    for reason in severity.notification_reasons:
        assert reason in text


def test_dict_round_trip_through_json() -> None:
    severity = assess(
        {"CREDIT_CARD", "PERSON", "EMAIL_ADDRESS"},
        context=Context(controller="web shop"),
        individuals=1000,
    )
    data = json.loads(json.dumps(severity.to_dict()))
    assert Severity.from_dict(data) == severity


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("level", "severe"),
        ("score", "3"),
        ("score", True),
        ("notify_authority", "yes"),
        ("dpc", None),
        ("cb_parts", [{"name": "x", "value": 1}]),
        ("notification_reasons", "not a list"),
    ],
)
def test_from_dict_rejects_malformed_input(key: str, bad: object) -> None:
    data = assess({"PERSON"}, individuals=1).to_dict()
    data[key] = bad
    with pytest.raises(ValueError):
        Severity.from_dict(data)


ENTITIES = sorted(DEFAULT_DATA_TYPES)
contexts = st.builds(
    Context,
    controller=st.none() | st.sampled_from(["supermarket", "clinic"]),
    profiling=st.booleans(),
    sensitive_assumptions=st.booleans(),
    vulnerable_individuals=st.booleans(),
    financial_shows_only_customer=st.booleans(),
    credentials_access=st.none() | st.integers(min_value=1, max_value=4),
)
circumstances_st = st.builds(
    Circumstances,
    confidentiality=st.sampled_from(list(CB_POINTS["confidentiality"])),
    integrity=st.sampled_from(list(CB_POINTS["integrity"])),
    availability=st.sampled_from(list(CB_POINTS["availability"])),
    malicious_intent=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    entities=st.sets(st.sampled_from(ENTITIES), min_size=1),
    extra=st.sampled_from(ENTITIES),
    context=contexts,
    circumstances=circumstances_st,
    individuals=st.integers(min_value=0, max_value=10**6),
    unintelligible=st.booleans(),
)
def test_assess_invariants(
    entities: set[str],
    extra: str,
    context: Context,
    circumstances: Circumstances,
    individuals: int,
    unintelligible: bool,
) -> None:
    severity = assess(
        entities,
        context=context,
        circumstances=circumstances,
        individuals=individuals,
        unintelligible=unintelligible,
    )
    assert severity.score == severity.dpc.value * severity.ei.value + severity.cb.value
    assert severity.level == level_for(severity.score)
    assert severity.dpc.value == max(p.value for p in severity.dpc_parts)
    assert 1.0 <= severity.dpc.value <= 4.0
    assert severity.ei.value in {0.25, 0.5, 0.75, 1.0}
    assert 0.0 <= severity.cb.value <= 2.0
    assert severity.notify_individuals <= severity.notify_authority
    assert Severity.from_dict(severity.to_dict()) == severity
    # worst case: one more entity can never lower the score
    more = assess(
        entities | {extra},
        context=context,
        circumstances=circumstances,
        individuals=individuals,
        unintelligible=unintelligible,
    )
    assert more.score >= severity.score
