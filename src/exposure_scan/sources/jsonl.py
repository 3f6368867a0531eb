"""JSON Lines and top-level JSON arrays, flattened to dotted paths.

``{"profile": {"email": ...}}`` becomes column ``profile.email``; a list of scalars or of
objects maps every element to the same dotted path (``vehicles.vin``), stored as an Arrow
``list<string>`` column so that every element is scanned and traced back to its record.

Hostile JSON is bounded: a record longer than ``Limits.max_record_bytes`` characters is counted
unreadable without being held, nesting deeper than ``Limits.max_json_depth`` makes a record
unreadable, and keys that are data (``{"jane@example.com": {...}}``, numeric or random ids)
never become column names: a report lists column names unmasked, so such a key is scanned as
a value of the column ``<parent>.*`` instead, and its children live under that path. At most
``Limits.max_columns`` distinct paths per source become columns; values of further paths are
scanned together in the column ``*``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any, TextIO

import pyarrow as pa

from .base import Batch, SourceAccount
from .containers import Limits, decode_failure, log_done
from .delimited import _DATA_LIKE

log = logging.getLogger("exposure_scan.sources.jsonl")

#: The default nesting limit (``Limits.max_json_depth``).
MAX_DEPTH = Limits().max_json_depth
#: The column of values whose path is not shown: data keys, and paths beyond ``max_columns``.
WILDCARD = "*"
#: A batch is handed over once rows x columns reaches this: wide, sparse JSON (a column per
#: user id) must not build a batch of millions of null cells.
MAX_BATCH_CELLS = 8 << 20
#: A random or numeric identifier used as a key (Firebase push ids, user ids).
_ID_LIKE = re.compile(r"^(?=[\w-]*\d)[\w-]{16,}$")
_STRUCT = re.compile(r'["\[\]{},]')
_STRING_STOP = re.compile(r'["\\]')
_LEADING = re.compile(r"[\s\ufeff]*")
_CHUNK = 1 << 20


class _TooDeep(Exception):
    pass


def _scalar(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    return json.dumps(v, ensure_ascii=False)


def is_name(key: str) -> bool:
    """True when a JSON key names a field; False when the key is itself data.

    Data: what a CSV header cell must not look like (an e-mail address, a number, a date, a
    URL), a long run of id characters with digits in it, or more than 64 characters.
    """
    return len(key) <= 64 and _DATA_LIKE.search(key) is None and _ID_LIKE.match(key) is None


def flatten(
    obj: Any,
    prefix: str = "",
    out: dict[str, list[str]] | None = None,
    depth: int = 0,
    max_depth: int = MAX_DEPTH,
) -> dict[str, list[str]]:
    """Flatten a JSON value into ``{dotted.path: [values...]}``; nulls are dropped.

    A key that is data (see :func:`is_name`) is itself a value of the path ``<prefix>.*``,
    under which its children are flattened.
    """
    if out is None:
        out = {}
    if depth > max_depth:
        raise _TooDeep
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = str(k)
            if is_name(key):
                path = f"{prefix}.{key}" if prefix else key
            else:
                path = f"{prefix}.{WILDCARD}" if prefix else WILDCARD
                out.setdefault(path, []).append(key)
            flatten(v, path, out, depth + 1, max_depth)
    elif isinstance(obj, list):
        for v in obj:
            flatten(v, prefix, out, depth + 1, max_depth)
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
        self,
        text: TextIO,
        account: SourceAccount,
        *,
        array: bool,
        batch_rows: int = 65536,
        limits: Limits | None = None,
    ) -> None:
        self.account = account
        self._text = text
        self._array = array
        self._batch_rows = batch_rows
        self._limits = limits or Limits()
        self._paths: set[str] = set()  # paths that have a column of their own
        self._overflow = False
        account.format = "json" if array else "jsonl"
        log.debug("%s: %s", account.source, account.format)

    def _too_long(self) -> str:
        return f"record longer than max_record_bytes ({self._limits.max_record_bytes} characters)"

    def _deep(self) -> str:
        return f"nesting deeper than {self._limits.max_json_depth}"

    def _records(self) -> Iterator[tuple[int, Any, str | None]]:
        """(record index, parsed value or None, reason when unreadable)."""
        if self._array:
            yield from _iter_array(
                self._text, self._limits.max_record_bytes, self._too_long(), self._deep()
            )
            return
        idx = 0
        for line, whole in _bounded_lines(self._text, self._limits.max_record_bytes):
            if whole and not line.strip():
                continue  # blank lines are not records
            if not whole:
                yield idx, None, self._too_long()
            elif _has_surrogates(line):
                yield idx, None, "bytes not valid in the file's encoding"
            else:
                yield _parse_element(idx, line, self._deep())
            idx += 1

    def batches(self) -> Iterator[Batch]:
        rows: list[dict[str, list[str]]] = []
        idxs: list[int] = []
        names: dict[str, bool] = {}  # name -> holds a list somewhere in this batch
        depth = self._limits.max_json_depth
        records = self._records()
        failure: Exception | None = None
        try:
            while True:
                try:
                    idx, value, reason = next(records)
                except StopIteration:
                    break
                except Exception as exc:  # a limit or damage under the text: hand over first
                    failure = decode_failure(exc, self.account)
                    break
                if reason is None:
                    try:
                        flat = flatten(value, max_depth=depth)
                    except (_TooDeep, RecursionError):
                        reason = self._deep()
                    else:
                        if _flat_has_surrogates(flat):
                            # "\ud800" escapes decode to lone surrogates, which no Arrow string
                            # can hold: the record is damaged, not the file.
                            reason = "invalid \\u escape (lone surrogate)"
                        else:
                            flat = self._capped(flat)
                            rows.append(flat)
                            idxs.append(idx)
                            for k, v in flat.items():
                                names[k] = names.get(k, False) or len(v) != 1
                if reason is not None:
                    if reason.startswith("record longer"):
                        log.warning("%s: record %d: %s", self.account.source, idx, reason)
                    self.account.unreadable(idx, reason)
                if rows and (
                    len(rows) >= self._batch_rows or len(rows) * len(names) >= MAX_BATCH_CELLS
                ):
                    yield self._batch(rows, idxs, names)
                    rows, idxs, names = [], [], {}
            if rows:
                yield self._batch(rows, idxs, names)
            if failure is not None:
                raise failure
        finally:
            log_done(log, self.account)

    def _capped(self, flat: dict[str, list[str]]) -> dict[str, list[str]]:
        """Paths beyond ``max_columns`` distinct ones go to the wildcard column."""
        paths, cap = self._paths, self._limits.max_columns
        if all(k in paths for k in flat):
            return flat
        out: dict[str, list[str]] = {}
        for k, v in flat.items():
            if k not in paths and len(paths) < cap:
                paths.add(k)
            if k in paths:
                out.setdefault(k, []).extend(v)
                continue
            out.setdefault(WILDCARD, []).extend(v)
            if not self._overflow:
                self._overflow = True
                note = (
                    f"more than {cap} distinct JSON paths (max_columns): values of further "
                    f"paths are scanned together in column {WILDCARD!r}"
                )
                self.account.notes.append(note)
                log.warning("%s: %s", self.account.source, note)
        return out

    def _batch(
        self, rows: list[dict[str, list[str]]], idxs: list[int], names: dict[str, bool]
    ) -> Batch:
        n = len(rows)
        cols: dict[str, list[Any]] = {name: [] for name in names}
        for i, r in enumerate(rows):  # column by column, padding with nulls: O(cells)
            for k, v in r.items():
                col = cols[k]
                if len(col) < i:
                    col.extend([None] * (i - len(col)))
                col.append(v)
        arrays = []
        for name, is_list in names.items():
            col = cols[name]
            col.extend([None] * (n - len(col)))
            if is_list:
                arrays.append(pa.array(col, pa.list_(pa.string())))
            else:
                arrays.append(pa.array([v[0] if v is not None else None for v in col], pa.string()))
        rb = (
            pa.RecordBatch.from_arrays(arrays, names=list(names))
            if names
            else pa.RecordBatch.from_pydict({"value": pa.nulls(n, pa.string())})
        )
        self.account.records_read += n
        return Batch(self.account.source, rb, idxs[0], pa.array(idxs, pa.int64()))


def _bounded_lines(text: TextIO, limit: int) -> Iterator[tuple[str, bool]]:
    """Lines without their end, each at most ``limit`` characters; ``(\"\", False)`` stands
    for a longer line, which is read through without being held."""
    while True:
        line = text.readline(limit + 1)
        if not line:
            return
        if line.endswith(("\n", "\r")):
            yield line.rstrip("\r\n"), True
        elif len(line) <= limit:
            yield line, True  # the last line, with no line end
        else:
            while (more := text.readline(_CHUNK)) and not more.endswith(("\n", "\r")):
                pass
            yield "", False


def _parse_element(idx: int, piece: str, deep: str) -> tuple[int, Any, str | None]:
    if _has_surrogates(piece):
        return idx, None, "bytes not valid in the file's encoding"
    try:
        return idx, json.loads(piece), None
    except RecursionError:  # deeper than the parser's own guard
        return idx, None, deep
    except ValueError:
        return idx, None, "invalid JSON"


class _Element:
    """The text of the element being read, as pieces (joined once), or only its length once
    it is longer than the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0

    def add(self, piece: str) -> None:
        self.size += len(piece)
        if self.size <= self.limit:
            self.parts.append(piece)
        else:
            self.parts.clear()

    @property
    def too_long(self) -> bool:
        return self.size > self.limit

    def text(self) -> str:
        return "".join(self.parts)

    def blank(self) -> bool:
        return not self.too_long and not any(p.strip() for p in self.parts)


def _iter_array(
    text: TextIO, limit: int, too_long: str, deep: str, chunk: int = _CHUNK
) -> Iterator[tuple[int, Any, str | None]]:
    """Stream the elements of a top-level JSON array without loading the whole document."""
    return iter(_ArrayReader(text, limit, too_long, deep, chunk))


class _ArrayReader:
    """The elements of a top-level JSON array, one record each, in bounded memory.

    Fast path: ``raw_decode`` parses an element in place (C speed) when it lies inside the
    buffer and a ``,`` or ``]`` follows it. Anything else (an element across the chunk border,
    damage, an element longer than ``limit``) goes to a scanner aware of strings and escapes
    that cuts the element at its depth-1 comma, holding at most ``limit`` characters of it:
    a damaged element costs one record, not the file.
    """

    def __init__(self, text: TextIO, limit: int, too_long: str, deep: str, chunk: int) -> None:
        self.text = text
        self.limit = limit
        self.too_long = too_long
        self.deep = deep
        self.chunk = chunk
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.dec = json.JSONDecoder()

    def _more(self) -> bool:
        """Read a chunk after what is left of the buffer; False at the end of the stream."""
        if self.eof:
            return False
        data = self.text.read(self.chunk)
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + data
        self.pos = 0
        return True

    def _skip_ws(self) -> bool:
        """Move past whitespace; False when the stream ends first."""
        while True:
            self.pos = _LEADING.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return True
            if not self._more():
                return False

    def __iter__(self) -> Iterator[tuple[int, Any, str | None]]:
        if not self._skip_ws():
            return
        c = self.buf[self.pos]
        if c == "{":  # a single top-level object: one record
            elem = _Element(self.limit)
            elem.add(self.buf[self.pos :])
            self.buf, self.pos = "", 0
            while self._more():  # what is too long to hold is read through, not kept
                if not elem.too_long:
                    elem.add(self.buf)
                self.buf = ""
            yield self._done(0, elem)
            return
        if c != "[":
            yield 0, None, "not JSON"
            return
        self.pos += 1
        idx = 0
        while self._skip_ws():
            c = self.buf[self.pos]
            if c in "]}":
                return
            if c == ",":
                yield idx, None, "invalid JSON"  # an empty element
                self.pos += 1
                idx += 1
                continue
            fast = self._fast(idx)
            if fast is not None:
                yield fast[0]
                if fast[1]:
                    return
            else:
                record, last = self._scan(idx)
                if record is not None:
                    yield record
                if last:
                    return
            idx += 1

    def _fast(self, idx: int) -> tuple[tuple[int, Any, str | None], bool] | None:
        """(record, array ended) when the element parses in the buffer; else None."""
        buf, pos = self.buf, self.pos
        try:
            value, end = self.dec.raw_decode(buf, pos)
        except (ValueError, RecursionError):
            return None
        if end - pos > self.limit:
            return None
        j = _LEADING.match(buf, end).end()  # type: ignore[union-attr]
        if j == len(buf) or buf[j] not in ",]}":
            return None
        self.pos = j + 1
        if _has_surrogates(buf[pos:end]):
            return (idx, None, "bytes not valid in the file's encoding"), buf[j] != ","
        return (idx, value, None), buf[j] != ","

    def _scan(self, idx: int) -> tuple[tuple[int, Any, str | None] | None, bool]:
        """Cut the element at ``pos`` at its depth-1 comma: (record or None, array ended)."""
        elem = _Element(self.limit)
        depth, in_str, esc = 1, False, False
        while True:
            data, i = self.buf, self.pos
            n = len(data)
            seg = i
            if esc:  # an escape cut by the chunk border: its character is data[i]
                esc, i = False, i + 1
            while i < n:
                if in_str:
                    m = _STRING_STOP.search(data, i)
                    if m is None:
                        break
                    j = m.start()
                    if data[j] == "\\":
                        if j + 1 == n:
                            esc = True
                            break
                        i = j + 2
                        continue
                    in_str, i = False, j + 1
                    continue
                m = _STRUCT.search(data, i)
                if m is None:
                    break
                j = m.start()
                c = data[j]
                i = j + 1
                if c == '"':
                    in_str = True
                elif c in "[{":
                    depth += 1
                elif c in "]}":
                    depth -= 1
                    if depth == 0:  # the end of the array
                        elem.add(data[seg:j])
                        self.pos = i
                        return (None if elem.blank() else self._done(idx, elem)), True
                elif depth == 1:  # the comma after the element
                    elem.add(data[seg:j])
                    self.pos = i
                    return self._done(idx, elem), False
            elem.add(data[seg:])
            self.buf, self.pos = "", 0
            if not self._more():
                return (None if elem.blank() else (idx, None, "truncated JSON array")), True

    def _done(self, idx: int, elem: _Element) -> tuple[int, Any, str | None]:
        if elem.too_long:
            return idx, None, self.too_long
        return _parse_element(idx, elem.text(), self.deep)


__all__ = ["MAX_DEPTH", "WILDCARD", "JsonSource", "flatten", "is_name"]
