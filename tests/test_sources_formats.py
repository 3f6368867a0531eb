"""Every supported input format, read from content, with exact rows, columns and accounting.

Each test plants documented test card numbers and ``example.com`` addresses at known records
and checks that the findings name exactly those records and columns, that look-alikes (a
Luhn-failing number, an address on a non-existent TLD) are not reported, and that the source
account (hash, size, format, encoding, records) matches the file.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import json
import lzma
import pathlib
import tarfile
import zipfile

import pyarrow as pa
import pyarrow.feather as feather
import pyarrow.orc as orc
import pyarrow.parquet as pq
import pytest
import zstandard

import exposure_scan
from exposure_scan.sources.detect import sniff_compression, sniff_container, sniff_text_format
from exposure_scan.sources.encoding import sniff_encoding

PAN_V, PAN_M, PAN_M2, PAN_A = (
    "4111111111111111",
    "5555555555554444",
    "2221000000000009",
    "378282246310005",
)
#: Look-alikes that must never be reported: a Luhn-failing 16-digit number, a fake TLD.
NOT_PAN, NOT_EMAIL = "4111111111111112", "someone@host.invalidtld"

TABLE = [
    ("Ann", "ann@example.com", PAN_V),
    ("Bob", "bob@example.org", NOT_PAN),
    ("Cy", NOT_EMAIL, PAN_M),
    ("Di", "di@example.net", PAN_A),
]
#: What TABLE implies, as (row, column, entity, value) with a header of name,email,card.
TABLE_HITS = [
    (0, "card", "CREDIT_CARD", PAN_V),
    (0, "email", "EMAIL_ADDRESS", "ann@example.com"),
    (1, "email", "EMAIL_ADDRESS", "bob@example.org"),
    (2, "card", "CREDIT_CARD", PAN_M),
    (3, "card", "CREDIT_CARD", PAN_A),
    (3, "email", "EMAIL_ADDRESS", "di@example.net"),
]


def table_text(delim: str = ",", newline: str = "\n", header: bool = True) -> str:
    lines = (["name", "email", "card"],) if header else ()
    body = [delim.join(r) for r in (*lines, *TABLE)]
    return newline.join(body) + newline


def expected(source: str, hits: list[tuple[int, str, str, str]]) -> list[tuple[str, ...]]:
    return sorted((source, *h) for h in hits)  # type: ignore[misc]


# --- delimited text ------------------------------------------------------------------------
DELIMS = [(",", "csv"), ("\t", "tsv"), (";", "csv;"), ("|", "psv")]
ENCODINGS = [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16"),
    ("cp1252", "cp1252"),
]


@pytest.mark.parametrize(("delim", "fmt"), DELIMS)
@pytest.mark.parametrize(("codec", "sniffed"), ENCODINGS)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("name", ["leak.csv", "leak.txt", "leak"])
def test_delimited_dialects_encodings_and_line_endings(
    write, scan_kept, hits, accounts, delim, fmt, codec, sniffed, newline, name
):
    # "Straße" and "Müller" make the cp1252 variant undecodable as UTF-8, so it must be sniffed.
    text = table_text(delim, newline).replace("name", "Straße").replace("Ann", "Müller")
    data = text.encode(codec)
    path = write(name, data)
    report = scan_kept(path)
    acct = accounts(report)[name]
    assert (acct.format, acct.encoding) == (fmt, sniffed)
    assert acct.records_read == len(TABLE) and acct.records_unreadable == 0
    assert acct.error is None
    assert acct.sha256 == hashlib.sha256(data).hexdigest() and acct.size == len(data)
    assert hits(report) == expected(name, TABLE_HITS)


def test_latin1_fallback_for_bytes_cp1252_leaves_undefined(write, scan_kept, hits, accounts):
    # 0x81 and 0x8d are undefined in cp1252: only latin-1 decodes them.
    data = b"name,email\nA\x81e,a@example.com\nB\x8dx,b@example.com\n"
    assert sniff_encoding(data) == "latin-1"
    report = scan_kept(write("l1.csv", data))
    acct = accounts(report)["l1.csv"]
    assert acct.encoding == "latin-1" and acct.records_read == 2 and acct.records_unreadable == 0
    assert [h[1] for h in hits(report)] == [0, 1]


@pytest.mark.parametrize(
    ("head", "encoding"),
    [
        (b"plain ascii", "utf-8"),
        ("Straße".encode(), "utf-8"),
        ("Straße".encode("cp1252"), "cp1252"),
        (b"\xef\xbb\xbfa,b", "utf-8-sig"),
        ("a,b\n".encode("utf-16"), "utf-16"),
        ("a,b\nc,d\n".encode("utf-16-le"), "utf-16-le"),
        ("a,b\nc,d\n".encode("utf-16-be"), "utf-16-be"),
        # UTF-8 with one stray cp1252 byte stays UTF-8 (the bad record is counted later) ...
        ("Straße,Müller,Jürgen\n".encode() + b"Jos\xe9\n", "utf-8"),
        # ... but cp1252 text with no valid multi-byte sequence is cp1252.
        (b"Jos\xe9,Stra\xdfe\n", "cp1252"),
    ],
)
def test_sniff_encoding(head, encoding):
    assert sniff_encoding(head) == encoding


def test_quoted_fields_with_embedded_newlines_keep_record_numbers(write, scan_kept, hits, accounts):
    text = (
        "id,note,email\n"
        '1,"first line\nsecond line\nthird, with comma",a@example.com\n'
        '2,"say ""hi"" to c@example.com",b@example.com\n'
        '3,"x\r\ny",' + PAN_M2 + "\n"
    )
    report = scan_kept(write("q.csv", text))
    assert accounts(report)["q.csv"].records_read == 3
    assert [(h[1], h[2], h[4]) for h in hits(report)] == [
        (0, "email", "a@example.com"),
        (1, "email", "b@example.com"),
        (1, "note", "c@example.com"),
        (2, "email", PAN_M2),
    ]


HEADER_CASES = [
    # (file content, column names expected in findings, records)
    pytest.param(table_text(), ["card", "email"], 4, id="header-row"),
    pytest.param(table_text(header=False), ["1", "2"], 4, id="no-header-names-and-emails"),
    pytest.param(
        f"1,{PAN_V},a@example.com\n2,{PAN_M},b@example.com\n3,{PAN_A},c@example.com\n",
        ["1", "2"],
        3,
        id="no-header-numeric-first-row",
    ),
    pytest.param(
        f"Ann Smith,ann@example.com\nBob Jones,{PAN_V}\n", ["1"], 2, id="no-header-two-rows"
    ),
    pytest.param(
        "id;kontakt;zahlung\n1;a@example.com;" + PAN_V + "\n2;b@example.com;" + PAN_M + "\n",
        ["kontakt", "zahlung"],
        2,
        id="header-unknown-words-above-data",
    ),
]


@pytest.mark.parametrize(("text", "columns", "records"), HEADER_CASES)
def test_header_detected_from_content(write, scan_kept, hits, accounts, text, columns, records):
    report = scan_kept(write("h.csv", text))
    acct = accounts(report)["h.csv"]
    assert acct.records_read == records
    assert sorted({h[2] for h in hits(report)}) == columns
    if columns[0].isdigit():  # headerless: the first line is record 0 and holds a finding
        assert min(h[1] for h in hits(report)) == 0
        assert any("no header" in n for n in acct.notes)


def test_unicode_headers_values_and_crlf(write, scan_kept, hits, accounts):
    text = (
        "Straße,E-Mail-Adresse,電話,Karte\r\n"
        "Hauptstraße 1 🏠,anna@example.com,☎ 030,💳 " + PAN_V + "\r\n"
        "Åsgatan 2,bo@example.se,電話番号,x\r\n"
    )
    report = scan_kept(write("uni.csv", text))
    assert accounts(report)["uni.csv"].records_read == 2
    assert hits(report) == expected(
        "uni.csv",
        [
            (0, "E-Mail-Adresse", "EMAIL_ADDRESS", "anna@example.com"),
            (0, "Karte", "CREDIT_CARD", PAN_V),
            (1, "E-Mail-Adresse", "EMAIL_ADDRESS", "bo@example.se"),
        ],
    )
    # offsets count characters, not bytes: the card starts after "💳 "
    table = report.findings_table().to_pylist()
    card = next(r for r in table if r["entity"] == "CREDIT_CARD")
    assert (card["start"], card["end"]) == (2, 18)


def test_rows_exact_across_many_csv_blocks_with_scattered_bad_rows(write, scan_kept, accounts):
    """Small pyarrow blocks, multi-line records and bad rows: every row is where it was put."""
    lines = ["name,email,card"]
    planted: dict[int, str] = {}
    bad: list[int] = []
    for i in range(1500):
        if i % 37 == 5:
            lines.append(f"short{i},x")  # too few fields
            bad.append(i)
        elif i % 53 == 7:
            lines.append(f"long{i},x,y,z")  # too many fields
            bad.append(i)
        elif i % 61 == 11:
            lines.append(f"cp{i},u{i}@example.com,caf\xe9")  # stray cp1252 byte below
            bad.append(i)
        elif i % 9 == 0:
            lines.append(f'"multi\nline {i}",m{i}@example.com,{PAN_V}')
            planted[i] = f"m{i}@example.com"
        else:
            lines.append(f"Jürgen {i},u{i}@example.com,")
            planted[i] = f"u{i}@example.com"
    data = "\n".join(lines).encode().replace("caf\xe9".encode(), b"caf\xe9") + b"\n"
    path = write("blocks.csv", data)
    for block_size in (256, 4096):
        report = scan_kept(path, block_size=block_size)
        acct = accounts(report)["blocks.csv"]
        assert acct.encoding == "utf-8"
        assert acct.records_read == len(planted) and acct.records_unreadable == len(bad)
        assert acct.records_total == 1500
        got = {
            r["row"]: r["value"]
            for r in report.findings_table(reveal=True).to_pylist()
            if r["entity"] == "EMAIL_ADDRESS"
        }
        assert got == planted
        assert sorted(acct.unreadable_examples) == bad[:20]


# --- JSON ----------------------------------------------------------------------------------
RECORDS = [
    {
        "id": 1,
        "profile": {"email": "a@example.com", "name": "Ann"},
        "vehicles": [{"vin": "WVW000"}, {"vin": PAN_V}],
        "cards": [PAN_M, PAN_A],
    },
    {"id": 2, "profile": {"email": None}, "vehicles": [], "cards": PAN_M2},
    {"id": 3, "profile": {"contact": {"email": "c@example.com"}}, "note": NOT_EMAIL},
]
JSON_HITS = [
    (0, "cards", "CREDIT_CARD", PAN_A),
    (0, "cards", "CREDIT_CARD", PAN_M),
    (0, "profile.email", "EMAIL_ADDRESS", "a@example.com"),
    (0, "vehicles.vin", "CREDIT_CARD", PAN_V),  # 2nd element: still the parent's row
    (1, "cards", "CREDIT_CARD", PAN_M2),
    (2, "profile.contact.email", "EMAIL_ADDRESS", "c@example.com"),
]


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("r.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n", "jsonl"),
        ("r.ndjson", "\n\n".join(json.dumps(r) for r in RECORDS), "jsonl"),  # blank lines
        ("r.json", json.dumps(RECORDS, indent=2), "json"),
        ("r.json.txt", json.dumps(RECORDS), "json"),
        ("r.dat", "\r\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), "jsonl"),
    ],
)
def test_json_flattened_to_dotted_paths(write, scan_kept, hits, accounts, name, data, fmt):
    report = scan_kept(write(name, data))
    acct = accounts(report)[name]
    assert acct.format == fmt and acct.records_read == 3 and acct.records_unreadable == 0
    assert hits(report) == expected(name, JSON_HITS)


def test_json_top_level_object_is_one_record(write, scan_kept, hits):
    doc = {"users": [{"email": "a@example.com"}, {"email": "b@example.com"}]}
    report = scan_kept(write("doc.json", json.dumps(doc, indent=2)))
    assert report.sources[0].records_read == 1
    assert [(h[1], h[2], h[4]) for h in hits(report)] == [
        (0, "users.email", "a@example.com"),
        (0, "users.email", "b@example.com"),
    ]


# --- columnar ------------------------------------------------------------------------------
def nested_table() -> pa.Table:
    return pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int32()),
            "card": pa.array([int(PAN_V), 4111111111111112, int(PAN_M2)], pa.int64()),
            "profile": pa.array(
                [{"email": "a@example.com", "age": 30}, {"email": None, "age": 1}, None]
            ),
            "vehicles": pa.array([[{"vin": "X1"}, {"vin": PAN_A}], [], [{"vin": PAN_M}]]),
            "tags": pa.array([["b@example.com", "x"], None, []], pa.list_(pa.string())),
        }
    )


COLUMNAR_HITS = [
    (0, "card", "CREDIT_CARD", PAN_V),
    (0, "profile.email", "EMAIL_ADDRESS", "a@example.com"),
    (0, "tags", "EMAIL_ADDRESS", "b@example.com"),
    (0, "vehicles.vin", "CREDIT_CARD", PAN_A),
    (2, "card", "CREDIT_CARD", PAN_M2),
    (2, "vehicles.vin", "CREDIT_CARD", PAN_M),
]


def _ipc_stream(t: pa.Table) -> bytes:
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, t.schema) as w:
        for b in t.to_batches(max_chunksize=2):
            w.write_batch(b)
    return sink.getvalue()


def _to_bytes(writer, t: pa.Table) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    writer(t, buf)
    return buf.getvalue()


COLUMNAR = [
    ("t.parquet", lambda t: _to_bytes(lambda x, b: pq.write_table(x, b, row_group_size=2), t)),
    ("t.feather", lambda t: _to_bytes(feather.write_feather, t)),
    ("t.orc", lambda t: _to_bytes(orc.write_table, t)),
    ("t.arrows", _ipc_stream),
]


@pytest.mark.parametrize(("name", "make"), COLUMNAR)
@pytest.mark.parametrize("batch_rows", [1, 1000])
def test_columnar_nested_and_integer_cards(
    write, scan_kept, hits, accounts, name, make, batch_rows
):
    data = make(nested_table())
    report = scan_kept(write(name, data), batch_rows=batch_rows)
    acct = accounts(report)[name]
    assert acct.records_read == 3 and acct.error is None
    assert acct.sha256 == hashlib.sha256(data).hexdigest()
    assert hits(report) == expected(name, COLUMNAR_HITS)


def test_feather_v1_flat(write, scan_kept, hits):
    t = pa.table({"email": ["a@example.com", "no"], "card": [1, int(PAN_V)]})
    buf = io.BytesIO()
    with pytest.warns(DeprecationWarning):
        feather.write_feather(t, buf, version=1)
    report = scan_kept(write("v1.feather", buf.getvalue()))
    assert [(h[1], h[2]) for h in hits(report)] == [(0, "email"), (1, "card")]


@pytest.mark.parametrize(("name", "make"), COLUMNAR)
def test_columnar_inside_gzip_and_zip_is_spooled(write, scan_kept, hits, name, make):
    data = make(nested_table())
    zb = io.BytesIO()
    with zipfile.ZipFile(zb, "w") as z:
        z.writestr(name, data)
    report = scan_kept([write(name + ".gz", gzip.compress(data)), write("c.zip", zb.getvalue())])
    assert hits(report) == sorted(
        expected(name + ".gz", COLUMNAR_HITS) + expected(f"c.zip!{name}", COLUMNAR_HITS)
    )


# --- SQL dumps -----------------------------------------------------------------------------
MYSQL = f"""-- MySQL dump 10.13
CREATE TABLE `users` (`id` int, `email` varchar(100), `card` varchar(20));
INSERT INTO `users` (`id`, `email`, `card`) VALUES (1,'a@example.com','{PAN_V}'),
(2,'it''s b@example.com','{NOT_PAN}');
INSERT INTO `users` (`id`, `email`, `card`) VALUES (3,NULL,'{PAN_M}');
INSERT INTO `orders` VALUES (10,'c@example.com','{PAN_A}');
"""
POSTGRES = f"""--
-- PostgreSQL database dump
--
COPY public.users (id, email, card) FROM stdin;
1\ta@example.com\t{PAN_V}
2\tb@example.com\t\\N
3\t\\N\t{PAN_M2}
\\.
"""


@pytest.mark.parametrize(
    ("name", "text", "want"),
    [
        (
            "dump.sql",
            MYSQL,
            [
                (0, "orders.1", "EMAIL_ADDRESS", "c@example.com"),
                (0, "orders.2", "CREDIT_CARD", PAN_A),
                (0, "users.card", "CREDIT_CARD", PAN_V),
                (0, "users.email", "EMAIL_ADDRESS", "a@example.com"),
                (1, "users.email", "EMAIL_ADDRESS", "b@example.com"),
                (2, "users.card", "CREDIT_CARD", PAN_M),
            ],
        ),
        (
            "pg.csv",  # wrong extension: content decides
            POSTGRES,
            [
                (0, "public.users.card", "CREDIT_CARD", PAN_V),
                (0, "public.users.email", "EMAIL_ADDRESS", "a@example.com"),
                (1, "public.users.email", "EMAIL_ADDRESS", "b@example.com"),
                (2, "public.users.card", "CREDIT_CARD", PAN_M2),
            ],
        ),
    ],
)
def test_sql_dumps_tables_and_rows(write, scan_kept, hits, accounts, name, text, want):
    report = scan_kept(write(name, text))
    acct = accounts(report)[name]
    assert acct.format == "sql" and acct.records_read == 4 - (name == "pg.csv")
    assert acct.records_unreadable == 0
    assert hits(report) == expected(name, want)


# --- plain text ----------------------------------------------------------------------------
def test_text_lines_are_records(write, scan_kept, hits, accounts):
    text = (
        "2024-01-01 login ok\r\n"
        "\r\n"
        f"payment by a@example.com with {PAN_V} declined\r\n"
        f"retry {NOT_PAN} {NOT_EMAIL}\n"
        "last line without newline b@example.com"
    )
    report = scan_kept(write("app.log", text))
    acct = accounts(report)["app.log"]
    assert (acct.format, acct.records_read, acct.records_unreadable) == ("text", 5, 0)
    assert hits(report) == expected(
        "app.log",
        [
            (2, "text", "CREDIT_CARD", PAN_V),
            (2, "text", "EMAIL_ADDRESS", "a@example.com"),
            (4, "text", "EMAIL_ADDRESS", "b@example.com"),
        ],
    )


def test_bracketed_log_lines_are_text_not_json(write, scan_kept, hits, accounts):
    text = "[2024-01-01 12:00:00] login a@example.com\n[2024-01-01 12:00:05] card " + PAN_V
    report = scan_kept(write("app.json", text))
    assert accounts(report)["app.json"].format == "text"
    assert [(h[1], h[3]) for h in hits(report)] == [(0, "EMAIL_ADDRESS"), (1, "CREDIT_CARD")]


def _long_record_csv() -> bytes:
    photo = "QUJD" * 5000  # a 20 kB cell: far longer than the 256-byte blocks below
    lines = ["name,email,photo"]
    lines += [f"n{i},u{i}@example.com,{photo if i in (3, 40) else 'x'}" for i in range(60)]
    return ("\n".join(lines) + "\nshort\n").encode()


@pytest.mark.parametrize("wrap", ["plain", "gzip", "zip", "gzip-in-zip"])
def test_record_longer_than_a_block_is_read_by_parsing_again(write, scan_kept, accounts, wrap):
    data = _long_record_csv()
    if wrap == "plain":
        path, member = write("long.csv", data), "long.csv"
    elif wrap == "gzip":
        path, member = write("long.csv.gz", gzip.compress(data)), "long.csv.gz"
    elif wrap == "zip":
        path, member = write("long.zip", _zip({"long.csv": data})), "long.zip!long.csv"
    else:
        inner = _zip({"long.csv.gz": gzip.compress(data)})
        path, member = write("long.zip", inner), "long.zip!long.csv.gz"
    report = scan_kept(path, block_size=256)
    acct = accounts(report)[member]
    assert acct.error is None
    assert (acct.records_read, acct.records_unreadable, acct.unreadable_examples) == (60, 1, [60])
    emails = [r["row"] for r in report.findings_table().to_pylist()]
    assert emails == list(range(60))
    assert any("parsing again" in n for n in acct.notes)


def test_record_longer_than_a_block_in_a_tar_stream_is_an_error(write, scan_kept, accounts):
    """Tar members are streamed and cannot be read twice: the limit is reported, by name."""
    data = _long_record_csv()
    report = scan_kept(write("long.tar", _tar({"long.csv": data})), block_size=256)
    acct = accounts(report)["long.tar!long.csv"]
    assert acct.error is not None and "block_size" in acct.error
    assert 0 < acct.records_read < 60
    assert report.status("CREDIT_CARD") is exposure_scan.Status.INCONCLUSIVE
    assert scan_kept(write("ok.tar", _tar({"long.csv": data}))).sources[0].records_read == 60


# --- compression, archives, directories ------------------------------------------------------
COMPRESSORS = {
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zstd": lambda b: zstandard.ZstdCompressor().compress(b),
}


@pytest.mark.parametrize("kind", sorted(COMPRESSORS))
@pytest.mark.parametrize("name", ["t.csv.{ext}", "t.txt", "t.json"])
def test_compressed_streams_read_by_magic_not_name(write, scan_kept, hits, accounts, kind, name):
    raw = table_text().encode()
    data = COMPRESSORS[kind](raw)
    fname = name.format(ext={"gzip": "gz", "bz2": "bz2", "xz": "xz", "zstd": "zst"}[kind])
    report = scan_kept(write(fname, data))
    acct = accounts(report)[fname]
    assert (acct.format, acct.compression, acct.error) == ("csv", [kind], None)
    assert acct.sha256 == hashlib.sha256(data).hexdigest() and acct.size == len(data)
    assert hits(report) == expected(fname, TABLE_HITS)


def test_zstd_multiple_frames_and_double_compression(write, scan_kept, hits):
    raw = table_text().encode()
    cut = raw.index(b"\n", 30) + 1
    z = zstandard.ZstdCompressor()
    frames = z.compress(raw[:cut]) + z.compress(raw[cut:])
    report = scan_kept([write("f.zst", frames), write("gz.bz2", bz2.compress(gzip.compress(raw)))])
    assert hits(report) == sorted(expected("f.zst", TABLE_HITS) + expected("gz.bz2", TABLE_HITS))
    assert report.sources[1].compression == ["bz2", "gzip"]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in members.items():
            z.writestr(n, d)
        z.writestr("emptydir/", b"")
    return buf.getvalue()


def _tar(members: dict[str, bytes], mode: str = "w") -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:  # type: ignore[call-overload]
        for n, d in members.items():
            info = tarfile.TarInfo(n)
            info.size = len(d)
            t.addfile(info, io.BytesIO(d))
    return buf.getvalue()


def test_archives_members_nested_and_hashes(write, scan_kept, hits, accounts):
    csv_bytes = table_text().encode()
    log = b"hello\nmail a@example.com\n"
    inner = _zip({"member.csv": csv_bytes, "dir/app.log": log})
    files = {
        "a.zip": inner,
        "b.tar": _tar({"member.csv": csv_bytes}),
        "c.tar.gz": _tar({"x/member.csv": csv_bytes, "inner.zip": inner}, "w:gz"),
        "d.zip": _zip({"in.tar.bz2": _tar({"deep.csv": csv_bytes}, "w:bz2")}),
    }
    paths = [write(n, d) for n, d in files.items()]
    report = scan_kept(paths)
    acc = accounts(report)
    log_hit = [(1, "text", "EMAIL_ADDRESS", "a@example.com")]
    assert hits(report) == sorted(
        expected("a.zip!member.csv", TABLE_HITS)
        + expected("a.zip!dir/app.log", log_hit)
        + expected("b.tar!member.csv", TABLE_HITS)
        + expected("c.tar.gz!x/member.csv", TABLE_HITS)
        + expected("c.tar.gz!inner.zip!member.csv", TABLE_HITS)
        + expected("c.tar.gz!inner.zip!dir/app.log", log_hit)
        + expected("d.zip!in.tar.bz2!deep.csv", TABLE_HITS)
    )
    for name, data in files.items():
        assert acc[name].sha256 == hashlib.sha256(data).hexdigest(), name
        assert acc[name].size == len(data) and acc[name].error is None
    for member in (
        "a.zip!member.csv",
        "c.tar.gz!inner.zip!member.csv",
        "d.zip!in.tar.bz2!deep.csv",
    ):
        assert acc[member].sha256 == hashlib.sha256(csv_bytes).hexdigest()
        assert acc[member].size == len(csv_bytes)
    assert acc["c.tar.gz!inner.zip!dir/app.log"].sha256 == hashlib.sha256(log).hexdigest()
    assert acc["c.tar.gz!inner.zip"].sha256 == hashlib.sha256(inner).hexdigest()
    assert (acc["a.zip"].format, acc["c.tar.gz"].format) == ("zip", "tar")
    assert acc["c.tar.gz"].compression == ["gzip"]


def test_directory_walk_is_recursive_and_sorted(write, scan_kept, tmp_path):
    for name in ("z.csv", "a/b.log", "a/a.log", "b/c/d.jsonl", "B.log", "a/c/e.log"):
        write(f"root/{name}", "x a@example.com\n" if not name.endswith("jsonl") else "{}\n")
    order = [
        "root/B.log",
        "root/z.csv",
        "root/a/a.log",
        "root/a/b.log",
        "root/a/c/e.log",
        "root/b/c/d.jsonl",
    ]
    for _ in range(2):
        report = scan_kept(tmp_path / "root")
        assert [s.source.removeprefix(str(tmp_path) + "/") for s in report.sources] == order
    # a dangling link inside a directory costs its own account, not the scan
    (tmp_path / "root" / "a" / "dangling.csv").symlink_to(tmp_path / "nowhere.csv")
    report = scan_kept(tmp_path / "root")
    broken = [s for s in report.sources if s.source.endswith("dangling.csv")]
    assert len(broken) == 1 and broken[0].error is not None
    assert len(report.sources) == len(order) + 1


WRONG_NAMES = [
    ("gzip.txt", gzip.compress(table_text().encode()), "csv"),
    ("csv.json", table_text().encode(), "csv"),
    ("csv.jsonl", table_text(";").encode(), "csv;"),
    ("jsonl.csv", "\n".join(json.dumps(r) for r in RECORDS).encode(), "jsonl"),
    ("zip.dat", _zip({"m.csv": table_text().encode()}), "zip"),
    ("parquet.csv", _to_bytes(pq.write_table, pa.table({"e": ["a@example.com"]})), "parquet"),
    ("sql.txt", MYSQL.encode(), "sql"),
    ("log.csv", b"just words here\nand a@example.com there\n", "csv"),
    ("log.json", b"just words here\nand a@example.com there\n", "text"),
]


@pytest.mark.parametrize(("name", "data", "fmt"), WRONG_NAMES, ids=[c[0] for c in WRONG_NAMES])
def test_wrong_extension_content_decides(write, scan_kept, accounts, name, data, fmt):
    report = scan_kept(write(name, data))
    acct = accounts(report)[name]
    assert acct.format == fmt and acct.error is None
    assert report.findings_table().num_rows > 0


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (gzip.compress(b"x"), "gzip"),
        (bz2.compress(b"x"), "bz2"),
        (lzma.compress(b"x"), "xz"),
        (zstandard.ZstdCompressor().compress(b"x"), "zstd"),
        (b"BZh is how this log line starts\n", None),  # look-alike of the bz2 magic
        (b"\x1f\x8b", "gzip"),
        (b"name,email\n", None),
    ],
)
def test_sniff_compression(head, kind):
    assert sniff_compression(head) == kind


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"PAR1\x15\x00\x15", "parquet"),
        (b"ORC\x0a\x00\x00", "orc"),
        (b"ARROW1\x00\x00", "feather"),
        (b"PK\x03\x04rest", "zip"),
        # printable look-alikes: a CSV whose first word starts like a magic number
        (b"ORCHARD,email\nx,a@example.com\n", None),
        (b"PAR1SH;city\n", None),
    ],
)
def test_sniff_container(head, kind):
    assert sniff_container(head) == kind


@pytest.mark.parametrize(
    ("text", "name", "fmt"),
    [
        ('[{"a": 1}]', "x.txt", "json"),
        ('{"a": 1}\n{"a": 2}\n', "x.json", "jsonl"),
        ('{\n  "a": 1\n}\n', "x.jsonl", "json"),
        ("INSERT INTO t VALUES (1);\n", "x.csv", "sql"),
        ("a,b,c\n1,2,3\n", "x.json", "csv"),
        ("a\tb\n1\t2\n3\t4\n", "x.log", "csv"),
        ("email\na@example.com\n", "x.csv", "csv"),  # one column: only the name says CSV
        ("email\na@example.com\n", "x.txt", "text"),
        ("free text, with a comma\nand none here\n", "x", "text"),
        # look-alikes of JSON: a bracketed log, a CSV whose header starts with "{"
        ("[2024-01-01 12:00] login a@example.com\n[2024-01-01 12:01] out\n", "a.log", "text"),
        ("[INFO] started\n[WARN] slow\n", "x.json", "text"),
        ("{id},{email}\n1,a@example.com\n2,b@example.com\n", "x.txt", "csv"),
        ('[{"a": 1}, {"a": 2}, {"a"', "cut.txt", "json"),  # a truncated array stays JSON
        ('{"a": 1,\n{"a": 2}\n', "x.txt", "jsonl"),  # a bad first line, JSONL after it
        ('{\n  "users": [\n', "x.txt", "json"),  # a document longer than the head
    ],
)
def test_sniff_text_format(text, name, fmt):
    assert sniff_text_format(text, name) == fmt


def test_a_header_with_a_degree_sign_is_a_header(tmp_path: pathlib.Path) -> None:
    """French and Italian exports write ``N° client`` / ``Nº``: still a header row."""
    import exposure_scan

    p = tmp_path / "clients.csv"
    p.write_text("N° client,Prénom,Nom,Adresse e-mail\n1001,Élodie,Lefèvre,elodie@example.fr\n")
    report = exposure_scan.scan(p, ner="off")
    assert "header row" in report.sources[0].notes[0]
    assert report.findings_table().column("row").to_pylist()[0] == 0
    assert set(report.findings_table().column("column").to_pylist()) >= {"Adresse e-mail"}
