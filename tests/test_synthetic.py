"""The synthetic leak generator: deterministic, honest truth, valid checksums, every format.

Checksums are verified with python-stdnum and phonenumbers (or small independent formulations
here), never with the generator's own helpers, so a bug in one cannot hide in the other.
"""

from __future__ import annotations

import bz2
import csv
import datetime as dt
import gzip
import io
import ipaddress
import json
import lzma
import os
import pathlib
import re
import subprocess
import sys
import tarfile
import uuid
import zipfile
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.feather as feather
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import ean, iban, luhn
from stdnum.it import codicefiscale
from stdnum.us import ssn

from exposure_scan.testing import _synthetic_people
from exposure_scan.testing.synthetic import (
    ENTITIES,
    MIXED,
    SUPPORTED_LOCALES,
    SyntheticLeak,
    customer_table,
    support_tickets,
)

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"
ALL = dict.fromkeys(ENTITIES, 0.5)
LOOKALIKES = (
    "order_number", "ean13", "sku", "price", "uuid", "sha1", "version", "warehouse_lat",
    "warehouse_lon", "car_model", "note",
)  # fmt: skip


@pytest.fixture(scope="module")
def full() -> SyntheticLeak:
    return customer_table(600, seed=11, locales=SUPPORTED_LOCALES, entities=ALL, duplicates=0.1)


@pytest.fixture(scope="module")
def tickets() -> SyntheticLeak:
    return support_tickets(300, seed=4, locales=SUPPORTED_LOCALES, entities=ALL)


