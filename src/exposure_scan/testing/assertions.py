"""Assertions over a :class:`~exposure_scan.Report` for test suites and CI gates.

Failure messages name the entity, source, row, column and the *masked* value of each finding,
never the raw value: a failing test log is uploaded, mailed and archived, and must not become
a second copy of the leak. The functions set ``__tracebackhide__`` so pytest points at the
calling test, not at this module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..report import Report
    from ..verdicts.severity import Level

__all__ = ["assert_absent", "assert_present", "assert_severity_at_most", "describe_findings"]


def describe_findings(report: Report, name: str, *, limit: int = 5) -> list[str]:
    """One line per finding of ``name`` (entity or category), masked, at most ``limit``."""
    lines = [
        f"{f['entity']} in {f['source']} row {f['row']} column {f['column']!r}: {f['masked']}"
        for f in report.where(name, limit=limit)
    ]
    total = report.verdict(name).occurrences
    if total > len(lines):
        lines.append(f"... and {total - len(lines)} more")
    return lines


def assert_absent(report: Report, *names: str, limit: int = 5) -> None:
    """Fail unless every name (default: the report's ``must_be_absent`` policy) is ``absent``.

    ``inconclusive`` fails too: a test that cannot prove absence must not pass as if it had.
    """
    __tracebackhide__ = True
    wanted = names or report.must_be_absent
    if not wanted:
        raise ValueError("assert_absent needs names, or a report with a must_be_absent policy")
    problems = []
    for name in wanted:
        verdict = report.verdict(name)
        if verdict.status.value == "absent":
            continue
        block = [verdict.explain()]
        block += [f"    {line}" for line in describe_findings(report, name, limit=limit)]
        problems.append("\n".join(block))
    if problems:
        raise AssertionError("expected absent:\n" + "\n".join(problems))


def assert_present(report: Report, *names: str) -> None:
    """Fail unless every name is ``present`` (e.g. a planted canary must be found)."""
    __tracebackhide__ = True
    if not names:
        raise ValueError("assert_present needs at least one entity or category name")
    problems = [
        report.verdict(n).explain() for n in names if report.verdict(n).status.value != "present"
    ]
    if problems:
        raise AssertionError("expected present:\n" + "\n".join(problems))


def assert_severity_at_most(report: Report, level: Level | str) -> None:
    """Fail when the ENISA severity is above ``level`` ("low", "medium", "high", "very high").

    A report with no personal data found has no severity and always passes.
    """
    __tracebackhide__ = True
    from ..verdicts.severity import Level

    try:
        limit = Level(level)
    except ValueError:
        allowed = ", ".join(lv.value for lv in Level)
        raise ValueError(f"unknown severity level {level!r}; use one of {allowed}") from None
    severity = report.severity()
    if severity is None or severity.level.rank <= limit.rank:
        return
    raise AssertionError(
        f"severity {severity.level.value} exceeds {limit.value}:\n{severity.explain()}"
    )
