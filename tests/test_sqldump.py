"""SqlDumpParser: mysqldump and pg_dump constructs, chunk borders, damage, round trips."""

from __future__ import annotations

import io
import random
import signal
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure_scan.sources.sqldump import SqlDumpParser, SqlTableChunk

CHUNK_SIZES = (1, 7, 1 << 20)
Table = tuple[str, list[str], list[list[str | None]]]


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Turn a hang into a failure (SIGALRM: Linux, main thread)."""

    def boom(signum: int, frame: Any) -> None:
        raise TimeoutError("parser hung")

    old = signal.signal(signal.SIGALRM, boom)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run(text: str, chunk_size: int = 1 << 20, **kw: Any) -> tuple[list[SqlTableChunk], Any]:
    p = SqlDumpParser(io.StringIO(text), chunk_size=chunk_size, **kw)
    with time_limit(20):
        chunks = list(p.tables())
    return chunks, p


def snapshot(text: str, chunk_size: int, **kw: Any) -> tuple[Any, ...]:
    chunks, p = run(text, chunk_size, **kw)
    raw = [(c.table, c.columns, c.rows, c.first_row, c.unreadable) for c in chunks]
    return raw, p.statements_skipped, p.unreadable_statements


def parse(text: str, **kw: Any) -> tuple[list[SqlTableChunk], Any]:
    """Parse at every chunk size, insist on identical output, return the big-chunk result."""
    shots = {cs: snapshot(text, cs, **kw) for cs in CHUNK_SIZES}
    first = shots[CHUNK_SIZES[-1]]
    for cs, shot in shots.items():
        assert shot == first, f"chunk_size={cs} differs"
    return run(text, **kw)


def merged(chunks: list[SqlTableChunk]) -> list[Table]:
    """Consecutive chunks of one (table, columns) joined: what the dump says, not how it was cut."""
    out: list[Table] = []
    for c in chunks:
        if out and out[-1][0] == c.table and out[-1][1] == c.columns:
            out[-1][2].extend(c.rows)
        else:
            out.append((c.table, c.columns, list(c.rows)))
    return out


def check_coverage(chunks: list[SqlTableChunk]) -> dict[str, int]:
    """Every row index of every table is yielded or unreadable, exactly once."""
    seen: dict[str, list[int]] = defaultdict(list)
    for c in chunks:
        idx = [r.index for r in c.iter_rows()] + [i for i, _ in c.unreadable]
        span = len(c.rows) + len(c.unreadable)
        assert sorted(idx) == list(range(c.first_row, c.first_row + span))
        seen[c.table].extend(idx)
    for idx in seen.values():
        assert sorted(idx) == list(range(len(idx)))
    return {t: len(i) for t, i in seen.items()}


MYSQL_HEAD = """-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)
--
-- Host: localhost    Database: shop
-- ------------------------------------------------------
-- Server version\t8.0.36

/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!50503 SET NAMES utf8mb4 */;
/*!40103 SET TIME_ZONE='+00:00' */;
SET @@SESSION.SQL_LOG_BIN= 0;

--
-- Table structure for table `users`
--

DROP TABLE IF EXISTS `users`;
/*!40101 SET @saved_cs_client     = @@character_set_client */;
CREATE TABLE `users` (
  `id` int NOT NULL AUTO_INCREMENT,
  `email` varchar(255) DEFAULT NULL COMMENT 'login, (unique)',
  `key` varchar(10) DEFAULT 'a;b',
  PRIMARY KEY (`id`),
  UNIQUE KEY `email` (`email`),
  KEY `k` (`key`(5)),
  CONSTRAINT `fk` FOREIGN KEY (`id`) REFERENCES `x` (`id`),
  FULLTEXT KEY `ft` (`email`)
) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4;
/*!40101 SET character_set_client = @saved_cs_client */;

LOCK TABLES `users` WRITE;
/*!40000 ALTER TABLE `users` DISABLE KEYS */;
"""
MYSQL_FOOT = """/*!40000 ALTER TABLE `users` ENABLE KEYS */;
UNLOCK TABLES;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;

