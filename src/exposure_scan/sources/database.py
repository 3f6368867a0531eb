"""Live databases as sources: every table is one source, streamed as Arrow through ADBC.

``scan("postgresql://scanner@replica/shop")`` or ``scan(Database(url, include=["public.*"]))``
reads each table with one streaming SELECT (PostgreSQL's binary COPY, SQLite's stepping
cursor): batches arrive as Arrow, never as Python rows, and never a whole table at once.
Each table is accounted like a file (rows read, columns skipped with the reason) under a
name such as ``postgresql://replica:5432/shop#public.customers``.

Safety comes by construction, not by the caller's care: PostgreSQL sessions are read-only
(``SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY``), SQLite files are opened with
``mode=ro``, and the password never leaves this module: names, reports and error messages
carry the URL with the password masked (``postgresql://user:***@host/db``).

A sampled scan (``sample=``) is pushed into the database (``TABLESAMPLE`` on PostgreSQL, a
rowid hash on SQLite), so a triage of a huge table moves only the sampled rows; the source's
:attr:`TableSource.pushed_sample` tells the engine how many rows the table has and how many
were read, which is what the report's prevalence bound needs.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..errors import (
    ConfigurationError,
    ExposureScanError,
    SourceNotFoundError,
    UnreadableSourceError,
)
from ._db_dialects import SCANNED_KINDS, Postgres, QueryPlan, Sqlite, TableInfo
from .base import Batch, SourceAccount

__all__ = [
    "Database",
    "HintedBatch",
    "PushedSample",
    "TableSource",
    "is_database_url",
    "iter_database_sources",
    "mask_url",
]

SCHEMES = {"postgresql": "postgresql", "postgres": "postgresql", "sqlite": "sqlite"}
#: Query parameters read by exposure_scan, never passed to the driver.
OWN_PARAMS = ("include", "exclude", "sample", "method", "seed")
#: Query parameters of libpq that hold secrets.
SECRET_PARAMS = frozenset({"password", "sslpassword"})
MASK = "***"
_NOTE_CHARS = 200  # column comments are documentation, but a long one is cut in notes
_MAX_LISTED = 20


def is_database_url(text: str) -> bool:
    """True for ``postgresql://``, ``postgres://`` and ``sqlite://`` URLs."""
    scheme, sep, _ = text.partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


def mask_url(url: str) -> str:
    """The URL with its password (userinfo or ``password=`` parameter) replaced by ``***``."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":" + MASK
        netloc = f"{userinfo}@{host}"
    query = parts.query
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        query = "&".join(
            f"{k}={MASK if k in SECRET_PARAMS else urllib.parse.quote(v, safe='/:,*')}"
            for k, v in pairs
        )
    return _unsplit(parts._replace(netloc=netloc, query=query))


def _unsplit(parts: urllib.parse.SplitResult) -> str:
    """``urlunsplit`` keeping ``//`` before an empty host (``sqlite:///x.db``,
    ``postgresql:///db?host=/run/postgresql``), which the standard library drops."""
    url = f"{parts.scheme}://{parts.netloc}{parts.path}"
    if parts.query:
        url += "?" + parts.query
    if parts.fragment:
        url += "#" + parts.fragment
    return url


