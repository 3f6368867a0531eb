"""People for the synthetic leak generator: names, addresses, e-mails and valid phones.

Faker provides the bulk, drawn once per locale into cached pools (per-row Faker calls are far
too slow for million-row benchmarks). Syllable-built names/streets/cities and a hand-written
list of names from many cultures are mixed in so detectors cannot memorise Faker's lists.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from exposure_scan.testing._synthetic_ids import ascii_letters, pick, randint

SUPPORTED_LOCALES = (
    "it_IT", "de_DE", "fr_FR", "en_GB", "en_US", "es_ES", "nl_NL", "de_CH", "ja_JP", "pt_PT",
)  # fmt: skip
_POOL_SIZE = 1500
_POOL_SEED = 20240917


class LocaleInfo(NamedTuple):
    region: str
    country_en: str
    country_native: str
    domains: tuple[str, ...]


LOCALE_INFO = {
    "it_IT": LocaleInfo(
        "IT", "Italy", "Italia", ("gmail.com", "libero.it", "hotmail.it", "alice.it", "virgilio.it")
    ),
    "de_DE": LocaleInfo(
        "DE",
        "Germany",
        "Deutschland",
        ("gmail.com", "web.de", "gmx.de", "t-online.de", "posteo.de"),
    ),
    "fr_FR": LocaleInfo(
        "FR", "France", "France", ("gmail.com", "orange.fr", "free.fr", "laposte.net", "sfr.fr")
    ),
    "en_GB": LocaleInfo(
        "GB",
        "United Kingdom",
        "United Kingdom",
        ("gmail.com", "btinternet.com", "yahoo.co.uk", "outlook.com"),
    ),
    "en_US": LocaleInfo(
        "US",
        "United States",
        "United States",
        ("gmail.com", "yahoo.com", "aol.com", "icloud.com", "comcast.net"),
    ),
    "es_ES": LocaleInfo(
        "ES", "Spain", "España", ("gmail.com", "hotmail.es", "yahoo.es", "telefonica.net")
    ),
    "nl_NL": LocaleInfo(
        "NL", "Netherlands", "Nederland", ("gmail.com", "ziggo.nl", "kpnmail.nl", "xs4all.nl")
    ),
    "de_CH": LocaleInfo(
        "CH", "Switzerland", "Schweiz", ("gmail.com", "bluewin.ch", "gmx.ch", "sunrise.ch")
    ),
    "ja_JP": LocaleInfo(
        "JP", "Japan", "日本", ("gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com")
    ),
    "pt_PT": LocaleInfo(
        "PT", "Portugal", "Portugal", ("gmail.com", "sapo.pt", "outlook.pt", "netcabo.pt")
    ),
}

# Names from many cultures, with the spellings that trip tokenisers: apostrophes, particles,
# diacritics, double-barrelled and hyphenated forms.
MULTICULTURAL_FIRST = (
    "Adebayo", "Oluwaseun", "Folasade", "Babatunde", "Chiamaka", "Karthikeyan", "Lakshmi",
    "Priya", "Senthil", "Thảo", "Minh Anh", "Quang", "Mohammed", "Fatima", "Youssef",
    "Abd al-Rahman",
    "Xiaoming", "Mei Ling", "Zhiwei", "Erzsébet", "Gyula", "Łukasz", "Małgorzata", "Wojciech",
    "Georgios", "Eleni", "Ayşe", "Gökhan", "Çağla", "Siobhán", "Niamh", "Seán", "Jean-Pierre",
    "Anne-Marie", "María José", "João", "Zoë", "Søren", "Ngozi", "Aarav",
)  # fmt: skip
MULTICULTURAL_LAST = (
    "Adeyemi", "Ogunleye", "Olawale", "Arumugam", "Subramaniam", "Nguyễn", "Trần", "Phạm",
    "Al-Farsi", "El Amrani", "Ben Ali", "Wang", "Zhang", "Li", "Szabó", "Kovács", "Wiśniewski",
    "Brzęczyszczykiewicz", "Papadopoulos", "Konstantinidou", "Yılmaz", "Şahin", "Çelik",
    "O'Connor", "O'Brien", "Ó Súilleabháin", "Mac Giolla Phádraig", "García Márquez",
    "Fernández de Córdoba", "Sousa e Silva", "dos Santos Pereira", "Smith-Jones",
    "Müller-Lüdenscheidt", "van der Berg", "de la Cruz", "D'Angelo", "Okonkwo", "Nakamura",
)  # fmt: skip

_SYLLABLES = (
    "ka", "lo", "mi", "ra", "ve", "to", "sa", "ni", "bel", "dor", "fen", "gri", "lu", "mar",
    "nel", "pa", "ri", "sta", "tu", "zan", "el", "an", "or", "vi", "ko", "de", "ma", "sel",
)  # fmt: skip
_KATAKANA = "カキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
_SURNAME_ENDINGS = {
    "it_IT": ("ini", "etti", "ucci", "one"), "de_DE": ("mann", "er", "hoff", "berg"),
    "fr_FR": ("ard", "eau", "ier", "ot"), "en_GB": ("son", "ton", "ley", "worth"),
    "en_US": ("son", "ton", "ley", "field"), "es_ES": ("ez", "ero", "illa", "eda"),
    "nl_NL": ("ink", "ema", "stra", "dijk"), "de_CH": ("li", "egger", "mann", "er"),
    "pt_PT": ("eira", "inho", "ado", "es"), "ja_JP": ("",),
}  # fmt: skip
_STREET_WRAP = {
    "it_IT": ("Via {}", "Viale {}", "Piazza {}", "Corso {}"),
    "de_DE": ("{}straße", "{}weg", "{}allee", "{}platz"),
    "fr_FR": ("rue {}", "avenue {}", "boulevard {}", "chemin des {}"),
    "en_GB": ("{} Road", "{} Street", "{} Lane", "{} Close"),
    "en_US": ("{} St", "{} Avenue", "{} Drive", "{} Blvd"),
    "es_ES": ("Calle {}", "Avenida {}", "Plaza {}", "Paseo {}"),
    "nl_NL": ("{}straat", "{}laan", "{}weg", "{}plein"),
    "de_CH": ("{}strasse", "{}weg", "{}gasse", "{}platz"),
    "pt_PT": ("Rua {}", "Avenida {}", "Travessa {}", "Largo {}"),
    "ja_JP": ("{}町", "{}",),
}  # fmt: skip
_CITY_WRAP = {
    "it_IT": ("{}", "San {}", "{} Marittima"), "de_DE": ("{}heim", "{}dorf", "Bad {}"),
    "fr_FR": ("{}ville", "Saint-{}", "{}-sur-Mer"), "en_GB": ("{}ford", "{}bury", "{} Green"),
    "en_US": ("{}ville", "{} City", "Lake {}"), "es_ES": ("{}", "San {}", "{} del Río"),
    "nl_NL": ("{}dam", "{}veen", "{}hoven"), "de_CH": ("{}ikon", "{}wil", "{}"),
    "pt_PT": ("{}", "Vila {}", "{} de Baixo"), "ja_JP": ("{}市", "{}町"),
}  # fmt: skip
_COMMON_STREETS = {
    "it_IT": ("Via Roma", "Via Garibaldi", "Corso Italia", "Via Mazzini", "Via Dante Alighieri"),
    "de_DE": ("Hauptstraße", "Bahnhofstraße", "Schulstraße", "Gartenstraße", "Am Markt"),
    "fr_FR": ("rue de la Paix", "avenue Victor Hugo", "rue de l'Église", "place de la Gare"),
    "en_GB": ("High Street", "Baker Street", "Station Road", "Church Lane", "Victoria Road"),
    "en_US": ("Main St", "Oak Avenue", "Maple Drive", "Washington Blvd", "Park Ave"),
    "es_ES": ("Calle Mayor", "Gran Vía", "Avenida de la Constitución", "Calle Real"),
    "nl_NL": ("Kerkstraat", "Dorpsstraat", "Stationsweg", "Molenstraat"),
    "de_CH": ("Bahnhofstrasse", "Dorfstrasse", "Kirchgasse", "Seestrasse"),
    "pt_PT": ("Rua Augusta", "Avenida da Liberdade", "Rua do Comércio", "Rua Direita"),
    "ja_JP": ("丸の内", "西新宿", "梅田", "栄"),
}  # fmt: skip


def require_faker() -> Any:
    """Faker is an optional extra: fail with the install hint instead of a bare ImportError."""
    try:
        import faker
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "exposure_scan.testing.synthetic needs Faker: pip install 'exposure_scan[synthetic]'"
        ) from exc
    return faker


def _deterministic_faker(locale: str, seed: int) -> Any:
    """A seeded Faker whose list data no longer depends on set iteration order.

    Some providers (it_IT ``city``) build their lists from sets, so the same seed picks
    different values under different PYTHONHASHSEED values. Sorting every list of strings
    on our private provider instances (class data stays untouched) removes that dependency.
    """
    fake = require_faker().Faker(locale)
    fake.seed_instance(seed)
    for provider in fake.providers:
        names = {n for klass in type(provider).__mro__ for n in vars(klass)}
        for name in sorted(names - set(vars(provider))):
            value = getattr(provider, name)  # resolved through the MRO, as Faker sees it
            if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
                setattr(provider, name, sorted(value))
    return fake


@dataclass(frozen=True)
class FakerPool:
    first: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[str, ...]
    postcodes: tuple[str, ...]


@functools.cache
def faker_pool(locale: str) -> FakerPool:
    """Drawn once per process with a fixed seed; per-call variety comes from sampling."""
    fake = _deterministic_faker(locale, _POOL_SEED + SUPPORTED_LOCALES.index(locale))
    n = _POOL_SIZE
    street = fake.town if locale == "ja_JP" else fake.street_name
    return FakerPool(
        first=tuple(fake.first_name() for _ in range(n)),
        last=tuple(fake.last_name() for _ in range(n)),
        streets=tuple(street() for _ in range(n // 2)),
        cities=tuple(fake.city() for _ in range(n // 2)),
        postcodes=tuple(fake.postcode() for _ in range(n)),
    )


def syllable_word(rng: random.Random, locale: str, lo: int = 2, hi: int = 3) -> str:
    if locale == "ja_JP":
        return "".join(rng.choices(_KATAKANA, k=rng.randint(lo, hi + 1)))
    return "".join(rng.choices(_SYLLABLES, k=rng.randint(lo, hi))).capitalize()


@dataclass
class LocalePools:
    """Per-call pools: Faker's cached lists plus seeded syllable and multicultural extras."""

    first: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    streets: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    postcodes: list[str] = field(default_factory=list)


