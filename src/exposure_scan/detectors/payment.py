"""Payment data detectors: card numbers (IBAN, masked cards and the rest: see the catalogue)."""

from __future__ import annotations

from ..masking import mask_digits_keep_last
from . import checksums
from .base import Detector


class CreditCardDetector(Detector):
    """13-19 digits, optionally grouped by spaces or dashes, Luhn-valid, in a known issuer range.

    The issuer range (including Mastercard 2221-2720) is what keeps Luhn-passing order numbers
    and EAN barcodes out: about one random number in ten passes Luhn.
    """

    entity = "CREDIT_CARD"
    name = "credit_card"
    version = "1"
    pattern = r"\b[2-6](?:[ \-]?[0-9]){12,18}\b"
    prefilter = r"[2-6][0-9 \-]{12,}"
    score = 0.95
    numeric = True

    def validate(self, value: str) -> bool:
        return checksums.is_card_number(value)

    def normalise(self, value: str) -> str:
        return checksums.digits_only(value)

    def mask(self, value: str) -> str:
        return mask_digits_keep_last(value, 4)
