"""Positive controls: proof that a source *could* have shown an entity, before calling it absent.

"No card numbers were found" means something only if a card number, had it been in that file,
would have been found. For every source and entity, documented test values (test PANs, example
IBANs, a valid-check-digit VIN, reserved example domains and numbers) are pushed through the
same path as the source's cells: the source's text encoding, each column's Arrow type and its
conversion to text, the column's role, and the same detector instances. A control that is not
found makes the absence verdict ``inconclusive`` with the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from ..columns import to_string
from ..detectors.base import applies

#: Documented test values per entity: never real people. Sources: card networks' published
#: test PANs; IBAN registry examples; reserved example domains (RFC 2606) and drama-range
#: phone numbers (Ofcom); TEST-NET addresses (RFC 5737).
CONTROL_VALUES: dict[str, tuple[str, ...]] = {
    "CREDIT_CARD": ("4111 1111 1111 1111", "5555555555554444", "2221000000000009"),
    "MASKED_CARD": ("411111******1111",),
    "IBAN_CODE": ("GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"),
    "EMAIL_ADDRESS": ("control.subject@example.com",),
    "PHONE_NUMBER": ("+44 20 7946 0958",),
    "VIN": ("1HGCM82633A004352",),
    "IP_ADDRESS": ("203.0.113.7",),
    "US_SSN": ("536-22-8726",),
    "IT_FISCAL_CODE": ("RSSMRA85T10A562S",),
    "CRYPTO": ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",),
    "PASSWORD_HASH": ("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",),
}


@dataclass(frozen=True)
class ColumnProfile:
    """What the driver saw of one column: enough to replay the cells' path for a control."""

    name: str
    arrow_type: pa.DataType | None
    role: Any
    nul_share: float = 0.0


@dataclass(frozen=True)
class ControlResult:
    source: str
    entity: str
    passed: bool
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "entity": self.entity,
            "passed": self.passed,
            "reason": self.reason,
        }


def _through_type(value: str, arrow_type: pa.DataType | None) -> str | None:
    """The text a value would become in a column of ``arrow_type`` (None: cannot be stored)."""
    if arrow_type is None or pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return value
    digits = "".join(c for c in value if c.isdigit())
    if not (pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type)):
        return value if not pa.types.is_decimal(arrow_type) else None
    if not digits or digits != value.replace(" ", "").replace("-", ""):
        return None  # a numeric column cannot hold this value at all
    try:
        arr = pa.array([float(digits) if pa.types.is_floating(arrow_type) else int(digits)])
        arr = arr.cast(arrow_type)
    except (pa.ArrowInvalid, OverflowError, ValueError):
        return None  # out of the type's range: such a column cannot hold it either
    out = to_string(arr)
    return None if out is None else str(out[0].as_py())


def run_controls(
    source: str,
    encoding: str | None,
    error: str | None,
    columns: Iterable[ColumnProfile],
    scanner: Any,
    entities: Mapping[str, str],
) -> list[ControlResult]:
    """Controls for one source: one result per entity that has control values.

    ``scanner`` is a :class:`~exposure_scan.engine.BatchScanner` holding the same detector
    instances as the scan; ``entities`` maps detector idents to entities (what ran).
    """

    ran = set(entities.values())
    cols = list(columns)
    results = []
    wanted = [e for e in sorted(CONTROL_VALUES) if e in ran]
    found_per_column: dict[str, dict[str, tuple[bool, bool]]] = {}
    paths = _path_memo(scanner)
    for col in cols:
        if error is not None:
            found_per_column[col.name] = {}
            continue
        key = (_path_key(col), tuple(wanted))
        if key not in paths:
            paths[key] = _detect_column(scanner, source, col, wanted)
        found_per_column[col.name] = paths[key]
    for entity, values in sorted(CONTROL_VALUES.items()):
        if entity not in ran:
            results.append(ControlResult(source, entity, False, "no detector for it ran"))
            continue
        if error is not None:
            results.append(ControlResult(source, entity, False, "the source was not fully read"))
            continue
        reason = _codec_problem(values, encoding)
        if reason is None:
            bad = [c.name for c in cols if c.nul_share > 0.01]
            if bad:
                reason = (
                    f"decoded cells of {len(bad)} column(s) contain NUL characters: the "
                    f"detected encoding ({encoding}) is probably wrong"
                )
        if reason is not None:
            results.append(ControlResult(source, entity, False, reason))
            continue
        missed: list[str] = []
        tried = 0
        for col in cols:
            found, applicable = found_per_column[col.name].get(entity, (True, False))
            if not applicable:
                continue
            tried += 1
            if not found:
                missed.append(col.name)
        if missed:
            results.append(
                ControlResult(
                    source,
                    entity,
                    False,
                    f"control value not found through column(s) {', '.join(sorted(set(missed)))}",
                )
            )
        elif tried:
            results.append(ControlResult(source, entity, True, f"found in {tried} column path(s)"))
        else:
            results.append(
                ControlResult(source, entity, True, "no column of this source can hold it")
            )
    return results


