"""Checksum and structure validators for personal-data identifiers.

A regex finds *candidates*; these functions decide whether a candidate is plausibly the real thing.
That second step is what lets exposure_scan say "these 16-digit strings are order numbers, not card
numbers" instead of flagging every long number. Every function takes the candidate exactly as found
in data, returns a bool (or a small result) and never raises: a crash on one odd cell must not abort
a scan of a leaked dataset. Inputs longer than any real identifier are rejected before any parsing,
so a 10 MB cell costs O(1).

python-stdnum is used wherever its implementation is correct and complete; the gaps it leaves
(card brands, masked PANs, ABA prefixes, VIN region rules, UK NINO, bitcoin bech32m, which
stdnum.bitcoin predates, and EIP-55 with its Keccak-256) are filled here.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import ipaddress
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stdnum import bic as _bic
from stdnum import iban as _iban
from stdnum import luhn as _luhn
from stdnum.de import idnr as _de_idnr
from stdnum.es import nif as _es_nif
from stdnum.fr import nir as _fr_nir
from stdnum.it import codicefiscale as _it_cf
from stdnum.us import rtn as _us_rtn
from stdnum.us import ssn as _us_ssn


def _safe(validator: Callable[[str], object], s: str) -> bool:
    """Run a third-party validator; any exception means "not valid" (a scan must never crash)."""
    try:
        return bool(validator(s))
    except Exception:
        return False


def _fits(s: object, max_len: int) -> bool:
    """Cheap guard run first by every validator: a str no longer than any real identifier."""
    return isinstance(s, str) and 0 < len(s) <= max_len


# --------------------------------------------------------------------------- payment cards

_NON_DIGITS = re.compile(r"[^0-9]")
# Digit groups joined by exactly one separator, the same one throughout (captured, then \1).
_CARD_SHAPE = re.compile(r"[0-9]+(?:([ -])[0-9]+(?:\1[0-9]+)*)?")

# (brand, IIN ranges "low-high" as equal-length prefixes, valid PAN lengths). Order matters only
# where ranges overlap: Discover's 622126-622925 sits inside UnionPay's 62.
_LONG = tuple(range(16, 20))
_CARD_BRANDS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("visa", "4", (13, 16, 19)),
    ("amex", "34 37", (15,)),
    ("mastercard", "51-55 2221-2720", (16,)),
    ("mir", "2200-2204", _LONG),
    ("discover", "6011 644-649 65 622126-622925", _LONG),
    ("unionpay", "62", _LONG),
    ("diners", "300-305 36 38-39", tuple(range(14, 20))),
    ("jcb", "3528-3589", _LONG),
    ("maestro", "50 56-58 6304 6759 676770 676774", tuple(range(12, 20))),
)


def digits_only(s: str) -> str:
    """Keep only ASCII digits (str.isdigit would also keep Arabic-Indic and other digits)."""
    return _NON_DIGITS.sub("", s) if isinstance(s, str) else ""


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check on a string of ASCII digits only; "" and separators are rejected."""
    if not _fits(digits, 64) or len(digits) < 2 or _NON_DIGITS.search(digits):
        return False
    return _safe(_luhn.is_valid, digits)


