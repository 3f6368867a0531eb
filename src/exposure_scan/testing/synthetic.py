"""Seeded generator of realistic leaked customer tables, returned together with the truth.

Used by the test suite, the benchmarks and the ``synthetic_leak`` pytest fixture: detectors
are scored against what was actually planted, including look-alike columns that must NOT be
reported. Output is byte-identical for a given seed in any process, whatever PYTHONHASHSEED.
Faker is an optional extra (``pip install 'exposure_scan[synthetic]'``), imported lazily.
"""

from __future__ import annotations

import os
import pathlib
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from exposure_scan.testing import _synthetic_ids as ids
from exposure_scan.testing._synthetic_people import (
    LOCALE_INFO,
    PHONE_STYLES,
    SUPPORTED_LOCALES,
    People,
    format_phone,
    make_people,
)

T = TypeVar("T")

__all__ = [
    "DEFAULT_LOCALES",
    "ENTITIES",
    "MIXED",
    "SUPPORTED_LOCALES",
    "SyntheticLeak",
    "customer_table",
    "support_tickets",
]

ENTITIES = (
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "POSTAL_ADDRESS", "LOCATION", "DATE_OF_BIRTH",
    "CREDIT_CARD", "MASKED_CARD", "IBAN_CODE", "VIN", "IP_ADDRESS", "US_SSN", "IT_FISCAL_CODE",
)  # fmt: skip
MIXED = "MIXED"
"""``columns`` value of a free-text column that holds several entities (support tickets)."""
DEFAULT_LOCALES = ("it_IT", "de_DE", "fr_FR", "en_GB", "en_US", "es_ES")
HEADER_MODES = ("en", "native", "none", "opaque")

_BASE_RATES = {
    "PERSON": 1.0, "EMAIL_ADDRESS": 0.97, "PHONE_NUMBER": 0.9, "POSTAL_ADDRESS": 1.0,
    "LOCATION": 1.0,
}  # fmt: skip

# Column -> entity (None: not personal data on its own). Country is None on purpose: a
# country identifies no one; city is LOCATION, street and postcode are POSTAL_ADDRESS.
_COLUMN_ENTITY: dict[str, str | None] = {
    "customer_id": None, "first_name": "PERSON", "last_name": "PERSON",
    "street": "POSTAL_ADDRESS", "city": "LOCATION", "postcode": "POSTAL_ADDRESS",
    "country": None, "email": "EMAIL_ADDRESS", "phone": "PHONE_NUMBER", "created_at": None,
    "date_of_birth": "DATE_OF_BIRTH", "codice_fiscale": "IT_FISCAL_CODE", "ssn": "US_SSN",
    "card_number": "CREDIT_CARD", "masked_card": "MASKED_CARD", "iban": "IBAN_CODE",
    "vin": "VIN", "ip": "IP_ADDRESS", "order_number": None, "ean13": None, "sku": None,
    "price": None, "uuid": None, "sha1": None, "version": None, "warehouse_lat": None,
    "warehouse_lon": None, "car_model": None, "note": None,
}  # fmt: skip
_NATIVE_HEADERS = {
    "it": ("Codice cliente", "Nome", "Cognome", "Indirizzo", "Città", "CAP", "Paese", "E-mail",
           "Telefono", "Data registrazione", "Data di nascita", "Codice fiscale", "SSN",
           "Numero carta", "Carta mascherata", "IBAN", "Telaio", "Indirizzo IP", "Numero ordine",
           "EAN", "Codice articolo", "Prezzo", "UUID", "Hash", "Versione", "Latitudine magazzino",
           "Longitudine magazzino", "Modello auto", "Note"),
    "de": ("Kundennummer", "Vorname", "Nachname", "Straße", "Ort", "PLZ", "Land", "E-Mail",
           "Telefon", "Registriert am", "Geburtsdatum", "Codice Fiscale", "SSN", "Kartennummer",
           "Karte maskiert", "IBAN", "FIN", "IP-Adresse", "Bestellnummer", "EAN", "Artikelnummer",
           "Preis", "UUID", "Prüfsumme", "Version", "Lager Breite", "Lager Länge",
           "Fahrzeugmodell", "Bemerkung"),
    "fr": ("N° client", "Prénom", "Nom", "Adresse", "Ville", "Code postal", "Pays", "Courriel",
           "Téléphone", "Date d'inscription", "Date de naissance", "Code fiscal", "SSN",
           "Numéro de carte", "Carte masquée", "IBAN", "VIN", "Adresse IP", "N° commande", "EAN",
           "Référence", "Prix", "UUID", "Empreinte", "Version", "Latitude entrepôt",
           "Longitude entrepôt", "Modèle", "Remarque"),
    "es": ("ID cliente", "Nombre", "Apellidos", "Dirección", "Ciudad", "Código postal", "País",
           "Correo electrónico", "Teléfono", "Fecha de alta", "Fecha de nacimiento",
           "Código fiscal", "SSN", "Número de tarjeta", "Tarjeta enmascarada", "IBAN", "Bastidor",
           "Dirección IP", "Número de pedido", "EAN", "SKU", "Precio", "UUID", "Hash", "Versión",
           "Latitud almacén", "Longitud almacén", "Modelo", "Nota"),
    "en": ("Customer ID", "First Name", "Last Name", "Street", "City", "Postcode", "Country",
           "E-mail", "Phone", "Registered", "Date of Birth", "Codice Fiscale", "SSN",
           "Card Number", "Masked Card", "IBAN", "VIN", "IP Address", "Order No.", "EAN",
           "SKU", "Price", "UUID", "SHA-1", "Version", "Warehouse Lat", "Warehouse Lon",
           "Car Model", "Note"),
}  # fmt: skip