def _patterns(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [p.strip() for item in items for p in item.split(",") if p.strip()]


def _parse_sample(text: str) -> float | int:
    try:
        return int(text) if text.isdigit() else float(text)
    except ValueError:
        raise ConfigurationError(
            "sample= in a database URL must be a fraction or a count"
        ) from None


def _check_sample(sample: Any) -> None:
    if sample is None:
        return
    if isinstance(sample, bool) or not isinstance(sample, (int, float)):
        raise ConfigurationError("sample must be a fraction in (0, 1] or a record count")
    if isinstance(sample, float) and not 0.0 < sample <= 1.0:
        raise ConfigurationError("a fractional sample must be in (0, 1]")
    if isinstance(sample, int) and sample < 1:
        raise ConfigurationError("a sample size must be >= 1")


class Database:
    """A live database to scan, table by table, with glob patterns on ``schema.table``.

    ``include``/``exclude`` (also ``?include=public.*,crm.*&exclude=*.audit_*`` in the URL; a
    pattern without a dot matches the table name in any schema) choose tables; ``sample``
    (fraction, or about N rows per table) overrides the scan's ``sample=`` for these tables;
    ``method`` is PostgreSQL's ``TABLESAMPLE`` method: ``bernoulli`` (row by row: the bound in
    the report holds) or ``system`` (whole pages: faster, but rows of a page come together).
    """

    def __init__(
        self,
        url: str,
        *,
        include: str | Sequence[str] | None = None,
        exclude: str | Sequence[str] | None = None,
        sample: float | int | None = None,
        method: str | None = None,
        seed: int | None = None,
    ) -> None:
        if not isinstance(url, str) or not is_database_url(url):
            raise ConfigurationError(
                "a database URL starts with postgresql://, postgres:// or sqlite://"
            )
        parts = urllib.parse.urlsplit(url)
        self.kind = SCHEMES[parts.scheme.lower()]
        pairs = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
        own: dict[str, list[str]] = {k: [] for k in OWN_PARAMS}
        for k, v in pairs:
            if k in own:
                own[k].append(v)
        rest = [(k, v) for k, v in pairs if k not in own]
        self._secrets = _secrets(parts, rest)
        self._url = _unsplit(parts._replace(query=urllib.parse.urlencode(rest)))
        self.include = tuple(_patterns(include) + _patterns(own["include"]))
        self.exclude = tuple(_patterns(exclude) + _patterns(own["exclude"]))
        if sample is None and own["sample"]:
            sample = _parse_sample(own["sample"][-1])
        _check_sample(sample)
        self.sample = sample
        if method is None:
            method = own["method"][-1] if own["method"] else "bernoulli"
        if method.lower() not in ("bernoulli", "system"):
            raise ConfigurationError("method must be 'bernoulli' or 'system'")
        self.method = method.lower()
        if seed is None and own["seed"]:
            seed = int(own["seed"][-1])
        self.seed = seed
        #: The URL as reports show it: password masked, exposure_scan's own parameters removed.
        self.display = mask_url(self._url)
        if self.kind == "sqlite":
            if parts.netloc:
                raise ConfigurationError(
                    "a SQLite URL is sqlite:///relative.db or sqlite:////abs.db"
                )
            self.path = urllib.parse.unquote(parts.path[1:])
            if not self.path:
                raise ConfigurationError("a SQLite URL names a database file")
            self.base = f"{parts.scheme}:///{parts.path[1:]}"
        else:
            self.path = ""
            try:
                port = f":{parts.port}" if parts.port else ""
            except ValueError:
                raise ConfigurationError("the port of a database URL must be a number") from None
            host = parts.hostname or ""
            self.base = f"{parts.scheme}://{host}{port}{parts.path}"

    def __repr__(self) -> str:
        return f"Database({self.display!r})"

    def check(self) -> None:
        """Raise :class:`SourceNotFoundError` for a SQLite file that does not exist."""
        if self.kind == "sqlite" and not os.path.isfile(self.path):
            raise SourceNotFoundError("no such SQLite database file", source=self.display)

    def scrub(self, text: str) -> str:
        """A driver's message as one line without the password, however it was quoted.

        ADBC quotes the failed statement; the server's own words (``ERROR: permission denied
        for schema private``) are what a reader needs, so they are kept and the rest cut."""
        text = text.split("Query was:", 1)[0]
        for marker in ("ERROR:", "FATAL:"):
            if marker in text:
                text = text[text.index(marker) :]
                break
        line = " ".join(text.split())
        line = line.replace(self._url, self.display)
        for secret in self._secrets:
            line = line.replace(secret, MASK)
        return line[:300]

    def selects(self, table: TableInfo) -> bool:
        """Whether the include/exclude patterns choose this table."""

        def match(pattern: str) -> bool:
            names = [table.qualified]
            if "." not in pattern:
                names.append(table.name)
            if not table.schema:
                names.append("main." + table.name)
            return any(fnmatch.fnmatchcase(n, pattern) for n in names)

        if self.include and not any(match(p) for p in self.include):
            return False
        return not any(match(p) for p in self.exclude)


def _secrets(parts: urllib.parse.SplitResult, query: list[tuple[str, str]]) -> list[str]:
    """Every spelling of the password that a driver could echo, longest first."""
    found: set[str] = set()
    netloc = parts.netloc
    if "@" in netloc:
        userinfo = netloc.rsplit("@", 1)[0]
        if ":" in userinfo:
            raw = userinfo.split(":", 1)[1]
            found |= {raw, urllib.parse.unquote(raw)}
    for k, v in query:
        if k in SECRET_PARAMS:
            found |= {v, urllib.parse.quote(v, safe="")}
    return sorted((s for s in found if s), key=len, reverse=True)


@dataclass
class HintedBatch(Batch):
    """A batch whose columns carry a description besides their name (a column comment).

    The engine's role book reads ``column_hints`` for columns whose name says nothing
    (``c7`` commented "customer e-mail")."""

    column_hints: dict[str, str] = field(default_factory=dict)


@dataclass
class PushedSample:
    """A sample the database drew: the engine records these counts in ``Report.sampling``."""

    sample: float | int
    seed: int
    rate: float = 1.0
    seen: int = 0  # rows of the table (counted, or the catalog's estimate)
    kept: int = 0  # rows read


class _AccountOnly:
    """The database itself: no rows, but the connection error or what was chosen and why."""

    def __init__(self, account: SourceAccount) -> None:
        self.account = account
        self.pushed_sample: PushedSample | None = None

    def batches(self) -> Iterator[Batch]:
        return iter(())

    def finish(self) -> None:
        return None


def _describe(exc: BaseException, db: Database) -> str:
    if isinstance(exc, ExposureScanError):
        return db.scrub(str(exc))
    message = db.scrub(str(exc))
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def iter_database_sources(
    db: Database, *, batch_rows: int, sample: float | int | None = None, seed: int = 0
) -> Iterator[Any]:
    """One source per chosen table, then one account for the database itself.

    ``sample``/``seed`` are the scan's; the database's own ``sample``/``seed`` win. A
    connection that fails is that account's error: like an unreadable file, it makes the
    verdicts inconclusive instead of stopping a multi-source scan.
    """
    dialect: Postgres | Sqlite = Postgres() if db.kind == "postgresql" else Sqlite()
    account = SourceAccount(db.display, db.display, format=db.kind)
    sample = db.sample if db.sample is not None else sample
    seed = db.seed if db.seed is not None else seed
    try:
        conn = dialect.connect(db._url if db.kind == "postgresql" else db.path)
    except ImportError:
        account.error = f"{dialect.package} is not installed (pip install exposure_scan[db])"
        yield _AccountOnly(account)
        return
    except Exception as exc:
        account.error = f"cannot connect: {_describe(exc, db)}"
        yield _AccountOnly(account)
        return
    try:
        try:
            tables = dialect.tables(conn)
        except Exception as exc:
            account.error = f"cannot list tables: {_describe(exc, db)}"
            tables = []
        chosen = [t for t in tables if t.kind in SCANNED_KINDS and db.selects(t)]
        _describe_choice(account, db, tables, chosen)
        for table in chosen:
            source = TableSource(conn, dialect, table, db, batch_rows, sample, seed)
            yield source
    finally:
        conn.close()
    yield _AccountOnly(account)


def _describe_choice(
    account: SourceAccount, db: Database, tables: list[TableInfo], chosen: list[TableInfo]
) -> None:
    def listed(items: list[TableInfo]) -> str:
        names = [t.qualified for t in items[:_MAX_LISTED]]
        more = len(items) - len(names)
        return ", ".join(names) + (f" and {more} more" if more > 0 else "")

    account.notes.append(f"{len(chosen)} table(s) scanned")
    if db.include:
        account.notes.append("include: " + ", ".join(db.include))
    if db.exclude:
        account.notes.append("exclude: " + ", ".join(db.exclude))
    excluded = [t for t in tables if t.kind in SCANNED_KINDS and not db.selects(t)]
    if excluded:
        account.notes.append(
            f"{len(excluded)} table(s) left out by the patterns: {listed(excluded)}"
        )
    other: dict[str, list[TableInfo]] = {}
    for t in tables:
        if t.kind not in SCANNED_KINDS and db.selects(t):
            other.setdefault(t.kind, []).append(t)
    why = {
        "view": "views repeat the tables they select from",
        "partitioned table": "their partitions are scanned as tables",
        "foreign table": "their rows live in another server",
        "virtual table": "their rows live in shadow tables or modules",
    }
    for kind, items in sorted(other.items()):
        reason = why.get(kind, "not a table")
        account.notes.append(f"{len(items)} {kind}(s) not scanned ({reason}): {listed(items)}")


class TableSource:
    """One table: a streaming SELECT, batches of at most ``batch_rows`` rows."""

    def __init__(
        self,
        conn: Any,
        dialect: Postgres | Sqlite,
        table: TableInfo,
        db: Database,
        batch_rows: int,
        sample: float | int | None,
        seed: int,
    ) -> None:
        self.account = SourceAccount(f"{db.base}#{table.qualified}", db.display, format=db.kind)
        self.table = table
        self._conn = conn
        self._dialect = dialect
        self._db = db
        self._batch_rows = batch_rows
        self._sample = sample
        self._seed = seed
        self._cursor: Any = None
        #: Set when the database samples the rows: the engine must not sample them again.
        self.pushed_sample: PushedSample | None = (
            PushedSample(sample, seed) if sample is not None else None
        )
        self.hints = {c.name: c.comment for c in table.columns if c.comment}
        self._numeric = {c.name: dialect.numeric_type(c) for c in table.columns}
        notes = self.account.notes
        notes.append(f"{table.kind} {table.qualified}, {len(table.columns)} column(s)")
        if table.comment:
            notes.append(f"table comment: {_cut(table.comment)}")
        notes.extend(f"column {n} comment: {_cut(c)}" for n, c in self.hints.items())

    def batches(self) -> Iterator[Batch]:
        try:
            yield from self._read()
        except ExposureScanError:
            raise
        except Exception as exc:
            # ``from None``: the driver's exception (and its message) stays out of the chain.
            raise UnreadableSourceError(f"database error: {_describe(exc, self._db)}") from None

    def _read(self) -> Iterator[Batch]:
        rate = self._rate()
        plan = self._dialect.plan(self._conn, self.table, rate, self._seed, self._db.method)
        self.account.notes.extend(plan.notes)
        if plan.cast:
            self.account.notes.append("read as text: " + ", ".join(plan.cast))
        self._cursor = self._conn.cursor()
        self._cursor.execute(plan.sql)
        reader = self._cursor.fetch_record_batch()
        cursor = 0
        for rb in reader:
            data = self._normalise(rb, plan)
            for start in range(0, data.num_rows, self._batch_rows):
                piece = data.slice(start, self._batch_rows)
                self.account.records_read += piece.num_rows
                if self.pushed_sample is not None:
                    self.pushed_sample.kept += piece.num_rows
                    self.pushed_sample.seen = max(self.pushed_sample.seen, self.pushed_sample.kept)
                yield HintedBatch(self.account.source, piece, cursor, column_hints=self.hints)
                cursor += piece.num_rows

    def finish(self) -> None:
        if self._cursor is not None:
            with contextlib.suppress(Exception):  # a broken connection: nothing to release
                self._cursor.close()
            self._cursor = None

    def _rate(self) -> float | None:
        pushed = self.pushed_sample
        if pushed is None:
            return None
        population, how = self._dialect.population(self._conn, self.table)
        pushed.seen = population
        if isinstance(pushed.sample, float):
            pushed.rate = pushed.sample
        else:
            pushed.rate = min(1.0, pushed.sample / population) if population else 1.0
        self.account.notes.append(f"{population} row(s) in the table ({how})")
        return pushed.rate

    def _normalise(self, rb: pa.RecordBatch, plan: QueryPlan) -> pa.RecordBatch:
        """Drop the primer row; extension types (JSON, PostgreSQL numeric) to plain Arrow."""
        if plan.primer is not None:
            marker = rb.column(plan.primer)
            rb = rb.filter(pc.equal(marker, 0)).drop_columns([plan.primer])
        if not any(isinstance(f.type, pa.BaseExtensionType) or f.metadata for f in rb.schema):
            return rb
        arrays = [
            self._plain(name, col) for name, col in zip(rb.schema.names, rb.columns, strict=True)
        ]
        return pa.RecordBatch.from_arrays(arrays, names=rb.schema.names)

    def _plain(self, name: str, arr: pa.Array) -> pa.Array:
        t = arr.type
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            if not isinstance(t.value_type, pa.BaseExtensionType):
                return arr
            cls = pa.ListArray if pa.types.is_list(t) else pa.LargeListArray
            values = _storage(arr.values)
            return cls.from_arrays(arr.offsets, values, mask=arr.is_null())
        if not isinstance(t, pa.BaseExtensionType):
            return arr
        storage = _storage(arr)
        if getattr(t, "type_name", None) == "numeric":
            return _numeric(storage, self._numeric.get(name))
        return storage


def _storage(arr: pa.Array) -> pa.Array:
    return arr.storage if isinstance(arr, pa.ExtensionArray) else arr


def _numeric(text: pa.Array, declared: pa.DataType | None) -> pa.Array:
    """PostgreSQL ``numeric`` (sent as text) as a number, so numeric detectors alone apply:
    the declared ``numeric(p,s)``, else integers as decimals, else floats, else text."""
    for target in (declared, pa.decimal128(38, 0), pa.float64()):
        if target is None:
            continue
        try:
            return pc.cast(text, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    return text


def _cut(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= _NOTE_CHARS else one[: _NOTE_CHARS - 1] + "…"
