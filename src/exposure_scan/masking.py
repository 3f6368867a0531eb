"""Masking and keyed hashing: how values are shown and correlated without being revealed.

Reports, logs, exceptions and test output carry only what this module produces. A masked value
keeps enough shape for a human to recognise the *kind* of value (``j***@e*****.com``,
``**** **** **** 1111``); a keyed hash (HMAC-SHA256) lets analysts and the verdict layer link
equal values across sources without anyone holding the value itself.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    _Bytes = npt.NDArray[np.uint8]
    _Offsets = npt.NDArray[np.int32]

_KEEP = frozenset(" -./@_+:()'\t,")


def new_key() -> bytes:
    """A fresh random key: hashes are then linkable within one scan only."""
    return secrets.token_bytes(32)


def keyed_hash(value: str, key: bytes) -> str:
    """HMAC-SHA256 of the normalised value, hex, truncated to 128 bits (collision-safe at
    any leak size, half the size in reports)."""
    h = _keyed(key).copy()
    h.update(value.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def keyed_hashes(values: list[str], key: bytes) -> list[str]:
    """:func:`keyed_hash` of many values."""
    import pyarrow as pa

    return keyed_hashes_array(pa.array(values, pa.string()), key).to_pylist()  # type: ignore[no-any-return]


def keyed_hashes_array(values: Any, key: bytes) -> Any:
    """:func:`keyed_hash` of every value of a pyarrow string array, as a string array (null
    stays null). A scan hashes millions of distinct values: in compiled code when the native
    library was built (:mod:`exposure_scan.native`, 0.15 us a value), else in Python at
    1.1 us (:func:`_python_hex32`). Both give :func:`keyed_hash`'s bytes (tested)."""
    import numpy as np
    import pyarrow as pa

    from exposure_scan import native

    n = len(values)
    if pa.types.is_large_string(values.type):
        values = values.cast(pa.string())
    offsets = np.arange(0, 32 * (n + 1), 32, dtype=np.int32)
    validity = None
    if values.null_count:
        validity = values.is_valid().buffers()[1]
    hexed = native.hmac_sha256_hex32(values, key)
    if hexed is None:
        hexed = pa.py_buffer(_python_hex32(values, key))
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), hexed, validity, values.null_count)


def _python_hex32(values: Any, key: bytes) -> bytes:
    """What ``native.hmac_sha256_hex32`` computes, in Python: the 32 hex digits of every
    value, concatenated (null: the empty value's)."""
    import numpy as np
    import pyarrow as pa

    n = len(values)
    inner_copy, outer_copy = (s.copy for s in _pads(key))
    digests: list[bytes] = []
    append = digests.append
    blank = b""
    for data in values.cast(pa.binary()).to_pylist():
        h = inner_copy()
        h.update(blank if data is None else data)
        o = outer_copy()
        o.update(h.digest())
        append(o.digest())
    raw = np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(n, 32)[:, :16]
    return _hex_text(raw)


def _hex_text(raw: Any) -> bytes:
    """Two lowercase hex digits per byte of the uint8 numpy array ``raw``, in order."""
    import numpy as np

    hexed = np.empty((*raw.shape[:-1], 2 * raw.shape[-1]), dtype=np.uint8)
    hex_digits = _hex_digits()
    hexed[..., 0::2] = hex_digits[raw >> 4]
    hexed[..., 1::2] = hex_digits[raw & 15]
    return hexed.tobytes()


#: Bytes of a keyed hash (:func:`keyed_hash`'s 32 hex digits).
HASH_BYTES = 16


def hashes_to_raw(hashes: Any) -> Any | None:
    """Keyed hashes (a pyarrow string array of 32-digit lowercase hex) as 16 raw bytes each
    (``fixed_size_binary(16)``), or None when some value is not such a hash or is null: spill
    files store them so (zstd's costliest column as text; a spilled batch is ~18% smaller and
    ~10% faster to write and to read back) and :func:`raw_to_hashes` gives back the text."""
    import numpy as np
    import pyarrow as pa

    from exposure_scan import native

    if hashes.null_count or not (
        pa.types.is_string(hashes.type) or pa.types.is_large_string(hashes.type)
    ):
        return None
    hashes = hashes.cast(pa.string())
    n = len(hashes)
    try:
        raw = native.hex_decode(hashes, HASH_BYTES)
    except native.NotHex:
        return None
    if raw is None:  # the numpy twin
        offsets = np.frombuffer(hashes.buffers()[1], np.int32, n + 1, 4 * hashes.offset)
        if not np.array_equal(np.diff(offsets), np.full(n, 2 * HASH_BYTES, np.int32)):
            return None
        data = np.frombuffer(
            hashes.buffers()[2] or b"", np.uint8, 2 * HASH_BYTES * n, int(offsets[0])
        )
        nibbles = _hex_values()[data].reshape(n, 2 * HASH_BYTES)
        if (nibbles > 15).any():
            return None
        raw = pa.py_buffer(((nibbles[:, 0::2] << 4) | nibbles[:, 1::2]).astype(np.uint8).tobytes())
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(HASH_BYTES), n, [None, raw])