@dataclass
class SyntheticLeak:
    """A generated leak and the truth about it.

    ``truth`` has one row per planted (row, column, entity): ``row`` (int64), ``column``,
    ``entity``, ``value`` (the raw cell, or the text span for free text, which then adds
    ``start``/``end``), ``region`` (ISO-2 of phones, else null) and ``person`` (the planted
    person id, so affected-people counts can be checked).
    """

    table: pa.Table
    truth: pa.Table
    columns: dict[str, str | None]
    people: int
    """Distinct planted persons: duplicates (``duplicates=``) make this smaller than rows."""
    seed: int
    header: str = "en"
    kind: str = "customers"

    def write(
        self,
        path: str | os.PathLike[str],
        fmt: str | None = None,
        *,
        encoding: str = "utf-8",
    ) -> pathlib.Path:
        """Write the table as a leak file; ``fmt`` defaults to the file's suffix.

        Formats: csv, tsv, psv (pipe), ssv (semicolon), jsonl, json (array), parquet, feather,
        orc, sql (mysqldump: CREATE TABLE + extended INSERTs), pgsql (pg_dump COPY), txt (one
        line per row: ticket lines, or every non-null cell of a customer row). A further
        .gz/.bz2/.xz/.zst suffix compresses; .zip/.tar/.tar.gz/.tgz wrap the file in an archive.
        Output bytes depend only on the leak (no timestamps in headers).

        A lossy ``encoding`` (e.g. cp1252) replaces each unencodable character with ``?``;
        table, columns and truth are degraded in place the same way so they keep describing
        the file, and truth rows left with no letter or digit are dropped.
        """
        from exposure_scan.testing._synthetic_io import write_leak

        return write_leak(self, pathlib.Path(path), fmt, encoding)


# ---------------------------------------------------------------------------- helpers


def _check_locales(locales: Sequence[str]) -> tuple[str, ...]:
    locs = tuple(dict.fromkeys(locales))
    unknown = [loc for loc in locs if loc not in SUPPORTED_LOCALES]
    if not locs or unknown:
        raise ValueError(f"locales must be a non-empty subset of {SUPPORTED_LOCALES}")
    return locs


def _rates(entities: Mapping[str, float] | None, base: Mapping[str, float]) -> dict[str, float]:
    rates = dict.fromkeys(ENTITIES, 0.0) | dict(base)
    for name, share in (entities or {}).items():
        if name not in ENTITIES:
            raise ValueError(f"unknown entity {name!r}; expected one of {ENTITIES}")
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"share of {name} must be within [0, 1]")
        rates[name] = float(share)
    return rates


def _person_index(rows: int, duplicates: float, rng: random.Random) -> tuple[list[int], list[bool]]:
    """Row -> person id; a duplicate row repeats a person first seen in an earlier row."""
    if not 0.0 <= duplicates < 1.0:
        raise ValueError("duplicates must be within [0, 1)")
    n_dup = min(round(rows * duplicates), max(rows - 1, 0))
    dup_rows = set(rng.sample(range(1, rows), n_dup)) if n_dup else set()
    person_of, is_dup, count = [], [], 0
    for i in range(rows):
        if i in dup_rows:
            person_of.append(rng.randrange(count))
            is_dup.append(True)
        else:
            person_of.append(count)
            is_dup.append(False)
            count += 1
    return person_of, is_dup


