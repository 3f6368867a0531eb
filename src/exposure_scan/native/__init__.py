"""Optional compiled helpers, loaded with ctypes. Each has a Python/numpy twin giving the same
result, used when the library was not built (no C compiler or OpenSSL headers at install
time; see ``hatch_build.py``).

Only loops that cost Python calls or full numpy passes per value are here, over Arrow
buffers: keyed hashing (``keyed_hash.c``) and each cell's counts of digits, letters and other
byte classes for the engine's screens (``byte_classes.c``), and the hex text of keyed hashes
to raw bytes and back for spill files (``hex_codec.c``). Everything else in a scan is
already Arrow's compiled kernels.
"""

from __future__ import annotations

import ctypes
import functools
from pathlib import Path
from typing import Any

LIBRARY = Path(__file__).with_name("_native.so")

_P = ctypes.c_void_p
_SIGNATURES: dict[str, list[Any]] = {
    "es_hmac_sha256_hex32": [ctypes.c_char_p, ctypes.c_size_t, _P, _P, ctypes.c_int64, _P],
    "es_class_counts": [_P, _P, ctypes.c_int64, _P, _P],
    "es_byte_class_counts": [_P, _P, ctypes.c_int64, _P, ctypes.c_int32, _P],
    "es_hex_decode": [_P, _P, ctypes.c_int64, ctypes.c_int32, _P],
    "es_hex_encode": [_P, ctypes.c_int64, _P],
}


class NativeError(RuntimeError):
    """A compiled helper refused its input (malformed Arrow offsets) or OpenSSL failed:
    raised, never a silently wrong hash or count."""


@functools.cache
def _library() -> Any:
    """The loaded library, or None when it is not there, will not load or lacks a function
    (a stale build)."""
    if not LIBRARY.exists():
        return None
    try:
        lib = ctypes.CDLL(str(LIBRARY))
        for name, argtypes in _SIGNATURES.items():
            fn = getattr(lib, name)
            fn.restype = ctypes.c_int
            fn.argtypes = argtypes
    except (OSError, AttributeError):
        return None
    return lib


def available() -> bool:
    """Whether the compiled helpers run in this process."""
    return _library() is not None


def _string_buffers(values: Any) -> tuple[int, int] | None:
    """Addresses of a ``string`` array's first offset and its data (None: another type)."""
    import pyarrow as pa

    if not pa.types.is_string(values.type):
        return None
    _validity, offsets, data = values.buffers()
    return offsets.address + 4 * values.offset, 0 if data is None else data.address


def _check(rc: int, what: str) -> None:
    if rc != 0:
        raise NativeError(f"native {what} failed (code {rc})")


def hmac_sha256_hex32(values: Any, key: bytes) -> Any | None:
    """The 32-hex-digit HMAC-SHA256 prefix of every value of a pyarrow ``string`` array, as
    a data buffer of ``32 * len(values)`` bytes; None when the library is not available.
    Null slots are hashed as whatever bytes their offsets span: callers mask them.
    ctypes releases the GIL for the call."""
    lib = _library()
    where = None if lib is None else _string_buffers(values)
    if where is None:
        return None
    import pyarrow as pa

    n = len(values)
    out = pa.allocate_buffer(32 * n)
    if n:
        _check(lib.es_hmac_sha256_hex32(key, len(key), *where, n, out.address), "keyed hash")
    return out


def class_counts(values: Any) -> tuple[Any, Any] | None:
    """(ASCII digits, ASCII letters plus non-ASCII bytes) per cell of a pyarrow ``string``
    array, as int64 numpy arrays; None when the library is not available."""
    lib = _library()
    where = None if lib is None else _string_buffers(values)
    if where is None:
        return None
    import numpy as np

    n = len(values)
    digits = np.empty(n, dtype=np.int64)
    letters = np.empty(n, dtype=np.int64)
    if n:
        rc = lib.es_class_counts(*where, n, digits.ctypes.data, letters.ctypes.data)
        _check(rc, "class counts")
    return digits, letters


def byte_class_counts(values: Any, bits: Any, classes: int) -> Any | None:
    """Bytes per cell of a pyarrow ``string`` array in each of ``classes`` (1-8) byte classes,
    bit ``j`` of ``bits[b]`` (a 256-entry uint8 numpy array) saying byte ``b`` is in class
    ``j``: an int32 numpy array of shape (cells, classes), counted in one pass; None when
    the library is not available."""
    lib = _library()
    where = None if lib is None else _string_buffers(values)
    if where is None:
        return None
    import numpy as np

    table = np.ascontiguousarray(bits, dtype=np.uint8)
    assert table.shape == (256,)
    n = len(values)
    counts = np.empty((n, classes), dtype=np.int32)
    if n:
        rc = lib.es_byte_class_counts(*where, n, table.ctypes.data, classes, counts.ctypes.data)
        _check(rc, "byte class counts")
    return counts


class NotHex(ValueError):
    """A value is not exactly ``2 * width`` lowercase hex digits: the caller keeps the text."""


def hex_decode(values: Any, width: int) -> Any | None:
    """The raw bytes of a pyarrow ``string`` array of ``2 * width``-digit lowercase hex
    values, as one buffer of ``width * len(values)`` bytes; None when the library is not
    available; :class:`NotHex` when some value is not that (nulls included: callers pass
    arrays without nulls)."""
    lib = _library()
    where = None if lib is None else _string_buffers(values)
    if where is None:
        return None
    import pyarrow as pa

    n = len(values)
    out = pa.allocate_buffer(width * n)
    if n:
        rc = lib.es_hex_decode(*where, n, width, out.address)
        if rc == 1:
            raise NotHex(f"not {2 * width} lowercase hex digits")
        _check(rc, "hex decode")
    return out


def hex_encode(raw: Any) -> Any | None:
    """Two lowercase hex digits per byte of the buffer ``raw``, as a new buffer; None when
    the library is not available."""
    lib = _library()
    if lib is None:
        return None
    import pyarrow as pa

    out = pa.allocate_buffer(2 * raw.size)
    if raw.size:
        _check(lib.es_hex_encode(raw.address, raw.size, out.address), "hex encode")
    return out
