"""The compiled helpers (``exposure_scan.native``) give exactly their Python twins' results,
are used when built, are built where they can be, and fail loudly on malformed input."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan import masking, native
from exposure_scan.detectors import bytewise

needs_native = pytest.mark.skipif(
    not native.available(), reason="native helpers not built (no C compiler or OpenSSL headers)"
)

#: Lengths around SHA-256's padding boundaries (55/56 bytes: one or two blocks; 64: a block).
EDGES = [0, 1, 31, 32, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000]


def test_built_where_a_compiler_and_openssl_are() -> None:
    """A machine that can build the library must have it: otherwise scans silently run at the
    Python path's speed (the benchmarks record which path ran)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    headers = Path("/usr/include/openssl/sha.h").exists()
    if not (cc and headers):
        pytest.skip("no C compiler or OpenSSL headers: the Python path is the expected one")
    assert native.available(), f"{native.LIBRARY} missing: was the package installed with pip?"


@needs_native
@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            st.none(),
            st.text(max_size=70),
            st.sampled_from(EDGES).map(lambda n: "é" * (n // 2) + "x" * (n % 2)),
            st.sampled_from(EDGES).map(lambda n: "a" * n),
        ),
        max_size=20,
    ),
    key=st.binary(min_size=0, max_size=130),
    cut=st.integers(0, 3),
)
def test_native_equals_python_and_hmac(values: list[str | None], key: bytes, cut: int) -> None:
    arr = pa.array(values, pa.string()).slice(min(cut, len(values)))
    raw = native.hmac_sha256_hex32(arr, key)
    assert raw is not None
    assert raw.size == 32 * len(arr)
    valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    python = masking._python_hex32(arr, key)
    for i, (value, ok) in enumerate(zip(arr.to_pylist(), valid, strict=True)):
        if ok:
            got = raw.to_pybytes()[32 * i : 32 * i + 32].decode()
            assert got == python[32 * i : 32 * i + 32].decode() == masking.keyed_hash(value, key)


def test_python_path_when_the_library_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    values = pa.array(["jane@example.com", None, "", "a" * 200], pa.string())
    key = b"k" * 32
    expected = [None if v is None else masking.keyed_hash(v, key) for v in values.to_pylist()]
    monkeypatch.setattr(native, "_library", lambda: None)
    assert not native.available()
    assert native.hmac_sha256_hex32(values, key) is None
    got = masking.keyed_hashes_array(values, key)
    got.validate(full=True)
    assert got.to_pylist() == expected


@needs_native
def test_malformed_offsets_raise_not_hash() -> None:
    """Offsets that go backwards (a corrupt array from a file reader) raise: a wrong hash
    would silently break linkage."""
    offsets = pa.py_buffer(np.array([0, 5, 2], dtype=np.int32).tobytes())
    data = pa.py_buffer(b"hello")
    bad = pa.StringArray.from_buffers(2, offsets, data)
    with pytest.raises(native.NativeError, match="native keyed hash failed"):
        native.hmac_sha256_hex32(bad, b"key")
    with pytest.raises(native.NativeError, match="native class counts failed"):
        native.class_counts(bad)


@needs_native
def test_scan_uses_the_native_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """keyed_hashes_array goes through the library when it is there (not the Python loop)."""

    def refuse(values: object, key: bytes) -> bytes:
        raise AssertionError("Python path used although the library is built")

    monkeypatch.setattr(masking, "_python_hex32", refuse)
    arr = pa.array(["+44 20 7946 0000", "jane@example.com"])
    assert masking.keyed_hashes_array(arr, b"k").to_pylist() == [
        masking.keyed_hash(v, b"k") for v in arr.to_pylist()
    ]


#: Cells around the compiled counters' 255-byte flushes (8-bit lanes), of one class or mixed.
LONG_CELLS = st.builds(
    lambda parts: "".join(c * n for c, n in parts),
    st.lists(
        st.tuples(
            st.sampled_from(["0", "@", "a", "é", " ", "-"]),
            st.sampled_from([1, 127, 128, 254, 255, 256, 510, 511, 1000]),
        ),
        min_size=1,
        max_size=3,
    ),
)
CELLS = st.one_of(st.none(), st.text(max_size=30), LONG_CELLS)


@needs_native
@settings(max_examples=80, deadline=None)
@given(values=st.lists(CELLS, max_size=20), cut=st.integers(0, 3))
def test_class_counts_equal_numpy(values: list[str | None], cut: int) -> None:
    """Every byte value (all ASCII, UTF-8 lead and continuation bytes) is classed as numpy
    classes it: digits 0-9; letters A-Z, a-z and any byte >= 128."""
    arr = pa.array(values, pa.string()).slice(min(cut, len(values)))
    got = native.class_counts(arr)
    assert got is not None
    with pytest.MonkeyPatch.context() as m:
        m.setattr(native, "_library", lambda: None)
        want = bytewise.class_counts(arr)
    assert want is not None
    for g, w in zip(got, want, strict=True):
        assert g.tolist() == w.tolist()
    assert native.class_counts(pa.array(values, pa.large_string())) is None  # numpy's job