def raw_to_hashes(raw: Any) -> Any:
    """:func:`hashes_to_raw`'s inverse: 16-byte hashes as 32-digit lowercase hex text (nulls
    stay null)."""
    import numpy as np
    import pyarrow as pa

    from exposure_scan import native

    n = len(raw)
    width = raw.type.byte_width
    _validity, data = raw.buffers()
    start = width * raw.offset
    body = pa.py_buffer(b"") if data is None else data.slice(start, width * n)
    hexed = native.hex_encode(body)
    if hexed is None:
        hexed = pa.py_buffer(_hex_text(np.frombuffer(body, np.uint8)))
    offsets = pa.py_buffer(np.arange(0, 2 * width * (n + 1), 2 * width, dtype=np.int32))
    validity = raw.is_valid().buffers()[1] if raw.null_count else None
    return pa.StringArray.from_buffers(n, offsets, hexed, validity, raw.null_count)


@functools.cache
def _hex_values() -> Any:
    """Per byte: its value as a lowercase hex digit, else 16."""
    import numpy as np

    table = np.full(256, 16, np.uint8)
    for i, c in enumerate(b"0123456789abcdef"):
        table[c] = i
    return table


@functools.lru_cache(maxsize=8)
def _pads(key: bytes) -> tuple[Any, Any]:
    """SHA-256 states after the HMAC inner and outer padded keys (RFC 2104)."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


@functools.cache
def _hex_digits() -> Any:
    import numpy as np

    return np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes) -> hmac.HMAC:
    """The HMAC state after the key: copied per value instead of re-keying every time."""
    return hmac.new(key, digestmod=hashlib.sha256)


def _star(text: str) -> str:
    return "".join(c if c in _KEEP else "*" for c in text)


def mask_generic(value: str) -> str:
    """Keep separators and, for long values, the first character; hide everything else.

    Short values are fully hidden: the first letter of a four-letter surname is a quarter of it.
    """
    if len(value) <= 5:
        return _star(value)
    return value[0] + _star(value[1:])


def mask_email(value: str) -> str:
    """``jane.doe@example.com`` -> ``j*******@e******.com``: the TLD stays, it identifies no one."""
    local, sep, domain = value.rpartition("@")
    if not sep:
        return mask_generic(value)
    host, dot, tld = domain.rpartition(".")
    masked_local = (local[:1] + "*" * (len(local) - 1)) if len(local) > 1 else "*"
    if not dot:
        return masked_local + "@" + mask_generic(domain)
    masked_host = (host[:1] + "*" * (len(host) - 1)) if len(host) > 1 else "*"
    return f"{masked_local}@{masked_host}.{tld}"


def mask_digits_keep_last(value: str, keep: int = 4) -> str:
    """Hide every digit but the last ``keep`` (the PCI DSS display rule for card numbers)."""
    total = sum(c.isdigit() for c in value)
    seen = 0
    out = []
    for c in value:
        if c.isdigit():
            seen += 1
            out.append(c if seen > total - keep else "*")
        elif c.isalnum():
            out.append("*")
        else:
            out.append(c)
    return "".join(out)


def mask_all(value: str) -> str:
    """Hide every letter and digit (secrets: passwords, security codes)."""
    return _star(value)


# --- the same masks over whole Arrow arrays --------------------------------------------------
# Tables hold millions of distinct names and addresses: these give exactly what the functions
# above give, value by value (tests/test_masking_vectorised.py checks that). ASCII values (nearly
# all of them) are masked byte by byte in numpy over the array's own buffers: one byte is one
# character there, so every rule above is a lookup table plus a few per-value positions. Values
# with other bytes go through the pyarrow-compute versions (``_*_arrow``), Unicode-aware.

_STAR = 0x2A  # ord("*")
_ESCAPED = {"-": "\\-", "]": "\\]", "\\": "\\\\", "^": "\\^", "\t": "\\t"}
_NOT_KEPT = "[^" + "".join(_ESCAPED.get(c, c) for c in sorted(_KEEP)) + "]"
# bytes.translate tables for ASCII: ``_star``, and every letter and digit starred
_STAR_TABLE = bytes(b if chr(b) in _KEEP else _STAR for b in range(256))
_ALNUM_TABLE = bytes(_STAR if b < 0x80 and chr(b).isalnum() else b for b in range(256))


def _stars(arr: Any) -> Any:
    import pyarrow.compute as pc

    return pc.replace_substring_regex(arr, _NOT_KEPT, "*")


def _small(values: Any) -> Any:
    """``large_string`` (pandas' Parquet, Polars) as ``string``: one type for the kernels."""
    import pyarrow as pa

    return values.cast(pa.string()) if pa.types.is_large_string(values.type) else values


def _bytewise(
    values: Any,
    kernel: Callable[[_Offsets, _Bytes], tuple[_Offsets, _Bytes]],
    slow: Callable[[Any], Any],
    *,
    utf8: bool = False,
) -> Any:
    """Run ``kernel`` (offsets from 0 and data bytes -> new offsets and bytes) on the ASCII
    values of a string array, ``slow`` on the others (on all values if most are not ASCII).

    The kernel sees every slot's bytes, nulls' and non-ASCII values' too (those results are
    replaced); nulls stay null through the validity bitmap, shifted for sliced arrays.
    ``utf8``: the kernel reads UTF-8 itself (valid: the caller checked), all values go to it.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = _small(values)
    if isinstance(values, pa.ChunkedArray):
        return pa.chunked_array(
            [_bytewise(c, kernel, slow, utf8=utf8) for c in values.chunks], pa.string()
        )
    if not isinstance(values, pa.StringArray):
        return slow(values)
    n = len(values)
    _, offsets_buf, data_buf = values.buffers()
    if n == 0 or offsets_buf is None:
        return slow(values)
    offsets = np.frombuffer(offsets_buf, np.int32, count=n + 1, offset=4 * values.offset)
    lo, hi = int(offsets[0]), int(offsets[-1])
    if hi > lo:
        data = np.frombuffer(data_buf, np.uint8, count=hi - lo, offset=lo)
    else:
        data = np.zeros(0, np.uint8)
    odd = None
    if not utf8 and data.size and data.max() >= 0x80:  # not one byte per character
        odd = np.zeros(n, np.bool_)
        odd[np.searchsorted(offsets[1:], np.flatnonzero(data >= 0x80) + lo, side="right")] = True
        if odd.sum() * 2 > n:  # mostly non-Latin text: the byte pass would be thrown away
            return slow(values)
    new_offsets, new_data = kernel((offsets - lo).astype(np.int32), data)
    validity = None
    if values.null_count:
        bitmap = values.buffers()[0]
        if values.offset == 0:
            validity = bitmap
        else:
            bits = np.unpackbits(np.frombuffer(bitmap, np.uint8), bitorder="little")
            validity = pa.py_buffer(
                np.packbits(bits[values.offset : values.offset + n], bitorder="little")
            )
    out = pa.StringArray.from_buffers(
        n, pa.py_buffer(new_offsets), pa.py_buffer(new_data), validity, values.null_count
    )
    if odd is None:
        return out
    mask = pa.array(odd)
    return pc.replace_with_mask(out, mask, slow(values.filter(mask)))


def _translate(data: _Bytes, table: bytes) -> _Bytes:
    """``table[byte]`` for every byte, writable: ``bytes.translate`` is a C loop, four times
    faster than numpy's fancy indexing."""
    import numpy as np

    return np.frombuffer(bytearray(data).translate(table), np.uint8)


def _restore(out: _Bytes, data: _Bytes, positions: npt.NDArray[np.integer[Any]]) -> None:
    out[positions] = data[positions]


def _generic_kernel(offsets: _Offsets, data: _Bytes) -> tuple[_Offsets, _Bytes]:
    """``_star`` of every byte, then the first byte of values longer than 5 put back."""
    import numpy as np

    out = _translate(data, _STAR_TABLE)
    _restore(out, data, offsets[:-1][np.diff(offsets) > 5])
    return offsets, out


def _generic_utf8_kernel(offsets: _Offsets, data: _Bytes) -> tuple[_Offsets, _Bytes]:
    """:func:`mask_generic` on valid UTF-8: one output byte per character (the character
    if ASCII and kept, else ``*``), and the whole first character of values longer than 5
    characters. A character starts at every byte that is not a continuation byte."""
    import numpy as np

    lead = (data & 0xC0) != 0x80
    running = np.zeros(data.size + 1, np.int64)
    np.cumsum(lead, out=running[1:])
    starts = offsets[:-1].astype(np.int64)
    long = starts[(running[offsets[1:]] - running[starts]) > 5]
    first = data[long]  # a lead byte: its value gives the character's width
    width = 1 + (first >= 0xC0).astype(np.int64) + (first >= 0xE0) + (first >= 0xF0)
    verbatim = np.zeros(data.size, np.bool_)
    for k in range(4):
        verbatim[long[width > k] + k] = True
    out = _translate(data, _STAR_TABLE)  # every byte >= 0x80 becomes '*'
    out[verbatim] = data[verbatim]
    keep = lead | verbatim
    kept = np.zeros(data.size + 1, np.int64)
    np.cumsum(keep, out=kept[1:])
    return kept[offsets].astype(np.int32), out[keep]


def _mask_generic_utf8(values: Any) -> Any:
    """Non-ASCII values, masked on their bytes when they are valid UTF-8 (Arrow checks).
    Invalid UTF-8 (bytes from a damaged Parquet file), on which pyarrow's character kernels
    fail, is masked value by value as decoded with replacement characters."""
    import pyarrow as pa

    try:
        values.validate(full=True)
    except pa.ArrowInvalid:
        raw = values.cast(pa.binary()).to_pylist()
        decoded = [None if b is None else b.decode("utf-8", "replace") for b in raw]
        return pa.array([None if v is None else mask_generic(v) for v in decoded], pa.string())
    return _bytewise(values, _generic_utf8_kernel, _mask_generic_arrow, utf8=True)


def mask_generic_many(values: Any) -> Any:
    """:func:`mask_generic` of every value of a string array."""
    return _bytewise(values, _generic_kernel, _mask_generic_utf8)


def _mask_generic_arrow(values: Any) -> Any:
    """Non-ASCII values: pyarrow's kernels count characters, not bytes."""
    import pyarrow.compute as pc

    values = _small(values)
    starred = _stars(values)
    long = pc.greater(pc.utf8_length(values), 5)
    head = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(values, 0, 1), pc.utf8_slice_codeunits(starred, 1), ""
    )
    return pc.if_else(long, head, starred)