-- Dump completed on 2024-03-01 12:00:00
"""
USERS = ["id", "email", "key"]

# (id, INSERT statements between MYSQL_HEAD and MYSQL_FOOT, expected tables)
MYSQL_CASES: list[tuple[str, str, list[Table]]] = [
    (
        "basic",
        "INSERT INTO `users` VALUES (1,'a@example.com','k1'),(2,'b@example.com',NULL);\n",
        [("users", USERS, [["1", "a@example.com", "k1"], ["2", "b@example.com", None]])],
    ),
    (
        "backslash escapes",
        r"INSERT INTO `users` VALUES (1,'O\'Neil \"q\" \\ \n\r\t\0\Z \q \% \_','x');" + "\n",
        [("users", USERS, [["1", 'O\'Neil "q" \\ \n\r\t\0\x1a q \\% \\_', "x"]])],
    ),
    (
        "doubled quotes and double-quoted strings",
        'INSERT INTO `users` VALUES (1,\'c\'\'d\',"say ""hi"" \\"x\\"");\n',
        [("users", USERS, [["1", "c'd", 'say "hi" "x"']])],
    ),
    (
        "NULL in any case is None, quoted NULL is text",
        "INSERT INTO `users` VALUES (1,null,'NULL'),(2,Null,'null');\n",
        [("users", USERS, [["1", None, "NULL"], ["2", None, "null"]])],
    ),
    (
        "numbers and binary literals keep their text",
        "INSERT INTO `users` VALUES (-1.5e3,0x41,X'4142'),(2,b'0101',_binary 'a\\0b'),"
        "(3,_utf8mb4'\u00e9',N'n');\n",
        [
            (
                "users",
                USERS,
                [["-1.5e3", "0x41", "X'4142'"], ["2", "b'0101'", "a\0b"], ["3", "\u00e9", "n"]],
            )
        ],
    ),
    (
        "column list, IGNORE, REPLACE, modifiers",
        "INSERT INTO `users` (`email`,`id`) VALUES ('e1',1);\n"
        "INSERT IGNORE INTO `users` (email, id) VALUES ('e2',2);\n"
        "REPLACE INTO `users` (`email`,`id`) VALUES ('e3',3);\n"
        "INSERT LOW_PRIORITY IGNORE INTO users(email,id) VALUE ('e4',4);\n",
        [("users", ["email", "id"], [["e1", "1"], ["e2", "2"], ["e3", "3"], ["e4", "4"]])],
    ),
    (
        "schema-qualified table, positional columns",
        "INSERT INTO `shop`.`orders` VALUES (1,'x'),(2,'y');\n",
        [("shop.orders", ["0", "1"], [["1", "x"], ["2", "y"]])],
    ),
    (
        "qualified insert finds the unqualified CREATE TABLE",
        "INSERT INTO `shop`.`users` VALUES (5,'e','k');\n",
        [("shop.users", USERS, [["5", "e", "k"]])],
    ),
    (
        "comments between and inside statements",
        "-- a comment with 'quote and (paren\n/* block ; 'x */\n"
        "INSERT /* c */ INTO `users` VALUES (1,'-- not a comment','/* nor this */')"
        " /* trailing */ ;\n",
        [("users", USERS, [["1", "-- not a comment", "/* nor this */"]])],
    ),
    (
        "ON DUPLICATE KEY UPDATE, expressions, whitespace and newlines",
        "INSERT INTO `users` VALUES\n  (1, NOW(), DEFAULT),\n  ( 2 , CONCAT('a', 'b') , 'z' )\n"
        "ON DUPLICATE KEY UPDATE email=VALUES(email);\n",
        [("users", USERS, [["1", "NOW()", "DEFAULT"], ["2", "CONCAT('a', 'b')", "z"]])],
    ),
    (
        "statements inside strings and raw newlines are data",
        "INSERT INTO `users` VALUES (1,'INSERT INTO `users` VALUES (9,''x'',''y'');','a\nb');\n",
        [("users", USERS, [["1", "INSERT INTO `users` VALUES (9,'x','y');", "a\nb"]])],
    ),
    (
        "MariaDB sandbox line has no semicolon; MySQL 8 row alias",
        "/*M!999999\\- enable the sandbox mode */\nINSERT INTO `users` VALUES (1,'a','b') AS new"
        " ON DUPLICATE KEY UPDATE email=new.email;\n",
        [("users", USERS, [["1", "a", "b"]])],
    ),
    (
        "unicode values",
        "INSERT INTO `users` VALUES (1,'Zo\u00eb \u65e5\u672c\u8a9e','\U0001f600\u200b');\n",
        [("users", USERS, [["1", "Zo\u00eb \u65e5\u672c\u8a9e", "\U0001f600\u200b"]])],
    ),
    (
        "DELIMITER blocks: trigger bodies are not rows",
        "DELIMITER ;;\n/*!50003 CREATE*/ /*!50003 TRIGGER t AFTER INSERT ON users FOR EACH ROW "
        "BEGIN INSERT INTO audit VALUES (NEW.id); END */;;\n"
        "CREATE TRIGGER t2 BEFORE UPDATE ON users FOR EACH ROW BEGIN\n"
        "  INSERT INTO audit VALUES (1); SET @x = 1;\nEND ;;\nDELIMITER ;\n"
        "INSERT INTO `users` VALUES (1,'a','b');\n",
        [("users", USERS, [["1", "a", "b"]])],
    ),
]


@pytest.mark.parametrize(
    ("sql", "expected"), [c[1:] for c in MYSQL_CASES], ids=[c[0] for c in MYSQL_CASES]
)
def test_mysqldump_constructs(sql: str, expected: list[Table]) -> None:
    chunks, p = parse(MYSQL_HEAD + sql + MYSQL_FOOT)
    assert merged(chunks) == expected
    assert all(not c.unreadable for c in chunks)
    assert p.unreadable_statements == []
    check_coverage(chunks)


def test_mysqldump_skipped_statements_are_counted() -> None:
    chunks, p = parse(MYSQL_HEAD + MYSQL_FOOT)
    assert chunks == []
    # 4 SET-ish, DROP, 2 saved_cs SET, CREATE, LOCK, 2 ALTER, UNLOCK, 1 SET
    assert p.statements_skipped == 13


PG_HEAD = """--
-- PostgreSQL database dump
--

