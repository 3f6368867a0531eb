"""Breach severity by the ENISA (2013) method, with every factor explained.

Method: ENISA, *Recommendations for a methodology of the assessment of severity of personal
data breaches*, working document v1.0, December 2013, DOI 10.2824/27590
(https://www.enisa.europa.eu/publications/dbn-severity). Severity is ``SE = DPC x EI + CB``.

Why a separate score: how sure a detector is that a cell holds a card number says nothing about
how much harm the leak does. This module turns *which* entities leaked, *how they combine* per
person and *what happened* into a severity the reader can check line by line.

The method scores categories of data; the tables below are this library's mapping of detector
entities onto those categories (callers may override any entity's data type).

DPC (data processing context), scored per entity; the dataset gets the **maximum**:

=============  ====  ==============================================================
data type      base  entities and entity-specific rules
=============  ====  ==============================================================
simple         1     PERSON, EMAIL_ADDRESS, PHONE_NUMBER, POSTAL_ADDRESS, LOCATION,
                     DATE_OF_BIRTH, USERNAME, VIN, LICENSE_PLATE and the national IDs
                     (their weight is identification, counted in EI)
behavioural    2     IP_ADDRESS (traffic data)
financial      3     CRYPTO (a wallet address opens its public transaction history);
                     CREDIT_CARD -> 4 (full usable card details);
                     MASKED_CARD, CARD_EXPIRY, CARD_SECURITY_CODE -> 2 (partial card data
                     that cannot be used for a transaction);
                     IBAN_CODE, BANK_ACCOUNT -> 2 (account number without further details);
                     SWIFT_CODE -> 1 (names a bank, so at most shows a customer relation)
sensitive      4     SPECIAL_CATEGORY (GDPR Art. 9)
credentials    1-4   PASSWORD, PASSWORD_HASH: ``Context.credentials_access``; default 2
=============  ====  ==============================================================

Context adjustments (stated by the caller, never guessed): for simple and behavioural data the
score is raised to at least 2 (profiling / social-financial status), 3 (assumptions on health,
sex life, political or religious beliefs) or 4 (minors, vulnerable people). Financial data that
only shows someone is a customer falls to 1, except full card details, which stay 4. Credentials
default to 2 when their reach is not stated: reused passwords open other accounts, so the
lowest score would understate them, while the highest would drown every forum leak in "very high".

EI (ease of identification), from the identifiers seen together for one person; the
dataset gets the maximum over records:

=========== ===== ===========================================================================
level       value combination
=========== ===== ===========================================================================
maximum     1     any national ID or passport; or PERSON + DATE_OF_BIRTH + (EMAIL_ADDRESS |
                  POSTAL_ADDRESS | PHONE_NUMBER)
significant 0.75  PERSON + (POSTAL_ADDRESS | EMAIL_ADDRESS | PHONE_NUMBER); PERSON + DATE_OF_BIRTH
limited     0.5   PERSON, EMAIL_ADDRESS, PHONE_NUMBER or POSTAL_ADDRESS alone
negligible  0.25  none of these (e.g. only IP addresses or only masked cards)
=========== ===== ===========================================================================

PERSON is taken as a full name (the detector cannot tell how common a name is, so the method's
0.25-0.75 range for a name alone is read at its midpoint). PERSON + DATE_OF_BIRTH is this
library's addition: the pair singles out most people without any contact point.

CB (circumstances of the breach), points added: loss of confidentiality 0 / 0.25 (known
recipients) / 0.5 (unknown recipients); loss of integrity 0 / 0.25 (altered data recoverable) /
0.5 (not recoverable); loss of availability 0 / 0.25 (temporary) / 0.5 (permanent); malicious
intent 0.5.

Bands: SE < 2 low; 2 <= SE < 3 medium; 3 <= SE < 4 high; SE >= 4 very high. All inputs are
multiples of 0.25, so scores are exact binary floats and the band edges are exact.

Notification (decision support for GDPR Art. 33/34, derived from the level; the controller
decides): tell the supervisory authority when the level is medium or above, or when more than
100 individuals are affected and the data is intelligible; tell the individuals when the level
is high or above and the data is intelligible (Art. 34(3)(a) exempts unintelligible data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, TypeVar, get_args


class Level(StrEnum):
    """ENISA severity band, ordered from low to very high."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very high"

    @property
    def rank(self) -> int:
        """Position in the order low < medium < high < very high (string order is wrong)."""
        return _LEVEL_ORDER.index(self)