_EMAIL_PARTS = r"(?s)^(?P<local>.*)@(?P<host>[^@]*)\.(?P<tld>[^.@]*)$"


def _first_then_stars(part: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    stars = pc.max_element_wise(pc.subtract(pc.utf8_length(part), 1), 0)
    rest = pc.binary_repeat(pa.scalar("*"), stars)  # one star per character after the first
    joined = pc.binary_join_element_wise(pc.utf8_slice_codeunits(part, 0, 1), rest, "")
    return pc.if_else(pc.greater(pc.utf8_length(part), 1), joined, "*")


def _last_in_value(found: npt.NDArray[np.intp], bounds: npt.NDArray[np.int64]) -> Any:
    """Per value (``bounds``: its offsets), the last of the ascending positions ``found``
    inside it, -1 where there is none."""
    import numpy as np

    if not found.size:
        return np.full(bounds.size - 1, -1, np.int64)
    before = np.searchsorted(found, bounds)  # queries ascend: cheaper than asking per position
    return np.where(before[1:] > before[:-1], found[before[1:] - 1], -1)


def _ranges(first: npt.NDArray[np.int64], length: npt.NDArray[np.int64]) -> Any:
    """Every position of the ranges ``[first, first + length)``, in order."""
    import numpy as np

    ends = np.cumsum(length)
    return np.arange(ends[-1] if ends.size else 0) + np.repeat(first - ends + length, length)


def _email_kernel(offsets: _Offsets, data: _Bytes) -> tuple[_Offsets, _Bytes]:
    """:func:`mask_email` on ASCII bytes: all stars, then what shows put back (first
    characters, the last "@", the last "." after it and the TLD; values without them are
    :func:`mask_generic`'d), and an empty local part or host is one ``*``: the only way a
    value grows."""
    import numpy as np

    n = len(offsets) - 1
    bounds = offsets.astype(np.int64)
    start, end = bounds[:-1], bounds[1:]
    at = _last_in_value(np.flatnonzero(data == 0x40), bounds)
    dot = _last_in_value(np.flatnonzero(data == 0x2E), bounds)
    has_at = at >= 0
    has_dot = has_at & (dot > at)
    out = np.full(data.size, _STAR, np.uint8)
    plain = np.where(has_at, at, start)[~has_dot]  # no "@": the value; no ".": the domain
    if plain.size:
        inside = _ranges(plain, end[~has_dot] - plain)
        out[inside] = _translate(data[inside], _STAR_TABLE)
    _restore(out, data, at[has_dot])
    _restore(out, data, _ranges(dot[has_dot], end[has_dot] - dot[has_dot]))  # ".tld"
    s, a = start[has_at], at[has_at]
    d, a_d = dot[has_dot], at[has_dot]
    heads = [
        start[~has_at & (end - start > 5)],  # no "@": mask_generic(value)
        s[a - s > 1],  # local part
        a_d[d - a_d > 2] + 1,  # host
        at[has_at & ~has_dot & (end - at > 6)] + 1,  # no "." after "@": mask_generic(domain)
    ]
    _restore(out, data, np.concatenate(heads))
    empty_local = a == s
    empty_host = d == a_d + 1
    if not (empty_local.any() or empty_host.any()):
        return offsets, out
    grown = np.zeros(n + 1, np.int32)
    grown[1:][has_at] += empty_local
    grown[1:][has_dot] += empty_host
    where = np.sort(np.concatenate([a[empty_local], d[empty_host]]))
    return offsets + np.cumsum(grown, dtype=np.int32), np.insert(out, where, _STAR)


def mask_email_many(values: Any) -> Any:
    """:func:`mask_email` of every value of a string array."""
    return _bytewise(values, _email_kernel, _mask_email_arrow)


def _mask_email_arrow(values: Any) -> Any:
    """Non-ASCII values: split by a regex in pyarrow, odd shapes value by value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = _small(values)
    parts = pc.extract_regex(values, _EMAIL_PARTS)
    ok = pc.fill_null(pc.is_valid(parts), False)
    if not pc.all(ok).as_py():
        out = [
            mask_email(v) if v is not None and not good else None
            for v, good in zip(values.to_pylist(), ok.to_pylist(), strict=True)
        ]
        odd = pa.array(out, pa.string())
    else:
        odd = None
    local = _first_then_stars(pc.struct_field(parts, "local"))
    host = _first_then_stars(pc.struct_field(parts, "host"))
    tld = pc.struct_field(parts, "tld")
    joined = pc.binary_join_element_wise(pc.binary_join_element_wise(local, host, "@"), tld, ".")
    return joined if odd is None else pc.if_else(ok, joined, odd)


def mask_digits_keep_last_many(values: Any, keep: int) -> Any:
    """:func:`mask_digits_keep_last` of every value of a string array."""
    import numpy as np

    def kernel(offsets: _Offsets, data: _Bytes) -> tuple[_Offsets, _Bytes]:
        """Every letter and digit starred, then each value's last ``keep`` digits put back:
        with the digits' positions, value ``v``'s are ``digits[before[v]:before[v + 1]]``."""
        out = _translate(data, _ALNUM_TABLE)
        digits = np.flatnonzero((data >= 0x30) & (data <= 0x39))
        before = np.searchsorted(digits, offsets)
        most = int(np.diff(before).max(initial=0))
        for back in range(1, min(keep, most) + 1):
            last = before[1:] - back
            _restore(out, data, digits[last[last >= before[:-1]]])
        return offsets, out

    return _bytewise(values, kernel, lambda v: _mask_digits_keep_last_arrow(v, keep))


def _mask_digits_keep_last_arrow(values: Any, keep: int) -> Any:
    """Non-ASCII arrays: ASCII values in pyarrow (the part before the last ``keep`` digits is
    starred, letters after it too); others (Unicode digits and letters) value by value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = _small(values)
    tail = "[^0-9]*" + "[0-9][^0-9]*" * keep
    parts = pc.extract_regex(values, f"(?s)^(?P<head>.*?)(?P<tail>{tail})$")
    head = pc.replace_substring_regex(pc.struct_field(parts, "head"), "[0-9A-Za-z]", "*")
    rest = pc.replace_substring_regex(pc.struct_field(parts, "tail"), "[A-Za-z]", "*")
    fast = pc.binary_join_element_wise(head, rest, "")
    # fewer than ``keep`` digits: every digit shows, letters are starred
    few = pc.replace_substring_regex(values, "[A-Za-z]", "*")
    fast = pc.if_else(pc.is_valid(parts), fast, few)
    ascii_ = pc.fill_null(pc.string_is_ascii(values), True)
    if pc.all(ascii_).as_py():
        return fast
    slow = [
        None if a or v is None else mask_digits_keep_last(v, keep)
        for v, a in zip(values.to_pylist(), ascii_.to_pylist(), strict=True)
    ]
    return pc.if_else(ascii_, fast, pa.array(slow, pa.string()))


def key_fingerprint(key: bytes) -> str:
    """A public fingerprint of a hashing key: tells whether two reports used the same key
    without revealing it."""
    return hmac.new(key, b"exposure_scan key fingerprint", hashlib.sha256).hexdigest()[:16]
