"""What a detector is: a declared shape, a pure validation hook, and how to show a value.

A detector is a small declarative class (the detect-secrets plugin style): ``entity``,
``pattern`` (RE2 syntax, so it runs vectorised in Arrow and linear-time per cell),
``validate`` (checksums, registries: a pure function of the matched text) and ``mask``.
The engine runs the pattern over whole Arrow string arrays; Python sees only candidate cells,
and each distinct candidate value is validated once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..masking import mask_generic


@functools.cache
def compile_re2(pattern: str) -> Any:
    """A compiled RE2 pattern (linear time: a hostile cell cannot make a scan hang)."""
    import re2

    opts = re2.Options()
    opts.max_mem = 64 << 20
    return re2.compile(pattern, opts)


class Detector:
    """Base class of pattern detectors; subclasses set the class attributes and may override
    :meth:`validate`, :meth:`normalise` and :meth:`mask`."""

    entity: ClassVar[str]
    name: ClassVar[str]
    version: ClassVar[str] = "1"
    #: RE2 pattern of the candidate shape. Must not use look-around or back-references.
    pattern: ClassVar[str]
    #: A cheaper superset of ``pattern`` for the vectorised pass (defaults to ``pattern``).
    prefilter: ClassVar[str | None] = None
    #: Confidence of a validated match; detection confidence, not severity.
    score: ClassVar[float] = 0.9
    #: Also run on integer/decimal columns (card numbers stored as numbers, for instance).
    numeric: ClassVar[bool] = False
    #: When not empty, run only on columns whose role names one of these entities (by header
    #: or by inference): a 3-digit number is a security code only in a CVV column.
    context: ClassVar[frozenset[str]] = frozenset()
    #: Run only where column inference, with value evidence, gave the column one of the
    #: ``context`` entities (a header alone is not enough: structured name/address cells).
    requires_role: ClassVar[bool] = False
    #: Header hints that rule this detector out for a column: a dotted quad in a ``version``
    #: column is a version, not an address. Only for entities whose shape proves little.
    vetoed_by: ClassVar[frozenset[str]] = frozenset()
    #: RE2 pattern for the text just before a match that rules it out in free text
    #: (``v1.2.3.4``, ``firmware 1.2.3.4``); matched against the 24 characters before it.
    veto_before: ClassVar[str | None] = None
    #: Validation depends on the record's country (``validate_in``/``normalise_in``), taken
    #: from a column announced as the country: national phone numbers.
    uses_region: ClassVar[bool] = False

    def validate(self, value: str) -> bool:
        """True when a shape match is the real thing (checksum, registry, ...)."""
        return True

    def normalise(self, value: str) -> str:
        """The canonical form hashed for linking and baselines (``4111 1111`` == ``41111111``)."""
        return value

    def validate_in(self, value: str, region: str | None) -> bool:
        """:meth:`validate` for a value of a record whose country is ``region`` (ISO 3166)."""
        return self.validate(value)

    def normalise_in(self, value: str, region: str | None) -> str:
        """:meth:`normalise` for a value of a record whose country is ``region``."""
        return self.normalise(value)

    def mask(self, value: str) -> str:
        return mask_generic(value)

    @property
    def ident(self) -> str:
        return f"{self.name}@{self.version}"

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "entity": self.entity}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.ident} -> {self.entity}>"


def applies(detector: Detector, role: Any, numeric: bool) -> bool:
    """Whether ``detector`` runs on a column with this role (``detectors.roles.ColumnRole``).

    The one rule shared by the engine and the positive controls: numeric columns get numeric
    detectors only; a context detector needs the column's role (by header, or by value evidence
    when ``requires_role``) to name its entity; a veto in the header rules a detector out.
    """
    if numeric and not detector.numeric:
        return False
    if role is None:
        return not detector.context
    if detector.context:
        have = {role.entity} if detector.requires_role else set(role.entities())
        if not detector.context & have:
            return False
    return not (role.hint is not None and role.hint.entity in detector.vetoed_by)


@dataclass
class Hits:
    """Validated matches of one detector in one array, plus near misses."""

    cell: np.ndarray  # index into the scanned array, one per match
    start: np.ndarray
    end: np.ndarray
    values: pa.Array | list[str]  # matched text per match (never leaves the worker unmasked)
    near_misses: int
    scores: np.ndarray | None = None  # per-match confidence (NER); None = the detector's score
    regions: np.ndarray | None = None  # per-match record country, when validation used it

    @classmethod
    def empty(cls) -> Hits:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, pa.array([], pa.string()), 0)

    @staticmethod
    def concat(parts: list[Hits]) -> Hits:
        parts = [p for p in parts if p.cell.size or p.near_misses]
        if not parts:
            return Hits.empty()
        if len(parts) == 1:
            return parts[0]
        values = pa.concat_arrays(
            [
                p.values if isinstance(p.values, pa.Array) else pa.array(p.values, pa.string())
                for p in parts
            ]
        )
        return Hits(
            np.concatenate([p.cell for p in parts]),
            np.concatenate([p.start for p in parts]),
            np.concatenate([p.end for p in parts]),
            values,
            sum(p.near_misses for p in parts),
        )


def candidate_cells(detector: Detector, arr: pa.Array) -> np.ndarray:
    """Indices of the cells that may hold a match: one vectorised RE2 pass in Arrow."""
    mask = pc.match_substring_regex(arr, detector.prefilter or detector.pattern)
    mask = pc.fill_null(mask, False)
    return np.flatnonzero(mask.to_numpy(zero_copy_only=False))


def validate_distinct(detector: Detector, values: pa.Array, cache: dict[str, bool]) -> np.ndarray:
    """Validation result per value, calling ``validate`` once per distinct value (cached)."""
    uniq = pc.unique(values)
    verdicts = []
    for u in uniq.to_pylist():
        ok = cache.get(u)
        if ok is None:
            ok = cache[u] = bool(detector.validate(u))
        verdicts.append(ok)
    pos = pc.index_in(values, value_set=uniq).to_numpy(zero_copy_only=False)
    result: np.ndarray = np.asarray(verdicts, dtype=bool)[pos]
    return result


def find(
    detector: Detector,
    arr: pa.Array,
    cache: dict[str, bool] | None = None,
    regions: np.ndarray | None = None,
) -> Hits:
    """Run ``detector`` over a string array: vectorised prefilter, then validation.

    Cells that are entirely one match (the common case in tables: an email column) stay in
    Arrow: spans are the whole cell and each distinct value is validated once. Other candidate
    cells (free text, several values in a cell) get per-cell spans from RE2. ``cache`` maps a
    matched value to its validation result across the batches of a column.
    """
    idx = candidate_cells(detector, arr)
    if idx.size == 0:
        return Hits.empty()
    if cache is None:
        cache = {}
    if regions is not None and detector.uses_region:
        return _find_spans(detector, idx, arr.take(pa.array(idx)), cache, regions[idx])
    cand = arr.take(pa.array(idx))
    whole = pc.fill_null(pc.match_substring_regex(cand, f"^(?:{detector.pattern})$"), False)
    whole_np = whole.to_numpy(zero_copy_only=False)
    parts = []
    if whole_np.any():
        w_idx = idx[whole_np]
        w_vals = cand.filter(whole)
        ok = validate_distinct(detector, w_vals, cache)
        lengths = pc.utf8_length(w_vals).to_numpy(zero_copy_only=False).astype(np.int64)
        parts.append(
            Hits(
                w_idx[ok],
                np.zeros(int(ok.sum()), dtype=np.int64),
                lengths[ok],
                w_vals.filter(pa.array(ok)),
                int((~ok).sum()),
            )
        )
    if not whole_np.all():
        parts.append(_find_spans(detector, idx[~whole_np], cand.filter(pc.invert(whole)), cache))
    return Hits.concat(parts)


def _find_spans(
    detector: Detector,
    idx: np.ndarray,
    cand: pa.Array,
    cache: dict[str, bool],
    regions: np.ndarray | None = None,
) -> Hits:
    """Per-cell spans from RE2; with ``regions`` (one per candidate cell) validation is per
    (value, record country), as national phone numbers need."""
    rx = compile_re2(detector.pattern)
    veto = compile_re2(detector.veto_before + "$") if detector.veto_before else None
    spans_of: dict[tuple[str, Any], list[tuple[int, int, str]]] = {}
    cells: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    values: list[str] = []
    hit_regions: list[Any] = []
    near = 0
    region_of = regions.tolist() if regions is not None else [None] * len(idx)
    for i, text, region in zip(idx.tolist(), cand.to_pylist(), region_of, strict=True):
        spans = spans_of.get((text, region))
        if spans is None:
            spans = []
            for m in rx.finditer(text):
                value = m.group()
                if veto is not None and veto.search(text[max(0, m.start() - 24) : m.start()]):
                    continue
                key = value if regions is None else f"{value}\x1f{region}"
                ok = cache.get(key)
                if ok is None:
                    ok = cache[key] = bool(
                        detector.validate(value)
                        if regions is None
                        else detector.validate_in(value, region)
                    )
                spans.append((m.start(), m.end(), value) if ok else (-1, -1, value))
            spans_of[(text, region)] = spans
        for s, e, v in spans:
            if s < 0:
                near += 1
                continue
            cells.append(i)
            starts.append(s)
            ends.append(e)
            values.append(v)
            hit_regions.append(region)
    return Hits(
        np.asarray(cells, dtype=np.int64),
        np.asarray(starts, dtype=np.int64),
        np.asarray(ends, dtype=np.int64),
        pa.array(values, pa.string()),
        near,
        regions=np.asarray(hit_regions, dtype=object) if regions is not None else None,
    )


def iter_subclasses(cls: type[Detector]) -> Iterator[type[Detector]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from iter_subclasses(sub)
