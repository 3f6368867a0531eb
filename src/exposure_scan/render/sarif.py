"""SARIF 2.1.0: findings as static-analysis results, for code-scanning UIs.

One rule per entity; one result per finding, located at the file and, where the format lets a
record be mapped to a line, ``region.startLine`` (see :func:`file_line`). A finding's
``start``/``end`` are offsets inside a *cell*, not columns of the file line, so they are not put
in ``startColumn``/``endColumn``: the cell's column name is a logical location and a property.
Messages show the masked value only. Policy violations and unreadable sources, which have no
finding to point at, are tool notifications of the invocation.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..masking import keyed_hash
from ..verdicts.categories import category_of

if TYPE_CHECKING:
    from ..report import Report
    from ..sources.base import SourceAccount

__all__ = [
    "SARIF_SCHEMA",
    "SARIF_VERSION",
    "file_line",
    "plain",
    "render_sarif",
    "sarif_log",
    "write_sarif",
]

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"

_DELIMITED = frozenset({"csv", "csv;", "tsv", "psv"})
_LINE_PER_RECORD = frozenset({"jsonl", "text"})

#: Baseline status of a finding -> SARIF ``baselineState`` and suppression status
_BASELINE = {
    "new": ("new", None),
    "unaccepted": ("unchanged", None),
    "baselined": ("unchanged", "underReview"),
    "accepted": ("unchanged", "accepted"),
}


def file_line(account: SourceAccount | None, row: int) -> int | None:
    """The 1-based line of record ``row`` in the file, or None when records are not lines.

    CSV/TSV: ``row + 2`` with a header row, ``row + 1`` without; JSON Lines and plain text:
    ``row + 1``. Exact unless a quoted CSV field spans lines or blank lines precede a JSON
    Lines record. None for archive members, compressed files (the line is in the decompressed
    text, not the file a viewer opens), JSON arrays, columnar formats and SQL dumps.
    """
    if account is None or account.compression or account.source != account.path:
        return None
    if account.format in _DELIMITED:
        header = any(n.endswith(", header row") for n in account.notes)
        return row + (2 if header else 1)
    if account.format in _LINE_PER_RECORD:
        return row + 1
    return None


def plain(text: Any) -> str:
    """Message text with SARIF's link syntax escaped: ``[x](1)`` in a column name from the
    leak must not become a link in the viewer."""
    return str(text).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def _uri(path: str, root: Path) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative to ``%SRCROOT%`` inside the root, else a file URI."""
    absolute = os.path.abspath(path)
    r = str(root)
    if absolute == r or absolute.startswith(r.rstrip(os.sep) + os.sep):
        rel = Path(os.path.relpath(absolute, r)).as_posix()
        return quote(rel, safe="/"), SRCROOT
    return Path(absolute).as_uri(), None


def _location(
    account: SourceAccount | None, source: str, row: int, column: str, root: Path
) -> tuple[dict[str, Any], bool]:
    path = account.path if account is not None else source
    uri, base = _uri(path, root)
    artifact: dict[str, Any] = {"uri": uri}
    if base:
        artifact["uriBaseId"] = base
    line = file_line(account, row)
    # code-scanning UIs need a line: the first one when a record is not a line of the file
    region = {"startLine": line if line is not None else 1}
    inner = source[len(path) + 1 :] if account is not None and source != path else ""
    qualified = f"{inner}:{column}" if inner else column
    loc: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": artifact, "region": region},
        "logicalLocations": [{"name": column, "fullyQualifiedName": qualified, "kind": "member"}],
    }
    return loc, line is not None


def _rule(entity: str, report: Report, policy: frozenset[str]) -> dict[str, Any]:
    category = category_of(entity, report.categories) or "other"
    level = "error" if entity in policy else "warning"
    return {
        "id": entity,
        "name": "".join(w.capitalize() for w in entity.split("_")),
        "shortDescription": {"text": f"Personal data: {entity} ({category})"},
        "fullDescription": {
            "text": f"A value detected and validated as {entity}, in the {category} category "
            "of personal data. Values are shown masked; the report's keyed hash links equal "
            "values without revealing them."
        },
        "defaultConfiguration": {"level": level},
        "properties": {"category": category, "tags": ["privacy", "personal-data", category]},
    }


def _notifications(report: Report) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for account in report.sources:
        if account.error:
            out.append(
                {
                    "level": "error",
                    "message": {"text": plain(f"{account.source}: {account.error}")},
                    "descriptor": {"id": "unreadable-source"},
                }
            )
    for verdict in report.violations:
        why = "; ".join(verdict.reasons)
        out.append(
            {
                "level": "error",
                "message": {
                    "text": plain(
                        f"policy: {verdict.name} must be absent but is "
                        f"{verdict.status.value}: {why}"
                    )
                },
                "descriptor": {"id": "policy-violation"},
            }
        )
    for note in report.notes:
        out.append(
            {"level": "note", "message": {"text": plain(note)}, "descriptor": {"id": "note"}}
        )
    return out


