"""Peak RSS and cost against file size: a CSV built on the fly, scanned, then deleted.

Run:  python benchmarks/bench_scale.py --rows 10000 100000 1000000 10000000
      python benchmarks/bench_scale.py --gigabytes 5
Options: --workers W (2), --with-people (also times Report.affected_people), --with-json and
--with-sarif stream|whole (also write that report and record its time and peak), --tmp DIR (where
the CSV goes; default the system temp dir), --interval S (RSS polling, 0.5), --rss-limit-gib
(kill a step past it; half the RAM), --out PATH (benchmarks/results/scale.json).

Each size: copies of a 100,000-row customer table (ids shifted, e-mail local parts suffixed)
are streamed into one CSV, read by pyarrow (the floor) and scanned by exposure_scan, each step
in a fresh process, then deleted (also on error, Ctrl-C or SIGTERM). The JSON is rewritten
after every size. Peak RSS per step: ru_maxrss of the step and of its reaped descendants (the
pool's workers), VmHWM per process and the peak of the tree's summed VmRSS, polled from /proc.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from types import FrameType
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from bench_scan import COLUMNS  # the same table, in the same column order

from exposure_scan import native

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
BASE_ROWS = 100_000
GIB = 1 << 30
RESERVE = 512 << 20  # free space left on the temp disk after the CSV is written
CHUNK_ROWS = 10_000  # --gigabytes stops at the first chunk that reaches the size

# ---------------------------------------------------------------------------------------------
# The CSV


def base_table(seed: int) -> tuple[pa.Table, str]:
    """The 100,000-row base, all columns strings; bench_scan.py's cached CSV when present."""
    cached = CACHE / f"customers-{BASE_ROWS}-{seed}.csv"
    if cached.exists():
        types = {c: pa.string() for c in COLUMNS}
        convert = pacsv.ConvertOptions(
            column_types=types,
            include_columns=list(COLUMNS),
            # write_csv wrote a null as an unquoted empty field, "" quoted: read them back so
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        return pacsv.read_csv(cached, convert_options=convert).combine_chunks(), "cache"
    from exposure_scan.testing.synthetic import customer_table

    leak = customer_table(BASE_ROWS, seed=seed, lookalikes=False)
    table = leak.table.select([c for c in leak.table.column_names if c in COLUMNS])
    table = table.cast(pa.schema([(c, pa.string()) for c in table.column_names]))
    CACHE.mkdir(exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    pacsv.write_csv(table, partial)
    partial.replace(cached)  # concurrent runs never read a half-written file
    return table, "generated"


def copy_of(base: pa.Table, k: int) -> pa.Table:
    """Copy k of the base: customer_id + k * rows, e-mail ``a@b`` -> ``a.k@b``."""
    if k == 0:
        return base
    ids = pc.add(pc.cast(base["customer_id"], pa.int64()), k * base.num_rows)
    email = pc.replace_substring(base["email"], "@", f".{k}@", max_replacements=1)
    out = base.set_column(
        base.schema.get_field_index("customer_id"), "customer_id", ids.cast(pa.string())
    )
    return out.set_column(out.schema.get_field_index("email"), "email", email)


def csv_bytes_per_row(base: pa.Table) -> float:
    sink = pa.BufferOutputStream()
    pacsv.write_csv(base, sink)
    return float(sink.getvalue().size) / int(base.num_rows)


def build_csv(
    path: Path, base: pa.Table, *, rows: int | None, nbytes: int | None
) -> dict[str, Any]:
    """Stream copies of the base into ``path`` until ``rows`` rows or ``nbytes`` bytes."""
    t0 = time.perf_counter()
    written, k = 0, 0
    with pa.OSFile(str(path), "wb") as sink, pacsv.CSVWriter(sink, base.schema) as writer:
        while True:
            table = copy_of(base, k)
            if rows is not None:
                table = table.slice(0, rows - written)
                writer.write_table(table)
                written += table.num_rows
                done = written >= rows
            else:
                assert nbytes is not None
                done = False
                for batch in table.to_batches(max_chunksize=CHUNK_ROWS):
                    writer.write_batch(batch)
                    written += batch.num_rows
                    if sink.tell() >= nbytes:
                        done = True
                        break
            k += 1
            if done:
                break
    return {
        "rows": written,
        "bytes": path.stat().st_size,
        "copies": k,
        "generate_seconds": round(time.perf_counter() - t0, 3),
    }


def check_space(tmp: Path, need: int) -> None:
    free = shutil.disk_usage(tmp).free
    if free < need + RESERVE:
        raise SystemExit(
            f"bench_scale: not enough free space in {tmp}: the CSV needs ~{need / GIB:.2f} GiB "
            f"plus {RESERVE / GIB:.2f} GiB reserve, {free / GIB:.2f} GiB free. "
            "Pass --tmp DIR on a larger disk."
        )


# ---------------------------------------------------------------------------------------------
# Measuring

STEP = r"""
import json, resource, sys, time
kind, path, workers, people = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
json_path = sys.argv[5] if len(sys.argv) > 5 else ""
sarif_path, sarif_mode = (sys.argv[6], sys.argv[7]) if len(sys.argv) > 7 else ("", "")

def status_mib(field):
    with open("/proc/self/status") as f:
        return round(int(f.read().split(field + ":")[1].split()[0]) / 1024, 1)

def peaks():
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self_mib": round(own, 1), "children_mib": round(kids, 1)}

out = {}
t = time.perf_counter()
if kind == "read":
    import pyarrow.csv as c
    out["import_seconds"] = time.perf_counter() - t
    t = time.perf_counter()
    r = c.open_csv(path, read_options=c.ReadOptions(block_size=8 << 20))
    out["rows"] = sum(b.num_rows for b in r)
    out["seconds"] = time.perf_counter() - t
else:
    import exposure_scan
    out["import_seconds"] = time.perf_counter() - t
    t = time.perf_counter()
    rep = exposure_scan.scan(path, workers=workers, ner="off")
    out["scan_only_seconds"] = time.perf_counter() - t
    with open("/proc/self/status") as f:  # the step's own peak before the report's aggregates
        out["hwm_after_scan_mib"] = round(int(f.read().split("VmHWM:")[1].split()[0]) / 1024, 1)
    out["rows"] = rep.coverage().records_read
    out["counts"] = rep.counts()
    out["seconds"] = time.perf_counter() - t
    out["errors"] = [s.error for s in rep.sources if s.error]
    if people:
        out["rss_before_people"] = peaks()
        t = time.perf_counter()
        out["people"] = rep.affected_people().num_rows
        out["people_seconds"] = time.perf_counter() - t
    if json_path:
        # The streamed JSON report: its own peak, after resetting the high-water mark.
        out["json_rss_before_mib"] = status_mib("VmRSS")
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        t = time.perf_counter()
        rep.write_json(json_path)
        out["json_seconds"] = round(time.perf_counter() - t, 3)
        out["json_hwm_mib"] = status_mib("VmHWM")
        import os
        out["json_bytes"] = os.path.getsize(json_path)
        os.unlink(json_path)
    if sarif_path:
        # The SARIF log: streamed (the CLI's way) or built whole, its own peak as above.
        import os
        from exposure_scan.render.sarif import render_sarif, write_sarif
        out["sarif_rss_before_mib"] = status_mib("VmRSS")
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        t = time.perf_counter()
        with open(sarif_path, "w", encoding="utf-8") as f:
            if sarif_mode == "whole":
                f.write(render_sarif(rep))
            else:
                write_sarif(rep, f.write)
        out["sarif_seconds"] = round(time.perf_counter() - t, 3)
        out["sarif_hwm_mib"] = status_mib("VmHWM")
        out["sarif_bytes"] = os.path.getsize(sarif_path)
        out["sarif_mode"] = sarif_mode
        os.unlink(sarif_path)
    # The pool's workers are children of multiprocessing's forkserver, which reaps them; its
    # peak reaches RUSAGE_CHILDREN here only once this process has reaped the forkserver.
    try:
        from multiprocessing import forkserver
        forkserver._forkserver._stop()
    except Exception as exc:
        out["forkserver_stop"] = repr(exc)
out["rss"] = peaks()
print(json.dumps(out))
"""


def proc_tree(root: int) -> dict[int, int]:
    """``root``'s descendants and their parents, from /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    tree: dict[int, int] = {}
    todo = [root]
    while todo:
        parent = todo.pop()
        for pid in children.get(parent, ()):
            tree[pid] = parent
            todo.append(pid)
    return tree


def vm_kib(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM (the process's own peak so far) in KiB; zeros once it is gone."""
    found: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    found[line[:5]] = int(line.split()[1])
    except OSError:
        pass
    return found.get("VmRSS", 0), found.get("VmHWM", 0)


def pss_kib(pid: int) -> int:
    """Proportional set size: private pages plus a share of pages shared with other processes
    (libraries, copy-on-write pages of the fork server), so it adds up across a tree."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler:
    """Peaks of a process tree polled from /proc: summed VmRSS and PSS, VmHWM per role."""

    def __init__(self, launcher: int) -> None:
        self.launcher = launcher
        self.tree_kib = self.step_hwm_kib = self.worker_hwm_kib = self.samples = self.most = 0
        self.pss_kib = 0

    def sample(self) -> None:
        rss_sum = alive = pss_sum = 0
        for pid, parent in proc_tree(self.launcher).items():
            rss, hwm = vm_kib(pid)
            rss_sum += rss
            pss_sum += pss_kib(pid)
            alive += rss > 0
            if parent == self.launcher:  # the step process itself
                self.step_hwm_kib = max(self.step_hwm_kib, hwm)
            else:  # the forkserver and the pool's workers
                self.worker_hwm_kib = max(self.worker_hwm_kib, hwm)
        self.tree_kib = max(self.tree_kib, rss_sum)
        self.pss_kib = max(self.pss_kib, pss_sum)
        self.most = max(self.most, alive)
        self.samples += 1

    def report(self) -> dict[str, Any]:
        return {
            "tree_sampled_mib": round(self.tree_kib / 1024, 1),
            "tree_pss_mib": round(self.pss_kib / 1024, 1),
            "step_hwm_mib": round(self.step_hwm_kib / 1024, 1),
            "workers_hwm_mib": round(self.worker_hwm_kib / 1024, 1),
            "samples": self.samples,
            "processes": self.most,
        }


def git_state() -> dict[str, Any]:
    """The commit measured, and whether the library's sources differ from it."""

    def git(*a: str) -> str:
        run = subprocess.run(["git", *a], cwd=HERE, capture_output=True, text=True)
        return run.stdout.strip() if run.returncode == 0 else ""

    return {
        "commit": git("rev-parse", "HEAD"),
        "src_modified": bool(git("status", "--short", "--", "../src")),
    }


def memory_total() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# Linux keeps a process's peak RSS across exec, and a child made by fork/vfork starts from its
# parent's: launched from this (large) process, a step would report our RSS as its own. A small
# fresh interpreter in between launches it instead; it is left out of the sampled tree.
LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"


def step(
    kind: str,
    path: Path,
    workers: int,
    people: bool,
    interval: float,
    limit_kib: int,
    json_path: Path | None = None,
    sarif: tuple[Path, str] | None = None,
) -> dict[str, Any]:
    """One measurement in a fresh process (its own session, killed as a group on abort).

    A step that fails, or whose tree's RSS passes ``limit_kib``, is killed and recorded with
    an ``error`` and what the sampler saw (a 10^7-row scan could otherwise exhaust the machine).
    """
    before = load()
    argv = [sys.executable, "-S", "-c", LAUNCHER]
    argv += [sys.executable, "-c", STEP, kind, str(path), str(workers), "1" if people else "0"]
    argv += [str(json_path) if json_path is not None else ""]
    if sarif is not None:
        argv += [str(sarif[0]), sarif[1]]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    sampler = Sampler(proc.pid)
    wait = min(0.05, interval)  # short steps: poll fast at first, then every `interval`
    error = ""
    try:
        while True:
            sampler.sample()
            if sampler.tree_kib > limit_kib:
                error = f"killed: the process tree's RSS passed {limit_kib / (1 << 20):.1f} GiB"
                break
            try:
                stdout, stderr = proc.communicate(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                wait = min(wait * 2, interval)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if not error and proc.returncode != 0:
        error = f"exit status {proc.returncode}: {stderr.strip()[-2000:]}"
    out: dict[str, Any] = {"rss": {}} if error else json.loads(stdout.strip().splitlines()[-1])
    rss = out["rss"]
    if not error:
        rss["peak_mib"] = max(rss["self_mib"], rss["children_mib"])
    rss.update(sampler.report())
    if error:
        out["error"] = error
        print(f"{kind} step failed: {error}", file=sys.stderr, flush=True)
    out["load_before"], out["load_after"] = before, load()
    return out


# ---------------------------------------------------------------------------------------------
# Reporting


def summarise(size: dict[str, Any], read: dict[str, Any], scan: dict[str, Any]) -> dict[str, Any]:
    rows, nbytes = size["rows"], size["bytes"]

    def part(r: dict[str, Any]) -> dict[str, Any]:
        common = {"rss": r["rss"], "load_before": r["load_before"], "load_after": r["load_after"]}
        if "error" in r:
            return {"error": r["error"], **common}
        secs = r["seconds"]
        return {
            "seconds": round(secs, 3),
            "import_seconds": round(r["import_seconds"], 3),
            "rows_read": r["rows"],
            "rows_per_s": round(rows / secs),
            "mb_per_s": round(nbytes / secs / 1e6, 1),
            "seconds_per_million_rows": round(secs / rows * 1e6, 3),
            **common,
        }

    s = part(scan)
    peak = max(s["rss"].get("peak_mib", 0), s["rss"]["tree_sampled_mib"])
    # A failed step's peak is only known to be too high when it already passed 1 GiB.
    s["peak_under_1gib"] = None if "error" in s and peak < 1024 else peak < 1024
    if "error" not in scan:
        counts: dict[str, int] = scan["counts"]
        s.update(findings=sum(counts.values()), counts=counts, errors=scan["errors"])
        if "seconds" in read:
            s["ratio_vs_read"] = round(scan["seconds"] / read["seconds"], 2)
        for key in ("forkserver_stop", "rss_before_people", "hwm_after_scan_mib"):
            if key in scan:
                s[key] = scan[key]
        if "people" in scan:
            s.update(people=scan["people"], people_seconds=round(scan["people_seconds"], 3))
        if "json_seconds" in scan:
            s["json"] = {
                k: scan[k]
                for k in ("json_seconds", "json_bytes", "json_rss_before_mib", "json_hwm_mib")
            }
        if "sarif_seconds" in scan:
            keys = ("sarif_mode", "sarif_seconds", "sarif_bytes", "sarif_rss_before_mib")
            s["sarif"] = {k: scan[k] for k in (*keys, "sarif_hwm_mib")}
    return {**size, "read": part(read), "scan": s}


def print_table(sizes: list[dict[str, Any]]) -> None:
    head = ("rows", "MB", "gen s", "read s", "scan s", "rows/s", "x read")
    head2 = ("RSS main", "RSS wrk", "tree MiB", "tree PSS", "findings")
    print("{:>11} {:>8} {:>7} {:>7} {:>8} {:>9} {:>7}".format(*head), end=" ")
    print("{:>9} {:>8} {:>9} {:>9} {:>10}".format(*head2))
    for z in sizes:
        r, s, m = z["read"], z["scan"], z["scan"]["rss"]
        print(
            f"{z['rows']:>11,} {z['bytes'] / 1e6:>8.1f} {z['generate_seconds']:>7.1f} "
            f"{r.get('seconds', '-'):>7} {s.get('seconds', '-'):>8} {s.get('rows_per_s', '-'):>9} "
            f"{s.get('ratio_vs_read', '-'):>7} {m.get('step_hwm_mib', '-'):>9} "
            f"{m.get('workers_hwm_mib', '-'):>8} {m['tree_sampled_mib']:>9} "
            f"{m.get('tree_pss_mib', '-'):>9} "
            f"{s.get('findings', '-'):>10}" + (f"  {s['error'][:60]}" if "error" in s else "")
        )
    people = [z for z in sizes if "people_seconds" in z["scan"]]
    if people:
        print(
            "affected_people: "
            + "; ".join(
                f"{z['rows']:,} rows {z['scan']['people_seconds']:.2f} s ({z['scan']['people']:,})"
                for z in people
            )
        )
    print(
        "seconds per million rows (read / scan): "
        + "; ".join(
            f"{z['rows']:,}: {z['read'].get('seconds_per_million_rows', '-')} / "
            f"{z['scan'].get('seconds_per_million_rows', '-')}"
            for z in sizes
        )
    )


def write(out: Path, doc: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".tmp")
    partial.write_text(json.dumps(doc, indent=2) + "\n")
    partial.replace(out)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so `finally` deletes the CSV on SIGTERM too


def targets(args: argparse.Namespace) -> Iterator[tuple[int | None, int | None]]:
    if args.gigabytes is not None:
        yield None, int(args.gigabytes * 1e9)
    else:
        for rows in args.rows:
            yield rows, None


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--rows", type=int, nargs="+", help="one CSV per row count")
    what.add_argument("--gigabytes", type=float, help="one CSV of this size (10^9 bytes)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--with-people", action="store_true", help="also time affected_people()")
    ap.add_argument(
        "--with-json",
        action="store_true",
        help="also write the JSON report (streamed) and record its time and peak RSS",
    )
    ap.add_argument(
        "--with-sarif",
        choices=("stream", "whole"),
        help="also write the SARIF log, streamed (the CLI's way) or built whole, and record "
        "its time and peak RSS",
    )
    ap.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--interval", type=float, default=0.5, help="RSS polling period, seconds")
    ap.add_argument(
        "--rss-limit-gib",
        type=float,
        default=round(memory_total() / GIB / 2, 1),
        help="kill a step whose process tree passes this RSS (default: half of the RAM)",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=RESULTS / "scale.json")
    args = ap.parse_args()
    if args.rows is not None and min(args.rows) < 1:
        ap.error("--rows must be positive")
    if args.gigabytes is not None and args.gigabytes <= 0:
        ap.error("--gigabytes must be positive")
    signal.signal(signal.SIGTERM, _terminate)
    limit = int(args.rss_limit_gib * (1 << 20))

    t0 = time.perf_counter()
    base, origin = base_table(args.seed)
    per_row = csv_bytes_per_row(base)
    base_info = {
        "rows": base.num_rows,
        "from": origin,
        "seconds": round(time.perf_counter() - t0, 3),
    }
    # Copies add ".k@" to each e-mail and may lengthen ids: allow 8 bytes a row on top.
    need = [b if b is not None else math.ceil((r or 0) * (per_row + 8)) for r, b in targets(args)]
    args.tmp.mkdir(parents=True, exist_ok=True)
    check_space(args.tmp, max(need) + (1 << 20))  # files are deleted between sizes

    doc: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "pyarrow": pa.__version__,
            "exposure_scan": version("exposure_scan"),
        },
        "native_helpers": native.available(),  # hashing/byte counts compiled (else Python)
        "git": git_state(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "options": {
            "workers": args.workers,
            "with_people": args.with_people,
            "with_json": args.with_json,
            "with_sarif": args.with_sarif,
            "ner": "off",
            "interval_s": args.interval,
            "block_size_read": 8 << 20,
            "rss_limit_gib": args.rss_limit_gib,
        },
        "base": base_info,
        "sizes": [],
    }
    workdir = Path(tempfile.mkdtemp(prefix="exposure-scan-scale-", dir=args.tmp))
    try:
        for rows, nbytes in targets(args):
            path = workdir / "customers.csv"
            try:
                size = build_csv(path, base, rows=rows, nbytes=nbytes)
                print(
                    f"built {size['rows']:,} rows, {size['bytes'] / 1e6:.1f} MB "
                    f"in {size['generate_seconds']:.1f} s",
                    flush=True,
                )
                read = step("read", path, 1, False, args.interval, limit)
                report = workdir / "report.json" if args.with_json else None
                sarif = (workdir / "report.sarif", args.with_sarif) if args.with_sarif else None
                scan = step(
                    "scan",
                    path,
                    args.workers,
                    args.with_people,
                    args.interval,
                    limit,
                    report,
                    sarif,
                )
            finally:
                path.unlink(missing_ok=True)
            doc["sizes"].append(summarise(size, read, scan))
            doc["linearity_s_per_million_rows"] = [
                {
                    "rows": z["rows"],
                    "read": z["read"].get("seconds_per_million_rows"),
                    "scan": z["scan"].get("seconds_per_million_rows"),
                }
                for z in doc["sizes"]
            ]
            write(args.out, doc)
    except KeyboardInterrupt:
        done = f"; results so far are in {args.out}" if doc["sizes"] else ""
        print(f"interrupted: the CSV is deleted{done}", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print_table(doc["sizes"])
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
