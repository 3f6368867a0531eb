"""Column roles: what a table column holds, decided per column and confirmed per cell.

The header (in any of the supported languages) proposes, the values dispose: a column is given
a role from its header hint and from the share of sampled values that look like the entity.
A role unlocks context detectors (a card expiry is only an expiry in an expiry column) and
structured detectors (every name-shaped cell of a name column is a PERSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from .headers import HeaderHint, header_hint

#: Roles
STRUCTURED = "structured"  # cells are values of one entity (names, cities, expiry dates...)
FREE_TEXT = "free_text"  # sentences: NER and pattern detectors over the text
PLAIN = "plain"  # anything else: pattern detectors only


@dataclass(frozen=True)
class ColumnRole:
    """The role of one column, with the evidence that produced it."""

    kind: str
    entity: str | None = None
    hint: HeaderHint | None = None
    evidence: str = ""

    def entities(self) -> frozenset[str]:
        """Entities this column is known to hold: inferred, or announced by the header."""
        out = set()
        if self.entity:
            out.add(self.entity)
        if self.hint is not None:
            out.add(self.hint.entity)
        return frozenset(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "entity": self.entity,
            "header": self.hint.entity if self.hint else None,
            "evidence": self.evidence,
        }


def infer_role(name: str, values: pa.Array, *, numeric: bool = False) -> ColumnRole:
    """The role of a column from its name and a sample of its (string) values."""
    hint = header_hint(name)
    if name == "text" or (hint is not None and hint.entity == "NOTE"):
        return ColumnRole(FREE_TEXT, None, hint, "free-text column")
    return ColumnRole(PLAIN, None, hint, "header" if hint else "")