def _utc(ts: Any) -> str | None:
    if not isinstance(ts, int | float):
        return None
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Results:
    """What turns a findings row into a SARIF result: the rules' index, the policy, the
    source accounts and ``%SRCROOT%``."""

    def __init__(self, report: Report, entities: set[str], root: Path) -> None:
        self.root = root
        self.policy: set[str] = set()
        for name in report.must_be_absent:
            self.policy.update(report.verdict(name).entities)
        self.entities = sorted(set(report.detectors.values()) | entities)
        self.rules = [_rule(e, report, frozenset(self.policy)) for e in self.entities]
        self.index = {e: i for i, e in enumerate(self.entities)}
        self.accounts = {a.source: a for a in report.sources}
        self.stable = bool(report.meta.get("key_supplied"))

    def result(self, f: dict[str, Any], status: str | None) -> dict[str, Any]:
        account = self.accounts.get(f["source"])
        loc, mapped = _location(account, f["source"], f["row"], f["column"], self.root)
        where = plain(f"row {f['row']}, column {f['column']!r}")
        result: dict[str, Any] = {
            "ruleId": f["entity"],
            "ruleIndex": self.index[f["entity"]],
            "level": "error" if f["entity"] in self.policy else "warning",
            "message": {"text": f"{f['entity']} in {where}: {plain(f['masked'])}"},
            "locations": [loc],
            "properties": {
                "row": f["row"],
                "column": f["column"],
                "cellStart": f["start"],
                "cellEnd": f["end"],
                "lineMapped": mapped,
                "masked": f["masked"],
                "valueHash": f["value_hash"],
                "score": round(float(f["score"]), 4),
                "detector": f["detector"],
            },
        }
        if self.stable:  # a hash under a random key would change every run and churn alerts
            uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            qualified = loc["logicalLocations"][0]["fullyQualifiedName"]
            ident = "\x1f".join((uri, qualified, f["entity"], f["value_hash"]))
            result["partialFingerprints"] = {
                "exposureScanValue/v1": keyed_hash(ident, b"exposure_scan sarif fingerprint")
            }
        if status is not None:
            state, suppression = _BASELINE.get(status, ("new", None))
            result["baselineState"] = state
            if suppression is not None:
                result["suppressions"] = [
                    {
                        "kind": "external",
                        "status": suppression,
                        "justification": "in the exposure_scan baseline",
                    }
                ]
        return result


def _root(root: str | os.PathLike[str] | None) -> Path:
    return Path(os.path.abspath(root if root is not None else os.getcwd()))


def _log(report: Report, made: _Results, results: list[Any]) -> dict[str, Any]:
    invocation: dict[str, Any] = {
        "executionSuccessful": not any(a.error for a in report.sources),
        "toolExecutionNotifications": _notifications(report),
    }
    for key, name in (("started", "startTimeUtc"), ("finished", "endTimeUtc")):
        if (when := _utc(report.meta.get(key))) is not None:
            invocation[name] = when
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "exposure_scan",
                "version": str(report.meta.get("version", "")),
                "rules": made.rules,
            }
        },
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": made.root.as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "keyFingerprint": report.meta.get("key_fingerprint"),
            "counts": report.counts(),
            "mustBeAbsent": list(report.must_be_absent),
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def sarif_log(
    report: Report,
    *,
    root: str | os.PathLike[str] | None = None,
    status: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The SARIF log as a dict.

    ``root`` (default: the working directory) is ``%SRCROOT%``: files inside it get relative
    URIs, as code scanning needs. ``status`` (one per findings row, from a baseline's
    ``BaselineResult.status``) sets ``baselineState`` and marks known findings suppressed.
    """
    table = report.findings_table()
    if status is not None and len(status) != table.num_rows:
        raise ValueError("status needs one value per finding")
    made = _Results(report, set(table.column("entity").to_pylist()), _root(root))
    results = [
        made.result(f, status[i] if status is not None else None)
        for i, f in enumerate(table.to_pylist())
    ]
    return _log(report, made, results)


#: Findings turned into SARIF results at a time by :func:`write_sarif`.
SARIF_CHUNK = 1 << 14


def write_sarif(
    report: Report,
    write: Callable[[str], Any],
    *,
    root: str | os.PathLike[str] | None = None,
) -> None:
    """:func:`render_sarif`'s text, passed to ``write`` piece by piece: the results are
    made a chunk of findings at a time, in canonical order, so a leak whose findings do not
    fit in memory (spilled during the scan) is written in memory bounded by one chunk."""
    made = _Results(report, set(report.counts()), _root(root))
    marker = f"exposure-scan-results-{os.urandom(8).hex()}"
    text = json.dumps(_log(report, made, [marker]), indent=2, ensure_ascii=False)
    at = text.index(f'"{marker}"')
    line = text.rindex("\n", 0, at)
    indent = "\n" + " " * (at - line - 1)
    head, tail = text[:line], text[at + len(marker) + 2 :]
    if not report.finding_count():
        write(head + "]" + tail.split("]", 1)[1])  # "results": []
        return
    write(head)
    first = True
    for table in report.findings_batches(canonical=True):
        for i in range(0, table.num_rows, SARIF_CHUNK):
            rows = table.slice(i, SARIF_CHUNK).to_pylist()
            items = [json.dumps(made.result(f, None), indent=2, ensure_ascii=False) for f in rows]
            piece = (
                ("," if not first else "")
                + indent
                + ("," + indent).join(item.replace("\n", indent) for item in items)
            )
            first = False
            write(piece)
    write(tail)


def render_sarif(
    report: Report,
    *,
    root: str | os.PathLike[str] | None = None,
    status: Sequence[str] | None = None,
) -> str:
    """The SARIF log as JSON text (see :func:`sarif_log`)."""
    return json.dumps(sarif_log(report, root=root, status=status), indent=2, ensure_ascii=False)
