"""Hostile input: bombs, endless records, deep nesting, hostile names, pathological cells.

Every limit of :class:`~exposure_scan.sources.containers.Limits` is exercised with a real small
attack (a gzip bomb, a nested zip, a 200 MB line made on demand by a generator) and a low
limit, and each test checks both halves of the contract: the limit stops the attack (time,
memory or bytes pulled stay small) and the report says so (``error`` or an unreadable record
naming the limit), while what came before is still scanned.
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

import exposure_scan
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.errors import LimitExceededError
from exposure_scan.sources import jsonl
from exposure_scan.sources.base import SourceAccount
from exposure_scan.sources.containers import Limits
from exposure_scan.sources.delimited import DelimitedSource
from exposure_scan.sources.jsonl import WILDCARD, JsonSource
from exposure_scan.sources.text import MAX_BATCH_CHARS, TextSource

MiB = 1 << 20
PAN = "4111111111111111"
DETS = [EmailDetector(), CreditCardDetector()]
#: Low limits that every attack below exceeds by far (and no legitimate fixture does).
LOW = Limits(max_decompressed_bytes=4 * MiB, max_ratio=50, ratio_grace_bytes=MiB)


def scan(path: Path, **kw: Any) -> exposure_scan.Report:
    kw.setdefault("ner", "off")
    kw.setdefault("detectors", DETS)
    return exposure_scan.scan(path, **kw)


def by_name(report: exposure_scan.Report, root: Path) -> dict[str, SourceAccount]:
    return {a.source.removeprefix(str(root) + "/"): a for a in report.sources}


def zeros_text(size: int) -> bytes:
    """``size`` bytes of '0' lines: text that is read (a NUL bomb is not even decompressed)."""
    line = b"0" * 1023 + b"\n"
    return line * (size // len(line))


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def sparse_tar(size: int) -> bytes:
    """A tar whose member declares ``size`` bytes of holes and stores none (GNU sparse 0.1)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        info = tarfile.TarInfo("holes.txt")
        info.pax_headers = {"GNU.sparse.map": "0,0", "GNU.sparse.realsize": str(size)}
        t.addfile(info, io.BytesIO(b""))
        ok = b"email\na@example.com\n"
        info = tarfile.TarInfo("after.csv")
        info.size = len(ok)
        t.addfile(info, io.BytesIO(ok))
    return buf.getvalue()


# --- decompression bombs ---------------------------------------------------------------------
BOMB = zeros_text(50 * MiB)  # 50 MB that gzip to ~50 kB


@pytest.mark.parametrize(
    ("limits", "named"),
    [
        (Limits(max_decompressed_bytes=4 * MiB), "decompressed size exceeds 4194304 bytes"),
        (Limits(max_ratio=50, ratio_grace_bytes=MiB), "decompression ratio exceeds 50"),
    ],
    ids=["size", "ratio"],
)
def test_gzip_bomb_stops_at_the_limit(tmp_path: Path, limits: Limits, named: str) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(BOMB, mtime=0))
    assert path.stat().st_size < MiB
    t0 = time.perf_counter()
    report = scan(path, limits=limits)
    elapsed = time.perf_counter() - t0
    (acct,) = report.sources
    assert acct.error is not None and named in acct.error
    assert 0 < acct.records_read < len(BOMB) // 1024 // 4  # read up to the limit, not further
    assert report.status("EMAIL_ADDRESS") is exposure_scan.Status.INCONCLUSIVE
    assert elapsed < 20


