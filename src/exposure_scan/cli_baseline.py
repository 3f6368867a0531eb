"""The CI commands of ``exposure-scan``: ``baseline create``, ``baseline audit`` and ``hook``.

Split from :mod:`.cli` (which parses the options and dispatches here) to keep both readable.
Exit codes and one-line errors are those of :mod:`.cli`; nothing here prints a raw value.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .cli import EXIT_OK, EXIT_VIOLATION, PROG, CliError, _say_violations

if TYPE_CHECKING:
    from .baseline import Baseline, Entry
    from .policy import Policy


def _check_paths(paths: Sequence[str]) -> None:
    for p in paths:
        if not os.path.exists(p):
            raise CliError(f"no such file or directory: {p}")


def baseline_key(
    args: argparse.Namespace, policy: Policy | None, baseline: Baseline | None
) -> tuple[bytes, str]:
    """The baseline key: ``--key-file``; then, to apply a public-key baseline or to create one
    with ``--public-key`` or ``public_key = true``, the public key; then the environment
    variable; then the policy's ``key_file``."""
    from .baseline import KEY_ENV, resolve_key

    if getattr(args, "key_file", None):
        return resolve_key(key_file=args.key_file)
    public = getattr(args, "public_key", False) or (policy is not None and policy.public_key)
    if (baseline is not None and baseline.key_source == "public") or (baseline is None and public):
        return resolve_key(public=True)
    if os.environ.get(KEY_ENV, "").strip():
        return resolve_key()
    if policy is not None and policy.key_file is not None:
        return resolve_key(key_file=policy.key_file)
    return resolve_key(baseline=baseline)


def cmd_baseline_create(args: argparse.Namespace) -> int:
    from .baseline import DEFAULT_FILE, create_baseline, load
    from .policy import load_policy

    _check_paths(args.paths)
    policy = load_policy(args.policy)
    out = args.output or str(policy.baseline or policy.root / DEFAULT_FILE)
    files = policy.select(args.paths, skip=[out if out != "-" else None, policy.baseline])
    previous = load(out) if out != "-" and os.path.exists(out) else None
    options = policy.scan_options()
    options.pop("must_be_absent", None)  # the baseline records findings, not a verdict
    if args.ner is not None:
        options["ner"] = args.ner
    if args.workers is not None:
        options["workers"] = args.workers
    key, source = baseline_key(args, policy, None)
    root = Path.cwd() if out == "-" else Path(os.path.abspath(out)).parent
    baseline = create_baseline(
        files,
        key=key,
        root=root,
        timestamp=not args.no_timestamp,
        previous=previous,
        **options,
    )
    baseline.key_source = source
    baseline.paths = sorted({_portable(p, root) for p in args.paths})
    text = baseline.to_json()
    if out == "-":
        sys.stdout.write(text)
    else:
        Path(out).write_text(text, encoding="utf-8")
    if not args.quiet:
        kept = f", {baseline.accepted} accepted kept" if baseline.accepted else ""
        where = "stdout" if out == "-" else out
        print(
            f"{PROG}: baseline of {len(baseline.entries)} entr(ies) from {len(files)} file(s) "
            f"written to {where} (key: {source}{kept})",
            file=sys.stderr,
        )
        if source == "public":
            print(
                f"{PROG}: the public key protects nothing: use it only for data that is "
                "public anyway (e.g. committed test fixtures)",
                file=sys.stderr,
            )
    return EXIT_OK


def _portable(path: str, root: Path) -> str:
    from .baseline import portable_path

    return portable_path(path, root)


def _ask(entry: Entry, i: int, n: int) -> str:
    from .render.lines import entry_table

    print(entry_table([entry])[1].strip())
    while True:
        sys.stdout.write(f"[{i}/{n}] accept? [y]es / [n]o / [s]kip / [q]uit: ")
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:  # end of input: stop, keeping the decisions made
            print()
            return "q"
        if line.strip().lower()[:1] in ("y", "n", "s", "q"):
            return line.strip().lower()[:1]


def cmd_baseline_audit(args: argparse.Namespace) -> int:
    from .baseline import accept_all, audit, load
    from .render.lines import entry_table

    baseline = load(args.baseline)
    if args.list:
        for line in entry_table(baseline.entries):
            print(line)
        return EXIT_OK
    if args.accept_all:
        updated, changed = accept_all(baseline)
    elif sys.stdin.isatty():
        todo = baseline.entries if args.all else [e for e in baseline.entries if not e.accepted]
        updated, changed = audit(baseline, _ask, entries=todo)
    else:
        raise CliError("stdin is not a terminal: use --list or --accept-all")
    if changed:
        updated.save(args.baseline)
    if not args.quiet:
        print(
            f"{PROG}: {changed} entr(ies) changed; {updated.accepted} of "
            f"{len(updated.entries)} accepted",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_hook(args: argparse.Namespace) -> int:
    """Check the files a commit stages: new findings or a policy violation fail it."""
    import exposure_scan

    from .baseline import DEFAULT_FILE, apply, load
    from .policy import load_policy
    from .render.lines import finding_lines

    policy = load_policy(args.policy)
    _check_paths(args.files)
    path = args.baseline or (str(policy.baseline) if policy.baseline else None)
    if path is None and (policy.root / DEFAULT_FILE).is_file():
        path = str(policy.root / DEFAULT_FILE)
    files = policy.select(args.files, skip=[path])
    if not files:
        if not args.quiet:
            print(f"{PROG} hook: no data file to check", file=sys.stderr)
        return EXIT_OK
    options = policy.scan_options()
    result = None
    if path is not None:
        if not os.path.exists(path):
            raise CliError(f"baseline not found: {path} (create it: {PROG} baseline create)")
        baseline = load(path)
        key = baseline_key(args, policy, baseline)[0]
        report = exposure_scan.scan(files, key=key, **options)
        result = apply(report, baseline, key, require_accepted=policy.require_accepted)
        report = result.report
    else:
        report = exposure_scan.scan(files, **options)
    new = report.findings_table()
    for line in finding_lines(report, new):
        print(line)
    if not args.quiet:
        _say_violations(report)
    failed = bool(new.num_rows or report.violations)
    if failed and not args.quiet:
        known = f" ({result.summary()})" if result is not None else " (no baseline)"
        print(
            f"{PROG} hook: {new.num_rows} finding(s) of personal data not in the baseline in "
            f"{len(files)} file(s){known}",
            file=sys.stderr,
        )
    return EXIT_VIOLATION if failed else EXIT_OK