@needs_native
def test_class_counts_every_byte() -> None:
    """Each ASCII character alone, then the boundary characters of the letter test."""
    chars = [chr(c) for c in range(1, 128)] + ["é", "Ω", "😀", "@", "[", "`", "{"]
    digits, letters = native.class_counts(pa.array(chars, pa.string()))  # type: ignore[misc]
    for ch, d, n in zip(chars, digits.tolist(), letters.tolist(), strict=True):
        assert d == int(ch.isascii() and ch.isdigit()), ch
        expect = len(ch.encode()) if not ch.isascii() else int(ch.isalpha())
        assert n == expect, ch


@needs_native
@settings(max_examples=80, deadline=None)
@given(
    values=st.lists(CELLS, max_size=20),
    classes=st.lists(
        st.frozensets(st.integers(0, 255), max_size=12)
        | st.sampled_from([frozenset(b"0@a -"), frozenset("é".encode())]),
        max_size=11,
    ),
    cut=st.integers(0, 3),
)
def test_byte_class_counts_equal_numpy(
    values: list[str | None], classes: list[frozenset[int]], cut: int
) -> None:
    """Up to eight classes per pass (eleven here: two passes), overlapping classes allowed:
    compiled, numpy and a plain count agree."""
    arr = pa.array(values, pa.string()).slice(min(cut, len(values)))
    got = bytewise.byte_class_counts(arr, classes)
    assert got is not None and got.shape == (len(arr), len(classes))
    with pytest.MonkeyPatch.context() as m:
        m.setattr(native, "_library", lambda: None)
        want = bytewise.byte_class_counts(arr, classes)
    assert want is not None
    assert got.tolist() == want.tolist()
    texts = [(v or "").encode() for v in arr.to_pylist()]
    assert got.tolist() == [[sum(b in cls for b in t) for cls in classes] for t in texts]


@needs_native
def test_byte_class_counts_refuse_a_bad_class_count() -> None:
    bits = np.zeros(256, dtype=np.uint8)
    with pytest.raises(native.NativeError, match="byte class counts"):
        native.byte_class_counts(pa.array(["a"]), bits, 9)


_HEXES = st.binary(min_size=16, max_size=16).map(bytes.hex)


@settings(max_examples=120, deadline=None)
@given(
    values=st.lists(
        st.one_of(
            _HEXES,
            _HEXES.map(str.upper),  # upper-case digits would not round-trip: refused
            _HEXES.map(lambda h: h[:-1]),  # one digit short
            _HEXES.map(lambda h: h + "0"),
            _HEXES.map(lambda h: h[:5] + "g" + h[6:]),
            st.text(max_size=34),
            st.none(),
        ),
        max_size=12,
    ),
    cut=st.integers(0, 3),
    compiled=st.booleans(),
)
def test_hashes_to_raw_round_trips_exactly(
    values: list[str | None], cut: int, compiled: bool
) -> None:
    """Spill files hold keyed hashes as 16 raw bytes only when every value is 32 lowercase
    hex digits (no null); the text comes back byte for byte, from the library and from the
    numpy twin alike (sliced arrays included)."""
    if compiled and not native.available():
        pytest.skip("native helpers not built")
    arr = pa.array(values, pa.string()).slice(min(cut, len(values)))
    texts = arr.to_pylist()
    convertible = all(
        t is not None and len(t) == 32 and all(c in "0123456789abcdef" for c in t) for t in texts
    )
    with pytest.MonkeyPatch.context() as m:
        if not compiled:
            m.setattr(native, "_library", lambda: None)
        raw = masking.hashes_to_raw(arr)
        if not convertible:
            assert raw is None
            return
        assert raw is not None
        assert raw.type == pa.binary(16)
        assert raw.to_pylist() == [bytes.fromhex(t) for t in texts]
        back = masking.raw_to_hashes(raw.slice(min(cut, len(raw))))
    back.validate(full=True)
    assert back.to_pylist() == texts[min(cut, len(texts)) :]


def test_raw_to_hashes_keeps_nulls() -> None:
    raw = pa.array([b"\x00" * 16, None, b"\xff" * 16], pa.binary(16))
    for library in (True, False):
        with pytest.MonkeyPatch.context() as m:
            if not library:
                m.setattr(native, "_library", lambda: None)
            got = masking.raw_to_hashes(raw)
        got.validate(full=True)
        assert got.to_pylist() == ["0" * 32, None, "f" * 32]


@needs_native
def test_hex_decode_refuses_malformed_offsets() -> None:
    offsets = pa.py_buffer(np.array([0, 32, 0], dtype=np.int32).tobytes())
    bad = pa.StringArray.from_buffers(2, offsets, pa.py_buffer(b"0" * 32))
    with pytest.raises(native.NativeError, match="native hex decode failed"):
        native.hex_decode(bad, 16)
