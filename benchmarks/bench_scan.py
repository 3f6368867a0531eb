"""Scan throughput against pyarrow's own read time, on a generated customer table.

Run:  python benchmarks/bench_scan.py --rows 1000000
Writes benchmarks/results/scan-<rows>.json and prints a table. Each measurement runs in a fresh
subprocess so peak RSS (ru_maxrss of the process and its workers) belongs to that step alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
#: The customer table's columns: names, address parts, e-mail, phone, plus ids and times.
COLUMNS = (
    "customer_id",
    "first_name",
    "last_name",
    "street",
    "city",
    "postcode",
    "country",
    "email",
    "phone",
    "created_at",
)


def generate(rows: int, seed: int) -> dict[str, Path]:
    """The table as CSV and Parquet (cached: generating 1M Faker rows takes a while)."""
    CACHE.mkdir(exist_ok=True)
    paths = {fmt: CACHE / f"customers-{rows}-{seed}.{fmt}" for fmt in ("csv", "parquet")}
    if all(p.exists() for p in paths.values()):
        return paths
    import pyarrow.parquet as pq

    from exposure_scan.testing.synthetic import customer_table

    leak = customer_table(rows, seed=seed, lookalikes=False)
    keep = [c for c in leak.table.column_names if c in COLUMNS]
    table = leak.table.select(keep)
    import pyarrow.csv as pacsv

    pacsv.write_csv(table, paths["csv"])
    pq.write_table(table, paths["parquet"], row_group_size=65536)
    return paths


STEP = r"""
import json, resource, sys, time
kind, path = sys.argv[1], sys.argv[2]
t = time.perf_counter()
if kind == "read_csv":
    import pyarrow.csv as c, pyarrow as pa
    r = c.open_csv(path, read_options=c.ReadOptions(block_size=4 << 20))
    rows = sum(b.num_rows for b in r)
elif kind == "read_parquet":
    import pyarrow.parquet as pq
    rows = sum(b.num_rows for b in pq.ParquetFile(path).iter_batches(65536))
else:
    import exposure_scan
    workers = int(kind.split(":")[1])
    rep = exposure_scan.scan(path, workers=workers, ner="off", parallel_threshold=0)
    rows = rep.coverage().records_read
    counts = rep.counts()
dt = time.perf_counter() - t
rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
out = {"seconds": dt, "rows": rows, "peak_rss_mib": rss / 1024}
if kind.startswith("scan"):
    out["counts"] = counts
print(json.dumps(out))
"""


def step(kind: str, path: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", STEP, kind, str(path)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    paths = generate(args.rows, args.seed)
    results: dict[str, object] = {
        "rows": args.rows,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "date": time.strftime("%Y-%m-%d"),
        "runs": [],
    }
    for fmt, path in paths.items():
        size = path.stat().st_size
        read = step(f"read_{fmt}", path)
        runs = [("pyarrow read", read)]
        for w in args.workers.split(","):
            runs.append((f"exposure_scan workers={w}", step(f"scan:{w}", path)))
        for name, r in runs:
            secs = float(r["seconds"])  # type: ignore[arg-type]
            row = {
                "format": fmt,
                "step": name,
                "seconds": round(secs, 3),
                "rows_per_s": round(args.rows / secs),
                "mb_per_s": round(size / secs / 1e6, 1),
                "peak_rss_mib": round(float(r["peak_rss_mib"]), 1),  # type: ignore[arg-type]
                "vs_read": round(secs / float(read["seconds"]), 2),  # type: ignore[arg-type]
            }
            if "counts" in r:
                row["counts"] = r["counts"]
            results["runs"].append(row)  # type: ignore[union-attr]
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"scan-{args.rows}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    head = ("format", "step", "s", "rows/s", "MB/s", "RSS MiB", "x read")
    print("{:<8} {:<28} {:>8} {:>10} {:>7} {:>8} {:>7}".format(*head))
    for r in results["runs"]:  # type: ignore[union-attr]
        print(
            f"{r['format']:<8} {r['step']:<28} {r['seconds']:>8} {r['rows_per_s']:>10} "
            f"{r['mb_per_s']:>7} {r['peak_rss_mib']:>8} {r['vs_read']:>7}"
        )
    print(f"written {out}")


if __name__ == "__main__":
    main()
