"""Scan options: one frozen, validated object instead of a dozen keyword parameters."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .detectors.base import Detector
from .errors import ConfigurationError
from .sources.containers import Limits


@dataclass(frozen=True)
class ScanOptions:
    """Everything that changes what a scan reads, finds or reports.

    ``key`` is the HMAC key of value hashes: pass the same key to two scans to correlate
    their findings; by default a random key makes hashes meaningful within one report only.
    ``reveal`` keeps raw matched values in memory (``findings_table(reveal=True)``); it is
    off by default because a forensic tool must not become a second copy of the leak.
    """

    detectors: tuple[Detector, ...] | None = None
    workers: int | None = None
    batch_rows: int = 65536
    block_size: int = 8 << 20
    key: bytes | None = None
    reveal: bool = False
    limits: Limits = field(default_factory=Limits)
    #: Named-entity recognition on free text: "auto" (best installed spaCy pipeline, off with
    #: a note when none is), "off", a pipeline name or path, or a loaded ``spacy.Language``.
    ner: Any = "auto"
    #: Triage: scan a random share of records (float in (0, 1]) or about N records per source
    #: (int). A sampled scan never yields ``absent``: it reports a prevalence upper bound.
    sample: float | int | None = None
    seed: int = 0
    #: Policy: categories or entities that must be absent (``Report.violations``)
    must_be_absent: tuple[str, ...] = ()
    #: Caller-defined categories: name -> entities
    categories: Mapping[str, Any] | None = None
    #: ENISA severity inputs stated by the caller (``verdicts.severity.Context``/``Circumstances``)
    context: Any = None
    circumstances: Any = None
    #: Called with an ``engine.ProgressEvent`` after each batch and each source (CLI progress)
    progress: Any = None
    #: Inputs smaller than this are scanned in-process even when ``workers`` > 1 would be
    #: allowed: starting processes costs more than it saves.
    parallel_threshold: int = 32 << 20
    #: Bytes of findings held in memory before they are written to disk (Arrow IPC, zstd) in
    #: a private temporary directory under ``spill_dir`` (the system's temporary directory by
    #: default): a leak of any size is scanned in bounded memory. Raw values (``reveal=True``) are
    #: written to disk only when ``spill_dir`` is given; otherwise they stay in memory.
    findings_memory: int = 32 << 20
    spill_dir: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.limits, Limits):
            raise ConfigurationError("limits must be a Limits or a mapping of its fields")
        if self.workers is not None and self.workers < 1:
            raise ConfigurationError("workers must be >= 1")
        if self.batch_rows < 1:
            raise ConfigurationError("batch_rows must be >= 1")
        if self.findings_memory < 0:
            raise ConfigurationError("findings_memory must be >= 0 bytes")
        if self.spill_dir is not None and not os.path.isdir(self.spill_dir):
            raise ConfigurationError(f"spill_dir is not a directory: {self.spill_dir}")
        if self.sample is not None:
            if isinstance(self.sample, bool) or not isinstance(self.sample, (int, float)):
                raise ConfigurationError("sample must be a fraction in (0, 1] or a record count")
            if isinstance(self.sample, float) and not 0.0 < self.sample <= 1.0:
                raise ConfigurationError("a fractional sample must be in (0, 1]")
            if isinstance(self.sample, int) and self.sample < 1:
                raise ConfigurationError("a sample size must be >= 1")
        if self.key is not None and not isinstance(self.key, bytes):
            raise ConfigurationError("key must be bytes")

    @classmethod
    def from_kwargs(cls, options: Mapping[str, Any]) -> ScanOptions:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(options) - names)
        if unknown:
            raise ConfigurationError(
                f"unknown scan option(s): {', '.join(unknown)}; known: {', '.join(sorted(names))}"
            )
        values = dict(options)
        if values.get("detectors") is not None:
            dets = values["detectors"]
            if isinstance(dets, Detector) or not isinstance(dets, Sequence):
                dets = [dets]
            values["detectors"] = tuple(d() if isinstance(d, type) else d for d in dets)
        mba = values.get("must_be_absent")
        if isinstance(mba, str):
            values["must_be_absent"] = tuple(p.strip() for p in mba.split(",") if p.strip())
        elif mba is not None:
            values["must_be_absent"] = tuple(mba)
        if isinstance(values.get("limits"), Mapping):
            try:
                values["limits"] = Limits(**values["limits"])
            except TypeError as exc:
                raise ConfigurationError(f"limits: {exc}") from None
        if isinstance(values.get("key"), str):
            values["key"] = values["key"].encode()
        return cls(**values)

    def effective_workers(self, input_bytes: int) -> int:
        if self.workers is not None:
            return self.workers
        if input_bytes < self.parallel_threshold:
            return 1
        return max(1, min(os.cpu_count() or 1, 8))
