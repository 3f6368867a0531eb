"""pytest plugin: exposure checks as ordinary tests, with one scan per evidence per session.

Registered through the ``pytest11`` entry point, so it is imported by *every* pytest run in an
environment where exposure_scan is installed. It therefore imports nothing heavy at import time
(no pyarrow-heavy engine, no spaCy, no presidio): the scanner is loaded the first time a test
asks for a report.

Fixtures: ``exposure_scan`` (session scanner with a content-addressed cache),
``exposure_report`` (the report of the evidence named by the marker or ``--exposure-evidence``),
``exposure_policy`` and ``synthetic_leak``. See docs/pytest-plugin.md.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
import platform
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .report import Report
    from .testing.synthetic import SyntheticLeak

# Helpers that tests call directly get pytest's assertion rewriting (must precede their import).
pytest.register_assert_rewrite("exposure_scan.testing.assertions")

CHUNK = 1 << 20  # evidence is hashed in 1 MiB chunks: bounded memory on multi-GB dumps
SESSION_SCHEMA = "exposure_scan.session/1"


@dataclass(frozen=True)
class ExposurePolicy:
    """What a test requires of its evidence: the entities/categories that must be absent."""

    must_be_absent: tuple[str, ...] = ()
    evidence: tuple[Path, ...] = ()
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class _ScanRecord:
    inputs: list[dict[str, Any]]
    options: dict[str, Any]
    report: Report
    tests: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: must_be_absent policy -> the report under that policy (one scan serves every policy)
    policies: dict[tuple[str, ...], Report] = field(default_factory=dict)


def sha256_file(path: Path, chunk: int = CHUNK) -> str:
    """SHA-256 of a file read in ``chunk``-sized pieces."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        for root, dirs, names in os.walk(path):
            dirs.sort()
            for name in sorted(names):
                yield Path(root, name)
    elif path.exists():
        yield path
    else:
        raise FileNotFoundError(f"exposure evidence not found: {path}")


def _freeze(value: Any) -> Any:
    """A hashable, order-independent stand-in for an option value (the cache key).

    Scalars are tagged with their type: ``sample=1`` (one record) and ``sample=1.0`` (every
    record) are equal in Python and must not share a cache entry.
    """
    if value is None or isinstance(value, (str, bytes, int, float, bool)):
        return (type(value).__name__, value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(repr(_freeze(v)) for v in value))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        items = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return (type(value).__qualname__, _freeze(items))
    return (type(value).__qualname__, repr(value))


