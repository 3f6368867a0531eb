"""Per-cell facts about ASCII bytes of a string array, read from its Arrow buffers in numpy.

An ASCII byte never occurs inside a multi-byte UTF-8 character, so counting or keeping the
bytes ``0``-``9`` (or ``(``) of a cell is exact on any valid UTF-8 text. These replace regex
kernels (``[^0-9]`` removed, ``[0-9]+`` counted) that cost 10-20 ms per 64k phone numbers
each, a cost paid on every batch of every phone column.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def _parts(arr: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """(offsets relative to the first value, the values' bytes), None: not a string array."""
    if pa.types.is_string(arr.type):
        width: type = np.int32
    elif pa.types.is_large_string(arr.type):
        width = np.int64
    else:
        return None
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=width)[arr.offset : arr.offset + n + 1].astype(np.int64)
    if n == 0 or bufs[2] is None:
        return np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    data = np.frombuffer(bufs[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return offsets - offsets[0], data


def holds_nul(arr: pa.Array) -> bool:
    """Whether the bytes ``arr``'s values span (null slots' too, if any) hold a NUL: one
    vectorised count over the data buffer, so that only a column with one pays the per-cell
    substring search (~1.6 ms a 57,000-cell column: ~3% of a scan, on every column). True
    for arrays that are not strings: the caller's exact count decides."""
    parts = _parts(arr)
    if parts is None:
        return True
    data = parts[1]
    return bool(np.count_nonzero(data) < data.size)


def _per_cell(offsets: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """How many ``flags`` each cell's byte range holds (int32 sums: half the memory traffic
    of int64, and a batch's bytes stay far below 2**31)."""
    wide = flags.dtype == np.int64 or flags.size >= 2**31  # weighted flags: class_counts
    running = np.zeros(flags.size + 1, dtype=np.int64 if wide else np.int32)
    np.cumsum(flags, out=running[1:])
    counts: np.ndarray = (running[offsets[1:]] - running[offsets[:-1]]).astype(np.int64)
    return counts


def _digits(data: np.ndarray) -> np.ndarray:
    flags: np.ndarray = (data >= 48) & (data <= 57)
    return flags


#: Per byte: 1 for an ASCII digit, 1 << 32 for an ASCII letter or any non-ASCII byte.
_CLASS_WEIGHTS = np.array(
    [1 if 48 <= b <= 57 else (1 << 32 if (65 <= b <= 90 or 97 <= b <= 122 or b >= 128) else 0)
     for b in range(256)],
    dtype=np.int64,
)  # fmt: skip


def class_counts(arr: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """(ASCII digits, letters) per cell in one pass (None: not a string array). Letters are
    ASCII letters plus every non-ASCII byte: an over-count, never an under-count, of what a
    letter class can match (RE2's ``(?i)k`` also matches the Kelvin sign). Counted in
    compiled code when :mod:`exposure_scan.native` is built (one pass, no per-byte arrays)."""
    from exposure_scan import native

    counted = native.class_counts(arr)
    if counted is not None:
        return counted
    parts = _parts(arr)
    if parts is None:
        return None
    offsets, data = parts
    both = _per_cell(offsets, _CLASS_WEIGHTS[data])
    digits: np.ndarray = both & 0xFFFFFFFF
    letters: np.ndarray = both >> 32
    return digits, letters


def byte_class_counts(arr: pa.Array, classes: list[frozenset[int]]) -> np.ndarray | None:
    """Bytes per cell in each class (byte values), as an int array of shape (cells,
    classes); None: not a string array. Eight classes per pass over the bytes, compiled
    when :mod:`exposure_scan.native` is built."""
    from exposure_scan import native

    parts: list[np.ndarray] = []
    for first in range(0, len(classes), 8):
        group = classes[first : first + 8]
        bits = np.zeros(256, dtype=np.uint8)
        for j, members in enumerate(group):
            bits[sorted(members)] |= np.uint8(1 << j)
        counted = native.byte_class_counts(arr, bits, len(group))
        if counted is None:
            counted = _class_counts_numpy(arr, bits, len(group))
            if counted is None:
                return None
        parts.append(counted)
    if not parts:
        return np.zeros((len(arr), 0), dtype=np.int32)
    return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)


def _class_counts_numpy(arr: pa.Array, bits: np.ndarray, classes: int) -> np.ndarray | None:
    parts = _parts(arr)
    if parts is None:
        return None
    offsets, data = parts
    flags = bits[data]
    return np.stack([_per_cell(offsets, (flags >> j) & 1) for j in range(classes)], axis=1).reshape(
        len(arr), classes
    )


def digit_runs(arr: pa.Array) -> np.ndarray:
    """Maximal runs of ASCII digits per cell (``count_substring_regex(arr, "[0-9]+")``)."""
    parts = _parts(arr)
    assert parts is not None, arr.type
    offsets, data = parts
    digit = _digits(data)
    starts = digit.copy()
    starts[1:] &= ~digit[:-1]
    firsts = offsets[:-1][offsets[:-1] < data.size]  # a run never continues across cells
    starts[firsts] = digit[firsts]
    return _per_cell(offsets, starts)


def keep_digits(arr: pa.Array) -> pa.Array:
    """Each cell with everything but its ASCII digits removed, as a ``string`` array (null
    stays null): ``replace_substring_regex(arr, "[^0-9]", "")``."""
    parts = _parts(arr)
    assert parts is not None, arr.type
    offsets, data = parts
    digit = _digits(data)
    counts = _per_cell(offsets, digit)
    new_offsets = np.zeros(len(arr) + 1, dtype=np.int32)
    np.cumsum(counts, out=new_offsets[1:])
    validity = arr.is_valid().buffers()[1] if arr.null_count else None
    return pa.StringArray.from_buffers(
        len(arr),
        pa.py_buffer(new_offsets),
        pa.py_buffer(data[digit].tobytes()),
        validity,
        arr.null_count,
    )