def luhn_mask(digits: Any) -> Any:
    """:func:`luhn_valid` of every value of a pyarrow string array of ASCII digits, in numpy
    (a phone column holds millions of long digit runs to tell from card numbers). Values that
    are not all digits, or shorter than 2, are False; nulls are False."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.zeros(len(digits), dtype=bool)
    rows = _digit_rows(digits, 2, 64)
    lengths = pc.binary_length(digits.take(pa.array(rows))).to_numpy(zero_copy_only=False)
    for length in np.unique(lengths).tolist():
        sel = rows[lengths == length]
        rev = _digit_grid(digits, sel, length)[:, ::-1]
        doubled = rev[:, 1::2] * 2
        total = rev[:, 0::2].sum(axis=1) + (doubled - 9 * (doubled > 9)).sum(axis=1)
        out[sel] = total % 10 == 0
    return out


def _digit_rows(digits: Any, low: int, high: int) -> Any:
    """Indices of the values of a pyarrow string array that are ``low``-``high`` ASCII
    digits (nulls: none), as a numpy array."""
    import numpy as np
    import pyarrow.compute as pc

    if len(digits) == 0:
        return np.zeros(0, dtype=np.int64)
    ok = pc.fill_null(pc.match_substring_regex(digits, f"^[0-9]{{{low},{high}}}$"), False)
    return np.flatnonzero(np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool))


def _digit_grid(digits: Any, rows: Any, length: int) -> Any:
    """The digits of ``rows`` (values of exactly ``length`` ASCII digits) as a (rows, length)
    int64 numpy array, read from the Arrow buffer."""
    import numpy as np
    import pyarrow as pa

    group = digits.take(pa.array(rows, pa.int64())).cast(pa.binary())
    # a fresh array from take: its values are contiguous, offsets start at 0
    data = np.frombuffer(group.buffers()[2], dtype=np.uint8)[: len(rows) * length]
    return data.reshape(len(rows), length).astype(np.int64) - 48


def card_brand(digits: str) -> str | None:
    """Issuer brand from IIN range *and* a length that brand issues, else None."""
    if not _fits(digits, 19) or _NON_DIGITS.search(digits):
        return None
    for brand, ranges, lengths in _CARD_BRANDS:
        if len(digits) not in lengths:
            continue
        for iin_range in ranges.split():
            low, _, high = iin_range.partition("-")
            if low <= digits[: len(low)] <= (high or low):
                return brand
    return None


def card_brand_mask(digits: Any) -> Any:
    """``card_brand(d) is not None`` for every value of a pyarrow string array, in numpy: the
    look-alike columns of a leak (order numbers, account numbers) hold millions of Luhn-valid
    digit runs, and ``card_brand`` per value cost 5-10 us each. Exact, because every brand
    length is at least 12, so an issuer prefix (at most 6 digits) compares as a number just
    as it compares as text. Nulls and values that are not 1-19 ASCII digits are False."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.zeros(len(digits), dtype=bool)
    rows = _digit_rows(digits, 12, 19)
    if rows.size == 0:
        return out
    chosen = digits.take(pa.array(rows))
    prefix = pc.cast(pc.utf8_slice_codeunits(chosen, 0, 6), pa.int64()).to_numpy()
    lengths = pc.binary_length(chosen).to_numpy(zero_copy_only=False)
    hit = np.zeros(rows.size, dtype=bool)
    for _brand, ranges, brand_lengths in _CARD_BRANDS:
        fits = np.isin(lengths, brand_lengths)
        for iin_range in ranges.split():
            low, _, high = iin_range.partition("-")
            lead = prefix // 10 ** (6 - len(low))
            hit |= fits & (lead >= int(low)) & (lead <= int(high or low))
    out[rows] = hit
    return out


def ean13_mask(digits: Any) -> Any:
    """``stdnum.ean.is_valid`` of every value of a pyarrow string array of 13 ASCII digits,
    in numpy (a column of order numbers holds millions to tell from phone numbers): the
    digits weighted 1, 3, 1, ... from the check digit leftwards sum to a multiple of ten.
    Values that are not 13 digits are False; nulls are False."""
    import numpy as np

    out = np.zeros(len(digits), dtype=bool)
    rows = _digit_rows(digits, 13, 13)
    if rows.size == 0:
        return out
    grid = _digit_grid(digits, rows, 13)
    weights = np.array([1, 3] * 6 + [1], dtype=np.int64)  # the check digit (last) weighs 1
    out[rows] = (grid @ weights) % 10 == 0
    return out


def is_card_number(s: str) -> bool:
    """A full PAN: 13-19 digits (optionally grouped by one consistent separator, space or dash),
    Luhn-valid and inside a known brand's IIN range and lengths. The brand check is what rejects
    Luhn-valid look-alikes such as EAN-13 barcodes and internal account numbers."""
    if not _fits(s, 40):
        return False
    s = s.strip()
    if not _CARD_SHAPE.fullmatch(s):
        return False
    digits = digits_only(s)
    return 13 <= len(digits) <= 19 and luhn_valid(digits) and card_brand(digits) is not None


_MASK_SHAPE = re.compile(r"[0-9*xX•#]+(?:([ -])[0-9*xX•#]+(?:\1[0-9*xX•#]+)*)?")
# At most the first 6 and last 4 digits in clear, one mask character used for a run of >= 4.
_MASK_BODY = re.compile(r"([0-9]{0,6})([*xX•#])\2{3,}([0-9]{0,4})")


