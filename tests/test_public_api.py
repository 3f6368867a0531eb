"""The public API lives in one place (exposure_scan/__init__.py) and is tested as such."""

from __future__ import annotations

import subprocess
import sys

import exposure_scan


def test_all_exported_members_exist() -> None:
    for name in exposure_scan.__all__:
        assert hasattr(exposure_scan, name), name


def test_exported_members_are_documented() -> None:
    for name in exposure_scan.__all__:
        member = getattr(exposure_scan, name)
        if callable(member) and not isinstance(member, str):
            assert member.__doc__, f"{name} has no docstring"


def test_exported_classes_claim_the_package() -> None:
    for name in exposure_scan.__all__:
        member = getattr(exposure_scan, name)
        if isinstance(member, type):
            assert member.__module__.startswith("exposure_scan"), name


def test_import_is_light() -> None:
    """Importing the package must not import spaCy, presidio or the engine's process pool."""
    code = (
        "import sys, exposure_scan; "
        "heavy = [m for m in ('spacy', 'presidio_analyzer', 'thinc', 'phonenumbers', 'faker') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
