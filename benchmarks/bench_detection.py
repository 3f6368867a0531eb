"""Cell-level detection quality on a multi-locale customer table, side by side with presidio.

Run:  python benchmarks/bench_detection.py [--rows 20000] [--presidio-rows 1000] [--show-misses 3]

Writes benchmarks/results/detection-<rows>.json (aggregate numbers only) and prints tables.
The table is generated (six locales, planted cards, IBANs, VINs, birth dates, masked cards,
IPs, plus look-alike columns that must stay clean) and written as CSV once per header mode,
because header semantics decide column roles: English, native (it/de/fr/es), none, opaque.
Scoring is per cell: a (row, column, entity) reported by the scan either is or is not in the
truth. See docs/performance.md for the scoring rules and a reading of the numbers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _presidio as bp
import pyarrow as pa
import pyarrow.csv as pacsv

from exposure_scan.testing.synthetic import SyntheticLeak, customer_table

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"

LOCALES = ("it_IT", "de_DE", "fr_FR", "en_GB", "en_US", "es_ES")
RATES = {
    "CREDIT_CARD": 0.08,
    "IBAN_CODE": 0.08,
    "VIN": 0.05,
    "DATE_OF_BIRTH": 0.3,
    "MASKED_CARD": 0.05,
    "IP_ADDRESS": 0.1,
}
#: Header mode -> (customer_table header, header_language)
HEADER_MODES: dict[str, tuple[str, str | None]] = {
    "en": ("en", None),
    "native-it": ("native", "it"),
    "native-de": ("native", "de"),
    "native-fr": ("native", "fr"),
    "native-es": ("native", "es"),
    "none": ("none", None),
    "opaque": ("opaque", None),
}
SCORED = (
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "POSTAL_ADDRESS", "LOCATION", "DATE_OF_BIRTH",
    "CREDIT_CARD", "MASKED_CARD", "IBAN_CODE", "VIN", "IP_ADDRESS",
)  # fmt: skip
#: Entities with a cell-level F1 target, and the target.
TARGET_F1 = (
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "POSTAL_ADDRESS", "CREDIT_CARD", "IBAN_CODE", "VIN",
)  # fmt: skip
F1_TARGET = 0.98
SPEEDUP_TARGET = 100.0
#: Entities that must never be reported on a negative column.
ZERO_TOLERANCE = ("CREDIT_CARD", "IBAN_CODE", "VIN")
#: What the baseline is scored on: presidio's entities, plus the two it lacks (recall 0).
PRESIDIO_SCORED = (
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "POSTAL_ADDRESS", "LOCATION", "CREDIT_CARD",
    "IBAN_CODE", "IP_ADDRESS", "VIN",
)  # fmt: skip
#: Truth columns (canonical names) where LOCATION counts as the POSTAL_ADDRESS hit.
POSTCODE_COLUMNS = frozenset({"postcode"})

Cell = tuple[int, str, str]  # (row, canonical column, entity)


# --- scoring -----------------------------------------------------------------------------
@dataclass
class Score:
    """One entity's cell sets; the JSON keeps counts and per-column tallies only."""

    tp: set[Cell] = field(default_factory=set)
    fp: set[Cell] = field(default_factory=set)
    fn: set[Cell] = field(default_factory=set)

    def summary(self) -> dict[str, Any]:
        out = bp.prf(len(self.tp), len(self.fp), len(self.fn))
        out["fp_by_column"] = _tally(c for _, c, _ in self.fp)
        out["fn_by_column"] = _tally(c for _, c, _ in self.fn)
        return out


