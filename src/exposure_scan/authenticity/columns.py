"""Which columns hold the compared identifiers: header semantics, overridable per side.

The leak and the company's records rarely share a schema (``E-Mail`` vs ``email_address``,
one ``address`` column vs street/postcode/city), so columns are found by what their header
announces (:func:`~exposure_scan.detectors.headers.header_hint`, seven languages) and an
explicit mapping wins for any role it names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from ..detectors.headers import header_hint, normalise_header
from ..errors import ConfigurationError

__all__ = ["KEYS", "ROLES", "ColumnMap", "map_columns"]

#: The identifiers that can be compared, in report order.
KEYS: Final = ("email", "phone", "name", "address")
#: Roles an explicit ``columns`` mapping may name (``address`` takes one column or several).
ROLES: Final = (
    "email",
    "phone",
    "name",
    "given_name",
    "family_name",
    "address",
    "country",
    "created",
)
_MIN_STRENGTH: Final = 0.7
#: Header words that make a DATE column the record's creation date (all seven languages,
#: accents stripped): ``created_at``, ``Registriert am``, ``data iscrizione``, ``fecha de alta``.
_CREATION_STEMS: Final = (
    "creat", "crea", "regist", "signup", "sign", "join", "insert", "inscri", "iscri", "alta",
    "anmeld", "erstell", "angeleg", "aangemaakt", "cadastr", "registo", "opened", "onboard",
)  # fmt: skip
_ADDRESS_KINDS: Final = {
    ("POSTAL_ADDRESS", None): "full",
    ("POSTAL_ADDRESS", "street"): "street",
    ("POSTAL_ADDRESS", "house_number"): "house_number",
    ("LOCATION", "postcode"): "postcode",
    ("LOCATION", "city"): "city",
}


@dataclass(frozen=True)
class ColumnMap:
    """Columns of one schema per role; ``address`` pairs each column with its part kind."""

    email: str | None = None
    phone: str | None = None
    name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    address: tuple[tuple[str, str], ...] = ()
    country: str | None = None
    created: str | None = None

    def name_columns(self) -> tuple[str, ...]:
        """A full-name column, else given and family together (one alone is no name key)."""
        if self.name is not None:
            return (self.name,)
        if self.given_name is not None and self.family_name is not None:
            return (self.given_name, self.family_name)
        return ()

    def keys(self) -> frozenset[str]:
        """The identifiers this schema can give: ``address`` is a person at an address, so it
        needs a name too (an address alone matches a whole household or building)."""
        out = {k for k in ("email", "phone") if getattr(self, k) is not None}
        if self.name_columns():
            out.add("name")
            if self.address:
                out.add("address")
        return frozenset(out)

    @property
    def address_kinds(self) -> frozenset[str]:
        return frozenset(kind for _, kind in self.address)

    def describe(self) -> dict[str, str | list[str]]:
        """Role -> column name(s), for the report (names of columns, never their values)."""
        out: dict[str, str | list[str]] = {}
        for role in ROLES:
            if role == "address":
                if self.address:
                    out[role] = [c for c, _ in self.address]
                continue
            col = getattr(self, role)
            if col is not None:
                out[role] = col
        return out


def _is_creation(name: str) -> bool:
    return any(tok.startswith(_CREATION_STEMS) for tok in normalise_header(name))


def _detect(names: Sequence[str]) -> dict[str, object]:
    found: dict[str, object] = {}
    address: list[tuple[str, str]] = []
    for name in names:
        hint = header_hint(name)
        if hint is None or hint.strength < _MIN_STRENGTH:
            continue
        role: str | None = None
        if hint.entity == "EMAIL_ADDRESS":
            role = "email"
        elif hint.entity == "PHONE_NUMBER":
            role = "phone"
        elif hint.entity == "PERSON":
            role = {"full": "name", "given": "given_name", "family": "family_name"}.get(
                hint.part or "full"
            )
        elif (hint.entity, hint.part) in _ADDRESS_KINDS:
            address.append((name, _ADDRESS_KINDS[hint.entity, hint.part]))
        elif hint.entity == "LOCATION" and hint.part == "country":
            role = "country"
        elif hint.entity == "DATE" and _is_creation(name):
            role = "created"
        if role is not None:
            found.setdefault(role, name)  # the first column of a role wins
    if address:
        found["address"] = tuple(address)
    return found


def map_columns(
    names: Sequence[str], explicit: Mapping[str, str | Sequence[str]] | None = None
) -> ColumnMap:
    """The roles of a schema's columns: detected from headers, then ``explicit`` on top.

    An explicitly named column missing from the schema raises
    :class:`~exposure_scan.errors.ConfigurationError` (a typo must not pass as "no email")."""
    roles = _detect(names)
    present = set(names)
    for role, cols in (explicit or {}).items():
        if role not in ROLES:
            raise ConfigurationError(
                f"unknown column role {role!r}; known roles: {', '.join(ROLES)}"
            )
        wanted = [cols] if isinstance(cols, str) else list(cols)
        missing = [c for c in wanted if c not in present]
        if missing:
            raise ConfigurationError(f"column(s) {missing} mapped to {role!r} are not in the data")
        if role == "address":
            roles[role] = tuple((c, _address_kind(c)) for c in wanted)
        elif len(wanted) != 1:
            raise ConfigurationError(f"role {role!r} takes exactly one column")
        else:
            roles[role] = wanted[0]
    if {"given_name", "family_name"} & set(explicit or {}) and "name" not in (explicit or {}):
        roles.pop("name", None)  # an explicit split name beats a detected full-name column
    return ColumnMap(**roles)  # type: ignore[arg-type]


def _address_kind(name: str) -> str:
    hint = header_hint(name)
    if hint is None:
        return "custom"
    return _ADDRESS_KINDS.get((hint.entity, hint.part), "custom")
