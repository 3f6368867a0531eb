"""Findings spilled to disk: the same report as in memory, in bounded memory, never a leak."""

from __future__ import annotations

import gc
import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.errors import ConfigurationError, SpillError
from exposure_scan.findings import (
    FINDINGS_SCHEMA,
    OWNER_FILE,
    PartialResult,
    SpillDir,
    distinct_per_entity,
)
from exposure_scan.testing.synthetic import customer_table

KEY = b"spill-test-key-0123456789abcdef!"


@pytest.fixture(scope="module")
def leak(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A 3,000-row customer table split over two CSV files, and the raw values planted."""
    data = customer_table(3_000, seed=7, lookalikes=False)
    root = tmp_path_factory.mktemp("spill")
    half = data.table.num_rows // 2
    pa_csv = pytest.importorskip("pyarrow.csv")
    pa_csv.write_csv(data.table.slice(0, half), root / "a.csv")
    pa_csv.write_csv(data.table.slice(half), root / "b.csv")
    planted = [
        t["value"]
        for t in data.truth.to_pylist()
        if t["entity"] in ("EMAIL_ADDRESS", "PHONE_NUMBER")
    ]
    return root, planted


def _scan(path: Path, **kw: object) -> exposure_scan.Report:
    return exposure_scan.scan(  # type: ignore[arg-type]
        path, key=KEY, ner="off", batch_rows=500, block_size=64 << 10, **kw
    )


@pytest.mark.parametrize("workers", [1, 2])
def test_spilled_report_equals_in_memory_report(
    leak: tuple[Path, list[str]], workers: int, tmp_path: Path
) -> None:
    """Pool workers write every batch's findings themselves; one process spills past the
    budget. Either way the report is the one an in-memory scan gives."""
    root, _ = leak
    kept = _scan(root, workers=1)
    spilled = _scan(
        root, workers=workers, parallel_threshold=0, findings_memory=0, spill_dir=str(tmp_path)
    )
    assert not kept._partial.spilled
    assert len(spilled._partial.spilled) >= 6  # one file per batch at a zero budget
    assert spilled._partial.findings == []
    assert spilled.finding_count() == kept.finding_count() > 0
    assert spilled.findings_table().equals(kept.findings_table())
    assert spilled.counts() == kept.counts()
    assert spilled.distinct_values() == kept.distinct_values()
    assert spilled.where("contact", limit=7) == kept.where("contact", limit=7)
    assert spilled.group_counts(["source", "entity"]) == kept.group_counts(["source", "entity"])
    assert spilled.affected_people().equals(kept.affected_people())
    a, b = spilled.to_dict(), kept.to_dict()
    for d in (a, b):
        d["meta"].pop("started"), d["meta"].pop("finished"), d["meta"].pop("workers")
    assert a == b


def test_spill_files_live_in_a_private_directory_removed_with_the_report(
    leak: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root, planted = leak
    report = _scan(root, findings_memory=0, spill_dir=str(tmp_path))
    (directory,) = list(tmp_path.iterdir())
    assert directory.name.startswith("exposure-scan-findings-")
    assert oct(directory.stat().st_mode & 0o777) == oct(0o700)
    files = sorted(f for f in directory.iterdir() if f.name != OWNER_FILE)
    assert len(files) == len(report._partial.spilled)
    assert (directory / OWNER_FILE).stat().st_mode & 0o777 == 0o600
    blob = b"".join(f.read_bytes() for f in files)
    import pyarrow.ipc as ipc

    raw = "\x1f".join(
        "\x1f".join(map(str, r.read_all().to_pydict().values()))
        for f in files
        if (r := ipc.open_file(pa.memory_map(str(f))))
    )
    for value in planted[:200]:
        assert value.encode() not in blob  # compressed, and masked before compression
        assert value not in raw
    del report
    gc.collect()
    assert not directory.exists()


@pytest.mark.parametrize("workers", [1, 2])
def test_reveal_stays_in_memory_unless_a_spill_dir_is_given(
    leak: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    root, planted = leak
    system_tmp = tmp_path / "system"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    monkeypatch.setenv("TMPDIR", str(system_tmp))  # the pool's worker processes
    mem = _scan(root, findings_memory=0, reveal=True, workers=workers, parallel_threshold=0)
    assert not mem._partial.spilled
    assert list(system_tmp.iterdir()) == []
    plain = _scan(root, findings_memory=0)  # without reveal the default place is used
    assert [p.name[:23] for p in system_tmp.iterdir()] == ["exposure-scan-findings-"]
    assert plain.finding_count() == mem.finding_count()
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    disk = _scan(root, findings_memory=0, reveal=True, spill_dir=str(chosen))
    assert disk._partial.spilled
    shown = disk.findings_table(reveal=True)
    assert shown.equals(mem.findings_table(reveal=True))
    assert set(planted[:50]) <= set(shown.column("value").to_pylist())


def test_bad_spill_options_are_configuration_errors(
    leak: tuple[Path, list[str]], tmp_path: Path
) -> None:
    with pytest.raises(ConfigurationError, match="findings_memory"):
        _scan(leak[0], findings_memory=-1)
    with pytest.raises(ConfigurationError, match="spill_dir"):
        _scan(leak[0], spill_dir=str(tmp_path / "missing"))


def test_a_failing_spill_stops_the_scan_with_a_typed_error(
    leak: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disk full is not a damaged source: the scan must not go on without its findings."""

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("exposure_scan.findings.SpilledFindings.write", full)
    with pytest.raises(SpillError, match=r"No space left on device.*spill_dir"):
        _scan(leak[0], findings_memory=0, spill_dir=str(tmp_path))


def test_a_worker_that_cannot_write_raises_a_spill_error(
    leak: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's side of a full disk: a typed error the driver re-raises, not a crash and
    not a damaged source."""
    from exposure_scan import engine
    from exposure_scan.detectors import default_detectors
    from exposure_scan.sources import ReadOptions, iter_sources
    from exposure_scan.sources.containers import Limits

    engine._init_worker(default_detectors(), KEY, False, None, str(tmp_path / "gone" / "x"))
    book = engine.RoleBook()
    batches = []
    for source in iter_sources([leak[0] / "a.csv"], ReadOptions(500, 1 << 20, Limits(), None, 0)):
        batches = [b for raw in source.batches() for b in book.push(raw)] + book.flush()
    with pytest.raises(SpillError, match="could not write findings"):
        engine._scan_in_worker(batches[0])
    monkeypatch.setattr(engine, "_WORKER_SPILL", str(tmp_path))
    part = engine._scan_in_worker(batches[0])
    assert part.findings == [] and len(part.spilled) == 1
    assert part.spilled[0].path.startswith(str(tmp_path))
    assert part.finding_count() > 0
    monkeypatch.setattr(engine, "_WORKER", None)


def _findings(rows: list[tuple[str, str]]) -> pa.Table:
    n = len(rows)
    return pa.table(
        {
            "source": ["s"] * n,
            "row": list(range(n)),
            "column": ["c"] * n,
            "entity": [e for e, _ in rows],
            "start": [0] * n,
            "end": [1] * n,
            "score": [1.0] * n,
            "masked": ["*"] * n,
            "value_hash": [h for _, h in rows],
            "detector": ["d"] * n,
        },
        schema=FINDINGS_SCHEMA,
    )


HASHES = st.one_of(
    st.text("0123456789abcdef", min_size=1, max_size=4),
    st.text(min_size=0, max_size=3),  # not hex at all: must still land in one range
)


@settings(max_examples=60, deadline=None)
@given(
    chunks=st.lists(
        st.lists(st.tuples(st.sampled_from(["EMAIL", "PHONE", "PERSON"]), HASHES), max_size=30),
        max_size=6,
    ),
    memory=st.integers(min_value=1, max_value=5_000),
    spill_after=st.integers(min_value=0, max_value=6),
)
def test_distinct_in_passes_is_exact(
    chunks: list[list[tuple[str, str]]], memory: int, spill_after: int
) -> None:
    directory = SpillDir()
    try:
        partial = PartialResult()
        for i, chunk in enumerate(chunks):
            partial.findings.append(_findings(chunk))
            if i == spill_after:
                partial.spill(directory)
        truth: dict[str, set[str]] = {}
        for chunk in chunks:
            for e, h in chunk:
                truth.setdefault(e, set()).add(h)
        expected = {e: len(v) for e, v in sorted(truth.items())}
        n = partial.finding_count()
        assert distinct_per_entity(partial, n, memory) == expected
        assert distinct_per_entity(partial, n) == expected
    finally:
        directory.remove()


def test_spilled_findings_pickle_by_path_only(tmp_path: Path) -> None:
    import pickle

    directory = SpillDir(str(tmp_path))
    partial = PartialResult(findings=[_findings([("EMAIL", "ab"), ("PHONE", "cd")])])
    partial.spill(directory)
    copy = pickle.loads(pickle.dumps(partial))
    assert copy.spilled[0].owner is None and copy.spilled[0].path == partial.spilled[0].path
    assert copy.findings_table().equals(partial.findings_table())
    directory.remove()
    assert not Path(partial.spilled[0].path).exists()


def test_findings_hold_and_spill_labels_as_dictionaries(tmp_path: Path) -> None:
    """A batch's findings carry their four labels as one-entry dictionaries (4 bytes a
    finding, where plain strings took ~25); a spill file keeps them as dictionaries, its
    tables' dictionaries unified (plain-label tables too), and reads back plain strings."""
    import pyarrow.ipc as ipc

    from exposure_scan.detectors import default_detectors
    from exposure_scan.engine import BatchScanner
    from exposure_scan.findings import LABELS, SpilledFindings
    from exposure_scan.sources.base import Batch

    data = customer_table(400, seed=3, lookalikes=False).table
    batch = Batch(
        "leak.csv",
        data.cast(pa.schema([(n, pa.string()) for n in data.column_names]))
        .combine_chunks()
        .to_batches()[0],
        0,
    )
    tables = BatchScanner(default_detectors(), KEY, False).scan(batch).findings
    assert len(tables) >= 2  # e-mails and phones (no roles here: no name columns)
    for t in tables:
        for name in LABELS:
            assert pa.types.is_dictionary(t.schema.field(name).type)
            assert t.column(name).nbytes <= 4 * t.num_rows + 64
    plain = [t.cast(FINDINGS_SCHEMA) for t in tables[:1]]  # an older path's tables
    mixed = plain + tables[1:]
    spilled = SpilledFindings.write_file(mixed, str(tmp_path / "f.arrow"))
    assert spilled is not None and spilled.rows == sum(t.num_rows for t in mixed)
    schema = ipc.open_file(str(tmp_path / "f.arrow")).schema
    assert all(pa.types.is_dictionary(schema.field(n).type) for n in LABELS)
    assert schema.field("value_hash").type == pa.binary(16)  # keyed hashes as raw bytes
    assert not schema.field("value_hash").nullable
    back = pa.concat_tables(spilled.tables())
    assert back.schema == FINDINGS_SCHEMA
    assert back.equals(pa.concat_tables([t.cast(FINDINGS_SCHEMA) for t in mixed]))


@pytest.mark.parametrize(
    "hashes",
    [
        ["ab", "cd"],  # not keyed hashes (a test's or a caller's labels): kept as text
        ["0" * 32, "F" * 32],  # upper-case hex would not come back the same: kept as text
        ["0123456789abcdef" * 2, "f" * 32],  # keyed hashes: stored as 16 bytes each
    ],
)
def test_spill_files_give_back_the_hashes_they_were_given(
    tmp_path: Path, hashes: list[str]
) -> None:
    import pyarrow.ipc as ipc

    from exposure_scan.findings import SpilledFindings

    table = _findings([("EMAIL_ADDRESS", h) for h in hashes])
    spilled = SpilledFindings.write_file([table], str(tmp_path / "f.arrow"))
    assert spilled is not None
    stored = ipc.open_file(str(tmp_path / "f.arrow")).schema.field("value_hash").type
    raw = all(len(h) == 32 and h == h.lower() for h in hashes)
    assert stored == (pa.binary(16) if raw else pa.string())
    back = pa.concat_tables(spilled.tables())
    assert back.column("value_hash").to_pylist() == hashes
    only = pa.concat_tables(spilled.tables(["value_hash", "row"]))
    assert only.column("value_hash").to_pylist() == hashes


def test_a_spill_of_mixed_tables_keeps_every_hash_as_text(tmp_path: Path) -> None:
    """One table of keyed hashes and one of other labels in one file: all stay text."""
    from exposure_scan.findings import SpilledFindings

    tables = [_findings([("EMAIL_ADDRESS", "a" * 32)]), _findings([("PHONE_NUMBER", "x")])]
    spilled = SpilledFindings.write_file(tables, str(tmp_path / "f.arrow"))
    assert spilled is not None
    back = pa.concat_tables(spilled.tables())
    assert back.column("value_hash").to_pylist() == ["a" * 32, "x"]


def test_a_spill_file_less_one_source(tmp_path: Path) -> None:
    """What the Dask engine does when a split file is read again whole: that file's findings
    leave the spill files, every other source's stay, and a file left untouched is kept."""
    import pyarrow.compute as pc

    from exposure_scan.findings import SpilledFindings

    table = _findings([("EMAIL_ADDRESS", "a" * 32), ("PHONE_NUMBER", "b" * 32)] * 3)
    sources = pa.array(["x", "y", "x", "y", "y", "y"])
    mixed = table.set_column(0, FINDINGS_SCHEMA.field("source"), sources)
    directory = SpillDir(str(tmp_path))
    spilled = SpilledFindings.write([mixed], directory)
    assert spilled is not None
    less = spilled.without_source("x")
    assert less is not None and less.path != spilled.path and less.owner is directory
    back = pa.concat_tables(less.tables())
    assert back.equals(mixed.filter(pc.not_equal(mixed.column("source"), "x")))
    assert spilled.without_source("absent") is spilled
    only_y = SpilledFindings.write([mixed.filter(pc.equal(mixed.column("source"), "y"))], directory)
    assert only_y is not None and only_y.without_source("y") is None


_OWNER = """
import os, sys
from exposure_scan.findings import SpillDir
d = SpillDir(sys.argv[1])
open(os.path.join(d.path, "findings-x.arrow"), "wb").write(b"evidence")
print(d.path, flush=True)
if sys.argv[2] == "killed":
    os._exit(0)  # no clean-up, as after SIGKILL or the OOM killer
sys.stdin.read()  # alive until the test closes stdin
"""


def test_a_dead_scans_spill_dir_is_removed_by_the_next(tmp_path: Path) -> None:
    """A scan killed outright leaves its spill directory; the next scan that spills beside
    it removes it. A live scan's directory, one from another host and one without an owner
    file are left alone."""
    import os
    import socket
    import subprocess
    import sys

    from exposure_scan.findings import OWNER_FILE, SPILL_PREFIX, sweep_dead_spills

    script = tmp_path / "owner.py"
    script.write_text(_OWNER)
    parent = tmp_path / "spill"
    parent.mkdir()
    run = [sys.executable, str(script), str(parent)]
    dead = Path(subprocess.run([*run, "killed"], capture_output=True, text=True).stdout.strip())
    assert dead.is_dir() and (dead / "findings-x.arrow").exists()
    live = subprocess.Popen(
        [*run, "alive"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert live.stdout is not None
    alive = Path(live.stdout.readline().strip())
    foreign = parent / f"{SPILL_PREFIX}elsewhere"
    foreign.mkdir()
    (foreign / OWNER_FILE).write_text(f"not-{socket.gethostname()}\n{dead_pid()}\n")
    legacy = parent / f"{SPILL_PREFIX}legacy"
    legacy.mkdir()
    try:
        mine = SpillDir(str(parent))  # sweeps its parent
        assert not dead.exists()
        assert alive.is_dir() and foreign.is_dir() and legacy.is_dir()
        assert Path(mine.path).is_dir() and sweep_dead_spills(str(parent)) == []
        mine.remove()
    finally:
        live.communicate("", timeout=30)  # the live scan ends normally: its own clean-up
    assert not alive.exists()
    assert set(os.listdir(parent)) == {foreign.name, legacy.name}


def test_a_locked_owner_file_keeps_its_directory(tmp_path: Path) -> None:
    """The owner's process id is gone here, but its lock is held (a live owner in another
    PID namespace): the directory stays until the lock is free."""
    import fcntl
    import socket

    from exposure_scan.findings import OWNER_FILE, SPILL_PREFIX, sweep_dead_spills

    held = tmp_path / f"{SPILL_PREFIX}held"
    held.mkdir()
    owner = held / OWNER_FILE
    owner.write_text(f"{socket.gethostname()}\n{dead_pid()}\n")
    with open(owner, "rb") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        assert sweep_dead_spills(str(tmp_path)) == [] and held.is_dir()
    assert sweep_dead_spills(str(tmp_path)) == [str(held)] and not held.exists()


def dead_pid() -> int:
    """A process id no process has (one that just ended)."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid
