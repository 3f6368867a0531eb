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
        with gzip.open(old, "rt", encoding="utf-8") as fh:  # as an older reader reads it
            assert {"anna", "nowak", "verona"} <= set(fh.read().split("\n"))
    finally:
        lexicon.name_lexicon.cache_clear()


def test_place_lexicon_knows_towns_in_several_languages() -> None:
    places = lexicon.place_lexicon()
    for town in ("milano", "munchen", "lyon", "sevilla", "jersey city", "krakow"):
        assert town in places, town
    for word in ("pending", "wireless", "keyboard"):
        assert word not in places, word
