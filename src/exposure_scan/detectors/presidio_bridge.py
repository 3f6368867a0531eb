"""Our validated detectors as Presidio recognizers, for users of Presidio's AnalyzerEngine.

Presidio's own pattern recognizers flag shapes; ours keep only values that pass the checksum,
registry or numbering-plan check, so registering them in an existing Presidio pipeline raises
its precision without changing anything else::

    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    registry = RecognizerRegistry(recognizers=as_presidio_recognizers())
    engine = AnalyzerEngine(registry=registry, nlp_engine=my_nlp_engine)

By default only detectors that stand on their own are bridged: a context detector (CVV, card
expiry, password...) relies on a column role, which free text does not have, and would report
every three-digit number. Pass ``detectors`` explicitly to bridge any list as it is.

Presidio's EmailRecognizer is never involved: it calls tldextract, which fetches the public
suffix list over the network on first use; our e-mail detector reads the offline snapshot.
Presidio is imported only when this function is called.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .base import Detector, compile_re2

if TYPE_CHECKING:
    from presidio_analyzer import EntityRecognizer

_CACHE_LIMIT = 100_000


@functools.cache
def _recognizer_class() -> type[Any]:
    """The recognizer class, defined on first use so presidio stays an import-time no-op."""
    from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult

    class DetectorRecognizer(EntityRecognizer):
        """One exposure_scan detector: RE2 candidates, then the detector's own validation."""

        def __init__(self, detector: Detector, language: str) -> None:
            self.detector = detector
            self.label = f"exposure_scan:{detector.ident}"
            self._valid: dict[str, bool] = {}
            super().__init__(
                supported_entities=[detector.entity],
                name=self.label,
                supported_language=language,
                version=detector.version,
            )

        def load(self) -> None:
            """Nothing to load: the pattern is compiled (and cached) on first use."""

        def _validate(self, value: str) -> bool:
            ok = self._valid.get(value)
            if ok is None:
                if len(self._valid) >= _CACHE_LIMIT:
                    self._valid.clear()
                ok = self._valid[value] = bool(self.detector.validate(value))
            return ok

        def analyze(
            self, text: str, entities: list[str] | None, nlp_artifacts: Any = None
        ) -> list[Any]:
            det = self.detector
            if entities and det.entity not in entities:
                return []
            results = []
            for match in compile_re2(det.pattern).finditer(text):
                value = match.group()
                if not value or not self._validate(value):
                    continue
                explanation = AnalysisExplanation(
                    recognizer=self.label,
                    original_score=det.score,
                    pattern_name=det.ident,
                    pattern=det.pattern,
                    validation_result=True,
                )
                results.append(
                    RecognizerResult(
                        entity_type=det.entity,
                        start=match.start(),
                        end=match.end(),
                        score=det.score,
                        analysis_explanation=explanation,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.label,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
            return results

    return DetectorRecognizer


def as_presidio_recognizers(
    detectors: Sequence[Detector] | None = None, *, language: str = "en"
) -> list[EntityRecognizer]:
    """One Presidio ``EntityRecognizer`` per detector, for ``language`` (our patterns are
    language-independent; call once per language your engine supports).

    ``detectors`` defaults to the built-in catalogue minus the context detectors.
    """
    if detectors is None:
        from . import default_detectors

        detectors = [d for d in default_detectors() if not d.context]
    cls = _recognizer_class()
    return [cls(det, language) for det in detectors]
