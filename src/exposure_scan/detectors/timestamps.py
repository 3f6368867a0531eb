"""Timestamp cells, and the detectors that provably cannot match inside one.

Leaks carry several columns of ISO dates and times (registered, ordered, last login). Their
digits look like cards, SSNs, French NIRs and phones to a prefilter, so every such cell used
to be searched by each of those detectors, for nothing. A strict ISO timestamp (the phone
detector's cell veto, with at most six digits of fraction and a zone written ``+hh:mm``) is a
finite set of *shapes* once
each digit is read as "any digit": ``dddd-dd-dd``, then optionally a time, seconds, fraction
and zone, with blanks around. For a detector whose every match is made of one small
alphabet (:func:`~.base.run_alphabet`), a match lies inside one run of that alphabet, so if
no run of any shape is both :func:`~.base.min_width` long and holds :func:`~.base.min_digits`
digits, no timestamp cell holds a match, near misses included. That is a proof over the
shapes, not a sample; blanks at the ends count as runs of any length. The phone detector
vetoes such cells itself (its ``cell_veto`` accepts every timestamp here), so it too has
nothing to find in them.
"""

from __future__ import annotations

import functools

from .base import Detector, min_digits, min_width, run_alphabet

#: A strict ISO date or timestamp cell: the phone detector's cell veto narrowed to at most six
#: digits of a second's fraction and a zone written ``Z`` or ``+hh:mm`` (a finite set of
#: shapes, none with a run of digits long enough for a card or an SSN: nanoseconds before a
#: ``-0500`` zone make 13 digits joined by a dash, so such cells are not skipped).
TIMESTAMP = (
    r"^\s*(?:19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]"
    r"(?:[T ][0-2][0-9]:[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]{1,6})?)?"
    r"(?:Z|[+-][0-2][0-9]:[0-5][0-9])?)?\s*$"
)
#: RE2's ``\s``.
_BLANKS = frozenset(b"\t\n\f\r ")


@functools.cache
def shapes() -> tuple[str, ...]:
    """Every shape of a :data:`TIMESTAMP` cell without its blanks, ``d`` for a digit."""
    times = [""]
    for sep in "T ":
        for seconds in ["", ":dd"] + [f":dd{f}{'d' * k}" for f in ".," for k in range(1, 7)]:
            for zone in ["", "Z", "+dd:dd", "-dd:dd"]:
                times.append(f"{sep}dd:dd{seconds}{zone}")
    return tuple(f"dddd-dd-dd{time}" for time in times)


def _fits(shape: str, alphabet: frozenset[int], width: int, digits: int) -> bool:
    """Whether some run of ``alphabet`` in ``shape`` (blanks of any length around it when
    the alphabet has a blank) is ``width`` long and holds ``digits`` digits."""
    digit_in = any(48 <= b <= 57 for b in alphabet)
    blank_in = bool(alphabet & _BLANKS)
    unbounded = 10**9
    runs: list[tuple[int, int]] = []  # (length, digits) of each run
    length = count = 0
    for ch in shape:
        inside = digit_in if ch == "d" else ord(ch) in alphabet
        if inside:
            length += 1
            count += ch == "d"
        else:
            runs.append((length, count))
            length = count = 0
    runs.append((length, count))
    if blank_in:  # blanks before the first and after the last character: any number
        runs[0] = (runs[0][0] + unbounded, runs[0][1])
        runs[-1] = (runs[-1][0] + unbounded, runs[-1][1])
    return any(n >= width and d >= digits for n, d in runs)


@functools.cache
def _cannot_match(pattern: str) -> bool:
    alphabet = run_alphabet(pattern)
    if alphabet is None:
        return False
    width, digits = min_width(pattern), min_digits(pattern)
    return not any(_fits(shape, alphabet, width, digits) for shape in shapes())


def never_in_timestamps(detector: Detector) -> bool:
    """Whether ``detector`` finds nothing (no match, no near miss) in a :data:`TIMESTAMP`
    cell: proved from its pattern over every shape, or its cell veto is the phone
    detector's (which every timestamp cell matches, so the whole cell is skipped)."""
    if detector.cell_veto is not None and detector.cell_veto == _phone_veto():
        return True
    return bool(detector.pattern) and _cannot_match(detector.pattern)


@functools.cache
def _phone_veto() -> str | None:
    from .phone import PhoneDetector

    return PhoneDetector.cell_veto
