"""The Dask engine: same report as the local engine, on a real multi-process cluster.

One ``LocalCluster`` (2 worker processes, 1 thread each) serves the whole module. Values are
documented test card numbers and IBANs, and ``example.*`` addresses; look-alikes fail their
checksum on purpose.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import os
import re
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")

import dask.dataframe as dd  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

import exposure_scan  # noqa: E402
from exposure_scan.dask import Collector, scan_dataframe  # noqa: E402
from exposure_scan.detectors import CreditCardDetector, EmailDetector  # noqa: E402
from exposure_scan.detectors.structured import PersonCellDetector  # noqa: E402
from exposure_scan.engine import ProgressEvent  # noqa: E402
from exposure_scan.findings import FINDINGS_SCHEMA, VALUE_FIELD, PartialResult  # noqa: E402
from exposure_scan.options import ScanOptions  # noqa: E402
from exposure_scan.partitions import (  # noqa: E402
    HashUnit,
    Plan,
    ScanConfig,
    SliceUnit,
    SplitSource,
    UnitResult,
    compact,
    frame_table,
    merge_results,
    outcome_parts,
    plan_paths,
    scan_unit,
    spill_target,
)
from worker_faults import DiesInWorker  # noqa: E402

CARD = "4111111111111111"
CARD_LOOKALIKE = "4111111111111112"  # fails Luhn
IBAN = "GB82WEST12345698765432"
IBAN_LOOKALIKE = "GB82WEST12345698765433"  # fails mod-97
BASE = {"key": b"fixed-key", "ner": "off", "batch_rows": 400}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster, set_as_default=False) as c,
    ):
        yield c


def big_parquet(path: Path, rows: int = 3000, row_group: int = 400) -> Path:
    table = pa.table(
        {
            "id": pa.array(range(rows), pa.int64()),
            "email": [f"user{i}@example.com" if i % 4 else None for i in range(rows)],
            "card_number": pa.array(
                [int(CARD) if i % 9 == 0 else i for i in range(rows)], pa.int64()
            ),
            "iban": [IBAN if i % 11 == 0 else IBAN_LOOKALIKE for i in range(rows)],
            "always_null": pa.array([None] * rows, pa.string()),
            "contacts": [[f"c{i}@example.org", "not an address"] for i in range(rows)],
        }
    )
    pq.write_table(table, path, row_group_size=row_group)
    return path


@pytest.fixture(scope="module")
def leak(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Formats the two engines read differently: split Parquet, whole CSV/gz/zip, damage."""
    d = tmp_path_factory.mktemp("leak")
    (d / "a.csv").write_text(
        "id,email,comment\n"
        f'1,a@example.com,"two\nlines {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:]}"\n'
        f"2,user at example dot com,{CARD_LOOKALIKE}\n"
    )
    with gzip.open(d / "b.csv.gz", "wt") as f:
        f.write("ref,cc\nx,5555555555554444\ny,5555555555554445\n")
    packed = gzip.compress(("ref,mail\n" + "r,q@example.net\n" * 400).encode())
    (d / "cut.csv.gz").write_bytes(packed[: len(packed) // 2])  # truncated: damaged
    with zipfile.ZipFile(d / "c.zip", "w") as z:
        z.writestr("m.jsonl", '{"mail": "z@example.com"}\n{"mail": "not-an-email"}\n')
    (d / "sub").mkdir()
    (d / "sub" / "empty.txt").write_bytes(b"")
    (d / "sub" / "junk.bin").write_bytes(bytes(range(256)) * 8)
    big_parquet(d / "big.parquet")
    return d


RUN_META = {"started", "finished", "workers", "engine"}


def differences(local: exposure_scan.Report, dist: exposure_scan.Report) -> list[str]:
    """Top-level report keys that differ; of the meta, only what describes the run may."""
    a, b = local.to_dict(), dist.to_dict()
    for d in (a, b):
        d["meta"] = {k: v for k, v in d["meta"].items() if k not in RUN_META}
    return [k for k in a if a[k] != b[k]]


def slices(path: Path, partition_bytes: int, **options: Any) -> int:
    plan = plan_paths([path], ScanConfig.from_options(ScanOptions(**options)), partition_bytes)
    return sum(isinstance(u, SliceUnit) for u in plan.units)


# --- same report as the local engine ------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "partition_bytes"),
    [
        ({}, 1),  # every row group its own task
        ({}, 20_000),  # several row groups per task
        ({"sample": 0.3, "seed": 7}, 1),  # sampling: same records drawn
        ({"sample": 900}, 20_000),  # a record count: the rate comes from the first batch
    ],
)
def test_cluster_report_equals_local(
    client: Client, leak: Path, options: dict[str, Any], partition_bytes: int
) -> None:
    assert slices(leak, partition_bytes, **BASE) >= 3, "the Parquet file was not split"
    local = exposure_scan.scan(leak, **BASE, **options)
    dist = exposure_scan.scan(
        leak, engine="dask", client=client, partition_bytes=partition_bytes, **BASE, **options
    )
    assert differences(local, dist) == []
    assert dist.findings_table().equals(local.findings_table())
    assert dist.meta["engine"] == "dask" and dist.meta["workers"] == 2
    # The comparison is not vacuous: hits, look-alikes, damage and controls are all there.
    counts = dist.counts()
    assert counts["CREDIT_CARD"] >= 2 and counts["IBAN_CODE"] >= 1
    assert dist.to_dict()["near_misses"], "no look-alike was seen"
    by_name = {Path(s.source).name: s for s in dist.sources}
    assert by_name["cut.csv.gz"].error is not None
    assert by_name["junk.bin"].error is not None
    assert dist.controls and dist.controls == local.controls


def test_split_source_accounting_matches_the_file(client: Client, leak: Path) -> None:
    dist = exposure_scan.scan(leak / "big.parquet", engine="dask", client=client, **BASE)
    (account,) = dist.sources
    data = (leak / "big.parquet").read_bytes()
    assert account.sha256 == hashlib.sha256(data).hexdigest()
    assert account.size == len(data)
    assert (account.format, account.records_read, account.error) == ("parquet", 3000, None)
    # a column with no cells keeps its zero count through the merges, as in a local scan
    cells = {c["column"]: c["cells_scanned"] for c in dist.to_dict()["columns"]}
    assert cells["always_null"] == 0 and cells["email"] == 3000 * 3 // 4


def test_scheduler_address(client: Client, leak: Path) -> None:
    address = client.scheduler.address
    local = exposure_scan.scan(leak / "a.csv", **BASE)
    dist = exposure_scan.scan(leak / "a.csv", engine="dask", scheduler_address=address, **BASE)
    assert differences(local, dist) == []


def test_tables_and_databases_are_whole_units(client: Client, tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "crm.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE customer (mail TEXT, pan TEXT)")
        conn.executemany(
            "INSERT INTO customer VALUES (?, ?)",
            [(f"u{i}@example.com", CARD if i % 2 else CARD_LOOKALIKE) for i in range(30)],
        )
    conn.close()
    table = pa.table({"contact": ["x@example.org", "none"], "iban": [IBAN, IBAN_LOOKALIKE]})
    inputs = [table, f"sqlite:///{db}"]
    local = exposure_scan.scan(inputs, name="crm-table", **BASE)
    dist = exposure_scan.scan(inputs, name="crm-table", engine="dask", client=client, **BASE)
    assert differences(local, dist) == []
    assert dist.counts() == {"CREDIT_CARD": 15, "EMAIL_ADDRESS": 31, "IBAN_CODE": 1}


def test_roles_are_decided_once_per_source(client: Client, tmp_path: Path) -> None:
    """Real first names in the first row group confirm a PERSON column; later groups hold
    invented names that, judged on their own, would not. Roles from the first batch apply to
    every slice, so every cell is a PERSON finding, as in a local scan."""
    real = ["Mario", "Anna", "John", "Maria", "Luca", "Giulia", "Peter", "Sophie"]
    made_up = ["Zorblat", "Quixmo", "Vendrak", "Plumtor"]
    names = [real[i % 8] for i in range(500)] + [made_up[i % 4] for i in range(2500)]
    path = tmp_path / "people.parquet"
    pq.write_table(pa.table({"first_name": names}), path, row_group_size=500)
    opts = {**BASE, "detectors": [PersonCellDetector()]}
    assert slices(path, 1, **opts) == 6
    local = exposure_scan.scan(path, **opts)
    dist = exposure_scan.scan(path, engine="dask", client=client, partition_bytes=1, **opts)
    assert local.counts() == {"PERSON": 3000}, "the role was not confirmed: test proves nothing"
    assert differences(local, dist) == []


# --- a worker dies ------------------------------------------------------------------------------


def test_a_worker_killed_mid_task_loses_nothing(client: Client, tmp_path: Path) -> None:
    rows = 3000
    path = tmp_path / "m.parquet"
    notes = ["KILL-ME" if i == 2222 else f"{CARD}" if i % 10 == 0 else "ok" for i in range(rows)]
    pq.write_table(pa.table({"note": notes}), path, row_group_size=500)
    (tmp_path / "x.csv").write_text("mail\n" + "a@example.com\n" * 50)
    flag = str(tmp_path / "flag")
    dets = [CreditCardDetector(), EmailDetector(), DiesInWorker(os.getpid(), flag)]
    opts = {**BASE, "detectors": dets}
    local = exposure_scan.scan(tmp_path, **opts)
    assert not (tmp_path / "flag").exists()
    dist = exposure_scan.scan(tmp_path, engine="dask", client=client, partition_bytes=1, **opts)
    assert (tmp_path / "flag").exists(), "no worker died: the test proves nothing"
    assert differences(local, dist) == []
    assert dist.counts() == {"CREDIT_CARD": 300, "EMAIL_ADDRESS": 50, "MARKER": 1}
    client.wait_for_workers(2, timeout=60)


# --- findings in bounded memory -----------------------------------------------------------------
def test_workers_on_the_drivers_machine_write_findings_to_its_spill_dir(
    client: Client, leak: Path
) -> None:
    """The cluster's workers see the driver's spill directory (same machine): each batch's
    findings go to disk there, so neither the results nor the driver hold them."""
    local = exposure_scan.scan(leak, **BASE)
    dist = exposure_scan.scan(leak, engine="dask", client=client, partition_bytes=1, **BASE)
    part = dist._partial
    assert part.findings == [] and len(part.spilled) >= 8  # one file per batch with findings
    spill_dir = {os.path.dirname(s.path) for s in part.spilled}
    assert len(spill_dir) == 1 and all(s.owner is not None for s in part.spilled)
    assert differences(local, dist) == []
    assert dist.findings_table().equals(local.findings_table())
    del dist, part
    assert not os.path.exists(spill_dir.pop()), "the spill directory outlived the report"


def test_a_worker_that_cannot_see_the_spill_dir_returns_its_findings(leak: Path) -> None:
    config = ScanConfig.from_options(ScanOptions(**BASE))
    plan = plan_paths([leak / "big.parquet"], config, 1)
    unit = next(u for u in plan.units if isinstance(u, SliceUnit))
    unseen = dataclasses.replace(config, spill_path=str(leak))  # no marker of this scan there
    assert spill_target(unseen) is None
    result = scan_unit(unit, unseen)
    assert result.partial.spilled == [] and result.partial.finding_count() > 0
    assert not any(p.suffix == ".arrow" for p in leak.iterdir())


def test_the_driver_spills_what_workers_send_back(client: Client, leak: Path) -> None:
    """Results that carry their findings (workers elsewhere) are spilled by the driver past
    ``findings_memory``; the report is unchanged."""
    options = ScanOptions(**BASE, findings_memory=0)
    config = ScanConfig.from_options(options)
    plan = plan_paths([leak], config, 1)
    futures = [client.submit(scan_unit, u, config, pure=False) for u in plan.units]
    collector = Collector(options, config)
    assert collector.config.spill_path is not None
    collector.gather(client, futures)
    assert futures == []
    merged = collector.merged
    assert merged.partial.findings == [] and len(merged.partial.spilled) >= 8
    expected = merge_results(*(scan_unit(u, config) for u in plan.units))
    assert merged.partial.findings_table().equals(expected.partial.findings_table())
    assert merged.partial.cells == expected.partial.cells
    assert merged.records == expected.records and merged.accounts.keys() == expected.accounts.keys()


def test_revealed_values_never_reach_the_disk_unless_asked(client: Client, leak: Path) -> None:
    report = exposure_scan.scan(
        leak / "a.csv", engine="dask", client=client, reveal=True, findings_memory=0, **BASE
    )
    assert report._partial.spilled == [] and report.finding_count() > 0
    assert "value" in report.findings_table(reveal=True).column_names


# --- damage inside a split file -------------------------------------------------------------------
def test_a_damaged_row_group_is_reported_like_a_local_read(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    table = pa.table({"email": [f"u{i}@example.com" for i in range(6000)], "cc": [CARD] * 6000})
    pq.write_table(table, path, row_group_size=500, compression="snappy")
    # Past the records the driver reads to decide roles (2,000), so the file is split.
    assert slices(path, 1, **BASE) == 12
    col = pq.ParquetFile(path).metadata.row_group(8).column(0)
    data = bytearray(path.read_bytes())
    start = (col.dictionary_page_offset or col.data_page_offset) + 20
    data[start : start + 40] = b"\xab" * 40
    path.write_bytes(bytes(data))
    good = big_parquet(tmp_path / "good.parquet")  # split too: its slices' findings must stay
    local = exposure_scan.scan(tmp_path, **BASE)
    dist = exposure_scan.scan(tmp_path, engine="dask", client=client, partition_bytes=1, **BASE)
    assert dist._partial.spilled, "the findings were not on disk when the file was re-read"

    def of_good(report: exposure_scan.Report) -> pa.Table:
        table = report.findings_table()
        return table.filter(pc.equal(table.column("source"), str(good)))

    assert of_good(dist).num_rows > 1000 and of_good(dist).equals(of_good(local))
    # pyarrow's read-ahead makes *where* a local read stops vary from run to run; what must
    # match is the kind of account: failed, with the reason, and findings only before the stop.
    local.sources = [s for s in local.sources if s.source == str(path)]
    dist.sources = [s for s in dist.sources if s.source == str(path)]
    (la,), (da,) = local.sources, dist.sources
    assert la.error is not None and da.error is not None
    assert da.error.startswith("reading stopped after record ")
    assert da.error.split(": ", 1)[1] == la.error.split(": ", 1)[1]
    assert (da.sha256, da.size) == (la.sha256, la.size)
    table = dist.findings_table()
    rows = table.filter(pc.equal(table.column("source"), str(path))).column("row").to_pylist()
    assert rows and all(r < da.records_read for r in rows)
    assert dist.status("payment") is not exposure_scan.Status.ABSENT
    assert dist.coverage().sources_failed == 1


# --- data frames ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def frame_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    n = 3000
    df = pd.DataFrame(
        {
            "id": range(n),
            "email": [f"user{i}@example.com" if i % 3 else "nobody" for i in range(n)],
            "card": [CARD if i % 5 == 0 else CARD_LOOKALIKE for i in range(n)],
        }
    )
    path = tmp_path_factory.mktemp("frame") / "df.parquet"
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), path, row_group_size=400)
    return df, path


