"""Checksum-valid identifiers and their look-alikes for the synthetic leak generator.

The check digits are hand-written rather than taken from python-stdnum on purpose: the test
suite validates planted values with python-stdnum, so generator and checker stay independent
and a bug in one cannot hide in the other.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")

# ---------------------------------------------------------------------------- checksums


def _digits(rng: random.Random, n: int) -> str:
    """n random digits; getrandbits is C-fast where randrange is not (1M-row benchmarks)."""
    return f"{rng.getrandbits(4 * n) % 10**n:0{n}d}" if n > 0 else ""


def randint(rng: random.Random, lo: int, hi: int) -> int:
    return lo + int(rng.random() * (hi - lo + 1))


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


# Two-digit lookup tables: checksums over million-row columns must not loop per digit.
_LUHN_PAIRS = {f"{a}{b}": (2 * a - 9 if a > 4 else 2 * a) + b for a in range(10) for b in range(10)}
_LUHN_HEAD = {str(a): 2 * a - 9 if a > 4 else 2 * a for a in range(10)}
_EAN_PAIRS = {f"{a}{b}": a + 3 * b for a in range(10) for b in range(10)}


def luhn_check_digit(payload: str) -> str:
    """The digit that makes ``payload + digit`` pass Luhn."""
    rev, n = payload[::-1], len(payload)
    total = sum([_LUHN_PAIRS[rev[i : i + 2]] for i in range(0, n - 1, 2)])
    if n % 2:
        total += _LUHN_HEAD[rev[-1]]
    return str(-total % 10)


def ean13_check_digit(payload: str) -> str:
    total = sum([_EAN_PAIRS[payload[i : i + 2]] for i in range(0, 12, 2)])
    return str(-total % 10)


_IBAN_LETTERS = str.maketrans({chr(65 + i): str(10 + i) for i in range(26)})


def _mod97_int(text: str) -> int:
    return int(text.translate(_IBAN_LETTERS)) % 97


def iban_from_bban(country: str, bban: str) -> str:
    check = 98 - _mod97_int(bban + country + "00")
    return f"{country}{check:02d}{bban}"


# Odd/even tables shared by the Italian fiscal code and the Italian IBAN CIN.
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ODD_VALUES = (1, 0, 5, 7, 9, 13, 15, 17, 19, 21) * 2 + (
    2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
)  # fmt: skip
_ODD = dict(zip(_ALNUM, _ODD_VALUES, strict=True))
_EVEN = {c: (int(c) if c.isdigit() else ord(c) - 65) for c in _ALNUM}


def it_check_char(body: str) -> str:
    """Control character of a codice fiscale (and of an Italian IBAN CIN)."""
    total = sum((_ODD if i % 2 == 0 else _EVEN)[c] for i, c in enumerate(body))
    return chr(65 + total % 26)


# ---------------------------------------------------------------------------- cards


def card_number(rng: random.Random) -> str:
    """A Luhn-valid PAN with a real brand IIN/length: Visa, Mastercard (51-55, 2-series), Amex."""
    r = rng.random()
    if r < 0.5:
        prefix, length = "4", 16
    elif r < 0.65:
        prefix, length = str(randint(rng, 51, 55)), 16
    elif r < 0.8:
        prefix, length = str(randint(rng, 2221, 2720)), 16
    else:
        prefix, length = pick(rng, ("34", "37")), 15
    body = prefix + _digits(rng, length - 1 - len(prefix))
    return body + luhn_check_digit(body)


def _group(number: str, sizes: tuple[int, ...], sep: str) -> str:
    out, pos = [], 0
    for size in sizes:
        out.append(number[pos : pos + size])
        pos += size
    return sep.join(out)


def format_card(pan: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.55:
        return pan
    sizes = (4, 6, 5) if len(pan) == 15 else (4, 4, 4, 4)
    return _group(pan, sizes, " " if r < 0.85 else "-")


def masked_card(pan: str, rng: random.Random) -> str:
    """Masked forms as seen in payment logs: they expose at most first 6 and last 4 digits."""
    r = rng.random()
    if r < 0.6:
        return pan[:6] + "*" * (len(pan) - 10) + pan[-4:]
    if r < 0.8:
        return "**** **** **** " + pan[-4:]
    if r < 0.9:
        return "XXXX-XXXX-XXXX-" + pan[-4:]
    return pan[:4] + " " + "X" * 4 + " " + "X" * 4 + " " + pan[-4:]


# ---------------------------------------------------------------------------- IBAN


def _es_dc(digits: str) -> str:
    weights = (1, 2, 4, 8, 5, 10, 9, 7, 3, 6)
    value = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return "0" if value == 11 else "1" if value == 10 else str(value)


def _bban(country: str, rng: random.Random) -> str:
    def d(n: int) -> str:
        return _digits(rng, n)

    if country == "IT":
        rest = d(5) + d(5) + d(12)
        return it_check_char(rest) + rest
    if country == "DE":
        return str(randint(rng, 1, 8)) + d(7) + d(10)
    if country == "FR":
        bank, branch, account = d(5), d(5), d(11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        return f"{bank}{branch}{account}{key:02d}"
    if country == "ES":
        bank_branch, account = d(8), d(10)
        return bank_branch + _es_dc("00" + bank_branch) + _es_dc(account) + account
    if country == "GB":
        return pick(rng, ("BARC", "LOYD", "HBUK", "NWBK", "MIDL")) + d(6) + d(8)
    if country == "NL":
        return pick(rng, ("ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB", "KNAB")) + d(10)
    if country == "CH":
        return d(5) + d(12)
    if country == "PT":
        body = d(19)
        return body + f"{98 - int(body) * 100 % 97:02d}"
    if country == "BE":  # bank codes 000-099: the big two banks' allocated ranges
        body = f"{randint(rng, 0, 99):03d}" + d(7)
        return body + f"{int(body) % 97 or 97:02d}"
    if country == "AT":
        return str(randint(rng, 1, 9)) + d(4) + d(11)
    raise ValueError(f"no IBAN layout for {country}")


IBAN_COUNTRIES = ("IT", "DE", "FR", "ES", "GB", "NL", "CH", "PT", "BE", "AT")


def iban(country: str | None, rng: random.Random) -> str:
    """A mod-97-valid IBAN whose BBAN also carries the national check digits where one exists."""
    cc = country if country in IBAN_COUNTRIES else pick(rng, ("BE", "AT", "DE", "NL"))
    value = iban_from_bban(cc, _bban(cc, rng))
    if rng.random() < 0.4:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


# ---------------------------------------------------------------------------- VIN

VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_VIN_VALUES = dict(
    zip("ABCDEFGHJKLMNPRSTUVWXYZ", (*range(1, 9), *range(1, 6), 7, 9, *range(2, 10)), strict=True)
)
_VIN_VALUES.update({str(i): i for i in range(10)})
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_US_WMI = ("1HG", "1FA", "1FT", "1G1", "1GC", "1C4", "1N4", "2T1", "2HG", "3VW", "4T1", "5YJ")
_EU_WMI = ("WVW", "WBA", "WDD", "WAU", "VF1", "VF3", "ZFA", "ZAR", "SAL", "TMB", "VSS", "YV1")
_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def vin_check_char(vin: str) -> str:
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def vin(rng: random.Random) -> str:
    """North-American VINs carry a valid check digit; European ones (no check digit) follow
    the manufacturer layouts seen in the wild, e.g. VW group 'ZZZ' fillers."""

    def chars(n: int) -> str:
        return "".join(rng.choices(VIN_ALPHABET, k=n))

    tail = pick(rng, _YEAR_CODES) + chars(1) + _digits(rng, 6)
    if rng.random() < 0.6:
        draft = pick(rng, _US_WMI) + chars(5) + "0" + tail
        return draft[:8] + vin_check_char(draft) + draft[9:]
    wmi = pick(rng, _EU_WMI)
    if wmi in ("WVW", "WAU", "TMB", "VSS"):
        return wmi + "ZZZ" + chars(2) + "Z" + tail
    return wmi + chars(6) + tail


# ---------------------------------------------------------------------------- national IDs


def us_ssn(rng: random.Random) -> str:
    """Area/group/serial inside the SSA-issuable ranges (no 000, 666, 9xx, 00, 0000)."""
    area = randint(rng, 1, 898)
    area += area >= 666
    value = f"{area:03d}{randint(rng, 1, 99):02d}{randint(rng, 1, 9999):04d}"
    r = rng.random()
    if r < 0.75:
        return f"{value[:3]}-{value[3:5]}-{value[5:]}"
    return value if r < 0.9 else f"{value[:3]} {value[3:5]} {value[5:]}"


def ascii_letters(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).upper()
    return "".join(c for c in folded if "A" <= c <= "Z")


def _cf_part(name: str, *, first_name: bool) -> str:
    letters = ascii_letters(name)
    cons = [c for c in letters if c not in "AEIOU"]
    vows = [c for c in letters if c in "AEIOU"]
    if first_name and len(cons) >= 4:
        cons = [cons[0], cons[2], cons[3]]
    return ("".join(cons + vows) + "XXX")[:3]


PLACE_CODES = {
    "IT": ("H501", "F205", "L219", "F839", "G273", "A944", "D612", "L736", "D969", "A662"),
    "DE": ("Z112",), "FR": ("Z110",), "GB": ("Z114",), "US": ("Z404",), "ES": ("Z131",),
    "NL": ("Z126",), "CH": ("Z133",), "JP": ("Z219",), "PT": ("Z128",),
}  # fmt: skip


def codice_fiscale(
    last: str, first: str, dob: dt.date, female: bool, region: str, rng: random.Random
) -> str:
    """Derived from the planted person like a real one: foreign-born people get a Z code."""
    place = pick(rng, PLACE_CODES.get(region, ("Z404",)))
    day = dob.day + (40 if female else 0)
    body = (
        f"{_cf_part(last, first_name=False)}{_cf_part(first, first_name=True)}"
        f"{dob.year % 100:02d}{'ABCDEHLMPRST'[dob.month - 1]}{day:02d}{place}"
    )
    return body + it_check_char(body)


# ---------------------------------------------------------------------------- IP, dates

_PUBLIC_FIRST_OCTETS = (
    2, 5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 91, 93, 94, 95,
    109, 151, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217,
)  # fmt: skip


def ip_address(rng: random.Random) -> str:
    if rng.random() < 0.85:
        first = pick(rng, _PUBLIC_FIRST_OCTETS)
        return f"{first}.{randint(rng, 0, 255)}.{randint(rng, 0, 255)}.{randint(rng, 1, 254)}"
    head = pick(rng, ("2a02", "2a01", "2001", "2a00", "2003", "2600"))
    tail = ":".join(f"{rng.getrandbits(16):x}" for _ in range(7))
    return f"{head}:{tail}"


_EPOCH_DOB = dt.date(1940, 1, 1).toordinal()
_SPAN_DOB = dt.date(2006, 12, 31).toordinal() - _EPOCH_DOB


def birth_date(rng: random.Random) -> dt.date:
    return dt.date.fromordinal(_EPOCH_DOB + rng.randrange(_SPAN_DOB))


DATE_STYLES: dict[str, Callable[[dt.date], str]] = {
    "iso": lambda d: d.isoformat(),
    "dmy/": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
    "dmy.": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "dmy-": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}",
    "mdy/": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
    "ymd/": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
}
LOCALE_DATE_STYLE = {
    "it_IT": "dmy/", "fr_FR": "dmy/", "en_GB": "dmy/", "es_ES": "dmy/", "pt_PT": "dmy/",
    "de_DE": "dmy.", "de_CH": "dmy.", "nl_NL": "dmy-", "en_US": "mdy/", "ja_JP": "ymd/",
}  # fmt: skip

_EPOCH_REG = dt.datetime(2015, 1, 1)
_SPAN_REG = int((dt.datetime(2024, 12, 31) - _EPOCH_REG).total_seconds())


def timestamps(rng: random.Random, n: int, *, iso_t: bool) -> list[str]:
    """Sorted registration/event timestamps (2015-2024): dates that are NOT birth dates."""
    sep, end = ("T", "Z") if iso_t else (" ", "")
    days: dict[int, str] = {}
    out = []
    for s in sorted(int(rng.random() * _SPAN_REG) for _ in range(n)):
        day, rest = divmod(s, 86400)
        if day not in days:
            days[day] = (_EPOCH_REG + dt.timedelta(days=day)).strftime("%Y-%m-%d")
        hh, rest = divmod(rest, 3600)
        out.append(f"{days[day]}{sep}{hh:02d}:{rest // 60:02d}:{rest % 60:02d}{end}")
    return out


# ---------------------------------------------------------------------------- look-alikes


def order_number(rng: random.Random) -> str:
    """13-16 digits that a naive PAN regex would take for a card: most fail Luhn, the rest pass
    it but start with a digit no card scheme issues (0, 9)."""
    length = randint(rng, 13, 16)
    if rng.random() < 0.3:
        body = pick(rng, "09") + _digits(rng, length - 2)
        return body + luhn_check_digit(body)
    body = pick(rng, "0123456789") + _digits(rng, length - 2)
    good = int(luhn_check_digit(body))
    return body + str((good + randint(rng, 1, 9)) % 10)


_EAN_PREFIXES = ("80", "81", "400", "401", "420", "30", "34", "50", "84", "87", "76", "45", "560")


def ean13(rng: random.Random) -> str:
    prefix = pick(rng, _EAN_PREFIXES)
    body = prefix + _digits(rng, 12 - len(prefix))
    return body + ean13_check_digit(body)


def sku(rng: random.Random) -> str:
    letters = "".join(rng.choices("ABCDEFGHJKLMNPRSTUVWXYZ", k=2))
    size = pick(rng, ("XS", "S", "M", "L", "XL", "42", "44", "OS"))
    if rng.random() < 0.5:
        return f"{letters}-{randint(rng, 1000, 9999)}-{size}"
    return f"SKU{randint(rng, 100000, 999999)}"


def price(rng: random.Random) -> str:
    return f"{randint(rng, 1, 499)}.{pick(rng, ('99', '95', '00', '49', '90', '50'))}"


def uuid4(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def sha1_hex(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def version(rng: random.Random) -> str:
    """Dotted quads that parse as IPv4 addresses but are build numbers."""
    return (
        f"{randint(rng, 1, 12)}.{randint(rng, 0, 20)}.{randint(rng, 0, 30)}.{randint(rng, 0, 255)}"
    )


# Warehouses, not homes: coordinates of a business site are not personal data.
_WAREHOUSES = (
    (45.4642, 9.19), (41.9028, 12.4964), (52.52, 13.405), (48.8566, 2.3522), (51.5072, -0.1276),
    (40.4168, -3.7038), (52.3676, 4.9041), (47.3769, 8.5417), (38.7223, -9.1393),
    (50.1109, 8.6821), (43.2965, 5.3698), (53.4808, -2.2426),
)  # fmt: skip


def warehouse(rng: random.Random) -> tuple[str, str]:
    lat, lon = pick(rng, _WAREHOUSES)
    return f"{lat:.4f}", f"{lon:.4f}"


CAR_MODELS = (
    "Golf GTI", "Panda 1.2", "Polo 1.0 TSI", "Clio V", "308 SW", "Fiesta ST", "Corsa-e", "500X",
    "Model 3", "Civic Type R", "Yaris Hybrid", "A4 Avant", "320d Touring", "Qashqai", "Ibiza FR",
    "Octavia RS", "Punto Evo", "Twingo", "Duster", "XC60 B4", "Tipo SW", "Kuga ST-Line",
)  # fmt: skip

_NOTE_TEMPLATES = (
    "Colour {colour}, size {size}.",
    "Backordered, ships in {n} weeks.",
    "Replaced under warranty (batch {batch}).",
    "Gift wrapping requested.",
    "Returned: wrong size, refund issued.",
    "Box slightly damaged, contents OK.",
    "Bundle with {n} spare filters.",
    "Firmware {fw} preinstalled.",
    "Discount code applied at checkout.",
    "Express shipping upgrade, {n} items.",
)
_COLOURS = ("black", "white", "navy", "red", "olive", "grey", "sand")


def note(rng: random.Random) -> str:
    """Product remarks only: no names, places, contacts or dates."""
    return pick(rng, _NOTE_TEMPLATES).format(
        colour=pick(rng, _COLOURS),
        size=pick(rng, ("S", "M", "L", "XL", "38", "40")),
        n=randint(rng, 2, 6),
        batch=f"B{randint(rng, 100, 999)}",
        fw=f"{randint(rng, 1, 4)}.{randint(rng, 0, 9)}",
    )
