"""Column roles: header semantics propose, values dispose (issue 3).

Every table row is (header, values, expected entity); positives and look-alike negatives.
The multicultural names below were written by hand for these tests, not drawn from the name
lexicon's source or from Faker, so they measure what inference does on names it was not
tuned on: the column must be PERSON by header, by values alone, and with no lexicon at all.
"""

from __future__ import annotations

import gzip
import pickle
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors import lexicon, roles
from exposure_scan.detectors.contact import EmailDetector
from exposure_scan.detectors.lexicon import NameLexicon, build_lexicon, fold, read_lexicon
from exposure_scan.detectors.roles import FREE_TEXT, PLAIN, STRUCTURED, ColumnRole, infer_role
from exposure_scan.detectors.structured import structured_detectors

PERSON, ADDRESS, LOCATION = "PERSON", "POSTAL_ADDRESS", "LOCATION"

MULTICULTURAL = [
    # Yoruba, Igbo
    "Adebayo Ogunleye", "Folasade Adeyemi", "Oluwaseun Bamidele", "Temitope Olaniyan",
    "Chinonso Okafor", "Ngozi Eze",
    # Tamil
    "Karthikeyan Subramanian", "Lakshmi Venkatesan", "Murugan Arumugam", "Priya Ramasamy",
    # Vietnamese
    "Nguyễn Thị Hương", "Trần Văn Minh", "Phạm Quốc Bảo", "Lê Thu Trang",
    # Hungarian (family name first)
    "Kovács Zsófia", "Nagy Bence", "Szabó Lőrinc", "Tóth Erzsébet",
    # Polish
    "Małgorzata Wiśniewska", "Grzegorz Brzęczyszczykiewicz", "Krzysztof Wójcik",
    "Agnieszka Dąbrowska",
    # Greek (transliterated and Greek script)
    "Georgios Papadopoulos", "Eleni Konstantinidou", "Dimitris Nikolaou", "Αικατερίνη Παπαδάκη",
    # Arabic transliterations
    "Mohammed bin Rashid Al-Mansouri", "Fatima Al-Zahra", "Abdulrahman ibn Khalid",
    "Noor El-Din Haddad", "Layla Abu-Bakr",
    # Chinese pinyin, Japanese and Korean romanisations
    "Zhang Wei", "Li Xiaoming", "Wang Fang", "Liu Yang", "Chen Jiahui", "Takahashi Haruto",
    "Park Ji-hoon", "Kim Seo-yeon",
    # Irish
    "Siobhán Ní Bhriain", "Pádraig Ó Súilleabháin", "Aoife O'Connor", "Niamh McCarthy",
    # Spanish and Portuguese double names, particles
    "María José García-Márquez", "Juan Carlos de la Fuente Ruiz", "Ana Isabel Fernández López",
    "João Pedro dos Santos", "Maria Cristina dela Cruz",
    # Hyphenated, Dutch particles, German
    "Anne-Sophie Müller-Lüdenscheidt", "Jean-Baptiste Leclerc", "Hans-Peter Schmidt-Rottluff",
    "Pieter van der Berg", "Annelies de Vries", "Jürgen Weißmüller",
    # Turkish, Kenyan, Punjabi, Finnish, Hawaiian, Scottish, Icelandic, Hebrew, Amharic, Malay
    "Ayşe Yılmaz", "Çağrı Öztürk", "Wanjiru Kamau", "Baraka Mwangi", "Gurpreet Kaur Sandhu",
    "Eeva-Liisa Häkkinen", "Kealoha Kahananui", "Mairi MacLeod", "Guðrún Þórsdóttir",
    "Yael Ben-David", "Tsegaye Gebremedhin", "Ahmad Faizal bin Ismail", "Дмитрий Соколов",
]  # fmt: skip

