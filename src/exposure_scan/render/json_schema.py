"""The JSON Schema of ``Report.to_json()``, and a validator that works without dependencies.

The schema lives in code so an installed package can validate reports (``exposure-scan
schema`` prints it); ``docs/report.schema.json`` is its published copy and a test keeps the two
identical. It is *open* (unknown fields allowed): minor schema versions add fields, and a reader
must keep working. Findings are the exception that matters: a finding that carries a raw
``value`` is invalid, so a report validated here never contains unmasked data.

:func:`validate_report` uses ``jsonschema`` when installed; otherwise a small validator covering
exactly the keywords used here (type, enum, const, properties, required,
additionalProperties, items, minimum, $ref, anyOf, not).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["REPORT_SCHEMA", "report_schema", "validate_report", "validate_with_fallback"]

_STR = {"type": "string"}
_INT = {"type": "integer", "minimum": 0}
_NUM = {"type": "number"}
_BOOL = {"type": "boolean"}
_OPT_STR = {"type": ["string", "null"]}
_COUNTS = {"type": "object", "additionalProperties": _INT}
_STATUS = {"enum": ["present", "absent", "inconclusive"]}


def _obj(props: dict[str, Any], description: str = "", *, closed: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object"}
    if description:
        out["description"] = description
    out["properties"] = props
    out["required"] = sorted(props)
    if closed:
        out["additionalProperties"] = False
    return out


_COVERAGE = _obj(
    {
        "sources": _INT,
        "sources_failed": _INT,
        "records_read": _INT,
        "records_unreadable": _INT,
        "cells_scanned": _INT,
        "cells_skipped": _INT,
        "complete": _BOOL,
    },
    "What was read: absence claims need complete coverage.",
)
_CONTROL = _obj(
    {"source": _STR, "entity": _STR, "passed": _BOOL, "reason": _STR},
    "Positive control: a documented test value pushed through the source's path.",
)
_FACTOR = _obj({"name": _STR, "value": _NUM, "reason": _STR}, "One term of the ENISA score.")

REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:exposure-scan:report:1",
    "title": "exposure_scan report",
    "description": "Report.to_json(): what a scan read, found (masked) and concluded.",
    "type": "object",
    "required": [
        "schema_version",
        "meta",
        "detectors",
        "sources",
        "coverage",
        "notes",
        "columns",
        "skipped",
        "near_misses",
        "counts",
        "distinct",
        "controls",
        "sampling",
        "categories",
        "policy",
        "context",
        "circumstances",
        "verdicts",
        "people",
        "severity",
        "findings",
    ],
    "properties": {
        "schema_version": {
            "type": "string",
            "description": "MAJOR.MINOR; readers reject another major version.",
        },
        "meta": {
            "type": "object",
            "description": "The run: tool, version, times (Unix seconds), hash-key fingerprint.",
            "required": ["tool", "version", "started", "finished", "key_fingerprint"],
            "properties": {
                "tool": {"const": "exposure_scan"},
                "version": _STR,
                "started": _NUM,
                "finished": _NUM,
                "workers": _INT,
                "key_fingerprint": _STR,
                "key_supplied": _BOOL,
            },
        },
        "detectors": {
            "type": "object",
            "description": "Detector ident (name@version) -> entity, for every detector that ran.",
            "additionalProperties": _STR,
        },
        "sources": {
            "type": "array",
            "description": "Accounting of every source: file, archive member or table.",
            "items": _obj(
                {
                    "source": _STR,
                    "path": _STR,
                    "format": _STR,
                    "encoding": _OPT_STR,
                    "compression": {"type": "array", "items": _STR},
                    "size": _INT,
                    "sha256": _STR,
                    "records_read": _INT,
                    "records_unreadable": _INT,
                    "unreadable_reasons": _COUNTS,
                    "unreadable_examples": {"type": "array", "items": _INT},
                    "error": _OPT_STR,
                    "notes": {"type": "array", "items": _STR},
                }
            ),
        },
        "coverage": {"$ref": "#/$defs/coverage"},
        "notes": {"type": "array", "items": _STR, "description": "Notes about the scan."},
        "columns": {
            "type": "array",
            "description": "Cells scanned per column, with the column's role.",
            "items": _obj(
                {
                    "source": _STR,
                    "column": _STR,
                    "cells_scanned": _INT,
                    "role": {
                        "anyOf": [
                            {"type": "null"},
                            {
                                "type": "object",
                                "properties": {
                                    "kind": _STR,
                                    "entity": _OPT_STR,
                                    "header": _OPT_STR,
                                    "evidence": _STR,
                                },
                            },
                        ]
                    },
                }
            ),
        },
        "skipped": {
            "type": "array",
            "description": "Cells present but not scannable, per column and reason.",
            "items": _obj({"source": _STR, "column": _STR, "reason": _STR, "cells": _INT}),
        },
        "anomalies": {
            "type": "array",
            "description": "Decoding anomalies per column (e.g. NUL characters), cells affected.",
            "items": _obj({"source": _STR, "column": _STR, "kind": _STR, "cells": _INT}),
        },
        "near_misses": {
            "type": "array",
            "description": "Shape matched, validation (checksum) failed.",
            "items": _obj({"source": _STR, "column": _STR, "entity": _STR, "count": _INT}),
        },
        "counts": {**_COUNTS, "description": "Occurrences per entity."},
        "distinct": {**_COUNTS, "description": "Distinct values (keyed hashes) per entity."},
        "controls": {"type": "array", "items": {"$ref": "#/$defs/control"}},
        "sampling": {
            "description": "null for an exhaustive scan.",
            "anyOf": [
                {"type": "null"},
                _obj(
                    {
                        "sample": _NUM,
                        "seed": {"type": "integer"},
                        "records_seen": _COUNTS,
                        "records_scanned": _COUNTS,
                    }
                ),
            ],
        },
        "categories": {
            "type": "object",
            "description": "Caller-defined categories: name -> entities.",
            "additionalProperties": {"type": "array", "items": _STR},
        },
        "policy": _obj(
            {"must_be_absent": {"type": "array", "items": _STR}},
            "Names that must be absent; a report violates it if any verdict is not absent.",
        ),
        "context": _obj(
            {
                "controller": _OPT_STR,
                "profiling": _BOOL,
                "sensitive_assumptions": _BOOL,
                "vulnerable_individuals": _BOOL,
                "financial_shows_only_customer": _BOOL,
                "credentials_access": {"type": ["integer", "null"]},
            },
            "ENISA context stated by the caller.",
        ),
        "circumstances": _obj(
            {
                "confidentiality": {"enum": ["none", "known_recipients", "unknown_recipients"]},
                "integrity": {"enum": ["none", "recoverable", "irrecoverable"]},
                "availability": {"enum": ["none", "temporary", "permanent"]},
                "malicious_intent": _BOOL,
            },
            "ENISA circumstances of the breach (the CB term).",
        ),
        "verdicts": {
            "type": "object",
            "description": "Built-in category -> verdict.",
            "additionalProperties": {"$ref": "#/$defs/verdict"},
        },
        "people": _obj(
            {
                "count": _INT,
                "records": _INT,
                "linked_by": _COUNTS,
            },
            "Distinct people after linking records by email, phone, name+address hashes.",
        ),
        "severity": {
            "description": "ENISA 2013 severity; null when no personal data was found.",
            "anyOf": [{"type": "null"}, {"$ref": "#/$defs/severity"}],
        },
        "findings": {
            "type": "array",
            "description": "One row per finding, canonical order; masked values and keyed hashes.",
            "items": {"$ref": "#/$defs/finding"},
        },
    },
    "$defs": {
        "coverage": _COVERAGE,
        "control": _CONTROL,
        "factor": _FACTOR,
        "verdict": _obj(
            {
                "name": _STR,
                "entities": {"type": "array", "items": _STR},
                "status": _STATUS,
                "occurrences": _INT,
                "counts": _COUNTS,
                "reasons": {"type": "array", "items": _STR},
                "detectors": {"type": "array", "items": _STR},
                "coverage": {"$ref": "#/$defs/coverage"},
                "near_misses": _INT,
                "distinct": _COUNTS,
                "sampled": _BOOL,
                "prevalence_upper_bound": {"type": ["number", "null"]},
                "partial": _BOOL,
                "controls": {"type": "array", "items": {"$ref": "#/$defs/control"}},
            },
            "present / absent / inconclusive, with every reason.",
        ),
        "severity": _obj(
            {
                "score": _NUM,
                "level": {"enum": ["low", "medium", "high", "very high"]},
                "dpc": {"$ref": "#/$defs/factor"},
                "ei": {"$ref": "#/$defs/factor"},
                "cb": {"$ref": "#/$defs/factor"},
                "cb_parts": {"type": "array", "items": {"$ref": "#/$defs/factor"}},
                "dpc_parts": {"type": "array", "items": {"$ref": "#/$defs/factor"}},
                "more_than_100_individuals": _BOOL,
                "data_unintelligible": _BOOL,
                "notify_authority": _BOOL,
                "notify_individuals": _BOOL,
                "notification_reasons": {"type": "array", "items": _STR},
            },
            "SE = DPC x EI + CB, every factor with its reason.",
        ),
        "finding": {
            **_obj(
                {
                    "source": _STR,
                    "row": _INT,
                    "column": _STR,
                    "entity": _STR,
                    "start": _INT,
                    "end": _INT,
                    "score": _NUM,
                    "masked": _STR,
                    "value_hash": _STR,
                    "detector": _STR,
                },
                "A finding: where, what, the masked value and its keyed HMAC-SHA256 hash.",
            ),
            "not": {"required": ["value"]},
        },
    },
}


def report_schema() -> dict[str, Any]:
    """The report JSON Schema (a deep copy: callers may modify it)."""
    import copy

    return copy.deepcopy(REPORT_SCHEMA)


def validate_report(data: Any, schema: Mapping[str, Any] | None = None) -> list[str]:
    """Errors of ``data`` (a parsed report) against the schema; empty when valid.

    Messages give the JSON path and the rule broken, never the offending value.
    """
    schema = REPORT_SCHEMA if schema is None else schema
    try:
        import jsonschema
    except ImportError:
        return validate_with_fallback(data, schema)
    validator = jsonschema.Draft202012Validator(schema)
    # jsonschema's own messages quote the instance, which may be a raw value: name the rule.
    return sorted(
        f"{_path(list(e.absolute_path))}: "
        + (e.message if e.validator == "required" else f"fails {e.validator!r}")
        + ("" if e.validator == "required" else f" {_brief(e.validator_value)}")
        for e in validator.iter_errors(data)
    )


def _brief(rule: Any) -> str:
    text = repr(rule)
    return text if len(text) <= 80 else text[:77] + "..."


def _path(parts: list[Any]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


_TYPES: dict[str, Any] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: (
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    ),
}


def validate_with_fallback(data: Any, schema: Mapping[str, Any]) -> list[str]:
    """The dependency-free validator (the keyword subset this schema uses)."""
    errors: list[str] = []
    _check(data, schema, schema, [], errors)
    return sorted(errors)


def _check(
    value: Any, node: Mapping[str, Any], root: Mapping[str, Any], at: list[Any], errors: list[str]
) -> None:
    where = _path(at)
    if "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported, not {ref!r}")
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        _check(value, target, root, at, errors)
    kinds = node.get("type")
    if kinds is not None:
        names = [kinds] if isinstance(kinds, str) else list(kinds)
        if not any(_TYPES[k](value) for k in names):
            errors.append(f"{where}: {type(value).__name__} is not of type {' or '.join(names)}")
            return
    if "const" in node and value != node["const"]:
        errors.append(f"{where}: {node['const']!r} was expected")
    if "enum" in node and value not in node["enum"]:
        errors.append(f"{where}: not one of {node['enum']}")
    if "minimum" in node and isinstance(value, (int, float)) and value < node["minimum"]:
        errors.append(f"{where}: less than the minimum of {node['minimum']}")
    if "anyOf" in node:
        branches = []
        for sub in node["anyOf"]:
            errs: list[str] = []
            _check(value, sub, root, at, errs)
            branches.append(errs)
        if all(branches):
            errors.append(f"{where}: matches none of anyOf ({'; '.join(branches[0])})")
    if "not" in node:
        errs = []
        _check(value, node["not"], root, at, errs)
        if not errs:
            errors.append(f"{where}: fails 'not' {_brief(node['not'])}")
    if isinstance(value, dict):
        props = node.get("properties", {})
        errors.extend(
            f"{where}: {k!r} is a required property" for k in node.get("required", ())
            if k not in value
        )  # fmt: skip
        extra = node.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                _check(v, props[k], root, [*at, k], errors)
            elif extra is False:
                errors.append(f"{where}: additional property {k!r} is not allowed")
            elif isinstance(extra, Mapping):
                _check(v, extra, root, [*at, k], errors)
    if isinstance(value, list) and "items" in node:
        for i, item in enumerate(value):
            _check(item, node["items"], root, [*at, i], errors)
