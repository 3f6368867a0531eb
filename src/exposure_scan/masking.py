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


def key_fingerprint(key: bytes) -> str:
    """A public fingerprint of a hashing key: tells whether two reports used the same key
    without revealing it."""
    return hmac.new(key, b"exposure_scan key fingerprint", hashlib.sha256).hexdigest()[:16]