def is_masked_card(s: str) -> bool:
    """A PCI-style truncated PAN (`411111******1111`, `**** **** **** 1111`, `XXXXXXXXXXXX1111`).

    13-19 positions, one mask character, at most first 6 / last 4 clear and at least 4 digits clear
    in total (a row of `*` alone is a password placeholder, not card data). If leading digits are
    shown the first must be a payment-card major industry identifier (2-6).
    """
    if not _fits(s, 40):
        return False
    s = s.strip()
    if not _MASK_SHAPE.fullmatch(s):
        return False
    body = s.replace(" ", "").replace("-", "")
    match = _MASK_BODY.fullmatch(body)
    if match is None or not 13 <= len(body) <= 19:
        return False
    head, tail = match.group(1), match.group(3)
    return len(head) + len(tail) >= 4 and (not head or head[0] in "23456")


_EXPIRY = re.compile(r"(0[1-9]|1[0-2])(?:/[0-9]{2}|/20[0-9]{2}|-[0-9]{2}|[0-9]{2})")


def is_card_expiry(s: str) -> bool:
    """MM/YY, MM/YYYY (20YY only), MM-YY or MMYY. Shape only: meaningful next to a PAN."""
    return _fits(s, 12) and _EXPIRY.fullmatch(s.strip()) is not None


# --------------------------------------------------------------------------- banking

# One optional space before each character keeps the pattern unambiguous (no backtracking blow-up).
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9])+")


def _iban_checksum_ok(s: str) -> bool:
    return _iban.is_valid(s, check_country=False)


def is_iban(s: str) -> bool:
    """IBAN with valid mod-97 check digits, the country's registered length and BBAN structure.

    stdnum's extra national checks are skipped on purpose: some look banks up in a bundled
    registry, and a bank missing from it would turn a real exposed IBAN into a false "absent".
    Single spaces between characters/groups are allowed."""
    if not _fits(s, 50):
        return False
    s = s.strip().upper()
    return _IBAN_SHAPE.fullmatch(s) is not None and _safe(_iban_checksum_ok, s)


_BIC_SHAPE = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")


def is_swift_bic(s: str) -> bool:
    """SWIFT/BIC: 8 or 11 uppercase characters with an ISO country at positions 5-6. Lowercase is
    rejected on purpose: `abcdefgh`-like words would otherwise match whenever 5-6 is a country."""
    if not _fits(s, 16):
        return False
    s = s.strip()
    return _BIC_SHAPE.fullmatch(s) is not None and _safe(_bic.is_valid, s)


_ABA_SHAPE = re.compile(r"[0-9]{9}")


def _aba_prefix_ok(prefix: int) -> bool:
    """Federal Reserve routing symbol ranges: 01-12 banks, 21-32 thrifts, 61-72 electronic, 80
    traveller's cheques. 00 (US government) is excluded: too few real cases for its false hits."""
    return 1 <= prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72 or prefix == 80


def is_aba_routing(s: str) -> bool:
    """US ABA routing transit number: 9 digits, 3-7-1 checksum (stdnum) and a valid prefix."""
    if not _fits(s, 16):
        return False
    s = s.strip()
    return (
        _ABA_SHAPE.fullmatch(s) is not None
        and _aba_prefix_ok(int(s[:2]))
        and _safe(_us_rtn.is_valid, s)
    )


_SORT_CODE = re.compile(r"[0-9]{2}-[0-9]{2}-[0-9]{2}")


def is_uk_sort_code(s: str) -> bool:
    """UK sort code shape `NN-NN-NN`. No checksum exists; callers need column or text context."""
    return _fits(s, 12) and _SORT_CODE.fullmatch(s.strip()) is not None


# --------------------------------------------------------------------------- vehicles

_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_SHAPE = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_VIN_YEAR_CODES = frozenset("ABCDEFGHJKLMNPRSTVWXY123456789")
_VIN_CHECKED_REGIONS = frozenset("123457")  # North America (7 is the newer US allocation)


