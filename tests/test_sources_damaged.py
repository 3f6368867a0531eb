"""Damaged evidence is counted and skipped, never lost and never raised.

For every kind of damage the scan must go on, the damaged records must be counted with a reason
and their record numbers, the good records around them must keep their exact numbers, and
``records_read + records_unreadable`` must equal the true number of records. A stream that ends
early (truncated compression, cut archive) cannot say how many records it had: it must set
``account.error`` so that every verdict that depends on it is inconclusive.
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import os
import struct
import tarfile
import zipfile
import zlib

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from exposure_scan import Status

PAN_V, PAN_M, PAN_A = "4111111111111111", "5555555555554444", "378282246310005"


def _parquet(n: int = 50) -> bytes:
    buf = io.BytesIO()
    pq.write_table(pa.table({"email": [f"u{i}@example.com" for i in range(n)]}), buf)
    return buf.getvalue()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for n, d in members.items():
            z.writestr(n, d)
    return buf.getvalue()


def _zip_unsupported_method() -> bytes:
    """A zip whose member claims compression method 99 (AES): zipfile raises
    NotImplementedError, which is neither OSError nor BadZipFile."""
    data = bytearray(_zip({"m.csv": b"email\na@example.com\n"}))
    for sig, off in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.index(sig) + off
        data[at : at + 2] = struct.pack("<H", 99)
    return bytes(data)


def _zip_bad_crc() -> bytes:
    data = bytearray(_zip({"m.csv": b"email\na@example.com\nb@example.com\n"}, zipfile.ZIP_STORED))
    at = data.index(b"b@example")
    data[at] = ord("c")  # content changed, CRC not
    return bytes(data)


def _corrupt_gzip() -> bytes:
    raw = "".join(f"u{i},u{i}@example.com\n" for i in range(2000)).encode()
    data = bytearray(gzip.compress(b"name,email\n" + raw))
    data[len(data) // 2] ^= 0xFF
    return bytes(data)


BAD_FIELDS = (
    "name,email,card\n"
    f"A,a@example.com,{PAN_V}\n"
    "B,b@example.com\n"
    f"C,c@example.com,{PAN_M},extra\n"
    f"D,d@example.com,{PAN_A}\n"
)
UTF8_WITH_CP1252_CELL = (
    "Name,E-Mail\nJürgen,j@example.com\nJosé,x@example.com\nZoë,z@example.com\n".encode()
).replace("José".encode(), "José".encode("cp1252"))
JSON_BAD_LINE = (
    json.dumps({"e": "a@example.com"})
    + "\n{not json\n"
    + json.dumps({"e": "b@example.com"})
    + '\n{"e": "c@example.com"\n'
    + json.dumps({"e": PAN_V})
    + "\n"
)
JSON_TRUNCATED = json.dumps([{"e": "a@example.com"}, {"e": "b@example.com"}, {"e": "c@ex"}])[:-8]
JSON_DEEP = (
    json.dumps({"e": "a@example.com"})
    + "\n"
    + '{"x": '
    + "[" * 200
    + "]" * 200
    + "}\n"
    + json.dumps({"e": "b@example.com"})
    + "\n"
)
JSON_SURROGATE = '{"e": "\\ud800 a@example.com"}\n{"e": "b@example.com"}\n'
TEXT_CP1252_LINE = (
    "ok a@example.com\nJosé b@example.com\nfine c@example.com\n".encode().replace(
        "José".encode(), "José".encode("cp1252")
    )
    + "ünïcode d@example.com\n".encode()
)

# (name, bytes, records_read, records_unreadable, unreadable example rows, rows with findings)
RECORD_DAMAGE = [
    ("fields.csv", BAD_FIELDS.encode(), 2, 2, [1, 2], [0, 3]),
    ("mixed.csv", UTF8_WITH_CP1252_CELL, 2, 1, [1], [0, 2]),
    ("bad.jsonl", JSON_BAD_LINE.encode(), 3, 2, [1, 3], [0, 2, 4]),
    ("cut.json", JSON_TRUNCATED.encode(), 2, 1, [2], [0, 1]),
    ("deep.jsonl", JSON_DEEP.encode(), 2, 1, [1], [0, 2]),
    ("surrogate.jsonl", JSON_SURROGATE.encode(), 1, 1, [0], [1]),
    ("mixed.log", TEXT_CP1252_LINE, 3, 1, [1], [0, 2, 3]),
]


@pytest.mark.parametrize(
    ("name", "data", "read", "bad", "examples", "rows"),
    RECORD_DAMAGE,
    ids=[c[0] for c in RECORD_DAMAGE],
)
def test_damaged_records_counted_with_numbers(
    write, scan_kept, accounts, name, data, read, bad, examples, rows
):
    report = scan_kept(write(name, data))
    acct = accounts(report)[name]
    assert (acct.records_read, acct.records_unreadable) == (read, bad)
    assert sorted(acct.unreadable_examples) == examples
    assert sum(acct.unreadable_reasons.values()) == bad
    assert acct.error is None
    found = sorted({r["row"] for r in report.findings_table().to_pylist()})
    assert found == rows
    assert not set(found) & set(examples)
    # damage makes an absence claim impossible; a presence claim stays valid
    cards = report.counts().get("CREDIT_CARD", 0)
    assert report.status("CREDIT_CARD") is (Status.PRESENT if cards else Status.INCONCLUSIVE)


def test_undecodable_records_far_beyond_the_sniffed_head(write, scan_kept, accounts):
    """The encoding is sniffed from 64 KiB; a cp1252 cell after that costs only its record."""
    for name, sep, shift in (("late.csv", ",", 0), ("late.log", " ", 1)):
        # shift: a log has no header, so its first line is record 0
        lines = [f"Jürgen {i}{sep}u{i}@example.com" for i in range(5000)]
        data = ("name,email\n" if sep == "," else "first line\n") + "\n".join(lines) + "\n"
        bad = f"Jürgen 4321{sep}"
        payload = data.encode().replace(bad.encode(), bad.encode("cp1252"))
        report = scan_kept(write(name, payload))
        acct = accounts(report)[name]
        assert acct.format == ("csv" if sep == "," else "text")
        assert acct.encoding == "utf-8" and acct.records_unreadable == 1
        assert acct.unreadable_examples == [4321 + shift]
        assert acct.records_total == 5000 + shift
        rows = {r["row"] for r in report.findings_table().to_pylist()}
        assert 4321 + shift not in rows and len(rows) == 4999


COMPRESS = {
    "gzip": gzip.compress,
    "bz2": lambda b: bz2.compress(b, 1),
    "xz": lzma.compress,
    "zstd": lambda b: zstandard.ZstdCompressor().compress(b),
}


@pytest.mark.parametrize("kind", sorted(COMPRESS))
@pytest.mark.parametrize("fmt", ["csv", "jsonl", "log"])
def test_truncated_stream_sets_error_and_keeps_what_came_before(
    write, scan_kept, accounts, kind, fmt
):
    n = 8000  # bz2 level 1 has 100 kB blocks: enough for a whole block before the cut
    if fmt == "csv":
        raw = "name,email\n" + "".join(f"u{i},u{i}@example.com\n" for i in range(n))
    elif fmt == "jsonl":
        raw = "".join(json.dumps({"email": f"u{i}@example.com"}) + "\n" for i in range(n))
    else:
        raw = "".join(f"line {i} u{i}@example.com\n" for i in range(n))
    packed = COMPRESS[kind](raw.encode())
    cut = write(f"cut.{fmt}.z", packed[: int(len(packed) * 0.9)])
    whole = write(f"whole.{fmt}", raw)
    report = scan_kept([cut, whole])
    acc = accounts(report)
    damaged, fine = acc[f"cut.{fmt}.z"], acc[f"whole.{fmt}"]
    assert damaged.error is not None and kind in damaged.error
    assert damaged.compression == [kind]
    assert fine.error is None and fine.records_read == n
    assert damaged.records_read < n
    # what was read is right: every read record's finding is at its own row
    rows = [
        (r["row"], r["value"])
        for r in report.findings_table(reveal=True).to_pylist()
        if r["source"] == str(cut)
    ]
    assert len(rows) == damaged.records_read
    assert all(v == f"u{row}@example.com" for row, v in rows)
    assert damaged.records_read > 0
    assert report.status("CREDIT_CARD") is Status.INCONCLUSIVE
    if kind == "gzip":  # the control: the same records, complete, do support an absence
        assert scan_kept(whole).status("CREDIT_CARD") is Status.ABSENT


# (name, bytes, expected error substring, format)
SOURCE_DAMAGE = [
    ("tiny.csv.gz", gzip.compress(b"name,email\nA,a@example.com\n")[:-12], "gzip", None),
    ("corrupt.gz", _corrupt_gzip(), "gzip", None),
    ("corrupt.zip", _zip({"m.csv": b"email\na@example.com\n"})[:-30], "archive damaged", "zip"),
    ("garbled.zip", b"PK\x03\x04" + os.urandom(300), "archive damaged", "zip"),
    ("method99.zip", _zip_unsupported_method(), "archive damaged", "zip"),
    ("corrupt.parquet", _parquet()[:-12] + b"\xff" * 8 + b"PAR1", "", "parquet"),
    ("cut.parquet", _parquet()[: len(_parquet()) // 2], "", "parquet"),
    ("garbage.bin", bytes(range(256)) * 20, "binary", "binary"),
    ("random.csv", os.urandom(4096).replace(b"\n", b"\x00"), "binary", "binary"),
]


@pytest.mark.parametrize(
    ("name", "data", "error", "fmt"), SOURCE_DAMAGE, ids=[c[0] for c in SOURCE_DAMAGE]
)
def test_damaged_sources_never_raise_and_never_stop_the_scan(
    write, scan_kept, accounts, name, data, error, fmt
):
    ok = write("ok.csv", "name,email\nA,a@example.com\n")
    report = scan_kept([write(name, data), ok])
    acc = accounts(report)
    assert acc[name].error is not None and error in acc[name].error
    if fmt is not None:
        assert acc[name].format == fmt
    assert acc[name].sha256 and acc[name].size == len(data)
    assert acc["ok.csv"].error is None and acc["ok.csv"].records_read == 1
    assert report.status("EMAIL_ADDRESS") is Status.PRESENT
    assert report.status("CREDIT_CARD") is Status.INCONCLUSIVE


def test_zip_member_with_bad_crc_is_an_error_of_that_member(write, scan_kept, accounts):
    report = scan_kept(write("crc.zip", _zip_bad_crc()))
    acc = accounts(report)
    assert acc["crc.zip!m.csv"].error is not None
    assert report.status("CREDIT_CARD") is Status.INCONCLUSIVE


def test_truncated_tar_gz_keeps_members_before_the_cut(write, scan_kept, accounts):
    buf = io.BytesIO()
    first = b"name,email\nA,a@example.com\n"
    filler = os.urandom(200_000)  # incompressible: the cut falls inside this member
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for n, d in (("first.csv", first), ("big.bin", filler), ("last.csv", first)):
            info = tarfile.TarInfo(n)
            info.size = len(d)
            t.addfile(info, io.BytesIO(d))
    data = buf.getvalue()
    report = scan_kept(write("cut.tar.gz", data[: len(data) // 2]))
    acc = accounts(report)
    assert acc["cut.tar.gz!first.csv"].records_read == 1
    assert acc["cut.tar.gz!first.csv"].error is None
    assert "cut.tar.gz!last.csv" not in acc
    assert acc["cut.tar.gz"].error is not None
    assert report.status("EMAIL_ADDRESS") is Status.PRESENT
    assert report.status("CREDIT_CARD") is Status.INCONCLUSIVE


def test_empty_file_is_read_and_nothing_is_claimed(write, scan_kept, accounts):
    report = scan_kept(write("empty.csv", b""))
    acct = accounts(report)["empty.csv"]
    assert (acct.format, acct.records_read, acct.records_unreadable, acct.error) == (
        "empty",
        0,
        0,
        None,
    )
    assert acct.sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert report.status("EMAIL_ADDRESS") is Status.INCONCLUSIVE  # nothing was read


def test_decoder_errors_are_classified(write, scan_kept, accounts):
    """A cut stream and a corrupt one are different findings for an analyst."""
    raw = b"".join(b"line %d u%d@example.com\n" % (i, i) for i in range(3000))
    packed = gzip.compress(raw)
    bad_crc = packed[:-8] + struct.pack("<I", zlib.crc32(raw) ^ 1) + packed[-4:]
    report = scan_kept([write("cut.gz", packed[:-100]), write("crc.gz", bad_crc)])
    acc = accounts(report)
    assert acc["cut.gz"].error.startswith("truncated gzip")
    assert acc["crc.gz"].error.startswith("corrupt gzip")
    assert acc["crc.gz"].records_read == 3000  # every line decoded before the trailer


def _zip_swallowed_entry() -> bytes:
    """The first central-directory entry's comment length grown over the second entry: the
    listing shows one member while the end record still declares two (a hypothesis mutation
    found it: the second member was silently left out of the scan)."""
    data = bytearray(
        _zip({"a.csv": b"email\na@example.com\n", "b.csv": b"card\n" + PAN_V.encode()})
    )
    first = data.index(b"PK\x01\x02")
    second = data.index(b"PK\x01\x02", first + 4)

    def end_of(entry: int) -> int:  # 46 fixed bytes, then name, extra field and comment
        name, extra, comment = struct.unpack_from("<HHH", data, entry + 28)
        return entry + 46 + name + extra + comment

    comment_at = end_of(first)  # the first entry's comment now runs over the whole second one
    data[first + 32 : first + 34] = struct.pack("<H", end_of(second) - comment_at)
    return bytes(data)


def test_a_zip_whose_listing_hides_a_member_is_damaged(write, scan_kept, accounts):
    data = _zip_swallowed_entry()
    assert len(zipfile.ZipFile(io.BytesIO(data)).infolist()) == 1  # what zipfile shows
    report = scan_kept(write("hidden.zip", data))
    acc = accounts(report)
    assert acc["hidden.zip!a.csv"].records_read == 1  # the listed member is still scanned
    assert "end record declares 2" in (acc["hidden.zip"].error or "")
    assert report.status("EMAIL_ADDRESS") is Status.PRESENT
    assert report.status("CREDIT_CARD") is Status.INCONCLUSIVE  # the hidden card, not absent