SURNAMES_IT = ["Rossi", "Bianchi", "Esposito", "Colombo", "Ricci", "Marino", "Greco", "Bruno"]
FIRST_DE = ["Jürgen", "Anneliese", "Hans-Peter", "Wolfgang", "Brigitte", "Dörte", "Kai"]
NOTES_IT = [
    "Il cliente ha chiamato per il rimborso, richiamare lunedì.",
    "Consegna rimandata: il corriere non ha trovato nessuno.",
    "Chiede fattura intestata alla ditta, non a nome proprio.",
]
NOTES_EN = [
    "Customer called twice about the refund; promised a callback.",
    "Left the parcel with the neighbour at number 14.",
    "Wants invoices by post, not by email. Very unhappy with delays.",
]
PRODUCTS = [
    "Golf GTI 2.0", "Panda 1.2 Easy", "iPhone 15 Pro 256GB", "USB-C Cable 2m",
    "Organic Green Tea 500g", "Desk Lamp LED 40W", "Running Shoes Size 42", "Coffee Mug 350ml",
    "Galaxy S24 Ultra", "Polo 1.0 TSI", "T-Shirt (XL) blue", "AA Batteries x24",
]  # fmt: skip
PRODUCTS_NO_DIGITS = [
    "Wireless Mouse", "Espresso Machine", "Desk Lamp", "Coffee Mug", "Running Shoes",
    "Leather Wallet", "Bluetooth Speaker", "Yoga Mat", "Water Bottle", "Garden Hose",
    "Phone Case", "Travel Backpack", "Office Chair", "Ceramic Vase", "Kitchen Knife",
]  # fmt: skip
CAR_MODELS = ["Golf GTI", "Panda 1.2", "Fiesta ST", "Model 3", "Clio V", "Polo 1.0 TSI", "500X"]
SKUS = ["SKU-10023", "SKU-10024", "AB-553-X", "ZX9000", "P/N 4471-B", "SKU-20001"]
STATUSES = ["shipped", "pending", "cancelled", "delivered", "shipped", "pending", "returned"]
STATUSES_TITLE = ["Shipped", "Pending", "On Hold", "Delivered", "Refunded", "Processing"] * 3
CURRENCIES = ["EUR", "USD", "GBP", "CHF", "JPY", "SEK", "EUR", "USD", "PLN", "CZK"]
SHA1 = [
    "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
    "7c4a8d09ca3762af61e04520943d3b7e2b5c2d3f",
    "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
]
CITIES = ["Roma", "Milano", "Paris", "Berlin", "Madrid", "London", "Lisboa", "Wien", "Napoli"]
STREETS = {
    "it": ["Via Roma 12", "Viale Europa 22/B", "Piazza Duomo 1", "Corso Italia 5", "Via Po 3"],
    "de": ["Hauptstraße 5", "Lindenweg 3", "Berliner Str. 12a", "Marktplatz 1", "Am Ring 7"],
    "fr": ["12 rue de la Paix", "5 avenue Foch", "3 bis, boulevard Voltaire", "8 place Bellecour"],
    "en": ["221B Baker Street", "10 Downing St", "742 Evergreen Terrace", "1 Infinite Loop Road"],
    "es": ["Calle Mayor 3, 2º B", "Avenida de la Constitución 14", "Plaza Mayor 1", "C/ Alcalá 45"],
    "nl": ["Keizersgracht 123", "Dorpsstraat 4", "Laan van Meerdervoort 52", "Stationsweg 2"],
    "pt": ["Rua Augusta 27", "Avenida da Liberdade 110", "Travessa do Carmo 3", "Praça Nova 9"],
}  # fmt: skip


def infer(header: str, values: list[str], *, numeric: bool = False) -> ColumnRole:
    return infer_role(header, pa.array(values, pa.string()), numeric=numeric)