def _tally(items: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def score_cells(
    truth: set[Cell],
    predicted: set[Cell],
    entities: Sequence[str],
    postcode_columns: frozenset[str] = POSTCODE_COLUMNS,
) -> dict[str, Score]:
    """Per-entity cell sets. LOCATION on an address cell is neither right nor wrong (a street
    or postcode is a place), except on a postcode column, where it counts as the
    POSTAL_ADDRESS hit: the postcode's column role may legitimately be either."""
    address = {(r, c) for r, c, e in truth if e == "POSTAL_ADDRESS"}
    adjusted: set[Cell] = set()
    for r, c, e in predicted:
        if e == "LOCATION" and (r, c) in address:
            if c in postcode_columns:
                adjusted.add((r, c, "POSTAL_ADDRESS"))
            continue
        adjusted.add((r, c, e))
    scores: dict[str, Score] = {}
    for entity in entities:
        t = {x for x in truth if x[2] == entity}
        p = {x for x in adjusted if x[2] == entity}
        scores[entity] = Score(t & p, p - t, t - p)
    return scores


def assess(
    predicted: set[Cell],
    truth: set[Cell],
    negatives: frozenset[str],
    entities: Sequence[str],
) -> tuple[dict[str, Any], dict[str, Score]]:
    """Metrics, negatives and unscored findings of one prediction set (JSON-ready)."""
    scores = score_cells(truth, predicted, entities)
    on_negatives = bp.counter_dict((e, c) for _, c, e in predicted if c in negatives)
    zero = {e: sum(on_negatives.get(e, {}).values()) for e in ZERO_TOLERANCE}
    cross = {
        e: _tally(c for _, c, _ in scores[e].fp if c not in negatives)
        for e in ZERO_TOLERANCE
        if e in scores
    }
    unscored = bp.counter_dict(
        (e, c) for _, c, e in predicted if e not in entities and c not in negatives
    )
    out = {
        "entities": {e: s.summary() for e, s in scores.items()},
        "zero_tolerance_on_negatives": zero,
        "false_ids_on_other_pii_columns": {e: v for e, v in cross.items() if v},
        "negatives_by_entity": on_negatives,
        "unscored_entities_on_pii_columns": unscored,
    }
    return out, scores


# --- data --------------------------------------------------------------------------------
def make_leak(mode: str, rows: int, seed: int) -> SyntheticLeak:
    header, language = HEADER_MODES[mode]
    return customer_table(
        rows,
        seed=seed,
        locales=LOCALES,
        entities=RATES,
        lookalikes=True,
        header=header,
        header_language=language,
    )


def canonical(leak: SyntheticLeak, seed: int) -> dict[str, str]:
    """File column -> English column name (header modes change names, not values or order)."""
    english = make_leak("en", 1, seed).table.column_names
    if len(english) != leak.table.num_columns:
        raise RuntimeError("header modes disagree on the columns")
    return dict(zip(leak.table.column_names, english, strict=True))


def truth_cells(leak: SyntheticLeak, rename: Mapping[str, str], below: int | None) -> set[Cell]:
    rows = leak.truth["row"].to_pylist()
    cols = leak.truth["column"].to_pylist()
    ents = leak.truth["entity"].to_pylist()
    return {
        (r, rename[c], e)
        for r, c, e in zip(rows, cols, ents, strict=True)
        if below is None or r < below
    }


def found_cells(findings: pa.Table, rename: Mapping[str, str]) -> set[Cell]:
    rows = findings["row"].to_pylist()
    cols = findings["column"].to_pylist()
    ents = findings["entity"].to_pylist()
    return {(r, rename.get(c, c), e) for r, c, e in zip(rows, cols, ents, strict=True)}


def sample_leak(leak: SyntheticLeak, rows: int) -> SyntheticLeak:
    """The first ``rows`` rows, written exactly as the full file is."""
    import pyarrow.compute as pc

    truth = leak.truth.filter(pc.less(leak.truth["row"], rows))
    return SyntheticLeak(
        leak.table.slice(0, rows), truth, leak.columns, leak.people, leak.seed, header=leak.header
    )


def cells_of(scanned: bp.Scanned, rename: Mapping[str, str]) -> tuple[set[Cell], int]:
    """Predicted cells under canonical names, and the findings on a misread header line.

    When the header row was read as data, columns come back named by position and every
    record is one further down: map them back, so the scores measure detection (the missed
    header is reported separately, it is a reader problem).
    """
    if not scanned.header_missed:
        return found_cells(scanned.findings, rename), 0
    positional = {str(i): c for i, c in enumerate(rename.values())}
    cells = found_cells(scanned.findings, positional)
    on_header = {x for x in cells if x[0] == 0}
    return {(r - 1, c, e) for r, c, e in cells - on_header}, len(on_header)


# --- misses ------------------------------------------------------------------------------
def print_misses(
    title: str,
    scores: Mapping[str, Score],
    table: pa.Table,
    rename: Mapping[str, str],
    n: int,
    raw: bool,
) -> None:
    """A few false negatives/positives per entity, as value shapes (``--raw-misses``: values)."""
    if n <= 0:
        return
    back = {v: k for k, v in rename.items()}
    print(f"  misses, {title}:")
    for entity, s in scores.items():
        for kind, cells in (("FN", s.fn), ("FP", s.fp)):
            for r, c, _ in sorted(cells)[:n]:
                value = (table[back[c]][r].as_py() or "") if c in back else "?"
                shown = value if raw else bp.shape(value)
                print(f"    {kind} {entity:<15} {c:<14} row {r:<6} {shown!r}")


# --- presidio side by side ---------------------------------------------------------------
def presidio_side_by_side(
    leak: SyntheticLeak, mode: str, rows: int, args: argparse.Namespace
) -> dict[str, Any]:
    """Both tools on the same first ``rows`` rows: metrics, negatives, rows/s."""
    sample = sample_leak(leak, rows)
    rename = canonical(leak, args.seed)
    negatives = frozenset(rename[c] for c, e in leak.columns.items() if e is None)
    truth = truth_cells(sample, rename, None)
    path = bp.write_atomic(sample, args.cache / f"sample-{mode}-{rows}-{args.seed}.csv", "csv")
    # The same columns with one row: what a scan costs whatever its size (start-up, controls).
    one_row = sample_leak(leak, 1)
    one = bp.write_atomic(one_row, args.cache / f"sample-{mode}-1-{args.seed}.csv", "csv")
    out: dict[str, Any] = {"rows": rows, "exposure_scan": {}}
    has_header = leak.header != "none"
    for ner in args.ner:
        bp.scan(path, ner, header=has_header)  # warm-up: pipelines, compiled patterns
        scanned = bp.best_scan(path, ner, args.repeat, header=has_header)
        fixed = bp.best_scan(one, ner, args.repeat, header=has_header).seconds
        cells, _ = cells_of(scanned, rename)
        metrics, _ = assess(cells, truth, negatives, PRESIDIO_SCORED)
        metrics["header_row_read_as_data"] = scanned.header_missed
        metrics["seconds"] = round(scanned.seconds, 4)
        metrics["rows_per_s"] = round(rows / scanned.seconds, 1)
        metrics["fixed_seconds_one_row_scan"] = round(fixed, 4)
        metrics["rows_per_s_beyond_fixed_cost"] = round(
            (rows - 1) / max(scanned.seconds - fixed, 1e-6), 1
        )
        out["exposure_scan"][ner] = metrics
    bp.vanilla_analyzer()  # built outside the timing, like our warm-up
    columns = {c: sample.table[c].to_pylist() for c in sample.table.column_names}
    t = time.perf_counter()
    results = bp.analyze_columns(columns)
    secs = time.perf_counter() - t
    runs: dict[str, Any] = {}
    presidio_scores: dict[str, Score] = {}
    for threshold in (0.0, 0.5):
        cells = {(r, rename[c], s[0]) for r, c, s in results if s[3] >= threshold}
        metrics, scores = assess(cells, truth, negatives, PRESIDIO_SCORED)
        runs[f"score>={threshold}"] = metrics
        if threshold == 0.0:
            presidio_scores = scores
    out["presidio"] = {
        "seconds": round(secs, 3),
        "rows_per_s": round(rows / secs, 2),
        "by_threshold": runs,
    }
    presidio_rate = out["presidio"]["rows_per_s"]
    out["speedup"] = {
        ner: round(out["exposure_scan"][ner]["rows_per_s"] / presidio_rate, 1) for ner in args.ner
    }
    out["speedup_beyond_fixed_cost"] = {
        ner: round(out["exposure_scan"][ner]["rows_per_s_beyond_fixed_cost"] / presidio_rate, 1)
        for ner in args.ner
    }
    if args.show_misses:
        print_misses(
            f"presidio {mode}", presidio_scores, sample.table, rename, args.show_misses, args.raw
        )
    return out


# --- names from elsewhere ----------------------------------------------------------------
#: Written by hand for this benchmark (not Faker, not names-dataset): common name patterns
#: of many cultures and scripts, not meant to denote anyone.
NAMES = (
    # West, Central, East and Southern Africa
    "Adaeze Okonkwo", "Kwame Mensah-Bonsu", "Oluwaseun Adebayo", "Fatoumata Diallo",
    "Mamadou Traoré", "Chiamaka Eze", "Yaw Boateng", "Abena Owusu", "Ngozi Nwachukwu",
    "Ibrahima Sow", "Aminata Coulibaly", "Kofi Asante", "Babajide Ogunleye", "Nnamdi Okafor",
    "Awa Ndiaye", "Moussa Keïta", "Wanjiru Kamau", "Otieno Ochieng", "Tesfaye Bekele",
    "Mekdes Alemu", "Amani Mwakilema", "Halima Abdi", "Abebe Girma", "Thandiwe Nkosi",
    "Sipho Dlamini", "Lerato Mokoena", "Pieter van der Merwe", "Tendai Moyo", "Rudo Chikwanha",
    "Faraji Mwinyi",
    # Arabic, Persian, Turkish, Kurdish (Latin script)
    "Youssef El Amrani", "Layla Haddad", "Omar Al-Farsi", "Nour Khalil", "Karim Benali",
    "Samira Bouzid", "Tariq Al-Mansouri", "Rania Aziz", "Hassan Abdelrahman", "Dariush Karimi",
    "Shirin Tehrani", "Parisa Moradi", "Emre Yılmaz", "Zeynep Kaya", "Burak Öztürk",
    "Elif Şahin", "Rojda Aydın", "Serwan Barzani",
    # South Asia
    "Siddharth Venkataraman", "Priya Raghunathan", "Ananya Chatterjee", "Rohit Deshpande",
    "Farhan Qureshi", "Ayesha Siddiqui", "Nimal Perera", "Tharushi Fernando", "Sunil Shrestha",
    "Gurpreet Kaur Sandhu", "Harjit Singh Gill", "Lakshmi Subramanian", "Arjun Nair",
    "Meenakshi Iyer", "Tanvir Hossain", "Nusrat Jahan Chowdhury",
    # East Asia (romanised, family name first as often exported)
    "Nguyen Thi Mai", "Tran Van Duc", "Pham Minh Chau", "Le Hoang Anh", "Zhang Wei",
    "Li Xiuying", "Chen Jiahao", "Wang Fang", "Liu Yang", "Huang Mei-Ling", "Kim Min-jun",
    "Park Ji-woo", "Lee Seo-yeon", "Choi Hyun-woo", "Tanaka Haruto", "Suzuki Yui",
    "Watanabe Sota", "Yamamoto Aoi", "Sato Ren", "Bat-Erdene Ganbold", "Oyunchimeg Dorj",
    # South-East Asia and the Pacific
    "Nur Aisyah binti Rahman", "Muhammad Hafiz bin Ismail", "Putu Ayu Lestari", "Budi Santoso",
    "Dewi Kartika Sari", "Kittisak Srisuk", "Ploy Chaiyaporn", "Maria Clara Dela Cruz",
    "Jose Miguel Bautista", "Aung Kyaw Min", "Sokha Chea", "Tama Whaanga", "Aroha Ngata",
    "Sione Tupou", "Leilani Kahale", "Mele Fifita",
    # The Americas
    "Aiyana Redcloud", "Tayanita Begay", "Quilla Mamani", "Yupanqui Condori",
    "María Fernanda Gutiérrez", "Juan Pablo Ríos", "Camila Andrade", "Thiago Nascimento",
    "Luana Figueiredo", "Joaquín Sepúlveda", "Valentina Ortiz Arango", "Diego Alejandro Paredes",
    "Ximena Villalobos", "Rafael Barbosa Lima", "Jean-Baptiste Pierre-Louis", "Marisol Figueroa",
    "Dwayne Campbell", "Shaniqua Robinson", "Tyrone Jefferson", "Brittany McAllister",
    # Slavic, Baltic, Balkan, Hungarian, Romanian
    "Katarzyna Wiśniewska", "Małgorzata Dąbrowska", "Dmitri Volkov", "Anastasia Sokolova",
    "Oleksandr Kovalenko", "Yulia Shevchuk", "Tereza Nováková", "Miroslav Horváth",
    "Ivana Petrović", "Nikola Jovanović", "Ana Kovačević", "Bogdan Popescu",
    "Ioana Constantinescu", "Stoyan Dimitrov", "Vesna Zupančič", "Jānis Bērziņš",
    "Rūta Kazlauskienė", "Mart Tamm", "Zsófia Szabó", "Gergely Nagy", "Arben Hoxha",
    # Nordic, Celtic, Western and Southern Europe
    "Sigríður Jónsdóttir", "Eiríkur Magnússon", "Aino Virtanen", "Pekka Mäkinen",
    "Ingrid Solberg", "Magnus Lindqvist", "Freja Mortensen", "Søren Thygesen",
    "Siobhán Ní Bhriain", "Pádraig Ó Súilleabháin", "Ffion Llewellyn", "Iain MacLeòid",
    "Mairead Fitzgerald", "Gwenaëlle Le Goff", "Koen Vandenbroucke", "Annelies de Vries",
    "Jürgen Oberhuber", "Leni Brandstätter", "Nuno Gonçalves", "Inês Carvalho",
    "Iñaki Etxeberria", "Ainhoa Goikoetxea", "Jordi Vilaseca", "Montserrat Casals",
    "Giuseppina Esposito", "Salvatore Bellomo", "Eleni Papadopoulou", "Yiannis Georgiou",
    "Ilias Stavrakis", "Maja Horvat", "Luca Ferraresi", "Chiara Lombardo", "Matthias Grünwald",
    "Aurélie Marchand", "Théo Rousseau", "Dafydd ap Gruffudd",
    # Hebrew, Armenian, Georgian, Central Asian (Latin script)
    "Avigail Ben-David", "Yonatan Shapiro", "Tamar Rosenberg", "Anahit Petrosyan",
    "Levan Beridze", "Nino Kapanadze", "Aigerim Nurlanovna", "Timur Abdullaev",
    "Dilnoza Rakhimova", "Bakyt Toktogulov",
    # Native scripts
    "张伟", "李秀英", "王芳", "陈静", "山田 花子", "佐藤 健太", "김민준", "이서연", "박지훈",
    "Иван Петров", "Ольга Смирнова", "Олена Коваленко", "Сергей Кузнецов",
    "Δημήτρης Παπαδόπουλος", "Μαρία Νικολάου", "محمد عبد الله", "فاطمة الزهراء", "יוסי כהן",
    "נועה לוי", "नेहा शर्मा", "राहुल वर्मा", "ਹਰਪ੍ਰੀਤ ਕੌਰ", "சுரேஷ் குமார்", "สมชาย ใจดี",
    "ნინო ბერიძე", "Անի Սարգսյան", "আনিকা রহমান", "ትዕግስት ታደሰ",
)  # fmt: skip


def _latin(name: str) -> bool:
    return all(ord(c) < 0x250 or not c.isalpha() for c in name)


def names_check(args: argparse.Namespace) -> dict[str, Any]:
    """PERSON recall on the hand-written names under ``name``, ``nome`` and no header."""
    n = len(NAMES)
    table = pa.table(
        {"customer_id": [str(70001 + i) for i in range(n)], "name": pa.array(NAMES, pa.string())}
    )
    latin = [i for i, v in enumerate(NAMES) if _latin(v)]
    out: dict[str, Any] = {"names": n, "latin_script": len(latin)}
    for header in ("name", "nome", "none"):
        if header == "none":
            data = table
            rename = {"0": "customer_id", "1": "name"}
        else:
            data = table.rename_columns(["customer_id", header])
            rename = {"customer_id": "customer_id", header: "name"}
        sink = pa.BufferOutputStream()
        pacsv.write_csv(data, sink, pacsv.WriteOptions(include_header=header != "none"))
        text = sink.getvalue().to_pybytes().decode("utf-8")
        path = bp.write_text_atomic(args.cache / f"names-{header}.csv", text)
        col, idcol = "name", "customer_id"
        for ner in args.ner:
            scanned = bp.scan(path, ner, header=header != "none")
            cells, _ = cells_of(scanned, rename)
            hit = {r for r, c, e in cells if c == col and e == "PERSON"}
            missed = sorted(set(range(n)) - hit)
            out[f"{header}/ner={ner}"] = {
                "recall": round(len(hit) / n, 4),
                "recall_latin": round(len(hit & set(latin)) / len(latin), 4),
                "recall_other_scripts": round(len(hit - set(latin)) / (n - len(latin)), 4),
                "header_row_read_as_data": scanned.header_missed,
                "person_on_id_column": sum(1 for _, c, e in cells if c == idcol and e == "PERSON"),
                "other_entities_on_name_column": _tally(
                    e for _, c, e in cells if c == col and e != "PERSON"
                ),
            }
            if args.show_misses:
                shown = [NAMES[i] if args.raw else bp.shape(NAMES[i]) for i in missed]
                print(f"  names {header}/ner={ner}: {len(missed)} missed: {shown[:12]}")
    return out


# --- main --------------------------------------------------------------------------------
def run_mode(mode: str, args: argparse.Namespace) -> tuple[dict[str, Any], SyntheticLeak]:
    leak = make_leak(mode, args.rows, args.seed)
    rename = canonical(leak, args.seed)
    negatives = frozenset(rename[c] for c, e in leak.columns.items() if e is None)
    name = f"customers-{mode}-{args.rows}-{args.seed}.csv"
    path = bp.write_atomic(leak, args.cache / name, "csv")
    truth = truth_cells(leak, rename, None)
    out: dict[str, Any] = {"file_mb": round(path.stat().st_size / 1e6, 2)}
    for ner in args.ner:
        scanned = bp.scan(path, ner, header=leak.header != "none")
        cells, on_header = cells_of(scanned, rename)
        metrics, scores = assess(cells, truth, negatives, SCORED)
        metrics["header_row_read_as_data"] = scanned.header_missed
        metrics["findings_on_header_line"] = on_header
        metrics["seconds"] = round(scanned.seconds, 3)
        metrics["rows_per_s"] = round(args.rows / scanned.seconds)
        out[ner] = metrics
        print_misses(f"{mode} ner={ner}", scores, leak.table, rename, args.show_misses, args.raw)
    return out, leak


def targets(result: dict[str, Any], ners: Sequence[str]) -> dict[str, Any]:
    """Each target, met or not, per header mode and NER setting."""
    f1: dict[str, Any] = {}
    zero: dict[str, Any] = {}
    for mode, res in result["headers"].items():
        for ner in ners:
            ents = res[ner]["entities"]
            f1[f"{mode}/ner={ner}"] = {
                e: ents[e]["f1"] >= F1_TARGET for e in TARGET_F1 if e in ents
            }
            zero[f"{mode}/ner={ner}"] = all(
                v == 0 for v in res[ner]["zero_tolerance_on_negatives"].values()
            )
    speed: dict[str, Any] = {}
    for mode, res in result.get("presidio", {}).get("headers", {}).items():
        rate = res["presidio"]["rows_per_s"]
        for ner in ners:
            full = result["headers"][mode][ner]["rows_per_s"] / rate
            speed[f"{mode}/ner={ner}"] = {
                "same_sample": res["speedup"][ner] >= SPEEDUP_TARGET,
                "same_sample_beyond_fixed_cost": (
                    res["speedup_beyond_fixed_cost"][ner] >= SPEEDUP_TARGET
                ),
                "full_file_vs_presidio_rate": round(full, 1),
                "full_file": full >= SPEEDUP_TARGET,
            }
    return {
        f"cell_f1>={F1_TARGET}": f1,
        "zero_false_ids_on_negatives": zero,
        f"speedup>={SPEEDUP_TARGET:g}x": speed,
    }


def print_tables(result: dict[str, Any], ners: Sequence[str]) -> None:
    for mode, res in result["headers"].items():
        print(f"\n== header {mode} ({result['rows']} rows, {res['file_mb']} MB)")
        head = "".join(f"  P/R/F1 ner={n:<18}" for n in ners)
        print(f"{'entity':<16}{head}")
        for e in SCORED:
            cells = ""
            for n in ners:
                m = res[n]["entities"][e]
                cells += f"  {m['precision']:.3f}/{m['recall']:.3f}/{m['f1']:.3f}        "
            print(f"{e:<16}{cells}")
        for n in ners:
            r = res[n]
            print(
                f"ner={n}: {r['rows_per_s']} rows/s; CC/IBAN/VIN on negatives "
                f"{r['zero_tolerance_on_negatives']}; on other PII columns "
                f"{r['false_ids_on_other_pii_columns']}"
                + ("; HEADER ROW READ AS DATA" if r["header_row_read_as_data"] else "")
            )
    pres = result.get("presidio", {})
    for mode, res in pres.get("headers", {}).items():
        p = res["presidio"]["by_threshold"]["score>=0.0"]
        print(f"\n== presidio vs exposure_scan, header {mode}, {res['rows']} rows (P/R/F1)")
        for e in PRESIDIO_SCORED:
            ours = "  ".join(
                "{precision:.3f}/{recall:.3f}/{f1:.3f}".format(
                    **res["exposure_scan"][n]["entities"][e]
                )
                for n in ners
            )
            print(
                f"{e:<16} presidio {p['entities'][e]['precision']:.3f}/"
                f"{p['entities'][e]['recall']:.3f}/{p['entities'][e]['f1']:.3f}  ours {ours}"
            )
        neg = {e: sum(v.values()) for e, v in p["negatives_by_entity"].items()}
        print(f"presidio on negative columns (cells): {neg}")
        print(
            f"rows/s: presidio {res['presidio']['rows_per_s']}, ours "
            + ", ".join(f"ner={n} {res['exposure_scan'][n]['rows_per_s']}" for n in ners)
            + f"; speedup {res['speedup']} (beyond the fixed per-scan cost: "
            + f"{res['speedup_beyond_fixed_cost']})"
        )
    if "names" in result:
        print("\n== hand-written names, PERSON recall")
        for k, v in result["names"].items():
            if isinstance(v, dict):
                print(
                    f"{k:<16} {v['recall']:.3f} (latin {v['recall_latin']:.3f}, other "
                    f"scripts {v['recall_other_scripts']:.3f})"
                )


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=20240)
    ap.add_argument("--headers", default=",".join(HEADER_MODES), help="header modes to run")
    ap.add_argument("--ner", default="off,auto", help="ner settings to run (off, auto, a name)")
    ap.add_argument("--presidio-rows", type=int, default=1000, help="0: skip presidio")
    ap.add_argument("--presidio-headers", default="en,none", help="header modes for presidio")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per sample scan (best)")
    ap.add_argument("--no-names", action="store_true", help="skip the hand-written names check")
    ap.add_argument(
        "--show-misses",
        type=int,
        default=0,
        metavar="N",
        help="print N false negatives/positives per entity (value shapes)",
    )
    ap.add_argument(
        "--raw-misses",
        dest="raw",
        action="store_true",
        help="print the synthetic values themselves (terminal only)",
    )
    ap.add_argument("--out", type=Path, default=None, help="JSON path (default: results/)")
    ap.add_argument("--cache", type=Path, default=CACHE, help="where generated inputs go")
    args = ap.parse_args(argv)
    args.ner = [n for n in args.ner.split(",") if n]
    modes = [m for m in args.headers.split(",") if m]
    unknown = sorted(set(modes) - set(HEADER_MODES))
    if unknown:
        ap.error(f"unknown header modes {unknown}; known: {list(HEADER_MODES)}")
    args.cache.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "benchmark": "detection",
        "command": " ".join(["python", "benchmarks/bench_detection.py", *sys.argv[1:]]),
        "machine": bp.machine(),
        "rows": args.rows,
        "seed": args.seed,
        "locales": list(LOCALES),
        "rates": RATES,
        "scoring": (
            "cell level: a (row, column, entity) is a hit when the truth has it; LOCATION on "
            "a street or postcode cell is neutral, and on a postcode cell it is the "
            "POSTAL_ADDRESS hit; negatives are the columns the truth maps to no entity"
        ),
        "headers": {},
    }
    leaks: dict[str, SyntheticLeak] = {}
    for mode in modes:
        print(f"scanning header mode {mode} ...", flush=True)
        result["headers"][mode], leaks[mode] = run_mode(mode, args)
    if args.presidio_rows > 0:
        why = bp.unavailable()
        if why:
            result["presidio"] = {"skipped": why}
        else:
            result["presidio"] = {"model": bp.MODEL, "headers": {}}
            for mode in [m for m in args.presidio_headers.split(",") if m in leaks]:
                print(f"presidio side by side, header mode {mode} ...", flush=True)
                rows = min(args.presidio_rows, args.rows)
                result["presidio"]["headers"][mode] = presidio_side_by_side(
                    leaks[mode], mode, rows, args
                )
    if not args.no_names:
        result["names"] = names_check(args)
    result["targets"] = targets(result, args.ner)
    result["machine"]["loadavg_after"] = bp.machine()["loadavg_1_5_15"]
    out = args.out or RESULTS / f"detection-{args.rows}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print_tables(result, args.ner)
    print(f"\nwritten {out}")
    return result


if __name__ == "__main__":
    main()
