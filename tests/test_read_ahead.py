"""The CSV reader's read-ahead is bounded (pyarrow's streaming reader would otherwise queue 32
blocks, 256 MiB at the default block size, whatever the scan's pace), and its UTF-8 check is
Python's."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan.sources import ReadOptions, delimited, iter_sources
from exposure_scan.sources.delimited import Utf8Stream, is_utf8


def _reader(stream: Utf8Stream, seen: list[int], size: int = 1000) -> threading.Thread:
    def run() -> None:
        while stream.read(size):
            seen.append(stream._delivered)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_reads_wait_for_the_parser() -> None:
    stream = Utf8Stream(io.BytesIO(b"x" * 50_000), "utf-8", ahead=5_000)
    seen: list[int] = []
    thread = _reader(stream, seen)
    thread.join(0.3)
    assert thread.is_alive() and seen[-1] == 5_000  # waiting: 5,000 bytes ahead of 0
    stream.consumed(20_000)
    thread.join(0.3)
    assert seen[-1] == 25_000
    stream.consumed(50_000)
    thread.join(5)
    assert not thread.is_alive() and seen[-1] == 50_000 and stream.stalls == 0


def test_a_parser_that_stops_never_hangs_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Closing releases a waiting read at once; without a close, reads go on after
    READ_STALL seconds (counted as stalls) instead of waiting forever, and after PARSER_STEP
    while the parser waits for bytes (not a stall: the parser is there)."""
    stream = Utf8Stream(io.BytesIO(b"y" * 10_000), "utf-8", ahead=2_000)
    seen: list[int] = []
    thread = _reader(stream, seen)
    thread.join(0.2)
    assert thread.is_alive()
    stream.close()
    thread.join(5)
    assert not thread.is_alive() and seen[-1] == 10_000 and stream.stalls == 0
    monkeypatch.setattr(delimited, "READ_STALL", 0.01)
    stalled = Utf8Stream(io.BytesIO(b"z" * 10_000), "utf-8", ahead=2_000)
    seen = []
    thread = _reader(stalled, seen)
    thread.join(5)
    assert not thread.is_alive() and seen[-1] == 10_000 and stalled.stalls > 0
    monkeypatch.setattr(delimited, "READ_STALL", 3600.0)
    waiting = Utf8Stream(io.BytesIO(b"w" * 10_000), "utf-8", ahead=2_000)
    seen = []
    with waiting.parsing():  # the parser waits for bytes: the reader goes on, a block a step
        thread = _reader(waiting, seen)
        thread.join(5)
    assert not thread.is_alive() and seen[-1] == 10_000 and waiting.stalls == 0