@pytest.fixture
def no_lexicon(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inference as on a machine without names-dataset."""
    empty = NameLexicon(frozenset(), None, "names-dataset not installed")
    monkeypatch.setattr(roles, "name_lexicon", lambda: empty)


needs_lexicon = pytest.mark.skipif(
    not lexicon.name_lexicon().available, reason="names-dataset not installed"
)

# --------------------------------------------------------------------------- positives
POSITIVE = [
    # names, by header and values
    ("Cognome", SURNAMES_IT, PERSON),
    ("Vorname", FIRST_DE, PERSON),
    ("prénom", ["Jean-Baptiste", "Hélène", "Françoise", "Loïc", "Gaëlle", "Zoé"], PERSON),
    ("apellidos", ["García Márquez", "de la Fuente Ruiz", "Fernández López", "Núñez"], PERSON),
    ("achternaam", ["van der Berg", "de Vries", "Jansen", "van den Heuvel", "Bakker"], PERSON),
    ("nome completo", ["João Pedro dos Santos", "Maria da Graça Silva", "Ana Sousa"], PERSON),
    ("CUSTOMER_NAME", [n.upper() for n in MULTICULTURAL[:20]], PERSON),
    ("full_name", [n.lower() for n in MULTICULTURAL[20:40]], PERSON),
    ("name", ["SMITH, John", "O'CONNOR, Aoife", "MÜLLER, Jürgen", "DUPONT, Jean"], PERSON),
    ("name", ["Jean DUPONT", "Marie LEFÈVRE", "J. R. Tolkien", "Anne-Marie O'Neill"], PERSON),
    ("customer.name", MULTICULTURAL[40:], PERSON),
    # names, by values alone
    ("0", MULTICULTURAL, PERSON),
    ("col_7", [n.upper() for n in MULTICULTURAL], PERSON),
    pytest.param("1", [n.lower() for n in MULTICULTURAL], PERSON, marks=needs_lexicon),
    # street addresses, by header and by values, in seven languages
    ("indirizzo", STREETS["it"], ADDRESS),
    ("Straße", STREETS["de"], ADDRESS),
    ("adresse", STREETS["fr"], ADDRESS),
    ("dirección", STREETS["es"], ADDRESS),
    ("adres", STREETS["nl"], ADDRESS),
    ("morada", STREETS["pt"], ADDRESS),
    ("address", ["Flat 2, 5 High St, Leeds", "Via Roma 12, 00184 Roma", "PO Box 7, Oslo"], ADDRESS),
    ("via", ["Via Roma", "Corso Italia", "Piazza Navona", "Via Po"], ADDRESS),
    *[(str(i), STREETS[lang], ADDRESS) for i, lang in enumerate(STREETS)],
    ("col_3", [s for lang in STREETS for s in STREETS[lang]], ADDRESS),
    # places
    ("città", CITIES, LOCATION),
    ("Wohnort", ["München", "Frankfurt (Oder)", "Köln", "Garmisch-Partenkirchen"], LOCATION),
    ("ville", ["Saint-Étienne", "Aix-en-Provence", "Lyon", "L'Haÿ-les-Roses"], LOCATION),
    ("provincia", ["RM", "MI", "TO", "NA", "FI"], LOCATION),
    ("country", ["Italy", "Germany", "France", "Spain"], LOCATION),
    ("pays", ["France", "Belgique", "Suisse", "Canada", "Sénégal"], LOCATION),
    ("PLZ", ["10115", "80331", "50667", "20095"], LOCATION),
    ("postcode", ["SW1A 1AA", "EC1A 1BB", "1012 AB", "75008", "1100-148"], LOCATION),
    ("CAP", ["00184", "20121", "80100", "10121"], LOCATION),
    ("4", ["IT", "DE", "FR", "ES", "NL", "PT", "GB", "IT", "DE", "US"], LOCATION),
    ("4", ["Italia", "Deutschland", "España", "France", "Nederland", "Portugal"], LOCATION),
    ("4", ["Germany", "Allemagne", "Alemania", "Duitsland", "Germania", "Alemanha"], LOCATION),
]  # fmt: skip


@pytest.mark.parametrize(("header", "values", "entity"), POSITIVE)
def test_positive_columns(header: str, values: list[str], entity: str) -> None:
    role = infer(header, values)
    assert (role.kind, role.entity) == (STRUCTURED, entity), role.evidence
    assert entity in role.entities()


# --------------------------------------------------------------------------- negatives
NEGATIVE = [
    ("note", NOTES_EN, FREE_TEXT),
    ("commento", NOTES_IT, FREE_TEXT),
    ("Notes", ["ok", "call back", "VIP", "Mario"], FREE_TEXT),  # a note header decides
    ("0", NOTES_EN * 3, FREE_TEXT),
    ("name", NOTES_EN, FREE_TEXT),  # the header is contradicted: text goes to NER
    ("text", ["Lorem ipsum dolor sit amet."], FREE_TEXT),
    ("product_name", PRODUCTS_NO_DIGITS, PLAIN),
    ("name", PRODUCTS, PLAIN),
    ("0", PRODUCTS, PLAIN),
    ("model", CAR_MODELS, PLAIN),
    ("name", CAR_MODELS, PLAIN),
    ("1", CAR_MODELS, PLAIN),
    ("sku", SKUS, PLAIN),
    ("nome", SKUS, PLAIN),
    ("2", SKUS, PLAIN),
    ("status", STATUSES, PLAIN),
    ("3", STATUSES, PLAIN),
    ("3", STATUSES_TITLE, PLAIN),
    ("currency", CURRENCIES, PLAIN),
    ("4", CURRENCIES, PLAIN),
    ("email", SHA1, PLAIN),
    ("nome", ["12", "7781", "3", "42"], PLAIN),
    ("city", ["1", "2", "3"], PLAIN),
    ("0", CITIES, PLAIN),  # one capitalised word: a city, a brand or a name; a header decides
    ("0", FIRST_DE, PLAIN),
    ("0", ["wireless mouse", "call back later", "gift wrap", "next day", "red wine"], PLAIN),
    ("address", ["jane@example.com", "mario.rossi@example.it", "a@b.org"], PLAIN),
    ("address", ["192.168.1.10", "10.0.0.1", "172.16.4.4"], PLAIN),
    ("address", ["1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWN"], PLAIN),
    ("company", ["Rossi S.p.A.", "Müller GmbH", "Dupont SARL", "Acme Ltd"], PLAIN),
    ("name", ["Rossi S.p.A.", "Müller GmbH", "Dupont SARL", "Acme Ltd.", "Nord AG"], PLAIN),
    ("0", ["jdoe42", "mario.rossi", "x_ae_12", "anna99", "k.tanaka"], PLAIN),
    ("0", ["2024-01-05", "2023-12-31", "2024-02-29"], PLAIN),
    ("0", ["0b6f1c0e-5c4a-4f5e-9a57-1f2d3c4b5a69", "9f1c0e0b-5c4a-4f5e-9a57-1f2d3c4b5a69"], PLAIN),
    ("Cognome", ["N/A", "unknown", "", "-"], PLAIN),  # placeholders only
]  # fmt: skip


@pytest.mark.parametrize(("header", "values", "kind"), NEGATIVE)
def test_negative_columns(header: str, values: list[str], kind: str) -> None:
    role = infer(header, values)
    assert role.kind == kind, role.evidence
    assert role.entity not in (PERSON, ADDRESS, LOCATION)


@needs_lexicon
def test_name_header_over_wordy_products_is_disposed_of_by_the_lexicon() -> None:
    """Title-case products without digits have a name's shape: only the lexicon tells."""
    role = infer("name", PRODUCTS_NO_DIGITS)
    assert role.entity is None
    assert "contradicted" in role.evidence


@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("name", ["1", "2"]),
        ("cognome", ["4111111111111111"]),
        ("address", ["12", "14"]),
        ("city", ["20121"]),
        ("0", ["3", "5"]),
    ],
)
def test_numeric_columns_are_never_names_or_addresses(header: str, values: list[str]) -> None:
    role = infer(header, values, numeric=True)
    assert role.entity is None
    assert role.kind == PLAIN