@pytest.mark.parametrize("kind", ["read_parquet", "from_pandas_with_empty_partition"])
def test_scan_dataframe_equals_local_scan_of_the_rows(
    client: Client, frame_file: tuple[Any, Path], kind: str
) -> None:
    df, path = frame_file
    if kind == "read_parquet":
        ddf = dd.read_parquet(path, split_row_groups=True)
    else:
        ddf = dd.concat(
            [
                dd.from_pandas(df.iloc[:1000], npartitions=2),
                dd.from_pandas(df.iloc[0:0], npartitions=1),
                dd.from_pandas(df.iloc[1000:], npartitions=3),
            ]
        )
    assert ddf.npartitions >= 4
    local = exposure_scan.scan(path, **BASE)
    dist = scan_dataframe(ddf, name=str(path), client=client, **BASE)
    assert [k for k in differences(local, dist) if k != "sources"] == []
    (account,) = dist.sources
    assert (account.source, account.format, account.records_read) == (str(path), "dataframe", 3000)
    assert dist.counts() == {"CREDIT_CARD": 600, "EMAIL_ADDRESS": 2000}


def test_scan_dataframe_reports_progress_per_partition(
    client: Client, frame_file: tuple[Any, Path]
) -> None:
    df, _path = frame_file
    ddf = dd.from_pandas(df, npartitions=5)
    events: list[ProgressEvent] = []
    report = scan_dataframe(ddf, name="frame", client=client, progress=events.append, **BASE)
    assert len(events) == 5
    assert [e.records for e in events] == sorted(e.records for e in events)  # running totals
    assert events[-1].records == report.coverage().records_read == 3000
    assert {(e.source, e.bytes_total) for e in events} == {("frame", 0)}


