"""Categories (data classes): how breaches are described, mapped to detector entities.

The names follow how breach notices and Have I Been Pwned's data classes speak ("contact
details", "payment data", "vehicle details"). Callers may define their own categories.
"""

from __future__ import annotations

from collections.abc import Mapping

CATEGORIES: dict[str, frozenset[str]] = {
    "contact": frozenset({"PERSON", "POSTAL_ADDRESS", "EMAIL_ADDRESS", "PHONE_NUMBER"}),
    "location": frozenset({"LOCATION"}),
    "identity": frozenset(
        {
            "DATE_OF_BIRTH",
            "US_SSN",
            "IT_FISCAL_CODE",
            "UK_NINO",
            "ES_NIF",
            "DE_TAX_ID",
            "FR_NIR",
            "PASSPORT",
            "NATIONAL_ID",
        }
    ),
    "payment": frozenset(
        {
            "CREDIT_CARD",
            "MASKED_CARD",
            "CARD_EXPIRY",
            "CARD_SECURITY_CODE",
            "IBAN_CODE",
            "BANK_ACCOUNT",
            "SWIFT_CODE",
            "CRYPTO",
        }
    ),
    "vehicle": frozenset({"VIN", "LICENSE_PLATE", "VEHICLE_MODEL"}),
    "credentials": frozenset({"PASSWORD", "PASSWORD_HASH"}),
    "online": frozenset({"IP_ADDRESS", "USERNAME"}),
    "special": frozenset({"SPECIAL_CATEGORY"}),
}


def resolve(name: str, extra: Mapping[str, frozenset[str]] | None = None) -> frozenset[str]:
    """The entities a name stands for: a category's members, or the entity itself."""
    cats = {**CATEGORIES, **(extra or {})}
    if name in cats:
        return cats[name]
    lowered = name.lower()
    if lowered in cats:
        return cats[lowered]
    return frozenset({name.upper()})


def category_of(entity: str, extra: Mapping[str, frozenset[str]] | None = None) -> str | None:
    for cat, members in {**CATEGORIES, **(extra or {})}.items():
        if entity in members:
            return cat
    return None