@pytest.mark.parametrize(
    ("header", "values", "entity"),
    [
        ("zip", ["184", "10115", "75008"], LOCATION),
        ("lat", ["45.4642", "41.9028"], LOCATION),
        ("zip", ["1", "2"], None),
        ("lat", ["1200", "5"], None),
        ("city", ["184"], None),
    ],
)
def test_numeric_postcodes_and_coordinates(header: str, values: list[str], entity: str) -> None:
    assert infer(header, values, numeric=True).entity == entity


@given(st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=30))
@settings(max_examples=40, deadline=None)
def test_numbers_never_make_a_structured_column_by_values(numbers: list[int]) -> None:
    role = infer("col_1", [str(n) for n in numbers], numeric=True)
    assert role.entity is None


# --------------------------------------------------------------------------- multicultural
def test_multicultural_names_by_header_and_by_values() -> None:
    by_header = infer("Nome e cognome", MULTICULTURAL)
    by_values = infer("col_7", MULTICULTURAL)
    assert by_header.entity == PERSON and by_header.hint is not None
    assert by_values.entity == PERSON and by_values.hint is None


@pytest.mark.parametrize("culture", range(0, len(MULTICULTURAL), 6))
def test_each_culture_alone_is_a_name_column(culture: int) -> None:
    names = MULTICULTURAL[culture : culture + 6]
    assert infer("full name", names).entity == PERSON
    assert infer("0", names).entity == PERSON