def _mask(rows: int, share: float, rng: random.Random) -> list[bool]:
    """Exactly round(share*rows) rows, so requested rates are honoured without sampling noise."""
    if share >= 1.0:
        return [True] * rows
    out = [False] * rows
    for i in rng.sample(range(rows), round(rows * share)):
        out[i] = True
    return out


def _variant(value: str, rng: random.Random, share: float) -> str:
    """Case and whitespace noise as found in real exports (and more of it on duplicates)."""
    r = rng.random()
    if r >= share:
        return value
    r /= share
    return value.upper() if r < 0.4 else value.lower() if r < 0.7 else value + " "


def _truth(
    table: pa.Table,
    columns: Mapping[str, str | None],
    person_of: Sequence[int],
    regions: Mapping[str, Sequence[str | None]],
) -> pa.Table:
    """Vectorised: one truth row per non-null cell of every PII column, sorted by row."""
    persons = pa.array(person_of, pa.int64())
    parts = []
    for position, (name, entity) in enumerate(columns.items()):
        if entity is None:
            continue
        col = table[name].combine_chunks()
        idx = pc.indices_nonzero(pc.is_valid(col)).cast(pa.int64())
        n = len(idx)
        region = (
            pc.take(pa.array(regions[name], pa.string()), idx)
            if name in regions
            else pa.nulls(n, pa.string())
        )
        parts.append(
            pa.table(
                {
                    "row": idx,
                    "column": pa.array([name] * n, pa.string()),
                    "entity": pa.array([entity] * n, pa.string()),
                    "value": pc.take(col, idx),
                    "region": region,
                    "person": pc.take(persons, idx),
                    "_pos": pa.array([position] * n, pa.int64()),
                }
            )
        )
    if not parts:
        return empty_truth()
    truth = pa.concat_tables(parts)
    truth = truth.take(pc.sort_indices(truth, [("row", "ascending"), ("_pos", "ascending")]))
    return truth.drop_columns(["_pos"])


def _planted(truth: pa.Table) -> int:
    """Distinct persons with at least one planted value (a row of fillers plants nobody)."""
    return len(pc.unique(truth["person"])) if truth.num_rows else 0


def empty_truth(*, spans: bool = False) -> pa.Table:
    fields = [
        ("row", pa.int64()), ("column", pa.string()), ("entity", pa.string()),
        ("value", pa.string()), ("region", pa.string()), ("person", pa.int64()),
    ]  # fmt: skip
    if spans:
        fields += [("start", pa.int64()), ("end", pa.int64())]
    return pa.schema(fields).empty_table()


def _header_names(names: Sequence[str], header: str, language: str) -> list[str]:
    if header == "en":
        return list(names)
    if header == "none":
        return [str(i) for i in range(len(names))]
    if header == "opaque":
        return [f"col_{i + 1}" for i in range(len(names))]
    native = dict(zip(_COLUMN_ENTITY, _NATIVE_HEADERS[language], strict=True))
    return [native[n] for n in names]


# ---------------------------------------------------------------------------- customers


