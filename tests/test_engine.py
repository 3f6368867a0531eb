"""The engine: process pool, dead workers, progress events, options."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.engine import ProgressEvent
from worker_faults import DiesInWorker

CARD = "4111111111111111"


def make_csv(path: Path, rows: int, marker_every: int = 0) -> Path:
    lines = ["id,email,card,note"]
    for i in range(rows):
        note = "KILL-ME" if marker_every and i % marker_every == 0 else "ok"
        lines.append(f"{i},user{i}@example.com,{CARD if i % 10 == 0 else ''},{note}")
    path.write_text("\n".join(lines) + "\n")
    return path


def test_pool_and_in_process_give_the_same_report(tmp_path: Path) -> None:
    p = make_csv(tmp_path / "c.csv", 3000)
    one = exposure_scan.scan(p, workers=1, batch_rows=500, block_size=4096, key=b"k", ner="off")
    two = exposure_scan.scan(p, workers=2, batch_rows=500, block_size=4096, key=b"k", ner="off")
    assert two.meta["workers"] == 2
    assert one.findings_table().equals(two.findings_table())
    assert one.coverage() == two.coverage()
    assert one.verdict("payment").to_dict() == two.verdict("payment").to_dict()


def test_a_worker_that_dies_loses_nothing(tmp_path: Path) -> None:
    p = make_csv(tmp_path / "c.csv", 4000, marker_every=997)
    dets = [
        EmailDetector(),
        CreditCardDetector(),
        DiesInWorker(os.getpid(), str(tmp_path / "flag")),
    ]
    r = exposure_scan.scan(
        p, workers=2, batch_rows=400, block_size=4096, detectors=dets, key=b"k", ner="off"
    )
    assert (tmp_path / "flag").exists(), "the worker did not die: the test proves nothing"
    assert r.counts() == {"CREDIT_CARD": 400, "EMAIL_ADDRESS": 4000, "MARKER": 5}
    assert r.coverage().records_read == 4000
    assert any("worker" in n for n in r.notes)


def test_progress_events(tmp_path: Path) -> None:
    p = make_csv(tmp_path / "c.csv", 1000)
    events: list[ProgressEvent] = []
    exposure_scan.scan(p, batch_rows=100, block_size=2048, progress=events.append, ner="off")
    assert events[-1].source_done and events[-1].records == 1000
    assert events[-1].bytes_done == events[-1].bytes_total == p.stat().st_size
    records = [e.records for e in events]
    assert records == sorted(records)


def test_a_failing_progress_callback_does_not_stop_the_scan(tmp_path: Path) -> None:
    def boom(event: ProgressEvent) -> None:
        raise RuntimeError("display broke")

    r = exposure_scan.scan(make_csv(tmp_path / "c.csv", 10), progress=boom, ner="off")
    assert r.coverage().records_read == 10


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"workers": 0}, "workers"),
        ({"sample": 1.5}, "sample"),
        ({"sample": 0}, "sample"),
        ({"colour": "red"}, "unknown scan option"),
    ],
)
def test_bad_options_raise_a_typed_error(
    tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(exposure_scan.ConfigurationError, match=message):
        exposure_scan.scan(make_csv(tmp_path / "c.csv", 1), **options)


def test_missing_path_raises_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(exposure_scan.SourceNotFoundError):
        exposure_scan.scan(tmp_path / "nope.csv")


_WORKER_START = """
import sys
import pyarrow as pa
from exposure_scan.detectors import default_detectors
from exposure_scan.engine import _init_worker
from worker_faults import DiesInWorker
detectors = default_detectors() + ([DiesInWorker(0, "-")] if sys.argv[1] == "foreign" else [])
_init_worker(detectors, b"k", False, None)
pa.array(["a list", None])  # what pyarrow imports pandas for
print("pandas" in sys.modules)
import pandas as pd
frame = pa.table({"a": [1, 2]}).to_pandas()
series = pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("Europe/Rome"))
print(len(frame), pa.array(series).type)
"""


@pytest.mark.parametrize(("detectors", "imported"), [("ours", "False"), ("foreign", "True")])
def test_a_pool_worker_does_not_import_pandas(detectors: str, imported: str) -> None:
    """Workers with our detectors skip pyarrow's pandas import (0.3 s and ~47 MiB each);
    pandas still works when asked for. A caller's detector keeps pyarrow's detection."""
    pytest.importorskip("pandas")
    import subprocess
    import sys

    here = Path(__file__).parent
    env = {**os.environ, "PYTHONPATH": str(here)}
    run = subprocess.run(
        [sys.executable, "-c", _WORKER_START, detectors],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    seen, converted = run.stdout.split("\n")[:2]
    assert seen == imported
    assert converted.startswith("2 timestamp[") and converted.endswith("tz=Europe/Rome]")


def test_workers_start_and_warm_up_before_the_first_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pool's workers are started as soon as it exists, and each builds the country
    tables in its initializer: both overlap with the driver's reading and role inference."""
    import subprocess
    import sys
    from concurrent.futures import ProcessPoolExecutor

    from exposure_scan import engine

    submitted: list[str] = []
    real = ProcessPoolExecutor.submit

    def spy(self: ProcessPoolExecutor, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        submitted.append(fn.__name__)
        return real(self, fn, *args, **kwargs)

    monkeypatch.setattr(ProcessPoolExecutor, "submit", spy)
    p = make_csv(tmp_path / "c.csv", 1000)
    exposure_scan.scan(p, workers=2, batch_rows=500, block_size=4096, key=b"k", ner="off")
    assert submitted[:2] == ["_started", "_started"]
    assert submitted[2:] and set(submitted[2:]) == {engine._scan_in_worker.__name__}
    warmed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from exposure_scan.engine import _init_worker\n"
            "from exposure_scan.detectors import structured\n"
            "_init_worker([], b'k', False, None)\n"
            "print(structured._country_codes.cache_info().currsize)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert warmed.stdout.strip() == "1"


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.text(max_size=8), st.just("a\x00b"), st.just("\x00")),
        max_size=12,
    ),
    cut=st.integers(0, 3),
    large=st.booleans(),
)
def test_holds_nul_is_true_exactly_when_a_cell_holds_one(
    values: list[str | None], cut: int, large: bool
) -> None:
    """The engine counts NUL cells (the mark of text read in the wrong encoding) only in
    columns whose bytes hold one: the buffer test must never say no wrongly (sliced arrays:
    bytes outside the slice do not count)."""
    import pyarrow as pa

    from exposure_scan.detectors import bytewise

    arr = pa.array(values, pa.large_string() if large else pa.string())
    arr = arr.slice(min(cut, len(values)), max(0, len(values) - 2 * cut))
    assert bytewise.holds_nul(arr) == any(v is not None and "\x00" in v for v in arr.to_pylist())
    assert bytewise.holds_nul(arr.cast(pa.binary()))  # not text: the exact count decides