def vin_check_digit(vin: str) -> str:
    """The ISO 3779 / FMVSS 115 check digit ("0"-"9" or "X") a VIN should carry at position 9,
    or "" when `vin` is not 17 VIN characters (I, O, Q excluded)."""
    if not _fits(vin, 17) or not _VIN_SHAPE.fullmatch(vin.upper()):
        return ""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin.upper(), _VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def is_vin(s: str) -> bool:
    """Vehicle identification number (ISO 3779), all-upper or all-lower case.

    Always required: 17 characters without I/O/Q, a WMI whose first character is an assigned
    ISO 3780 region (anything but 0; Z is Italy, e.g. Ferrari), at least one letter and one digit,
    and at least 5 distinct characters (so `11111111111111111`, whose check digit happens to be
    valid, is rejected as filler). North American VINs (first character 1-5 or 7) must carry a
    valid check digit at position 9. Other regions, notably Europe, do not use the check digit, so
    they pass with a valid check digit OR a valid model-year code at position 10 (not U, Z or 0).
    """
    if not _fits(s, 24):
        return False
    s = s.strip()
    if s != s.upper() and s != s.lower():
        return False
    vin = s.upper()
    if not _VIN_SHAPE.fullmatch(vin) or vin[0] == "0" or len(set(vin)) < 5:
        return False
    if vin.isdigit() or not any(c.isdigit() for c in vin):
        return False
    check_ok = vin[8] == vin_check_digit(vin)
    if vin[0] in _VIN_CHECKED_REGIONS:
        return check_ok
    return check_ok or vin[9] in _VIN_YEAR_CODES


# --------------------------------------------------------------------------- national IDs

_SSN_SHAPE = re.compile(r"[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{9}")
_SSN_EXTRA_FAKES = frozenset({"123456789"})  # stdnum already lists 078-05-1120 and 219-09-9999


def is_us_ssn(s: str) -> bool:
    """US SSN as `AAA-GG-SSSS` or 9 digits: area not 000/666/9xx, group not 00, serial not 0000,
    and not one of the famous published/advertising numbers."""
    if not _fits(s, 16):
        return False
    s = s.strip()
    if not _SSN_SHAPE.fullmatch(s) or s.replace("-", "") in _SSN_EXTRA_FAKES:
        return False
    return _safe(_us_ssn.is_valid, s)


_IT_CF_SHAPE = re.compile(r"[A-Za-z0-9]{16}")


def is_it_fiscal_code(s: str) -> bool:
    """Italian codice fiscale of a person (16 chars, check letter, birth date; omocodia handled by
    stdnum). 11-digit company codes are rejected: they identify businesses, not people."""
    if not _fits(s, 24):
        return False
    s = s.strip()
    return _IT_CF_SHAPE.fullmatch(s) is not None and _safe(_it_cf.is_valid, s)


_NINO = re.compile(r"([A-Z]{2}) ?([0-9]{2}) ?([0-9]{2}) ?([0-9]{2}) ?([A-D])")
_NINO_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def is_uk_nino(s: str) -> bool:
    """UK National Insurance number (stdnum has none): HMRC prefix rules (first letter not
    D/F/I/Q/U/V, second not D/F/I/O/Q/U/V, not BG/GB/KN/NK/NT/TN/ZZ), 6 digits, suffix A-D.
    The HMRC documentation example QQ123456C is therefore rejected, as it should be."""
    if not _fits(s, 16):
        return False
    match = _NINO.fullmatch(s.strip().upper())
    if match is None:
        return False
    prefix = match.group(1)
    return (
        prefix[0] not in "DFIQUV"
        and prefix[1] not in "DFIOQUV"
        and prefix not in _NINO_BAD_PREFIXES
    )


_ES_NIF_SHAPE = re.compile(r"[A-Za-z0-9]{1,2}[0-9 -]{7,10}[A-Za-z0-9]")


def is_es_nif(s: str) -> bool:
    """Spanish NIF: DNI, NIE or CIF with its check character (stdnum.es.nif dispatches to all)."""
    if not _fits(s, 16):
        return False
    s = s.strip()
    return _ES_NIF_SHAPE.fullmatch(s) is not None and _safe(_es_nif.is_valid, s)


_DE_IDNR_SHAPE = re.compile(r"[0-9][0-9 /.-]{9,14}[0-9]")