def locale_pools(locale: str, rng: random.Random) -> LocalePools:
    base = faker_pool(locale)
    k = len(base.first) // 5  # ~15% syllable-built, ~15% multicultural
    endings = _SURNAME_ENDINGS[locale]
    syl_first = [syllable_word(rng, locale) for _ in range(k)]
    syl_last = [syllable_word(rng, locale) + rng.choice(endings) for _ in range(k)]
    multi_first = [rng.choice(MULTICULTURAL_FIRST) for _ in range(k)]
    multi_last = [rng.choice(MULTICULTURAL_LAST) for _ in range(k)]
    wraps, city_wraps = _STREET_WRAP[locale], _CITY_WRAP[locale]
    syl_streets = [rng.choice(wraps).format(syllable_word(rng, locale)) for _ in range(k // 2)]
    syl_cities = [rng.choice(city_wraps).format(syllable_word(rng, locale)) for _ in range(k // 3)]
    return LocalePools(
        first=[*base.first, *syl_first, *multi_first],
        last=[*base.last, *syl_last, *multi_last],
        streets=[*base.streets, *syl_streets, *(_COMMON_STREETS[locale] * 20)],
        cities=[*base.cities, *syl_cities],
        postcodes=list(base.postcodes),
    )


def street_line(locale: str, name: str, rng: random.Random) -> str:
    """A street line in the locale's own order: 'Via Roma 12', '12 rue de la Paix', ..."""
    n, r = randint(rng, 1, 180), rng.random()
    if locale == "it_IT":
        return f"{name}, {n}" if r < 0.4 else f"{name} {n}" if r < 0.9 else f"{name} {n}/B"
    if locale in ("de_DE", "de_CH"):
        return f"{name} {n}" if r < 0.85 else f"{name} {n}{pick(rng, 'abc')}"
    if locale == "fr_FR":
        return f"{n} {name}" if r < 0.6 else f"{n}, {name}" if r < 0.9 else f"{n} bis {name}"
    if locale == "en_GB":
        if r < 0.7:
            return f"{n} {name}"
        return f"{n}{pick(rng, 'ABC')} {name}" if r < 0.85 else f"Flat {n % 9 + 1}, {n} {name}"
    if locale == "en_US":
        n = randint(rng, 1, 9999)
        return f"{n} {name}" if r < 0.75 else f"{n} {name} Apt {randint(rng, 1, 40)}"
    if locale == "es_ES":
        floor = f"{randint(rng, 1, 8)}º {pick(rng, 'ABCD')}"
        return f"{name} {n}" if r < 0.4 else f"{name} {n}, {floor}" if r < 0.8 else f"{name}, {n}"
    if locale == "nl_NL":
        return f"{name} {n}" if r < 0.7 else f"{name} {n}{pick(rng, 'abc')}"
    if locale == "pt_PT":
        side = pick(rng, ("Esq.", "Dto."))
        return f"{name} {n}" if r < 0.5 else f"{name}, {n}, {randint(rng, 1, 9)}º {side}"
    a, b, c = randint(rng, 1, 9), randint(rng, 1, 30), randint(rng, 1, 20)
    return f"{name}{a}丁目{b}番{c}号" if r < 0.6 else f"{name}{a}-{b}-{c}"


def email_local(first: str, last: str, rng: random.Random) -> str:
    f, ln = ascii_letters(first).lower(), ascii_letters(last).lower()
    if not f:
        f = "".join(rng.choices(_SYLLABLES, k=2))
    if not ln:
        ln = "".join(rng.choices(_SYLLABLES, k=2))
    r = rng.random()
    if r < 0.35:
        return f"{f}.{ln}"
    if r < 0.5:
        return f"{f}{ln}"
    if r < 0.62:
        return f"{f[0]}{ln}"
    if r < 0.72:
        return f"{ln}.{f}"
    if r < 0.8:
        return f"{f}_{ln}"
    return f"{f}.{ln}{randint(rng, 1, 99)}" if r < 0.92 else f"{f}{randint(rng, 1960, 2005)}"


# ---------------------------------------------------------------------------- phones


class Phone(NamedTuple):
    region: str
    cc: str
    trunk: str  # national trunk prefix written before the NSN ("" where none, e.g. IT, ES)
    groups: tuple[str, ...]  # the national significant number as it is usually grouped


# region -> (country code, trunk, [(weight, prefixes, NSN length, grouping)])
_PhonePlan = tuple[int, str, tuple[tuple[int, tuple[str, ...], int, tuple[int, ...]], ...]]
_PHONE_PLANS: dict[str, _PhonePlan] = {
    "IT": (39, "", (
        (6, ("320", "324", "328", "329", "330", "333", "334", "335", "338", "339", "340", "342",
             "345", "347", "348", "349", "351", "366", "368", "380", "389", "392", "393"), 10, (3, 3, 4)),  # noqa: E501
        (2, ("02", "06"), 10, (2, 4, 4)),
        (2, ("011", "010", "055", "081", "051", "041", "045", "070", "080", "091"), 10, (3, 3, 4)),
    )),
    "DE": (49, "0", (
        (3, ("151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174",
             "175", "176", "177", "178", "179"), 11, (3, 8)),
        (2, ("30", "40", "89", "69"), 10, (2, 8)),
        (1, ("221", "211", "711", "341", "351", "421", "511", "911"), 10, (3, 7)),
    )),
    "FR": (33, "0", ((5, ("6", "73", "75", "76", "77", "78"), 9, (1, 2, 2, 2, 2)), (4, ("1", "2", "3", "4", "5", "9"), 9, (1, 2, 2, 2, 2)))),  # noqa: E501
    "GB": (44, "0", (
        (5, ("71", "73", "74", "75", "77", "78", "79"), 10, (4, 6)),
        (2, ("207", "208", "203"), 10, (2, 4, 4)),
        (2, ("161", "1214", "1312", "141", "1132", "1173", "1142", "1159", "1162", "1183"), 10, (3, 3, 4)),  # noqa: E501
    )),
    "US": (1, "1", ((1, ("212", "213", "310", "312", "415", "617", "202", "305", "404", "512",
                         "646", "702", "718", "773", "206", "303", "503", "602", "713", "858"), 10, (3, 3, 4)),)),  # noqa: E501
    "ES": (34, "", (
        (5, ("6",), 9, (3, 3, 3)),
        (1, ("71", "72", "73", "74"), 9, (3, 3, 3)),
        (3, ("91", "93", "96", "95", "942", "983"), 9, (2, 3, 2, 2)),
    )),
    "NL": (31, "0", ((5, ("61", "62", "63", "64", "65"), 9, (1, 8)), (3, ("20", "10", "70", "30", "40", "50"), 9, (2, 7)))),  # noqa: E501
    "CH": (41, "0", ((5, ("75", "76", "77", "78", "79"), 9, (2, 3, 2, 2)), (3, ("44", "22", "31", "61", "21", "41", "71"), 9, (2, 3, 2, 2)))),  # noqa: E501
    "JP": (81, "0", ((5, ("90", "80", "70"), 10, (2, 4, 4)), (3, ("3", "6"), 9, (1, 4, 4)), (1, ("45", "52", "92", "112"), 9, (2, 3, 4)))),  # noqa: E501
    "PT": (351, "", ((5, ("91", "92", "93", "96"), 9, (3, 3, 3)), (3, ("21", "22"), 9, (3, 3, 3)), (1, ("239", "234", "253", "289"), 9, (3, 3, 3)))),  # noqa: E501
}  # fmt: skip


class PhoneFactory:
    """Unique phones that libphonenumber considers valid *for their region*.

    Candidates come from plausible numbering plans; each is checked with
    ``phonenumbers.is_valid_number_for_region`` and redrawn when invalid, so the truth never
    claims a number that a correct validator would reject.
    """

    def __init__(self, rng: random.Random) -> None:
        import phonenumbers

        self._valid = phonenumbers.is_valid_number_for_region
        self._number = phonenumbers.PhoneNumber(country_code=1, national_number=0)
        self._rng = rng
        self._seen: set[tuple[int, str]] = set()
        # region -> flat (prefix, tail length, grouping) choices, repeated by plan weight
        self._choices = {
            region: [
                (prefix, length - len(prefix), grouping)
                for weight, prefixes, length, grouping in plans
                for prefix in prefixes * (weight * 60 // len(prefixes) or 1)
            ]
            for region, (_, _, plans) in _PHONE_PLANS.items()
        }

    def make(self, region: str) -> Phone:
        cc, trunk, _ = _PHONE_PLANS[region]
        choices, rng, number, seen = self._choices[region], self._rng, self._number, self._seen
        number.country_code = cc
        for _ in range(200):
            prefix, tail, grouping = choices[int(rng.random() * len(choices))]
            # the first digit after the prefix is never 0/1: most plans reserve those
            lead = "23456789"[int(rng.random() * 8)]
            nsn = prefix + lead + f"{rng.getrandbits(4 * tail) % 10 ** (tail - 1):0{tail - 1}d}"
            if (cc, nsn) in seen:
                continue
            number.national_number = int(nsn)
            number.italian_leading_zero = nsn[0] == "0" or None
            if self._valid(number, region):
                seen.add((cc, nsn))
                groups, pos = [], 0
                for size in grouping:
                    groups.append(nsn[pos : pos + size])
                    pos += size
                return Phone(region, str(cc), trunk, tuple(groups))
        raise RuntimeError(f"could not draw a valid {region} phone number")  # pragma: no cover


PHONE_STYLES = (
    "e164", "intl", "intl0", "00", "national", "dash", "dot", "paren", "notrunk", "digits",
)  # fmt: skip
_EXTENSIONS = (" ext. {}", " x{}", " ext {}", " #{}", ";ext={}")


def format_phone(phone: Phone, style: str, rng: random.Random, ext_share: float = 0.03) -> str:
    """Render one phone in a given style; every style parses back to the same valid number."""
    g, cc, trunk = phone.groups, phone.cc, phone.trunk
    national_trunk = trunk if trunk == "0" else ""
    if style == "e164":
        out = f"+{cc}{''.join(g)}"
    elif style == "intl":
        out = f"+{cc} {' '.join(g)}"
    elif style == "intl0":
        out = f"+{cc} ({trunk}){' '.join(g)}" if trunk == "0" else f"+{cc}-{'-'.join(g)}"
    elif style == "00" and phone.region not in ("US", "JP"):  # their IDD is 011 / 010
        out = f"00{cc} {' '.join(g)}"
    elif style in ("national", "dash", "dot"):
        sep = {"national": " ", "dash": "-", "dot": "."}[style]
        out = national_trunk + sep.join(g)
    elif style == "paren":
        out = f"({national_trunk}{g[0]}) {' '.join(g[1:])}"
        if phone.region == "US":
            out = f"({g[0]}) {g[1]}-{g[2]}"
    elif style == "notrunk":
        out = f"1-{'-'.join(g)}" if trunk == "1" else " ".join(g)
    elif style == "00":
        out = f"+{cc} {' '.join(g)}"
    else:
        out = national_trunk + "".join(g)
    if rng.random() < ext_share:
        out += pick(rng, _EXTENSIONS).format(randint(rng, 2, 4999))
    return out


# ---------------------------------------------------------------------------- people


@dataclass
class People:
    """Struct-of-arrays of distinct synthetic persons (index = person id)."""

    locale: list[str]
    first: list[str]
    last: list[str]
    street: list[str]
    city: list[str]
    postcode: list[str]
    email: list[str]
    phone: list[Phone | None]


def make_people(n: int, locales: tuple[str, ...], rng: random.Random, *, phones: bool) -> People:
    """Draw ``n`` distinct persons; columns are sampled per locale in bulk for speed."""
    loc_of = rng.choices(locales, k=n)
    by_loc: dict[str, list[int]] = {loc: [] for loc in locales}
    for i, loc in enumerate(loc_of):
        by_loc[loc].append(i)
    first, last, street, city, postcode = ([""] * n for _ in range(5))
    for loc, idx in by_loc.items():
        if not idx:
            continue
        pools, k = locale_pools(loc, rng), len(idx)
        names = rng.choices(pools.streets, k=k)
        for i, f, ln, s, c, pc in zip(
            idx,
            rng.choices(pools.first, k=k),
            rng.choices(pools.last, k=k),
            names,
            rng.choices(pools.cities, k=k),
            rng.choices(pools.postcodes, k=k),
            strict=True,
        ):
            first[i], last[i], city[i], postcode[i] = f, ln, c, pc
            street[i] = street_line(loc, s, rng)
    seen: set[str] = set()
    email = []
    for f, ln, loc in zip(first, last, loc_of, strict=True):
        info = LOCALE_INFO[loc]
        if rng.random() < 0.85:
            domain = pick(rng, info.domains)
        else:
            tld = "co.uk" if info.region == "GB" else "com" if info.region == "US" else info.region
            domain = f"{''.join(rng.choices(_SYLLABLES, k=3))}.{tld.lower()}"
        address = f"{email_local(f, ln, rng)}@{domain}"
        while address in seen:
            address = f"{email_local(f, ln, rng)}{randint(rng, 1, 9999)}@{domain}"
        seen.add(address)
        email.append(address)
    factory = PhoneFactory(rng) if phones else None
    phone = [factory.make(LOCALE_INFO[loc].region) if factory else None for loc in loc_of]
    return People(loc_of, first, last, street, city, postcode, email, phone)
