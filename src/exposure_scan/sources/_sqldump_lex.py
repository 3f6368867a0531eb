"""Chunked lexing layer of :mod:`exposure_scan.sources.sqldump` (split out to keep modules small).

A text buffer refilled in fixed chunks (never the whole file) with a few characters of
look-behind; quoted-string reading that carries state across chunk borders and drops the pieces
of an over-long string as soon as it is known to be too long; header tokens; statement skipping
(quotes, comments, ``$$`` bodies, custom DELIMITERs); the MySQL and PostgreSQL unescape rules;
and the streaming slow paths for one value or one COPY line."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TextIO

Values = list[str | None]

NULLS = frozenset(
    "".join(c.upper() if m >> i & 1 else c for i, c in enumerate("null")) for m in range(16)
)
WS = re.compile(r"\s*")
_WORD = re.compile(r"[\w$]*")
_DOLLAR = re.compile(r"\$(?:[^\W\d]\w*)?\$")
# A quoted body up to its closing quote (or the buffer end), escapes and doubled quotes included.
_RUNS = {
    ("'", True): re.compile(r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+", re.S),
    ("'", False): re.compile(r"[^']*+(?:''[^']*+)*+"),
    ('"', True): re.compile(r'[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+', re.S),
    ('"', False): re.compile(r'[^"]*+(?:""[^"]*+)*+'),
    ("`", False): re.compile(r"[^`]*+(?:``[^`]*+)*+"),
}
NAME_LIMIT = 1 << 16
_BARE = re.compile(r"[^'\"(),;]+")
_TAB_NL = re.compile(r"[\t\n]")
_INTRO = re.compile(r"_[A-Za-z0-9]+|[Nn]")
_CAST = re.compile(r"::\s*[\w ]+")
_CONSTRAINTS = frozenset(
    {"PRIMARY", "KEY", "UNIQUE", "CONSTRAINT", "INDEX", "FOREIGN", "CHECK", "FULLTEXT", "SPATIAL"}
    | {"EXCLUDE", "LIKE", "PERIOD"}
)
_LOOKBEHIND = 8  # chars kept before pos on refill (E'...' detection looks two back)

# --- unescaping -----------------------------------------------------------------------------
_MY_MAP = {
    "0": "\0",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "Z": "\x1a",
    "%": "\\%",
    "_": "\\_",
}
_PG_MAP = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_MY_ESC = {"'": re.compile(r"\\(.)|''", re.S), '"': re.compile(r'\\(.)|""', re.S)}
_BYTES = r"((?:\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}))+)"
_PG_E = re.compile(_BYTES + r"|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(.)|''", re.S)
_COPY_ESC = re.compile(_BYTES + r"|\\(.)", re.S)
_BYTE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2}))")


def _my_repl(m: re.Match[str]) -> str:
    c = m.group(1)
    return m.group()[0] if c is None else _MY_MAP.get(c, c)


def my_unesc(q: str, s: str) -> str:
    """MySQL string body: backslash escapes and doubled quotes."""
    return _my_sq(s) if q == "'" else _my_dq(s)


def _my_sq(s: str) -> str:
    if "\\" not in s:
        return s.replace("''", "'")
    if "\\\\" not in s and "''" not in s:  # no escape can overlap another: plain replace
        t = s.replace("\\'", "'")
        if "\\" not in t:
            return t
    return _MY_ESC["'"].sub(_my_repl, s)


def _my_dq(s: str) -> str:
    if "\\" not in s:
        return s.replace('""', '"')
    return _MY_ESC['"'].sub(_my_repl, s)


def unescapers(bs: bool, pg: bool) -> tuple[Callable[[str], str], Callable[[str], str]]:
    """(single-quoted, double-quoted) body unescapers of one quoting mode."""
    if not pg:
        return _my_sq, _my_dq
    return (pg_e_unesc if bs else _undouble_sq), _undouble_dq


def _undouble_sq(s: str) -> str:
    return s.replace("''", "'")


def _undouble_dq(s: str) -> str:
    return s.replace('""', '"')


def _bytes_run(run: str) -> str:
    """Octal/hex escapes are bytes of the server encoding: decode a run of them as UTF-8."""
    data = bytes(int(o, 8) & 0xFF if o else int(h, 16) for o, h in _BYTE.findall(run))
    return data.decode("utf-8", "replace")


def _pg_repl(m: re.Match[str]) -> str:
    if m.group(1):
        return _bytes_run(m.group(1))
    u = m.group(2) or m.group(3)
    if u:
        cp = int(u, 16)
        return chr(cp) if cp <= 0x10FFFF else "\ufffd"
    c = m.group(4)
    return "'" if c is None else _PG_MAP.get(c, c)


def pg_e_unesc(s: str) -> str:
    """PostgreSQL E'...' body (also plain strings with standard_conforming_strings off)."""
    return _PG_E.sub(_pg_repl, s) if "\\" in s or "''" in s else s


def _copy_repl(m: re.Match[str]) -> str:
    if m.group(1):
        return _bytes_run(m.group(1))
    c = m.group(2)
    return _PG_MAP.get(c, c)


def copy_field(f: str) -> str | None:
    """One field of COPY text format: ``\\N`` is NULL, backslash escapes otherwise."""
    if f == "\\N":
        return None
    return _COPY_ESC.sub(_copy_repl, f) if "\\" in f else f


# --- fast-path patterns ---------------------------------------------------------------------
def _alt(bs: bool, pg: bool, cap: str) -> str:
    """One value: [intro]'string' | "string" | bare token; ``cap`` opens the three groups."""
    sq = r"[^'\\]*+(?:(?:\\.|'')[^'\\]*+)*+" if bs else r"[^']*+(?:''[^']*+)*+"
    dq = r'[^"]*+(?:""[^"]*+)*+' if pg else r'[^"\\]*+(?:(?:\\.|"")[^"\\]*+)*+'
    return rf"(?:_[A-Za-z0-9]+\s*|[Nn])?'{cap}{sq})'|\"{cap}{dq})\"|{cap}[^\s'\"(),;]++)"


@functools.lru_cache(maxsize=16)
def tuple_patterns(bs: bool, pg: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(tuple of any width with its surrounding whitespace and trailing comma, per-value
    extractor used to count the values of a tuple of the wrong width)."""
    v = r"\s*(?:" + _alt(bs, pg, "(?:") + r")\s*"
    return re.compile(rf"\s*\({v}(?:,{v})*+\)\s*,?", re.S), re.compile(_alt(bs, pg, "("), re.S)


