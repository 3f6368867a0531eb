"""The ``exposure-scan`` command: scan evidence, re-read stored reports, gate CI on a policy.

Exit codes are the contract CI relies on: 0 policy met (or no policy), 1 policy violated (a
``--must-be-absent`` name is present *or* inconclusive; with a baseline, or in the pre-commit
``hook``, also a finding not in the baseline), 2 the command could not do its job
(usage error, missing path, unreadable report, internal error). Errors are one line on stderr;
``--debug`` adds the traceback. Messages never quote cell values.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import re
import shutil
import sys
import time
import traceback
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from ._version import __version__

if TYPE_CHECKING:
    from .baseline import BaselineResult
    from .report import Report

PROG = "exposure-scan"
FORMATS = ("text", "json", "markdown", "html", "sarif")
EXIT_OK, EXIT_VIOLATION, EXIT_ERROR = 0, 1, 2


class CliError(Exception):
    """A usage or input problem, reported as one line and exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the default prints the whole usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# -- option parsing -----------------------------------------------------------------------
def parse_sample(text: str) -> float | int:
    """``500`` -> about 500 records per source; ``0.1`` or ``10%`` -> a share of records."""
    t = text.strip()
    try:
        if t.endswith("%"):
            value: float | int = float(t[:-1]) / 100
        elif re.fullmatch(r"\d+", t):
            value = int(t)
        else:
            value = float(t)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a record count or fraction: {text!r}") from None
    if isinstance(value, float) and not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError("a fractional sample must be in (0, 1]")
    if isinstance(value, int) and value < 1:
        raise argparse.ArgumentTypeError("a sample size must be >= 1")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be >= 1")
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_fields(text: str, cls: type[Any]) -> dict[str, Any]:
    """``key=value,key=value`` into keyword arguments of dataclass ``cls``, typed by its hints.

    A comma only separates pairs when a ``key=`` follows, so ``controller=cars, Milan`` works.
    """
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    out: dict[str, Any] = {}
    for pair in re.split(r",(?=\s*[A-Za-z_]\w*\s*=)", text):
        if not pair.strip():
            continue
        key, sep, raw = pair.partition("=")
        key, raw = key.strip().replace("-", "_"), raw.strip()
        if not sep or key not in names:
            raise CliError(
                f"unknown {cls.__name__.lower()} field {key!r}; known: {', '.join(names)}"
            )
        hint = str(hints[key])
        if hints[key] is bool:
            if raw.lower() not in _TRUE | _FALSE:
                raise CliError(f"{key} must be true or false, not {raw!r}")
            out[key] = raw.lower() in _TRUE
        elif "int" in hint and raw.lower() not in ("", "none"):
            try:
                out[key] = int(raw)
            except ValueError:
                raise CliError(f"{key} must be an integer, not {raw!r}") from None
        else:
            out[key] = None if raw.lower() in ("", "none") and "None" in hint else raw
    return out