def is_de_tax_id(s: str) -> bool:
    """German Steuer-IdNr (11 digits, digit-repetition rule, ISO 7064 mod 11,10 check)."""
    if not _fits(s, 20):
        return False
    s = s.strip()
    return _DE_IDNR_SHAPE.fullmatch(s) is not None and _safe(_de_idnr.is_valid, s)


_FR_NIR_SHAPE = re.compile(r"[1-478][0-9 .]{4,8}(?:[0-9]{2}|2[AaBb])[0-9 .]{8,14}")


def is_fr_nir(s: str) -> bool:
    """French NIR (sécurité sociale number, 15 chars incl. Corsican 2A/2B) with its mod-97 key.
    The first digit must be a sex/status code (1-4, 7, 8), which stdnum does not check."""
    if not _fits(s, 24):
        return False
    s = s.strip()
    return _FR_NIR_SHAPE.fullmatch(s) is not None and _safe(_fr_nir.is_valid, s)


# --------------------------------------------------------------------------- network


def is_ipv4(s: str) -> bool:
    """Dotted-quad IPv4, exactly four octets without leading zeros (so `1.2.3.4.5` fails)."""
    if not _fits(s, 20):
        return False
    try:
        ipaddress.IPv4Address(s.strip())
    except ValueError:
        return False
    return True


def is_ipv6(s: str) -> bool:
    """Syntactically valid IPv6 (incl. `::`, embedded IPv4, zone id). Syntax only: callers decide
    whether loopback or documentation ranges matter."""
    if not _fits(s, 64):
        return False
    try:
        ipaddress.IPv6Address(s.strip())
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------- crypto wallets

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_SHAPE = re.compile(r"[13][1-9A-HJ-NP-Za-km-z]{25,34}")
_BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_SHAPE = re.compile(r"bc1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{8,87}")
_BECH32_CONST, _BECH32M_CONST = 1, 0x2BC830A3
_ETH_SHAPE = re.compile(r"0x[0-9a-fA-F]{40}")