def _path_key(col: ColumnProfile) -> tuple[Any, ...]:
    """What decides a control's path through the scanner: the column's Arrow type (numeric or
    text, conversion to text), role kind and entity, and what its header announced (detector
    vetoes and context, the country column). Columns alike in all of these share one run:
    a wide table otherwise pays a scanner pass per column, whatever its row count."""
    role = col.role
    hint = getattr(role, "hint", None)
    return (
        str(col.arrow_type),
        getattr(role, "kind", None),
        getattr(role, "entity", None),
        None if hint is None else (hint.entity, hint.part),
    )


def _path_memo(scanner: Any) -> dict[Any, dict[str, tuple[bool, bool]]]:
    """Results per control path, kept with the scanner (one per scan, same detectors)."""
    memo = getattr(scanner, "_control_paths", None)
    if memo is None:
        memo = {}
        scanner._control_paths = memo
    return memo


def _codec_problem(values: Iterable[str], encoding: str | None) -> str | None:
    if encoding is None:
        return None  # binary columnar formats carry text as UTF-8 by specification
    for v in values:
        try:
            if v.encode(encoding).decode(encoding) != v:
                return f"encoding {encoding} does not carry the control value unchanged"
        except (UnicodeError, LookupError):
            return f"encoding {encoding} cannot carry the control value"
    return None


def _detect_column(
    scanner: Any, source: str, col: ColumnProfile, entities: list[str]
) -> dict[str, tuple[bool, bool]]:
    """entity -> (every control value found, applicable) for one column, in a single scan.

    All control values that the column's type can hold go into one batch under the column's
    name and role; each row is attributed back to the entity whose control it carries.
    """
    from ..sources.base import Batch

    numeric = col.arrow_type is not None and not (
        pa.types.is_string(col.arrow_type) or pa.types.is_large_string(col.arrow_type)
    )
    owners: list[str] = []
    texts: list[str] = []
    out: dict[str, tuple[bool, bool]] = {}
    for entity in entities:
        if not any(d.entity == entity and applies(d, col.role, numeric) for d in scanner.detectors):
            continue
        for v in CONTROL_VALUES[entity]:
            text = _through_type(v, col.arrow_type)
            if text is not None:
                owners.append(entity)
                texts.append(text)
        out[entity] = (False, entity in owners)
    if not texts:
        return out
    rb = pa.RecordBatch.from_arrays([pa.array(texts, pa.string())], names=[col.name])
    batch = Batch(source, rb, 0)
    if col.role is not None:
        batch.roles[col.name] = col.role
    hits: dict[int, set[str]] = scanner.entities_by_row(batch)
    for entity in out:
        mine = [i for i, o in enumerate(owners) if o == entity]
        if mine:
            out[entity] = (all(entity in hits.get(i, ()) for i in mine), True)
    return out
