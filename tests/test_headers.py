"""Header semantics: what a column name announces, in seven languages, and what it does not."""

from __future__ import annotations

import dataclasses
import string
import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from exposure_scan.detectors import header_lexicon as lex
from exposure_scan.detectors import headers
from exposure_scan.detectors.headers import (
    NON_PII,
    HeaderHint,
    header_hint,
    header_hints,
    normalise_header,
)

# (header, entity, part): positives in every language and look-alikes that must not be PII.
CASES: list[tuple[str, str | None, str | None]] = [
    # --- PERSON: full / given / family / middle
    ("name", "PERSON", "full"),
    ("Name", "PERSON", "full"),
    ("full_name", "PERSON", "full"),
    ("fullName", "PERSON", "full"),
    ("customer.name", "PERSON", "full"),
    ("nome_cliente", "PERSON", "given"),
    ("first_name", "PERSON", "given"),
    ("firstName", "PERSON", "given"),
    ("FIRSTNAME", "PERSON", "given"),
    ("fname", "PERSON", "given"),
    ("given_name", "PERSON", "given"),
    ("last_name", "PERSON", "family"),
    ("lname", "PERSON", "family"),
    ("surname", "PERSON", "family"),
    ("middle_name", "PERSON", "middle"),
    ("nome", "PERSON", "given"),
    ("Nome", "PERSON", "given"),
    ("cognome", "PERSON", "family"),
    ("Nome e Cognome", "PERSON", "full"),
    ("nome_cognome", "PERSON", "full"),
    ("nominativo", "PERSON", "full"),
    ("Vorname", "PERSON", "given"),
    ("Nachname", "PERSON", "family"),
    ("Familienname", "PERSON", "family"),
    ("Kontoinhaber", "PERSON", "full"),
    ("Prénom", "PERSON", "given"),
    ("nom", "PERSON", "family"),
    ("Nom de famille", "PERSON", "family"),
    ("Nombre", "PERSON", "given"),
    ("Apellidos", "PERSON", "family"),
    ("apellido_paterno", "PERSON", "family"),
    ("Nombre completo", "PERSON", "full"),
    ("Voornaam", "PERSON", "given"),
    ("Achternaam", "PERSON", "family"),
    ("Tussenvoegsel", "PERSON", "middle"),
    ("naam", "PERSON", "full"),
    ("Sobrenome", "PERSON", "family"),
    ("Nome completo", "PERSON", "full"),
    ("cardholder", "PERSON", "full"),
    # --- EMAIL_ADDRESS
    ("email", "EMAIL_ADDRESS", None),
    ("E-Mail", "EMAIL_ADDRESS", None),
    ("e_mail", "EMAIL_ADDRESS", None),
    ("emailAddress", "EMAIL_ADDRESS", None),
    ("email_secondaria", "EMAIL_ADDRESS", None),
    ("customer.email", "EMAIL_ADDRESS", None),
    ("profile.email", "EMAIL_ADDRESS", None),
    ("users[0].email", "EMAIL_ADDRESS", None),
    ("indirizzo_email", "EMAIL_ADDRESS", None),
    ("PEC", "EMAIL_ADDRESS", None),
    ("E-Mail-Adresse", "EMAIL_ADDRESS", None),
    ("Courriel", "EMAIL_ADDRESS", None),
    ("adresse_mail", "EMAIL_ADDRESS", None),
    ("Correo electrónico", "EMAIL_ADDRESS", None),
    ("E-mailadres", "EMAIL_ADDRESS", None),
    ("endereço de email", "EMAIL_ADDRESS", None),
    ("work_email2", "EMAIL_ADDRESS", None),
    # --- PHONE_NUMBER
    ("phone", "PHONE_NUMBER", None),
    ("phone2", "PHONE_NUMBER", None),
    ("mobile_phone", "PHONE_NUMBER", None),
    ("phoneNumber", "PHONE_NUMBER", None),
    ("phonenumber", "PHONE_NUMBER", None),
    ("Tel.", "PHONE_NUMBER", None),
    ("fax", "PHONE_NUMBER", None),
    ("telefono_1", "PHONE_NUMBER", None),
    ("tel_cellulare", "PHONE_NUMBER", None),
    ("Numero di telefono", "PHONE_NUMBER", None),
    ("cellulare", "PHONE_NUMBER", None),
    ("Telefon privat", "PHONE_NUMBER", None),
    ("Mobilfunknummer", "PHONE_NUMBER", None),
    ("Festnetznummer", "PHONE_NUMBER", None),
    ("Handynummer", "PHONE_NUMBER", None),
    ("Téléphone portable", "PHONE_NUMBER", None),
    ("tfno", "PHONE_NUMBER", None),
    ("Móvil", "PHONE_NUMBER", None),
    ("Telefoonnummer", "PHONE_NUMBER", None),
    ("Telemóvel", "PHONE_NUMBER", None),
    ("phones[1].number", "PHONE_NUMBER", None),
    # --- POSTAL_ADDRESS
    ("address", "POSTAL_ADDRESS", None),
    ("addr", "POSTAL_ADDRESS", None),
    ("Indirizzo", "POSTAL_ADDRESS", None),
    ("Anschrift", "POSTAL_ADDRESS", None),
    ("Dirección", "POSTAL_ADDRESS", None),
    ("Morada", "POSTAL_ADDRESS", None),
    ("adres", "POSTAL_ADDRESS", None),
    ("billing.street", "POSTAL_ADDRESS", "street"),
    ("street_address", "POSTAL_ADDRESS", "street"),
    ("addressLine1", "POSTAL_ADDRESS", "street"),
    ("address_line_2", "POSTAL_ADDRESS", "street"),
    ("Via", "POSTAL_ADDRESS", "street"),
    ("Straße", "POSTAL_ADDRESS", "street"),
    ("STRASSE", "POSTAL_ADDRESS", "street"),
    ("Straßenname", "POSTAL_ADDRESS", "street"),
    ("Rue", "POSTAL_ADDRESS", "street"),
    ("Calle", "POSTAL_ADDRESS", "street"),
    ("Straatnaam", "POSTAL_ADDRESS", "street"),
    ("Logradouro", "POSTAL_ADDRESS", "street"),
    ("street_number", "POSTAL_ADDRESS", "house_number"),
    ("civico", "POSTAL_ADDRESS", "house_number"),
    ("n_civico", "POSTAL_ADDRESS", "house_number"),
    ("Hausnummer", "POSTAL_ADDRESS", "house_number"),
    ("Hausnr.", "POSTAL_ADDRESS", "house_number"),
    ("Huisnummer", "POSTAL_ADDRESS", "house_number"),
    ("número da porta", "POSTAL_ADDRESS", "house_number"),
    # --- LOCATION
    ("zip", "LOCATION", "postcode"),
    ("zip_code", "LOCATION", "postcode"),
    ("postalCode", "LOCATION", "postcode"),
    ("shipping_address.zip", "LOCATION", "postcode"),
    ("CAP", "LOCATION", "postcode"),
    ("c.a.p.", "LOCATION", "postcode"),
    ("PLZ", "LOCATION", "postcode"),
    ("Postleitzahl", "LOCATION", "postcode"),
    ("Code postal", "LOCATION", "postcode"),
    ("Código postal", "LOCATION", "postcode"),
    ("Postcode", "LOCATION", "postcode"),
    ("CEP", "LOCATION", "postcode"),
    ("city", "LOCATION", "city"),
    ("address_city", "LOCATION", "city"),
    ("Città", "LOCATION", "city"),
    ("Ort", "LOCATION", "city"),
    ("Ville", "LOCATION", "city"),
    ("Población", "LOCATION", "city"),
    ("Woonplaats", "LOCATION", "city"),
    ("Localidade", "LOCATION", "city"),
    ("luogo_nascita", "LOCATION", "city"),
    ("state", "LOCATION", "region"),
    ("Provincia", "LOCATION", "region"),
    ("Bundesland", "LOCATION", "region"),
    ("country", "LOCATION", "country"),
    ("Pays", "LOCATION", "country"),
    ("País", "LOCATION", "country"),
    ("Land", "LOCATION", "country"),
    ("latitude", "LOCATION", None),
    # --- dates of birth vs. ordinary dates
    ("dob", "DATE_OF_BIRTH", None),
    ("D.O.B.", "DATE_OF_BIRTH", None),
    ("birth_date", "DATE_OF_BIRTH", None),
    ("dateOfBirth", "DATE_OF_BIRTH", None),
    ("dateofbirth", "DATE_OF_BIRTH", None),
    ("data_nascita", "DATE_OF_BIRTH", None),
    ("Data di nascita", "DATE_OF_BIRTH", None),
    ("Geburtsdatum", "DATE_OF_BIRTH", None),
    ("Geb.-Datum", "DATE_OF_BIRTH", None),
    ("date_de_naissance", "DATE_OF_BIRTH", None),
    ("fecha_nacimiento", "DATE_OF_BIRTH", None),
    ("geboortedatum", "DATE_OF_BIRTH", None),
    ("data_de_nascimento", "DATE_OF_BIRTH", None),
    ("Customer's date of birth (YYYY-MM-DD)", "DATE_OF_BIRTH", None),
    ("created_at", "DATE", None),
    ("createdAt", "DATE", None),
    ("registrazione", "DATE", None),
    ("Data registrazione", "DATE", None),
    ("data ordine", "DATE", None),
    ("order date", "DATE", None),
    ("Registriert am", "DATE", None),
    ("Fecha de alta", "DATE", None),
    ("last_login", "DATE", None),
    ("email_verified_at", "DATE", None),
    ("passport_expiry", "DATE", None),
    ("expires_at", "DATE", None),
    # --- national identifiers and documents
    ("ssn", "US_SSN", None),
    ("social_security_number", "US_SSN", None),
    ("ssn_last4", "US_SSN", None),
    ("codice_fiscale", "IT_FISCAL_CODE", None),
    ("C.F.", "IT_FISCAL_CODE", None),
    ("codicefiscale", "IT_FISCAL_CODE", None),
    ("nino", "UK_NINO", None),
    ("National Insurance Number", "UK_NINO", None),
    ("NIF", "ES_NIF", None),
    ("DNI", "ES_NIF", None),
    ("Steuer-ID", "DE_TAX_ID", None),
    ("Steueridentifikationsnummer", "DE_TAX_ID", None),
    ("NIR", "FR_NIR", None),
    ("N° de sécurité sociale", "FR_NIR", None),
    ("national_id", "NATIONAL_ID", None),
    ("id_card", "NATIONAL_ID", None),
    ("tax_id", "NATIONAL_ID", None),
    ("Personalausweisnummer", "NATIONAL_ID", None),
    ("Carta d'identità", "NATIONAL_ID", None),
    ("BSN", "NATIONAL_ID", None),
    ("CPF", "NATIONAL_ID", None),
    ("passport_number", "PASSPORT", None),
    ("Passaporto", "PASSPORT", None),
    ("Reisepassnummer", "PASSPORT", None),
    ("Numéro de passeport", "PASSPORT", None),
    ("driver_license", "DRIVER_LICENSE", None),
    ("patente", "DRIVER_LICENSE", None),
    ("partita_iva", "VAT_NUMBER", None),
    ("P.IVA", "VAT_NUMBER", None),
    # --- online
    ("ip", "IP_ADDRESS", None),
    ("IPAddress", "IP_ADDRESS", None),
    ("ip_address", "IP_ADDRESS", None),
    ("last_login_ip", "IP_ADDRESS", None),
    ("Indirizzo IP", "IP_ADDRESS", None),
    ("IP-Adresse", "IP_ADDRESS", None),
    ("mac_address", "MAC_ADDRESS", None),
    ("username", "USERNAME", None),
    ("user_name", "USERNAME", None),
    ("login", "USERNAME", None),
    ("nome utente", "USERNAME", None),
    ("Benutzername", "USERNAME", None),
    ("nom d'utilisateur", "USERNAME", None),
    ("Gebruikersnaam", "USERNAME", None),
    ("display_name", "USERNAME", None),
    ("password", "PASSWORD", None),
    ("pwd", "PASSWORD", None),
    ("Passwort", "PASSWORD", None),
    ("mot_de_passe", "PASSWORD", None),
    ("Contraseña", "PASSWORD", None),
    ("senha", "PASSWORD", None),
    ("password_hash", "PASSWORD_HASH", None),
    ("password_sha1", "PASSWORD_HASH", None),
    ("passwd_digest", "PASSWORD_HASH", None),
    ("pwd_hash", "PASSWORD_HASH", None),
    ("encrypted_password", "PASSWORD_HASH", None),
    ("passwordHash", "PASSWORD_HASH", None),
    # --- payment
    ("card_number", "CREDIT_CARD", None),
    ("cc_number", "CREDIT_CARD", None),
    ("card_no", "CREDIT_CARD", None),
    ("card.number", "CREDIT_CARD", None),
    ("creditCardNumber", "CREDIT_CARD", None),
    ("Numero carta", "CREDIT_CARD", None),
    ("Kreditkartennummer", "CREDIT_CARD", None),
    ("Numéro de carte", "CREDIT_CARD", None),
    ("Número de tarjeta", "CREDIT_CARD", None),
    ("Masked Card", "MASKED_CARD", None),
    ("Carta mascherata", "MASKED_CARD", None),
    ("card_last4", "MASKED_CARD", None),
    ("card_expiry", "CARD_EXPIRY", None),
    ("card_expiry_date", "CARD_EXPIRY", None),
    ("card.exp", "CARD_EXPIRY", None),
    ("cc_exp_month", "CARD_EXPIRY", None),
    ("scadenza_carta", "CARD_EXPIRY", None),
    ("Ablaufdatum", "CARD_EXPIRY", None),
    ("date d'expiration", "CARD_EXPIRY", None),
    ("Fecha de caducidad", "CARD_EXPIRY", None),
    ("cvv", "CARD_SECURITY_CODE", None),
    ("CVV2", "CARD_SECURITY_CODE", None),
    ("cvc", "CARD_SECURITY_CODE", None),
    ("security_code", "CARD_SECURITY_CODE", None),
    ("codice di sicurezza", "CARD_SECURITY_CODE", None),
    ("Prüfnummer", "CARD_SECURITY_CODE", None),
    ("Pruefnummer", "CARD_SECURITY_CODE", None),
    ("cryptogramme visuel", "CARD_SECURITY_CODE", None),
    ("Código de seguridad", "CARD_SECURITY_CODE", None),
    ("iban", "IBAN_CODE", None),
    ("IBAN-Nummer", "IBAN_CODE", None),
    ("account_number", "BANK_ACCOUNT", None),
    ("Kontonummer", "BANK_ACCOUNT", None),
    ("conto_corrente", "BANK_ACCOUNT", None),
    ("rekeningnummer", "BANK_ACCOUNT", None),
    ("bic", "SWIFT_CODE", None),
    ("swift_code", "SWIFT_CODE", None),
    ("btc_address", "CRYPTO", None),
    ("wallet_address", "CRYPTO", None),
    # --- vehicles
    ("vin", "VIN", None),
    ("vehicles.vin", "VIN", None),
    ("Telaio", "VIN", None),
    ("numero_di_telaio", "VIN", None),
    ("Fahrgestellnummer", "VIN", None),
    ("FIN", "VIN", None),
    ("Bastidor", "VIN", None),
    ("chassis_number", "VIN", None),
    ("license_plate", "LICENSE_PLATE", None),
    ("plate", "LICENSE_PLATE", None),
    ("Targa", "LICENSE_PLATE", None),
    ("Kennzeichen", "LICENSE_PLATE", None),
    ("immatriculation", "LICENSE_PLATE", None),
    ("Matrícula", "LICENSE_PLATE", None),
    ("kenteken", "LICENSE_PLATE", None),
    # --- other people attributes
    ("gender", "GENDER", None),
    ("Sesso", "GENDER", None),
    ("Geschlecht", "GENDER", None),
    ("sexe", "GENDER", None),
    ("nationality", "NATIONALITY", None),
    # --- GDPR Art. 9 special categories
    ("health_condition", "SPECIAL_CATEGORY", None),
    ("diagnosi", "SPECIAL_CATEGORY", None),
    ("Konfession", "SPECIAL_CATEGORY", None),
    ("orientation_sexuelle", "SPECIAL_CATEGORY", None),
    ("grupo_sanguineo", "SPECIAL_CATEGORY", None),
    ("vakbond", "SPECIAL_CATEGORY", None),
    ("religião", "SPECIAL_CATEGORY", None),
    ("Staatsangehörigkeit", "NATIONALITY", None),
    ("Estado civil", "MARITAL_STATUS", None),
    # --- non-PII hints that keep look-alikes out
    ("id", "ID", None),
    ("order_id", "ID", None),
    ("customer_id", "ID", None),
    ("orders.customer_id", "ID", None),
    ("phone_id", "ID", None),
    ("id_telefono", "ID", None),
    ("Kundennummer", "ID", None),
    ("Bestellnummer", "ID", None),
    ("Rechnungsnummer", "ID", None),
    ("codice cliente", "ID", None),
    ("Numero ordine", "ID", None),
    ("N° client", "ID", None),
    ("N° commande", "ID", None),
    ("ID cliente", "ID", None),
    ("Número de pedido", "ID", None),
    ("Order No.", "ID", None),
    ("klantnummer", "ID", None),
    ("matricola", "ID", None),
    ("uuid", "ID", None),
    ("price", "AMOUNT", None),
    ("total", "AMOUNT", None),
    ("importo", "AMOUNT", None),
    ("Betrag", "AMOUNT", None),
    ("prix", "AMOUNT", None),
    ("Precio", "AMOUNT", None),
    ("bedrag", "AMOUNT", None),
    ("preço", "AMOUNT", None),
    ("notes", "NOTE", None),
    ("comment", "NOTE", None),
    ("address_notes", "NOTE", None),
    ("commento", "NOTE", None),
    ("Bemerkung", "NOTE", None),
    ("Remarque", "NOTE", None),
    ("observaciones", "NOTE", None),
    ("opmerkingen", "NOTE", None),
    ("model", "MODEL", None),
    ("car_model", "VEHICLE_MODEL", None),
    ("modello_auto", "VEHICLE_MODEL", None),
    ("vehicle", "VEHICLE_MODEL", None),
    ("phone_model", "MODEL", None),
    ("model name", "MODEL", None),
    ("modello", "MODEL", None),
    ("Modell", "MODEL", None),
    ("Fahrzeugmodell", "VEHICLE_MODEL", None),
    ("modèle", "MODEL", None),
    ("product_name", "PRODUCT", None),
    ("product.name", "PRODUCT", None),
    ("nome_prodotto", "PRODUCT", None),
    ("sku", "PRODUCT", None),
    ("file_name", "FILE", None),
    ("filename", "FILE", None),
    ("zip_file", "FILE", None),
    ("company name", "ORGANIZATION", None),
    ("company_name", "ORGANIZATION", None),
    ("company.name", "ORGANIZATION", None),
    ("ragione_sociale", "ORGANIZATION", None),
    ("Firmenname", "ORGANIZATION", None),
    ("Razón social", "ORGANIZATION", None),
    ("email_hash", "HASH", None),
    ("hashed_email", "HASH", None),
    ("email_sha256", "HASH", None),
    ("SHA-1", "HASH", None),
    ("Prüfsumme", "HASH", None),
    ("email_verified", "META", None),
    ("is_email_verified", "META", None),
    ("phone_type", "META", None),
    ("email_count", "META", None),
    ("website", "URL", None),
    ("web_address", "URL", None),
    # --- meaningless headers and whole-word look-alikes
    ("col_7", None, None),
    ("field12", None, None),
    ("0", None, None),
    ("Unnamed: 3", None, None),
    ("x", None, None),
    ("", None, None),
    ("   ", None, None),
    ("___", None, None),
    ("telescope", None, None),
    ("telemetry", None, None),
    ("hostname", None, None),
    ("host_name", None, None),
    ("domain_name", "META", None),
    ("stradivarius", None, None),
    ("capital", None, None),
    ("capacity", None, None),
    ("strand", None, None),
    ("mailbox_size", None, None),
    ("phonetic", None, None),
    ("codename", None, None),
    ("notable", None, None),
    ("customers", None, None),
    ("number", None, None),
    ("contact_info", None, None),
]