def test_scan_dataframe_scans_a_named_index(client: Client) -> None:
    pdf = pd.DataFrame(
        {"amount": [1, 2, 3, 4]},
        index=pd.Index(["a@example.com", "b@example.com", "nobody", "c@example.net"], name="mail"),
    )
    ddf = dd.from_pandas(pdf, npartitions=2, sort=False)
    report = scan_dataframe(ddf, client=client, **BASE)
    found = report.findings_table()
    rows = found.filter(pc.equal(found["column"], "mail"))
    assert rows.column("row").to_pylist() == [0, 1, 3]
    assert report.sources[0].source == "<dataframe>"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["x", int(CARD), None, "5555555555554444"], ["x", CARD, None, "5555555555554444"]),
        ([int(CARD_LOOKALIKE), "y", 2.5], [CARD_LOOKALIKE, "y", "2.5"]),
    ],
)
def test_frame_table_keeps_mixed_type_columns_as_text(
    values: list[Any], expected: list[Any]
) -> None:
    frame = pd.DataFrame({"mixed": pd.Series(values, dtype=object), "n": range(len(values))})
    table, notes = frame_table(frame)
    assert table.column("mixed").to_pylist() == expected
    assert table.column("n").to_pylist() == list(range(len(values)))
    assert notes == ["column mixed: values of mixed types scanned as their text"]