def customer_table(
    rows: int,
    *,
    seed: int = 0,
    locales: Sequence[str] = DEFAULT_LOCALES,
    entities: Mapping[str, float] | None = None,
    lookalikes: bool = True,
    header: str = "en",
    header_language: str | None = None,
    duplicates: float = 0.0,
) -> SyntheticLeak:
    """A leaked customer table of ``rows`` rows.

    ``entities`` maps entity -> share of rows that carry it, merged over the defaults
    (PERSON, POSTAL_ADDRESS, LOCATION 1.0; EMAIL_ADDRESS 0.97; PHONE_NUMBER 0.9; others 0);
    columns whose entity has share 0 are absent. ``header``: "en" (snake_case English),
    "native" (in ``header_language``: it/de/fr/es/en, default from the first locale),
    "none" (columns "0", "1", ...; files get no header row) or "opaque" (col_1, col_2, ...).
    ``duplicates`` is the share of rows repeating an earlier person with different formatting.
    """
    if rows < 0:
        raise ValueError("rows must be >= 0")
    if header not in HEADER_MODES:
        raise ValueError(f"header must be one of {HEADER_MODES}")
    if header_language is None:
        guess = locales[0][:2] if locales else "en"
        language = guess if guess in _NATIVE_HEADERS else "en"
    elif header_language in _NATIVE_HEADERS:
        language = header_language
    else:
        raise ValueError(f"header_language must be one of {tuple(_NATIVE_HEADERS)}")
    locs = _check_locales(locales)
    rates = _rates(entities, _BASE_RATES)
    rng = random.Random(f"exposure_scan.synthetic.customers:{seed}")
    person_of, is_dup = _person_index(rows, duplicates, rng)
    n_people = max(person_of, default=-1) + 1
    ppl = make_people(n_people, locs, rng, phones=rates["PHONE_NUMBER"] > 0)
    cols: dict[str, list[str | None]] = {}
    regions: dict[str, list[str | None]] = {}

    def column(name: str, entity: str, make: Callable[[int, int], str]) -> None:
        if rates[entity] > 0:
            mask = _mask(rows, rates[entity], rng)
            cols[name] = [
                make(i, p) if m else None
                for i, (p, m) in enumerate(zip(person_of, mask, strict=True))
            ]

    start_id = rng.randint(1000, 90000)
    cols["customer_id"] = [str(start_id + i) for i in range(rows)]
    noise = [0.35 if d else 0.07 for d in is_dup]
    column("first_name", "PERSON", lambda i, p: _variant(ppl.first[p], rng, noise[i]))
    if "first_name" in cols:  # first and last name come and go together
        cols["last_name"] = [
            None if f is None else _variant(ppl.last[p], rng, noise[i])
            for i, (f, p) in enumerate(zip(cols["first_name"], person_of, strict=True))
        ]
    column("street", "POSTAL_ADDRESS", lambda i, p: ppl.street[p])
    column("city", "LOCATION", lambda i, p: _variant(ppl.city[p], rng, noise[i] / 2))
    if "street" in cols:
        cols["postcode"] = [
            None if s is None else ppl.postcode[p]
            for s, p in zip(cols["street"], person_of, strict=True)
        ]
    country_style = rng.choice(("region", "country_en", "country_native"))
    cols["country"] = [getattr(LOCALE_INFO[ppl.locale[p]], country_style) for p in person_of]
    column(
        "email",
        "EMAIL_ADDRESS",
        lambda i, p: (
            ppl.email[p].capitalize() if is_dup[i] and rng.random() < 0.3 else ppl.email[p]
        ),
    )
    dominant = rng.choice(PHONE_STYLES)

    def phone(i: int, p: int) -> str:
        number = ppl.phone[p]
        assert number is not None
        style = dominant if rng.random() < 0.5 else ids.pick(rng, PHONE_STYLES)
        return format_phone(number, style, rng)

    column("phone", "PHONE_NUMBER", phone)
    if "phone" in cols:
        regions["phone"] = [
            None if v is None else LOCALE_INFO[ppl.locale[p]].region
            for v, p in zip(cols["phone"], person_of, strict=True)
        ]
    cols["created_at"] = list(ids.timestamps(rng, rows, iso_t=rng.random() < 0.5))
    _optional_columns(cols, rates, ppl, rng, column)
    if lookalikes:
        _lookalike_columns(cols, rows, rng)

    names = list(cols)
    final = _header_names(names, header, language)
    table = pa.table({f: pa.array(cols[n], pa.string()) for f, n in zip(final, names, strict=True)})
    columns = {f: _COLUMN_ENTITY[n] for f, n in zip(final, names, strict=True)}
    truth = _truth(
        table, columns, person_of, {final[names.index(n)]: r for n, r in regions.items()}
    )
    return SyntheticLeak(table, truth, columns, _planted(truth), seed, header=header)


def _memo(make: Callable[[int], T]) -> Callable[[int], T]:
    """Per-person value drawn on first use, so rare entities cost nothing for other persons."""
    cache: dict[int, T] = {}

    def get(p: int) -> T:
        if p not in cache:
            cache[p] = make(p)
        return cache[p]

    return get