@pytest.mark.parametrize(("header", "entity", "part"), CASES)
def test_header_table(header: str, entity: str | None, part: str | None) -> None:
    hint = header_hint(header)
    if entity is None:
        assert hint is None, hint
    else:
        assert hint is not None, header
        assert (hint.entity, hint.part) == (entity, part), hint


def test_table_is_broad() -> None:
    assert len(CASES) >= 150
    expected = {e for _, e, _ in CASES if e is not None}
    announced = {k.partition("/")[0] for k in lex.TERMS}
    assert announced <= expected, announced - expected


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("telefono_cellulare", "it"),
        ("teléfono móvil", "es"),
        ("telefono", "it"),
        ("Geburtsdatum", "de"),
        ("date_de_naissance", "fr"),
        ("geboortedatum", "nl"),
        ("data_de_nascimento", "pt"),
        ("data_nascita", "it"),
        ("first_name", "en"),
        ("Straße", "de"),
        ("email", None),
        ("iban", None),
        ("cvv", None),
    ],
)
def test_language(header: str, language: str | None) -> None:
    hint = header_hint(header)
    assert hint is not None
    assert hint.language == language


@pytest.mark.parametrize(
    ("header", "low", "high"),
    [
        ("email", 1.0, 1.0),  # exact
        ("Kundennummer", 1.0, 1.0),
        ("tel", 0.6, 0.8),  # abbreviation
        ("tfno", 0.6, 0.8),
        ("indir", 0.6, 0.8),
        ("phone_xyzzy", 0.6, 0.8),  # partial: a word nobody understood
        ("exp", 0.3, 0.5),  # weak
        ("cp", 0.3, 0.5),
        ("FIN", 0.3, 0.5),
        ("card.exp", 0.6, 0.8),  # weak, strengthened by its family
        ("shipping_address.cp", 0.6, 0.8),
        ("vehicle_fin", 0.6, 0.8),
        ("shipping_address.zip", 1.0, 1.0),
    ],
)
def test_strength(header: str, low: float, high: float) -> None:
    hint = header_hint(header)
    assert hint is not None
    assert low <= hint.strength <= high, hint