def test_frame_table_of_clean_types_has_no_notes() -> None:
    table, notes = frame_table(pd.DataFrame({"a": ["x", None], "b": [1, 2]}))
    assert notes == [] and table.num_rows == 2 and table.column_names == ["a", "b"]


@pytest.mark.parametrize(
    ("failures", "error"),
    [({0: (2, "ArrowInvalid")}, "slice 2 could not be read: ArrowInvalid"), ({}, None)],
)
def test_a_failed_frame_slice_is_in_the_account(
    failures: dict[int, tuple[int, str]], error: str | None
) -> None:
    plan = Plan([], [("<df>", "<df>")], {0: SplitSource(0, "<df>", "<df>", "dataframe")})
    merged = UnitResult(records=Counter({0: 10}), failures=failures)
    accounts, *_ = outcome_parts(plan, merged, ScanConfig.from_options(ScanOptions(**BASE)))
    assert (accounts[0].error, accounts[0].records_read) == (error, 10)


# --- progress, options, imports -------------------------------------------------------------------
def test_progress_events(client: Client, leak: Path) -> None:
    events: list[ProgressEvent] = []
    report = exposure_scan.scan(
        leak, engine="dask", client=client, partition_bytes=1, progress=events.append, **BASE
    )
    plan = plan_paths([leak], ScanConfig.from_options(ScanOptions(**BASE)), 1)
    assert len(events) == len(plan.units)
    assert events[-1].records == report.coverage().records_read
    assert events[-1].bytes_done == events[-1].bytes_total > 0
    assert any(isinstance(u, HashUnit) for u in plan.units)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"engine": "spark"}, "engine must be"),
        ({"engine": "local", "scheduler_address": "tcp://127.0.0.1:1"}, "need(s) engine='dask'"),
        ({"engine": "dask"}, "needs client="),
        ({"engine": "dask", "bogus": 1}, "unknown scan option"),
    ],
)
def test_option_errors(leak: Path, options: dict[str, Any], message: str) -> None:
    with pytest.raises(exposure_scan.ConfigurationError, match=re.escape(message)):
        exposure_scan.scan(leak / "a.csv", **options)


