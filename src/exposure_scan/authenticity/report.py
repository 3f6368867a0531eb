"""The authenticity report: counts, shares and a verdict with its reasons, never a value.

Everything here is a count, a share, a date of the reference's creation-date column, a column
name or a key fingerprint: a report can be handed to a regulator or pasted in a ticket.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from ..errors import ConfigurationError
from .matching import NO_DAY, LeakTally, ReferenceIndex
from .normalise import day_iso

__all__ = [
    "AUTHENTIC",
    "NOT_MATCHING",
    "PARTIALLY_AUTHENTIC",
    "AuthenticityReport",
    "CreatedRange",
    "KeyStats",
    "PairStats",
    "Thresholds",
    "build_report",
]

AUTHENTIC: Final = "authentic"
PARTIALLY_AUTHENTIC: Final = "partially authentic"
NOT_MATCHING: Final = "not matching"


@dataclass(frozen=True)
class Thresholds:
    """Where the verdict changes. ``authentic``: at least ``authentic_match`` of the leaked
    records match the reference *and* at least ``authentic_consistency`` of the cross-checks of
    matched records agree; ``not matching``: fewer than ``not_matching`` match."""

    authentic_match: float = 0.9
    authentic_consistency: float = 0.9
    not_matching: float = 0.1

    def __post_init__(self) -> None:
        for name in ("authentic_match", "authentic_consistency", "not_matching"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigurationError(f"threshold {name} must be a number")
            if not 0.0 <= value <= 1.0:
                raise ConfigurationError(f"threshold {name} must be within [0, 1]")
        if self.not_matching > self.authentic_match:
            raise ConfigurationError("threshold not_matching must not exceed authentic_match")


@dataclass(frozen=True)
class KeyStats:
    """One identifier: how many leaked records carry it and how many of those match."""

    key: str
    leak_records: int
    leak_unusable: int  # a cell was there but normalised to nothing (no @, no phone number)
    matched: int
    share: float | None
    leak_duplicates: int  # records repeating a value of this key seen earlier in the leak
    reference_records: int
    reference_distinct: int
    reference_unusable: int


@dataclass(frozen=True)
class PairStats:
    """Field consistency: of the leaked records matched by ``matched_on`` whose reference
    record holds ``checked_key``, how many carry that record's ``checked_key`` too."""

    matched_on: str
    checked_key: str
    checked: int
    agree: int
    share: float


@dataclass(frozen=True)
class CreatedRange:
    """Creation dates (reference side) of the matched records: when was the data taken?

    The data was taken after ``matched_last``; when ``later_unmatched`` reference records were
    created after it and none of them is in the leak, before ``next_created`` too."""

    columns: tuple[str, ...]
    matched_with_date: int
    matched_first: str | None
    matched_last: str | None
    reference_first: str | None
    reference_last: str | None
    later_unmatched: int
    next_created: str | None


@dataclass(frozen=True)
class AuthenticityReport:
    """Is the leak real? See ``docs/authenticity.md`` for how each number is computed."""

    verdict: str
    reasons: tuple[str, ...]
    thresholds: Thresholds
    keys: tuple[str, ...]
    leak_records: int
    leak_comparable: int
    leak_unreadable: int
    matched: int
    match_share: float | None
    unmatched: int
    unmatched_share: float | None
    keys_matched: dict[int, int]
    multi_key: int
    multi_key_same_record: int
    consistency: float | None
    pairs: tuple[PairStats, ...]
    per_key: tuple[KeyStats, ...]
    duplicates: int
    duplicate_rate: float | None
    reference_records: int
    reference_matched: int
    reference_coverage: float | None
    ambiguous: int
    created: CreatedRange | None
    key_fingerprint: str
    normalisation: str
    leak_columns: tuple[dict[str, str | list[str]], ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["keys_matched"] = {str(k): v for k, v in sorted(self.keys_matched.items())}
        d["reasons"], d["keys"], d["notes"] = list(self.reasons), list(self.keys), list(self.notes)
        d["leak_columns"] = [dict(c) for c in self.leak_columns]
        return d

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, sort_keys=True)

    def summary(self) -> str:
        """A few lines for a human: the verdict, why, and the numbers behind it."""
        lines = [f"Authenticity: {self.verdict.upper()}"]
        lines += [f"  - {r}" for r in self.reasons]
        lines.append(
            f"Leak: {self.leak_records} records, {self.leak_comparable} with a compared "
            f"identifier ({', '.join(self.keys)}); {self.duplicates} duplicates "
            f"({_pct(self.duplicate_rate)})"
        )
        for ks in self.per_key:
            lines.append(
                f"  {ks.key:<8} {ks.matched}/{ks.leak_records} match ({_pct(ks.share)}); "
                f"{ks.leak_unusable} unusable; reference holds {ks.reference_records}"
            )
        lines.append(
            f"Matched on several keys: {self.multi_key} "
            f"({self.multi_key_same_record} on one and the same reference record)"
        )
        lines.append(f"Field consistency: {_pct(self.consistency)}")
        for p in self.pairs:
            lines.append(
                f"  matched by {p.matched_on}, {p.checked_key} agrees: "
                f"{p.agree}/{p.checked} ({_pct(p.share)})"
            )
        lines.append(
            f"Unmatched leaked records: {self.unmatched} ({_pct(self.unmatched_share)}); "
            f"reference records found in the leak: {self.reference_matched}/"
            f"{self.reference_records} ({_pct(self.reference_coverage)}); "
            f"{self.ambiguous} leaked records match several reference records equally well"
        )
        c = self.created
        if c is not None and c.matched_last is not None:
            lines.append(
                f"Matched records were created {c.matched_first} .. {c.matched_last} "
                f"(reference: {c.reference_first} .. {c.reference_last}); "
                f"{c.later_unmatched} reference records created later are not in the leak"
            )
        t = self.thresholds
        lines.append(
            f"Thresholds: authentic >= {t.authentic_match:.0%} match and >= "
            f"{t.authentic_consistency:.0%} consistency; not matching < {t.not_matching:.0%}"
        )
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)


