"""Payment data detectors: cards (full, truncated, expiry, security code), bank accounts, wallets.

Values with a checksum or registry behind them (card numbers, IBANs, ABA routing numbers,
wallet addresses) are detected anywhere. Values that are only a shape (``12/27``, ``123``,
``COBADEFF``) are detected only in a column whose role names the entity (``context``): a
three-digit number is a security code only in a CVV column.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from stdnum import ean

from ..masking import mask_all, mask_digits_keep_last, mask_digits_keep_last_many, mask_generic
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
    #: The pattern's digits without its word boundaries: a superset that, unlike a run of any
    #: 13 digits-or-separators, leaves timestamps (``2015-01-01 00:11:25``) out of the per-cell
    #: span search.
    prefilter = r"[2-6](?:[ \-]?[0-9]){12}"
    score = 0.95
    numeric = True
    #: ``+49 151 2345 6789`` is a phone: a run right after a ``+`` is never a card.
    veto_before = r"\+\s*"

    def validate(self, value: str) -> bool:
        if len(value) == 13 and value.isdigit() and ean.is_valid(value):
            return False  # an EAN-13 barcode first: 13-digit Visa PANs are no longer issued
        return checksums.is_card_number(value)

    def normalise(self, value: str) -> str:
        return checksums.digits_only(value)

    def check_many(self, values: pa.Array, regions: pa.Array | None) -> pa.Array:
        """:meth:`check` of many values: Luhn and the issuer ranges in numpy first, since
        about nine in ten digit runs fail Luhn (order numbers, EAN-13 barcodes, phone numbers)
        and most Luhn-valid ones fall outside every brand's ranges and lengths, then the
        per-value check (shape, EAN) on the rest. Exact: a valid card's ASCII digits
        (``digits_only``, as ``keep_digits`` keeps them) pass both, whatever else it holds."""
        from . import bytewise

        digits = bytewise.keep_digits(values)
        passes = checksums.luhn_mask(digits)
        rows = np.flatnonzero(passes)
        passes[rows] = checksums.card_brand_mask(digits.take(pa.array(rows)))
        out: list[str | None] = [None] * len(values)
        idx = np.flatnonzero(passes)
        if idx.size:
            for i, value in zip(idx.tolist(), values.take(pa.array(idx)).to_pylist(), strict=True):
                out[i] = None if value is None else self.check(value)
        return pa.array(out, pa.string())

    def mask(self, value: str) -> str:
        return mask_digits_keep_last(value, 4)

    def mask_many(self, values: pa.Array) -> pa.Array:
        return mask_digits_keep_last_many(values, 4)


class MaskedCardDetector(Detector):
    """A PCI-style truncated PAN (``411111******1111``, ``**** **** **** 1111``).

    Truncated PANs are not cardholder data under PCI DSS but still tie a person to a card (the
    last four digits are what support lines ask for), so they are reported as their own entity.
    The pattern takes the whole run of digits, mask characters and separators so that a longer
    run is refused as a whole rather than cut into a plausible piece.
    """

    entity = "MASKED_CARD"
    name = "masked_card"
    version = "1"
    pattern = r"(?:[0-9][ \-]?)*[*xX•#](?:[ \-]?[*xX•#]){3}(?:[ \-]?[0-9*xX•#])*"
    prefilter = r"[*xX•#](?:[ \-]?[*xX•#]){3}"
    score = 0.85

    def validate(self, value: str) -> bool:
        return checksums.is_masked_card(value)

    def normalise(self, value: str) -> str:
        """Separators dropped and every mask character written ``*``."""
        body = value.replace(" ", "").replace("-", "")
        return "".join(c if c.isdigit() else "*" for c in body)

    def mask(self, value: str) -> str:
        return mask_digits_keep_last(value, 4)


class CardExpiryDetector(Detector):
    """``MM/YY``, ``MM/YYYY``, ``MM-YY`` or ``MMYY`` in a card-expiry column.

    The pattern takes whole slash/dash-joined number runs, so the ``12-31`` inside a full date
    such as ``2027-12-31`` is not mistaken for an expiry.
    """

    entity = "CARD_EXPIRY"
    name = "card_expiry"
    version = "1"
    pattern = r"\b[0-9]{2,4}(?:[/\-][0-9]{1,4})*\b"
    score = 0.8
    numeric = True
    context = frozenset({"CARD_EXPIRY"})

    def validate(self, value: str) -> bool:
        return checksums.is_card_expiry(value)

    def mask(self, value: str) -> str:
        return mask_all(value)


class CardSecurityCodeDetector(Detector):
    """CVV/CVC: 3 or 4 digits in a security-code column (PCI DSS forbids storing it at all)."""

    entity = "CARD_SECURITY_CODE"
    name = "card_security_code"
    version = "1"
    pattern = r"\b[0-9]{3,4}\b"
    score = 0.8
    numeric = True
    context = frozenset({"CARD_SECURITY_CODE"})

    def mask(self, value: str) -> str:
        return mask_all(value)


def mask_iban(value: str) -> str:
    """Country code and the last four characters stay (``DE** **** **** **** **30 00``)."""
    total = sum(c.isalnum() for c in value)
    seen = 0
    out = []
    for c in value:
        if c.isalnum():
            seen += 1
            out.append(c if seen <= 2 or seen > total - 4 else "*")
        else:
            out.append(c)
    return "".join(out)


class IbanDetector(Detector):
    """IBAN, unspaced or in groups of four, with valid mod-97 check digits and country length.

    Spaced IBANs are matched group by group (``DE89 3704 ...``) so a following word in capitals
    is not taken into the candidate. All-lowercase IBANs (typed into a chat or a note) match
    too; a mixed-case form does not, so a lowercase word after an upper-case IBAN stays out.
    """

    entity = "IBAN_CODE"
    name = "iban"
    version = "1"
    pattern = (
        r"\b(?:[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)"
        r"|[a-z]{2}[0-9]{2}(?:[a-z0-9]{11,30}|(?: [a-z0-9]{4}){2,7}(?: [a-z0-9]{1,3})?))\b"
    )
    prefilter = r"[A-Za-z]{2}[0-9]{2} ?[A-Za-z0-9]{4}"
    score = 0.95

    def validate(self, value: str) -> bool:
        return checksums.is_iban(value)

    def normalise(self, value: str) -> str:
        return value.replace(" ", "").upper()

    def mask(self, value: str) -> str:
        return mask_iban(value)


class SwiftCodeDetector(Detector):
    """SWIFT/BIC (8 or 11 capitals, ISO country at 5-6) in a SWIFT column only.

    BIC-shaped words (``COBADEFF`` has the shape of any 8-letter capitalised word whose
    letters 5-6 happen to be a country) are far too common in text to be reported alone.
    """

    entity = "SWIFT_CODE"
    name = "swift_code"
    version = "1"
    pattern = r"\b[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b"
    score = 0.8
    context = frozenset({"SWIFT_CODE"})

    def validate(self, value: str) -> bool:
        return checksums.is_swift_bic(value)


class BankAccountDetector(Detector):
    """US ABA routing number (3-7-1 checksum, Federal Reserve prefix) or UK sort code
    (``NN-NN-NN``, no checksum) in a bank-account or bank-routing column (headers such as
    ``routing_number`` or ``sort_code`` announce a SWIFT_CODE-like routing code)."""

    entity = "BANK_ACCOUNT"
    name = "bank_account"
    version = "1"
    pattern = r"\b[0-9]{9}\b|\b[0-9]{2}-[0-9]{2}-[0-9]{2}\b"
    score = 0.8
    numeric = True
    context = frozenset({"BANK_ACCOUNT", "SWIFT_CODE"})

    def validate(self, value: str) -> bool:
        return checksums.is_aba_routing(value) or checksums.is_uk_sort_code(value)

    def mask(self, value: str) -> str:
        return mask_digits_keep_last(value, 2)


class CryptoWalletDetector(Detector):
    """Bitcoin (base58check, bech32/bech32m) and Ethereum addresses, checksums verified.

    Use :meth:`chain` to name the chain of a match.
    """

    entity = "CRYPTO"
    name = "crypto_wallet"
    version = "1"
    pattern = (
        r"\b(?:[13][1-9A-HJ-NP-Za-km-z]{25,34}|bc1[02-9ac-hj-np-z]{8,87}|BC1[02-9AC-HJ-NP-Z]{8,87}"
        r"|0x[0-9a-fA-F]{40})\b"
    )
    prefilter = r"[13][1-9A-HJ-NP-Za-km-z]{25}|[bB][cC]1[0-9A-Za-z]{8}|0x[0-9a-fA-F]{40}"
    score = 0.9

    def validate(self, value: str) -> bool:
        return checksums.is_crypto_wallet(value) is not None

    def chain(self, value: str) -> str | None:
        """``"bitcoin"``, ``"ethereum"`` or None."""
        return checksums.is_crypto_wallet(value)

    def mask(self, value: str) -> str:
        return mask_generic(value)