def test_context_strengthens_only_related_entities() -> None:
    def strength(name: str) -> float:
        hint = header_hint(name)
        assert hint is not None
        return hint.strength

    assert strength("card.exp") > strength("exp")
    assert strength("vehicles.fin") > strength("fin")
    assert strength("billing.cp") > strength("cp")
    assert strength("profile.exp") == strength("exp")  # no card word: no boost


@pytest.mark.parametrize(
    ("header", "matched"),
    [
        ("email_secondaria", "email"),
        ("Kundennummer", "kunden nummer"),
        ("telefono_cellulare", "telefono cellulare"),
        ("product.name", "product name"),
        ("password_sha1", "password sha1"),
        ("date_de_naissance", "date naissance"),
    ],
)
def test_matched_explains(header: str, matched: str) -> None:
    hint = header_hint(header)
    assert hint is not None
    assert hint.matched == matched


@pytest.mark.parametrize(
    ("header", "first", "also"),
    [
        ("email_hash", "HASH", "EMAIL_ADDRESS"),
        ("email_verified", "META", "EMAIL_ADDRESS"),
        ("card_expiry", "CARD_EXPIRY", None),
        ("password_sha1", "PASSWORD_HASH", "PASSWORD"),
        ("shipping_address.zip", "LOCATION", "POSTAL_ADDRESS"),
        ("last_login_ip", "IP_ADDRESS", "DATE"),
    ],
)
def test_hints_best_first(header: str, first: str, also: str | None) -> None:
    hints = header_hints(header)
    assert hints[0] == header_hint(header)
    assert hints[0].entity == first
    if also is not None:
        assert also in [h.entity for h in hints[1:]]
    assert all(h.strength <= hints[0].strength for h in hints)
    strengths = [h.strength for h in hints[1:]]
    assert strengths == sorted(strengths, reverse=True)
    assert len({(h.entity, h.part) for h in hints}) == len(hints)


