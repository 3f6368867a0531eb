"""Column-context detectors: entities that no pattern can recognise, only a column can announce.

A car model ("Panda 1.2"), a diagnosis ("asthma") or an identity-card number of some country
looks like any other text; what makes it personal data is the column it sits in. These
detectors report every non-empty cell of a column whose header announces the entity (in any of
the header languages), and nothing anywhere else. Searching free text for such values needs a
caller's lexicon: ``TermsDetector("VEHICLE_MODEL", ["Panda", "Tipo", ...])``.
"""

from __future__ import annotations

from ..masking import mask_all, mask_generic
from .base import Detector

#: A cell with at least one letter or digit, from its first to its last one.
_ANY_VALUE = r"(?s)[\p{L}\p{N}](?:.*[\p{L}\p{N}])?"


class VehicleModelColumnDetector(Detector):
    """Cars owned or ordered: every value of a column announced as a vehicle model."""

    entity = "VEHICLE_MODEL"
    name = "vehicle_model_column"
    version = "1"
    pattern = _ANY_VALUE
    context = frozenset({"VEHICLE_MODEL"})
    score = 0.8


class SpecialCategoryColumnDetector(Detector):
    """GDPR Art. 9 data (health, religion, ethnicity, ...) by column: every non-empty value."""

    entity = "SPECIAL_CATEGORY"
    name = "special_category_column"
    version = "1"
    pattern = _ANY_VALUE
    context = frozenset({"SPECIAL_CATEGORY"})
    score = 0.8

    def mask(self, value: str) -> str:
        return mask_all(value)


class NationalIdColumnDetector(Detector):
    """Identity documents of any country in a column announced as one (3-30 characters with a
    digit); the country-specific detectors validate the ones they know."""

    entity = "NATIONAL_ID"
    name = "national_id_column"
    version = "1"
    pattern = r"[A-Za-z0-9](?:[A-Za-z0-9 ./\-]{1,28})[A-Za-z0-9]"
    context = frozenset({"NATIONAL_ID"})
    numeric = True
    score = 0.75

    def validate(self, value: str) -> bool:
        return any(c.isdigit() for c in value)

    def mask(self, value: str) -> str:
        return mask_generic(value)


def context_detectors() -> list[Detector]:
    return [
        VehicleModelColumnDetector(),
        SpecialCategoryColumnDetector(),
        NationalIdColumnDetector(),
    ]
