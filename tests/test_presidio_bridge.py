"""Our detectors registered in a real Presidio AnalyzerEngine, offline.

The engine runs on a blank spaCy pipeline: Presidio's default engine would try to download
``en_core_web_lg``. Nothing may reach the network, tldextract included (Presidio's own
EmailRecognizer would make it fetch the public suffix list).
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from exposure_scan.detectors import (
    CardSecurityCodeDetector,
    EmailDetector,
    IbanDetector,
    VinDetector,
    default_detectors,
)
from exposure_scan.detectors.presidio_bridge import as_presidio_recognizers

presidio = pytest.importorskip("presidio_analyzer")
spacy = pytest.importorskip("spacy")

TEXT = (
    "Wire the deposit to DE89 3704 0044 0532 0130 00 for the car 1HGCM82633A004352, write to "
    "jane.doe@example.com. Not an IBAN: DE89 3704 0044 0532 0130 01; "
    "not a VIN: 1HGCM82633A004353; CVV 123."
)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection attempt, and any tldextract suffix-list fetch, fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    try:
        import tldextract
        import tldextract.suffix_list
    except ImportError:
        return
    monkeypatch.setattr(tldextract, "extract", refuse)
    monkeypatch.setattr(tldextract.TLDExtract, "_get_tld_extractor", refuse)
    monkeypatch.setattr(tldextract.suffix_list, "find_first_response", refuse)


def engine(recognizers: list[Any]) -> Any:
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank"}])
    nlp_engine.nlp = {"en": spacy.blank("en")}  # loaded: Presidio will not download a model
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=["en"])
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def test_validated_iban_vin_and_email_are_found(offline: None) -> None:
    results = engine(as_presidio_recognizers()).analyze(text=TEXT, language="en")
    found = sorted((r.entity_type, TEXT[r.start : r.end]) for r in results)
    assert found == [
        ("EMAIL_ADDRESS", "jane.doe@example.com"),
        ("IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
        ("VIN", "1HGCM82633A004352"),
    ]
    iban = next(r for r in results if r.entity_type == "IBAN_CODE")
    assert iban.score == IbanDetector.score
    assert iban.recognition_metadata["recognizer_name"] == "exposure_scan:iban@1"


def test_the_offline_guard_trips_on_presidios_own_email_recognizer(offline: None) -> None:
    """The guard above is real: Presidio's EmailRecognizer goes through tldextract."""
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    with pytest.raises(AssertionError, match="network access attempted"):
        engine([EmailRecognizer()]).analyze(text=TEXT, language="en")


def test_entities_filter_is_honoured(offline: None) -> None:
    results = engine(as_presidio_recognizers()).analyze(text=TEXT, language="en", entities=["VIN"])
    assert [TEXT[r.start : r.end] for r in results] == ["1HGCM82633A004352"]


def test_default_bridge_leaves_out_context_detectors_and_presidio_email() -> None:
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    recognizers = as_presidio_recognizers()
    entities = {e for r in recognizers for e in r.supported_entities}
    assert entities == {d.entity for d in default_detectors() if not d.context}
    assert "CARD_SECURITY_CODE" not in entities
    assert not any(isinstance(r, EmailRecognizer) for r in recognizers)
    assert {r.supported_language for r in recognizers} == {"en"}


def test_explicit_detectors_are_bridged_as_given(offline: None) -> None:
    recognizers = as_presidio_recognizers(
        [VinDetector(), CardSecurityCodeDetector(), EmailDetector()], language="it"
    )
    assert [r.supported_entities for r in recognizers] == [
        ["VIN"],
        ["CARD_SECURITY_CODE"],
        ["EMAIL_ADDRESS"],
    ]
    assert {r.supported_language for r in recognizers} == {"it"}
    cvv = recognizers[1].analyze(TEXT, ["CARD_SECURITY_CODE"])
    assert "123" in [TEXT[r.start : r.end] for r in cvv]