@pytest.mark.usefixtures("no_lexicon")
@pytest.mark.parametrize("header", ["name", "Cognome", "col_7", "0"])
def test_names_without_a_lexicon_rest_on_shape(header: str) -> None:
    role = infer(header, MULTICULTURAL)
    assert role.entity == PERSON
    assert "no name lexicon (names-dataset not installed)" in role.evidence


@pytest.mark.usefixtures("no_lexicon")
@pytest.mark.parametrize(
    ("header", "values"),
    [
        ("name", PRODUCTS),
        ("0", CAR_MODELS),
        ("0", STATUSES_TITLE),
        ("note", NOTES_EN),
        ("0", CITIES),
        ("email", SHA1),
        ("0", SKUS),
        ("1", [n.lower() for n in MULTICULTURAL]),  # lower-case words: a lexicon must tell
    ],
)
def test_negatives_hold_without_a_lexicon(header: str, values: list[str]) -> None:
    assert infer(header, values).entity is None


def test_multicultural_names_found_cell_by_cell_end_to_end(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    rows = [f'"{n}",user{i}@example.com' for i, n in enumerate(MULTICULTURAL)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")  # no header row
    report = exposure_scan.scan(
        path, ner="off", detectors=[*structured_detectors(), EmailDetector()]
    )
    table = report.findings_table()
    person = [
        r
        for r, e in zip(table["row"].to_pylist(), table["entity"].to_pylist(), strict=True)
        if e == PERSON
    ]
    assert sorted(person) == list(range(len(MULTICULTURAL)))
    assert set(table.filter(pa.compute.equal(table["entity"], PERSON))["column"].to_pylist()) == {
        "0"
    }


# --------------------------------------------------------------------------- evidence
def test_evidence_explains_the_decision() -> None:
    role = infer("Cognome", SURNAMES_IT)
    assert role.evidence.startswith("header 'cognome' (it, PERSON family); 100% of 8 sampled")
    assert "name-shaped" in role.evidence
    contradicted = infer("name", PRODUCTS)
    assert "contradicted" in contradicted.evidence
    assert contradicted.to_dict() == {
        "kind": PLAIN,
        "entity": None,
        "header": PERSON,
        "evidence": contradicted.evidence,
    }


_NAME_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzàéöłß", min_size=3, max_size=9).map(
    str.capitalize
)


@given(
    st.sampled_from(["name", "col_7", "Cognome", "address", "city", "note", "email"]),
    st.lists(st.tuples(_NAME_WORD, _NAME_WORD), min_size=1, max_size=25),
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_evidence_never_holds_a_cell_value(header: str, pairs: list[tuple[str, str]]) -> None:
    values = [f"{a} {b}" for a, b in pairs]
    role = infer(header, values)
    for v in values:
        assert v not in role.evidence
        assert v.split()[0] not in role.evidence.split("'")  # not quoted either


# --------------------------------------------------------------------------- lexicon
def _fake_pickles(folder: Path) -> list[Path]:
    first = {
        "Anna": {"country": {"IT": 0.5}, "gender": {"F": 1.0}, "rank": {"IT": 5, "DE": 90}},
        "Łukasz": {"country": {"PL": 1.0}, "gender": {"M": 1.0}, "rank": {"PL": 40}},
        "Mary Ann": {"country": {"US": 1.0}, "gender": {"F": 1.0}, "rank": {"US": 1}},
        "Zzyzx": {"country": {"US": 1.0}, "gender": {}, "rank": {}},
        "Rarely": {"country": {"US": 1.0}, "gender": {}, "rank": {"US": 9000}},
    }
    last = {"Müller": {"country": {"DE": 1.0}, "gender": {}, "rank": {"DE": 3}}}
    paths = []
    for name, data in (("first_names.pkl.gz", first), ("last_names.pkl.gz", last)):
        path = folder / name
        with gzip.open(path, "wb") as fh:
            pickle.dump(data, fh)
        paths.append(path)
    return paths


def test_build_lexicon_keeps_ranked_single_words_folded(tmp_path: Path) -> None:
    dest = tmp_path / "cache" / "lex.txt.gz"
    assert build_lexicon(_fake_pickles(tmp_path), dest) == 3
    assert read_lexicon(dest) == {"anna", "lukasz", "muller"}


@pytest.fixture
def fresh_lexicon(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    cache = tmp_path / "cache"
    monkeypatch.setenv("EXPOSURE_SCAN_CACHE", str(cache))
    pickles = _fake_pickles(tmp_path)
    monkeypatch.setattr(lexicon, "_dataset", lambda: ("9.9.9", pickles))
    lexicon.name_lexicon.cache_clear()
    yield cache
    lexicon.name_lexicon.cache_clear()


def test_lexicon_is_built_once_then_read_from_the_cache(
    fresh_lexicon: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lex = lexicon.name_lexicon()
    assert lex.source == "names-dataset 9.9.9" and "ANNA" in lex and "Lukasz" in lex
    files = list(fresh_lexicon.iterdir())
    name = f"names-9.9.9-r{lexicon.MAX_RANK}-c{lexicon.COMMON_RANK}-f{lexicon._FORMAT}.txt.gz"
    assert [f.name for f in files] == [name]

    def no_pickles(*_a: object, **_k: object) -> None:
        raise AssertionError("the pickles were read again")

    monkeypatch.setattr(lexicon, "build_lexicon", no_pickles)
    lexicon.name_lexicon.cache_clear()
    assert lexicon.name_lexicon().names == lex.names


def test_lexicon_without_the_package_is_empty_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lexicon, "_dataset", lambda: None)
    lexicon.name_lexicon.cache_clear()
    try:
        lex = lexicon.name_lexicon()
        assert not lex.available and lex.source is None
        assert lex.note == "names-dataset not installed"
    finally:
        lexicon.name_lexicon.cache_clear()


def test_cache_dir_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("EXPOSURE_SCAN_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert lexicon.cache_dir() == tmp_path / "xdg" / "exposure_scan"
    monkeypatch.setenv("EXPOSURE_SCAN_CACHE", str(tmp_path / "mine"))
    assert lexicon.cache_dir() == tmp_path / "mine"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Łukasz", "lukasz"),
        ("MÜLLER", "muller"),
        ("Weiß", "weiss"),
        ("O’Connor", "o'connor"),
        ("Nguyễn", "nguyen"),
        ("Søren", "soren"),
        ("Þórsdóttir", "thorsdottir"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@needs_lexicon
def test_real_lexicon_is_compact_and_broad() -> None:
    lex = lexicon.name_lexicon()
    assert 50_000 < len(lex) < 400_000
    for name in ("Maria", "Mohammed", "Oluwaseun", "Zsófia", "Nguyen", "Kowalski", "Rossi"):
        assert name in lex, name
    for word in ("wireless", "shipped", "pending", "espresso"):
        assert word not in lex, word
    cached = lexicon.lexicon_path(lex.source.split()[-1]) if lex.source else None
    assert cached is not None and cached.stat().st_size < 5 << 20
