"""What differs between PostgreSQL and SQLite: connecting read-only, the catalog, the SELECT.

Both are reached through ADBC, which streams query results as Arrow record batches (libpq's
binary COPY for PostgreSQL), so no row ever becomes a Python object. Each dialect turns a
table's catalog entry into one streaming SELECT: types ADBC cannot render as text are cast
to text in SQL, sampling is pushed into the database, and rows come in a stable order.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

__all__ = ["ColumnInfo", "Postgres", "QueryPlan", "Sqlite", "TableInfo", "quote_ident"]

#: ``kind`` of catalog entries that hold rows of their own (views only repeat other tables).
SCANNED_KINDS = frozenset({"table", "materialized view"})


@dataclass
class ColumnInfo:
    name: str
    type_name: str  # as the catalog declares it (``numeric(10,2)``, ``TEXT``, ``uuid``)
    comment: str | None = None
    primary_key: int = 0  # position in the primary key (1-based), 0 when not part of it


@dataclass
class QueryPlan:
    """The SELECT that streams one table, and what it changed on the way (for the account)."""

    sql: str
    notes: list[str] = field(default_factory=list)
    cast: list[str] = field(default_factory=list)  # columns read as text, and why
    primer: str | None = None  # name of a marker column whose true rows are to be dropped


@dataclass
class TableInfo:
    schema: str
    name: str
    kind: str  # "table", "materialized view", "view", "foreign table", "partitioned table"
    columns: list[ColumnInfo] = field(default_factory=list)
    comment: str | None = None
    estimate: int | None = None  # the catalog's row estimate, when it keeps one
    has_rowid: bool = False  # SQLite rowid tables

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


def quote_ident(name: str) -> str:
    """A SQL identifier quoted for both dialects (embedded quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def _rows(cursor: Any, sql: str) -> list[tuple[Any, ...]]:
    cursor.execute(sql)
    return [tuple(r) for r in cursor.fetchall()]


# ------------------------------------------------------------------------------ PostgreSQL
_PG_KINDS = {
    "r": "table",
    "m": "materialized view",
    "v": "view",
    "f": "foreign table",
    "p": "partitioned table",
}
_PG_CATALOG = r"""
SELECT n.nspname, c.relname, c.relkind::text, c.reltuples::float8,
       obj_description(c.oid, 'pg_class'),
       a.attname, format_type(a.atttypid, a.atttypmod), col_description(c.oid, a.attnum),
       coalesce(array_position(i.indkey::int2[], a.attnum)
                + 1 - array_lower(i.indkey::int2[], 1), 0)::int4
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
WHERE c.relkind IN ('r', 'm', 'v', 'f', 'p')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp\_%'
ORDER BY n.nspname, c.relname, a.attnum
"""
_NUMERIC = re.compile(r"numeric\((\d+),(\d+)\)")


class Postgres:
    """PostgreSQL through ``adbc_driver_postgresql``: a read-only session, COPY streaming."""

    kind = "postgresql"
    package = "adbc-driver-postgresql"

    def connect(self, url: str) -> Any:
        import adbc_driver_postgresql.dbapi as pg

        conn = pg.connect(url, autocommit=True)
        try:
            cur = conn.cursor()
            # Every statement of this session runs in a read-only transaction: a scan can
            # never write, whatever privileges the role has.
            cur.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            cur.execute("SET application_name = 'exposure_scan'")
            cur.close()
        except Exception:
            conn.close()
            raise
        return conn

    def tables(self, conn: Any) -> list[TableInfo]:
        out: list[TableInfo] = []
        cur = conn.cursor()
        try:
            for schema, name, kind, tuples, tcomment, col, typ, ccomment, pk in _rows(
                cur, _PG_CATALOG
            ):
                if not out or (out[-1].schema, out[-1].name) != (schema, name):
                    estimate = int(tuples) if tuples is not None and tuples >= 0 else None
                    out.append(TableInfo(schema, name, _PG_KINDS[kind], [], tcomment, estimate))
                if col is not None:
                    out[-1].columns.append(ColumnInfo(col, typ, ccomment, int(pk or 0)))
        finally:
            cur.close()
        return out

    def population(self, conn: Any, table: TableInfo) -> tuple[int, str]:
        """Rows in the table: the planner's estimate when ANALYZE kept one, else a count."""
        if table.estimate is not None:
            return table.estimate, "estimated from pg_class.reltuples"
        return _count(conn, table), "counted"

    def plan(
        self, conn: Any, table: TableInfo, rate: float | None, seed: int, method: str
    ) -> QueryPlan:
        """The table's SELECT: types ADBC would hand over in binary wire format read as text,
        sampling by TABLESAMPLE, rows in primary-key order."""
        schema = conn.adbc_get_table_schema(table.name, db_schema_filter=table.schema)
        exprs: list[str] = []
        cast: list[str] = []
        for col in table.columns:
            q = quote_ident(col.name)
            idx = schema.get_field_index(col.name)
            kind = _text_cast(schema.field(idx).type) if idx >= 0 else None
            if kind is None:
                exprs.append(q)
            else:
                exprs.append(f"{q}::{kind} AS {q}")
                cast.append(f"{col.name} ({col.type_name})")
        plan = QueryPlan(f"SELECT {', '.join(exprs)} FROM {_qualified(table)}", cast=cast)
        if rate is not None and rate < 1.0:
            pct = f"{rate * 100:.10g}"
            plan.sql += f" TABLESAMPLE {method.upper()} ({pct}) REPEATABLE ({seed})"
            plan.notes.append(f"sampled in the database: TABLESAMPLE {method.upper()} ({pct}%)")
        pk = sorted((c for c in table.columns if c.primary_key), key=lambda c: c.primary_key)
        if pk:
            plan.sql += " ORDER BY " + ", ".join(quote_ident(c.name) for c in pk)
            names = ", ".join(c.name for c in pk)
            plan.notes.append(f"rows numbered in primary-key order ({names})")
        else:
            plan.notes.append("rows numbered in physical order (no primary key)")
        return plan

    def numeric_type(self, col: ColumnInfo) -> pa.DataType | None:
        """The Arrow type of a ``numeric(p,s)`` column (None: unconstrained numeric)."""
        m = _NUMERIC.fullmatch(col.type_name)
        if m is None:
            return None
        p, s = int(m.group(1)), int(m.group(2))
        return pa.decimal128(p, s) if p <= 38 else pa.decimal256(min(p, 76), s)


def _text_cast(t: pa.DataType) -> str | None:
    """``text`` or ``text[]`` when ADBC would hand over a type in PostgreSQL's binary wire
    format (inet, uuid, enums, geometry, ...) or one Arrow cannot render as text (interval)."""
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "text[]" if _text_cast(t.value_type) is not None else None
    if isinstance(t, pa.BaseExtensionType):
        name = t.extension_name
        if name == "arrow.json":
            return None
        if name == "arrow.opaque" and pa.types.is_string(t.storage_type):
            return None  # numeric: text already, converted to a decimal after reading
        return "text"
    if pa.types.is_interval(t) or pa.types.is_duration(t) or pa.types.is_struct(t):
        return "text"
    return None


def _qualified(table: TableInfo) -> str:
    if table.schema:
        return f"{quote_ident(table.schema)}.{quote_ident(table.name)}"
    return quote_ident(table.name)


def _count(conn: Any, table: TableInfo) -> int:
    cur = conn.cursor()
    try:
        return int(_rows(cur, f"SELECT count(*) FROM {_qualified(table)}")[0][0])
    finally:
        cur.close()


# ---------------------------------------------------------------------------------- SQLite
#: Storage classes found in a column, as bits (``sum(DISTINCT ...)`` of them is their OR).
_INT, _REAL, _TEXT, _BLOB = 1, 2, 4, 8
_MASK31 = 0x7FFFFFFF


class Sqlite:
    """SQLite through ``adbc_driver_sqlite``, opened with ``mode=ro``.

    SQLite types values, not columns, and ADBC infers a column's Arrow type from its first
    batch: a sparse column (NULLs first) or a mixed one (integers, then text) would fail in
    mid-table. So each table gets a census of the storage classes of every column (one pass),
    mixed columns are cast in SQL, and a *primer* row of the right types leads the result and
    is dropped on arrival.
    """

    kind = "sqlite"
    package = "adbc-driver-sqlite"
    primer = "__exposure_scan_primer__"

    def connect(self, path: str) -> Any:
        import adbc_driver_sqlite.dbapi as sq

        return sq.connect("file:" + urllib.parse.quote(path) + "?mode=ro")

    def tables(self, conn: Any) -> list[TableInfo]:
        cur = conn.cursor()
        try:
            out: list[TableInfo] = []
            master = _rows(
                cur,
                "SELECT name, type, coalesce(sql, '') FROM sqlite_master "
                "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "ORDER BY name",
            )
            for name, typ, sql in master:
                virtual = sql.lstrip().upper().startswith("CREATE VIRTUAL")
                kind = "virtual table" if virtual else str(typ)
                info = TableInfo("", name, kind)
                info.has_rowid = typ == "table" and not re.search(
                    r"\bWITHOUT\s+ROWID\b", sql, re.IGNORECASE
                )
                if kind in SCANNED_KINDS:
                    lit = "'" + name.replace("'", "''") + "'"
                    for cname, ctype, pk in _rows(
                        cur, f"SELECT name, type, pk FROM pragma_table_info({lit}) ORDER BY cid"
                    ):
                        info.columns.append(ColumnInfo(cname, ctype or "", None, int(pk)))
                out.append(info)
            return out
        finally:
            cur.close()

    def population(self, conn: Any, table: TableInfo) -> tuple[int, str]:
        return _count(conn, table), "counted"

    def numeric_type(self, col: ColumnInfo) -> pa.DataType | None:
        return None  # SQLite numbers arrive as int64 or float64 already

    def plan(
        self, conn: Any, table: TableInfo, rate: float | None, seed: int, method: str
    ) -> QueryPlan:
        """The table's SELECT, typed by a census of storage classes, led by the primer row."""
        exprs, primers, cast = self._columns(conn, table)
        plan = QueryPlan("", cast=cast, primer=self.primer)
        p = quote_ident(self.primer)
        body = f"SELECT 0 AS {p}{''.join(', ' + e for e in exprs)} FROM {_qualified(table)}"
        if rate is not None and rate < 1.0:
            threshold = int(rate * (_MASK31 + 1))
            if table.has_rowid:
                body += f" WHERE {_rowid_hash(seed)} < {threshold}"
                plan.notes.append(f"sampled in the database: {rate:.6g} of rows by rowid hash")
            else:
                body += f" WHERE (abs(random()) % {_MASK31 + 1}) < {threshold}"
                plan.notes.append(
                    f"sampled in the database: {rate:.6g} of rows by random() "
                    "(WITHOUT ROWID table: not reproducible)"
                )
        if table.has_rowid:
            body += " ORDER BY rowid"
            plan.notes.append("rows numbered in rowid order")
        else:
            plan.notes.append("rows numbered in primary-key order (WITHOUT ROWID table)")
        primer = f"SELECT 1 AS {p}{''.join(', ' + e for e in primers)}"
        plan.sql = f"SELECT * FROM ({primer}) UNION ALL SELECT * FROM ({body})"
        return plan

    def _columns(self, conn: Any, table: TableInfo) -> tuple[list[str], list[str], list[str]]:
        """Select expressions, primer literals and cast notes from one census pass."""
        if not table.columns:
            return [], [], []
        census = ", ".join(
            f"coalesce(sum(DISTINCT CASE typeof({quote_ident(c.name)}) WHEN 'integer' THEN 1 "
            "WHEN 'real' THEN 2 WHEN 'text' THEN 4 WHEN 'blob' THEN 8 ELSE 0 END), 0)"
            for c in table.columns
        )
        cur = conn.cursor()
        try:
            masks = [int(m) for m in _rows(cur, f"SELECT {census} FROM {_qualified(table)}")[0]]
        finally:
            cur.close()
        exprs: list[str] = []
        primers: list[str] = []
        cast: list[str] = []
        for col, mask in zip(table.columns, masks, strict=True):
            q = quote_ident(col.name)
            if mask & _BLOB and mask != _BLOB:
                expr, primer = f"CAST({q} AS BLOB)", "X''"
            elif mask & _TEXT and mask != _TEXT:
                expr, primer = f"CAST({q} AS TEXT)", "''"
            elif mask & _REAL:
                expr, primer = f"CAST({q} AS REAL)", "0.0"
            else:
                expr, primer = q, {_INT: "0", _TEXT: "''", _BLOB: "X''"}.get(mask, "NULL")
            if expr != q and mask & (_TEXT | _BLOB):
                cast.append(f"{col.name} (mixed storage classes)")
            exprs.append(f"{expr} AS {q}")
            primers.append(f"{primer} AS {q}")
        return exprs, primers, cast


def _rowid_hash(seed: int) -> str:
    """A 31-bit mix of rowid and seed in SQL (two multiply-xorshift rounds): the same rows for
    the same seed, spread like a random draw. Products stay below 2**62: no overflow to REAL."""
    s = (seed * 0x9E3779B1) & _MASK31

    def xorshift(e: str, k: int) -> str:
        return f"((({e}) | (({e}) >> {k})) - (({e}) & (({e}) >> {k})))"

    x = f"((rowid + {s}) & {_MASK31})"
    h1 = f"(({x} * 1103515245 + 12345) & {_MASK31})"
    h2 = xorshift(h1, 13)
    h3 = f"(({h2} * 1664525 + 1013904223) & {_MASK31})"
    return xorshift(h3, 16)