def planted(leak: SyntheticLeak, entity: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = leak.truth.filter(
        pc.equal(leak.truth["entity"], entity)
    ).to_pylist()
    assert rows, f"nothing planted for {entity}"
    return rows


def compact(value: str) -> str:
    return re.sub(r"[\s-]", "", value)


# ---------------------------------------------------------------------------- determinism


def test_same_seed_same_leak_and_other_seed_differs() -> None:
    a = customer_table(150, seed=3, entities=ALL, duplicates=0.2)
    b = customer_table(150, seed=3, entities=ALL, duplicates=0.2)
    c = customer_table(150, seed=4, entities=ALL, duplicates=0.2)
    assert a.table.equals(b.table) and a.truth.equals(b.truth) and a.people == b.people
    assert not a.table.equals(c.table)
    t1, t2 = support_tickets(80, seed=1), support_tickets(80, seed=1)
    assert t1.table.equals(t2.table) and t1.truth.equals(t2.truth)


_DIGEST = """
import hashlib, pathlib, tempfile
from exposure_scan.testing import synthetic as s
h = hashlib.sha256()
every = dict.fromkeys(s.ENTITIES, 0.5)
leak = s.customer_table(400, seed=9, locales=s.SUPPORTED_LOCALES, entities=every)
tick = s.support_tickets(100, seed=9, locales=s.SUPPORTED_LOCALES, entities=every)
with tempfile.TemporaryDirectory() as d:
    for item, name in ((leak, "a.csv.gz"), (leak, "a.parquet"), (tick, "t.jsonl")):
        h.update(item.write(pathlib.Path(d) / name).read_bytes())
h.update(repr(leak.truth.to_pylist()).encode() + repr(tick.truth.to_pylist()).encode())
"""


def test_output_is_byte_identical_across_processes_and_hash_seeds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """it_IT city() iterates a set in Faker: without the fix the hash seed changes the data."""
    exec(_DIGEST + "print(h.hexdigest())", {})  # this process, whatever its hash seed
    digests = {capsys.readouterr().out.strip()}
    for hash_seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
        script = _DIGEST + "print(h.hexdigest())"
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    assert len(digests) == 1 and len(digests.pop()) == 64


# ---------------------------------------------------------------------------- truth


def check_truth_matches_table(leak: SyntheticLeak) -> None:
    table, truth = leak.table, leak.truth.to_pylist()
    cells = {(t["row"], t["column"]) for t in truth}
    for t in truth:
        cell = table[t["column"]][t["row"]].as_py()
        if "start" in t:
            assert cell[t["start"] : t["end"]] == t["value"]
        else:
            assert cell == t["value"]
        assert leak.columns[t["column"]] in (t["entity"], MIXED)
    if leak.kind == "customers":  # complete: every non-null PII cell is in the truth
        for name, entity in leak.columns.items():
            values = table[name].to_pylist()
            if entity is None:
                assert not any(c == name for _, c in cells)
            else:  # (a lossy encoding may leave cells with nothing detectable: "???")
                assert {
                    i for i, v in enumerate(values) if v is not None and re.search(r"\w", v)
                } == {r for r, c in cells if c == name}


@pytest.mark.parametrize(
    ("header", "duplicates"), [("en", 0.0), ("native", 0.2), ("none", 0.0), ("opaque", 0.4)]
)
def test_truth_is_consistent_and_complete(header: str, duplicates: float) -> None:
    leak = customer_table(200, seed=5, entities=ALL, header=header, duplicates=duplicates)
    check_truth_matches_table(leak)
    assert leak.truth["row"].type == pa.int64()
    assert leak.truth.column_names[:4] == ["row", "column", "entity", "value"]
    assert all(t == pa.string() for t in leak.table.schema.types)


def test_ticket_truth_offsets_point_at_the_values(tickets: SyntheticLeak) -> None:
    check_truth_matches_table(tickets)
    spans: dict[int, list[tuple[int, int]]] = {}
    for t in tickets.truth.to_pylist():
        spans.setdefault(t["row"], []).append((t["start"], t["end"]))
    for row_spans in spans.values():  # spans never overlap
        row_spans.sort()
        assert all(a[1] < b[0] for a, b in pairwise(row_spans))
    assert not any("{" in text for text in tickets.table["text"].to_pylist())
    assert set(tickets.truth["entity"].to_pylist()) == set(ENTITIES)
    assert tickets.columns == {"timestamp": None, "ticket_id": None, "text": MIXED}


def test_duplicates_repeat_people_with_different_formatting() -> None:
    leak = customer_table(500, seed=2, duplicates=0.3)
    assert leak.people == 500 - 150
    persons = leak.truth["person"].to_pylist()
    assert len(set(persons)) == leak.people
    emails: dict[int, set[str]] = {}
    for t in planted(leak, "EMAIL_ADDRESS"):
        emails.setdefault(t["person"], set()).add(t["value"].lower())
    assert all(len(v) == 1 for v in emails.values())
    distinct_emails = {e for v in emails.values() for e in v}
    assert len(distinct_emails) == len(emails)  # two people never share a mailbox
    assert customer_table(50, seed=2).people == 50


# ---------------------------------------------------------------------------- checksums

_BRANDS = [  # (IIN regex, length)
    (r"4", 16), (r"5[1-5]", 16), (r"2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)", 16),
    (r"3[47]", 15),
]  # fmt: skip


def is_card(number: str) -> bool:
    return luhn.is_valid(number) and any(
        re.match(iin, number) and len(number) == n for iin, n in _BRANDS
    )


def test_cards_pass_luhn_with_a_real_brand(full: SyntheticLeak) -> None:
    numbers = [compact(t["value"]) for t in planted(full, "CREDIT_CARD")]
    assert all(is_card(n) for n in numbers)
    assert {n[0] for n in numbers} == {"2", "3", "4", "5"}  # visa, mc incl. 2-series, amex


def test_masked_cards_show_at_most_six_and_four(full: SyntheticLeak) -> None:
    cards = {t["row"]: compact(t["value"]) for t in planted(full, "CREDIT_CARD")}
    for t in planted(full, "MASKED_CARD"):
        masked = compact(t["value"])
        assert re.fullmatch(r"(\d{4}|\d{6})?[*X]{4,12}\d{4}", masked), masked
        assert not luhn.is_valid(masked) if masked.isdigit() else True
        if t["row"] in cards:
            assert cards[t["row"]].endswith(masked[-4:])


def test_ibans_are_valid_with_national_checks(full: SyntheticLeak) -> None:
    values = [compact(t["value"]) for t in planted(full, "IBAN_CODE")]
    assert all(iban.is_valid(v) for v in values)  # mod 97 + BBAN structure + BE/ES checks
    countries = Counter(v[:2] for v in values)
    assert len(countries) >= 6
    for v in values:
        bban = v[4:]
        if v.startswith("IT"):  # CIN uses the codice fiscale tables
            assert codicefiscale.calc_check_digit(bban[1:]) == bban[0]
        elif v.startswith("FR"):
            assert int(bban) % 97 == 0
        elif v.startswith("PT"):
            assert int(bban[8:]) % 97 == 1 or int(bban) % 97 == 1


def vin_ok(vin: str) -> bool:
    key = "0123456789.ABCDEFGH..JKLMN.P.R..STUVWXYZ"
    weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
    total = sum(key.index(c) % 10 * w for c, w in zip(vin, weights, strict=True))
    return vin[8] == "0123456789X"[total % 11]


def test_vins_have_check_digits_where_mandatory(full: SyntheticLeak) -> None:
    vins = [t["value"] for t in planted(full, "VIN")]
    assert all(re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", v) for v in vins)
    north_american = [v for v in vins if v[0] in "12345"]
    assert north_american and all(vin_ok(v) for v in north_american)
    assert any(v[0] in "SVWYZT" for v in vins)  # European WMIs too


def test_fiscal_codes_ssns_dates_ips(full: SyntheticLeak) -> None:
    codes = [t["value"] for t in planted(full, "IT_FISCAL_CODE")]
    assert all(codicefiscale.is_valid(c) for c in codes)
    assert all(ssn.is_valid(t["value"].replace(" ", "")) for t in planted(full, "US_SSN"))
    for t in planted(full, "IP_ADDRESS"):
        assert ipaddress.ip_address(t["value"]).is_global
    for t in planted(full, "DATE_OF_BIRTH"):
        parts = [int(p) for p in re.split(r"[-/.]", t["value"])]
        assert len(parts) == 3
        year = parts[0] if parts[0] > 31 else parts[2]
        assert 1940 <= year <= 2006
    created = full.table["created_at"].to_pylist()
    assert all(dt.datetime.fromisoformat(c.rstrip("Z")).year >= 2015 for c in created)


def test_phones_are_valid_for_their_recorded_region(full: SyntheticLeak) -> None:
    phones = planted(full, "PHONE_NUMBER")
    for t in phones:
        number = phonenumbers.parse(t["value"], t["region"])
        assert phonenumbers.is_valid_number(number), t["region"]
        assert phonenumbers.region_code_for_number(number) == t["region"]
    assert {t["region"] for t in phones} == {
        _synthetic_people.LOCALE_INFO[loc].region for loc in SUPPORTED_LOCALES
    }
    values = [t["value"] for t in phones]
    for pattern in (r"^\+\d+$", r"^00", r"\(", r"\.", r"-", r"ext|x\d|#|;ext="):
        assert any(re.search(pattern, v) for v in values), pattern


# ---------------------------------------------------------------------------- realism


def test_names_mix_faker_syllables_and_many_cultures(full: SyntheticLeak) -> None:
    last = [t["value"] for t in full.truth.to_pylist() if t["column"] == "last_name"]
    multicultural = set(_synthetic_people.MULTICULTURAL_LAST)
    faker_names = {n for loc in SUPPORTED_LOCALES for n in _synthetic_people.faker_pool(loc).last}
    stripped = [n.strip() for n in last]
    assert any(n in multicultural for n in stripped)
    assert any(n.lower() not in {m.lower() for m in multicultural | faker_names} for n in stripped)
    assert any(n.endswith(" ") for n in last)
    assert any(n.isupper() and len(n) > 3 for n in last)
    assert any("'" in n or "-" in n for n in last)


@pytest.mark.parametrize(
    ("locale", "pattern"),
    [
        ("it_IT", r"^\D+,? \d+(/B)?$"),
        ("de_DE", r"^\D+ \d+[abc]?$"),
        ("fr_FR", r"^\d+(,| bis)? \D+$"),
        ("en_GB", r"^(Flat \d, )?\d+[ABC]? \D+$"),
        ("en_US", r"^\d+ \D+( Apt \d+)?$"),
        ("es_ES", r"^\D+,? \d+(, \dº [A-D])?$"),
        ("ja_JP", r"^\D+\d(丁目\d+番\d+号|-\d+-\d+)$"),
    ],
)
def test_street_lines_follow_the_locale(locale: str, pattern: str) -> None:
    leak = customer_table(60, seed=1, locales=[locale], lookalikes=False)
    streets = leak.table["street"].to_pylist()
    assert [s for s in streets if not re.match(pattern, s)] == []


def test_lookalike_columns_are_present_and_not_pii(full: SyntheticLeak) -> None:
    cols = {n: full.table[n].to_pylist() for n in LOOKALIKES}
    assert all(full.columns[n] is None for n in LOOKALIKES)
    assert not set(LOOKALIKES) & set(full.truth["column"].to_pylist())
    orders = cols["order_number"]
    assert all(re.fullmatch(r"\d{13,16}", o) for o in orders)
    assert not any(is_card(o) for o in orders)  # none is a real card number...
    assert any(luhn.is_valid(o) for o in orders)  # ...though some pass Luhn
    assert all(ean.is_valid(e) and len(e) == 13 for e in cols["ean13"])
    assert all(uuid.UUID(u).version == 4 for u in cols["uuid"])
    assert all(re.fullmatch(r"[0-9a-f]{40}", h) for h in cols["sha1"])
    assert all(re.fullmatch(r"\d+\.\d+\.\d+\.\d+", v) for v in cols["version"])
    assert all(re.fullmatch(r"\d+\.\d\d", p) for p in cols["price"])
    assert all(-90 <= float(x) <= 90 for x in cols["warehouse_lat"])
    notes = [n for n in cols["note"] if n is not None]
    assert notes and not any("@" in n or re.search(r"\d{5}", n) for n in notes)
    plain = customer_table(20, seed=1, lookalikes=False)
    assert not set(LOOKALIKES) & set(plain.table.column_names)


# ---------------------------------------------------------------------------- rates, headers


def test_rates_are_honoured_and_zero_means_absent() -> None:
    rates = {"CREDIT_CARD": 0.1, "IBAN_CODE": 0.25, "VIN": 0.5, "EMAIL_ADDRESS": 0.8}
    leak = customer_table(400, seed=8, entities=rates | {"PHONE_NUMBER": 0.0})
    counts = Counter(leak.truth["entity"].to_pylist())
    for entity, share in rates.items():
        assert abs(counts[entity] / 400 - share) <= 0.01, entity
    assert "phone" not in leak.table.column_names and counts["PHONE_NUMBER"] == 0
    assert "ssn" not in leak.table.column_names
    tick = support_tickets(600, seed=8, entities={"IBAN_CODE": 0.3, "PERSON": 0.5})
    tc = Counter(tick.truth["entity"].to_pylist())
    assert abs(tc["IBAN_CODE"] / 600 - 0.3) < 0.07 and abs(tc["PERSON"] / 600 - 0.5) < 0.07
    with pytest.raises(ValueError, match="unknown entity"):
        customer_table(5, entities={"PASSPORT": 0.5})
    with pytest.raises(ValueError, match="within"):
        customer_table(5, entities={"VIN": 1.5})


@settings(max_examples=20, deadline=None)
@given(rows=st.integers(0, 40), share=st.floats(0, 1), dup=st.floats(0, 0.9))
def test_exact_share_of_rows_for_any_rate(rows: int, share: float, dup: float) -> None:
    leak = customer_table(rows, seed=1, entities={"VIN": share}, duplicates=dup, lookalikes=False)
    assert leak.table.num_rows == rows
    vins = Counter(leak.truth["entity"].to_pylist())["VIN"]
    assert vins == (round(rows * share) if share > 0 else 0)
    assert leak.people == rows - min(round(rows * dup), max(rows - 1, 0))


def test_header_modes() -> None:
    native = customer_table(5, seed=1, header="native", header_language="it")
    assert native.table.column_names[:4] == ["Codice cliente", "Nome", "Cognome", "Indirizzo"]
    assert native.columns["Nome"] == "PERSON" and native.columns["Città"] == "LOCATION"
    de = customer_table(5, seed=1, locales=["de_DE"], header="native")
    assert "Vorname" in de.table.column_names
    none = customer_table(5, seed=1, header="none")
    assert none.table.column_names == [str(i) for i in range(none.table.num_columns)]
    opaque = customer_table(5, seed=1, header="opaque")
    assert opaque.table.column_names[0] == "col_1" and opaque.columns["col_2"] == "PERSON"
    width = customer_table(3, seed=1, entities=dict.fromkeys(ENTITIES, 1.0)).table.num_columns
    for language in ("it", "de", "fr", "es", "en"):  # no two columns share a native name
        leak = customer_table(
            3, seed=1, entities=dict.fromkeys(ENTITIES, 1.0), header="native",
            header_language=language,
        )  # fmt: skip
        assert leak.table.num_columns == width
    with pytest.raises(ValueError, match="header"):
        customer_table(5, header="fancy")
    with pytest.raises(ValueError, match="header_language"):
        customer_table(5, header="native", header_language="xx")
    with pytest.raises(ValueError, match="locales"):
        customer_table(5, locales=["xx_XX"])


def test_missing_faker_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    _synthetic_people.faker_pool.cache_clear()
    monkeypatch.setitem(sys.modules, "faker", None)
    try:
        with pytest.raises(ImportError, match=re.escape("pip install 'exposure_scan[synthetic]'")):
            customer_table(3, seed=1)
    finally:
        _synthetic_people.faker_pool.cache_clear()


# ---------------------------------------------------------------------------- write()


def expected_rows(leak: SyntheticLeak, null: Any = "") -> list[list[Any]]:
    cols = [c.to_pylist() for c in leak.table.columns]
    return [[null if v is None else v for v in row] for row in zip(*cols, strict=True)]


def mysql_tuples(text: str) -> Iterator[list[str | None]]:
    """A tiny reader of mysqldump extended INSERTs (enough to count and compare values)."""
    unescape = {"n": "\n", "r": "\r", "0": "\0", "Z": "\x1a"}
    for line in text.splitlines():
        if not line.startswith("INSERT INTO"):
            continue
        body = line[line.index(" VALUES ") + 8 :]
        i, in_str = 0, False
        row: list[str | None] = []
        cell: str | None = ""
        while i < len(body):
            ch = body[i]
            if in_str:
                if ch == "\\":
                    i += 1
                    cell = f"{cell}{unescape.get(body[i], body[i])}"
                elif ch == "'":
                    in_str = False
                else:
                    cell = f"{cell}{ch}"
            elif ch == "'":
                in_str, cell = True, ""
            elif ch == "N" and body.startswith("NULL", i):
                cell, i = None, i + 3
            elif ch in ",)":
                row.append(cell)
                if ch == ")":
                    yield row
                    row = []
                    i += 1  # skip the separator after a tuple
            i += 1


def pg_rows(text: str) -> list[list[str | None]]:
    lines = text.split("FROM stdin;\n", 1)[1].split("\n\\.\n", 1)[0].split("\n")
    pg = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}

    def cell(v: str) -> str | None:
        return None if v == "\\N" else re.sub(r"\\[\\tnr]", lambda m: pg[m.group()], v)

    return [[cell(v) for v in line.split("\t")] for line in lines]


def read_back(path: pathlib.Path, fmt: str, leak: SyntheticLeak, encoding: str) -> list[list[Any]]:
    if fmt in ("parquet", "feather", "orc"):
        reader = {"parquet": pq.read_table, "feather": feather.read_table, "orc": orc.read_table}
        table = reader[fmt](io.BytesIO(path.read_bytes()) if fmt == "orc" else path)
        assert table.column_names == leak.table.column_names
        return [list(r.values()) for r in table.to_pylist()]
    text = path.read_bytes().decode(encoding)
    if fmt in ("csv", "tsv", "psv", "ssv"):
        delim = {"csv": ",", "tsv": "\t", "psv": "|", "ssv": ";"}[fmt]
        rows = list(csv.reader(io.StringIO(text), delimiter=delim))
        return rows[1:] if leak.header != "none" else rows
    if fmt == "jsonl":
        return [list(json.loads(line).values()) for line in text.splitlines()]
    if fmt == "json":
        return [list(r.values()) for r in json.loads(text)]
    if fmt == "sql":
        assert "CREATE TABLE" in text
        return list(mysql_tuples(text))
    if fmt == "pgsql":
        return pg_rows(text)
    raise AssertionError(fmt)


@pytest.fixture(scope="module")
def small() -> SyntheticLeak:
    return customer_table(40, seed=6, locales=SUPPORTED_LOCALES, entities=ALL)


@pytest.mark.parametrize(
    "fmt",
    ["csv", "tsv", "psv", "ssv", "jsonl", "json", "parquet", "feather", "orc", "sql", "pgsql"],
)
def test_every_format_reads_back_to_the_table(
    small: SyntheticLeak, tmp_path: pathlib.Path, fmt: str
) -> None:
    path = small.write(tmp_path / f"leak.{fmt}")
    null = "" if fmt in ("csv", "tsv", "psv", "ssv") else None
    assert read_back(path, fmt, small, "utf-8") == expected_rows(small, null)


@pytest.mark.parametrize(
    ("name", "opener"),
    [
        ("leak.csv.gz", gzip.decompress),
        ("leak.csv.bz2", bz2.decompress),
        ("leak.csv.xz", lzma.decompress),
        ("leak.csv.zst", None),
        ("leak.csv.zip", "zip"),
        ("leak.csv.tar", "tar"),
        ("leak.csv.tar.gz", "tar"),
        ("leak.tgz", "tar"),
    ],
)
def test_compression_and_archives(
    small: SyntheticLeak, tmp_path: pathlib.Path, name: str, opener: Any
) -> None:
    path = small.write(tmp_path / name, "csv" if name == "leak.tgz" else None)
    data = path.read_bytes()
    if opener is None:
        import zstandard

        inner = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)).read()
    elif opener == "zip":
        with zipfile.ZipFile(path) as zf:
            assert zf.namelist() == ["leak.csv"]
            inner = zf.read("leak.csv")
    elif opener == "tar":
        with tarfile.open(path) as tf:
            assert tf.getnames() == ["leak.csv"]
            member = tf.extractfile("leak.csv")
            assert member is not None
            inner = member.read()
    else:
        inner = opener(data)
    rows = list(csv.reader(io.StringIO(inner.decode("utf-8"))))
    assert rows[1:] == expected_rows(small)
    again = small.write(tmp_path / "again" / name, "csv" if name == "leak.tgz" else None)
    assert again.read_bytes() == data  # no timestamps in gzip/zip/tar headers


