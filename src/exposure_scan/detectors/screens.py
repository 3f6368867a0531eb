"""Which cells of a column each detector needs to search: cheap counts over the column's
bytes against what every match of the detector's pattern must hold.

A cell without a match holds no finding and no near miss, so skipping cells that cannot
hold one changes nothing but the work. Each bound is read from the pattern itself, never
declared (it cannot drift from it): ASCII digits (:func:`~.base.min_digits`), letters
(:func:`~.base.min_letters`), bytes (:func:`~.base.min_width`), up to two rarer byte
classes (:func:`~.base.class_screens`: ``@`` for an e-mail, ``-`` for an SSN), and the
three first bounds per top-level alternative (:func:`~.base.branch_bounds`). Counts are
computed once per column and batch, in compiled code when :mod:`exposure_scan.native` is
built; the RE2 pass they save costs ~100 ns a cell per detector. In a column of ISO
timestamps, the cells that are one (:data:`~.timestamps.TIMESTAMP`: one RE2 pass) are not
searched by the detectors proved unable to match there (:mod:`.timestamps`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .base import (
    Detector,
    branch_bounds,
    class_screens,
    min_digits,
    min_letters,
    min_width,
    regex_mask,
)
from .bytewise import byte_class_counts, class_counts
from .timestamps import TIMESTAMP, never_in_timestamps

#: A column is checked for timestamp cells when it has this many cells, at least half of
#: those look like one by their counts (8+ digits, at most two letters: ``T``, ``Z``) and at
#: least half of the first ``TIMESTAMP_PROBE`` of those are one.
TIMESTAMP_MIN_CELLS = 1024
TIMESTAMP_PROBE = 256


class CellScreens:
    """The screens of one column's cells, each count computed at most once."""

    def __init__(self, values: pa.Array, detectors: Sequence[Detector] = ()) -> None:
        self.values = values
        #: Every byte class these detectors' screens use: counted together, in one pass.
        self._wanted = sorted(
            {members for d in detectors if d.pattern for members, _ in class_screens(d.pattern)},
            key=sorted,
        )
        self._classes: tuple[np.ndarray, np.ndarray] | bool | None = False
        self._bytes: np.ndarray | None = None
        self._counts: dict[frozenset[int], np.ndarray | None] = {}
        self._masks: dict[tuple[str, str | None], np.ndarray | None] = {}
        self._stamps: np.ndarray | bool | None = False

    def mask(self, detector: Detector) -> np.ndarray | None:
        """Cells that may hold a match of ``detector``'s pattern (None: every cell may, or
        the column is no string array)."""
        key = (detector.pattern, detector.cell_veto)
        if key in self._masks:
            return self._masks[key]
        out = self._mask(detector.pattern)
        if never_in_timestamps(detector):
            stamps = self._timestamps()
            if stamps is not None:
                out = ~stamps if out is None else out & ~stamps
        self._masks[key] = out
        return out

    def _timestamps(self) -> np.ndarray | None:
        """The cells that are a :data:`~.timestamps.TIMESTAMP` (None: not a column of them)."""
        if self._stamps is False:
            self._stamps = self._timestamp_cells()
        assert self._stamps is not True
        return self._stamps

    def _timestamp_cells(self) -> np.ndarray | None:
        n = len(self.values)
        if n < TIMESTAMP_MIN_CELLS:
            return None
        counts = self._digits_letters()
        if counts is None:
            return None
        likely = np.flatnonzero((counts[0] >= 8) & (counts[1] <= 2))
        if likely.size < n // 2:
            return None
        head = regex_mask(self.values.take(pa.array(likely[:TIMESTAMP_PROBE])), TIMESTAMP)
        if 2 * int(head.sum()) < head.size:
            return None
        stamps = np.zeros(n, dtype=bool)
        values = self.values if likely.size == n else self.values.take(pa.array(likely))
        stamps[likely] = regex_mask(values, TIMESTAMP)
        return stamps

    def _mask(self, pattern: str) -> np.ndarray | None:
        digits, letters, width = min_digits(pattern), min_letters(pattern), min_width(pattern)
        classes = class_screens(pattern)
        if (digits, letters) == (0, 0) and width <= 1 and not classes:
            return None
        enough: np.ndarray | None = None
        if (digits, letters) != (0, 0):
            counts = self._digits_letters()
            if counts is None:
                return None
            enough = (counts[0] >= digits) & (counts[1] >= letters)
        if width > 1:
            wide = self._nbytes() >= width
            enough = wide if enough is None else enough & wide
        for members, least in classes:
            counted = self._class(members)
            if counted is None:
                return None
            enough = counted >= least if enough is None else enough & (counted >= least)
        branches = branch_bounds(pattern)
        if any(b != (digits, letters, width) for b in branches):
            counts = self._digits_letters()
            if counts is None:
                return None
            nbytes = self._nbytes()
            some = np.zeros(len(self.values), dtype=bool)
            for d, n, w in branches:
                some |= (counts[0] >= d) & (counts[1] >= n) & (nbytes >= w)
            enough = some if enough is None else enough & some
        return enough

    def _digits_letters(self) -> tuple[np.ndarray, np.ndarray] | None:
        if self._classes is False:
            self._classes = class_counts(self.values)
        assert self._classes is not True
        return self._classes

    def _nbytes(self) -> np.ndarray:
        if self._bytes is None:
            lengths = pc.fill_null(pc.binary_length(self.values), 0)
            self._bytes = np.asarray(lengths.to_numpy(zero_copy_only=False))
        return self._bytes

    def _class(self, members: frozenset[int]) -> np.ndarray | None:
        if members not in self._counts:
            wanted = [m for m in self._wanted if m not in self._counts]
            if members not in wanted:
                wanted.append(members)
            counted = byte_class_counts(self.values, wanted)
            for j, cls in enumerate(wanted):
                self._counts[cls] = None if counted is None else counted[:, j]
        return self._counts[members]