def test_hints_of_meaningless_header_is_empty() -> None:
    assert header_hints("col_7") == []
    assert header_hints("") == []


def test_hint_is_frozen() -> None:
    hint = header_hint("email")
    assert hint is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        hint.entity = "X"  # type: ignore[misc]


def test_non_pii_hints_are_declared() -> None:
    for header in ("order_id", "created_at", "price", "notes", "model", "email_hash"):
        hint = header_hint(header)
        assert hint is not None
        assert hint.entity in NON_PII
    for header in ("email", "cvv", "vin", "name"):
        hint = header_hint(header)
        assert hint is not None
        assert hint.entity not in NON_PII


@pytest.mark.parametrize(
    ("header", "tokens"),
    [
        ("firstName", ["first", "name"]),
        ("IPAddress", ["ip", "address"]),
        ("customer.email", ["customer", "email"]),
        ("shipping_address.zip", ["shipping", "address", "zip"]),
        ("E-Mail", ["e", "mail"]),
        ("Telefono_1", ["telefono"]),
        ("phone2", ["phone"]),
        ("CVV2", ["cvv2"]),
        ("sha256", ["sha256"]),
        ("Straße", ["strasse"]),
        ("STRAẞE", ["strasse"]),
        ("Città", ["citta"]),
        ("Código Postal", ["codigo", "postal"]),
        ("Unnamed: 3", ["unnamed"]),
        ("users[0].email", ["users", "email"]),
        ("Nº de teléfono", ["no", "de", "telefono"]),
        ("0", []),
    ],
)
def test_normalise_header(header: str, tokens: list[str]) -> None:
    assert normalise_header(header) == tokens


