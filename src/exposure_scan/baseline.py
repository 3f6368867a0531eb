"""Baselines: the personal data a repository already holds, so CI fails only on new data.

The detect-secrets convention applied to datasets. ``create`` records every finding as an
entry: source, column and entity in clear (a human audits them), the masked value, and a keyed
hash of (source, column, entity, value). The value itself is never stored, and the hash is
bound to its location so equal values in two files cannot be linked from the baseline.

Key. A hash of a low-entropy value (a phone number, a date of birth) can be reversed by
hashing every candidate, so the HMAC key must not sit next to the hashes. It comes, in
order, from ``key=`` / ``--key-file``, the ``EXPOSURE_SCAN_BASELINE_KEY`` environment
variable, the policy's ``key_file``, or an explicit opt-in to :data:`PUBLIC_KEY` for data that
is public anyway (test fixtures committed next to the baseline). The baseline stores only the
key's fingerprint, and refuses to be applied with another key.

``apply`` judges a report against a baseline: findings in it are *known*, the rest *new*;
the resulting view (``BaselineResult.report``) holds the new findings only, and the policy
(``must_be_absent``) is judged on that view too, so an audited, accepted fixture value does
not fail CI while anything new, or anything that cannot be proved absent, does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import ConfigurationError
from .masking import key_fingerprint, keyed_hash

if TYPE_CHECKING:
    import pyarrow as pa

    from .report import Report
    from .verdicts.status import Verdict

__all__ = [
    "BASELINE_FORMAT",
    "DEFAULT_FILE",
    "KEY_ENV",
    "PUBLIC_KEY",
    "Baseline",
    "BaselineResult",
    "Entry",
    "apply",
    "audit",
    "create",
    "create_baseline",
    "load",
    "portable_path",
    "resolve_key",
    "scan_with_baseline",
]

BASELINE_FORMAT = 1
DEFAULT_FILE = ".exposure-baseline.json"
KEY_ENV = "EXPOSURE_SCAN_BASELINE_KEY"
#: The key of baselines over public data. Anyone can recompute these hashes: opt-in only.
PUBLIC_KEY = b"exposure_scan public baseline key v1 - not a secret"
#: Shortest secret key accepted: shorter keys can be guessed like the values they protect.
MIN_KEY_BYTES = 16
#: Scan options recorded in a baseline (the key and callables never are).
RECORDED_OPTIONS = ("ner", "sample", "seed", "must_be_absent", "categories", "batch_rows")


# -- keys ---------------------------------------------------------------------------------
def resolve_key(
    key: bytes | str | None = None,
    *,
    key_file: str | os.PathLike[str] | None = None,
    public: bool = False,
    env: Mapping[str, str] | None = None,
    baseline: Baseline | None = None,
) -> tuple[bytes, str]:
    """The baseline HMAC key and where it came from (``"secret"`` or ``"public"``).

    Order: ``key``, ``key_file``, the ``EXPOSURE_SCAN_BASELINE_KEY`` variable, ``public=True``,
    and a ``baseline`` made with the public key. Nothing else: a missing secret is an error,
    never a silent switch to a guessable key.
    """
    env = os.environ if env is None else env
    raw: bytes | None = None
    if key is not None:
        raw = key.encode() if isinstance(key, str) else bytes(key)
    elif key_file is not None:
        try:
            raw = Path(key_file).read_bytes().strip()
        except OSError as exc:
            raise ConfigurationError(
                f"cannot read key file {key_file}: {exc.strerror or type(exc).__name__}"
            ) from None
        if not raw:
            raise ConfigurationError(f"key file is empty: {key_file}")
    elif env.get(KEY_ENV, "").strip():
        raw = env[KEY_ENV].strip().encode()
    if raw is not None:
        if raw == PUBLIC_KEY:
            return raw, "public"
        if len(raw) < MIN_KEY_BYTES:
            raise ConfigurationError(
                f"baseline key too short ({len(raw)} bytes): use at least {MIN_KEY_BYTES} "
                "random bytes, e.g. python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        return raw, "secret"
    if public or (baseline is not None and baseline.key_source == "public"):
        return PUBLIC_KEY, "public"
    raise ConfigurationError(
        f"a baseline needs a secret key: set {KEY_ENV}, pass --key-file, set key_file in "
        "[tool.exposure_scan], or opt in to the public key (--public-key) for public data"
    )


# -- paths --------------------------------------------------------------------------------
def portable_path(path: str, root: str | os.PathLike[str]) -> str:
    """``path`` relative to ``root`` with ``/`` separators when inside it, else absolute.

    Baselines name sources this way so that they match on every checkout and platform.
    """
    for norm in (os.path.abspath, os.path.realpath):
        a, r = norm(path), norm(root)
        if a == r or a.startswith(r.rstrip(os.sep) + os.sep):
            return Path(os.path.relpath(a, r)).as_posix()
    return Path(os.path.abspath(path)).as_posix()


def source_names(report: Report, root: str | os.PathLike[str]) -> dict[str, str]:
    """Report source -> portable name; an archive member keeps its ``!member`` suffix."""
    out: dict[str, str] = {}
    for account in report.sources:
        src, path = account.source, account.path
        if path and src.startswith(path):
            out[src] = portable_path(path, root) + src[len(path) :]
        else:
            out[src] = portable_path(src, root)
    return out


# -- the file -----------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Entry:
    """One known (source, column, entity, value); ``hash`` stands for the value."""

    source: str
    column: str
    entity: str
    hash: str
    masked: str = ""
    count: int = 1
    accepted: bool = False

    @property
    def ident(self) -> tuple[str, str, str, str]:
        return (self.source, self.column, self.entity, self.hash)

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "column": self.column,
            "count": self.count,
            "entity": self.entity,
            "hash": self.hash,
            "masked": self.masked,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Entry:
        return cls(
            source=str(d["source"]),
            column=str(d["column"]),
            entity=str(d["entity"]),
            hash=str(d["hash"]),
            masked=str(d.get("masked", "")),
            count=int(d.get("count", 1)),
            accepted=bool(d.get("accepted", False)),
        )


@dataclass
class Baseline:
    """Known findings, the key's fingerprint, and what produced them.

    ``root`` is the directory entry sources are relative to: the baseline file's directory
    once loaded or saved, else the working directory. It is not written to the file.
    """

    entries: list[Entry]
    key_fingerprint: str
    key_source: str = "secret"
    detectors: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)
    generated_at: str | None = None
    tool_version: str = __version__
    root: Path = field(default_factory=Path.cwd, compare=False)

    def __post_init__(self) -> None:
        self.entries = sorted(self.entries)

    def lookup(self) -> dict[tuple[str, str, str, str], Entry]:
        return {e.ident: e for e in self.entries}

    @property
    def accepted(self) -> int:
        return sum(e.accepted for e in self.entries)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "detectors": dict(sorted(self.detectors.items())),
            "entries": [e.to_dict() for e in self.entries],
            "format": BASELINE_FORMAT,
            "key": {"fingerprint": self.key_fingerprint, "source": self.key_source},
            "options": self.options,
            "paths": list(self.paths),
            "tool": "exposure_scan",
            "tool_version": self.tool_version,
        }
        if self.generated_at is not None:
            d["generated_at"] = self.generated_at
        return d

    def to_json(self) -> str:
        """Deterministic JSON (sorted keys and entries, one trailing newline): diffs cleanly."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], *, root: Path | None = None) -> Baseline:
        if d.get("tool") != "exposure_scan" or "entries" not in d:
            raise ConfigurationError("not an exposure_scan baseline")
        if d.get("format") != BASELINE_FORMAT:
            raise ConfigurationError(f"unsupported baseline format {d.get('format')!r}")
        key = d.get("key") or {}
        return cls(
            entries=[Entry.from_dict(e) for e in d["entries"]],
            key_fingerprint=str(key.get("fingerprint", "")),
            key_source=str(key.get("source", "secret")),
            detectors=dict(d.get("detectors", {})),
            options=dict(d.get("options", {})),
            paths=list(d.get("paths", [])),
            generated_at=d.get("generated_at"),
            tool_version=str(d.get("tool_version", "")),
            root=root if root is not None else Path.cwd(),
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the file; entry sources stay relative to ``root``."""
        Path(path).write_text(self.to_json(), encoding="utf-8")


def load(path: str | os.PathLike[str]) -> Baseline:
    """A baseline file; any problem is a :class:`ConfigurationError` naming the file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read baseline {p}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError):
        raise ConfigurationError(f"cannot read baseline {p}: not JSON") from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"cannot read baseline {p}: not an exposure_scan baseline")
    try:
        return Baseline.from_dict(data, root=p.resolve().parent)
    except ConfigurationError as exc:
        raise ConfigurationError(f"cannot read baseline {p}: {exc}") from None
    except (KeyError, TypeError, ValueError, AttributeError):
        raise ConfigurationError(f"cannot read baseline {p}: damaged entries") from None