def _base58check_ok(s: str) -> bool:
    """P2PKH (version 0x00) or P2SH (0x05) with a valid double-SHA256 checksum."""
    value = 0
    for char in s:
        value = value * 58 + _B58_ALPHABET.index(char)
    leading_zeros = len(s) - len(s.lstrip("1"))
    body = value.to_bytes((value.bit_length() + 7) // 8, "big")
    raw = b"\x00" * leading_zeros + body
    if len(raw) != 25 or raw[0] not in (0x00, 0x05):
        return False
    return hashlib.sha256(hashlib.sha256(raw[:21]).digest()).digest()[:4] == raw[21:]


def _bech32_polymod(values: list[int]) -> int:
    generator = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(generator):
            chk ^= gen if (top >> i) & 1 else 0
    return chk


def _bech32_segwit_ok(s: str) -> bool:
    """BIP173/BIP350 segwit address on mainnet: v0 uses bech32, v1-16 bech32m; program 2-40
    bytes (v0: 20 or 32); the 5-to-8-bit regrouping must have zero padding."""
    data = [_BECH32_CHARSET.index(c) for c in s[3:]]
    const = _bech32_polymod([3, 3, 0, 2, 3, *data])  # expanded HRP "bc" then the data part
    version, payload = data[0], data[1:-6]
    if version > 16 or const != (_BECH32_CONST if version == 0 else _BECH32M_CONST):
        return False
    acc = bits = 0
    program = bytearray()
    for value in payload:
        acc, bits = (acc << 5) | value, bits + 5
        if bits >= 8:
            bits -= 8
            program.append((acc >> bits) & 0xFF)
    if bits >= 5 or acc & ((1 << bits) - 1):
        return False
    return 2 <= len(program) <= 40 and (version != 0 or len(program) in (20, 32))


@functools.cache
def _keccak_constants() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Round constants and rho offsets of Keccak-f[1600], derived as in FIPS 202 (no typo risk)."""
    lfsr, bits = 1, []
    for _ in range(7 * 24):
        bits.append(lfsr & 1)
        lfsr = ((lfsr << 1) ^ (0x171 if lfsr & 0x80 else 0)) & 0xFF
    rc = tuple(sum(bits[7 * r + j] << ((1 << j) - 1) for j in range(7)) for r in range(24))
    rot, (x, y) = [0] * 25, (1, 0)
    for t in range(24):
        rot[x + 5 * y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return rc, tuple(rot)


def _keccak256(data: bytes) -> bytes:
    """Original Keccak-256 (Ethereum's hash; hashlib.sha3_256 differs in padding)."""
    rc, rot = _keccak_constants()
    mask, rate = (1 << 64) - 1, 136
    msg = bytearray(data) + b"\x01" + b"\x00" * (-(len(data) + 1) % rate)
    msg[-1] |= 0x80
    a = [0] * 25
    for off in range(0, len(msg), rate):
        for i in range(rate // 8):
            a[i] ^= int.from_bytes(msg[off + 8 * i : off + 8 * i + 8], "little")
        for round_constant in rc:
            c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
            d = [c[x - 1] ^ ((c[(x + 1) % 5] << 1 | c[(x + 1) % 5] >> 63) & mask) for x in range(5)]
            b = [0] * 25
            for i in range(25):
                x, y, v = i % 5, i // 5, a[i] ^ d[i % 5]
                b[y + 5 * ((2 * x + 3 * y) % 5)] = (v << rot[i] | v >> (64 - rot[i])) & mask
            a = [
                b[i] ^ (~b[(i + 1) % 5 + i // 5 * 5] & b[(i + 2) % 5 + i // 5 * 5])
                for i in range(25)
            ]
            a[0] ^= round_constant
    return b"".join(lane.to_bytes(8, "little") for lane in a[:4])


def _eip55_ok(hex_part: str) -> bool:
    """All-lower / all-upper carry no checksum; mixed case must match EIP-55 exactly."""
    if hex_part in (hex_part.lower(), hex_part.upper()):
        return True
    digest = _keccak256(hex_part.lower().encode("ascii")).hex()
    expected = "".join(
        c.upper() if c.isalpha() and int(h, 16) >= 8 else c
        for c, h in zip(hex_part.lower(), digest, strict=False)
    )
    return expected == hex_part


def is_crypto_wallet(s: str) -> str | None:
    """ "bitcoin" (base58check P2PKH/P2SH, bech32/bech32m `bc1`, checksums verified), "ethereum"
    (`0x` + 40 hex, EIP-55 verified when mixed case), else None."""
    if not _fits(s, 100):
        return None
    s = s.strip()
    if _B58_SHAPE.fullmatch(s):
        return "bitcoin" if _base58check_ok(s) else None
    if s in (s.lower(), s.upper()) and _BECH32_SHAPE.fullmatch(s.lower()):
        return "bitcoin" if _bech32_segwit_ok(s.lower()) else None
    if _ETH_SHAPE.fullmatch(s):
        return "ethereum" if _eip55_ok(s[2:]) else None
    return None


# --------------------------------------------------------------------------- e-mail

_EMAIL_LOCAL = re.compile(r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*")
_PSL_FILE = ".tld_set_snapshot"
_FALLBACK_TLDS = frozenset({"com", "net", "org", "edu", "gov", "mil", "int", "info", "biz"})


def _domain_label_ok(label: str) -> bool:
    return (
        0 < len(label) <= 63
        and label[0] != "-"
        and label[-1] != "-"
        and all(c == "-" or (c.isalnum() and c.isprintable()) for c in label)
    )


def is_email_syntax(s: str) -> bool:
    """Pragmatic address syntax: dot-atom local part (<= 64, Unicode letters allowed per RFC 6531;
    quoted local parts are not), a domain of >= 2 LDH/IDN labels (<= 253) and an alphabetic or
    `xn--` top-level label. Whether that TLD exists is a separate question: `is_known_tld`."""
    if not _fits(s, 254):
        return False
    local, at, domain = s.strip().rpartition("@")
    if not at or len(local) > 64 or _EMAIL_LOCAL.fullmatch(local) is None or len(domain) > 253:
        return False
    labels = domain.split(".")
    tld = labels[-1]
    tld_ok = (tld.isalpha() and len(tld) >= 2) or tld.lower().startswith("xn--")
    return len(labels) >= 2 and tld_ok and all(_domain_label_ok(label) for label in labels)


@functools.cache
def _known_tlds() -> frozenset[str]:
    """Top-level labels of the public suffix list snapshot bundled in tldextract's package data.

    Read straight from the file (found via find_spec, which does not import tldextract) so no
    network fetch or cache directory is ever touched. IDN TLDs are stored in both Unicode and
    punycode form. Without tldextract a tiny fallback plus "any two letters" keeps e-mail checks
    usable rather than silently rejecting everything.
    """
    spec = importlib.util.find_spec("tldextract")
    roots = spec.submodule_search_locations if spec else None
    path = Path(next(iter(roots))) / _PSL_FILE if roots else None
    if path is None or not path.is_file():
        return frozenset()
    tlds: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if "===END ICANN DOMAINS===" in line:
            break
        rule = line.strip()
        if not rule or rule.startswith("//"):
            continue
        label = rule.rsplit(".", 1)[-1].lstrip("!*").lower()
        tlds.add(label)
        if not label.isascii():
            tlds.add("xn--" + label.encode("punycode").decode("ascii"))
    return frozenset(tlds)


def known_tlds() -> frozenset[str]:
    """Every known top-level label, lower case (empty when no snapshot is installed)."""
    return _known_tlds()


def is_known_tld(tld: str) -> bool:
    """True if `tld` (case-insensitive, leading dot allowed, Unicode or xn--) is a delegated
    top-level domain according to the offline public suffix list snapshot."""
    if not _fits(tld, 70):
        return False
    label = tld.strip().removeprefix(".").lower()
    known = _known_tlds()
    if not known:
        return label in _FALLBACK_TLDS or (len(label) == 2 and label.isascii() and label.isalpha())
    return label in known


# --------------------------------------------------------------------------- password hashes

_CRYPT64 = r"[./A-Za-z0-9]"
_HASH_SCHEMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("bcrypt", re.compile(rf"\$2[abxy]\$(?:0[4-9]|[12][0-9]|3[01])\${_CRYPT64}{{53}}")),
    (
        "argon2",
        re.compile(
            r"\$argon2(?:id|i|d)\$(?:v=[0-9]+\$)?m=[0-9]+,t=[0-9]+,p=[0-9]+(?:\$[A-Za-z0-9+/]+){2}"
        ),
    ),
    ("scrypt", re.compile(r"\$scrypt\$ln=[0-9]+,r=[0-9]+,p=[0-9]+\$[^$\s]*\$[A-Za-z0-9+/=]+")),
    ("scrypt", re.compile(rf"\$7\${_CRYPT64}{{11}}[^$\s]*\${_CRYPT64}{{43}}")),
    ("sha512-crypt", re.compile(rf"\$6\$(?:rounds=[0-9]+\$)?{_CRYPT64}{{0,16}}\${_CRYPT64}{{86}}")),
    ("sha256-crypt", re.compile(rf"\$5\$(?:rounds=[0-9]+\$)?{_CRYPT64}{{0,16}}\${_CRYPT64}{{43}}")),
    ("md5-crypt", re.compile(rf"\$1\${_CRYPT64}{{0,8}}\${_CRYPT64}{{22}}")),
)
_HEX_DIGESTS = {32: "md5", 40: "sha1", 64: "sha256"}
_HEX = re.compile(r"[0-9a-f]+|[0-9A-F]+")


def password_hash_scheme(s: str) -> str | None:
    """Name the password-hash scheme of a stored hash, or None.

    Modular-crypt formats ($2b$, $argon2id$, $scrypt$/$7$, $6$, $5$, $1$) are self-describing.
    Bare hex digests ("md5" 32, "sha1" 40, "sha256" 64 hex, single case, with both digits and
    letters) are only *shapes*: any hex ID of that length matches, so callers must use them only
    for values in a password column. NTLM is never claimed: it is indistinguishable from md5.
    """
    if not _fits(s, 512):
        return None
    s = s.strip()
    for scheme, pattern in _HASH_SCHEMES:
        if pattern.fullmatch(s):
            return scheme
    digest = _HEX_DIGESTS.get(len(s))
    if digest is None or _HEX.fullmatch(s) is None:
        return None
    has_digit, has_letter = any(c.isdigit() for c in s), any(c.isalpha() for c in s)
    return digest if has_digit and has_letter else None
