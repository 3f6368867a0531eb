"""Contact data detectors: email addresses (phones, names and addresses: see the catalogue)."""

from __future__ import annotations

import pyarrow as pa

from ..masking import mask_email, mask_email_many
from . import checksums
from .base import Detector


class EmailDetector(Detector):
    """An address-shaped string whose syntax is valid and whose TLD exists.

    The TLD check drops look-alikes such as ``user@host.local`` or ``a@b.c`` from log lines,
    using the public-suffix snapshot shipped offline (never fetched at run time).
    """

    entity = "EMAIL_ADDRESS"
    name = "email"
    version = "1"
    pattern = (
        r"[A-Za-z0-9][A-Za-z0-9._%+'\-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.)+[A-Za-z]{2,24}"
    )
    prefilter = r"@"
    score = 0.95

    def validate(self, value: str) -> bool:
        tld = value.rsplit(".", 1)[-1]
        return checksums.is_email_syntax(value) and checksums.is_known_tld(tld)

    def normalise(self, value: str) -> str:
        return value.strip().lower()

    def mask(self, value: str) -> str:
        return mask_email(value)

    def mask_many(self, values: pa.Array) -> pa.Array:
        return mask_email_many(values)