-- Dumped from database version 16.2
-- Dumped by pg_dump version 16.2

SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;

CREATE FUNCTION public.audit() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$ BEGIN INSERT INTO public.log VALUES ($1, 'x;'); RETURN NEW; END; $_$;

SET default_tablespace = '';

CREATE TABLE public.customers (
    id integer NOT NULL,
    email text,
    "Full Name" character varying(100),
    CONSTRAINT positive CHECK ((id > 0))
);

ALTER TABLE public.customers OWNER TO app;

CREATE TABLE "Sales"."Order Lines" (
    "ID" bigint,
    note text
);

"""
PG_FOOT = """
ALTER TABLE ONLY public.customers
    ADD CONSTRAINT customers_pkey PRIMARY KEY (id);

--
-- PostgreSQL database dump complete
--
"""
CUST = ["id", "email", "Full Name"]

PG_CASES: list[tuple[str, str, list[Table]]] = [
    (
        "COPY with escapes",
        'COPY public.customers (id, email, "Full Name") FROM stdin;\n'
        "1\ta@example.com\tJos\\303\\251 \\x41\\x4\n"
        "2\t\\N\ttab\\there\\nnl\\rcr \\\\ \\b\\f\\v \\q\n"
        "3\t\t\\\\N\n"
        "\\.\n",
        [
            (
                "public.customers",
                CUST,
                [
                    ["1", "a@example.com", "Jos\u00e9 A\x04"],
                    ["2", None, "tab\there\nnl\rcr \\ \b\f\v q"],
                    ["3", "", "\\N"],
                ],
            )
        ],
    ),
    (
        "COPY without column list uses CREATE TABLE; quoted names",
        'COPY "Sales"."Order Lines" FROM stdin;\n7\tfirst\n\\.\n',
        [("Sales.Order Lines", ["ID", "note"], [["7", "first"]])],
    ),
    (
        "COPY of an unknown table: positional",
        "COPY public.other FROM stdin;\na\tb\n\\.\n",
        [("public.other", ["0", "1"], [["a", "b"]])],
    ),
    (
        "INSERT with standard strings, E strings, casts",
        "INSERT INTO public.customers VALUES (1, 'it''s', 'C:\\dir\\');\n"
        "INSERT INTO public.customers VALUES (2, E'e\\'s\\n\\x41\\u00e9\\303\\251', "
        "'2024-01-01'::date);\n"
        "INSERT INTO public.customers (id, email) OVERRIDING SYSTEM VALUE VALUES (3, NULL)"
        " ON CONFLICT DO NOTHING;\n",
        [
            (
                "public.customers",
                CUST,
                [["1", "it's", "C:\\dir\\"], ["2", "e's\nA\u00e9\u00e9", "2024-01-01"]],
            ),
            ("public.customers", ["id", "email"], [["3", None]]),
        ],
    ),
    (
        "psql meta-commands and COPY TO are skipped",
        "\\connect shop\nCOPY public.customers TO stdout;\n"
        'COPY public.customers (id, email, "Full Name") FROM stdin;\n1\tx\ty\n\\.\n',
        [("public.customers", CUST, [["1", "x", "y"]])],
    ),
    (
        "CRLF line endings",
        'COPY public.customers (id, email, "Full Name") FROM stdin;\r\n1\tx\ty\r\n\\.\r\n',
        [("public.customers", CUST, [["1", "x", "y"]])],
    ),
    (
        "standard_conforming_strings off: backslashes escape",
        "SET standard_conforming_strings = off;\n"
        "INSERT INTO public.customers VALUES (1, 'a\\'b', 'c\\\\d');\n",
        [("public.customers", CUST, [["1", "a'b", "c\\d"]])],
    ),
]


@pytest.mark.parametrize(
    ("sql", "expected"), [c[1:] for c in PG_CASES], ids=[c[0] for c in PG_CASES]
)
def test_pg_dump_constructs(sql: str, expected: list[Table]) -> None:
    chunks, p = parse(PG_HEAD + sql + PG_FOOT)
    assert merged(chunks) == expected
    assert all(not c.unreadable for c in chunks)
    assert p.unreadable_statements == []
    check_coverage(chunks)


def test_pg_function_bodies_and_copy_csv_are_not_rows() -> None:
    sql = 'COPY public.customers FROM stdin WITH (FORMAT csv);\n1,x,y\n"a\nb",c,d\n\\.\n'
    chunks, p = parse(PG_HEAD + sql + PG_FOOT)
    assert chunks == []
    assert [r for _, r in p.unreadable_statements] == ["unsupported COPY format"]
    assert p.statements_skipped == 11  # 10 in PG_HEAD, 1 in PG_FOOT


def test_sqlite_dump_uses_standard_strings() -> None:
    sql = (
        "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
        'CREATE TABLE "t" (id INTEGER PRIMARY KEY, path TEXT, b BLOB);\n'
        "INSERT INTO \"t\" VALUES(1,'C:\\dir\\','it''s');\nINSERT INTO t VALUES(2,NULL,X'00ff');\n"
        "COMMIT;\n"
    )
    chunks, p = parse(sql)
    assert merged(chunks) == [
        ("t", ["id", "path", "b"], [["1", "C:\\dir\\", "it's"], ["2", None, "X'00ff'"]])
    ]
    assert p.statements_skipped == 4


def test_dialect_argument_overrides_sniffing() -> None:
    sql = "INSERT INTO t VALUES ('a\\', 'b');\n"
    pg, _ = parse(sql, dialect="postgresql")
    assert pg[0].rows == [["a\\", "b"]]
    my, _ = parse(sql, dialect="mysql")  # the backslash escapes the quote: one damaged tuple
    assert my[0].rows == [] and [r for _, r in my[0].unreadable] == ["unterminated string"]


def test_interleaved_tables_keep_row_counters() -> None:
    sql = (
        "INSERT INTO a VALUES (1),(2);\nINSERT INTO b VALUES (1);\n"
        "INSERT INTO a VALUES (3);\nINSERT INTO b VALUES (2),(3);\n"
    )
    chunks, _ = parse(sql)
    got = [(c.table, c.first_row, [r[0] for r in c.rows]) for c in chunks]
    assert got == [("a", 0, ["1", "2"]), ("b", 0, ["1"]), ("a", 2, ["3"]), ("b", 1, ["2", "3"])]


def test_batch_rows_splits_one_statement() -> None:
    sql = "INSERT INTO t (x) VALUES " + ",".join(f"({i})" for i in range(10)) + ";\n"
    chunks, _ = parse(sql, batch_rows=4)
    assert [(c.first_row, len(c.rows)) for c in chunks] == [(0, 4), (4, 4), (8, 2)]
    copy = "COPY t (x) FROM stdin;\n" + "".join(f"{i}\n" for i in range(10)) + "\\.\n"
    chunks, _ = parse(copy, batch_rows=3)
    assert [(c.first_row, len(c.rows)) for c in chunks] == [(0, 3), (3, 3), (6, 3), (9, 1)]


# (id, sql, expected rows of table t, expected unreadable (index, reason), unreadable statements)
DAMAGED: list[tuple[str, str, list[list[str | None]], list[tuple[int, str]], list[str]]] = [
    (
        "wrong number of values",
        "INSERT INTO t (a, b) VALUES (1,'x'),(2),(3,'y',4),(5,'z');\n",
        [["1", "x"], ["5", "z"]],
        [(1, "expected 2 values, got 1"), (2, "expected 2 values, got 3")],
        [],
    ),
    (
        "garbage between tuples",
        "INSERT INTO t (a, b) VALUES (1,'x'),zz'q'(2,'y'),,(3,'w');\n",
        [["1", "x"], ["2", "y"], ["3", "w"]],
        [(1, "garbage between tuples"), (3, "garbage between tuples")],
        [],
    ),
    (
        "empty value and statement end inside a tuple",
        "INSERT INTO t (a, b) VALUES (1,),(2,'x';\nINSERT INTO t (a, b) VALUES (3,'y');\n",
        [["3", "y"]],
        [(0, "empty value"), (1, "unterminated tuple")],
        [],
    ),
    (
        "unterminated string at end of file",
        "INSERT INTO t (a, b) VALUES (1,'x'),(2,'secret-value-abc",
        [["1", "x"]],
        [(1, "unterminated string")],
        [],
    ),
    (
        "COPY line with wrong field count, truncated last line, no terminator",
        "COPY t (a, b) FROM stdin;\n1\tx\n2\n3\ty\tz\n4\tw\n5\tsecret-value-abc",
        [["1", "x"], ["4", "w"]],
        [
            (1, "expected 2 fields, got 1"),
            (2, "expected 2 fields, got 3"),
            (4, "line truncated at end of file"),
        ],
        ["COPY data not terminated"],
    ),
    (
        "unparseable INSERT forms are reported, parsing continues",
        "INSERT INTO t SELECT * FROM u;\nINSERT INTO t SET a=1, b='secret-value-abc';\n"
        "INSERT INTO t (a, b) VALUES (1,'x');\n",
        [["1", "x"]],
        [],
        ["unsupported INSERT form", "unsupported INSERT form"],
    ),
    (
        "over-long field (INSERT and COPY) is skipped, not buffered",
        "INSERT INTO t (a, b) VALUES (1,'" + "secret-value-abc" * 4 + "'),(2,'ok');\n"
        "COPY t (a, b) FROM stdin;\n3\t" + "secret-value-abc" * 4 + "\n4\tok\n\\.\n",
        [["2", "ok"], ["4", "ok"]],
        [(0, "field too long"), (2, "field too long")],
        [],
    ),
]


@pytest.mark.parametrize(
    ("sql", "rows", "bad", "bad_statements"),
    [c[1:] for c in DAMAGED],
    ids=[c[0] for c in DAMAGED],
)
def test_damaged_input_is_counted_and_parsing_continues(
    sql: str,
    rows: list[list[str | None]],
    bad: list[tuple[int, str]],
    bad_statements: list[str],
) -> None:
    chunks, p = parse(sql, max_field_chars=40)
    assert [r for c in chunks for r in c.rows] == rows
    assert [u for c in chunks for u in c.unreadable] == bad
    assert [r for _, r in p.unreadable_statements] == bad_statements
    reasons = [r for c in chunks for _, r in c.unreadable] + bad_statements
    assert not any("secret" in r for r in reasons)
    assert check_coverage(chunks) == {"t": len(rows) + len(bad)}


def test_row_too_long() -> None:
    sql = "INSERT INTO t (a, b, c) VALUES ('aaaa','bbbb','cccc'),('a','b','c');\n"
    chunks, _ = parse(sql, max_field_chars=8, max_row_chars=12)
    assert chunks[0].rows == [["a", "b", "c"]]
    assert chunks[0].unreadable == [(0, "row too long")]


class LazyStream:
    """A text stream generated on demand: its size never sits in memory."""

    def __init__(self, parts: Iterator[str]) -> None:
        self._parts = parts
        self._pending = ""
        self.consumed = 0

    def read(self, n: int = -1) -> str:
        while len(self._pending) < n:
            nxt = next(self._parts, None)
            if nxt is None:
                break
            self._pending += nxt
        out, self._pending = self._pending[:n], self._pending[n:]
        self.consumed += len(out)
        return out


def test_huge_field_and_huge_statement_in_bounded_memory() -> None:
    def dump() -> Iterator[str]:
        yield "INSERT INTO t (a, b) VALUES (1,'"
        for _ in range(64):  # one 32 MiB string, escapes and all
            yield "x\\'" * (1 << 17) + "y" * (1 << 17)
        yield "'),(2,'ok')"
        for i in range(50_000):  # and more tuples on the same line
            yield f",({i},'v')"
        yield ";\n"

    total = sum(map(len, dump()))
    stream = LazyStream(dump())
    parser = SqlDumpParser(stream, chunk_size=1 << 16, max_field_chars=1 << 16, batch_rows=1000)  # type: ignore[arg-type]
    spans: list[tuple[int, int]] = []
    tracemalloc.start()
    try:
        with time_limit(60):
            for chunk in parser.tables():  # rows are dropped as they come: only parser memory
                if not spans:
                    assert chunk.unreadable == [(0, "field too long")]
                    assert chunk.rows[0] == ["2", "ok"]
                    assert stream.consumed < total  # yielded before the line's end was read
                spans.append((chunk.first_row, len(chunk.rows) + len(chunk.unreadable)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20, peak
    assert spans == [(i, min(1000, 50_002 - i)) for i in range(0, 50_002, 1000)]


# --- property tests ---------------------------------------------------------------------------
_TRICKY = "'\"\\\n\r\t\0\x1a,();`$-/*% _NUL\u00e9\u65e5\U0001f600\u2028\x85"
texts = st.text(
    alphabet=st.one_of(
        st.sampled_from(_TRICKY), st.characters(codec="utf-8", max_codepoint=0x2FFFF)
    ),
    max_size=24,
)
tables = st.integers(1, 4).flatmap(
    lambda n: st.tuples(
        st.lists(
            st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
            min_size=n,
            max_size=n,
            unique=True,
        ),
        st.lists(st.lists(st.none() | texts, min_size=n, max_size=n), max_size=12),
    )
)
_MY_ESC = {"\0": "\\0", "\n": "\\n", "\r": "\\r", "\\": "\\\\", "'": "\\'", '"': '\\"',
           "\x1a": "\\Z"}  # fmt: skip


def mysqldump(cols: list[str], rows: list[list[str | None]], per_insert: int) -> str:
    """What mysqldump --extended-insert writes (escaping as mysql_real_escape_string)."""
    out = [MYSQL_HEAD.replace("`users`", "`other`")]
    out.append("CREATE TABLE `t` (\n" + ",\n".join(f"  `{c}` text" for c in cols) + "\n);\n")

    def lit(v: str | None) -> str:
        return "NULL" if v is None else "'" + "".join(_MY_ESC.get(ch, ch) for ch in v) + "'"

    for i in range(0, len(rows), per_insert):
        tuples = ",".join("(" + ",".join(map(lit, r)) + ")" for r in rows[i : i + per_insert])
        out.append(f"INSERT INTO `t` VALUES {tuples};\n")
    return "".join(out) + MYSQL_FOOT


def pg_copy(cols: list[str], rows: list[list[str | None]]) -> str:
    def field(v: str | None) -> str:
        if v is None:
            return "\\N"
        return (
            v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        )

    body = "".join("\t".join(map(field, r)) + "\n" for r in rows)
    return f"{PG_HEAD}COPY public.t ({', '.join(cols)}) FROM stdin;\n{body}\\.\n{PG_FOOT}"


def pg_inserts(cols: list[str], rows: list[list[str | None]]) -> str:
    """pg_dump --column-inserts: standard strings, quotes doubled, backslashes literal."""

    def lit(v: str | None) -> str:
        return "NULL" if v is None else "'" + v.replace("'", "''") + "'"

    body = "".join(
        f"INSERT INTO public.t ({', '.join(cols)}) VALUES ({', '.join(map(lit, r))});\n"
        for r in rows
    )
    return PG_HEAD + body + PG_FOOT


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=tables,
    fmt=st.sampled_from(["mysql", "copy", "pg_insert"]),
    chunk_size=st.sampled_from([1, 2, 3, 7, 64, 1 << 20]),
    batch_rows=st.integers(1, 20),
    per_insert=st.integers(1, 5),
)
def test_round_trip(
    table: tuple[list[str], list[list[str | None]]],
    fmt: str,
    chunk_size: int,
    batch_rows: int,
    per_insert: int,
) -> None:
    cols, rows = table
    if fmt == "mysql":
        text, name = mysqldump(cols, rows, per_insert), "t"
    elif fmt == "copy":
        text, name = pg_copy(cols, rows), "public.t"
    else:
        text, name = pg_inserts(cols, rows), "public.t"
    chunks, p = run(text, chunk_size, batch_rows=batch_rows)
    assert all(len(c.rows) + len(c.unreadable) <= batch_rows for c in chunks)
    assert [c.unreadable for c in chunks if c.unreadable] == []
    assert p.unreadable_statements == []
    assert [r for c in chunks for r in c.rows] == rows
    assert all(c.table == name and c.columns == cols for c in chunks)
    check_coverage(chunks)


_SAMPLE = (
    MYSQL_HEAD
    + "INSERT INTO `users` VALUES (1,'a\\'b',NULL),(2,'c''d',0x41),(3,_binary 'x\\0',\"q\");\n"
    + "INSERT INTO `users` (`id`,`email`) VALUES (4,'x'),(5,'y;z');\n"
    + MYSQL_FOOT
    + PG_HEAD
    + 'COPY public.customers (id, email, "Full Name") FROM stdin;\n'
    + "1\ta@b\tJos\\303\\251\n2\t\\N\tt\\tx\n\\.\n"
    + "INSERT INTO public.customers VALUES (3, 'it''s', E'e\\'s');\n"
    + PG_FOOT
)
_SPECIAL = b"'\"\\();,\n\t`$-/*.N0 \xc3\xff"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(["replace", "insert", "delete"]),
            st.floats(0, 1, exclude_max=True),
            st.one_of(st.sampled_from(list(_SPECIAL)), st.integers(0, 255)),
        ),
        min_size=1,
        max_size=8,
    ),
    max_field=st.sampled_from([8, 64 << 20]),
)
def test_mutated_dumps_never_raise_or_hang(
    edits: list[tuple[str, float, int]], max_field: int
) -> None:
    data = bytearray(_SAMPLE.encode())
    for op, where, byte in edits:
        i = int(where * len(data))
        if op == "replace":
            data[i] = byte
        elif op == "insert":
            data.insert(i, byte)
        else:
            del data[i]
    text = data.decode("utf-8", "surrogateescape")
    chunks, _ = run(text, max_field_chars=max_field, batch_rows=3)
    check_coverage(chunks)
    assert all(isinstance(r, str) and len(r) < 60 for c in chunks for _, r in c.unreadable)
    # damage does not make the result depend on where chunk borders fall
    assert snapshot(text, 1, max_field_chars=max_field, batch_rows=3) == snapshot(
        text, 1 << 20, max_field_chars=max_field, batch_rows=3
    )


def _bench(n: int = 200_000) -> None:
    """``python tests/test_sqldump.py``: rows/s on generated n-row dumps (CPU time, best of 3)."""
    rnd = random.Random(1)
    cols = ["id", "email", "name", "phone", "ts", "score"]
    rows: list[list[str | None]] = [
        [str(i), f"user{i}@example.com", f"Name O'Neil {i}", f"+1 555 01{i % 100:02d}", ts, score]
        for i in range(n)
        for ts, score in [(rnd.choice([None, "2024-01-02 03:04:05"]), f"{rnd.random():.6f}")]
    ]
    for label, text in (
        ("mysqldump extended INSERT", mysqldump(cols, rows, 2000)),
        ("pg_dump COPY", pg_copy(cols, rows)),
    ):
        best = float("inf")
        for _ in range(3):
            t = time.process_time()
            got = sum(len(c.rows) for c in SqlDumpParser(io.StringIO(text)).tables())
            best = min(best, time.process_time() - t)
        assert got == n
        mb = len(text) / 1e6
        print(f"{label}: {n} rows, {mb:.1f} MB: {n / best:,.0f} rows/s, {mb / best:.0f} MB/s")


if __name__ == "__main__":
    _bench()
