"""Column roles from values alone: no header row, or headers that say nothing (``col_7``).

Every list below was written by hand for these tests (not drawn from Faker, which the
benchmark generator uses, nor from names-dataset, which the lexicon is built from), so the
numbers measure inference on names and places it was not tuned on. Positives come with
look-alike negatives: capitalised words that are as often names somewhere (colours, animals,
car models, months, cities) and columns of dates and dotted numbers that are not PII.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pyarrow as pa
import pytest

import exposure_scan
from exposure_scan.detectors import lexicon, roles
from exposure_scan.detectors.base import applies
from exposure_scan.detectors.lexicon import NameLexicon
from exposure_scan.detectors.online import IpAddressDetector
from exposure_scan.detectors.roles import PLAIN, STRUCTURED, ColumnRole, infer_role

PERSON, LOCATION, DOB = "PERSON", "LOCATION", "DATE_OF_BIRTH"

needs_lexicon = pytest.mark.skipif(
    not lexicon.name_lexicon().available, reason="names-dataset not installed"
)

# --------------------------------------------------------------------------- given names
GIVEN = {
    "nigerian": "Chinedu Oluwaseun Ngozi Adaeze Emeka Folake Babatunde Chiamaka Ifeoma Obinna "
    "Yetunde Olumide Nkechi Tunde Amaka Uchenna Kelechi Funmilayo Ikechukwu Damilola Bolaji "
    "Chidi Titilayo Ebere",
    "vietnamese": "Hương Minh Bảo Trang Linh Dũng Tuấn Hạnh Phương Thảo Hùng Quang Thúy Lan "
    "Khánh Huy Nhung Đức Tâm Vy Hoa Nam Long Mai",
    "polish": "Małgorzata Grzegorz Krzysztof Agnieszka Łukasz Wojciech Katarzyna Paweł "
    "Magdalena Tomasz Joanna Michał Beata Jarosław Dorota Przemysław Ewa Zbigniew Aleksandra "
    "Bartosz Iwona Marek Halina Jacek",
    "arabic": "Mohammed Fatima Ahmed Aisha Omar Layla Youssef Mariam Khalid Noor Hassan Zainab "
    "Tariq Huda Samir Rania Karim Salma Bilal Amina Walid Hind Nabil Samira",
    "japanese": "Haruto Yui Sota Hina Ren Aoi Yuto Sakura Kaito Yuna Riku Mei Hiroshi Keiko "
    "Takeshi Yoko Kenji Akiko Daiki Misaki Shota Ayaka Naoki Emi",
    "hyphenated": "Jean-Baptiste Anne-Sophie Hans-Peter Marie-Claire Eeva-Liisa Karl-Heinz "
    "Ana-Maria Jean-Luc Lisa-Marie Pierre-Yves Eva-Maria Jan-Erik Marie-Thérèse Klaus-Dieter "
    "Anne-Marie Jean-Pierre Hanne-Lore Paul-Henri Mia-Sophie Ole-Gunnar",
}
SURNAMES = {
    "polish": "Kowalski Nowak Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
    "Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski "
    "Grabowski Nowakowski Pawłowski Michalski Zając Król Wieczorek",
    "japanese": "Takahashi Suzuki Tanaka Watanabe Itō Yamamoto Nakamura Kobayashi Katō "
    "Yoshida Yamada Sasaki Yamaguchi Matsumoto Inoue Kimura Hayashi Shimizu Yamazaki Mori "
    "Abe Ikeda Hashimoto Ishikawa",
    "nigerian": "Okafor Adeyemi Okonkwo Bello Eze Nwosu Ogunleye Balogun Chukwu Adebayo "
    "Olaniyan Obi Afolabi Ibrahim Musa Onyekachi Oyelaran Uche Nnamdi Akinola Ogundipe "
    "Okeke Ojo Babatunde",
    "vietnamese": "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý "
    "Nguyễn Trần Nguyễn Lê Đinh Trịnh Mai Tô",
    "particles": "van der Berg|de Vries|O'Connor|Müller-Lüdenscheidt|da Silva|dos Santos|"
    "García-Márquez|Al-Mansouri|MacLeod|von Trapp|de la Cruz|Ben-David|Abu-Bakr|El-Amin|"
    "D'Angelo|van den Heuvel|ter Horst|Fitzgerald|McCarthy|dela Rosa|Di Stefano|Le Roux|"
    "van Dijk|Schmidt-Rottluff",
    "arabic": "Haddad Mansour Khalil Saleh Nasser Hamdan Karam Aziz Farouk Rahman Qureshi "
    "Siddiqui Hussein Abdullah Rashid Salem Yousef Darwish Bakr Sabbagh Najjar Masri Hakim "
    "Tahan",
}


def _words(text: str) -> list[str]:
    return text.split("|") if "|" in text else text.split()


NAME_LISTS = {f"given/{k}": _words(v) for k, v in GIVEN.items()} | {
    f"surname/{k}": _words(v) for k, v in SURNAMES.items()
}
#: Cells a name column also holds: other scripts, upper-case exports, names no lexicon knows.
OTHER_SCRIPTS = ["Дмитрий", "Αικατερίνη", "محمد", "张伟", "佐藤", "Ольга", "Γιώργος", "김민준"]
UNKNOWN = ["Kealoha", "Tsegaye", "Wanjiru", "Þórsdóttir", "Brzęczyszczykiewicz"]

# --------------------------------------------------------------------------- places
CITIES = {
    "world": "Lagos Ibadan Kano Kraków Wrocław Gdańsk Poznań Osaka Kyoto Sapporo Nagoya Cairo "
    "Alexandria Casablanca Nairobi Accra Kumasi Lima Cusco Bogotá Medellín Rosario Porto Braga",
    "europe": "Bologna Firenze Torino Genova Verona Padova Bergamo Brescia Lyon Marseille "
    "Toulouse Nantes Bordeaux Lille Köln München Stuttgart Dresden Leipzig Sevilla Valencia "
    "Bilbao Zaragoza Málaga",
    "small": "Castelnuovo di Porto|Bad Homburg|Saint-Étienne|Frankfurt am Main|"
    "Villeneuve-sur-Lot|Neustadt an der Weinstraße|Santa Cruz de Tenerife|Newcastle upon Tyne|"
    "Stratford-upon-Avon|Königswinter|Sankt Augustin|Reggio Emilia|Aix-en-Provence|"
    "Bergen op Zoom|Vila Real|Castelo Branco|Port Talbot|North Berwick|San Sebastián|"
    "Monte Carlo|Saint-Malo|Rüdesheim|Oberhausen|Wolfsburg",
}
CITY_LISTS = {k: _words(v) for k, v in CITIES.items()}

# --------------------------------------------------------------------------- negatives
NEGATIVES = {
    "colours": "Red Blue Green Black White Yellow Orange Purple Pink Brown Grey Silver Gold "
    "Beige Navy Teal Maroon Olive Ivory Coral Cyan Magenta Lime Indigo",
    "animals": "Lion Tiger Bear Wolf Fox Eagle Hawk Falcon Otter Badger Rabbit Deer Moose "
    "Horse Zebra Panther Raven Swan Crane Heron Beaver Lynx Bison Cobra",
    "car models": "Golf|Panda|Clio|Twingo|Duster|Civic|Yaris|Qashqai|Ibiza|Octavia|Punto|"
    "Tipo|Kuga|Corsa|Fiesta|Polo|Passat|Megane|Astra|Focus|Model 3|Golf GTI|Civic Type R|500X",
    "statuses": "Active Pending Shipped Delivered Cancelled Refunded Processing Closed Open "
    "Failed Approved Rejected Archived Draft Expired Suspended Verified Returned Paid Unpaid",
    "products": "Mouse Keyboard Monitor Laptop Tablet Charger Cable Speaker Headphones Camera "
    "Printer Router Lamp Chair Desk Mug Bottle Backpack Wallet Umbrella",
    "brands": "Apple Samsung Nokia Sony Philips Bosch Siemens Adidas Nike Puma Canon Nikon "
    "Lenovo Dell Asus Acer Xiaomi Huawei Oppo Tesla",
    "calendar": "January February March April May June July August September October "
    "November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "categories": "Electronics Clothing Books Garden Toys Sports Beauty Health Grocery "
    "Automotive Jewelry Music Movies Office Pets Baby Tools Kitchen Outdoor Software",
    "countries": "Italy Germany France Spain Portugal Poland Netherlands Belgium Austria "
    "Switzerland Sweden Norway Denmark Finland Ireland Greece Turkey Egypt Nigeria Kenya",
    "skus": "SKU-10023 SKU-10024 AB-553-X ZX9000 PN-4471-B SKU-20001 QX-12 TR-88-B MX500 "
    "KT-9 SKU-30415 HB-220 LX-7 ZZ-100 AC-3300 BR-12-K CX-55 DV-801 EF-2 GH-777",
}
NEGATIVE_LISTS = {k: _words(v) for k, v in NEGATIVES.items()}
NOTES = [
    "Customer called about the refund, promised a callback.",
    "Left the parcel with the neighbour.",
    "Wants invoices by post.",
    "Gift wrapping requested.",
    "Box slightly damaged, contents OK.",
] * 5


def column(values: list[str], n: int = 60, seed: int = 0) -> list[str]:
    """A column as a table holds it: ``n`` cells drawn from ``values`` (every value once,
    then repeats), some upper-cased as careless exports do."""
    rng = random.Random(seed)
    cells = list(values) + rng.choices(values, k=max(0, n - len(values)))
    rng.shuffle(cells)
    return [c.upper() if rng.random() < 0.05 else c for c in cells]


def infer(values: list[str], header: str = "col_7") -> ColumnRole:
    return infer_role(header, pa.array(values, pa.string()))


# --------------------------------------------------------------------------- names
@needs_lexicon
@pytest.mark.parametrize("header", ["col_7", "0"])
@pytest.mark.parametrize("kind", sorted(NAME_LISTS))
def test_single_word_name_columns_by_values(kind: str, header: str) -> None:
    role = infer(column(NAME_LISTS[kind]), header)
    assert (role.kind, role.entity) == (STRUCTURED, PERSON), role.evidence
    assert role.hint is None and "common names" in role.evidence


@needs_lexicon
def test_a_name_column_keeps_every_name_shaped_cell_even_unknown_ones(tmp_path: Path) -> None:
    """Names from other scripts and names no lexicon knows are PERSON once the column is."""
    extra = OTHER_SCRIPTS + UNKNOWN
    cells = column(NAME_LISTS["given/polish"] + NAME_LISTS["given/nigerian"], 80) + extra
    path = tmp_path / "people.csv"
    path.write_text("\n".join(f"{i},{c}" for i, c in enumerate(cells)) + "\n", encoding="utf-8")
    report = exposure_scan.scan([path])
    table = report.findings_table()
    found = [e for e in table.column("entity").to_pylist() if e == PERSON]
    assert len(found) == len(cells)


@needs_lexicon
@pytest.mark.parametrize("kind", sorted(NEGATIVE_LISTS))
def test_word_columns_that_are_not_names_stay_plain(kind: str) -> None:
    role = infer(column(NEGATIVE_LISTS[kind]))
    assert role.entity != PERSON, role.evidence


@needs_lexicon
@pytest.mark.parametrize("kind", sorted(CITY_LISTS))
def test_cities_are_places_not_names(kind: str) -> None:
    role = infer(column(CITY_LISTS[kind]))
    assert (role.kind, role.entity) == (STRUCTURED, LOCATION), role.evidence


@pytest.mark.parametrize(
    "values",
    [
        NAME_LISTS["given/polish"][:7],  # too few cells to tell a name from a word
        NAME_LISTS["given/arabic"][:4] * 10,  # many cells, four distinct values
        [n.lower() for n in NAME_LISTS["surname/polish"]] * 3,  # all lower case: not by values
        NOTES,
    ],
    ids=["few-cells", "few-distinct", "lower-case", "notes"],
)
def test_too_little_evidence_for_a_word_column(values: list[str]) -> None:
    assert infer(values).entity is None


@pytest.mark.parametrize("kind", ["given/polish", "surname/japanese"])
def test_headers_still_decide_where_they_speak(kind: str) -> None:
    """A strong non-name header blocks value inference: a ``product`` column of surnames
    (a maker's model names) is the header's call."""
    assert infer(column(NAME_LISTS[kind]), "product_name").entity is None


def test_single_words_without_a_lexicon_stay_unclassified(monkeypatch: pytest.MonkeyPatch) -> None:
    empty = NameLexicon(frozenset(), None, "names-dataset not installed")
    monkeypatch.setattr(roles, "name_lexicon", lambda: empty)
    assert infer(column(NAME_LISTS["surname/polish"])).entity is None


@needs_lexicon
def test_name_decision_is_stable_across_samples() -> None:
    """Mixed cultures, several draws: every draw is a name column."""
    pool = [n for names in NAME_LISTS.values() for n in names]
    for seed in range(10):
        rng = random.Random(seed)
        assert infer(column(rng.sample(pool, 40), 100, seed)).entity == PERSON


# --------------------------------------------------------------------------- dates of birth
def _dates(
    start: dt.date, end: dt.date, n: int, fmt: str, seed: int = 0, time: bool = False
) -> list[str]:
    rng = random.Random(seed)
    span = (end - start).days
    out = []
    for _ in range(n):
        d = start + dt.timedelta(days=rng.randrange(span))
        text = d.strftime(fmt)
        if time:
            text += f" {rng.randrange(24):02d}:{rng.randrange(60):02d}:00"
        out.append(text)
    return out


TODAY = dt.date.today()
ADULT = dt.date(TODAY.year - 17, 1, 1)


@pytest.mark.parametrize("fmt", ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%Y", "%Y/%m/%d"])
def test_birth_dates_by_values(fmt: str) -> None:
    role = infer(_dates(dt.date(1938, 1, 1), ADULT, 200, fmt))
    assert (role.kind, role.entity) == (STRUCTURED, DOB), role.evidence
    assert DOB in role.entities()


@pytest.mark.parametrize(
    ("values", "why"),
    [
        (_dates(dt.date(2012, 1, 1), TODAY, 200, "%Y-%m-%d"), "registrations: recent"),
        (_dates(dt.date(1950, 1, 1), TODAY, 200, "%Y-%m-%d"), "hire dates reaching today"),
        (_dates(dt.date(1950, 1, 1), ADULT, 200, "%Y-%m-%d", time=True), "timestamps"),
        (_dates(dt.date(1992, 1, 1), dt.date(2006, 1, 1), 200, "%d/%m/%Y"), "one old decade"),
        (_dates(dt.date(1940, 1, 1), ADULT, 200, "%d/%m/%y"), "two-digit years"),
        (_dates(dt.date(1940, 1, 1), ADULT, 200, "%Y%m%d"), "bare digits: an id as often"),
        (["1984-03-07"] * 50, "one date repeated"),
        (_dates(dt.date(1940, 1, 1), ADULT, 8, "%Y-%m-%d"), "too few"),
        (_dates(dt.date(1850, 1, 1), dt.date(1899, 1, 1), 200, "%Y-%m-%d"), "before 1900"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_dates_that_are_not_birth_dates(values: list[str], why: str) -> None:
    role = infer(values)
    assert role.entity != DOB, (why, role.evidence)


def test_one_recent_date_among_many_is_tolerated_but_not_five_percent() -> None:
    old = _dates(dt.date(1940, 1, 1), ADULT, 200, "%Y-%m-%d")
    assert infer([*old[:199], TODAY.isoformat()]).entity == DOB
    assert infer([*old[:190], *[TODAY.isoformat()] * 10]).entity != DOB


# --------------------------------------------------------------------------- versions
def _versions(seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    pool = [
        f"{rng.randint(1, 12)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}.{rng.randint(0, 255)}"
        for _ in range(40)
    ]
    return rng.choices(pool, k=300)


def _ips(first: list[int], seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [
        f"{rng.choice(first)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        for _ in range(300)
    ]


def test_version_column_vetoes_ip_addresses() -> None:
    role = infer(_versions())
    assert role.entity is None and role.hint is not None
    assert not applies(IpAddressDetector(), role, numeric=False)
    assert role.to_dict()["header"] is None  # no header said so: values did
    noisy = [*_versions()[:290], "n/a", "unknown", "1.2", "beta", "v2.0.1.7"] * 2
    assert not applies(IpAddressDetector(), infer(noisy), numeric=False)


@pytest.mark.parametrize(
    "values",
    [
        _ips(list(range(1, 224))),  # customers' public addresses
        _ips([10]),  # one internal network: ambiguous, so addresses
        _ips([10, 172, 192]),
        _ips(list(range(1, 224)))[:15] * 20,  # few distinct, but octets spread
    ],
    ids=["public", "internal-10", "private", "repeated"],
)
def test_ip_columns_are_not_versions(values: list[str]) -> None:
    role = infer(values)
    assert applies(IpAddressDetector(), role, numeric=False), role.evidence


def test_version_column_end_to_end_has_no_ip_findings(tmp_path: Path) -> None:
    ips = _ips(list(range(1, 224)), seed=3)
    rows = [f"{v},{ip}" for v, ip in zip(_versions(), ips, strict=True)]
    path = tmp_path / "devices.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    table = exposure_scan.scan([path]).findings_table()
    hits = [
        c
        for c, e in zip(
            table.column("column").to_pylist(), table.column("entity").to_pylist(), strict=True
        )
        if e == "IP_ADDRESS"
    ]
    assert hits and len(set(hits)) == 1  # the address column only
    assert len(hits) == len(ips)


def test_roles_from_values_never_hold_a_cell_value() -> None:
    for values in (column(NAME_LISTS["surname/polish"]), column(CITY_LISTS["europe"])):
        evidence = infer(values).evidence
        assert not any(v in evidence for v in values if len(v) > 3), evidence
    assert PLAIN == "plain"


# --------------------------------------------------------------------------- lexicon ranks
def _pickles(tmp_path: Path) -> list[Path]:
    import gzip
    import pickle

    first = {
        "Anna": {"rank": {"IT": 4, "DE": 900}},
        "Verona": {"rank": {"IT": 1500}},
        "Zyx": {"rank": {"US": 9000}},  # beyond MAX_RANK: not kept
    }
    last = {"Nowak": {"rank": {"PL": 1}}, "Anna": {"rank": {"GR": 2}}}
    paths = []
    for name, data in (("first_names.pkl.gz", first), ("last_names.pkl.gz", last)):
        path = tmp_path / name
        with gzip.open(path, "wb") as fh:
            pickle.dump(data, fh)
        paths.append(path)
    return paths


def test_lexicon_keeps_the_best_rank_and_marks_common_names(tmp_path: Path) -> None:
    dest = tmp_path / "lex.txt.gz"
    assert lexicon.build_lexicon(_pickles(tmp_path), dest) == 3
    names, common = lexicon.read_ranked(dest)
    assert names == {"anna", "verona", "nowak"}
    assert common == {"anna", "nowak"}  # Verona ranks 1500: a name somewhere, not a common one


def test_lexicon_file_without_ranks_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    monkeypatch.setenv("EXPOSURE_SCAN_CACHE", str(tmp_path / "cache"))
    pickles = _pickles(tmp_path)
    monkeypatch.setattr(lexicon, "_dataset", lambda: ("9.9.9", pickles))
    old = lexicon.lexicon_path("9.9.9")
    old.parent.mkdir(parents=True)
    with gzip.open(old, "wt", encoding="utf-8") as fh:
        fh.write("anna\nnowak")  # the layout before ranks
    lexicon.name_lexicon.cache_clear()
    try:
        lex = lexicon.name_lexicon()
        assert lex.common == {"anna", "nowak"} and "verona" in lex.names
        with gzip.open(old, "rt", encoding="utf-8") as fh:  # rebuilt: still one name a line
            assert {"anna", "nowak", "verona"} <= set(fh.read().split("\n"))
    finally:
        lexicon.name_lexicon.cache_clear()


def test_place_lexicon_knows_towns_in_several_languages() -> None:
    places = lexicon.place_lexicon()
    for town in ("milano", "munchen", "lyon", "sevilla", "jersey city", "krakow"):
        assert town in places, town
    for word in ("pending", "wireless", "keyboard"):
        assert word not in places, word


# --------------------------------------------------------------------------- postcodes
#: Hand-written postcodes per country (real formats; not Faker's, which the benchmark uses).
POSTCODES = {
    "de": "10115 80331 20095 50667 60311 70173 04109 01067 90402 30159 28195 45127 06108 99084",
    "it": "00184 20121 10121 80133 50122 40121 16121 90133 00118 37121 35122 09124 70121 34121",
    "fr": "75001 13001 69001 31000 06000 44000 67000 34000 33000 59000 01000 02100 35000 76000",
    "us": "10001 02108 94103 60601 73301 98101 07030 33101 30301 80202 05401 85001 04101 19103",
    "es": "28013 08001 46001 41001 29001 48001 03001 15001 07001 50001 01001 33001 36201 18001",
    "ch": "8001 3011 1201 4051 6003 9000 1003 2502 7000 6900 8400 3600 1700 8200",
    "at": "1010 5020 8010 4020 6020 9020 3100 7000 2700 6900 1220 8700 4600 5700",
    "uk": "SW1A 1AA|EC1A 1BB|W1A 0AX|M1 1AE|B33 8TH|CR2 6XH|DN55 1PT|RG65 6PX|EH1 1YZ|"
    "G2 3WT|L1 8JQ|BS1 4DJ|CF10 1EP|NE1 7RU|SE1 9GF|E14 5AB",
    "nl": "1012 AB|3011 CV|2511 BT|3511 LX|9711 LM|5611 AZ|6811 DJ|1017 CE|7511 JA|4811 XW|"
    "1012AB|2595BN|6211 NH|8011 PK|1071 XX|9401 HK",
    "ca": "K1A 0B1|M5V 3L9|H3Z 2Y7|V6B 4Y8|T2P 1J9|R3C 4T3|E1C 4M3|B3H 4R2|S7K 1J5|"
    "G1R 4P5|A1C 5M2|C1A 7N8|Y1A 2C6|X1A 2P7|L5B 2C9|N2L 3G1",
    "us+4": "10001-1234 02108-3302 94103-1708 60601-7501 73301-0001 98101-2231 33101-4455",
    "pt": "1000-001 4050-123 3000-456 2750-642 8000-078 9000-018 1100-148 4700-325",
    "jp": "100-0001 150-0002 530-0001 460-0008 810-0001 060-0001 980-0811 732-0057",
    "pl": "00-950 30-001 80-001 50-001 60-001 90-001 31-042 02-677",
}


def _postcodes(*countries: str, n: int = 300, seed: int = 0) -> list[str]:
    pools = [_words(POSTCODES[c]) for c in countries]
    rng = random.Random(seed)
    return [rng.choice(rng.choice(pools)) for _ in range(n)]


#: Customer tables from several countries: each mix is a postcode column from values alone.
POSTCODE_MIXES = {
    "brief-mix": _postcodes(*POSTCODES),
    "eu-with-uk": _postcodes("de", "it", "fr", "es", "uk"),
    "eu-with-nl": _postcodes("de", "ch", "at", "nl"),
    "north-america": _postcodes("us", "us+4", "ca"),
    "uk-only": _postcodes("uk"),
    "nl-only": _postcodes("nl"),
    "ca-only": _postcodes("ca"),
    # no letters: 5-digit codes with leading zeros among other widths and separators
    "zero-led-mixed-widths": _postcodes("de", "it", "fr", "ch", "pt", "jp", "pl"),
    "lower-case-uk": [c.lower() for c in _postcodes("uk", "de")],
    # a tenth of other formats (country prefixes, Eircodes) and placeholders still passes
    "some-unlisted": [
        *_postcodes("de", "fr", "uk", n=270),
        *["D-10115", "F-75001", "D02 X285"] * 9,
        *["n/a"] * 20,
    ],
}


@pytest.mark.parametrize("kind", sorted(POSTCODE_MIXES))
def test_postcode_columns_by_values(kind: str) -> None:
    role = infer(POSTCODE_MIXES[kind])
    assert (role.kind, role.entity) == (STRUCTURED, LOCATION), role.evidence
    assert "postcode-shaped" in role.evidence
    # the role a ``postcode`` header gives: the same cells become LOCATION findings
    by_header = infer(POSTCODE_MIXES[kind], header="postcode")
    assert (by_header.kind, by_header.entity) == (role.kind, role.entity)


def _ids(lo: int, hi: int, n: int = 300, seed: int = 0, width: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [str(rng.randint(lo, hi)).zfill(width) for _ in range(n)]


#: Columns with postcode-shaped digits (or nearly) that are not postcodes.
POSTCODE_LOOKALIKES = {
    "sequential-ids": [str(10000 + i) for i in range(300)],
    "sequential-zero-padded-ids": [str(i).zfill(5) for i in range(1, 301)],
    "random-5-digit-ids": _ids(10000, 99999),
    "random-zero-padded-ids": _ids(0, 99999, width=5),  # ~10% zero-led, one width
    "ids-of-4-and-5-digits": _ids(1000, 99999),
    "years": _ids(1950, 2024),
    "quantities": _ids(1, 500),
    "prices": [f"{int(x) / 100:.2f}" for x in _ids(100, 99999)],
    "pins": _ids(0, 9999, width=4),
    "skus": [
        f"{a}{b}-{x}"
        for a, b, x in zip("ABCDEFGHIJ" * 30, "XYZW" * 75, _ids(1000, 9999), strict=True)
    ],
    "order-numbers": [f"2024-{x}" for x in _ids(1, 999, width=3)],  # the PT shape
    "order-numbers-long": _ids(100000, 9999999),
    "local-phone-numbers": [f"555-{x}" for x in _ids(0, 9999, width=4)],  # the JP shape
    "phone-extensions": [f"x{x}" for x in _ids(10, 9999)],
    "house-numbers": [
        f"{x}{s}" for x, s in zip(_ids(1, 250), ["", "", "a", "B", ""] * 60, strict=True)
    ],
    "uk-licence-plates": [
        f"AB{x[:2]} {y}" for x, y in zip(_ids(10, 99), ["CDE", "XYZ"] * 150, strict=True)
    ],
    # one country's codes only: nothing in the values separates them from ids
    "one-country-zero-led": _postcodes("fr", "it"),
    "de-and-ch-digits-only": [c for c in _postcodes("de", "ch") if not c.startswith("0")],
    # a stray code or two among ids is not a postcode column
    "ids-with-two-stray-codes": [*_ids(10000, 99999, n=58), "SW1A 1AA", "K1A 0B1"],
    "ids-with-1pct-stray-codes": [*_ids(10000, 99999, n=495), *_postcodes("uk", n=5)],
    # postcodes in under 90% of cells: a mixed-content column
    "postcodes-and-words": [*_postcodes("uk", "de", n=260), *["pending", "shipped"] * 20],
}


@pytest.mark.parametrize("kind", sorted(POSTCODE_LOOKALIKES))
def test_postcode_lookalikes_stay_unclassified(kind: str) -> None:
    role = infer(POSTCODE_LOOKALIKES[kind])
    assert role.entity != LOCATION, role.evidence
    assert "postcode" not in role.evidence


def test_postcodes_stored_as_numbers_need_a_header() -> None:
    """Integers lose leading zeros and cannot hold letters: no evidence beyond the header."""
    values = pa.array([int(c) for c in _postcodes("de", "ch")])
    assert infer_role("col_3", values, numeric=True).entity is None
    assert infer_role("PLZ", values, numeric=True).entity == LOCATION


def test_few_postcodes_are_too_little_evidence() -> None:
    assert infer(_postcodes("uk", n=12)).entity is None
    assert infer(_words(POSTCODES["uk"])[:14] * 3).entity is None  # 14 distinct values


def test_a_headerless_csv_has_its_postcodes_found(tmp_path: Path) -> None:
    codes = _postcodes(*POSTCODES, seed=5)
    ids = [str(20000 + i) for i in range(len(codes))]
    path = tmp_path / "customers.csv"
    path.write_text("\n".join(f"{i},{c}" for i, c in zip(ids, codes, strict=True)) + "\n")
    table = exposure_scan.scan([path]).findings_table()
    cols = table.column("column").to_pylist()
    ents = table.column("entity").to_pylist()
    located = [c for c, e in zip(cols, ents, strict=True) if e == LOCATION]
    assert len(located) == len(codes) and len(set(located)) == 1
    assert not any(e == LOCATION and c != located[0] for c, e in zip(cols, ents, strict=True))