def test_a_small_gzip_is_not_a_bomb(tmp_path: Path) -> None:
    """Look-alike: far above 50:1, but under the grace size: read in full."""
    path = tmp_path / "small.txt.gz"
    path.write_bytes(gzip.compress(zeros_text(MiB // 2) + b"a@example.com\n", mtime=0))
    (acct,) = scan(path, limits=LOW).sources
    assert acct.error is None and acct.records_read == 513


def test_nested_gzip_bomb_is_judged_against_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz.gz"
    path.write_bytes(gzip.compress(gzip.compress(BOMB, mtime=0), mtime=0))
    (acct,) = scan(path, limits=Limits(max_ratio=50, ratio_grace_bytes=MiB)).sources
    assert acct.compression == ["gzip", "gzip"]
    assert acct.error is not None and "ratio exceeds 50" in acct.error


def test_gzip_bomb_inside_a_zip_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "outer.zip"
    path.write_bytes(zip_bytes({"inner.txt.gz": gzip.compress(BOMB, mtime=0)}))
    accts = by_name(scan(path, limits=LOW), tmp_path)
    assert "exceeds" in (accts["outer.zip!inner.txt.gz"].error or "")


PLUMBING = (
    "sources/__init__.py::_archive_sources opens zip members without BoundedReader and never "
    "checks a member's declared size: call containers.check_declared_size(info.file_size, "
    "info.compress_size, limits, name) before zf.open (and m.size, 0 for a sparse tar member)"
)


def test_zip_bomb_member_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    path.write_bytes(zip_bytes({"zeros.txt": zeros_text(20 * MiB), "ok.csv": b"e\na@b.com\n"}))
    accts = by_name(scan(path, limits=LOW), tmp_path)
    assert "exceeds" in (accts["bomb.zip!zeros.txt"].error or "")
    assert accts["bomb.zip!ok.csv"].error is None  # the next member is still read


def test_nested_zip_bomb_is_refused(tmp_path: Path) -> None:
    inner = zip_bytes({"zeros.txt": zeros_text(20 * MiB)})
    path = tmp_path / "nested.zip"
    path.write_bytes(zip_bytes({"inner.zip": inner}))
    accts = by_name(scan(path, limits=LOW), tmp_path)
    assert any("exceeds" in (a.error or "") for a in accts.values())


def test_sparse_tar_member_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    """10 kB of tar that expands to 64 MB of holes (or a terabyte: the same 10 kB)."""
    path = tmp_path / "sparse.tar"
    path.write_bytes(sparse_tar(64 * MiB))
    accts = by_name(scan(path, limits=LOW), tmp_path)
    assert "exceeds" in (accts["sparse.tar!holes.txt"].error or "")


def test_declared_size_check() -> None:
    from exposure_scan.sources.containers import check_declared_size

    check_declared_size(MiB, 10, LOW, "m")  # under the grace size: any ratio
    check_declared_size(4 * MiB, MiB, LOW, "m")  # at the size limit, ratio 4
    for size, packed, limit in (
        (4 * MiB + 1, 4 * MiB, "max_decompressed_bytes"),
        (2 * MiB, 1, "max_ratio"),
    ):
        with pytest.raises(LimitExceededError) as info:
            check_declared_size(size, packed, LOW, "x.zip!m")
        assert info.value.limit == limit and info.value.source == "x.zip!m"


# --- archive nesting and member count --------------------------------------------------------
def nested_zip(depth: int) -> bytes:
    data, name = b"email\ndeep@example.com\n", "leaf.csv"
    for level in range(depth):
        data, name = zip_bytes({name: data}), f"level{level}.zip"
    return data


def test_archive_nesting_deeper_than_the_limit_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.zip"
    path.write_bytes(nested_zip(6))
    report = scan(path)  # default: 4 levels
    errors = [a.error for a in report.sources if a.error]
    assert errors == ["archive nesting deeper than 4"]
    assert report.counts() == {}
    assert scan(path, limits=Limits(max_archive_depth=8)).counts() == {"EMAIL_ADDRESS": 1}


def test_compression_layers_count_against_the_depth(tmp_path: Path) -> None:
    data = b"email\na@example.com\n"
    for _ in range(3):
        data = gzip.compress(data, mtime=0)
    path = tmp_path / "x.csv.gz"
    path.write_bytes(data)
    (acct,) = scan(path, limits=Limits(max_archive_depth=2)).sources
    assert acct.error == "too many nested compression layers"
    assert scan(path).counts() == {"EMAIL_ADDRESS": 1}


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_more_members_than_the_limit_stops_the_archive(tmp_path: Path, kind: str) -> None:
    members = {f"m{i:02}.csv": f"email\nm{i}@example.com\n".encode() for i in range(12)}
    path = tmp_path / f"many.{kind}"
    path.write_bytes(zip_bytes(members) if kind == "zip" else tar_bytes(members))
    report = scan(path, limits=Limits(max_archive_members=5))
    archive = by_name(report, tmp_path)[f"many.{kind}"]
    assert archive.error is not None and "more than 5 archive members" in archive.error
    assert report.counts() == {"EMAIL_ADDRESS": 5}  # the members before the limit are read


# --- archive member names: streamed, never extracted -----------------------------------------
HOSTILE_NAMES = ["../../evil.csv", "/tmp/abs-evil.csv", "..\\..\\win-evil.csv", "a/../../evil2.csv"]


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_path_traversal_members_are_scanned_under_their_names_and_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)  # a relative write would land next to the archive
    members = {n: f"email\nx{i}@example.com\n".encode() for i, n in enumerate(HOSTILE_NAMES)}
    path = work / f"trav.{kind}"
    path.write_bytes(zip_bytes(members) if kind == "zip" else tar_bytes(members))
    before = {p for p in tmp_path.rglob("*")}
    report = scan(path)
    assert {p for p in tmp_path.rglob("*")} == before
    assert not Path("/tmp/abs-evil.csv").exists()
    found = {r["source"].rsplit("!", 1)[1] for r in report.findings_table().to_pylist()}
    assert found == set(HOSTILE_NAMES)


# --- records too long to hold: 200 MB made on demand -----------------------------------------
class Generated(io.RawIOBase):
    """``prefix``, then ``size`` bytes of ``fill``, then ``suffix``, made as they are read."""

    def __init__(self, prefix: bytes, fill: bytes, size: int, suffix: bytes) -> None:
        self._chunks = self._make(prefix, fill, size, suffix)
        self._left = b""
        self.pulled = 0  # bytes handed out

    @staticmethod
    def _make(prefix: bytes, fill: bytes, size: int, suffix: bytes) -> Iterator[bytes]:
        yield prefix
        block = fill * max(1, MiB // len(fill))
        while size > 0:
            piece = block[:size]
            size -= len(piece)
            yield piece
        yield suffix

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def read(self, n: int = -1) -> bytes:
        n = 1 << 30 if n is None or n < 0 else n
        while len(self._left) < n and (chunk := next(self._chunks, None)) is not None:
            self._left += chunk
        out, self._left = self._left[:n], self._left[n:]
        self.pulled += len(out)
        return out


HUGE = 200 * MiB


def text_of(raw: io.RawIOBase) -> io.TextIOWrapper:
    return io.TextIOWrapper(
        io.BufferedReader(raw, MiB), encoding="utf-8", errors="surrogateescape", newline=None
    )


def traced(run: Callable[[], Any]) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        return run(), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_text_line_of_200_mb_is_scanned_in_pieces_in_bounded_memory() -> None:
    raw = Generated(b"a@example.com\n", b"x", HUGE, b" b@example.com\nlast\n")
    acct = SourceAccount("huge.txt", "huge.txt")
    src = TextSource(text_of(raw), acct, limits=Limits(max_line_chars=64 << 10))

    def run() -> list[tuple[int, int, int]]:
        out = []
        for b in src.batches():
            lengths = pc.utf8_length(b.data.column("text")).to_pylist()
            out.append((b.data.num_rows, max(lengths), sum(lengths)))
        return out

    batches, peak = traced(run)
    assert raw.pulled == HUGE + 14 + 20
    assert (acct.records_read, acct.records_unreadable) == (3, 0)
    assert max(m for _, m, _ in batches) <= 64 << 10
    assert max(s for _, _, s in batches) <= MAX_BATCH_CHARS + (64 << 10)
    assert peak < 64 * MiB, peak
    assert any("scanned in pieces" in n for n in acct.notes)


@pytest.mark.parametrize("array", [False, True], ids=["jsonl", "json-array"])
def test_json_record_of_200_mb_is_unreadable_and_never_held(array: bool) -> None:
    if array:
        raw = Generated(b'[{"e": "a@example.com"}, {"x": "', b"y", HUGE, b'"}, {"e": "b"}]')
    else:
        raw = Generated(b'{"e": "a@example.com"}\n{"x": "', b"y", HUGE, b'"}\n{"e": "b"}\n')
    acct = SourceAccount("huge.json", "huge.json")
    src = JsonSource(text_of(raw), acct, array=array, limits=Limits(max_record_bytes=MiB))
    rows, peak = traced(lambda: [r for b in src.batches() for r in b.row_index().to_pylist()])
    assert rows == [0, 2]
    assert acct.unreadable_examples == [1]
    assert list(acct.unreadable_reasons) == [
        "record longer than max_record_bytes (1048576 characters)"
    ]
    assert peak < 24 * MiB, peak


def test_json_single_object_longer_than_the_limit_is_unreadable() -> None:
    raw = Generated(b'{"x": "', b"y", 20 * MiB, b'"}')
    acct = SourceAccount("one.json", "one.json")
    src = JsonSource(text_of(raw), acct, array=True, limits=Limits(max_record_bytes=MiB))
    assert list(src.batches()) == []
    assert (acct.records_read, acct.records_unreadable, raw.pulled) == (0, 1, 20 * MiB + 9)


def test_csv_record_of_200_mb_stops_the_source_after_pulling_little() -> None:
    head = b"name,email\nA,a@example.com\nB,"
    streams: list[Generated] = []

    def make() -> Generated:
        streams.append(Generated(head, b"x", HUGE, b"\nC,c@example.com\n"))
        return streams[-1]

    acct = SourceAccount("huge.csv", "huge.csv")
    src = DelimitedSource(
        make(),
        acct,
        head_text=head.decode() + "x" * 1000,
        encoding="utf-8",
        block_size=256 << 10,
        reopen=make,
        limits=Limits(max_record_bytes=MiB),
    )
    rows: list[int] = []
    with pytest.raises(LimitExceededError) as info:
        for b in src.batches():
            rows += b.row_index().to_pylist()
    assert rows == [0]
    assert (info.value.limit, info.value.record, info.value.source) == (
        "max_record_bytes",
        1,
        "huge.csv",
    )
    # pyarrow reads about 32 blocks ahead: 256 kB, then 1 MB blocks; 200 MB were never read.
    assert sum(s.pulled for s in streams) < 80 * MiB


def test_csv_long_record_under_the_limit_is_read_by_parsing_again() -> None:
    """Look-alike: a record longer than the block but under ``max_record_bytes`` is fine."""
    data = b"name,photo\nA,a@example.com\nB," + b"Q" * (600 << 10) + b"\nC,c@example.com\n"
    acct = SourceAccount("ok.csv", "ok.csv")
    src = DelimitedSource(
        io.BytesIO(data),
        acct,
        head_text=data[:4000].decode(),
        encoding="utf-8",
        block_size=64 << 10,
        reopen=lambda: io.BytesIO(data),
        limits=Limits(max_record_bytes=MiB),
    )
    assert [r for b in src.batches() for r in b.row_index().to_pylist()] == [0, 1, 2]
    assert acct.error is None and acct.records_read == 3


def test_csv_parser_errors_never_quote_the_data() -> None:
    """pyarrow's messages quote the row; the source's error names only the class."""

    class Raising(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            raise pa.ArrowInvalid("CSV parse error: row 'x,4111111111111111'")

    acct = SourceAccount("bad.csv", "bad.csv")
    src = DelimitedSource(Raising(), acct, head_text="a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(exposure_scan.UnreadableSourceError) as info:
        list(src.batches())
    assert "4111" not in str(info.value) and "ArrowInvalid" in str(info.value)
    assert (info.value.source, info.value.record) == ("bad.csv", 0)


def test_ragged_row_with_undecodable_bytes_costs_one_record(tmp_path: Path) -> None:
    """pyarrow decodes invalid rows strictly; a stray cp1252 byte in one must not stop the file."""
    data = b"name,email\nA,a@example.com\nJos\xe9,b@example.com,extra\nC,c@example.com\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    (acct,) = scan(path).sources
    assert acct.error is None
    assert (acct.records_read, acct.records_unreadable, acct.unreadable_examples) == (2, 1, [1])


def test_one_ragged_row_does_not_set_the_width_of_a_headerless_csv(tmp_path: Path) -> None:
    rows = [f"{i},u{i}@example.com,{PAN}" for i in range(20)]
    rows[5] += ",extra"
    path = tmp_path / "nh.csv"
    path.write_text("\n".join(rows) + "\n")
    report = scan(path)
    (acct,) = report.sources
    assert (acct.records_read, acct.unreadable_examples) == (19, [5])
    assert report.counts() == {"CREDIT_CARD": 19, "EMAIL_ADDRESS": 19}


def test_csv_wider_than_max_columns_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(("a;" * 2000 + "\n") * 3)
    (acct,) = scan(path).sources
    assert acct.error is not None and "more than max_columns (1024) fields" in acct.error
    text = path.read_text()
    acct = SourceAccount("wide.csv", "wide.csv")
    src = DelimitedSource(
        io.BytesIO(text.encode()),
        acct,
        head_text=text,
        encoding="utf-8",
        complete=True,
        limits=Limits(max_columns=3000),
    )
    assert sum(b.data.num_rows for b in src.batches()) == 3


def test_a_wide_damaged_row_in_the_head_is_one_unreadable_record(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    path.write_text(";" * 2000 + "\n" + "a;b\n" * 3)
    (acct,) = scan(path).sources
    assert acct.error is None and (acct.records_read, acct.unreadable_examples) == (3, [0])


SNIFF = (
    "sources/detect.py::_SQL_HEAD starts with ^\\s* under re.MULTILINE: quadratic in a run of "
    "blank lines (64 kB of them: about 6 minutes per file); anchor with ^[ \\t]* instead"
)


def test_blank_lines_at_the_head_are_sniffed_in_linear_time() -> None:
    from exposure_scan.sources.detect import sniff_text_format

    t0 = time.perf_counter()
    sniff_text_format("\n" * 6000 + "email\na@example.com\n", "x.csv")
    assert time.perf_counter() - t0 < 0.5


INVALID_UTF8 = (
    "a Parquet string column holding invalid UTF-8 (pyarrow does not validate on read) makes "
    "engine.RoleBook.flush -> roles.infer_role -> to_pylist raise UnicodeDecodeError out of "
    "scan(): columnar.py should validate string columns per batch (rb.validate(full=True), "
    "then count the records with invalid bytes unreadable), and run_scan should guard "
    "book.flush()/dispatch in its finally block like source.batches()"
)


def test_parquet_string_with_invalid_utf8_costs_a_record_not_the_scan(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    data = b"a@example.comX\x80Y"
    offsets = pa.array([0, 13, 16], pa.int32()).buffers()[1]
    bad = pa.Array.from_buffers(pa.string(), 2, [None, offsets, pa.py_buffer(data)])
    pq.write_table(pa.table({"email": bad}), tmp_path / "bad.parquet")
    (tmp_path / "ok.csv").write_text("email\nb@example.com\n")
    report = scan(tmp_path)
    bad_acct = by_name(report, tmp_path)["bad.parquet"]
    assert bad_acct.records_unreadable == 1 or bad_acct.error is not None
    assert report.counts()["EMAIL_ADDRESS"] >= 2


def test_a_rare_json_field_does_not_hold_the_source_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column waits for its role; a field seen once must not make the source wait too."""
    from exposure_scan import engine

    peak = [0]
    push = engine.RoleBook.push

    def watched(self: Any, batch: Any) -> Any:
        out = push(self, batch)
        peak[0] = max(peak[0], sum(b.data.num_rows for b in self._held))
        return out

    monkeypatch.setattr(engine.RoleBook, "push", watched)
    path = tmp_path / "rare.jsonl"
    lines = [{"id": i, "email": f"u{i}@example.com"} for i in range(20_000)]
    lines[5]["rare"] = "x"
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    assert scan(path, batch_rows=500).sources[0].records_read == 20_000
    assert peak[0] <= 2 * engine.RoleBook.SAMPLE + 500


# --- JSON: depth, keys that are data, too many paths -----------------------------------------
def json_source(text: str, **limits: Any) -> tuple[list[Any], SourceAccount]:
    acct = SourceAccount("j.jsonl", "j.jsonl")
    src = JsonSource(io.StringIO(text), acct, array=False, limits=Limits(**limits))
    return list(src.batches()), acct


def nested(depth: int) -> Any:
    value: Any = "a@example.com"
    for _ in range(depth):
        value = {"k": value}
    return value


@pytest.mark.parametrize(
    ("depth", "limit", "readable"), [(3, 3, True), (4, 3, False), (60, 64, True), (5000, 64, False)]
)
def test_json_nesting_limit(depth: int, limit: int, readable: bool) -> None:
    line = json.dumps(nested(depth)) if depth < 900 else "[" * depth + "]" * depth
    _, acct = json_source(line + "\n" + '{"e": "x"}\n', max_json_depth=limit)
    assert acct.records_read == (2 if readable else 1)
    if not readable:
        assert dict(acct.unreadable_reasons) == {f"nesting deeper than {limit}": 1}


def test_json_paths_beyond_max_columns_are_scanned_in_the_wildcard_column() -> None:
    lines = "".join(
        json.dumps({f"field_{i}": f"v{i}", "email": "a@example.com"}) + "\n" for i in range(300)
    )
    batches, acct = json_source(lines, max_columns=50)
    names = {n for b in batches for n in b.data.schema.names}
    assert len(names) == 51 and WILDCARD in names and "email" in names
    values = [
        v
        for b in batches
        if WILDCARD in b.data.schema.names
        for v in b.data.column(WILDCARD).to_pylist()
        if v
    ]
    assert len(values) == 300 - 49  # every value of the paths beyond the cap is still there
    assert acct.records_read == 300
    assert any("max_columns" in n for n in acct.notes)


def test_wide_sparse_json_is_cut_into_small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A column per record (ids as field names) must not build rows x columns null cells."""
    monkeypatch.setattr(jsonl, "MAX_BATCH_CELLS", 10_000)
    lines = "".join(json.dumps({f"f{i}": "x"}) + "\n" for i in range(500))
    batches, acct = json_source(lines, max_columns=10_000)
    assert acct.records_read == sum(b.data.num_rows for b in batches) == 500
    assert all(b.data.num_rows * b.data.num_columns <= 10_000 + 500 for b in batches)
    assert len(batches) > 4


# --- limits reach the readers from scan() ------------------------------------------------------
READER_PLUMBING = (
    "sources/__init__.py::_text_source does not pass options.limits to the readers: add "
    "limits=options.limits to DelimitedSource, JsonSource and TextSource, and pass "
    "max_field_chars=options.limits.max_field_chars to SqlDumpParser (via SqlSource)"
)


@pytest.mark.parametrize(
    ("name", "data", "limits", "reason"),
    [
        (
            "deep.jsonl",
            json.dumps(nested(5)) + "\n",
            Limits(max_json_depth=3),
            "nesting deeper than 3",
        ),
        (
            "long.jsonl",
            json.dumps({"x": "y" * 5000}) + "\n",
            Limits(max_record_bytes=1000),
            "record longer",
        ),
        (
            "long.sql",
            "INSERT INTO t VALUES ('" + "y" * 5000 + "');\n",
            Limits(max_field_chars=1000),
            "field too long",
        ),
    ],
    ids=["json-depth", "json-record", "sql-field"],
)
def test_reader_limits_are_configurable_through_scan(
    tmp_path: Path, name: str, data: str, limits: Limits, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(data)
    (acct,) = scan(path, limits=limits).sources
    assert any(reason in r for r in acct.unreadable_reasons)


def test_text_line_limit_is_configurable_through_scan(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("x" * 300_000 + " a@example.com\n")
    (acct,) = scan(path, limits=Limits(max_line_chars=65536)).sources
    assert any("max_line_chars (65536)" in n for n in acct.notes)