# -- create -------------------------------------------------------------------------------
def _check_report_key(report: Report, key: bytes) -> str:
    fp = key_fingerprint(key)
    if report.meta.get("key_fingerprint") != fp:
        raise ConfigurationError(
            "the report's value hashes were made with another key: scan with key= set to "
            "the baseline key"
        )
    return fp


def _entry_hash(source: str, column: str, entity: str, value_hash: str, key: bytes) -> str:
    return keyed_hash("\x1f".join((source, column, entity, value_hash)), key)


def _groups(
    report: Report, key: bytes, root: str | os.PathLike[str]
) -> tuple[list[tuple[str, str, str, str]], dict[tuple[str, str, str, str], list[str]]]:
    """Per findings row its entry ident, and ident -> masked forms seen."""
    names = source_names(report, root)
    table = report.findings_table()
    idents: list[tuple[str, str, str, str]] = []
    masks: dict[tuple[str, str, str, str], list[str]] = {}
    cols = table.select(["source", "column", "entity", "value_hash", "masked"]).to_pydict()
    for src, col, ent, vh, masked in zip(
        cols["source"],
        cols["column"],
        cols["entity"],
        cols["value_hash"],
        cols["masked"],
        strict=True,
    ):
        name = names.get(src) or portable_path(src, root)
        ident = (name, col, ent, _entry_hash(name, col, ent, vh, key))
        idents.append(ident)
        masks.setdefault(ident, []).append(masked)
    return idents, masks