@pytest.mark.parametrize("workers", [1, 2])
def test_nul_cells_are_counted_per_column(tmp_path: Path, workers: int) -> None:
    """NULs inside decoded text (JSON's ``\\u0000``; a raw NUL makes a CSV binary) are an
    anomaly per column, counted per cell."""
    import json

    p = tmp_path / "nul.jsonl"
    rows = [{"id": i, "name": "Ann\x00Lee" if i % 7 == 0 else "Ann Lee"} for i in range(3000)]
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = exposure_scan.scan(p, workers=workers, batch_rows=500, ner="off")
    kinds = {(a["column"], a["kind"]): a["cells"] for a in report.to_dict()["anomalies"]}
    assert kinds == {("name", "nul"): len(range(0, 3000, 7))}


WORKER_ENV_SCRIPT = """
import os, sys
sys.path.insert(0, sys.argv[3])
import exposure_scan
from exposure_scan.detectors import default_detectors
from worker_faults import RecordsEnvironment
assert "OPENBLAS_NUM_THREADS" not in os.environ
detectors = default_detectors() + [RecordsEnvironment(os.getpid(), sys.argv[2])]
exposure_scan.scan(sys.argv[1], workers=2, batch_rows=200, block_size=4096, ner="off",
                   detectors=detectors)
print("driver", os.environ.get("OPENBLAS_NUM_THREADS", "unset"))
"""


def test_workers_start_without_busy_blas_threads_and_the_caller_keeps_its_environment(
    tmp_path: Path,
) -> None:
    """Pool workers run with OPENBLAS_NUM_THREADS=1 (numpy's OpenBLAS would otherwise start
    a thread per core that busy-waits at import); the calling process's environment is left
    as it was."""
    import subprocess
    import sys

    path = tmp_path / "marked.csv"
    path.write_text("id,note\n" + "".join(f"{i},RECORD-ME\n" for i in range(2000)))
    seen = tmp_path / "seen"
    seen.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    tests = str(Path(__file__).parent)
    proc = subprocess.run(
        [sys.executable, "-c", WORKER_ENV_SCRIPT, str(path), str(seen), tests],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["driver", "unset"]
    values = {p.read_text() for p in seen.glob("*.env")}
    assert values == {"1"}