def test_every_lexicon_term_announces_its_own_entity() -> None:
    """Each term, alone as a header, reads back as the entity it is filed under: no term is
    shadowed by another or lost to normalisation."""
    wrong = []
    for key, per_lang in lex.TERMS.items():
        entity, _, part = key.partition("/")
        for blob in per_lang.values():
            for item in (i.strip().rstrip("~?") for i in blob.split(",")):
                hint = header_hint(item)
                if hint is None or (hint.entity, hint.part) != (entity, part or None):
                    wrong.append((item, key, hint))
    assert not wrong


MAJOR = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "POSTAL_ADDRESS",
    "LOCATION",
    "DATE_OF_BIRTH",
    "NATIONAL_ID",
    "CREDIT_CARD",
    "CARD_EXPIRY",
    "CARD_SECURITY_CODE",
    "BANK_ACCOUNT",
    "VIN",
    "LICENSE_PLATE",
    "PASSWORD",
    "USERNAME",
    "ID",
    "DATE",
    "AMOUNT",
    "NOTE",
)


@pytest.mark.parametrize("entity", MAJOR)
def test_lexicon_breadth(entity: str) -> None:
    terms: list[str] = []
    languages: set[str] = set()
    for key, per_lang in lex.TERMS.items():
        if key.partition("/")[0] == entity:
            for lang, blob in per_lang.items():
                terms += [t for t in blob.split(",") if t.strip()]
                languages.add(lang)
    assert len(terms) >= 20
    assert set(lex.LANGUAGES) <= languages | ({"en"} if "*" in languages else set())


