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
from typing import Any

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
    """:func:`keyed_hash` of many values: the C HMAC state is copied directly (a third
    faster than going through ``hmac.HMAC.copy``, which matters at millions of values)."""
    state = _keyed(key)
    copy = getattr(state, "_hmac", state).copy  # OpenSSL's HMAC object when there is one
    out: list[str] = []
    append = out.append
    for v in values:
        h = copy()
        h.update(v.encode("utf-8", "surrogatepass"))
        append(h.hexdigest()[:32])
    return out


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
# above give, value by value (tests/test_masking_vectorised.py checks that), in pyarrow.

_ESCAPED = {"-": "\\-", "]": "\\]", "\\": "\\\\", "^": "\\^", "\t": "\\t"}
_NOT_KEPT = "[^" + "".join(_ESCAPED.get(c, c) for c in sorted(_KEEP)) + "]"


def _stars(arr: Any) -> Any:
    import pyarrow.compute as pc

    return pc.replace_substring_regex(arr, _NOT_KEPT, "*")


def _small(values: Any) -> Any:
    """``large_string`` (pandas' Parquet, Polars) as ``string``: one type for the kernels."""
    import pyarrow as pa

    return values.cast(pa.string()) if pa.types.is_large_string(values.type) else values


def mask_generic_many(values: Any) -> Any:
    """:func:`mask_generic` of every value of a string array."""
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


def mask_email_many(values: Any) -> Any:
    """:func:`mask_email` of every value of a string array (odd shapes: value by value)."""
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
    """:func:`mask_digits_keep_last` of every value of a string array. ASCII values run in
    pyarrow (the part before the last ``keep`` digits is starred, letters after it too);
    others (Unicode digits and letters) value by value."""
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
