"""Credentials: cleartext passwords, password hashes and usernames.

Modular-crypt hashes (bcrypt ``$2b$``, argon2, scrypt, sha-crypt ``$5$``/``$6$``, md5-crypt
``$1$``) announce themselves and are detected anywhere. A bare hex digest is only a shape (any
hex id of 32, 40 or 64 characters has it) and counts as a hash only in a password column; a
cleartext password or a username is recognisable only by its column.
"""

from __future__ import annotations

import re

from ..masking import mask_all, mask_generic
from . import checksums
from .base import Detector

#: Cell values that stand for "no value" or a redacted one: their presence exposes nothing.
PLACEHOLDERS = frozenset(
    {
        "null",
        "none",
        "nil",
        "nan",
        "n/a",
        "na",
        "-",
        "--",
        "?",
        "redacted",
        "[redacted]",
        "<redacted>",
        "hidden",
        "[hidden]",
        "<hidden>",
        "removed",
        "[removed]",
        "undefined",
        "empty",
    }
)

_MASK_RUN = re.compile(r"([*xX•#.\-])\1*")
_CRYPT_PREFIX = re.compile(r"\$[^$]+\$(?:(?:v=[0-9]+|rounds=[0-9]+|[0-9]{2}|[a-z]+=[^$]*)\$)*")


def is_placeholder(value: str) -> bool:
    """True for empty-value markers (``NULL``, ``N/A``) and mask runs (``********``)."""
    text = value.strip()
    return not text or text.lower() in PLACEHOLDERS or _MASK_RUN.fullmatch(text) is not None


def mask_hash(value: str) -> str:
    """Scheme and cost parameters stay (they say how crackable it is), salt and digest do not."""
    match = _CRYPT_PREFIX.match(value)
    keep = match.end() if match else 0
    return value[:keep] + "*" * (len(value) - keep)


class PasswordDetector(Detector):
    """Any value in a password column that is neither a hash nor a placeholder: a cleartext
    password, the worst thing a leak can hold."""

    entity = "PASSWORD"
    name = "password"
    version = "1"
    pattern = r"\S(?:.*\S)?"
    score = 0.9
    numeric = True
    context = frozenset({"PASSWORD"})

    def validate(self, value: str) -> bool:
        return not is_placeholder(value) and checksums.password_hash_scheme(value) is None

    def mask(self, value: str) -> str:
        return mask_all(value)


class PasswordHashDetector(Detector):
    """A modular-crypt password hash anywhere; :meth:`scheme` names the algorithm."""

    entity = "PASSWORD_HASH"
    name = "password_hash"
    version = "1"
    pattern = r"\$(?:2[abxy]|argon2(?:id|i|d)|scrypt|[1567])\$[A-Za-z0-9./+=,$]*[A-Za-z0-9./+=]"
    prefilter = r"\$(?:2[abxy]|argon2(?:id|i|d)|scrypt|[1567])\$"
    score = 0.95

    def validate(self, value: str) -> bool:
        return self.scheme(value) is not None

    def scheme(self, value: str) -> str | None:
        """``"bcrypt"``, ``"argon2"``, ``"scrypt"``, ``"sha512-crypt"``... or None."""
        scheme = checksums.password_hash_scheme(value)
        return None if scheme in _HEX_SCHEMES else scheme

    def mask(self, value: str) -> str:
        return mask_hash(value)


_HEX_SCHEMES = frozenset({"md5", "sha1", "sha256"})


class HexPasswordHashDetector(PasswordHashDetector):
    """A bare md5/sha1/sha256 hex digest in a password or password-hash column."""

    name = "password_hash_hex"
    pattern = r"\b(?:[0-9a-fA-F]{64}|[0-9a-fA-F]{40}|[0-9a-fA-F]{32})\b"
    prefilter = r"[0-9a-fA-F]{32}"
    score = 0.85
    context = frozenset({"PASSWORD", "PASSWORD_HASH"})

    def scheme(self, value: str) -> str | None:
        scheme = checksums.password_hash_scheme(value)
        return scheme if scheme in _HEX_SCHEMES else None

    def mask(self, value: str) -> str:
        return mask_all(value)


class UsernameDetector(Detector):
    """A login or screen name in a username column: the whole cell, at most 64 characters.

    E-mail addresses used as logins are left to the e-mail detector, so the same value is not
    reported twice under two entities.
    """

    entity = "USERNAME"
    name = "username"
    version = "1"
    pattern = r"\S(?:.*\S)?"
    score = 0.85
    context = frozenset({"USERNAME"})

    def validate(self, value: str) -> bool:
        return (
            len(value) <= 64 and not is_placeholder(value) and not checksums.is_email_syntax(value)
        )

    def normalise(self, value: str) -> str:
        return value.lower()

    def mask(self, value: str) -> str:
        return mask_generic(value)
