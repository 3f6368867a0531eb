"""Detectors: vectorised candidates, then validation.

:func:`default_detectors` is the catalogue the scanner runs when the caller names none: one
instance of every built-in detector, in a stable order (reports and baselines list them so).

Your own detectors
------------------
Subclass :class:`~exposure_scan.detectors.base.Detector` for anything with logic, or declare
one at run time:

``PatternDetector.build(entity, pattern, validator=None, name=None, context=(), score=0.8)``
    A detector from an RE2 pattern (no look-around, no back-references: it runs over whole
    Arrow arrays) and an optional pure ``validator(str) -> bool``. ``context`` restricts it to
    columns whose role names one of those entities. The result pickles (worker processes
    receive detectors by pickle) as long as ``validator`` is a module-level function::

        EMPLOYEE_ID = PatternDetector.build("EMPLOYEE_ID", r"\\bEMP-[0-9]{6}\\b")
        scan("leak/", detectors=[*default_detectors(), EMPLOYEE_ID])

``TermsDetector(entity, terms, *, case_sensitive=False, whole_word=True)``
    A deny-list: any of ``terms`` (a car maker's unreleased model names, project code names),
    compiled to one escaped RE2 alternation, longest term first. ``whole_word`` puts word
    boundaries at the ends of terms that begin or end with an ASCII letter, digit or ``_``
    (RE2's ``\\b`` is ASCII-only, so a term such as ``Škoda`` is matched without one there).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from .base import Detector, Hits, compile_re2, find
from .contact import EmailDetector
from .credentials import (
    HexPasswordHashDetector,
    PasswordDetector,
    PasswordHashDetector,
    UsernameDetector,
)
from .identity import (
    DateOfBirthDetector,
    DeTaxIdDetector,
    EsNifDetector,
    FrNirColumnDetector,
    FrNirDetector,
    ItFiscalCodeDetector,
    PassportDetector,
    UkNinoDetector,
    UsSsnBareDetector,
    UsSsnDetector,
)
from .online import IpAddressDetector
from .payment import (
    BankAccountDetector,
    CardExpiryDetector,
    CardSecurityCodeDetector,
    CreditCardDetector,
    CryptoWalletDetector,
    IbanDetector,
    MaskedCardDetector,
    SwiftCodeDetector,
)
from .phone import PhoneDetector
from .vehicle import LicensePlateDetector, VinDetector

__all__ = [
    "BankAccountDetector",
    "CardExpiryDetector",
    "CardSecurityCodeDetector",
    "CreditCardDetector",
    "CryptoWalletDetector",
    "DateOfBirthDetector",
    "DeTaxIdDetector",
    "Detector",
    "EmailDetector",
    "EsNifDetector",
    "FrNirColumnDetector",
    "FrNirDetector",
    "HexPasswordHashDetector",
    "Hits",
    "IbanDetector",
    "IpAddressDetector",
    "ItFiscalCodeDetector",
    "LicensePlateDetector",
    "MaskedCardDetector",
    "PassportDetector",
    "PasswordDetector",
    "PasswordHashDetector",
    "PatternDetector",
    "PhoneDetector",
    "SwiftCodeDetector",
    "TermsDetector",
    "UkNinoDetector",
    "UsSsnBareDetector",
    "UsSsnDetector",
    "UsernameDetector",
    "VinDetector",
    "default_detectors",
    "find",
]

_CATALOGUE: tuple[type[Detector], ...] = (
    EmailDetector,
    PhoneDetector,
    CreditCardDetector,
    MaskedCardDetector,
    CardExpiryDetector,
    CardSecurityCodeDetector,
    IbanDetector,
    SwiftCodeDetector,
    BankAccountDetector,
    CryptoWalletDetector,
    UsSsnDetector,
    UsSsnBareDetector,
    ItFiscalCodeDetector,
    UkNinoDetector,
    EsNifDetector,
    DeTaxIdDetector,
    FrNirDetector,
    FrNirColumnDetector,
    PassportDetector,
    DateOfBirthDetector,
    IpAddressDetector,
    VinDetector,
    LicensePlateDetector,
    PasswordDetector,
    PasswordHashDetector,
    HexPasswordHashDetector,
    UsernameDetector,
)


def default_detectors() -> list[Detector]:
    """A fresh instance of every built-in detector, in a stable order.

    Pattern detectors first, then the structured-cell detectors that only run in columns whose
    role column inference confirmed (names, street lines, places).
    """
    from .context import context_detectors
    from .structured import structured_detectors

    return [cls() for cls in _CATALOGUE] + structured_detectors() + context_detectors()


# --------------------------------------------------------------------------- run-time detectors


@dataclass(frozen=True)
class _Spec:
    """Everything a run-time detector is made of; hashable, so equal specs share one class."""

    entity: str
    pattern: str
    validator: Callable[[str], object] | None
    name: str
    context: frozenset[str]
    score: float
    numeric: bool
    prefilter: str | None
    version: str
    normalise_case: bool
    terms: tuple[str, ...]


_CLASSES: dict[tuple[_Spec, type[Detector]], type[Detector]] = {}


def _check_pattern(pattern: str) -> None:
    """Fail at declaration, not mid-scan, on a pattern RE2 or Arrow refuses (look-around...)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        compile_re2(pattern)
        pc.match_substring_regex(pa.array([""], pa.string()), pattern)
    except Exception as exc:
        raise ValueError(f"pattern is not valid RE2 syntax: {exc}") from None