def test_a_real_parse_stays_within_the_bound_and_never_stalls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow's reader, fed by a background thread, never gets more than the bound past the
    batches parsed, and the parser's pace is judged right (no read gives up waiting): every
    record comes out, in order."""
    rows = 20_000
    path = tmp_path / "t.csv"
    path.write_text("id,name\n" + "".join(f"{i},name {i} é\n" for i in range(rows)))
    streams: list[Utf8Stream] = []
    ahead: list[int] = []
    real_read = Utf8Stream.read

    def read(self: Utf8Stream, n: int = -1) -> bytes:
        out = real_read(self, n)
        ahead.append(self._delivered - len(out) - self._consumed)
        if self not in streams:
            streams.append(self)
        return out

    monkeypatch.setattr(Utf8Stream, "read", read)
    block = 16 << 10
    ids: list[int] = []
    for source in iter_sources([path], ReadOptions(None, block, None, None, 0)):
        for batch in source.batches():
            ids.extend(int(x) for x in batch.data.column("id").to_pylist())
    assert ids == list(range(rows))
    assert len(streams) == 1 and streams[0].stalls == 0 and streams[0].steps <= 2
    assert path.stat().st_size > 20 * block  # many blocks: the bound was exercised
    assert max(ahead) <= delimited.READ_AHEAD_BLOCKS * block


def test_blocks_of_blank_lines_keep_the_pace(tmp_path: Path) -> None:
    """A block of blank lines gives a batch of no rows: the count of blocks parsed stays
    right (no read gives up waiting) and every record after them is read. Blank blocks
    right after the header are read by open_csv itself, a block per OPEN_STEP."""
    path = tmp_path / "blank.csv"
    rows = [f"{i},n{i}\n" for i in range(5000)]
    path.write_text("id,name\n" + "".join(rows[:3]) + "\n" * (300 << 10) + "".join(rows[3:]))
    first = tmp_path / "blank-first.csv"  # open_csv reads on to the first rows
    first.write_text("id,name\n" + "\n" * (300 << 10) + "".join(rows))
    streams: list[Utf8Stream] = []
    real_release = Utf8Stream.release

    def release(self: Utf8Stream) -> None:
        streams.append(self)
        real_release(self)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Utf8Stream, "release", release)
        for csv in (path, first):
            ids: list[int] = []
            for source in iter_sources([csv], ReadOptions(None, 16 << 10, None, None, 0)):
                for batch in source.batches():
                    ids.extend(int(x) for x in batch.data.column("id").to_pylist())
            assert ids == list(range(5000))
    assert len(streams) == 2 and all(s.stalls == 0 for s in streams)
    # the count of blocks parsed kept up: the parser hardly ever waited on the pacing, but
    # for open_csv reading on through the blank blocks before the first rows (one step each)
    blank_blocks = (300 << 10) // (16 << 10)
    assert streams[0].steps <= 2 and streams[1].steps <= blank_blocks + 2


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(
        st.one_of(
            st.integers(0, 0x7F),
            st.integers(0x80, 0xBF),  # continuation bytes
            st.integers(0xC0, 0xFF),  # leads, overlong leads, invalid bytes
        ),
        max_size=12,
    ).map(bytes)
    | st.text(max_size=8).map(lambda t: t.encode("utf-8"))
    | st.sampled_from([b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80", b"\xe0\x80\x80"])
)
def test_is_utf8_is_pythons_rule(data: bytes) -> None:
    """Arrow's validator accepts exactly what ``bytes.decode('utf-8')`` accepts: surrogates,
    overlong forms and code points past U+10FFFF are refused by both."""
    try:
        data.decode("utf-8")
        python = True
    except UnicodeDecodeError:
        python = False
    assert is_utf8(data) is python
    assert is_utf8(memoryview(b"x" + data)[1:]) is python


class _Trickle(io.RawIOBase):
    """A raw stream that hands over at most ``most`` bytes a read (a pipe, a decompressor)."""

    def __init__(self, data: bytes, most: int) -> None:
        self._data, self._pos, self._most = data, 0, most

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = len(self._data) if n is None or n < 0 else n
        out = self._data[self._pos : self._pos + min(n, self._most)]
        self._pos += len(out)
        return out


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.sampled_from(
            [b"abc,", b"\n", "é".encode(), "€".encode(), b"\xff", b"\xe2\x82", b"x" * 9]
        ),
        max_size=40,
    ),
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=8),
    most=st.integers(1, 64),
    chunk=st.integers(1, 16),
)
def test_block_reads_hand_over_what_one_whole_read_does(
    pieces: list[bytes], sizes: list[int], most: int, chunk: int
) -> None:
    """Reads of a parser's block size give the bytes, and the invalid-UTF-8 marks, of one
    read of everything, in full blocks until the end: whatever the raw stream's short reads,
    the chunking, and where characters are cut."""
    data = b"".join(pieces)
    whole = Utf8Stream(_Trickle(data, most), "utf-8", chunk=chunk)
    expected = whole.read()
    stream = Utf8Stream(_Trickle(data, most), "utf-8", chunk=chunk)
    got: list[tuple[bytes, int]] = []
    while True:
        size = sizes[len(got) % len(sizes)]
        block = stream.read(size)
        if not block:
            break
        got.append((block, size))
    assert all(len(b) == size for b, size in got[:-1])  # short only at the end: pyarrow's EOF
    assert b"".join(b for b, _ in got) == expected
    assert stream.marked == whole.marked
    assert stream.delivered == len(expected)


def test_a_stopped_stream_ends_at_once() -> None:
    """What exit does to a stream pyarrow may still read: a read waiting on the pacing
    returns, every later read returns no bytes, and the wait for quiet ends."""
    import time

    stream = Utf8Stream(io.BytesIO(b"q" * 50_000), "utf-8", ahead=5_000)
    seen: list[int] = []
    thread = _reader(stream, seen)
    thread.join(0.2)
    assert thread.is_alive() and seen[-1] == 5_000  # waiting on the pacing
    stream.stop()
    thread.join(5)
    assert not thread.is_alive() and seen[-1] == 5_000  # the next read was the end
    assert stream.read(10) == b""
    assert stream.activity()[0] == 0
    start = time.monotonic()
    delimited._wait_quiet([stream], 0.01, start + 5)
    assert time.monotonic() - start < 1


_ABANDON = """
import sys
from exposure_scan.sources import ReadOptions, iter_sources
for source in iter_sources([sys.argv[1]], ReadOptions(block_size=16 << 10, batch_rows=1000)):
    batches = source.batches()
    print(next(batches).data.num_rows)
    break
"""


@pytest.mark.parametrize("compressed", [False, True], ids=["csv", "csv.gz"])
def test_a_parse_abandoned_half_way_exits_cleanly(tmp_path: Path, compressed: bool) -> None:
    """A caller that stops reading after one batch and exits: the reader's read-ahead thread,
    waiting on the pacing, must not be woken while the interpreter finalizes (it aborted in
    ``PyGILState_Release`` every time before the parses were closed at exit)."""
    import gzip
    import subprocess
    import sys

    rows = "".join(
        f"{i},customer {i},{i * 7919 % 100_000:05d} Main Street\n" for i in range(90_000)
    )
    data = ("id,name,street\n" + rows).encode()  # ~3 MB: hundreds of 16 KiB blocks
    path = tmp_path / ("leak.csv.gz" if compressed else "leak.csv")
    path.write_bytes(gzip.compress(data) if compressed else data)
    script = tmp_path / "abandon.py"
    script.write_text(_ABANDON)
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, str(script), str(path)], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert "Fatal Python error" not in done.stderr
        assert int(done.stdout) > 0