def _describe(value: Any) -> Any:
    """A JSON-safe description of an option value for the session report (no key material)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, bytes):
        return "<bytes>"
    if isinstance(value, Mapping):
        return {str(k): _describe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_describe(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _describe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    ident = getattr(value, "ident", None)
    return ident if isinstance(ident, str) else type(value).__qualname__


class Scanner:
    """Session-wide scanner: ``scan()`` runs once per (evidence content, options).

    The cache key is the SHA-256 of every file under the paths (plus the paths themselves, as
    reports name sources by path) and the validated options, so an edited file is rescanned and
    twenty tests over the same evidence cost one scan. The ``must_be_absent`` policy is not part
    of the key: it changes no finding, so tests with different policies share the scan.
    A file's digest is reused while its size, mtime and inode are unchanged, so large evidence
    is read once per session, not once per test.
    """

    def __init__(self, defaults: Mapping[str, Any] | None = None) -> None:
        self.defaults = dict(defaults or {})
        self.records: dict[Any, _ScanRecord] = {}
        self.scans = 0
        self.hits = 0
        self._digests: dict[tuple[str, int, int, int], str] = {}

    def digest(self, path: Path) -> str:
        """SHA-256 of a file, computed again only when its stat changes."""
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
        value = self._digests.get(key)
        if value is None:
            value = self._digests[key] = sha256_file(path)
        return value

    def scan(
        self, paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], **options: Any
    ) -> Report:
        """The report of ``paths`` scanned with ``options`` (see ``exposure_scan.scan``)."""
        return self._scan(paths, options, None)

    def _scan(
        self,
        paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
        options: Mapping[str, Any],
        test: str | None,
    ) -> Report:
        from .options import ScanOptions

        items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
        resolved = [Path(p).resolve() for p in items]
        merged = {**self.defaults, **options}
        opts = ScanOptions.from_kwargs(merged)  # validates before any hashing
        inputs = [
            {"path": str(f), "size": f.stat().st_size, "sha256": self.digest(f)}
            for p in resolved
            for f in _files(p)
        ]
        fields = {f.name: getattr(opts, f.name) for f in dataclasses.fields(opts)}
        policy = tuple(fields.pop("must_be_absent"))
        key = (
            tuple(str(p) for p in resolved),
            tuple((i["path"], i["sha256"]) for i in inputs),
            _freeze(fields),
        )
        record = self.records.get(key)
        if record is None:
            import exposure_scan

            scan_options = {k: v for k, v in merged.items() if k != "must_be_absent"}
            t0 = time.perf_counter()
            report = exposure_scan.scan([str(p) for p in resolved], **scan_options)
            self.scans += 1
            record = self.records[key] = _ScanRecord(
                inputs, _describe(scan_options), report, seconds=time.perf_counter() - t0
            )
        else:
            self.hits += 1
        if test is not None and test not in record.tests:
            record.tests.append(test)
        return record.policies.get(policy) or self._with_policy(record, policy)

    @staticmethod
    def _with_policy(record: _ScanRecord, policy: tuple[str, ...]) -> Report:
        """The scanned report under another policy: a shallow copy, findings shared."""
        report = copy.copy(record.report)
        report.must_be_absent = policy
        record.policies[policy] = report
        return report

    def session_dict(self) -> dict[str, Any]:
        """Everything scanned in the session: inputs with hashes, options, versions, reports."""
        from importlib import metadata

        from ._version import __version__

        libs: dict[str, str | None] = {}
        for dist in ("pyarrow", "phonenumbers", "python-stdnum", "google-re2", "spacy"):
            try:
                libs[dist] = metadata.version(dist)
            except metadata.PackageNotFoundError:
                libs[dist] = None
        return {
            "schema": SESSION_SCHEMA,
            "tool": "exposure_scan",
            "version": __version__,
            "python": platform.python_version(),
            "pytest": pytest.__version__,
            "libraries": libs,
            "created": time.time(),
            "scans": [
                {
                    "inputs": r.inputs,
                    "options": r.options,
                    "policies": [list(p) for p in r.policies],
                    "tests": r.tests,
                    "seconds": round(r.seconds, 3),
                    "detectors": dict(r.report.detectors),
                    "report": r.report.to_dict(),
                }
                for r in self.records.values()
            ],
        }


@dataclass
class _State:
    scanner: Scanner
    report_path: Path | None
    evidence: tuple[Path, ...]
    must_be_absent: tuple[str, ...]


_STATE = pytest.StashKey[_State]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("exposure_scan", "exposure_scan: personal-data exposure checks")
    group.addoption(
        "--exposure-evidence",
        action="append",
        default=[],
        metavar="PATH",
        help="evidence scanned for the exposure_report fixture when a test has no marker "
        "(repeatable)",
    )
    group.addoption(
        "--exposure-report",
        metavar="PATH",
        default=None,
        help="write a JSON report of every scan of the session to PATH (and HTML beside it)",
    )
    group.addoption(
        "--exposure-must-be-absent",
        metavar="NAMES",
        default=None,
        help="comma-separated entities/categories that must be absent (default policy)",
    )
    group.addoption(
        "--exposure-ner",
        metavar="MODE",
        default=None,
        help="NER for scans in this session: auto, off or a spaCy pipeline name",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "exposure_evidence(*paths, must_be_absent=(), **scan_options): evidence that the "
        "exposure_report fixture scans for this test (paths relative to the test file)",
    )
    defaults: dict[str, Any] = {}
    ner = config.getoption("exposure_ner", None)
    if ner:
        defaults["ner"] = ner
    invocation = config.invocation_params.dir
    report = config.getoption("exposure_report", None)
    config.stash[_STATE] = _State(
        scanner=Scanner(defaults),
        report_path=(invocation / report) if report else None,
        evidence=tuple(invocation / p for p in config.getoption("exposure_evidence", []) or []),
        must_be_absent=_split(config.getoption("exposure_must_be_absent", None)),
    )


def _split(names: str | Sequence[str] | None) -> tuple[str, ...]:
    if not names:
        return ()
    if isinstance(names, str):
        names = names.split(",")
    return tuple(n.strip() for n in names if n.strip())


def _state(config: pytest.Config) -> _State:
    return config.stash[_STATE]


@pytest.fixture(scope="session")
def exposure_scan(pytestconfig: pytest.Config) -> Scanner:
    """The session scanner: ``exposure_scan.scan(paths, **options) -> Report``, cached."""
    return _state(pytestconfig).scanner


@pytest.fixture
def exposure_policy(request: pytest.FixtureRequest) -> ExposurePolicy:
    """The policy of this test: the ``exposure_evidence`` marker, else the command line."""
    state = _state(request.config)
    marker = request.node.get_closest_marker("exposure_evidence")
    if marker is None:
        return ExposurePolicy(state.must_be_absent, state.evidence)
    options = dict(marker.kwargs)
    names = options.pop("must_be_absent", None)
    base = Path(str(request.node.path)).parent
    evidence = tuple(base / Path(os.fspath(p)) for p in marker.args) or state.evidence
    policy = _split(names) if names is not None else state.must_be_absent
    return ExposurePolicy(policy, evidence, options)


@pytest.fixture
def exposure_report(
    request: pytest.FixtureRequest, exposure_policy: ExposurePolicy, exposure_scan: Scanner
) -> Report:
    """The report of this test's evidence, scanned once per session and shared."""
    if not exposure_policy.evidence:
        pytest.fail(
            "no exposure evidence: mark the test with @pytest.mark.exposure_evidence(PATH) "
            "or run pytest with --exposure-evidence PATH",
            pytrace=False,
        )
    options = {**exposure_policy.options, "must_be_absent": exposure_policy.must_be_absent}
    try:
        return exposure_scan._scan(exposure_policy.evidence, options, request.node.nodeid)
    except (FileNotFoundError, ValueError) as exc:  # ConfigurationError is a ValueError
        pytest.fail(f"exposure evidence could not be scanned: {exc}", pytrace=False)


