"""Instructions a scan executes per row, counted by valgrind, and where they go.

Run:  python benchmarks/bench_instructions.py
      python benchmarks/bench_instructions.py --pythonpath /tmp/base/src   # another checkout

On a shared 2-core host the wall and CPU times of one scan move by 30-70% between runs, more
than most single changes are worth. Instructions executed do not move: the same scan of the
same file counts the same to within ~0.1%. This scans the generated customer table (one
process, ``ner="off"``) at two sizes under ``valgrind --tool=cachegrind --cache-sim=no``
(~50x slower than native) and reports the difference per row (start-up, imports and the
lexicon cancel out) and the functions that account for it. Instructions are not time (cache
misses and branch mispredictions are not counted), so a change is judged on both: this for
the direction and size, the timed benchmarks for the effect. Needs valgrind on the PATH.
Writes benchmarks/results/instructions-<rows>.json (``--out`` elsewhere).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_scan import CACHE, generate  # noqa: E402

SCAN = "import sys, exposure_scan; exposure_scan.scan(sys.argv[1], workers=1, ner='off')"
_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.+?)\s*$")


def parse_annotate(text: str) -> tuple[int, dict[str, int]]:
    """(total instructions, instructions per function) from ``cg_annotate``'s output."""
    total = 0
    functions: dict[str, int] = {}
    section = ""  # the table being read: the totals, then the functions
    for line in text.splitlines():
        if line.strip().startswith("Ir") and "file:function" in line:
            section = "functions"
        elif line.startswith("-----") and section == "functions" and functions:
            break  # annotated source files follow: not functions
        match = _LINE.match(line)
        if match is None:
            continue
        count, name = int(match.group(1).replace(",", "")), match.group(2)
        if name == "PROGRAM TOTALS":
            total = count
        elif section == "functions" and ":" in name:
            # "file:function"; one function may be listed under several files (inlined
            # headers): summed
            function = name.split(":", 1)[1] if name.startswith(("/", ".", "?")) else name
            functions[function] = functions.get(function, 0) + count
    return total, functions


def count(path: Path, pythonpath: str | None, workdir: Path) -> tuple[int, dict[str, int]]:
    """Instructions of one scan of ``path`` in a fresh interpreter under cachegrind."""
    out = workdir / f"cg-{path.stem}.out"
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    python = os.path.realpath(sys.executable)  # not a shim script: valgrind must see Python
    subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            f"--cachegrind-out-file={out}",
            python,
            "-c",
            SCAN,
            str(path),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    annotated = subprocess.run(
        ["cg_annotate", "--auto=no", "--threshold=0.05", str(out)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return parse_annotate(annotated)


def per_row(
    small: tuple[int, dict[str, int]], large: tuple[int, dict[str, int]], rows: int
) -> tuple[float, list[tuple[str, float]]]:
    """Instructions per extra row, in all and per function (largest first)."""
    total = (large[0] - small[0]) / rows
    names = set(large[1]) | set(small[1])
    split = [(n, (large[1].get(n, 0) - small[1].get(n, 0)) / rows) for n in names]
    split.sort(key=lambda item: (-item[1], item[0]))
    return total, split


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", default="16384,81920", help="two table sizes, SMALL,LARGE")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lookalikes", action="store_true")
    ap.add_argument("--pythonpath", help="PYTHONPATH of the checkout to measure")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if shutil.which("valgrind") is None or shutil.which("cg_annotate") is None:
        sys.exit("bench_instructions: valgrind (cachegrind, cg_annotate) is not installed")
    small_rows, large_rows = (int(x) for x in args.rows.split(","))
    if not 0 < small_rows < large_rows:
        sys.exit("bench_instructions: --rows SMALL,LARGE with 0 < SMALL < LARGE")
    paths = [generate(n, args.seed, args.lookalikes)["csv"] for n in (small_rows, large_rows)]
    started = time.time()
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        small, large = (count(p, args.pythonpath, Path(tmp)) for p in paths)
    extra = large_rows - small_rows
    total, split = per_row(small, large, extra)
    result: dict[str, Any] = {
        "rows": [small_rows, large_rows],
        "lookalikes": args.lookalikes,
        "pythonpath": args.pythonpath,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "seconds": round(time.time() - started, 1),
        "instructions": [small[0], large[0]],
        "instructions_per_row": round(total, 1),
        "functions_per_row": {n: round(v, 1) for n, v in split[: args.top]},
    }
    tag = "-lookalikes" if args.lookalikes else ""
    out = args.out or HERE / "results" / f"instructions-{large_rows}{tag}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"{total:,.0f} instructions per row ({small_rows:,} -> {large_rows:,} rows)")
    for name, value in split[: args.top]:
        print(f"{value:10,.0f} {100 * value / total:5.1f}%  {name[:100]}")
    print(f"written {out}")


if __name__ == "__main__":
    main()