def _class_for(spec: _Spec, base: type[Detector]) -> type[Detector]:
    key = (spec, base)
    cls = _CLASSES.get(key)
    if cls is None:
        attrs: dict[str, Any] = {
            "entity": spec.entity,
            "name": spec.name,
            "version": spec.version,
            "pattern": spec.pattern,
            "prefilter": spec.prefilter,
            "score": spec.score,
            "numeric": spec.numeric,
            "context": spec.context,
            "_spec": spec,
            "__module__": __name__,
        }
        cls = _CLASSES[key] = type(f"{base.__name__}[{spec.name}]", (base,), attrs)
    return cls


def _rebuild(spec: _Spec, base: type[Detector]) -> Detector:
    """Unpickling entry point: the class is re-created from the spec in the worker process."""
    obj: Detector = object.__new__(_class_for(spec, base))
    return obj


class PatternDetector(Detector):
    """Base of detectors declared at run time with :meth:`build` (see the module docstring)."""

    _spec: ClassVar[_Spec]

    @classmethod
    def build(
        cls,
        entity: str,
        pattern: str,
        validator: Callable[[str], object] | None = None,
        name: str | None = None,
        context: Iterable[str] = (),
        score: float = 0.8,
        *,
        numeric: bool = False,
        prefilter: str | None = None,
        version: str = "1",
    ) -> PatternDetector:
        """A detector instance of a class created for this declaration."""
        spec = _make_spec(
            entity, pattern, validator, name, context, score, numeric, prefilter, version
        )
        obj = _rebuild(spec, PatternDetector)
        assert isinstance(obj, PatternDetector)
        return obj

    def validate(self, value: str) -> bool:
        validator = self._spec.validator
        return True if validator is None else bool(validator(value))

    def normalise(self, value: str) -> str:
        return value.lower() if self._spec.normalise_case else value

    def __reduce__(self) -> tuple[Any, ...]:
        base = TermsDetector if isinstance(self, TermsDetector) else PatternDetector
        return (_rebuild, (self._spec, base))


def _make_spec(
    entity: str,
    pattern: str,
    validator: Callable[[str], object] | None,
    name: str | None,
    context: Iterable[str],
    score: float,
    numeric: bool,
    prefilter: str | None,
    version: str = "1",
    *,
    normalise_case: bool = False,
    terms: tuple[str, ...] = (),
) -> _Spec:
    if not entity or not entity.replace("_", "").isalnum():
        raise ValueError("entity must be a name such as EMPLOYEE_ID")
    if not 0.0 < score <= 1.0:
        raise ValueError("score must be in (0, 1]")
    if validator is not None and not callable(validator):
        raise TypeError("validator must be callable")
    _check_pattern(pattern)
    if prefilter is not None:
        _check_pattern(prefilter)
    if isinstance(context, str):
        context = (context,)
    return _Spec(
        entity=entity,
        pattern=pattern,
        validator=validator,
        name=name or f"custom_{entity.lower()}",
        context=frozenset(context),
        score=float(score),
        numeric=numeric,
        prefilter=prefilter,
        version=version,
        normalise_case=normalise_case,
        terms=terms,
    )


_RE2_SPECIAL = frozenset("\\.+*?()|[]{}^$#&~-")


def _escape(term: str) -> str:
    return "".join("\\" + c if c in _RE2_SPECIAL else c for c in term)


def _is_word(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


def _unique_terms(terms: Iterable[str]) -> tuple[str, ...]:
    if isinstance(terms, str):
        terms = (terms,)
    unique = sorted({t.strip() for t in terms if t and t.strip()}, key=lambda t: (-len(t), t))
    if not unique:
        raise ValueError("terms must hold at least one non-blank term")
    return tuple(unique)


def terms_pattern(terms: Iterable[str], *, case_sensitive: bool, whole_word: bool) -> str:
    """One RE2 alternation of the escaped terms, longest first (RE2 is leftmost-first, so
    ``Model S Plaid`` must be tried before ``Model S``)."""
    unique = _unique_terms(terms)
    parts = []
    for term in unique:
        body = _escape(term)
        if whole_word:
            head = "\\b" if _is_word(term[0]) else ""
            body = head + body + ("\\b" if _is_word(term[-1]) else "")
        parts.append(body)
    return ("" if case_sensitive else "(?i)") + "(?:" + "|".join(parts) + ")"


class TermsDetector(PatternDetector):
    """A deny-list of terms (see the module docstring). Matching is all the validation there
    is: a term is exposed wherever it occurs."""

    def __new__(
        cls,
        entity: str,
        terms: Iterable[str],
        *,
        case_sensitive: bool = False,
        whole_word: bool = True,
        name: str | None = None,
        context: Iterable[str] = (),
        score: float = 0.8,
    ) -> TermsDetector:
        unique = _unique_terms(terms)
        pattern = terms_pattern(unique, case_sensitive=case_sensitive, whole_word=whole_word)
        spec = _make_spec(
            entity,
            pattern,
            None,
            name or f"terms_{entity.lower()}",
            context,
            score,
            False,
            None,
            normalise_case=not case_sensitive,
            terms=unique,
        )
        obj = _rebuild(spec, TermsDetector)
        assert isinstance(obj, TermsDetector)
        return obj

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Everything happened in ``__new__``; the arguments are not needed again."""

    @property
    def terms(self) -> tuple[str, ...]:
        """The distinct terms, longest first."""
        return self._spec.terms