def test_conflicting_lexicon_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    terms = {"EMAIL_ADDRESS": {"en": "mail"}, "POSTAL_ADDRESS": {"fr": "Mail"}}
    monkeypatch.setattr(lex, "TERMS", terms)
    with pytest.raises(ValueError, match="two entities"):
        headers._build_index()


def test_long_comment_is_cheap() -> None:
    assert header_hint("the customer e-mail " * 2000) is not None
    assert header_hint("x" * 10_000) is None


# --- properties ------------------------------------------------------------------------

_TERMS = sorted(
    {
        item.strip().rstrip("~?")
        for per_lang in lex.TERMS.values()
        for blob in per_lang.values()
        for item in blob.split(",")
        if item.strip()
    }
)
_LATIN = st.characters(min_codepoint=0x20, max_codepoint=0x24F, exclude_categories=("Cs",))
_PIECE = st.one_of(st.sampled_from(_TERMS), st.text(_LATIN, max_size=8))
_HEADER = st.builds(
    lambda sep, pieces: sep.join(pieces),
    st.sampled_from(["_", " ", ".", "-", "", "/"]),
    st.lists(_PIECE, min_size=1, max_size=4),
)


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@given(st.text())
@settings(max_examples=200, deadline=None)
def test_never_raises_on_arbitrary_text(text: str) -> None:
    hints = header_hints(text)
    assert (hints[0] if hints else None) == header_hint(text)
    for hint in hints:
        assert isinstance(hint, HeaderHint)
        assert 0.0 < hint.strength <= 1.0
        assert hint.language is None or hint.language in lex.LANGUAGES
        assert hint.matched


@given(_HEADER)
@settings(max_examples=200, deadline=None)
def test_case_does_not_matter(header: str) -> None:
    # Letters without an upper-case form (``ȴ``) make ``upper()`` mixed-case, which is camelCase.
    assume(all(c.upper() != c for c in header.lower() if c.isalpha() and c.islower()))
    assert header_hint(header.lower()) == header_hint(header.upper())
    assert header_hint(header.casefold()) == header_hint(header.lower())


@given(_HEADER)
@settings(max_examples=200, deadline=None)
def test_accents_do_not_matter(header: str) -> None:
    assert header_hint(_strip_accents(header)) == header_hint(header)


@given(st.one_of(_HEADER, st.text(string.printable)))
@settings(max_examples=200, deadline=None)
def test_normalisation_is_idempotent(header: str) -> None:
    tokens = normalise_header(header)
    assert normalise_header(" ".join(tokens)) == tokens
