"""Free text: span quality on presidio-research's sentences, and throughput with/without NER.

Run:  python benchmarks/bench_freetext.py [--tickets 20000] [--show-misses 3]

(a) When ../shared/data/presidio-research/synth_dataset_v2.json exists next to the repository
(or ``--dataset PATH`` names a file of that format), its sentences are written one per line
and scanned with ``ner="auto"`` (and ``"off"``); gold types are mapped to ours and spans are
scored by overlap, next to vanilla presidio run here on the same sentences and the published
vanilla-presidio numbers. Without the file, part (a) is skipped and says so.
(b) Generated support-ticket log lines: MB/s with ``ner="off"`` and ``ner="auto"``, the share
of the NER run spent in spaCy, and span quality against the generator's truth.
Writes benchmarks/results/freetext.json (aggregate numbers only).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import _presidio as bp

import exposure_scan
from exposure_scan.testing.synthetic import ENTITIES, support_tickets

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
SHARED = HERE.parent.parent / "shared"
SYNTH = SHARED / "data" / "presidio-research" / "synth_dataset_v2.json"

#: Gold entity type of synth_dataset_v2 -> ours; the other gold types are ignored.
GOLD_MAP = {
    "PERSON": "PERSON",
    "GPE": "LOCATION",
    "LOCATION": "LOCATION",
    "STREET_ADDRESS": "POSTAL_ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN_CODE",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
}
SYNTH_TYPES = tuple(sorted(set(GOLD_MAP.values())))
PUBLISHED = {
    "f2": 0.661,
    "precision": 0.733,
    "recall": 0.646,
    "how": "presidio-research notebooks: token level, binary (PII or not), all gold types",
}

GoldSpan = tuple[str, int, int]  # (type, start, end)


# --- span scoring ------------------------------------------------------------------------
def _overlaps(a: GoldSpan, b: GoldSpan) -> bool:
    return a[1] < b[2] and b[1] < a[2]


def score_spans(
    gold: Sequence[Sequence[GoldSpan]],
    predicted: Sequence[Sequence[GoldSpan]],
    types: Sequence[str],
    ignored: Sequence[Sequence[GoldSpan]] | None = None,
) -> dict[str, Any]:
    """Overlap matching per type and type-blind ("binary"), per text.

    A gold span is found when a predicted span of the same type overlaps it (recall); a
    predicted span is right when it overlaps a gold span of its type (precision). Only spans
    of ``types`` count on either side. ``fp_on_ignored_gold`` counts wrong predictions lying
    on a gold span of an ignored type (an organisation tagged as a place, say).
    """
    wanted = set(types)
    tallies = {t: [0, 0, 0, 0, 0] for t in (*types, "binary")}  # g_hit, g_all, p_hit, p_all, ign
    for k, (g_all, p_all) in enumerate(zip(gold, predicted, strict=True)):
        g = [s for s in g_all if s[0] in wanted]
        p = [s for s in p_all if s[0] in wanted]
        skip = ignored[k] if ignored is not None else ()
        for t in (*types, "binary"):
            gt = g if t == "binary" else [s for s in g if s[0] == t]
            pt = p if t == "binary" else [s for s in p if s[0] == t]
            c = tallies[t]
            c[0] += sum(any(_overlaps(x, y) for y in pt) for x in gt)
            c[1] += len(gt)
            for y in pt:
                if any(_overlaps(x, y) for x in gt):
                    c[2] += 1
                elif any(_overlaps(x, y) for x in skip):
                    c[4] += 1
            c[3] += len(pt)
    out: dict[str, Any] = {}
    for t, (g_hit, g_n, p_hit, p_n, ign) in tallies.items():
        m = bp.prf(g_hit, p_n - p_hit, g_n - g_hit, matched_predictions=p_hit)
        m["fp_on_ignored_gold"] = ign
        out[t] = m
    return out


def misses(
    texts: Sequence[str],
    gold: Sequence[Sequence[GoldSpan]],
    predicted: Sequence[Sequence[GoldSpan]],
    types: Sequence[str],
    n: int,
    raw: bool,
    title: str,
) -> None:
    """Print up to ``n`` unmatched gold (FN) and predicted (FP) spans per type."""
    if n <= 0:
        return
    print(f"  misses, {title}:")
    for t in types:
        for kind, mine, other in (("FN", gold, predicted), ("FP", predicted, gold)):
            shown = 0
            for k, (spans, against) in enumerate(zip(mine, other, strict=True)):
                for s in spans:
                    if s[0] != t or any(o[0] == t and _overlaps(s, o) for o in against):
                        continue
                    value = texts[k][s[1] : s[2]]
                    print(f"    {kind} {t:<15} line {k:<6} {value if raw else bp.shape(value)!r}")
                    shown += 1
                    if shown >= n:
                        break
                if shown >= n:
                    break


# --- scanning ----------------------------------------------------------------------------
def scan_spans(path: Path, ner: str, lines: int) -> tuple[list[list[GoldSpan]], float, int]:
    """Our spans per line, seconds, and records read (to check lines map to records)."""
    bp.clear_ner_cache()
    t = time.perf_counter()
    report = exposure_scan.scan(path, ner=ner, workers=1)
    secs = time.perf_counter() - t
    found: list[list[GoldSpan]] = [[] for _ in range(lines)]
    ft = report.findings_table()
    for r, e, s, end in zip(
        ft["row"].to_pylist(),
        ft["entity"].to_pylist(),
        ft["start"].to_pylist(),
        ft["end"].to_pylist(),
        strict=True,
    ):
        found[r].append((e, s, end))
    return found, secs, report.coverage().records_read


@contextlib.contextmanager
def ner_timers() -> Iterator[dict[str, float]]:
    """Seconds inside the NER step (presidio + spaCy) and inside spaCy's ``Language.pipe``.

    Wrapping both beats cProfile here: no per-call overhead on the RE2/Arrow path, and the
    generator wrapper charges spaCy only for the time its ``pipe`` actually runs.
    """
    from spacy.language import Language

    from exposure_scan.detectors.ner import NerScanner

    acc = {"ner": 0.0, "spacy": 0.0}
    orig_analyze: Callable[..., Any] = NerScanner.analyze
    orig_pipe: Callable[..., Any] = Language.pipe

    def analyze(self: Any, texts: Any) -> Any:
        t = time.perf_counter()
        try:
            return orig_analyze(self, texts)
        finally:
            acc["ner"] += time.perf_counter() - t

    def pipe(self: Any, *a: Any, **k: Any) -> Iterator[Any]:
        it = iter(orig_pipe(self, *a, **k))
        while True:
            t = time.perf_counter()
            try:
                doc = next(it)
            except StopIteration:
                acc["spacy"] += time.perf_counter() - t
                return
            acc["spacy"] += time.perf_counter() - t
            yield doc

    NerScanner.analyze = analyze  # type: ignore[method-assign]
    Language.pipe = pipe  # type: ignore[method-assign]
    try:
        yield acc
    finally:
        NerScanner.analyze = orig_analyze  # type: ignore[method-assign]
        Language.pipe = orig_pipe  # type: ignore[method-assign]


# --- (a) presidio-research sentences -----------------------------------------------------
def load_synth(path: Path, limit: int | None) -> tuple[list[str], list[list[GoldSpan]], Any]:
    """Sentences (line breaks turned into spaces: offsets unchanged), mapped and ignored gold."""
    records = json.loads(path.read_text(encoding="utf-8"))[:limit]
    texts, gold, ignored = [], [], []
    for rec in records:
        texts.append(rec["full_text"].replace("\r", " ").replace("\n", " "))
        spans = [(s["entity_type"], s["start_position"], s["end_position"]) for s in rec["spans"]]
        gold.append([(GOLD_MAP[t], a, b) for t, a, b in spans if t in GOLD_MAP])
        ignored.append([(t, a, b) for t, a, b in spans if t not in GOLD_MAP])
    return texts, gold, ignored


def synth_benchmark(path: Path, args: argparse.Namespace) -> dict[str, Any]:
    texts, gold, ignored = load_synth(path, args.sentences)
    txt = bp.write_text_atomic(
        args.cache / f"synth-{len(texts)}.txt", "".join(t + "\n" for t in texts)
    )
    counts: dict[str, int] = {}
    for spans in gold:
        for kind, _, _ in spans:
            counts[kind] = counts.get(kind, 0) + 1
    out: dict[str, Any] = {
        "dataset": path.name,
        "sentences": len(texts),
        "gold_spans": dict(sorted(counts.items())),
        "ignored_gold_spans": sum(len(s) for s in ignored),
        "mapping": GOLD_MAP,
        "published_vanilla_presidio": PUBLISHED,
        "exposure_scan": {},
    }
    for ner in args.ner:
        pred, secs, read = scan_spans(txt, ner, len(texts))
        if read != len(texts):
            raise RuntimeError(f"{read} records read from {len(texts)} lines: offsets would drift")
        ours: dict[str, Any] = score_spans(gold, pred, SYNTH_TYPES, ignored)
        ours["seconds"] = round(secs, 3)
        out["exposure_scan"][ner] = ours
        misses(texts, gold, pred, SYNTH_TYPES, args.show_misses, args.raw, f"synth ner={ner}")
    why = bp.unavailable()
    if why or args.no_presidio:
        out["presidio"] = {"skipped": why or "--no-presidio"}
        return out
    bp.vanilla_analyzer()
    t = time.perf_counter()
    found = bp.analyze_texts(texts)
    secs = time.perf_counter() - t
    pred_p = [[(e, s, end) for e, s, end, _score in spans] for spans in found]
    res: dict[str, Any] = score_spans(gold, pred_p, SYNTH_TYPES, ignored)
    res["seconds"] = round(secs, 3)
    out["presidio"] = res
    misses(texts, gold, pred_p, SYNTH_TYPES, args.show_misses, args.raw, "synth presidio")
    return out


# --- (b) support tickets -----------------------------------------------------------------
def tickets_benchmark(args: argparse.Namespace) -> dict[str, Any]:
    leak = support_tickets(args.tickets, seed=args.seed)
    path = bp.write_atomic(leak, args.cache / f"tickets-{args.tickets}-{args.seed}.log", "txt")
    size = path.stat().st_size
    lines = path.read_text(encoding="utf-8").splitlines()
    texts: list[str] = leak.table["text"].to_pylist()
    # Truth offsets are into the ticket text; each line is '<timestamp> [<id>] <text>'.
    shift = [len(line) - len(text) for line, text in zip(lines, texts, strict=True)]
    gold: list[list[GoldSpan]] = [[] for _ in lines]
    for r, e, s, end in zip(
        leak.truth["row"].to_pylist(),
        leak.truth["entity"].to_pylist(),
        leak.truth["start"].to_pylist(),
        leak.truth["end"].to_pylist(),
        strict=True,
    ):
        gold[r].append((e, s + shift[r], end + shift[r]))
    warm_leak = support_tickets(50, seed=args.seed + 1)
    warm = bp.write_atomic(warm_leak, args.cache / "tickets-warmup.log", "txt")
    t = time.perf_counter()
    for ner in args.ner:  # loads the spaCy pipeline: not part of the timings
        scan_spans(warm, ner, 50)
    load = time.perf_counter() - t
    out: dict[str, Any] = {
        "lines": len(lines),
        "bytes": size,
        "pipeline_load_and_warmup_seconds": round(load, 2),
        "runs": {},
        "quality": {},
    }
    for ner in args.ner:
        with ner_timers() as acc:
            pred, secs, _ = scan_spans(path, ner, len(lines))
        run: dict[str, Any] = {"seconds": round(secs, 3), "mb_per_s": round(size / secs / 1e6, 3)}
        if ner != "off":
            run["ner_seconds"] = round(acc["ner"], 3)
            run["spacy_seconds"] = round(acc["spacy"], 3)
            run["ner_share"] = round(acc["ner"] / secs, 3)
            run["spacy_share"] = round(acc["spacy"] / secs, 3)
        out["runs"][ner] = run
        q = score_spans(gold, pred, ENTITIES)
        out["quality"][ner] = {t: m for t, m in q.items() if m["tp"] + m["fp"] + m["fn"]}
        out["quality"][ner]["unscored_types"] = _unscored(pred, ENTITIES)
        misses(lines, gold, pred, ENTITIES, args.show_misses, args.raw, f"tickets ner={ner}")
    if "off" in out["runs"]:
        base = out["runs"]["off"]["seconds"]
        for run in out["runs"].values():
            run["slowdown_vs_off"] = round(run["seconds"] / base, 2)
    return out


def _unscored(pred: Sequence[Sequence[GoldSpan]], types: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for spans in pred:
        for t, _, _ in spans:
            if t not in types:
                out[t] = out.get(t, 0) + 1
    return dict(sorted(out.items()))


# --- main --------------------------------------------------------------------------------
def print_tables(result: Mapping[str, Any]) -> None:
    synth = result["synth_dataset"]
    if "skipped" in synth:
        print(f"synth_dataset_v2: skipped ({synth['skipped']})")
    else:
        print(f"\n== synth_dataset_v2, {synth['sentences']} sentences, overlap matching (P/R/F2)")
        tools = {f"ours ner={n}": r for n, r in synth["exposure_scan"].items()}
        if "skipped" not in synth["presidio"]:
            tools["presidio (run here)"] = synth["presidio"]
        print(f"{'type':<16}" + "".join(f"{k:>24}" for k in tools))
        for t in (*SYNTH_TYPES, "binary"):
            row = "".join(
                f"{r[t]['precision']:>9.3f}/{r[t]['recall']:.3f}/{r[t]['f2']:.3f}"
                for r in tools.values()
            )
            print(f"{t:<16}{row}")
        pub = synth["published_vanilla_presidio"]
        print(
            f"published vanilla presidio (token level): P {pub['precision']} R {pub['recall']} "
            f"F2 {pub['f2']}"
        )
    tk = result["tickets"]
    print(f"\n== support tickets, {tk['lines']} lines, {tk['bytes'] / 1e6:.2f} MB")
    for ner, run in tk["runs"].items():
        extra = ""
        if "spacy_share" in run:
            extra = f", NER {run['ner_share']:.0%} of the time, spaCy {run['spacy_share']:.0%}"
        print(f"ner={ner}: {run['seconds']} s, {run['mb_per_s']} MB/s{extra}")
    for ner, q in tk["quality"].items():
        cells = ", ".join(
            f"{t} {m['precision']:.3f}/{m['recall']:.3f}"
            for t, m in q.items()
            if t != "unscored_types"
        )
        print(f"quality ner={ner} (P/R): {cells}; unscored {q['unscored_types']}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--dataset", type=Path, default=SYNTH, help="synth_dataset_v2.json path")
    ap.add_argument("--sentences", type=int, default=None, help="use the first N sentences")
    ap.add_argument("--tickets", type=int, default=20_000, help="support-ticket lines")
    ap.add_argument("--seed", type=int, default=20240)
    ap.add_argument("--ner", default="off,auto", help="ner settings to run")
    ap.add_argument("--no-presidio", action="store_true", help="skip the presidio baseline")
    ap.add_argument(
        "--show-misses",
        type=int,
        default=0,
        metavar="N",
        help="print N missed/wrong spans per type",
    )
    ap.add_argument(
        "--raw-misses",
        dest="raw",
        action="store_true",
        help="print ticket values themselves, not their shapes (terminal only)",
    )
    ap.add_argument("--out", type=Path, default=None, help="JSON path (default: results/)")
    ap.add_argument("--cache", type=Path, default=CACHE, help="where generated inputs go")
    args = ap.parse_args(argv)
    args.ner = [n for n in args.ner.split(",") if n]
    args.cache.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "benchmark": "freetext",
        "command": " ".join(["python", "benchmarks/bench_freetext.py", *sys.argv[1:]]),
        "machine": bp.machine(),
        "scoring": (
            "span level, overlap matching: a gold span is found when a predicted span of the "
            "same type overlaps it; a predicted span is right when it overlaps a gold span of "
            "its type; 'binary' ignores the type"
        ),
    }
    if args.dataset.is_file():
        print(f"scanning {args.dataset.name} ...", flush=True)
        result["synth_dataset"] = synth_benchmark(args.dataset, args)
    else:
        result["synth_dataset"] = {"skipped": f"{args.dataset} not found"}
    print(f"scanning {args.tickets} support tickets ...", flush=True)
    result["tickets"] = tickets_benchmark(args)
    result["machine"]["loadavg_after"] = bp.machine()["loadavg_1_5_15"]
    out = args.out or RESULTS / "freetext.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print_tables(result)
    print(f"\nwritten {out}")
    return result


if __name__ == "__main__":
    main()
