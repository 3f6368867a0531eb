"""Vehicle identifiers: VINs (anywhere, structure-checked) and licence plates (in plate columns).

A VIN identifies one car and, through registries, its keeper. A car maker's own deny-list of
model or programme names is a :class:`~exposure_scan.detectors.TermsDetector`, not a VIN::

    TermsDetector("VEHICLE_MODEL", ["Roma Spider", "296 GTB"])
"""

from __future__ import annotations

from ..masking import mask_generic
from . import checksums
from .base import Detector


class VinDetector(Detector):
    """ISO 3779 VIN: 17 characters without I/O/Q, single case, with a check digit (North
    America) or a model-year code (elsewhere); see :func:`checksums.is_vin`.

    Word boundaries keep 17-character windows of hex digests and UUIDs out; the validator
    refuses 17-digit numbers, fillers and letter-only words.
    """

    entity = "VIN"
    name = "vin"
    version = "1"
    pattern = r"\b(?:[A-HJ-NPR-Z0-9]{17}|[a-hj-npr-z0-9]{17})\b"
    score = 0.9

    def validate(self, value: str) -> bool:
        return checksums.is_vin(value)

    def normalise(self, value: str) -> str:
        return value.upper()

    def mask(self, value: str) -> str:
        """WMI (maker) and model-year stay visible, the serial part does not."""
        return value[:3] + "*" * 6 + value[9:10] + "*" * 7


class LicensePlateDetector(Detector):
    """A licence plate in a plate column: 4-10 letters and digits with at least one of each,
    optionally split by single spaces or dashes (``AB 123 CD``, ``M-AB 1234``, ``7ABC123``)."""

    entity = "LICENSE_PLATE"
    name = "license_plate"
    version = "1"
    pattern = r"(?i)\b[A-Z0-9](?:[ \-]?[A-Z0-9]){3,9}\b"
    score = 0.8
    context = frozenset({"LICENSE_PLATE"})

    def validate(self, value: str) -> bool:
        body = value.replace(" ", "").replace("-", "")
        return (
            4 <= len(body) <= 10
            and any(c.isdigit() for c in body)
            and any(c.isalpha() for c in body)
            and len(value) - len(body) <= 2
        )

    def normalise(self, value: str) -> str:
        return value.replace(" ", "").replace("-", "").upper()

    def mask(self, value: str) -> str:
        return mask_generic(value)