def _recordable(options: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in RECORDED_OPTIONS:
        if name not in options:
            continue
        value = options[name]
        if isinstance(value, Mapping):
            value = {str(k): sorted(v) for k, v in sorted(value.items())}
        elif isinstance(value, tuple | list | set | frozenset):
            value = list(value)
        if value is None or isinstance(value, str | int | float | bool | list | dict):
            out[name] = value
    return out


def create(
    report: Report,
    key: bytes,
    *,
    key_source: str = "secret",
    root: str | os.PathLike[str] | None = None,
    paths: Sequence[str | os.PathLike[str]] = (),
    options: Mapping[str, Any] | None = None,
    timestamp: bool = True,
    previous: Baseline | None = None,
) -> Baseline:
    """A baseline of every finding of ``report``, which must be scanned with ``key=key``.

    ``previous`` carries audit decisions over: an entry already ``accepted`` there (same key)
    stays accepted. ``timestamp=False`` omits ``generated_at`` so two runs are byte-identical.
    """
    fp = _check_report_key(report, key)
    base = Path(root) if root is not None else Path.cwd()
    idents, masks = _groups(report, key, base)
    counts: dict[tuple[str, str, str, str], int] = {}
    for ident in idents:
        counts[ident] = counts.get(ident, 0) + 1
    kept = previous.lookup() if previous and previous.key_fingerprint == fp else {}
    entries = [
        Entry(
            *ident,
            masked=min(masks[ident]),
            count=n,
            accepted=ident in kept and kept[ident].accepted,
        )
        for ident, n in counts.items()
    ]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if timestamp else None
    recorded = _recordable(options or {})
    recorded["sampled"] = report.sampling is not None
    return Baseline(
        entries=entries,
        key_fingerprint=fp,
        key_source=key_source,
        detectors=dict(report.detectors),
        options=recorded,
        paths=sorted({portable_path(os.fspath(p), base) for p in paths}),
        generated_at=stamp,
        root=base,
    )


# -- apply --------------------------------------------------------------------------------
#: Per finding: not in the baseline / in it, unaudited, with ``require_accepted`` / known
NEW, UNACCEPTED, BASELINED, ACCEPTED = "new", "unaccepted", "baselined", "accepted"
FAILING = frozenset({NEW, UNACCEPTED})


@dataclass(frozen=True)
class BaselineResult:
    """A scan judged against a baseline.

    ``report`` is a Report of the failing findings only (new, or unaccepted when acceptance is
    required), with every verdict and the policy judged on them; ``full`` is the whole scan.
    ``status`` has one value per row of ``full.findings_table()``.
    """

    report: Report
    full: Report
    baseline: Baseline
    status: tuple[str, ...]
    stale: tuple[Entry, ...] = ()
    new_detectors: tuple[str, ...] = ()

    @property
    def new(self) -> int:
        """Findings that fail: not in the baseline (or unaccepted, when that is required)."""
        return sum(s in FAILING for s in self.status)

    @property
    def known(self) -> int:
        return len(self.status) - self.new

    @property
    def violations(self) -> list[Verdict]:
        return self.report.violations

    @property
    def failed(self) -> bool:
        return bool(self.new or self.violations)

    def new_findings(self) -> pa.Table:
        return self.report.findings_table()

    def summary(self) -> str:
        """One line for logs and stderr: counts only, no values."""
        text = f"{self.new} new finding(s) not in the baseline, {self.known} known"
        unaccepted = self.status.count(UNACCEPTED)
        if unaccepted:
            text += f" ({unaccepted} in the baseline but not accepted)"
        if self.stale:
            text += f"; {len(self.stale)} baseline entr(ies) no longer found"
        if self.new_detectors:
            text += f"; detector(s) newer than the baseline: {', '.join(self.new_detectors)}"
        return text


def _view(report: Report, keep: list[bool], info: dict[str, Any]) -> Report:
    """``report`` with only the kept findings (through the public dict form)."""
    import pyarrow as pa

    from .report import Report

    d = report.to_dict()
    table = report.findings_table().filter(pa.array(keep, pa.bool_()))
    d["findings"] = table.to_pylist()
    d["meta"] = {**d["meta"], "baseline": info}
    return Report.from_dict(d)


def apply(
    report: Report,
    baseline: Baseline,
    key: bytes,
    *,
    require_accepted: bool = False,
    root: str | os.PathLike[str] | None = None,
) -> BaselineResult:
    """Judge ``report`` (scanned with ``key=key``) against ``baseline``."""
    if key_fingerprint(key) != baseline.key_fingerprint:
        raise ConfigurationError(
            f"this key is not the baseline's key (baseline key fingerprint "
            f"{baseline.key_fingerprint}, given {key_fingerprint(key)})"
        )
    _check_report_key(report, key)
    base = Path(root) if root is not None else baseline.root
    idents, _masks = _groups(report, key, base)
    known = baseline.lookup()
    status: list[str] = []
    for ident in idents:
        entry = known.get(ident)
        if entry is None:
            status.append(NEW)
        elif entry.accepted:
            status.append(ACCEPTED)
        else:
            status.append(UNACCEPTED if require_accepted else BASELINED)
    scanned = set(source_names(report, base).values())
    seen = set(idents)
    stale = tuple(e for e in baseline.entries if e.source in scanned and e.ident not in seen)
    newer = tuple(sorted(set(report.detectors) - set(baseline.detectors)))
    info = {
        "key_fingerprint": baseline.key_fingerprint,
        "new": sum(s in FAILING for s in status),
        "known": sum(s not in FAILING for s in status),
        "require_accepted": require_accepted,
    }
    view = _view(report, [s in FAILING for s in status], info)
    return BaselineResult(
        report=view,
        full=report,
        baseline=baseline,
        status=tuple(status),
        stale=stale,
        new_detectors=newer,
    )


# -- scan + create / apply ----------------------------------------------------------------
PathArg = str | os.PathLike[str]


def create_baseline(
    paths: PathArg | Sequence[PathArg],
    *,
    key: bytes | str | None = None,
    key_file: PathArg | None = None,
    public_key: bool = False,
    root: PathArg | None = None,
    timestamp: bool = True,
    previous: Baseline | None = None,
    **options: Any,
) -> Baseline:
    """Scan ``paths`` with the baseline key and record every finding (see :func:`create`)."""
    import exposure_scan

    raw, source = resolve_key(key, key_file=key_file, public=public_key)
    plist = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    report = exposure_scan.scan(plist, key=raw, **options)
    return create(
        report,
        raw,
        key_source=source,
        root=root,
        paths=plist,
        options=options,
        timestamp=timestamp,
        previous=previous,
    )


def scan_with_baseline(
    paths: PathArg | Sequence[PathArg],
    baseline: Baseline | PathArg,
    *,
    key: bytes | str | None = None,
    key_file: PathArg | None = None,
    require_accepted: bool = False,
    **options: Any,
) -> BaselineResult:
    """``exposure_scan.scan`` then :func:`apply`: the library form of ``scan --baseline``.

    The key is resolved as in :func:`resolve_key`; a baseline made with the public key needs
    none. Other keyword arguments are scan options.
    """
    import exposure_scan

    base = baseline if isinstance(baseline, Baseline) else load(baseline)
    raw, _source = resolve_key(key, key_file=key_file, baseline=base)
    if key_fingerprint(raw) != base.key_fingerprint:
        raise ConfigurationError(
            f"this key is not the baseline's key (baseline key fingerprint "
            f"{base.key_fingerprint}, given {key_fingerprint(raw)})"
        )
    plist = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    report = exposure_scan.scan(plist, key=raw, **options)
    return apply(report, base, raw, require_accepted=require_accepted)


# -- audit --------------------------------------------------------------------------------
#: An answer to "accept this entry?": "y", "n", "s" (skip) or "q" (stop asking)
Ask = Callable[[Entry, int, int], str]


def audit(
    baseline: Baseline, ask: Ask, *, entries: Iterable[Entry] | None = None
) -> tuple[Baseline, int]:
    """Ask about each entry (default: those not yet accepted); returns the new baseline and
    how many entries changed. ``y`` accepts, ``n`` withdraws acceptance, ``s`` skips, ``q``
    stops with the decisions so far kept."""
    todo = [e for e in baseline.entries if not e.accepted] if entries is None else list(entries)
    decided: dict[tuple[str, str, str, str], bool] = {}
    for i, entry in enumerate(todo, 1):
        answer = ask(entry, i, len(todo)).strip().lower()[:1]
        if answer == "q":
            break
        if answer in ("y", "n"):
            decided[entry.ident] = answer == "y"
    changed = 0
    out: list[Entry] = []
    for e in baseline.entries:
        if e.ident in decided and decided[e.ident] != e.accepted:
            e = replace(e, accepted=decided[e.ident])
            changed += 1
        out.append(e)
    return replace(baseline, entries=out), changed


def accept_all(baseline: Baseline) -> tuple[Baseline, int]:
    """Every entry accepted (the non-interactive audit); returns how many changed."""
    changed = sum(not e.accepted for e in baseline.entries)
    entries = [replace(e, accepted=True) for e in baseline.entries]
    return replace(baseline, entries=entries), changed