def _names(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(n.strip() for v in values or () for n in v.split(",") if n.strip())


# -- progress -----------------------------------------------------------------------------
def _size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover - loop always returns


def _duration(seconds: float) -> str:
    s = int(seconds + 0.5)
    h, rem = divmod(s, 3600)
    return f"{h}:{rem // 60:02d}:{rem % 60:02d}" if h else f"{rem // 60}:{rem % 60:02d}"


class ProgressLine:
    """A one-line progress display on a terminal: bytes and records, rate, ETA.

    Called with the engine's ``ProgressEvent`` (source, records, bytes_done, bytes_total,
    elapsed); read by attribute so an event with more fields still works. Redraws at most
    every ``interval`` seconds; :meth:`close` erases the line before the report is printed.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        interval: float = 0.1,
        clock: Callable[[], float] = time.monotonic,
        width: int = 100,
    ) -> None:
        self.stream = stream
        self.interval = interval
        self.clock = clock
        self.width = width
        self._last = float("-inf")
        self._shown = False

    @staticmethod
    def format(event: Any) -> str:
        done = int(getattr(event, "bytes_done", 0) or 0)
        total = int(getattr(event, "bytes_total", 0) or 0)
        records = int(getattr(event, "records", 0) or 0)
        elapsed = float(getattr(event, "elapsed", 0.0) or 0.0)
        source = str(getattr(event, "source", "") or "").rpartition("/")[2]
        parts = [f"scanning {source}" if source else "scanning"]
        if total:
            parts.append(f"{_size(done)} / {_size(total)} ({min(100, 100 * done // total)}%)")
        else:
            parts.append(_size(done))
        parts.append(f"{records:,} records")
        if elapsed > 0:
            rate = f"{records / elapsed:,.0f} rec/s"
            parts.append(f"{_size(done / elapsed)}/s, {rate}" if done else rate)
            if total and done:
                parts.append("ETA " + _duration(max(0.0, total - done) * elapsed / done))
            else:
                parts.append("ETA ?")
        return "  ".join(parts)

    def __call__(self, event: Any) -> None:
        now = self.clock()
        if now - self._last < self.interval:
            return
        self._last = now
        line = self.format(event)[: self.width - 1]
        self.stream.write("\r" + line.ljust(self.width - 1))
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * (self.width - 1) + "\r")
            self.stream.flush()
            self._shown = False


def _supports_progress() -> bool:
    from .options import ScanOptions

    return any(f.name == "progress" for f in dataclasses.fields(ScanOptions))


# -- rendering ----------------------------------------------------------------------------
def render(
    report: Report, fmt: str, *, rich: bool = False, status: Sequence[str] | None = None
) -> str:
    """The report in ``fmt`` (text, json, markdown, html, sarif); values are masked in all.

    ``status`` (SARIF only: one baseline status per finding) marks known findings suppressed.
    """
    if fmt == "sarif":
        from .render.sarif import render_sarif

        return render_sarif(report, status=status)
    if fmt == "json":
        return report.to_json()
    if fmt == "markdown":
        from .render.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from .render.html import render_html

        return render_html(report)
    if fmt == "text":
        from .render.text import render_text

        width = shutil.get_terminal_size((100, 24)).columns
        return render_text(report, rich=rich, width=width)
    raise CliError(f"unknown format {fmt!r}")


def _emit(report: Report, args: argparse.Namespace, *, result: BaselineResult | None = None) -> int:
    """Write the report; with a baseline ``result``, the new findings (SARIF: all, known ones
    suppressed). Returns the exit code."""
    out: str | None = args.output
    rich = args.format == "text" and out is None and sys.stdout.isatty()
    rich = rich and not os.environ.get("NO_COLOR")
    streamed: Callable[[TextIO], None] | None = None
    if args.format == "json":
        streamed = report.write_json
    elif args.format == "sarif" and result is None:
        from .render.sarif import write_sarif

        def streamed(handle: TextIO) -> None:
            write_sarif(report, handle.write)

    if streamed is not None:
        # Streamed: the findings of a leak of any size are written a chunk at a time.
        if out is None or out == "-":
            streamed(sys.stdout)
            sys.stdout.write("\n")
            sys.stdout.flush()
        else:
            with open(out, "w", encoding="utf-8") as handle:
                streamed(handle)
                handle.write("\n")
    else:
        if result is not None and args.format == "sarif":
            text = render(result.full, "sarif", status=result.status)
        else:
            text = render(report, args.format, rich=rich)
        if not text.endswith("\n"):
            text += "\n"
        if out is None or out == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            Path(out).write_text(text, encoding="utf-8")
    if out is not None and out != "-" and not args.quiet:
        print(f"{PROG}: wrote {args.format} report to {out}", file=sys.stderr)
    violations = report.violations
    if not args.quiet:
        _say_violations(report)
        if result is not None:
            print(f"{PROG}: baseline: {result.summary()}", file=sys.stderr)
    if result is not None and result.new:
        return EXIT_VIOLATION
    return EXIT_VIOLATION if violations else EXIT_OK


def _say_violations(report: Report) -> None:
    for v in report.violations:
        why = f"{v.occurrences} occurrence(s)" if v.occurrences else "; ".join(v.reasons)
        print(f"{PROG}: policy violated: {v.name} is {v.status.value} ({why})", file=sys.stderr)


# -- commands -----------------------------------------------------------------------------
def cmd_scan(args: argparse.Namespace) -> int:
    from .sources.database import is_database_url

    for p in args.paths:
        if not os.path.exists(p) and not is_database_url(p):
            raise CliError(f"no such file or directory: {p}")
    options: dict[str, Any] = {"ner": args.ner, "seed": args.seed}
    if args.sample is not None:
        options["sample"] = args.sample
    if args.workers is not None:
        options["workers"] = args.workers
    if getattr(args, "spill_dir", None) is not None:
        options["spill_dir"] = args.spill_dir
    if args.must_be_absent:
        options["must_be_absent"] = _names(args.must_be_absent)
    baseline = None
    if args.baseline:
        from .baseline import load

        baseline = load(args.baseline)
        from .cli_baseline import baseline_key

        options["key"] = baseline_key(args, None, baseline)[0]
    elif args.require_accepted:
        raise CliError("--require-accepted needs --baseline")
    elif args.key_file:
        key = Path(args.key_file).read_bytes().strip()
        if not key:
            raise CliError(f"key file is empty: {args.key_file}")
        options["key"] = key
    from .verdicts.severity import Circumstances, Context

    try:
        if args.context:
            options["context"] = Context(**parse_fields(",".join(args.context), Context))
        if args.circumstances:
            fields = parse_fields(",".join(args.circumstances), Circumstances)
            options["circumstances"] = Circumstances(**fields)
    except (TypeError, ValueError) as exc:
        raise CliError(str(exc)) from None
    display = None
    if not args.quiet and sys.stderr.isatty() and _supports_progress():
        width = shutil.get_terminal_size((100, 24)).columns
        display = options["progress"] = ProgressLine(sys.stderr, width=max(40, width))
    import exposure_scan

    try:
        report = exposure_scan.scan(list(args.paths), **options)
    finally:
        if display is not None:
            display.close()
    if baseline is not None:
        from .baseline import apply

        result = apply(report, baseline, options["key"], require_accepted=args.require_accepted)
        return _emit(result.report, args, result=result)
    return _emit(report, args)


def load_report(path: str) -> Report:
    """A stored JSON report; any problem becomes a one-line :class:`CliError`."""
    from .report import Report

    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read report {path}: {exc.strerror or type(exc).__name__}") from None
    except UnicodeDecodeError:
        raise CliError(f"cannot read report {path}: not UTF-8 text") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise CliError(f"cannot read report {path}: not JSON") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise CliError(f"cannot read report {path}: not an exposure_scan report")
    try:
        return Report.from_dict(data)
    except ValueError as exc:  # e.g. another major schema version
        raise CliError(f"cannot read report {path}: {exc}") from None
    except (KeyError, TypeError, AttributeError):
        raise CliError(f"cannot read report {path}: not an exposure_scan report") from None


def cmd_explain(args: argparse.Namespace) -> int:
    report = load_report(args.report)
    if args.must_be_absent:
        report.must_be_absent = _names(args.must_be_absent)
    return _emit(report, args)


def cmd_schema(args: argparse.Namespace) -> int:
    from .render.json_schema import report_schema

    text = json.dumps(report_schema(), indent=2) + "\n"
    if args.output and args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _ci(name: str) -> Callable[[argparse.Namespace], int]:
    """A command of :mod:`.cli_baseline`, imported when it runs (keeps ``--help`` fast)."""

    def run(args: argparse.Namespace) -> int:
        from . import cli_baseline

        command: Callable[[argparse.Namespace], int] = getattr(cli_baseline, name)
        return command(args)

    return run


# -- parser -------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--quiet", "-q", action="store_true", help="no progress, no remarks")
    common.add_argument("--debug", action="store_true", help="tracebacks and debug logging")
    output = _Parser(add_help=False)
    output.add_argument(
        "--format", "-f", choices=FORMATS, default="text", help="report format (default text)"
    )
    output.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    policy = _Parser(add_help=False)
    policy.add_argument(
        "--must-be-absent",
        action="append",
        metavar="NAMES",
        help="comma-separated categories/entities that must be absent (exit 1 otherwise)",
    )

    parser = _Parser(
        prog=PROG, description="What personal data a leaked dataset exposes, and how severe."
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    scan = sub.add_parser(
        "scan", parents=[output, policy, common], help="scan files, directories, archives"
    )
    scan.add_argument("paths", nargs="+", metavar="PATH", help="evidence to scan")
    scan.add_argument(
        "--sample", type=parse_sample, metavar="N|FRACTION", help="triage: scan a sample"
    )
    scan.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    scan.add_argument("--workers", type=positive_int, metavar="N", help="worker processes")
    scan.add_argument(
        "--spill-dir", metavar="DIR", help="where findings beyond the memory budget are written"
    )
    scan.add_argument(
        "--ner", default="auto", metavar="auto|off|NAME", help="named-entity recognition"
    )
    scan.add_argument(
        "--context",
        action="append",
        metavar="K=V,...",
        help="ENISA context, e.g. controller=luxury cars,profiling=true",
    )
    scan.add_argument(
        "--circumstances",
        action="append",
        metavar="K=V,...",
        help="ENISA circumstances, e.g. confidentiality=known_recipients,malicious_intent=false",
    )
    scan.add_argument("--key-file", metavar="FILE", help="HMAC key for value hashes, from FILE")
    scan.add_argument(
        "--baseline", metavar="FILE", help="fail only on findings not in this baseline"
    )
    scan.add_argument(
        "--require-accepted",
        action="store_true",
        help="with --baseline: entries not audited as accepted count as new",
    )
    scan.set_defaults(func=cmd_scan)

    explain = sub.add_parser(
        "explain", parents=[output, policy, common], help="print a stored JSON report"
    )
    explain.add_argument("report", metavar="REPORT.json", help="report file ('-' for stdin)")
    explain.set_defaults(func=cmd_explain)

    schema = sub.add_parser("schema", parents=[common], help="print the report JSON Schema")
    schema.add_argument("--output", "-o", metavar="FILE", help="write the schema to FILE")
    schema.set_defaults(func=cmd_schema)

    policy_file = _Parser(add_help=False)
    policy_file.add_argument(
        "--policy",
        metavar="FILE",
        help="pyproject.toml with [tool.exposure_scan] (default: the nearest one)",
    )
    baseline = sub.add_parser("baseline", help="create or audit a baseline of known findings")
    bsub = baseline.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = bsub.add_parser(
        "create", parents=[policy_file, common], help="record every finding of PATH..."
    )
    create.add_argument("paths", nargs="+", metavar="PATH", help="evidence to record")
    create.add_argument(
        "--output", "-o", metavar="FILE", help=f"baseline file (default {_DEFAULT_BASELINE})"
    )
    create.add_argument("--key-file", metavar="FILE", help="the baseline's secret HMAC key")
    create.add_argument(
        "--public-key", action="store_true", help="hash with the public key (public data only)"
    )
    create.add_argument(
        "--no-timestamp", action="store_true", help="omit generated_at (byte-stable files)"
    )
    create.add_argument("--ner", metavar="auto|off|NAME", help="named-entity recognition")
    create.add_argument("--workers", type=positive_int, metavar="N", help="worker processes")
    create.set_defaults(func=_ci("cmd_baseline_create"))
    audit = bsub.add_parser("audit", parents=[common], help="mark baseline entries accepted")
    audit.add_argument("baseline", metavar="BASELINE.json", help="the baseline file")
    mode = audit.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="list the entries, change nothing")
    mode.add_argument("--accept-all", action="store_true", help="accept every entry")
    audit.add_argument(
        "--all", action="store_true", help="ask about accepted entries too (to withdraw)"
    )
    audit.set_defaults(func=_ci("cmd_baseline_audit"))

    hook = sub.add_parser(
        "hook", parents=[policy_file, common], help="pre-commit: check staged data files"
    )
    hook.add_argument("files", nargs="*", metavar="FILE", help="files to check")
    hook.add_argument("--baseline", metavar="FILE", help="baseline (default: the policy's)")
    hook.add_argument("--key-file", metavar="FILE", help="the baseline's secret HMAC key")
    hook.set_defaults(func=_ci("cmd_hook"))
    return parser


_DEFAULT_BASELINE = ".exposure-baseline.json"


def iter_options(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str]]:
    """(subcommand, option string) for every option of every subcommand ("" for global)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, subparser in action.choices.items():
                yield name, name
                for _cmd, opt in iter_options(subparser):
                    yield name, opt
        else:
            for opt in action.option_strings:
                yield "", opt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    # The command line's own process: no OpenBLAS threads busy-waiting at numpy's import
    # (see engine.WORKER_ENVIRONMENT); a library call leaves the caller's setting alone.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    debug = bool(getattr(args, "debug", False))
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    prog = f"{PROG} {args.command}" + (f" {args.action}" if getattr(args, "action", None) else "")
    try:
        code: int = args.func(args)
        return code
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            traceback.print_exc()
        print(f"{prog}: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_ERROR


def _one_line(exc: BaseException) -> str:
    from .errors import ExposureScanError

    if isinstance(exc, (CliError, ExposureScanError)):
        msg = str(exc)
    elif isinstance(exc, OSError):
        msg = f"{exc.strerror or type(exc).__name__}" + (
            f": {exc.filename}" if exc.filename else ""
        )
    else:  # third-party messages may quote the record being parsed: name the type only
        msg = f"internal error ({type(exc).__name__}); rerun with --debug for the traceback"
    return " ".join(msg.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
