"""Free-text support tickets for the synthetic leak generator, with character offsets.

Personal data inside sentences is what column-based detectors miss; the look-alike fillers
(order numbers, versions, barcodes, ...) are what naive regexes over-report.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence

import pyarrow as pa

from exposure_scan.testing import _synthetic_ids as ids
from exposure_scan.testing._synthetic_people import (
    LOCALE_INFO,
    PHONE_STYLES,
    People,
    format_phone,
)

TICKET_RATES = {
    "PERSON": 0.8, "EMAIL_ADDRESS": 0.45, "PHONE_NUMBER": 0.35, "POSTAL_ADDRESS": 0.2,
    "LOCATION": 0.15,
}  # fmt: skip

_T: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "PERSON": ("Customer {} called about a delayed parcel.", "Ticket opened by {}.",
                   "{} asked to close the account."),
        "EMAIL_ADDRESS": ("Please update the contact e-mail to {}.", "Reply sent to {}.",
                          "Customer can be reached at {}."),
        "PHONE_NUMBER": ("Callback requested on {}.", "Caller ID {} confirmed.",
                         "Asked us to text {} when shipped."),
        "POSTAL_ADDRESS": ("New delivery address: {}.", "Parcel returned from {}.",
                           "Invoice address changed to {}."),
        "LOCATION": ("Customer recently moved to {}.", "Pickup point in {} preferred."),
        "DATE_OF_BIRTH": ("Date of birth verified as {}.", "DOB on file: {}."),
        "CREDIT_CARD": ("Card {} was declined twice.", "Customer read out card number {}."),
        "MASKED_CARD": ("Charge on card {} disputed.", "Refund sent to card {}."),
        "IBAN_CODE": ("Refund to IBAN {} approved.", "Direct debit from {} failed."),
        "VIN": ("Vehicle {} booked for a recall check.", "Warranty claim for VIN {}."),
        "IP_ADDRESS": ("Login from {} blocked after 5 attempts.", "Reset requested from {}."),
        "US_SSN": ("SSN {} provided for the credit check.", "Customer gave SSN {} to verify."),
        "IT_FISCAL_CODE": ("Codice fiscale {} added to the invoice.", "Tax code {} verified."),
    },
    "it": {
        "PERSON": ("Il cliente {} ha chiamato per un pacco in ritardo.", "Ticket aperto da {}."),
        "EMAIL_ADDRESS": ("Aggiornare l'e-mail di contatto in {}.", "Risposta inviata a {}."),
        "PHONE_NUMBER": ("Richiamare al numero {}.", "Il cliente chiede un SMS al {}."),
        "POSTAL_ADDRESS": ("Nuovo indirizzo di consegna: {}.", "Pacco tornato da {}."),
        "LOCATION": ("Il cliente si è trasferito a {}.",),
        "DATE_OF_BIRTH": ("Data di nascita verificata: {}.",),
        "CREDIT_CARD": ("La carta {} è stata rifiutata due volte.",),
        "MASKED_CARD": ("Addebito contestato sulla carta {}.",),
        "IBAN_CODE": ("Rimborso su IBAN {} approvato.",),
        "VIN": ("Veicolo con telaio {} prenotato per il richiamo.",),
        "IP_ADDRESS": ("Accesso da {} bloccato.",),
        "IT_FISCAL_CODE": ("Codice fiscale {} aggiunto alla fattura.",),
    },
    "de": {
        "PERSON": ("Kunde {} hat wegen einer verspäteten Lieferung angerufen.",
                   "Ticket eröffnet von {}."),
        "EMAIL_ADDRESS": ("Bitte Kontakt-E-Mail auf {} ändern.", "Antwort an {} gesendet."),
        "PHONE_NUMBER": ("Rückruf unter {} erbeten.", "Bitte SMS an {} bei Versand."),
        "POSTAL_ADDRESS": ("Neue Lieferadresse: {}.", "Paket zurück von {}."),
        "LOCATION": ("Kunde ist nach {} umgezogen.",),
        "DATE_OF_BIRTH": ("Geburtsdatum bestätigt: {}.",),
        "CREDIT_CARD": ("Karte {} wurde zweimal abgelehnt.",),
        "MASKED_CARD": ("Belastung auf Karte {} reklamiert.",),
        "IBAN_CODE": ("Erstattung auf IBAN {} freigegeben.", "Lastschrift von {} fehlgeschlagen."),
        "VIN": ("Fahrzeug {} für Rückruf eingeplant.",),
        "IP_ADDRESS": ("Anmeldung von {} gesperrt.",),
    },
    "fr": {
        "PERSON": ("Le client {} a appelé pour un colis en retard.", "Ticket ouvert par {}."),
        "EMAIL_ADDRESS": ("Merci de changer l'adresse e-mail en {}.", "Réponse envoyée à {}."),
        "PHONE_NUMBER": ("Rappel demandé au {}.", "Envoyer un SMS au {} à l'expédition."),
        "POSTAL_ADDRESS": ("Nouvelle adresse de livraison : {}.", "Colis retourné depuis {}."),
        "LOCATION": ("Le client a déménagé à {}.",),
        "DATE_OF_BIRTH": ("Date de naissance vérifiée : {}.",),
        "CREDIT_CARD": ("La carte {} a été refusée deux fois.",),
        "MASKED_CARD": ("Débit contesté sur la carte {}.",),
        "IBAN_CODE": ("Remboursement sur l'IBAN {} validé.",),
        "VIN": ("Véhicule {} programmé pour un rappel.",),
        "IP_ADDRESS": ("Connexion depuis {} bloquée.",),
    },
    "es": {
        "PERSON": ("El cliente {} llamó por un paquete retrasado.", "Ticket abierto por {}."),
        "EMAIL_ADDRESS": ("Actualizar el correo de contacto a {}.", "Respuesta enviada a {}."),
        "PHONE_NUMBER": ("Solicita que le llamen al {}.", "Enviar SMS al {} cuando salga."),
        "POSTAL_ADDRESS": ("Nueva dirección de entrega: {}.", "Paquete devuelto desde {}."),
        "LOCATION": ("El cliente se mudó a {}.",),
        "DATE_OF_BIRTH": ("Fecha de nacimiento verificada: {}.",),
        "CREDIT_CARD": ("La tarjeta {} fue rechazada dos veces.",),
        "MASKED_CARD": ("Cargo reclamado en la tarjeta {}.",),
        "IBAN_CODE": ("Reembolso al IBAN {} aprobado.",),
        "VIN": ("Vehículo {} citado para revisión.",),
        "IP_ADDRESS": ("Acceso desde {} bloqueado.",),
    },
}  # fmt: skip
_FILLERS = (
    "Order {order} shipped.", "App version {version} crashes at login.",
    "Refund of {price} EUR pending.", "Internal ref {uuid}.", "Tracking barcode {ean}.",
    "Item {sku} out of stock.", "Build {sha} deployed.", "Customer asked about delivery times.",
)  # fmt: skip
_LANGUAGE = {"it_IT": "it", "de_DE": "de", "de_CH": "de", "fr_FR": "fr", "es_ES": "es"}


def _filler(rng: random.Random) -> str:
    return rng.choice(_FILLERS).format(
        order=ids.order_number(rng), version=ids.version(rng), price=ids.price(rng),
        uuid=ids.uuid4(rng), ean=ids.ean13(rng), sku=ids.sku(rng), sha=ids.sha1_hex(rng)[:12],
    )  # fmt: skip


def _address(ppl: People, p: int) -> str:
    loc, street, city, pc = ppl.locale[p], ppl.street[p], ppl.city[p], ppl.postcode[p]
    if loc == "ja_JP":
        return f"〒{pc} {city}{street}"
    if loc in ("en_GB", "en_US"):
        return f"{street}, {city} {pc}"
    return f"{street}, {pc} {city}"


def build_tickets(
    ppl: People, person_of: Sequence[int], rates: Mapping[str, float], rng: random.Random
) -> tuple[pa.Table, pa.Table]:
    """One ticket per row; each planted entity is a sentence, shuffled among fillers."""
    rows, n = len(person_of), len(ppl.locale)
    wanted = [e for e, share in rates.items() if share > 0]
    dob = [ids.birth_date(rng) for _ in range(n)]
    female = [rng.random() < 0.5 for _ in range(n)]
    stable: dict[tuple[str, int], str] = {}  # a person keeps one card, IBAN, SSN, ...
    texts: list[str] = []
    truth: dict[str, list[object]] = {
        k: [] for k in ("row", "column", "entity", "value", "region", "person", "start", "end")
    }
    for row, p in enumerate(person_of):
        loc = ppl.locale[p]
        region = LOCALE_INFO[loc].region
        lang = _LANGUAGE.get(loc, "en") if rng.random() < 0.7 else "en"
        planted: list[tuple[str, str, str | None]] = []
        for entity in wanted:
            if rng.random() >= rates[entity]:
                continue
            value = _value(entity, ppl, p, dob, female, region, stable, rng)
            planted.append((entity, value, region if entity == "PHONE_NUMBER" else None))
        pieces: list[tuple[str, str, str | None] | str] = [*planted]
        if rng.random() < 0.6 or not planted:
            pieces.append(_filler(rng))
        rng.shuffle(pieces)
        text = ""
        for piece in pieces:
            if text:
                text += " "
            if isinstance(piece, str):
                text += piece
            else:
                entity, value, phone_region = piece
                templates = _T[lang].get(entity) or _T["en"][entity]
                before, after = rng.choice(templates).split("{}")
                start = len(text) + len(before)
                text += before + value + after
                for key, item in zip(
                    truth,
                    (row, "text", entity, value, phone_region, p, start, start + len(value)),
                    strict=True,
                ):
                    truth[key].append(item)
        texts.append(text)
    start_id = rng.randint(10000, 99999)
    table = pa.table(
        {
            "timestamp": pa.array(ids.timestamps(rng, rows, iso_t=False), pa.string()),
            "ticket_id": pa.array([f"T-{start_id + i}" for i in range(rows)], pa.string()),
            "text": pa.array(texts, pa.string()),
        }
    )
    schema = pa.schema([
        ("row", pa.int64()), ("column", pa.string()), ("entity", pa.string()),
        ("value", pa.string()), ("region", pa.string()), ("person", pa.int64()),
        ("start", pa.int64()), ("end", pa.int64()),
    ])  # fmt: skip
    return table, pa.table(truth, schema=schema)


def _value(
    entity: str,
    ppl: People,
    p: int,
    dob: Sequence[dt.date],
    female: Sequence[bool],
    region: str,
    stable: dict[tuple[str, int], str],
    rng: random.Random,
) -> str:
    """A fresh rendering of the person's value; identifiers stay the same per person."""
    if entity == "PERSON":
        first, last = ppl.first[p], ppl.last[p]
        return f"{last.upper()} {first}" if rng.random() < 0.1 else f"{first} {last}"
    if entity == "EMAIL_ADDRESS":
        return ppl.email[p]
    if entity == "PHONE_NUMBER":
        phone = ppl.phone[p]
        assert phone is not None
        return format_phone(phone, rng.choice(PHONE_STYLES), rng, ext_share=0.02)
    if entity == "POSTAL_ADDRESS":
        return _address(ppl, p)
    if entity == "LOCATION":
        return ppl.city[p]
    if entity == "DATE_OF_BIRTH":
        style = ids.LOCALE_DATE_STYLE[ppl.locale[p]] if rng.random() < 0.7 else "iso"
        return ids.DATE_STYLES[style](dob[p])
    if entity in ("CREDIT_CARD", "MASKED_CARD"):
        if ("PAN", p) not in stable:
            stable["PAN", p] = ids.card_number(rng)
        pan = stable["PAN", p]
        return ids.format_card(pan, rng) if entity == "CREDIT_CARD" else ids.masked_card(pan, rng)
    key = (entity, p)
    if key not in stable:
        if entity == "IBAN_CODE":
            stable[key] = ids.iban(region, rng)
        elif entity == "VIN":
            stable[key] = ids.vin(rng)
        elif entity == "IP_ADDRESS":
            stable[key] = ids.ip_address(rng)
        elif entity == "US_SSN":
            stable[key] = ids.us_ssn(rng)
        else:
            stable[key] = ids.codice_fiscale(
                ppl.last[p], ppl.first[p], dob[p], female[p], region, rng
            )
    return stable[key]