def _optional_columns(
    cols: dict[str, list[str | None]],
    rates: Mapping[str, float],
    ppl: People,
    rng: random.Random,
    column: Callable[[str, str, Callable[[int, int], str]], None],
) -> None:
    """Per-person values (the same person keeps the same card, IBAN, ...), per-row format."""
    dob = _memo(lambda p: ids.birth_date(rng))
    female = _memo(lambda p: rng.random() < 0.5)
    region = _memo(lambda p: LOCALE_INFO[ppl.locale[p]].region)
    style = rng.choice(("iso", "locale", "locale"))

    def birth(i: int, p: int) -> str:
        key = ids.LOCALE_DATE_STYLE[ppl.locale[p]] if style == "locale" else "iso"
        return ids.DATE_STYLES[key](dob(p))

    cf = _memo(
        lambda p: ids.codice_fiscale(ppl.last[p], ppl.first[p], dob(p), female(p), region(p), rng)
    )
    ssn = _memo(lambda p: ids.us_ssn(rng))
    pan = _memo(lambda p: ids.card_number(rng))
    iban = _memo(lambda p: ids.iban(region(p), rng))
    vin = _memo(lambda p: ids.vin(rng))
    ip = _memo(lambda p: ids.ip_address(rng))
    column("date_of_birth", "DATE_OF_BIRTH", birth)
    column("codice_fiscale", "IT_FISCAL_CODE", lambda i, p: cf(p))
    column("ssn", "US_SSN", lambda i, p: ssn(p))
    column("card_number", "CREDIT_CARD", lambda i, p: ids.format_card(pan(p), rng))
    column("masked_card", "MASKED_CARD", lambda i, p: ids.masked_card(pan(p), rng))
    column("iban", "IBAN_CODE", lambda i, p: iban(p))
    column("vin", "VIN", lambda i, p: vin(p))
    column("ip", "IP_ADDRESS", lambda i, p: ip(p))


def _lookalike_columns(cols: dict[str, list[str | None]], rows: int, rng: random.Random) -> None:
    """Columns that fool naive detectors (Luhn-ish digits, dotted quads, hex ids, ...).

    Barcode, SKU, price and note come from a product catalogue, so they repeat across rows as
    in a real shop export (and cost nothing per row).
    """
    r = range(rows)
    catalogue = [
        (ids.ean13(rng), ids.sku(rng), ids.price(rng)) for _ in range(min(max(rows, 1), 2000))
    ]
    products = rng.choices(catalogue, k=rows)
    notes = [ids.note(rng) for _ in range(200)]
    versions = [ids.version(rng) for _ in range(60)]
    coords = rng.choices([ids.warehouse(rng) for _ in range(40)], k=rows)
    cols["order_number"] = [ids.order_number(rng) for _ in r]
    cols["ean13"] = [p[0] for p in products]
    cols["sku"] = [p[1] for p in products]
    cols["price"] = [p[2] for p in products]
    cols["uuid"] = [ids.uuid4(rng) for _ in r]
    cols["sha1"] = [ids.sha1_hex(rng) for _ in r]
    cols["version"] = list(rng.choices(versions, k=rows))
    cols["warehouse_lat"] = [c[0] for c in coords]
    cols["warehouse_lon"] = [c[1] for c in coords]
    cols["car_model"] = list(rng.choices(ids.CAR_MODELS, k=rows))
    cols["note"] = [ids.pick(rng, notes) if rng.random() < 0.6 else None for _ in r]


# ---------------------------------------------------------------------------- tickets


def support_tickets(
    rows: int,
    seed: int = 0,
    *,
    locales: Sequence[str] = DEFAULT_LOCALES,
    entities: Mapping[str, float] | None = None,
    duplicates: float = 0.0,
) -> SyntheticLeak:
    """Free-text support-ticket log lines mentioning personal data inside sentences.

    The table has ``timestamp``, ``ticket_id`` and ``text``; the truth adds ``start``/``end``
    character offsets into ``text``. ``entities`` maps entity -> share of tickets mentioning it.
    """
    from exposure_scan.testing._synthetic_tickets import TICKET_RATES, build_tickets

    if rows < 0:
        raise ValueError("rows must be >= 0")
    locs = _check_locales(locales)
    rates = _rates(entities, TICKET_RATES)
    rng = random.Random(f"exposure_scan.synthetic.tickets:{seed}")
    person_of, _ = _person_index(rows, duplicates, rng)
    n_people = max(person_of, default=-1) + 1
    ppl = make_people(n_people, locs, rng, phones=rates["PHONE_NUMBER"] > 0)
    table, truth = build_tickets(ppl, person_of, rates, rng)
    columns: dict[str, str | None] = {"timestamp": None, "ticket_id": None, "text": MIXED}
    return SyntheticLeak(table, truth, columns, _planted(truth), seed, kind="tickets")
