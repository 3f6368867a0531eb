"""Detectors: vectorised candidates, then validation.

:func:`default_detectors` is the catalogue the scanner runs when the caller names none.
"""

from __future__ import annotations

from .base import Detector, Hits, find
from .contact import EmailDetector
from .payment import CreditCardDetector

__all__ = ["CreditCardDetector", "Detector", "EmailDetector", "Hits", "default_detectors", "find"]


def default_detectors() -> list[Detector]:
    """A fresh instance of every built-in detector, in a stable order."""
    return [EmailDetector(), CreditCardDetector()]
