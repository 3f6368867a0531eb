"""Same inputs, same options, same key: the same JSON report, byte for byte.

Only the timestamps (``meta.started``/``meta.finished``) and the number of worker processes
(``meta.workers``, which the caller chose) may differ. Everything else (the order of sources,
columns and findings, every count, every keyed hash) must not depend on the process, the hash
seed, the worker pool or how sources were cut into batches: two analysts who scan the same
evidence with the same key must be able to diff their reports.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

import exposure_scan

KEY = b"determinism-key"
VARYING = ("started", "finished", "workers")


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One leak in many shapes: CSV, JSONL, JSON, SQL, Parquet, text, a zip and a gzip."""
    from exposure_scan.testing.synthetic import customer_table, support_tickets

    root = tmp_path_factory.mktemp("evidence")
    leak = customer_table(60, seed=5, entities={"CREDIT_CARD": 0.5, "IBAN_CODE": 0.5})
    for name in ("c.csv", "c.jsonl", "c.json", "c.sql", "c.parquet", "c.tsv.gz"):
        leak.write(root / name)
    support_tickets(20, seed=5).write(root / "t.txt")
    with zipfile.ZipFile(root / "bundle.zip", "w") as z:
        z.write(root / "c.csv", "inner/c.csv")
        z.write(root / "t.txt", "inner/t.txt")
    return root


def normalised(report_json: str) -> str:
    data = json.loads(report_json)
    for k in VARYING:
        data["meta"].pop(k, None)
    return json.dumps(data, indent=2, ensure_ascii=False)


def scan_json(root: Path, **options: Any) -> str:
    report = exposure_scan.scan(root, key=KEY, ner="off", **options)
    return normalised(report.to_json())


def in_subprocess(root: Path, hash_seed: str) -> str:
    code = (
        "import sys, exposure_scan; "
        "r = exposure_scan.scan(sys.argv[1], key=sys.argv[2].encode(), ner='off'); "
        "sys.stdout.write(r.to_json())"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run(
        [sys.executable, "-c", code, str(root), KEY.decode()],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return normalised(done.stdout)


@pytest.fixture(scope="module")
def reference(evidence: Path) -> str:
    text = scan_json(evidence)
    data = json.loads(text)
    assert len(data["sources"]) >= 9 and len(data["findings"]) > 100  # not trivially equal
    return text


@pytest.fixture(scope="module")
def other_processes(evidence: Path) -> list[str]:
    return [in_subprocess(evidence, seed) for seed in ("1", "4242")]


def without_severity(text: str) -> str:
    data = json.loads(text)
    data.pop("severity")
    return json.dumps(data, indent=2, ensure_ascii=False)


def test_two_processes_with_different_hash_seeds_agree(
    reference: str, other_processes: list[str]
) -> None:
    for text in other_processes:
        assert without_severity(text) == without_severity(reference)


def test_severity_is_the_same_in_every_process(reference: str, other_processes: list[str]) -> None:
    # Two fixed hash seeds (the in-process one is random, which would make this flaky).
    one, two = (json.loads(t)["severity"] for t in other_processes)
    assert one == two


def test_worker_pool_and_in_process_agree(evidence: Path, reference: str) -> None:
    assert scan_json(evidence, workers=2) == reference


@pytest.mark.parametrize(
    "options",
    [
        {"batch_rows": 7},
        {"batch_rows": 1000, "block_size": 1 << 12},
        {"batch_rows": 3, "workers": 2},
    ],
    ids=["small-batches", "small-blocks", "tiny-batches-in-a-pool"],
)
def test_batching_does_not_change_the_report(
    evidence: Path, reference: str, options: dict[str, Any]
) -> None:
    assert scan_json(evidence, **options) == reference


def test_the_order_of_paths_given_is_kept_and_nothing_else_matters(evidence: Path) -> None:
    """Sources come in the order given, then sorted within directories (a documented order)."""
    names = ["t.txt", "c.csv"]
    one = exposure_scan.scan([evidence / n for n in names], key=KEY, ner="off")
    assert [Path(a.source).name for a in one.sources] == names
    two = exposure_scan.scan([evidence / n for n in names], key=KEY, ner="off")
    assert normalised(one.to_json()) == normalised(two.to_json())


def test_a_different_key_changes_only_hashes_and_the_fingerprint(evidence: Path) -> None:
    """Look-alike: the key is an input; without it the report is the same up to the hashes."""
    a = json.loads(scan_json(evidence / "c.csv"))
    b = json.loads(
        normalised(exposure_scan.scan(evidence / "c.csv", key=b"other", ner="off").to_json())
    )
    assert a != b
    for d in (a, b):
        d["meta"].pop("key_fingerprint")
        for f in d["findings"]:
            f.pop("value_hash")
        d.pop("people")
    assert a == b