def _pct(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.1%}"


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def verdict(
    match_share: float | None, consistency: float | None, unmatched: int, t: Thresholds
) -> tuple[str, list[str]]:
    """The verdict and the reasons that decided it, thresholds stated."""
    if match_share is None:
        return NOT_MATCHING, ["no leaked record carries an identifier the reference holds"]
    reasons = [f"{match_share:.1%} of comparable leaked records match the reference"]
    if match_share < t.not_matching:
        reasons[0] += f" (below {t.not_matching:.0%}): fabricated, or another company's data"
        return NOT_MATCHING, reasons
    if consistency is None:
        reasons.append(
            "field consistency not measurable (no matched record has a second identifier "
            "to cross-check)"
        )
    elif consistency < t.authentic_consistency:
        reasons.append(
            f"only {consistency:.1%} of cross-checks of matched records agree (below "
            f"{t.authentic_consistency:.0%}): an older copy of the data, or records assembled "
            "from several sources"
        )
    else:
        reasons.append(f"{consistency:.1%} of cross-checks of matched records agree")
    if unmatched:
        reasons.append(
            f"{unmatched} leaked records match nothing: fabricated, or from another source"
        )
    consistent = consistency is None or consistency >= t.authentic_consistency
    if match_share >= t.authentic_match and consistent:
        return AUTHENTIC, reasons
    if match_share < t.authentic_match:
        reasons[0] += f" (below {t.authentic_match:.0%})"
    return PARTIALLY_AUTHENTIC, reasons


def _created(index: ReferenceIndex, tally: LeakTally, columns: tuple[str, ...]) -> CreatedRange:
    days = index.days
    ref = [d for d in days if d != NO_DAY]
    matched = [d for d, m in zip(days, tally.matched_rows, strict=True) if m and d != NO_DAY]
    last = max(matched) if matched else None
    later = [
        d for d, m in zip(days, tally.matched_rows, strict=True) if not m and last is not None
        and d != NO_DAY and d > last
    ]  # fmt: skip
    return CreatedRange(
        columns=columns,
        matched_with_date=len(matched),
        matched_first=day_iso(min(matched)) if matched else None,
        matched_last=day_iso(last) if last is not None else None,
        reference_first=day_iso(min(ref)) if ref else None,
        reference_last=day_iso(max(ref)) if ref else None,
        later_unmatched=len(later),
        next_created=day_iso(min(later)) if later else None,
    )


def build_report(
    index: ReferenceIndex,
    tally: LeakTally,
    *,
    thresholds: Thresholds,
    key_fingerprint: str,
    normalisation: str,
    created_columns: tuple[str, ...],
    leak_unreadable: int = 0,
    leak_columns: tuple[dict[str, str | list[str]], ...] = (),
    notes: tuple[str, ...] = (),
) -> AuthenticityReport:
    keys = tally.keys
    per_key = tuple(
        KeyStats(
            key=k,
            leak_records=tally.with_key[k],
            leak_unusable=tally.unusable[k],
            matched=tally.matched[k],
            share=_share(tally.matched[k], tally.with_key[k]),
            leak_duplicates=tally.key_duplicates[k],
            reference_records=index.with_key[k],
            reference_distinct=index.distinct(k),
            reference_unusable=index.unusable[k],
        )
        for k in keys
    )
    pairs = tuple(
        PairStats(
            a, b, tally.checked[a, b], tally.agree[a, b], tally.agree[a, b] / tally.checked[a, b]
        )
        for a, b in tally.pairs()
    )
    checked = sum(p.checked for p in pairs)
    consistency = _share(sum(p.agree for p in pairs), checked)
    unmatched = tally.keys_matched[0]
    matched = tally.comparable - unmatched
    match_share = _share(matched, tally.comparable)
    decided, reasons = verdict(match_share, consistency, unmatched, thresholds)
    ref_matched = sum(tally.matched_rows)
    has_dates = any(d != NO_DAY for d in index.days)
    return AuthenticityReport(
        verdict=decided,
        reasons=tuple(reasons),
        thresholds=thresholds,
        keys=keys,
        leak_records=tally.records,
        leak_comparable=tally.comparable,
        leak_unreadable=leak_unreadable,
        matched=matched,
        match_share=match_share,
        unmatched=unmatched,
        unmatched_share=_share(unmatched, tally.comparable),
        keys_matched=dict(sorted(tally.keys_matched.items())),
        multi_key=sum(v for n, v in tally.keys_matched.items() if n >= 2),
        multi_key_same_record=tally.same_record,
        consistency=consistency,
        pairs=pairs,
        per_key=per_key,
        duplicates=tally.duplicates,
        duplicate_rate=_share(tally.duplicates, tally.comparable),
        reference_records=index.rows,
        reference_matched=ref_matched,
        reference_coverage=_share(ref_matched, index.rows),
        ambiguous=tally.ambiguous,
        created=_created(index, tally, created_columns) if has_dates else None,
        key_fingerprint=key_fingerprint,
        normalisation=normalisation,
        leak_columns=leak_columns,
        notes=notes,
    )