def test_headerless_csv_and_txt_lines(tmp_path: pathlib.Path) -> None:
    leak = customer_table(30, seed=3, header="none", entities={"CREDIT_CARD": 0.5})
    rows = list(csv.reader(leak.write(tmp_path / "x.csv").open(encoding="utf-8")))
    assert len(rows) == 30 and rows == expected_rows(leak)
    lines = leak.write(tmp_path / "x.txt").read_text("utf-8").splitlines()
    assert len(lines) == 30
    assert all(t["value"] in lines[t["row"]] for t in leak.truth.to_pylist())
    tick = support_tickets(20, seed=3)
    tlines = tick.write(tmp_path / "t.log").read_text("utf-8").splitlines()
    texts = tick.table["text"].to_pylist()
    assert [line.split("] ", 1)[1] for line in tlines] == texts


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_lossless_encodings(small: SyntheticLeak, tmp_path: pathlib.Path, encoding: str) -> None:
    before = small.truth
    path = small.write(tmp_path / "x.csv", encoding=encoding)
    raw = path.read_bytes()
    assert raw.startswith(codecs_bom(encoding))
    assert read_back(path, "csv", small, encoding) == expected_rows(small)
    assert small.truth.equals(before)


def codecs_bom(encoding: str) -> bytes:
    return {"utf-8-sig": b"\xef\xbb\xbf", "utf-16": "".encode("utf-16")}[encoding]


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "pgsql"])
def test_cp1252_truth_reflects_what_reads_back(tmp_path: pathlib.Path, fmt: str) -> None:
    leak = customer_table(300, seed=12, locales=["ja_JP", "it_IT", "de_DE"], header="native")
    original = set(leak.truth["value"].to_pylist())
    unencodable = {v for v in original if v.encode("cp1252", "replace").decode("cp1252") != v}
    assert unencodable  # kanji and some multicultural names
    path = leak.write(tmp_path / f"x.{fmt}", encoding="cp1252")
    assert read_back(path, fmt, leak, "cp1252") == expected_rows(leak, "" if fmt == "csv" else None)
    check_truth_matches_table(leak)
    values = leak.truth["value"].to_pylist()
    assert all(v.encode("cp1252") for v in values)
    assert any("?" in v for v in values)
    assert not unencodable & set(values)


def test_unknown_format_is_rejected(small: SyntheticLeak, tmp_path: pathlib.Path) -> None:
    with pytest.raises(ValueError, match="unknown leak format"):
        small.write(tmp_path / "leak.xlsx")
    assert small.write(tmp_path / "noext", "jsonl").suffix == ""