_T = TypeVar("_T")

_LEVEL_ORDER: tuple[Level, ...] = (Level.LOW, Level.MEDIUM, Level.HIGH, Level.VERY_HIGH)


class DataType(StrEnum):
    """ENISA data category of an entity; decides its base DPC."""

    SIMPLE = "simple"
    BEHAVIOURAL = "behavioural"
    FINANCIAL = "financial"
    SENSITIVE = "sensitive"
    CREDENTIALS = "credentials"


_BASE_DPC: dict[DataType, float] = {
    DataType.SIMPLE: 1.0,
    DataType.BEHAVIOURAL: 2.0,
    DataType.FINANCIAL: 3.0,
    DataType.SENSITIVE: 4.0,
}

UNIQUE_IDENTIFIERS: frozenset[str] = frozenset(
    {"US_SSN", "IT_FISCAL_CODE", "UK_NINO", "ES_NIF", "DE_TAX_ID", "FR_NIR", "PASSPORT"}
)
"""Entities that single out one person on their own: EI is maximum wherever one appears."""

_SIMPLE = "PERSON EMAIL_ADDRESS PHONE_NUMBER POSTAL_ADDRESS LOCATION DATE_OF_BIRTH USERNAME VIN"
_FINANCIAL = "CREDIT_CARD MASKED_CARD CARD_EXPIRY CARD_SECURITY_CODE IBAN_CODE BANK_ACCOUNT"
DEFAULT_DATA_TYPES: Mapping[str, DataType] = {
    **dict.fromkeys(
        [*_SIMPLE.split(), "LICENSE_PLATE", *sorted(UNIQUE_IDENTIFIERS)], DataType.SIMPLE
    ),
    "IP_ADDRESS": DataType.BEHAVIOURAL,
    **dict.fromkeys([*_FINANCIAL.split(), "SWIFT_CODE", "CRYPTO"], DataType.FINANCIAL),
    "SPECIAL_CATEGORY": DataType.SENSITIVE,
    "PASSWORD": DataType.CREDENTIALS,
    "PASSWORD_HASH": DataType.CREDENTIALS,
}
"""Data type of every built-in entity; user-defined entities must declare theirs."""

_PARTIAL_CARD = "partial card data that cannot be used for a transaction"
_FULL_CARD = "full usable card details"

# Entity-specific financial scores (value, why); other financial entities take the base 3.
_FINANCIAL_RULES: dict[str, tuple[float, str]] = {
    "CREDIT_CARD": (4.0, _FULL_CARD),
    "MASKED_CARD": (2.0, _PARTIAL_CARD),
    "CARD_EXPIRY": (2.0, f"card expiry without a card number: {_PARTIAL_CARD}"),
    "CARD_SECURITY_CODE": (2.0, f"card security code without a card number: {_PARTIAL_CARD}"),
    "IBAN_CODE": (2.0, "bank account number without further details"),
    "BANK_ACCOUNT": (2.0, "bank account number without further details"),
    "SWIFT_CODE": (1.0, "bank identifier: at most shows the person is a customer of a bank"),
    "CRYPTO": (3.0, "wallet address: exposes its public transaction history"),
}

_DEFAULT_CREDENTIALS_ACCESS = 2

_CONTACTS = frozenset({"EMAIL_ADDRESS", "POSTAL_ADDRESS", "PHONE_NUMBER"})

Confidentiality = Literal["none", "known_recipients", "unknown_recipients"]
Integrity = Literal["none", "recoverable", "irrecoverable"]
Availability = Literal["none", "temporary", "permanent"]

_CONFIDENTIALITY: dict[str, tuple[float, str]] = {
    "none": (0.0, "no evidence that anyone unauthorised processed the data"),
    "known_recipients": (0.25, "exposed to a known number of recipients"),
    "unknown_recipients": (0.5, "exposed to unknown recipients (posted, sold, public)"),
}
_INTEGRITY: dict[str, tuple[float, str]] = {
    "none": (0.0, "data not altered"),
    "recoverable": (0.25, "data altered and possibly used as valid; the original can be recovered"),
    "irrecoverable": (0.5, "data altered and possibly used as valid; the original is lost"),
}
_AVAILABILITY: dict[str, tuple[float, str]] = {
    "none": (0.0, "data still available to the controller"),
    "temporary": (0.25, "data temporarily unavailable"),
    "permanent": (0.5, "data permanently unavailable (cannot be recovered)"),
}


