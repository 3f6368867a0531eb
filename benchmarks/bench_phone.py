"""Phone validation: the per-value libphonenumber path against phone_vector.normal_forms.

Run:  python benchmarks/bench_phone.py --rows 200000
Writes benchmarks/results/phone.json and prints a table. The phones are distinct, valid for
their region (the synthetic leak generator's factory) and written in its ten styles (E.164,
international, ``+CC (0)``, ``00``, national with spaces/dashes/dots/brackets, without trunk,
bare digits), so every value costs the per-value path one libphonenumber parse, as in a real
customer table. Both paths are checked to agree on every value before timing counts.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa

from exposure_scan.detectors import phone
from exposure_scan.detectors.phone_vector import decide
from exposure_scan.testing._synthetic_people import (
    _PHONE_PLANS,
    PHONE_STYLES,
    PhoneFactory,
    format_phone,
)

RESULTS = Path(__file__).resolve().parent / "results"


def generate(rows: int, seed: int) -> tuple[list[str], list[str]]:
    """Distinct written phones and the region of each (the record's country)."""
    rng = random.Random(seed)
    factory = PhoneFactory(rng)
    regions = list(_PHONE_PLANS)
    seen: set[str] = set()
    values: list[str] = []
    owners: list[str] = []
    while len(values) < rows:
        region = regions[int(rng.random() * len(regions))]
        text = format_phone(factory.make(region), rng.choice(PHONE_STYLES), rng, ext_share=0.0)
        if text not in seen:
            seen.add(text)
            values.append(text)
            owners.append(region)
    return values, owners


def per_value(values: list[str], regions: list[str] | None) -> list[str | None]:
    det = phone.PhoneDetector()
    out: list[str | None] = []
    for i, v in enumerate(values):
        r = None if regions is None else regions[i]
        out.append(det.normalise_in(v, r) if det.validate_in(v, r) else None)
    return out


def clear_caches() -> None:
    phone.parse_phone.cache_clear()
    phone.parse_without_trunk.cache_clear()


def run(values: list[str], regions: list[str] | None, repeat: int) -> dict[str, Any]:
    arr = pa.array(values, pa.string())
    rr = None if regions is None else pa.array(regions, pa.string())
    clear_caches()
    t0 = time.perf_counter()
    expected = per_value(values, regions)
    scalar_s = time.perf_counter() - t0
    vector_s = float("inf")
    for _ in range(repeat):
        clear_caches()
        t0 = time.perf_counter()
        got, fallback = decide(arr, phone.DEFAULT_REGIONS, rr)
        vector_s = min(vector_s, time.perf_counter() - t0)
    mismatches = sum(a != b for a, b in zip(got.to_pylist(), expected, strict=True))
    n = len(values)
    return {
        "values": n,
        "valid": sum(e is not None for e in expected),
        "per_value_s": round(scalar_s, 3),
        "normal_forms_s": round(vector_s, 3),
        "per_value_us_each": round(scalar_s / n * 1e6, 2),
        "normal_forms_us_each": round(vector_s / n * 1e6, 2),
        "speedup": round(scalar_s / vector_s, 1),
        "decided_in_arrow": round(1 - fallback / n, 4),
        "fallback_values": fallback,
        "mismatches": mismatches,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=2, help="timed normal_forms runs; best counts")
    ap.add_argument("--out", type=Path, default=RESULTS / "phone.json")
    args = ap.parse_args()
    values, owners = generate(args.rows, args.seed)
    load_before = os.getloadavg()
    results = {
        "without record regions": run(values, None, args.repeat),
        "with record regions": run(values, owners, args.repeat),
    }
    report = {
        "benchmark": "phone",
        "command": "python benchmarks/bench_phone.py " + " ".join(sys.argv[1:]),
        "rows": args.rows,
        "seed": args.seed,
        "styles": list(PHONE_STYLES),
        "regions": list(_PHONE_PLANS),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
        },
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    cols = ["per_value_s", "normal_forms_s", "speedup", "decided_in_arrow", "mismatches"]
    print(f"{'':24}" + "".join(f"{c:>18}" for c in cols))
    for name, r in results.items():
        print(f"{name:24}" + "".join(f"{r[c]!s:>18}" for c in cols))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