SyntheticFactory = Callable[..., "tuple[Path, SyntheticLeak]"]


@pytest.fixture
def synthetic_leak(tmp_path: Path) -> SyntheticFactory:
    """Factory: ``synthetic_leak(rows=50, kind="customers", fmt="csv", **generator_kwargs)``.

    Writes a seeded synthetic leak (``testing.synthetic.customer_table`` or, with
    ``kind="tickets"``, ``support_tickets``) under ``tmp_path`` and returns ``(path, leak)``;
    ``leak.truth`` says what was planted.
    """
    made = 0

    def make(
        rows: int = 50,
        *,
        kind: str = "customers",
        fmt: str = "csv",
        name: str | None = None,
        **kwargs: Any,
    ) -> tuple[Path, SyntheticLeak]:
        nonlocal made
        from .testing import synthetic

        if kind == "customers":
            leak = synthetic.customer_table(rows, **kwargs)
        elif kind == "tickets":
            leak = synthetic.support_tickets(rows, **kwargs)
        else:
            raise ValueError("kind must be 'customers' or 'tickets'")
        made += 1
        target = tmp_path / f"{name or f'{kind}-{made}'}.{fmt}"
        return Path(leak.write(target, fmt)), leak

    return make


def report_paths(path: Path) -> tuple[Path, Path]:
    """The JSON path and the HTML path written beside it."""
    html = path.with_suffix(".html") if path.suffix == ".json" else Path(f"{path}.html")
    return path, html


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(_STATE, None)
    if state is None or state.report_path is None:
        return
    if hasattr(session.config, "workerinput"):  # pytest-xdist worker: the controller writes
        return
    json_path, html_path = report_paths(state.report_path)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    data = state.scanner.session_dict()
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    from .render.html import render_session_html

    reports = [r.report for r in state.scanner.records.values()]
    html_path.write_text(render_session_html(data, reports), encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is None or not (state.scanner.scans or state.report_path):
        return
    s = state.scanner
    line = f"exposure_scan: {s.scans} scan(s), {s.hits} cached"
    if state.report_path is not None:
        line += f"; report: {state.report_path}"
    terminalreporter.write_line(line)
