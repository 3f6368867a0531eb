"""People linkage: the former per-finding union-find against the vectorised ``link_people``.

Run:  python benchmarks/bench_people.py --rows 100000
Writes benchmarks/results/people.json and prints a table. The findings are those of
``exposure_scan.scan(<customers CSV>, workers=1, ner="off").findings_table()``, cached as
Parquet. Each measurement runs in a fresh subprocess that reads them, resets its peak RSS
(``/proc/self/clear_refs``) and reports the peak above what it held before linking, so the
figure is the linkage's own memory. ``stream`` feeds ``link_people`` Parquet batches of the
four columns it reads instead of a table: its time and memory include reading the file, and
the findings table is never in memory. The former implementation is the oracle kept in
tests/test_people_vectorised.py; the script fails unless every variant gives the same people.
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
from typing import Any

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

WORKER = r"""
import hashlib, json, resource, sys, time
from pathlib import Path
import pyarrow.parquet as pq
sys.path.insert(0, sys.argv[4])
from exposure_scan.verdicts.people import link_people
from test_people_vectorised import _link_people_reference

kind, path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
COLUMNS = ["source", "row", "entity", "value_hash"]

def status(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")

table = None if kind == "stream" else pq.read_table(path)
def run():
    if kind == "stream":
        return link_people(pq.ParquetFile(path).iter_batches(65536, columns=COLUMNS))
    return (_link_people_reference if kind == "old" else link_people)(table)

before = status("VmRSS")
try:
    Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
    reset = True
except OSError:
    reset = False
best = float("inf")
for _ in range(repeat):
    t = time.perf_counter()
    link = run()
    best = min(best, time.perf_counter() - t)
peak = status("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
digest = hashlib.sha256(json.dumps(
    [link.people.to_pylist(), link.records, list(link.linked_by.items())]
).encode()).hexdigest()
print(json.dumps({
    "seconds": best, "people": link.count, "records": link.records,
    "linked_by": link.linked_by, "rss_before_mib": before, "peak_rss_mib": peak,
    "peak_above_before_mib": peak - before, "peak_reset": reset, "digest": digest,
}))
"""


def findings(rows: int, seed: int, cache: Path) -> tuple[Path, int, int]:
    """The cached findings Parquet of the generated customer table, its findings and size."""
    import pyarrow.parquet as pq

    out = cache / f"people-findings-{rows}-{seed}.parquet"
    if not out.exists():
        import bench_scan

        import exposure_scan

        bench_scan.CACHE = cache
        csv = bench_scan.generate(rows, seed)["csv"]
        table = exposure_scan.scan(str(csv), workers=1, ner="off").findings_table()
        tmp = out.with_suffix(f".{os.getpid()}.tmp")
        pq.write_table(table, tmp)
        tmp.rename(out)
    meta = pq.ParquetFile(out).metadata
    return out, meta.num_rows, out.stat().st_size


def step(kind: str, path: Path, repeat: int) -> dict[str, Any]:
    tests = HERE.parent / "tests"
    proc = subprocess.run(
        [sys.executable, "-c", WORKER, kind, str(path), str(repeat), str(tests)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode:
        raise SystemExit(f"{kind} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per variant; best counts")
    ap.add_argument("--no-old", action="store_true", help="skip the former implementation")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--out", type=Path, default=RESULTS / "people.json")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    path, n_findings, size = findings(args.rows, args.seed, args.cache)
    kinds = ["new", "stream"] if args.no_old else ["old", "new", "stream"]
    runs = {kind: step(kind, path, args.repeat) for kind in kinds}
    digests = {r["digest"] for r in runs.values()}
    if len(digests) != 1:
        raise SystemExit(f"the variants disagree: {[(k, r['digest']) for k, r in runs.items()]}")
    results: dict[str, Any] = {
        "benchmark": "people",
        "command": " ".join(["python", "benchmarks/bench_people.py", *sys.argv[1:]]),
        "rows": args.rows,
        "findings": n_findings,
        "findings_parquet_mb": round(size / 1e6, 1),
        "people": runs[kinds[0]]["people"],
        "records": runs[kinds[0]]["records"],
        "linked_by": runs[kinds[0]]["linked_by"],
        "repeat": args.repeat,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "date": time.strftime("%Y-%m-%d"),
        "runs": [
            {
                "variant": kind,
                "seconds": round(r["seconds"], 3),
                "peak_rss_above_before_mib": round(r["peak_above_before_mib"], 1),
                "rss_before_mib": round(r["rss_before_mib"], 1),
                "peak_rss_mib": round(r["peak_rss_mib"], 1),
                "peak_reset": r["peak_reset"],
            }
            for kind, r in runs.items()
        ],
    }
    if "old" in runs:
        results["speedup"] = round(runs["old"]["seconds"] / runs["new"]["seconds"], 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"{args.rows} rows, {n_findings} findings, {results['people']} people")
    head = ("variant", "seconds", "RSS before MiB", "peak MiB", "peak - before")
    print("{:<8} {:>9} {:>15} {:>10} {:>14}".format(*head))
    for r in results["runs"]:
        print(
            f"{r['variant']:<8} {r['seconds']:>9} {r['rss_before_mib']:>15} "
            f"{r['peak_rss_mib']:>10} {r['peak_rss_above_before_mib']:>14}"
        )
    if "speedup" in results:
        print(f"speed-up {results['speedup']}x")
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
