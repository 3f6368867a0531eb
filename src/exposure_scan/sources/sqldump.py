"""Streaming parser for SQL dumps (mysqldump/MariaDB and pg_dump) into per-table rows.

Why hand-written: leaked dumps run to tens of GB with single INSERT lines of hundreds of MB, and
general SQL parsers (sqlparse, sqlglot) materialise whole statements as token lists or ASTs.  This
reads a text stream in fixed-size chunks, carries lexer state across chunk borders and never holds
more than the current chunk plus one tuple (bounded by ``max_field_chars``/``max_row_chars``).

Two paths parse the same grammar: a regex fast path for whole tuples / COPY lines lying inside the
buffer, and a streaming slow path (value by value, string piece by piece) for the rest: tuples
crossing a chunk border, over-long fields, unusual values, damage.  Tests run every case at
several chunk sizes, so the two paths must agree.  Offsets are character offsets in the stream.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, TextIO

from ._sqldump_lex import (
    NULLS,
    SqlLexer,
    Values,
    copy_field,
    row_pattern,
    tuple_patterns,
    unescapers,
)

__all__ = ["SqlDumpParser", "SqlRow", "SqlTableChunk"]

_TOP, _VALUES, _COPY, _DONE = range(4)
_SEP = re.compile(r"\s*,\s*")
_GARBAGE = re.compile(r"[('\";]")
_TAIL = re.compile(r"(?i:on|returning|as)\b")
_DELIM_LINE = re.compile(r"[ \t]*(\S*)[^\n]*\n?")
_INSERT_MODS = frozenset({"LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE"})
_CREATE_MODS = frozenset({"OR", "REPLACE", "TEMPORARY", "TEMP", "UNLOGGED", "GLOBAL", "LOCAL"})
_ID = r'(?:"(?:[^"]|"")*+"|`(?:[^`]|``)*+`|[\w$]++)'
# The common INSERT header (one INSERT per row in pg_dump --inserts): parsed by one regex;
# anything else (comments, modifiers, a chunk border inside it) goes through the tokens.
_INSERT_HEAD = re.compile(
    rf"INSERT\s+INTO\s+({_ID}(?:\s*\.\s*{_ID})*+)\s*"
    rf"(?:\(\s*({_ID}(?:\s*,\s*{_ID})*+)\s*\)\s*)?VALUES(?=[\s(])",
    re.I,
)
_ID_PART = re.compile(r'"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|([\w$]+)')
_MAX_ROW_REGEX = 1000  # wider tuples are checked by the generic pattern only


@dataclass(frozen=True, slots=True)
class SqlRow:
    """One readable row with its 0-based index within its table."""

    table: str
    index: int
    values: Values


@dataclass(slots=True)
class SqlTableChunk:
    """Consecutive rows of one table.

    The chunk covers row indices ``first_row .. first_row + len(rows) + len(unreadable) - 1``:
    the unreadable ones are listed in ``unreadable``, the readable ones fill the rest in order
    (so ``first_row`` is the index of ``rows[0]`` unless the chunk begins with damaged rows).
    """

    table: str
    columns: list[str]
    rows: list[Values]
    first_row: int
    unreadable: list[tuple[int, str]]

    def iter_rows(self) -> Iterator[SqlRow]:
        bad = {i for i, _ in self.unreadable}
        idx = self.first_row
        for values in self.rows:
            while idx in bad:
                idx += 1
            yield SqlRow(self.table, idx, values)
            idx += 1


class SqlDumpParser(SqlLexer):
    """Parse a mysqldump/pg_dump text stream into :class:`SqlTableChunk` s, in file order.

    Bad input never raises: damaged tuples/lines go to the chunk's ``unreadable`` (with a reason
    that never quotes data) and statements that cannot be parsed at all to
    ``unreadable_statements`` (character offset, reason).  ``dialect="auto"`` sniffs the head of
    the dump for whether backslashes escape inside '...' (MySQL; pg only with
    standard_conforming_strings off, which a ``SET`` in the dump also switches).
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        chunk_size: int = 1 << 20,
        max_field_chars: int = 64 << 20,
        max_row_chars: int | None = None,
        batch_rows: int = 65536,
        dialect: Literal["auto", "mysql", "postgresql"] = "auto",
    ) -> None:
        if min(chunk_size, max_field_chars, batch_rows) < 1:
            raise ValueError("chunk_size, max_field_chars and batch_rows must be positive")
        super().__init__(stream, chunk_size)
        self._max_field = max_field_chars
        self._max_row = 4 * max_field_chars if max_row_chars is None else max_row_chars
        self._fast_limit = min(self._max_field, self._max_row)
        self._batch = batch_rows
        self._dialect = dialect
        self.statements_skipped = 0
        self.unreadable_statements: list[tuple[int, str]] = []
        self._state = _TOP
        self._decided = dialect != "auto"
        self._set_mode(pg=dialect == "postgresql", bs=dialect != "postgresql")
        self._ready: deque[SqlTableChunk] = deque()
        self._chunk = SqlTableChunk("", [], [], 0, [])
        self._start = 0  # row index of the current chunk's first entry
        self._ncols = -1  # -1: positional columns not known yet
        self._need_tuple = True
        self._copy_at = 0
        self._counts: dict[str, int] = {}
        self._create_cols: dict[str, list[str]] = {}
        self._by_last: dict[str, list[str]] = {}
        self._positional: dict[str, list[str]] = {}
        self._heads: dict[str, tuple[str, list[str] | None]] = {}

    def tables(self) -> Iterator[SqlTableChunk]:
        """Yield chunks of at most ``batch_rows`` rows (readable + unreadable), in file order."""
        if not self._decided:
            self._sniff()
        ready = self._ready
        while self._state != _DONE:
            if self._state == _TOP:
                self._statement()
            elif self._state == _VALUES:
                self._values_step()
            else:
                self._copy_step()
            while ready:
                yield ready.popleft()
        self._flush()
        while ready:
            yield ready.popleft()

    def _set_mode(self, *, pg: bool, bs: bool) -> None:
        self._pg, self._bs = pg, bs
        tup, val = tuple_patterns(bs, pg)
        self._tup, self._count_values = tup.match, val.findall
        self._unescapers = unescapers(bs, pg)

    def _sniff(self) -> None:
        self._ensure(8192)
        head = self._buf[:8192]
        if "PostgreSQL database dump" in head or "PRAGMA foreign_keys" in head:  # pg, SQLite
            self._set_mode(pg=True, bs=False)
            self._decided = True
        elif any(s in head for s in ("MySQL dump", "MariaDB dump", "/*!", "`")):
            self._decided = True

    # --- statements -------------------------------------------------------------------------
    def _statement(self) -> None:
        if not self._skip_ws(directives=False):
            self._state = _DONE
            return
        start = self._base + self._pos
        c = self._buf[self._pos]
        if c == ";" or self._at_delim():
            self._pos += 1 if c == ";" else len(self._delim)
            return
        if c == "\\":  # psql meta-command (\connect, \restrict): one line
            self.statements_skipped += 1
            self._skip_past("\n")
            return
        if c == "/":  # a /*!...*/ directive is a statement; MariaDB's sandbox line has no ';'
            self.statements_skipped += 1
            if not self._skip_comment():
                return self._skip_statement()
            if self._skip_ws(directives=False) and self._at_delim():
                self._pos += len(self._delim)
            return
        if c in "Ii" and self._insert_head():
            return
        k, t = self._token()
        w = t.upper() if k == "w" else ""
        if w in ("INSERT", "REPLACE"):
            return self._insert(start)
        if w == "COPY":
            return self._copy(start)
        self.statements_skipped += 1
        if w == "CREATE":
            return self._create(start)
        if w == "SET":
            return self._set()
        if w == "DELIMITER":
            self._ensure(256)
            m = _DELIM_LINE.match(self._buf, self._pos)
            if m:
                self._pos = m.end()
                if m.group(1):
                    self._set_delimiter(m.group(1))
            return
        self._skip_statement()

    def _bad_statement(self, start: int, reason: str) -> None:
        self.unreadable_statements.append((start, reason))
        self._skip_statement()

    def _create(self, start: int) -> None:
        k, t = self._token()
        while k == "w" and t.upper() in _CREATE_MODS:
            k, t = self._token()
        if not (k == "w" and t.upper() == "TABLE"):
            return self._skip_statement()
        k, t = self._token()
        if k == "w" and t.upper() == "IF":
            self._token()
            self._token()
            k, t = self._token()
        name = self._name(k, t)
        if name is None or self._token() != ("p", "("):
            return self._skip_statement()  # CREATE TABLE ... AS / LIKE / PARTITION OF
        cols = self._create_body()
        if cols is None:
            return self._bad_statement(start, "malformed CREATE TABLE")
        if cols:
            self._create_cols[name] = self._by_last[name.rsplit(".", 1)[-1]] = cols
        self._skip_statement()

    def _set(self) -> None:
        k, t = self._token()
        if k == "w" and t.upper() in ("SESSION", "LOCAL"):
            k, t = self._token()
        if k == "w" and t.lower() == "standard_conforming_strings":
            k, t = self._token()
            if (k, t) == ("p", "=") or (k == "w" and t.upper() == "TO"):
                v = self._token()[1].lower()
                if v in ("on", "off", "true", "false"):
                    self._set_mode(pg=True, bs=v in ("off", "false"))
                    self._decided = True
        self._skip_statement()

    def _insert(self, start: int) -> None:
        k, t = self._token()
        while k == "w" and t.upper() in _INSERT_MODS:
            k, t = self._token()
        if k == "w" and t.upper() == "INTO":
            k, t = self._token()
        name = self._name(k, t)
        if name is not None:
            k, t = self._token()
            cols = None
            if (k, t) == ("p", "("):
                cols = self._ident_list()
                k, t = self._token() if cols is not None else ("x", "")
            if k == "w" and t.upper() == "OVERRIDING":  # pg: OVERRIDING SYSTEM VALUE
                self._token()
                self._token()
                k, t = self._token()
            if k == "w" and t.upper() in ("VALUES", "VALUE"):
                self._open(name, cols)
                self._state, self._need_tuple = _VALUES, True
                return
        self._bad_statement(start, "unsupported INSERT form")

    def _insert_head(self) -> bool:
        m = _INSERT_HEAD.match(self._buf, self._pos)
        if m is None:
            return False
        head = self._heads.get(m.group())
        if head is None:
            if len(self._heads) > 256:
                self._heads.clear()

            def ids(text: str) -> list[str]:
                return [
                    a.replace('""', '"') or b.replace("``", "`") or c
                    for a, b, c in _ID_PART.findall(text)
                ]

            cols = ids(m.group(2)) if m.group(2) else None
            head = self._heads[m.group()] = (".".join(ids(m.group(1))), cols)
        self._pos = m.end()
        self._open(*head)
        self._state, self._need_tuple = _VALUES, True
        return True

    def _copy(self, start: int) -> None:
        if not self._decided:
            self._set_mode(pg=True, bs=False)
            self._decided = True
        k, t = self._token()
        name = self._name(k, t)
        cols = None
        if name is not None:
            k, t = self._token()
            if (k, t) == ("p", "("):
                cols = self._ident_list()
                k, t = self._token() if cols is not None else ("x", "")
        if name is None or k == "x":
            return self._bad_statement(start, "malformed COPY header")
        if not (k == "w" and t.upper() == "FROM" and self._token()[1].upper() == "STDIN"):
            self.statements_skipped += 1  # COPY ... TO stdout, FROM 'file': no data here
            return self._skip_statement()
        k, t = self._token()
        self._skip_statement()
        self._skip_past("\n")
        if k != "e":  # WITH (FORMAT csv), BINARY, ...: skip its data block
            self.unreadable_statements.append((start, "unsupported COPY format"))
            while self._ensure(3) or self._pos < len(self._buf):
                b, p = self._buf, self._pos
                if b.startswith("\\.", p) and (p + 2 >= len(b) or b[p + 2] in "\r\n"):
                    self._skip_past("\n")
                    return
                if not self._skip_past("\n"):
                    return
            return
        self._open(name, cols)
        self._state, self._copy_at = _COPY, start

    # --- rows -------------------------------------------------------------------------------
    def _open(self, table: str, cols: list[str] | None) -> None:
        """Make the current chunk (table, columns); a change of either starts a new chunk."""
        if cols is None:
            cols = (
                self._create_cols.get(table)
                or self._by_last.get(table.rsplit(".", 1)[-1])
                or self._positional.get(table)
            )
        ch = self._chunk
        if ch.table == table and cols is not None and ch.columns == cols:
            return
        self._flush()
        self._chunk = SqlTableChunk(table, list(cols or ()), [], 0, [])
        self._start = self._counts.get(table, 0)
        self._ncols = -1 if cols is None else len(cols)

    def _flush(self) -> None:
        ch = self._chunk
        n = len(ch.rows) + len(ch.unreadable)
        if n == 0:
            return
        ch.first_row = self._start
        self._ready.append(ch)
        self._start += n
        self._counts[ch.table] = self._start
        self._chunk = SqlTableChunk(ch.table, list(ch.columns), [], 0, [])

    def _bad(self, reason: str) -> None:
        ch = self._chunk
        ch.unreadable.append((self._start + len(ch.rows) + len(ch.unreadable), reason))
        if len(ch.rows) + len(ch.unreadable) >= self._batch:
            self._flush()

    def _emit(self, vals: Values, noun: str) -> None:
        if self._ncols < 0:
            self._ncols = len(vals)
            self._chunk.columns = self._positional[self._chunk.table] = [
                str(i) for i in range(len(vals))
            ]
        if len(vals) != self._ncols:
            return self._bad(f"expected {self._ncols} {noun}, got {len(vals)}")
        ch = self._chunk
        ch.rows.append(vals)
        if len(ch.rows) + len(ch.unreadable) >= self._batch:
            self._flush()

    # --- INSERT ... VALUES ------------------------------------------------------------------
    def _values_step(self) -> None:
        if self._ncols >= 0:
            self._values_fast()
            if self._state != _VALUES:
                return
        if not self._skip_ws():
            self._state = _TOP
            return
        p = self._pos
        c = self._buf[p]
        if c == "(":
            if self._slow_tuple():
                self._need_tuple = False
            else:
                self._state = _TOP
        elif c == ",":
            self._pos = p + 1
            if self._need_tuple:
                self._bad("garbage between tuples")
            self._need_tuple = True
        elif c == ";" or self._at_delim():
            self._pos += 1 if c == ";" else len(self._delim)
            self._state = _TOP
        elif not self._need_tuple and self._at_tail():
            self._skip_statement()  # [AS alias] ON DUPLICATE KEY UPDATE / ON CONFLICT / RETURNING
            self._state = _TOP
        else:
            self._skip_garbage()

    def _at_tail(self) -> bool:
        self._ensure(10)
        return _TAIL.match(self._buf, self._pos) is not None

    def _values_fast(self) -> None:
        """Parse whole tuples lying inside the buffer: one regex match each."""
        buf, pos, ncols, limit = self._buf, self._pos, self._ncols, self._fast_limit
        row = row_pattern(ncols, self._bs, self._pg).match if ncols <= _MAX_ROW_REGEX else None
        tup, (fs, fd), nulls = self._tup, self._unescapers, NULLS
        ch = self._chunk
        rows, unr = ch.rows, ch.unreadable
        room = self._batch - len(rows) - len(unr)
        while True:
            m = row(buf, pos) if row is not None else None
            if m is not None and m.end() - pos <= limit:
                it = iter(m.groups())  # (sq body, dq body, bare) per value
                rows.append(
                    [
                        (None if w in nulls else w)
                        if w is not None
                        else (fd(d) if d is not None else (fs(s) if "\\" in s or "''" in s else s))
                        for s, d, w in zip(it, it, it, strict=False)
                    ]
                )
            else:  # another width (damaged), or something for the slow path
                m = tup(buf, pos)
                if m is None or m.end() - pos > limit:
                    break
                a, b = buf.find("(", pos) + 1, buf.rfind(")", pos, m.end())
                n = len(self._count_values(buf, a, b))
                if n == ncols:
                    break  # too wide for a row pattern: let the slow path read it
                unr.append(
                    (self._start + len(rows) + len(unr), f"expected {ncols} values, got {n}")
                )
            pos = m.end()
            self._need_tuple = buf[pos - 1] == ","
            room -= 1
            if room == 0:
                self._flush()
                ch = self._chunk
                rows, unr, room = ch.rows, ch.unreadable, self._batch
            if not self._need_tuple:
                if buf.startswith(";", pos) and self._delim == ";":
                    pos += 1
                    self._state = _TOP
                break
        self._pos = pos

    def _slow_tuple(self) -> bool:
        """Stream one tuple at pos; False if the statement ended inside it."""
        self._pos += 1
        vals: Values = []
        total = 0
        reason: str | None = None
        first = True
        while True:
            parts, term, size, err = self._slow_value(min(self._max_field, self._max_row - total))
            total += size
            if err is not None:
                reason = err
            elif reason is None:
                if size > self._max_field:
                    reason = "field too long"
                elif total > self._max_row or parts is None:
                    reason = "row too long"
                else:
                    ok, v = self._classify(parts)
                    if ok:
                        vals.append(v)
                    else:
                        reason = "empty tuple" if first and term == ")" else "empty value"
            first = False
            if term == ",":
                continue
            if term == ")":
                break
            self._bad(err or "unterminated tuple")
            return False
        if reason is None:
            self._emit(vals, "values")
        else:
            self._bad(reason)
        return True

    def _skip_garbage(self) -> None:
        """Damaged text between tuples counts as one unreadable row; resume at '(' or ';'."""
        self._bad("garbage between tuples")
        self._need_tuple = True
        while True:
            if self._pos >= len(self._buf) and not self._fill():
                self._state = _TOP
                return
            buf, p = self._buf, self._pos
            c = buf[p]
            if c == "(":
                return
            if c == ";":
                self._pos = p + 1
                self._state = _TOP
                return
            if c in "'\"":
                self._pos = p + 1
                if not self._read_quoted(c, self._quote_bs(c, p), -1)[1]:
                    self._state = _TOP
                    return
                continue
            m = _GARBAGE.search(buf, p + 1)
            self._pos = m.start() if m else len(buf)

    # --- COPY ... FROM stdin ----------------------------------------------------------------
    def _copy_step(self) -> None:
        if self._ncols >= 0 and self._copy_fast():
            return
        if self._pos >= len(self._buf) and not self._fill():
            self.unreadable_statements.append((self._copy_at, "COPY data not terminated"))
            self._state = _TOP
            return
        fields, reason, complete = self._slow_line(self._max_field, self._max_row)
        if reason is None and fields[-1].endswith("\r"):
            fields[-1] = fields[-1][:-1]
        if reason is None and fields == ["\\."]:
            self._state = _TOP
        elif reason is not None or not complete:
            self._bad(reason or "line truncated at end of file")
        else:
            self._emit([copy_field(f) for f in fields], "fields")

    def _copy_fast(self) -> bool:
        """Parse the complete lines in the buffer as one block; True at the ``\\.`` line."""
        buf, pos, limit = self._buf, self._pos, self._fast_limit
        last = buf.rfind("\n", pos)
        if last < 0:
            return False
        block = buf[pos:last]
        lines = block.split("\n")
        stop = len(lines)
        if last - pos > limit:  # over-long lines go to the streaming path
            stop = next((i for i, ln in enumerate(lines) if len(ln) > limit), stop)
        if "\r" in block:
            lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
        ended = False
        if "\\." in block and "\\." in lines[:stop]:
            stop, ended = lines.index("\\."), True
        if stop == len(lines):
            self._pos = last + 1
        else:
            p = pos
            for _ in range(stop + ended):
                p = buf.find("\n", p) + 1
            self._pos = p
        field = copy_field
        self._add_rows(
            [
                [field(f) if "\\" in f else f for f in ln.split("\t")]
                if "\\" in ln
                else ln.split("\t")
                for ln in lines[:stop]
            ],
            "fields",
        )
        if ended:
            self._state = _TOP
        return ended

    def _add_rows(self, batch: list[Any], noun: str) -> None:
        ncols, i = self._ncols, 0
        while i < len(batch):
            ch = self._chunk
            part = batch[i : i + self._batch - len(ch.rows) - len(ch.unreadable)]
            if set(map(len, part)) == {ncols}:
                ch.rows.extend(part)
                if len(ch.rows) + len(ch.unreadable) >= self._batch:
                    self._flush()
            else:
                for v in part:
                    self._emit(v, noun)
            i += len(part)