def test_client_and_address_together_are_refused(client: Client, leak: Path) -> None:
    with pytest.raises(exposure_scan.ConfigurationError, match="not both"):
        exposure_scan.scan(
            leak / "a.csv", engine="dask", client=client, scheduler_address="tcp://x:1"
        )


def test_a_missing_path_raises_before_any_task(client: Client, tmp_path: Path) -> None:
    with pytest.raises(exposure_scan.SourceNotFoundError):
        exposure_scan.scan(tmp_path / "nope.csv", engine="dask", client=client, **BASE)


def test_importing_exposure_scan_does_not_import_dask(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("mail\na@example.com\n")
    code = (
        "import sys, exposure_scan, exposure_scan.partitions\n"
        f"r = exposure_scan.scan({str(tmp_path / 'x.csv')!r}, ner='off')\n"
        "assert r.counts() == {'EMAIL_ADDRESS': 1}, r.counts()\n"
        "loaded = sorted(m for m in ('dask', 'distributed') if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# --- merging is associative: any reduction tree gives the same result -----------------------------
def _unit(entries: list[tuple[int, int, int]], rows: list[int]) -> UnitResult:
    u = UnitResult()
    for src, col, n in entries:
        u.partial.cells[(f"s{src}", f"c{col}")] += n  # zero counts included
        u.records[src] += n
        u.seen[f"s{src}"] += n
    if rows:
        n = len(rows)
        u.partial.findings.append(
            pa.table(
                {
                    "source": ["s0"] * n,
                    "row": pa.array(rows, pa.int64()),
                    "column": ["c"] * n,
                    "entity": ["E"] * n,
                    "start": pa.array([0] * n, pa.int32()),
                    "end": pa.array([1] * n, pa.int32()),
                    "score": pa.array([1.0] * n, pa.float32()),
                    "masked": ["*"] * n,
                    "value_hash": ["h"] * n,
                    "detector": ["d@1"] * n,
                },
                schema=FINDINGS_SCHEMA,
            )
        )
    return u


def _canon(u: UnitResult) -> tuple[Any, ...]:
    return (
        u.partial.canonical(),
        sorted(u.records.items()),
        sorted(u.seen.items()),
        sorted(u.failures.items()),
    )


units_st = st.lists(
    st.builds(
        _unit,
        st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 5)), max_size=4),
        st.lists(st.integers(0, 50), max_size=3),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(units_st, st.integers(1, 4), st.randoms(use_true_random=False))
def test_any_merge_tree_gives_the_same_result(
    units: list[UnitResult], fan_in: int, rnd: Any
) -> None:
    before = [_canon(u) for u in units]
    flat = merge_results(*units)
    level = list(units)
    rnd.shuffle(level)  # order of completion on a cluster is arbitrary
    while len(level) > 1:
        level = [
            merge_results(*level[i : i + fan_in + 1]) for i in range(0, len(level), fan_in + 1)
        ]
    assert _canon(level[0]) == _canon(flat)
    # zero counts survive, as in a local scan's in-place absorb
    assert set(flat.partial.cells) == {k for u in units for k in u.partial.cells}
    assert flat.records == sum((u.records for u in units), Counter())
    assert [_canon(u) for u in units] == before  # merging never changes its inputs


def test_compacted_findings_read_back_the_same() -> None:
    tables = [*_unit([], [3, 1]).partial.findings, *_unit([], [2]).partial.findings]
    packed = compact(tables)
    assert len(packed) == 1 and pa.types.is_dictionary(packed[0].schema.field("source").type)
    as_read = PartialResult(findings=packed).findings_table()
    assert as_read.equals(PartialResult(findings=tables).findings_table())
    assert as_read.column("row").to_pylist() == [1, 2, 3]


def test_compact_leaves_tables_of_different_shapes_alone() -> None:
    plain = _unit([], [1]).partial.findings[0]
    with_values = plain.append_column(VALUE_FIELD, pa.array(["v"], pa.string()))
    assert compact([plain, with_values]) == [plain, with_values]
    assert compact([plain.slice(0, 0)]) == []


def _fails() -> UnitResult:
    raise RuntimeError("a task that fails for good")


def _slow() -> UnitResult:
    import time

    time.sleep(3)  # short: a cancelled task still sleeps out its worker thread
    return UnitResult()


def test_a_failed_task_cancels_the_rest(client: Client, leak: Path) -> None:
    """The error reaches the caller, and no task is left running on the cluster."""
    config = ScanConfig.from_options(ScanOptions(**BASE))
    collector = Collector(ScanOptions(**BASE), config)
    slow = [client.submit(_slow, pure=False) for _ in range(3)]
    kept = list(slow)  # the test's own references: they do not stop a cancel
    futures = [client.submit(_fails, pure=False), *slow]
    with pytest.raises(RuntimeError, match="fails for good"):
        collector.gather(client, futures)
    deadline = time.monotonic() + 2  # well before a slow task could finish
    while time.monotonic() < deadline and any(f.status != "cancelled" for f in kept):
        time.sleep(0.05)
    assert [f.status for f in kept] == ["cancelled"] * 3
