"""JSON Lines and top-level JSON arrays, flattened to dotted paths.

``{"profile": {"email": ...}}`` becomes column ``profile.email``; a list of scalars or of
objects maps every element to the same dotted path (``vehicles.vin``), stored as an Arrow
``list<string>`` column so that every element is scanned and traced back to its record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

import pyarrow as pa

from .base import Batch, SourceAccount

#: Deeper nesting than this is treated as hostile (a JSON "bomb") and the record is unreadable.
MAX_DEPTH = 64


class _TooDeep(Exception):
    pass


def _scalar(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v, ensure_ascii=False)


def flatten(
    obj: Any, prefix: str = "", out: dict[str, list[str]] | None = None, depth: int = 0
) -> dict[str, list[str]]:
    """Flatten a JSON value into ``{dotted.path: [values...]}``; nulls are dropped."""
    if out is None:
        out = {}
    if depth > MAX_DEPTH:
        raise _TooDeep
    if isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, f"{prefix}.{k}" if prefix else str(k), out, depth + 1)
    elif isinstance(obj, list):
        for v in obj:
            flatten(v, prefix, out, depth + 1)
        out.setdefault(prefix or "value", [])
    elif obj is not None:
        out.setdefault(prefix or "value", []).append(_scalar(obj))
    return out


def _has_surrogates(line: str) -> bool:
    try:
        line.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _flat_has_surrogates(flat: dict[str, list[str]]) -> bool:
    return any(_has_surrogates(k) or any(map(_has_surrogates, v)) for k, v in flat.items())


class JsonSource:
    """JSON Lines (one record per line) or a top-level array (one record per element)."""

    def __init__(
        self, text: TextIO, account: SourceAccount, *, array: bool, batch_rows: int = 65536
    ) -> None:
        self.account = account
        self._text = text
        self._array = array
        self._batch_rows = batch_rows
        account.format = "json" if array else "jsonl"

    def _records(self) -> Iterator[tuple[int, Any, str | None]]:
        """(record index, parsed value or None, reason when unreadable)."""
        if not self._array:
            idx = 0
            for line in self._text:
                if not line.strip():
                    continue  # blank lines are not records
                if _has_surrogates(line):
                    yield idx, None, "bytes not valid in the file's encoding"
                else:
                    try:
                        yield idx, json.loads(line), None
                    except (ValueError, RecursionError):
                        yield idx, None, "invalid JSON"
                idx += 1
            return
        yield from _iter_array(self._text)

    def batches(self) -> Iterator[Batch]:
        rows: list[dict[str, list[str]]] = []
        idxs: list[int] = []
        for idx, value, reason in self._records():
            if reason is None:
                try:
                    flat = flatten(value)
                except (_TooDeep, RecursionError):
                    reason = f"nesting deeper than {MAX_DEPTH}"
                else:
                    if _flat_has_surrogates(flat):
                        # "\ud800" escapes decode to lone surrogates, which no Arrow string
                        # can hold: the record is damaged, not the file.
                        reason = "invalid \\u escape (lone surrogate)"
                    else:
                        rows.append(flat)
                        idxs.append(idx)
            if reason is not None:
                self.account.unreadable(idx, reason)
            if len(rows) >= self._batch_rows:
                yield self._batch(rows, idxs)
                rows, idxs = [], []
        if rows:
            yield self._batch(rows, idxs)

    def _batch(self, rows: list[dict[str, list[str]]], idxs: list[int]) -> Batch:
        names: dict[str, bool] = {}  # name -> holds a list somewhere
        for r in rows:
            for k, v in r.items():
                names[k] = names.get(k, False) or len(v) != 1
        arrays = []
        for name, is_list in names.items():
            if is_list:
                arrays.append(pa.array([r.get(name) for r in rows], pa.list_(pa.string())))
            else:
                arrays.append(
                    pa.array([(r[name][0] if name in r else None) for r in rows], pa.string())
                )
        rb = (
            pa.RecordBatch.from_arrays(arrays, names=list(names))
            if names
            else pa.RecordBatch.from_pydict({"value": pa.nulls(len(rows), pa.string())})
        )
        self.account.records_read += len(rows)
        return Batch(self.account.source, rb, idxs[0], pa.array(idxs, pa.int64()))


def _iter_array(text: TextIO, chunk: int = 1 << 20) -> Iterator[tuple[int, Any, str | None]]:
    """Stream the elements of a top-level JSON array without loading the whole document.

    Elements are cut at depth-1 commas by a small scanner aware of strings and escapes, then
    parsed one by one, so a damaged element costs one record, not the file.
    """
    buf = ""
    started = False
    depth = 0
    in_str = False
    esc = False
    start = 0  # where the current element begins in buf
    i = 0  # scan position in buf
    idx = 0
    while True:
        data = text.read(chunk)
        if not data:
            break
        buf = buf[start:] + data
        i -= start
        start = 0
        n = len(buf)
        while i < n:
            c = buf[i]
            if not started:
                if c == "[":
                    started = True
                    start = i + 1
                    depth = 1
                elif c == "{":  # a single top-level object: one record
                    yield _parse_element(0, buf[i:] + text.read())
                    return
                elif not c.isspace() and c != "\ufeff":
                    yield idx, None, "not JSON"
                    return
                else:
                    start = i + 1
            elif in_str:
                if esc:
                    esc = False
                elif c == "\\":
                    esc = True
                elif c == '"':
                    in_str = False
            elif c == '"':
                in_str = True
            elif c in "[{":
                depth += 1
            elif c in "]}":
                depth -= 1
                if depth == 0:  # end of the array
                    piece = buf[start:i]
                    if piece.strip():
                        yield _parse_element(idx, piece)
                    return
            elif c == "," and depth == 1:
                yield _parse_element(idx, buf[start:i])
                idx += 1
                start = i + 1
            i += 1
    if started and buf[start:].strip():
        yield idx, None, "truncated JSON array"


def _parse_element(idx: int, piece: str) -> tuple[int, Any, str | None]:
    if _has_surrogates(piece):
        return idx, None, "bytes not valid in the file's encoding"
    try:
        return idx, json.loads(piece), None
    except (ValueError, RecursionError):
        return idx, None, "invalid JSON"