@dataclass(frozen=True)
class Context:
    """Facts about the controller and the people that move DPC, stated by the caller.

    The scanner cannot see who the controller is, so these are inputs, not inferences: the
    same names-and-phones list is harmless at a supermarket and reveals wealth at a luxury-car
    dealer.
    """

    controller: str | None = None  # the controller's business, e.g. "luxury cars"; quoted
    profiling: bool = False  # simple data allows profiling / social-financial status: >= 2
    sensitive_assumptions: bool = False  # ... assumptions on health, sex life, beliefs: >= 3
    vulnerable_individuals: bool = False  # minors or otherwise vulnerable people: >= 4
    financial_shows_only_customer: bool = False  # financial data -> 1 (full card data excepted)
    credentials_access: int | None = None  # 1..4: DPC of what credentials unlock; None -> 2

    def __post_init__(self) -> None:
        access = self.credentials_access
        if access is not None and (
            isinstance(access, bool) or not isinstance(access, int) or not 1 <= access <= 4
        ):
            raise ValueError("credentials_access must be an integer from 1 to 4 or None")


@dataclass(frozen=True)
class Circumstances:
    """What happened in the breach (the CB term); the defaults describe a typical public leak."""

    confidentiality: Confidentiality = "unknown_recipients"
    integrity: Integrity = "none"
    availability: Availability = "none"
    malicious_intent: bool = True

    def __post_init__(self) -> None:
        for name, allowed in (
            ("confidentiality", get_args(Confidentiality)),
            ("integrity", get_args(Integrity)),
            ("availability", get_args(Availability)),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")


@dataclass(frozen=True)
class Factor:
    """One term of the score: its value and the sentence that justifies it."""

    name: str
    value: float
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "value": self.value, "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Factor:
        return cls(
            name=_field(data, "name", str),
            value=_field(data, "value", float),
            reason=_field(data, "reason", str),
        )


@dataclass(frozen=True)
class Severity:
    """An ENISA severity verdict with its factors, flags and notification decision support."""

    score: float
    level: Level
    dpc: Factor
    ei: Factor
    cb: Factor
    cb_parts: tuple[Factor, ...]
    more_than_100_individuals: bool
    data_unintelligible: bool
    notify_authority: bool
    notify_individuals: bool
    notification_reasons: tuple[str, ...]
    dpc_parts: tuple[Factor, ...] = ()
    """Score of every entity present, so a reader sees what the maximum was taken over."""

    def explain(self) -> str:
        """Multi-line explanation naming every factor with its value and reason."""
        lines = [
            f"Severity {_fmt(self.score)} ({self.level}) by ENISA 2013 (DOI 10.2824/27590): "
            f"SE = DPC x EI + CB = {_fmt(self.dpc.value)} x {_fmt(self.ei.value)} "
            f"+ {_fmt(self.cb.value)}",
            f"  {self.dpc.name} {_fmt(self.dpc.value)}: {self.dpc.reason}",
        ]
        lines += [f"    - {p.name} {_fmt(p.value)}: {p.reason}" for p in self.dpc_parts]
        lines.append(f"  {self.ei.name} {_fmt(self.ei.value)}: {self.ei.reason}")
        lines.append(f"  {self.cb.name} {_fmt(self.cb.value)}: {self.cb.reason}")
        lines += [f"    - {p.name} +{_fmt(p.value)}: {p.reason}" for p in self.cb_parts]
        lines.append(
            f"  more than 100 individuals: {_yes(self.more_than_100_individuals)}; "
            f"data unintelligible: {_yes(self.data_unintelligible)}"
        )
        lines.append(
            "  Decision support (GDPR Art. 33/34, derived from the level; the controller decides):"
        )
        lines.append(f"    notify supervisory authority: {_yes(self.notify_authority)}")
        lines.append(f"    notify individuals: {_yes(self.notify_individuals)}")
        lines += [f"    - {r}" for r in self.notification_reasons]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict; :meth:`from_dict` restores an equal object."""
        return {
            "score": self.score,
            "level": self.level.value,
            "dpc": self.dpc.to_dict(),
            "ei": self.ei.to_dict(),
            "cb": self.cb.to_dict(),
            "cb_parts": [p.to_dict() for p in self.cb_parts],
            "dpc_parts": [p.to_dict() for p in self.dpc_parts],
            "more_than_100_individuals": self.more_than_100_individuals,
            "data_unintelligible": self.data_unintelligible,
            "notify_authority": self.notify_authority,
            "notify_individuals": self.notify_individuals,
            "notification_reasons": list(self.notification_reasons),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Severity:
        """Rebuild from :meth:`to_dict` output; raises ``ValueError`` on malformed input."""
        level = data.get("level")
        if not isinstance(level, str) or level not in {lv.value for lv in Level}:
            raise ValueError("level must be one of " + ", ".join(lv.value for lv in Level))
        reasons = data.get("notification_reasons")
        if not isinstance(reasons, list | tuple) or not all(isinstance(r, str) for r in reasons):
            raise ValueError("notification_reasons must be a list of strings")
        return cls(
            score=_field(data, "score", float),
            level=Level(level),
            dpc=Factor.from_dict(_req_map(data, "dpc")),
            ei=Factor.from_dict(_req_map(data, "ei")),
            cb=Factor.from_dict(_req_map(data, "cb")),
            cb_parts=_factors(data, "cb_parts", required=True),
            dpc_parts=_factors(data, "dpc_parts", required=False),
            more_than_100_individuals=_field(data, "more_than_100_individuals", bool),
            data_unintelligible=_field(data, "data_unintelligible", bool),
            notify_authority=_field(data, "notify_authority", bool),
            notify_individuals=_field(data, "notify_individuals", bool),
            notification_reasons=tuple(str(r) for r in reasons),
        )


def score_dpc(
    categories_present: Mapping[str, DataType | str | None] | Iterable[str],
    context: Context = Context(),
) -> tuple[Factor, tuple[Factor, ...]]:
    """DPC of the dataset and the per-entity scores it was taken from.

    The dataset's DPC is the **maximum** over the entities present, never an average: one full
    card number among a million email addresses makes the leak a card leak, and averaging would
    let the many harmless hits dilute it.

    ``categories_present`` is either entity names (built-ins only) or a mapping from entity name
    to its declared :class:`DataType` (or its string value); ``None`` means "use the built-in
    type". An entity with no known type raises ``ValueError`` rather than being guessed low.
    """
    types = _resolve_types(categories_present)
    if not types:
        raise ValueError("no entities present: there is nothing to assess")
    present = frozenset(types)
    parts = tuple(_entity_dpc(entity, types[entity], context, present) for entity in sorted(types))
    worst = max(parts, key=lambda f: f.value)
    tied = [p.name for p in parts if p.value == worst.value]
    also = f" (also {', '.join(tied[1:])})" if len(tied) > 1 else ""
    reason = f"worst entity present is {worst.name}{also}: {worst.reason}"
    return Factor("DPC", worst.value, reason), parts


def score_ei(
    identifiers_per_person: Iterable[AbstractSet[str]],
    *,
    unique_identifiers: AbstractSet[str] = UNIQUE_IDENTIFIERS,
) -> Factor:
    """EI from the identifier combinations seen together for one person; the maximum wins.

    ``unique_identifiers`` lets a caller add user-defined entities that single out a person
    (e.g. an employee number) to the built-in national IDs and passports.
    """
    best = (0.25, "negligible: no name, contact point or national ID seen")
    for combo in identifiers_per_person:
        candidate = _ei_of(frozenset(combo), unique_identifiers)
        if candidate[0] > best[0]:
            best = candidate
    return Factor("EI", best[0], best[1])


def score_cb(circumstances: Circumstances = Circumstances()) -> tuple[Factor, tuple[Factor, ...]]:
    """CB total and its four parts (confidentiality, integrity, availability, intent)."""
    c = circumstances
    parts = (
        Factor("loss of confidentiality", *_CONFIDENTIALITY[c.confidentiality]),
        Factor("loss of integrity", *_INTEGRITY[c.integrity]),
        Factor("loss of availability", *_AVAILABILITY[c.availability]),
        Factor(
            "malicious intent",
            0.5 if c.malicious_intent else 0.0,
            "intentional (theft, hacking, sale)" if c.malicious_intent else "error or accident",
        ),
    )
    total = sum(p.value for p in parts)
    counted = [p.name for p in parts if p.value > 0]
    reason = "sum of " + (", ".join(counted) if counted else "no aggravating circumstance")
    return Factor("CB", total, reason), parts


def level_for(score: float) -> Level:
    """ENISA band of a severity score; each lower edge belongs to the higher band."""
    if score < 2:
        return Level.LOW
    if score < 3:
        return Level.MEDIUM
    if score < 4:
        return Level.HIGH
    return Level.VERY_HIGH


def assess(
    categories_present: Mapping[str, DataType | str | None] | Iterable[str],
    *,
    identifiers_per_person: Iterable[AbstractSet[str]] | None = None,
    context: Context = Context(),
    circumstances: Circumstances = Circumstances(),
    individuals: int,
    unintelligible: bool = False,
    unique_identifiers: AbstractSet[str] = UNIQUE_IDENTIFIERS,
) -> Severity:
    """Score a breach by ENISA 2013 and derive GDPR Art. 33/34 decision support.

    ``categories_present``: entities found (see :func:`score_dpc`). ``identifiers_per_person``:
    the entity sets seen together in one record or person (the verdict layer passes the most
    informative ones); each must be a subset of the entities present. ``None`` assumes every
    present entity co-occurs, the worst case. ``individuals``: number of people affected.
    ``unintelligible``: the data is strongly encrypted and the key was not compromised.
    """
    if isinstance(individuals, bool) or not isinstance(individuals, int) or individuals < 0:
        raise ValueError("individuals must be a non-negative integer")
    dpc, dpc_parts = score_dpc(categories_present, context)
    present = frozenset(p.name for p in dpc_parts)
    if identifiers_per_person is None:
        ei = score_ei([present], unique_identifiers=unique_identifiers)
        ei = Factor(
            ei.name,
            ei.value,
            ei.reason + " (no per-record combinations given: assumed all present entities "
            "occur together, the worst case)",
        )
    else:
        combos = [frozenset(c) for c in identifiers_per_person]
        stray = sorted(set().union(*combos) - present) if combos else []
        if stray:
            raise ValueError(
                "identifiers_per_person names entities not in categories_present: "
                + ", ".join(stray)
            )
        ei = score_ei(combos, unique_identifiers=unique_identifiers)
    cb, cb_parts = score_cb(circumstances)
    score = dpc.value * ei.value + cb.value
    level = level_for(score)
    many = individuals > 100
    authority, people, reasons = _notification(level, many, unintelligible)
    return Severity(
        score=score,
        level=level,
        dpc=dpc,
        ei=ei,
        cb=cb,
        cb_parts=cb_parts,
        more_than_100_individuals=many,
        data_unintelligible=unintelligible,
        notify_authority=authority,
        notify_individuals=people,
        notification_reasons=reasons,
        dpc_parts=dpc_parts,
    )


def _resolve_types(
    categories_present: Mapping[str, DataType | str | None] | Iterable[str],
) -> dict[str, DataType]:
    if isinstance(categories_present, str):
        raise TypeError("categories_present must be a collection of entity names, not a string")
    declared: Mapping[str, DataType | str | None] = (
        categories_present
        if isinstance(categories_present, Mapping)
        else dict.fromkeys(categories_present)
    )
    types: dict[str, DataType] = {}
    unknown: list[str] = []
    for entity, dtype in declared.items():
        if dtype is None:
            if entity not in DEFAULT_DATA_TYPES:
                unknown.append(entity)
                continue
            types[entity] = DEFAULT_DATA_TYPES[entity]
        else:
            try:
                types[entity] = DataType(dtype)
            except ValueError:
                raise ValueError(
                    f"entity {entity} declares unknown data type; use one of "
                    + ", ".join(t.value for t in DataType)
                ) from None
    if unknown:
        raise ValueError(
            "no data type known for entities " + ", ".join(sorted(unknown)) + "; declare one"
        )
    return types


def _entity_dpc(entity: str, dtype: DataType, context: Context, present: frozenset[str]) -> Factor:
    if dtype is DataType.CREDENTIALS:
        access = context.credentials_access
        if access is None:
            why = "credentials, reach not stated: 2, as reused passwords open other accounts"
            return Factor(entity, float(_DEFAULT_CREDENTIALS_ACCESS), why)
        return Factor(
            entity, float(access), f"credentials opening data of DPC {access}" + _by(context)
        )
    if dtype is DataType.FINANCIAL:
        value, why = _FINANCIAL_RULES.get(entity, (3.0, "financial data"))
        if entity == "CREDIT_CARD":
            extras = sorted(present & {"CARD_EXPIRY", "CARD_SECURITY_CODE"})
            if extras:
                why += " (card number with " + ", ".join(extras) + ")"
            if context.financial_shows_only_customer:
                why += "; not lowered by 'only shows a customer': a full card number enables fraud"
            return Factor(entity, value, why)
        if context.financial_shows_only_customer:
            why = "financial data that only shows the person is a customer"
            return Factor(entity, 1.0, why + _by(context))
        return Factor(entity, value, why)
    value = _BASE_DPC[dtype]
    why = f"{dtype.value} data"
    if dtype in (DataType.SIMPLE, DataType.BEHAVIOURAL):
        for floor, flag, text in (
            (2.0, context.profiling, "allows profiling or assumptions on social/financial status"),
            (
                3.0,
                context.sensitive_assumptions,
                "allows assumptions on health, sex life, political or religious beliefs",
            ),
            (4.0, context.vulnerable_individuals, "concerns minors or vulnerable individuals"),
        ):
            if flag and floor > value:
                value = floor
                why = f"{dtype.value} data raised to {_fmt(floor)}: {text}" + _by(context)
    return Factor(entity, value, why)


def _by(context: Context) -> str:
    return f" (controller: {context.controller})" if context.controller else " (stated by caller)"


def _ei_of(combo: frozenset[str], unique_identifiers: AbstractSet[str]) -> tuple[float, str]:
    ids = sorted(combo & unique_identifiers)
    if ids:
        return 1.0, f"maximum: {', '.join(ids)} identifies one person on its own"
    contacts = sorted(combo & _CONTACTS)
    name, dob = "PERSON" in combo, "DATE_OF_BIRTH" in combo
    if name and dob and contacts:
        seen = " + ".join(["PERSON", "DATE_OF_BIRTH", *contacts])
        return 1.0, f"maximum: full name, date of birth and contact point together ({seen})"
    if name and contacts:
        seen = " + ".join(["PERSON", *contacts])
        return 0.75, f"significant: full name with a contact point ({seen})"
    if name and dob:
        return 0.75, "significant: full name with date of birth (PERSON + DATE_OF_BIRTH)"
    single = sorted(combo & (_CONTACTS | {"PERSON"}))
    if single:
        return 0.5, f"limited: {' or '.join(single)} without a combining identifier"
    return 0.25, "negligible: no name, contact point or national ID seen together"


def _notification(
    level: Level, many: bool, unintelligible: bool
) -> tuple[bool, bool, tuple[str, ...]]:
    if level.rank >= Level.MEDIUM.rank:
        authority = True
        to_authority = f"level {level} (SE >= 2): a risk is likely; Art. 33 asks for notice in 72 h"
    elif many and not unintelligible:
        authority = True
        to_authority = "level low, but over 100 people with intelligible data: notify (Art. 33)"
    else:
        authority = False
        why = "the data is unintelligible" if unintelligible else "at most 100 individuals"
        to_authority = f"level low and {why}: a risk looks unlikely; document it (Art. 33(5))"
    high = level.rank >= Level.HIGH.rank
    individuals = high and not unintelligible
    if individuals:
        to_people = f"level {level} (SE >= 3): a high risk is likely; tell them (Art. 34)"
    elif high:
        to_people = f"level {level}, but the data is unintelligible: Art. 34(3)(a) exemption"
    else:
        to_people = f"level {level} (SE < 3) does not indicate a high risk (Art. 34)"
    return (
        authority,
        individuals,
        (
            f"supervisory authority: {to_authority}",
            f"individuals: {to_people}",
            "decision support derived from the ENISA level, not a legal conclusion: the "
            "controller decides and weighs what the score does not capture (EDPB guidance)",
        ),
    )


def _fmt(value: float) -> str:
    return f"{value:g}"


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _field(data: Mapping[str, object], key: str, kind: type[_T]) -> _T:
    value = data.get(key)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{key} must be of type {kind.__name__}")
    return value


def _req_map(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise ValueError(f"{key} must be a mapping")
    return value


def _factors(data: Mapping[str, object], key: str, *, required: bool) -> tuple[Factor, ...]:
    value = data.get(key)
    if value is None and not required:
        return ()
    if not isinstance(value, list | tuple) or not all(isinstance(v, Mapping) for v in value):
        raise ValueError(f"{key} must be a list of factor mappings")
    return tuple(Factor.from_dict(v) for v in value)
