"""Structured cell detectors and the cell shapes behind column roles (issue 3)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors.base import Hits, find
from exposure_scan.detectors.contact import EmailDetector
from exposure_scan.detectors.structured import (
    LocationCellDetector,
    PersonCellDetector,
    PostalAddressCellDetector,
    is_country,
    is_organisation,
    is_placeholder,
    street_line,
    structured_detectors,
)

# --------------------------------------------------------------------------- street lines
STREET_LINES = [
    "Via Roma 12", "VIA GARIBALDI 7", "viale europa 22/b", "Piazza San Marco 1, 30124 Venezia VE",
    "Corso Vittorio Emanuele II 18", "Hauptstraße 5", "Bahnhofstr. 12a", "Straße des 17. Juni 135",
    "Platz der Republik 1", "12 rue de la Paix", "45, avenue des Champs-Élysées",
    "Chemin des Vignes 4", "221B Baker Street", "10 Downing St", "1600 Pennsylvania Ave NW",
    "Calle Mayor 3, 2º B", "C/ Alcalá 45", "Avenida de la Constitución 14", "Rua Augusta 27",
    "R. Augusta 27", "Av. Paulista 1578", "Keizersgracht 123", "Kerkstraat 4",
    "Laan van Meerdervoort 52", "Calle Real s/n",
]  # fmt: skip
NOT_STREET_LINES = [
    "Golf GTI 2.0", "Panda 1.2", "Mario Rossi", "Wireless Mouse", "Spring Collection 2024",
    "Road Bike 28", "SKU-12345", "shipped", "iPhone 15 Pro", "Samsung Galaxy S24",
    "the customer called at 12", "Organic Green Tea 500g", "Model 3", "Fiat 500",
    "Order 12 shipped via UPS", "Via Roma", "Baker Street", "12345",
]  # fmt: skip


@pytest.mark.parametrize("cell", STREET_LINES)
def test_street_lines(cell: str) -> None:
    assert street_line(cell)


@pytest.mark.parametrize("cell", NOT_STREET_LINES)
def test_not_street_lines(cell: str) -> None:
    assert not street_line(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        *[(c, True) for c in ("Italia", "Deutschland", "Allemagne", "España", "Nederland")],
        *[(c, True) for c in ("United States", "USA", "DE", "GB")],
        *[(c, False) for c in ("de", "EUR", "USD", "Roma", "XX", "Jordan Smith", "")],
    ],
)
def test_is_country(cell: str, expected: bool) -> None:
    assert is_country(cell) is expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        *[(c, True) for c in ("N/A", " unknown ", "Anónimo", "sconosciuto", "-")],
        *[(c, False) for c in ("Anna", "Nadia", "Unknown Pleasures")],
    ],
)
def test_placeholders(cell: str, expected: bool) -> None:
    assert is_placeholder(cell) is expected


# --------------------------------------------------------------------------- detectors
NAME_CELLS = [
    "Adebayo Ogunleye", "Nguyễn Thị Hương", "Małgorzata Wiśniewska", "Αικατερίνη Παπαδάκη",
    "Mohammed bin Rashid Al-Mansouri", "Aoife O'Connor", "Pádraig Ó Súilleabháin",
    "Juan Carlos de la Fuente Ruiz", "Anne-Sophie Müller-Lüdenscheidt", "SMITH, John",
    "J. R. R. Tolkien", "GUÐRÚN ÞÓRSDÓTTIR", "park ji-hoon", "  Kealoha Kahananui ", "Дмитрий",
    "王伟", "D’Angelo", "Zoë",
]  # fmt: skip
NOT_NAME_CELLS = [
    "Golf GTI 2.0", "user@example.com", "SKU-10023", "12345", "Hello, world!",
    "Rossi & Figli", "R2-D2", "A/B testing", "", "   ", "Mario Rossi (VIP)",
    "one two three four five six seven eight nine",
]  # fmt: skip


def _values(hits: Hits) -> list[str]:
    v = hits.values
    return v.to_pylist() if isinstance(v, pa.Array) else list(v)


def test_person_cells_are_whole_cells() -> None:
    arr = pa.array(NAME_CELLS + NOT_NAME_CELLS, pa.string())
    hits = find(PersonCellDetector(), arr)
    assert sorted(hits.cell.tolist()) == list(range(len(NAME_CELLS)))
    for i, start, end, value in zip(hits.cell, hits.start, hits.end, _values(hits), strict=True):
        assert NAME_CELLS[i][start:end] == value == NAME_CELLS[i].strip()


_LETTERS = "abcdefghijklmnopqrstuvwxyzàáâãäåçèéêëìíîïñòóôöøùúûüýłśźżąęőű"
_WORD = st.text(alphabet=_LETTERS, min_size=1, max_size=12)
_NAME_PART = st.one_of(
    _WORD.map(str.capitalize),
    _WORD.map(str.upper),
    st.tuples(_WORD, _WORD).map(lambda t: f"{t[0].capitalize()}-{t[1].capitalize()}"),
    _WORD.map(lambda w: f"O'{w.capitalize()}"),
    st.sampled_from(["van der", "de la", "bin", "dos", "ibn", "von"]),
)


@given(st.lists(_NAME_PART, min_size=1, max_size=4))
@settings(max_examples=150, deadline=None)
def test_any_name_shaped_cell_matches_whole(parts: list[str]) -> None:
    cell = " ".join(parts)
    if len(cell.split()) > 8 or is_placeholder(cell):
        return  # placeholders ("None", "N/A") are near misses by design
    hits = find(PersonCellDetector(), pa.array([cell]))
    assert _values(hits) == [cell]


@given(st.text(min_size=1, max_size=30).filter(lambda s: any(c.isdigit() for c in s)))
@settings(max_examples=100, deadline=None)
def test_cells_with_digits_are_never_names(cell: str) -> None:
    assert _values(find(PersonCellDetector(), pa.array([cell]))) == []


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        *[(c, True) for c in ("Rossi S.p.A.", "Müller GmbH", "Dupont SARL", "Acme Ltd.")],
        *[(c, True) for c in ("Nord AG", "Ikea AB", "Banco S.A.", "Smith & Sons Limited")],
        *[(c, False) for c in ("Ag Nguyen", "Sa Tran", "Anna Sas", "Mario Rossi", "Inca")],
    ],
)
def test_organisations(cell: str, expected: bool) -> None:
    assert is_organisation(cell) is expected


def test_companies_in_a_name_column_are_near_misses() -> None:
    hits = find(PersonCellDetector(), pa.array(["Mario Rossi", "Rossi S.p.A.", "Müller GmbH"]))
    assert (hits.cell.tolist(), hits.near_misses) == ([0], 2)


def test_placeholders_are_near_misses_not_findings() -> None:
    for det in structured_detectors():
        hits = find(det, pa.array(["N/A", "unknown", "Via Roma 12"], pa.string()))
        if det.entity == "PERSON":  # "N/A" is not name-shaped, "Via Roma 12" has digits
            assert (hits.cell.tolist(), hits.near_misses) == ([], 1)
        else:
            assert (hits.cell.tolist(), hits.near_misses) == ([2], 2)


@pytest.mark.parametrize(
    ("det", "cell"),
    [
        (PersonCellDetector(), "Jürgen Weißmüller"),
        (PostalAddressCellDetector(), "Via Roma 12"),
        (LocationCellDetector(), "Saint-Étienne"),
    ],
)
def test_masks_keep_no_more_than_the_first_letter(det: object, cell: str) -> None:
    assert isinstance(det, (PersonCellDetector, PostalAddressCellDetector, LocationCellDetector))
    masked = det.mask(cell)
    assert len(masked) == len(cell) and masked[0] == cell[0]
    kept = [(m, c) for m, c in zip(masked[1:], cell[1:], strict=True) if m != "*"]
    assert all(m == c and not c.isalnum() for m, c in kept)


def test_normalise_links_case_accent_and_spacing_variants() -> None:
    det = PersonCellDetector()
    assert det.normalise("JÜRGEN  WEISSMÜLLER") == det.normalise("jürgen weißmüller")
    assert det.normalise("Anna Rossi") != det.normalise("Anna Russo")


def test_catalogue_entry_point() -> None:
    dets = structured_detectors()
    assert [d.entity for d in dets] == ["PERSON", "POSTAL_ADDRESS", "LOCATION"]
    for d in dets:
        assert d.requires_role and d.context == frozenset({d.entity}) and d.score == 0.85
    assert [d.numeric for d in dets] == [False, False, True]
    assert len({d.ident for d in dets}) == 3


# --------------------------------------------------------------------------- end to end
PEOPLE = [
    ("Aoife O'Connor", "Via Roma 12", "Milano", "Cliente storico, chiede sempre fattura."),
    ("Nguyễn Thị Hương", "12 rue de la Paix", "Paris", "Consegna al vicino, piano terra."),
    ("Mohammed bin Rashid Al-Mansouri", "Hauptstraße 5", "München", "Pagamento in ritardo."),
    ("Małgorzata Wiśniewska", "Calle Mayor 3, 2º B", "Madrid", "Nessuna nota particolare."),
    ("Juan Carlos de la Fuente Ruiz", "Keizersgracht 123", "Amsterdam", "Reso accettato."),
    ("Kealoha Kahananui", "221B Baker Street", "London", "Chiamare dopo le 18."),
    ("Chinonso Okafor", "Rua Augusta 27", "Lisboa", "Vuole la newsletter in inglese."),
    ("Szabó Lőrinc", "Viale Europa 22/B", "Roma", "Ha cambiato indirizzo a marzo."),
]
OTHER = [
    ("Golf GTI 2.0", "shipped", "SKU-10023", "EUR"),
    ("Panda 1.2 Easy", "pending", "SKU-10024", "USD"),
    ("iPhone 15 Pro 256GB", "shipped", "AB-553-X", "GBP"),
    ("Organic Green Tea 500g", "returned", "ZX9000", "EUR"),
    ("Desk Lamp LED 40W", "cancelled", "SKU-20001", "CHF"),
    ("USB-C Cable 2m", "pending", "SKU-20002", "EUR"),
    ("Coffee Mug 350ml", "shipped", "SKU-20003", "SEK"),
    ("Running Shoes Size 42", "delivered", "SKU-20004", "EUR"),
]


def _write(path: Path, header: list[str] | None, rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        if header:
            w.writerow(header)
        w.writerows(rows)


def _scan(path: Path) -> tuple[Counter[tuple[str, str]], dict[str, set[int]], exposure_scan.Report]:
    report = exposure_scan.scan(
        path, ner="off", detectors=[*structured_detectors(), EmailDetector()]
    )
    t = report.findings_table()
    cols, ents, rows = (t.column(k).to_pylist() for k in ("column", "entity", "row"))
    rows_of: dict[str, set[int]] = {}
    for c, e, r in zip(cols, ents, rows, strict=True):
        rows_of.setdefault(f"{c}:{e}", set()).add(r)
    return Counter(zip(cols, ents, strict=True)), rows_of, report


def test_end_to_end_with_header(tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    header = ["Nome e cognome", "email", "indirizzo", "città", "note"]
    header += ["product_name", "status", "sku", "currency", "name"]
    rows = [
        (p[0], f"user{i}@example.com", p[1], p[2], p[3], *o, o[0])
        for i, (p, o) in enumerate(zip(PEOPLE, OTHER, strict=True))
    ]
    _write(path, header, rows)
    counts, rows_of, report = _scan(path)
    every = set(range(len(PEOPLE)))
    assert rows_of["Nome e cognome:PERSON"] == every
    assert rows_of["indirizzo:POSTAL_ADDRESS"] == every
    assert rows_of["città:LOCATION"] == every
    assert rows_of["email:EMAIL_ADDRESS"] == every
    assert set(counts) == {
        ("Nome e cognome", "PERSON"),
        ("email", "EMAIL_ADDRESS"),
        ("indirizzo", "POSTAL_ADDRESS"),
        ("città", "LOCATION"),
    }  # nothing in notes, products, statuses, SKUs, currencies, or "name" over products
    evidence = " ".join(r["evidence"] for r in report.roles.values() if r)
    for cell in (c for row in rows for c in row):
        assert cell not in evidence


def test_end_to_end_without_header(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    rows = [
        (p[0], f"user{i}@example.com", p[1], o[0], o[1])
        for i, (p, o) in enumerate(zip(PEOPLE, OTHER, strict=True))
    ]
    _write(path, None, rows)
    counts, rows_of, report = _scan(path)
    every = set(range(len(PEOPLE)))
    assert rows_of["0:PERSON"] == every
    assert rows_of["2:POSTAL_ADDRESS"] == every
    assert set(counts) == {("0", "PERSON"), ("1", "EMAIL_ADDRESS"), ("2", "POSTAL_ADDRESS")}
    roles = {k.split("\x1f")[-1]: v for k, v in report.roles.items()}
    assert roles["0"]["entity"] == "PERSON" and roles["0"]["header"] is None
    assert roles["3"]["entity"] is None and roles["4"]["entity"] is None


def test_a_name_header_alone_does_not_make_findings(tmp_path: Path) -> None:
    """Half of these car models are name-shaped: the column is not a name column, so none of
    them may become a PERSON (the detectors require the inferred role, not the header)."""
    models = ["Golf GTI", "Panda 1.2", "Fiesta ST", "Model 3", "Clio V", "Polo 1.0", "500X"]
    models.append("Yaris GR")
    path = tmp_path / "orders.csv"
    rows = [(m, o[2], "a@example.com") for m, o in zip(models, OTHER, strict=True)]
    _write(path, ["name", "cognome", "email"], rows)
    counts, _rows, report = _scan(path)
    assert all(e == "EMAIL_ADDRESS" for _c, e in counts)
    roles = {k.split("\x1f")[-1]: v for k, v in report.roles.items()}
    assert roles["name"]["header"] == "PERSON" and "contradicted" in roles["name"]["evidence"]