@functools.lru_cache(maxsize=64)
def row_pattern(n: int, bs: bool, pg: bool) -> re.Pattern[str]:
    """A tuple of exactly ``n`` values, three groups (sq body, dq body, bare) per value.

    Like :func:`tuple_patterns` it takes the whitespace around and the comma after the tuple.
    """
    v = r"\s*(?:" + _alt(bs, pg, "(") + r")\s*"
    return re.compile(r"\s*\(" + ",".join([v] * n) + r"\)\s*,?", re.S)


class SqlLexer:
    """A chunk-refilled text buffer with the token-level readers the parser needs."""

    def __init__(self, stream: TextIO, chunk_size: int) -> None:
        self._stream = stream
        self._chunk_size = chunk_size
        self._buf = ""
        self._pos = 0
        self._base = 0  # stream offset of _buf[0]
        self._eof = False
        self._pg = False  # PostgreSQL rules: E'' strings, "" never escapes, $$ bodies
        self._bs = True  # backslashes escape inside '...'
        self._delim = ";"
        self._sig = re.compile(r"[;'\"`$/\-]")

    def _set_delimiter(self, d: str) -> None:
        self._delim = d
        self._sig = re.compile("[;'\"`$/\\-" + re.escape(d[0]) + "]")

    def _unesc(self, q: str, body: str, e: bool) -> str:
        if not self._pg:
            return my_unesc(q, body)
        return pg_e_unesc(body) if q == "'" and (e or self._bs) else body.replace(q + q, q)

    def _quote_bs(self, q: str, p: int) -> bool:
        """Do backslashes escape in the string whose opening quote is at ``p``?"""
        if q != "'":
            return q == '"' and not self._pg
        if self._bs:
            return True
        b = self._buf  # pg E'...' strings
        return p > 0 and b[p - 1] in "Ee" and (p < 2 or not (b[p - 2].isalnum() or b[p - 2] == "_"))

    # --- buffer -----------------------------------------------------------------------------
    def _fill(self) -> bool:
        if self._eof:
            return False
        data = self._stream.read(self._chunk_size)
        if not data:
            self._eof = True
            return False
        cut = self._pos - _LOOKBEHIND
        if cut > 0:
            self._buf = self._buf[cut:] + data
            self._base += cut
            self._pos -= cut
        else:
            self._buf += data
        return True

    def _ensure(self, n: int) -> bool:
        while len(self._buf) - self._pos < n:
            if not self._fill():
                return False
        return True

    def _skip_past(self, s: str) -> bool:
        while True:
            i = self._buf.find(s, self._pos)
            if i >= 0:
                self._pos = i + len(s)
                return True
            self._pos = max(self._pos, len(self._buf) - len(s) + 1)
            if not self._fill():
                self._pos = len(self._buf)
                return False

    def _skip_comment(self, directives: bool = True) -> bool:
        self._ensure(4)
        b, p = self._buf, self._pos
        if b.startswith("/*", p):
            if not directives and (b.startswith("/*!", p) or b.startswith("/*M!", p)):
                return False
            self._pos = p + 2
            self._skip_past("*/")
            return True
        if b.startswith("--", p) and (p + 2 >= len(b) or b[p + 2].isspace()):
            self._skip_past("\n")
            return True
        return False

    def _skip_ws(self, directives: bool = True) -> bool:
        """Skip whitespace and comments (``/*!`` ones too unless ``directives`` is False)."""
        while True:
            self._pos = WS.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos >= len(self._buf):
                if not self._fill():
                    return False
                continue
            c = self._buf[self._pos]
            if not ((c == "-" or c == "/") and self._skip_comment(directives)):
                return True

    def _at_delim(self) -> bool:
        d = self._delim
        if self._buf[self._pos] != d[0]:
            return False
        return len(d) == 1 or (self._ensure(len(d)) and self._buf.startswith(d, self._pos))

    def _read_quoted(self, q: str, bs: bool, limit: int) -> tuple[str | None, bool, int]:
        """Read a quoted body (pos just after the opening quote), escapes kept raw.

        Returns (body, closed, raw length); body is None when longer than ``limit`` (pieces
        are dropped as soon as that is known, so an endless string costs no memory).
        """
        run = _RUNS[q, bs]
        parts: list[str] = []
        n = 0
        keep = limit >= 0
        while True:
            buf, p = self._buf, self._pos
            j = run.match(buf, p).end()  # type: ignore[union-attr]
            if j > p:
                n += j - p
                if keep and n > limit:
                    keep = False
                    parts.clear()
                if keep:
                    parts.append(buf[p:j])
                self._pos = j
            if j >= len(buf):
                if not self._fill():
                    return ("".join(parts) if keep else None), False, n
                continue
            if not self._ensure(2):  # one last char: a quote closes, a backslash dangles
                self._pos += 1
                return ("".join(parts) if keep else None), self._buf[-1] == q, n
            buf, p = self._buf, self._pos
            if buf[p] == q and buf[p + 1] != q:
                self._pos = p + 1
                return ("".join(parts) if keep else None), True, n
            n += 2
            if keep and n > limit:
                keep = False
                parts.clear()
            if keep:
                parts.append(buf[p : p + 2])
            self._pos = p + 2

    # --- tokens and statements --------------------------------------------------------------
    def _token(self) -> tuple[str, str]:
        """Next header token: kind "" (EOF), "e" (statement end, not consumed), "i" quoted
        identifier, "w" word, "s" string, "p" punctuation, "x" unreadable."""
        if not self._skip_ws():
            return "", ""
        p = self._pos
        c = self._buf[p]
        if self._at_delim():
            return "e", ""
        if c in "`\"'":
            bs = self._quote_bs(c, p)
            self._pos = p + 1
            body, closed, _ = self._read_quoted(c, bs, NAME_LIMIT)
            if c == "'" and closed:  # a long COMMENT '...' is no reason to give up
                return "s", body or ""
            if body is None or not closed:
                return "x", ""
            return "i", body.replace(c + c, c)
        if _WORD.match(self._buf, p).end() == p:  # type: ignore[union-attr]
            self._pos = p + 1
            return "p", c
        parts: list[str] = []
        n = 0
        while True:
            e = _WORD.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            n += e - self._pos
            if n <= NAME_LIMIT:
                parts.append(self._buf[self._pos : e])
            self._pos = e
            if e < len(self._buf) or not self._fill():
                break
        return ("w", "".join(parts)) if n <= NAME_LIMIT else ("x", "")

    def _name(self, k: str, t: str) -> str | None:
        """A possibly qualified name starting with token (k, t), quoting removed."""
        if k not in ("i", "w"):
            return None
        parts = [t]
        while self._skip_ws() and self._buf[self._pos] == ".":
            self._pos += 1
            k, t = self._token()
            if k not in ("i", "w"):
                return None
            parts.append(t)
        return ".".join(parts)

    def _ident_list(self) -> list[str] | None:
        """``a, b, c)`` after an opening parenthesis."""
        names: list[str] = []
        while True:
            k, t = self._token()
            if k not in ("i", "w"):
                return None
            names.append(t)
            k, t = self._token()
            if (k, t) == ("p", ")"):
                return names
            if (k, t) != ("p", ","):
                return None

    def _skip_statement(self) -> None:
        """Skip to just after the statement delimiter, honouring quotes, comments, $$ bodies."""
        while True:
            m = self._sig.search(self._buf, self._pos)
            if m is None:
                self._pos = len(self._buf)
                if not self._fill():
                    return
                continue
            p = self._pos = m.start()
            c = self._buf[p]
            if self._at_delim():
                self._pos += len(self._delim)
                return
            if c in "'\"`":
                bs = self._quote_bs(c, p)
                self._pos = p + 1
                if not self._read_quoted(c, bs, -1)[1]:
                    return
            elif c == "$" and self._pg:
                self._ensure(66)
                b, p = self._buf, self._pos
                d = _DOLLAR.match(b, p)
                if d and not (p > 0 and (b[p - 1].isalnum() or b[p - 1] == "_")):
                    self._pos = d.end()
                    self._skip_past(d.group())
                else:
                    self._pos += 1
            elif not (c in "-/" and self._skip_comment()):
                self._pos += 1

    # --- streaming slow paths -------------------------------------------------------------
    def _create_body(self) -> list[str] | None:
        """Column names of a CREATE TABLE body; constraint lines are skipped."""
        cols: list[str] = []
        while True:
            k, t = self._token()
            if k in ("", "e", "x"):
                return None
            if (k, t) == ("p", ")"):
                return cols
            if k == "i" or (k == "w" and t.upper() not in _CONSTRAINTS):
                cols.append(t)
            if (k, t) == ("p", ","):
                continue
            depth = 1 if (k, t) == ("p", "(") else 0
            while True:
                k, t = self._token()
                if k in ("", "e", "x"):
                    return None
                if k != "p":
                    continue
                if t == "(":
                    depth += 1
                elif t == ")":
                    if depth == 0:
                        return cols
                    depth -= 1
                elif t == "," and depth == 0:
                    break

    def _slow_value(self, budget: int) -> tuple[list[tuple[str, str]] | None, str, int, str | None]:
        """One value up to a top-level ',' or ')': (parts or None if over budget, terminator
        ("," ")" ";" or "" at EOF), raw size, error)."""
        parts: list[tuple[str, str]] | None = []
        size = depth = 0
        while True:
            if self._pos >= len(self._buf) and not self._fill():
                return parts, "", size, None
            buf, p = self._buf, self._pos
            c = buf[p]
            if c == "'" or c == '"':
                bs = self._quote_bs(c, p)
                self._pos = p + 1
                body, closed, n = self._read_quoted(
                    c, bs, budget - size - 2 if parts is not None else -1
                )
                if not closed:
                    return parts, "", size + n + 1, "unterminated string"
                size += n + 2
                if parts is not None and body is not None and size <= budget:
                    parts.append((c, body))
                else:
                    parts = None
                continue
            self._pos = p + 1
            if c == ")" and depth == 0:
                return parts, ")", size, None
            if c == "," and depth == 0:
                return parts, ",", size, None
            if c == ";":
                return parts, ";", size, None
            if c in "(),":
                depth += 1 if c == "(" else -1 if c == ")" else 0
                text = c
            else:
                e = _BARE.match(buf, p).end()  # type: ignore[union-attr]
                text, self._pos = buf[p:e], e
            size += len(text)
            if parts is not None and size <= budget:
                parts.append(("", text))
            else:
                parts = None

    def _classify(self, parts: list[tuple[str, str]]) -> tuple[bool, str | None]:
        """A value's text: one string (with intro/E prefix or ::cast) is unescaped; NULL is
        None; anything else (numbers, 0x.., X'..', expressions) is its literal text."""
        segs: list[tuple[str, str]] = []
        bare: list[str] = []
        for q, t in parts:
            if not q:
                bare.append(t)
                continue
            if bare:
                segs.append(("", "".join(bare)))
                bare = []
            segs.append((q, t))
        if bare:
            segs.append(("", "".join(bare)))
        quoted = [i for i, (q, _) in enumerate(segs) if q]
        if not quoted:
            text = segs[0][1].strip() if segs else ""
            return bool(text), (None if text in NULLS else text)
        if len(quoted) == 1:
            i = quoted[0]
            q, body = segs[i]
            pre = segs[0][1].strip() if i == 1 else ""
            post = segs[i + 1][1].strip() if i + 1 < len(segs) else ""
            if not post or _CAST.fullmatch(post):
                if not pre or _INTRO.fullmatch(pre):
                    return True, self._unesc(q, body, False)
                if pre in ("E", "e") and q == "'" and self._pg:
                    return True, self._unesc(q, body, True)
        return True, "".join(q + t + q if q else t for q, t in segs).strip()

    def _slow_line(self, max_field: int, max_row: int) -> tuple[list[str], str | None, bool]:
        """Stream one COPY line: (fields, reason if too long, ended by a newline)."""
        fields: list[str] = []
        cur: list[str] = []
        n = total = 0
        reason: str | None = None
        while True:
            if self._pos >= len(self._buf) and not self._fill():
                fields.append("".join(cur))
                return fields, reason, False
            buf, p = self._buf, self._pos
            m = _TAB_NL.search(buf, p)
            e = m.start() if m else len(buf)
            n += e - p
            total += e - p
            if reason is None and n > max_field:
                reason = "field too long"
            elif reason is None and total > max_row:
                reason = "row too long"
            if reason is None:
                cur.append(buf[p:e])
            self._pos = e
            if m:
                self._pos = e + 1
                fields.append("".join(cur))
                cur, n = [], 0
                if buf[e] == "\n":
                    return fields, reason, True
