"""Live databases through ADBC: PostgreSQL (a real server started here) and SQLite files.

The central check is equivalence: the same tables scanned from the database and from Parquet
files give the same findings (row, column, entity), cells per column, roles and skipped
cells. Around it: names without passwords, read-only sessions, table patterns, column
comments feeding header semantics, declared types narrowing detectors, and sampling pushed
into the database with the counts the report's bound needs.

Values are synthetic (``exposure_scan.testing.synthetic``), documented test card numbers,
``example.com`` addresses and TEST-NET IP addresses.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.detectors import EmailDetector
from exposure_scan.errors import ConfigurationError, SourceNotFoundError
from exposure_scan.sources.database import Database, is_database_url, mask_url
from exposure_scan.testing.synthetic import customer_table

pytest.importorskip("adbc_driver_sqlite", reason="adbc-driver-sqlite is not installed")

import pg_server  # tests/ helper

CARDS = ["4111111111111111", "5555555555554444", "378282246310005", "6011111111111117"]
PASSWORD = "Sc4nner-pw-7f3k"  # the read-only role's: must never appear in any output
ROWS = 300


# ------------------------------------------------------------------------------ data
def _customers(id_type: pa.DataType, price_type: pa.DataType | None) -> pa.Table:
    t = customer_table(ROWS, seed=7).table
    t = t.set_column(0, "customer_id", pc.cast(t["customer_id"], id_type))
    if price_type is not None:
        i = t.schema.get_field_index("price")
        t = t.set_column(i, "price", pc.cast(t["price"], price_type))
    return t


def _orders(customer_ids: list[int], *, typed: bool) -> pa.Table:
    """Orders with test PANs as integers, notes with e-mails, JSON, non-UTF-8 receipts."""
    n = 2 * ROWS
    cols: dict[str, Any] = {
        "order_id": pa.array(range(1, n + 1), pa.int32() if typed else pa.int64()),
        "customer_id": pa.array(
            [None if i % 10 == 0 else customer_ids[i % len(customer_ids)] for i in range(n)],
            pa.int32() if typed else pa.int64(),
        ),
        "card_number": pa.array(
            [None if i % 3 == 0 else int(CARDS[i % 4]) for i in range(n)], pa.int64()
        ),
        "note": pa.array(
            [
                None
                if i % 4 == 0
                else f"call back, reply to buyer{i}@example.com"
                if i % 4 == 1
                else "left at the door"
                for i in range(n)
            ]
        ),
        "receipt": pa.array(
            [None if i % 2 else b"\x89PNG\r\n\x1a\n\xff\xfe" + bytes([i % 256]) for i in range(n)],
            pa.binary(),
        ),
    }
    if typed:
        cols["amount"] = pc.cast(
            pa.array([f"{i % 500}.{i % 100:02d}" for i in range(n)]), pa.decimal128(10, 2)
        )
        cols["payload"] = pa.array(
            [None if i % 5 == 0 else json.dumps({"email": f"p{i}@example.com"}) for i in range(n)]
        )
        cols["ip"] = pa.array([f"192.0.2.{i % 250 + 1}" for i in range(n)])
        cols["shipped_at"] = pa.array(
            [1_600_000_000_000_000 + i * 3_600_000_000 for i in range(n)], pa.timestamp("us", "UTC")
        )
    else:
        cols["amount"] = pa.array([(i % 500) + (i % 100) / 100 for i in range(n)], pa.float64())
    return pa.table(cols)


def _write_parquet(tables: dict[str, pa.Table], where: Path) -> list[Path]:
    where.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in tables.items():
        pq.write_table(table, where / f"{name}.parquet")
        paths.append(where / f"{name}.parquet")
    return paths


def _pg_type(field: pa.Field) -> str:
    special = {"uuid": "uuid", "payload": "jsonb", "ip": "inet"}
    if field.name in special:
        return special[field.name]
    t = field.type
    if pa.types.is_int32(t):
        return "integer"
    if pa.types.is_int64(t):
        return "bigint"
    if pa.types.is_decimal(t):
        return f"numeric({t.precision},{t.scale})"
    if pa.types.is_binary(t):
        return "bytea"
    if pa.types.is_timestamp(t):
        return "timestamptz"
    return "text"


def _load_pg(cur: Any, qualified: str, table: pa.Table, extra: str = "") -> None:
    """CREATE TABLE with real types, then INSERT ... SELECT from an ADBC-ingested stage."""

    def q(name: str) -> str:
        return '"' + name + '"'

    cols = ", ".join(f"{q(f.name)} {_pg_type(f)}" for f in table.schema)
    cur.execute(f"CREATE TABLE {qualified} ({cols}{extra})")
    stage = pa.table(
        {
            f.name: pc.cast(table[f.name], pa.string())
            if _pg_type(f) in ("uuid", "jsonb", "inet")
            else table[f.name]
            for f in table.schema
        }
    )
    cur.adbc_ingest("stage", stage, mode="replace")
    select = ", ".join(f"{q(f.name)}::{_pg_type(f)}" for f in table.schema)
    cur.execute(f"INSERT INTO {qualified} SELECT {select} FROM stage")
    cur.execute("DROP TABLE stage")


@pytest.fixture(scope="module")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A server loaded with a customer schema; the scan role ``scanner`` may read public and crm."""
    reason = pg_server.skip_reason()
    if reason is not None:
        pytest.skip(reason)
    import adbc_driver_postgresql.dbapi as pgdb

    customers = _customers(pa.int32(), pa.decimal128(10, 2))
    orders = _orders(customers["customer_id"].to_pylist(), typed=True)
    leak = customer_table(ROWS, seed=7).table
    with pg_server.pg_server() as server:
        conn = pgdb.connect(server.superuser_url(), autocommit=True)
        cur = conn.cursor()
        for stmt in (
            "CREATE SCHEMA crm",
            "CREATE SCHEMA private",
            f"CREATE ROLE scanner LOGIN PASSWORD '{PASSWORD}'",
        ):
            cur.execute(stmt)
        _load_pg(cur, "public.customers", customers, ", PRIMARY KEY (customer_id)")
        _load_pg(
            cur,
            "public.orders",
            orders,
            ", PRIMARY KEY (order_id), FOREIGN KEY (customer_id) REFERENCES public.customers",
        )
        contacts = pa.table(
            {
                "id": pa.array(range(ROWS), pa.int32()),
                "c3": leak["first_name"],
                "c7": leak["email"],
                "c9": leak["first_name"],
            }
        )
        _load_pg(cur, "crm.contacts", contacts, ", PRIMARY KEY (id)")
        usernames = ["1234567", "7654321", "5551234"] * 40
        logins = pa.table({"id": pa.array(range(120), pa.int32()), "username": usernames})
        _load_pg(cur, "public.logins", logins, ", PRIMARY KEY (id)")
        _load_pg(
            cur,
            "public.logins_numeric",
            logins.set_column(1, "username", pc.cast(logins["username"], pa.int64())),
            ", PRIMARY KEY (id)",
        )
        for stmt in (
            "COMMENT ON COLUMN crm.contacts.c3 IS 'first name of the customer'",
            "COMMENT ON COLUMN crm.contacts.c7 IS 'customer e-mail'",
            "COMMENT ON TABLE crm.contacts IS 'CRM export'",
            "CREATE TABLE public.audit_log (id serial PRIMARY KEY, actor text)",
            "INSERT INTO public.audit_log (actor) SELECT 'admin' || g || '@example.com' "
            "FROM generate_series(1, 50) g",
            "CREATE VIEW public.customer_emails AS SELECT email FROM public.customers",
            "CREATE TABLE public.big (id integer PRIMARY KEY, label text)",
            "INSERT INTO public.big SELECT g, 'item ' || g FROM generate_series(1, 20000) g",
            "CREATE TABLE private.payroll (id integer PRIMARY KEY, iban text)",
            "INSERT INTO private.payroll VALUES (1, 'GB82WEST12345698765432')",
            "GRANT USAGE ON SCHEMA public, crm TO scanner",
            "GRANT SELECT ON ALL TABLES IN SCHEMA public, crm TO scanner",
            "ANALYZE",
        ):
            cur.execute(stmt)
        cur.close()
        conn.close()
        sqlite_customers = _customers(pa.int64(), None)
        paths = _write_parquet(
            {"customers": customers, "orders": orders}, tmp_path_factory.mktemp("pg_parquet")
        )
        yield {
            "server": server,
            "url": server.url("scanner", PASSWORD),
            "parquet": paths,
            "leak": leak,
            "sqlite_customers": sqlite_customers,
        }


def _scan(inputs: Any, **options: Any) -> exposure_scan.Report:
    options.setdefault("ner", "off")
    options.setdefault("workers", 1)
    return exposure_scan.scan(inputs, **options)


def _table_of(source: str) -> str:
    return source.split("#", 1)[1].split(".")[-1] if "#" in source else Path(source).stem


def _summary(report: exposure_scan.Report) -> dict[str, Any]:
    """What must not depend on where the rows came from: findings, cells, roles, skips."""
    d = report.to_dict()
    return {
        "findings": Counter(
            (_table_of(f["source"]), f["row"], f["column"], f["entity"])
            for f in report.findings_table().to_pylist()
        ),
        "columns": sorted(
            (
                _table_of(c["source"]),
                c["column"],
                c["cells_scanned"],
                (c["role"] or {}).get("kind"),
                (c["role"] or {}).get("entity"),
            )
            for c in d["columns"]
        ),
        "skipped": sorted(
            (_table_of(s["source"]), s["column"], s["reason"], s["cells"]) for s in d["skipped"]
        ),
    }


def _all_text(report: exposure_scan.Report) -> str:
    return report.to_json() + repr(report) + report.summary()


# --------------------------------------------------------------------- PostgreSQL
def test_postgres_scan_equals_parquet_scan(pg: dict[str, Any]) -> None:
    db = Database(pg["url"], include=["public.customers", "public.orders"])
    from_db = _scan(db)
    from_files = _scan(pg["parquet"])
    assert _summary(from_db) == _summary(from_files)
    found = from_db.counts()
    assert found["CREDIT_CARD"] == 400  # every non-NULL bigint card number
    assert found["EMAIL_ADDRESS"] > 2 * ROWS  # customers, notes and jsonb payloads
    assert found["IP_ADDRESS"] == 2 * ROWS  # inet read as text
    skipped = {(s["column"], s["reason"]) for s in from_db.to_dict()["skipped"]}
    assert ("receipt", "not scannable as text (binary)") in skipped  # bytea, non-UTF-8


def test_postgres_sources_are_tables_named_without_password(pg: dict[str, Any]) -> None:
    report = _scan(pg["url"] + "?exclude=*.audit_*,private.*")
    port = pg["server"].port
    names = {s.source: s for s in report.sources}
    base = f"postgresql://127.0.0.1:{port}/postgres"
    expected = {
        f"{base}#crm.contacts",
        f"{base}#public.big",
        f"{base}#public.customers",
        f"{base}#public.logins",
        f"{base}#public.logins_numeric",
        f"{base}#public.orders",
    }
    assert expected <= set(names)
    assert not any("audit_log" in n or "payroll" in n for n in names)
    assert names[f"{base}#public.orders"].records_read == 2 * ROWS
    assert names[f"{base}#public.big"].records_read == 20000
    assert all(s.error is None for s in report.sources)
    db_account = names[f"postgresql://scanner:***@127.0.0.1:{port}/postgres"]
    notes = " | ".join(db_account.notes)
    assert "6 table(s) scanned" in notes
    assert "customer_emails" in notes and "view" in notes  # views are named, not scanned
    assert "audit_log" in notes  # left out by the patterns, and said so
    contacts = " | ".join(names[f"{base}#crm.contacts"].notes)
    assert "customer e-mail" in contacts and "primary-key order (id)" in contacts
    assert "read as text: uuid (uuid)" in " | ".join(names[f"{base}#public.customers"].notes)
    assert PASSWORD not in _all_text(report)
    assert report.sampling is None


def test_column_comment_feeds_header_semantics(pg: dict[str, Any]) -> None:
    """A comment ("first name") is the column's header: the role says the header announced
    PERSON; the same names in memory, under an opaque name, are found by their values alone."""
    from_db = _scan(Database(pg["url"], include=["crm.*"]))
    table = pg["leak"].select(["first_name", "email"]).rename_columns(["c3", "c7"])
    from_memory = _scan(table)

    def header_and_persons(report: exposure_scan.Report) -> tuple[Any, bool]:
        (role,) = [r for k, r in report.roles.items() if k.endswith("\x1fc3")]
        rows = report.findings_table().to_pylist()
        return role["header"], any(r["column"] == "c3" and r["entity"] == "PERSON" for r in rows)

    assert header_and_persons(from_db) == ("PERSON", True)
    assert header_and_persons(from_memory) == (None, True)


@pytest.mark.parametrize(("table", "usernames"), [("public.logins", 120), ("logins_numeric", 0)])
def test_declared_integer_type_narrows_detectors(
    pg: dict[str, Any], table: str, usernames: int
) -> None:
    """The same digits: text under a ``username`` header are user names; a bigint never is."""
    report = _scan(Database(pg["url"], include=[table]))
    assert report.counts().get("USERNAME", 0) == usernames


def test_postgres_session_is_read_only(pg: dict[str, Any]) -> None:
    from exposure_scan.sources._db_dialects import Postgres

    conn = Postgres().connect(pg["server"].superuser_url())  # even a superuser cannot write
    try:
        cur = conn.cursor()
        with pytest.raises(Exception, match="read-only transaction"):
            cur.execute("CREATE TABLE public.should_not_exist (a int)")
    finally:
        conn.close()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://scanner:{pw}@127.0.0.1:{port}/postgres",  # wrong password
        "postgres://scanner:{pw}@127.0.0.1:{port}/no_such_db",
        "postgresql://scanner@127.0.0.1:{port}/postgres?password={pw}",
        "postgresql://scanner:{pw}@127.0.0.1:1/postgres",  # nothing listens there
    ],
)
def test_failed_connection_never_shows_the_password(pg: dict[str, Any], url: str) -> None:
    secret = "Wr0ng-secret-pw-42"
    full = url.format(pw=secret, port=pg["server"].port)
    report = _scan(full)
    (account,) = report.sources
    assert account.error is not None and account.error.startswith("cannot connect:")
    assert "***" in account.source
    assert secret not in account.error and secret not in _all_text(report)
    assert secret not in repr(Database(full))
    assert report.status("EMAIL_ADDRESS") is exposure_scan.Status.INCONCLUSIVE


def test_password_from_the_environment(pg: dict[str, Any], monkeypatch: Any) -> None:
    """libpq's PGPASSWORD (or ~/.pgpass) keeps the secret out of the URL altogether."""
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    report = _scan(pg["server"].url("scanner") + "?include=public.logins")
    assert [s.error for s in report.sources] == [None, None]
    assert report.counts()["USERNAME"] == 120


def test_table_without_privilege_is_accounted_not_fatal(pg: dict[str, Any]) -> None:
    report = _scan(Database(pg["url"], include=["private.*", "public.logins"]))
    by_table = {_table_of(s.source): s for s in report.sources if "#" in s.source}
    payroll = by_table["payroll"]
    assert payroll.error is not None and "permission denied" in payroll.error
    assert PASSWORD not in payroll.error
    assert by_table["logins"].records_read == 120 and by_table["logins"].error is None
    assert report.status("IBAN_CODE") is exposure_scan.Status.INCONCLUSIVE


def test_postgres_sampling_is_pushed_into_the_database(pg: dict[str, Any]) -> None:
    big = f"{pg['server'].url('scanner', PASSWORD)}?include=public.big"
    via_object = _scan(Database(big, sample=0.1))
    via_scan = _scan(big, sample=0.1)
    for report in (via_object, via_scan):
        assert report.sampling is not None
        (source,) = report.sampling["records_seen"]
        assert report.sampling["records_seen"][source] == 20000
        kept = report.sampling["records_scanned"][source]
        assert 1700 <= kept <= 2300  # Bernoulli(0.1) of 20000: 2000 +- 7 sd
        account = next(s for s in report.sources if s.source == source)
        assert account.records_read == kept  # sampled once, by the database only
        assert any("TABLESAMPLE BERNOULLI (10%)" in n for n in account.notes)
        verdict = report.verdict("EMAIL_ADDRESS")
        assert verdict.status is exposure_scan.Status.INCONCLUSIVE
        assert any("95% upper bound" in r for r in verdict.reasons)
    assert via_object.sampling == via_scan.sampling  # same seed, same rows
    jsonschema = pytest.importorskip("jsonschema")
    from exposure_scan.render.json_schema import REPORT_SCHEMA

    jsonschema.validate(json.loads(via_object.to_json()), REPORT_SCHEMA)
    other_seed = _scan(Database(big, sample=0.1, seed=1))
    assert other_seed.sampling != via_object.sampling
    counted = _scan(Database(big, sample=500, method="system"))
    assert counted.sampling is not None
    assert 0 < sum(counted.sampling["records_scanned"].values()) < 2000


# ------------------------------------------------------------------------ SQLite
def _sqlite_file(path: Path, tables: dict[str, pa.Table], pk: dict[str, str]) -> Path:
    con = sqlite3.connect(path)
    for name, table in tables.items():
        decl = {pa.int64(): "INTEGER", pa.float64(): "REAL", pa.binary(): "BLOB"}
        cols = ", ".join(
            f'"{f.name}" {decl.get(f.type, "TEXT")}'
            + (" PRIMARY KEY" if pk.get(name) == f.name else "")
            for f in table.schema
        )
        con.execute(f'CREATE TABLE "{name}" ({cols})')
        marks = ", ".join("?" for _ in table.schema)
        rows = [tuple(r.values()) for r in table.to_pylist()]
        con.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    con.commit()
    con.close()
    return path


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    where = tmp_path_factory.mktemp("sqlite")
    customers = _customers(pa.int64(), None)
    orders = _orders(customers["customer_id"].to_pylist(), typed=False)
    tables = {"customers": customers, "orders": orders}
    db = _sqlite_file(where / "shop.db", tables, {"customers": "customer_id", "orders": "order_id"})
    return {"path": db, "parquet": _write_parquet(tables, where / "parquet")}


def test_sqlite_scan_equals_parquet_scan(sqlite_db: dict[str, Any]) -> None:
    from_db = _scan(f"sqlite:///{sqlite_db['path']}")
    from_files = _scan(sqlite_db["parquet"])
    assert _summary(from_db) == _summary(from_files)
    assert from_db.counts()["CREDIT_CARD"] == 400
    names = [s.source for s in from_db.sources]
    assert f"sqlite:///{sqlite_db['path']}#customers" in names


def test_sqlite_is_opened_read_only(sqlite_db: dict[str, Any], tmp_path: Path) -> None:
    from exposure_scan.sources._db_dialects import Sqlite

    path = sqlite_db["path"]
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    _scan(f"sqlite:///{path}")
    conn = Sqlite().connect(str(path))
    try:
        with pytest.raises(Exception, match="readonly"):
            conn.cursor().execute("CREATE TABLE t (a)")
    finally:
        conn.close()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["parquet", "shop.db"]


def test_sqlite_patterns_and_sampling(sqlite_db: dict[str, Any]) -> None:
    url = f"sqlite:///{sqlite_db['path']}"
    only = _scan(Database(url, include=["main.orders"]))
    assert {_table_of(s.source) for s in only.sources if "#" in s.source} == {"orders"}
    a = _scan(url + "?include=orders", sample=0.5, seed=3)
    b = _scan(Database(url, include=["orders"], sample=0.5, seed=3))
    assert a.sampling is not None and a.sampling == b.sampling
    (source,) = a.sampling["records_seen"]
    assert a.sampling["records_seen"][source] == 2 * ROWS
    assert 200 <= a.sampling["records_scanned"][source] <= 400
    assert Counter(a.findings_table()["row"].to_pylist()) == Counter(
        b.findings_table()["row"].to_pylist()
    )


_CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(2**62), max_value=2**62),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["x@example.com", "plain words", "", "4111111111111111"]),
    st.binary(max_size=8),
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(_CELL, min_size=1, max_size=40),
    leading_nulls=st.integers(min_value=0, max_value=1500),
)
def test_sqlite_any_storage_classes_read_in_full(
    tmp_path_factory: pytest.TempPathFactory, cells: list[Any], leading_nulls: int
) -> None:
    """SQLite types values, not columns: sparse and mixed columns must still read in full
    (ADBC alone fails on NULLs before text, or integers before text), and every cell is
    either scanned or skipped with a reason (a column mixing text with non-UTF-8 blobs)."""
    path = tmp_path_factory.mktemp("mixed") / "m.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (v, w TEXT)")
    values = [None] * leading_nulls + cells
    con.executemany("INSERT INTO t VALUES (?, ?)", [(v, "x@example.com") for v in values])
    con.commit()
    con.close()
    report = _scan(f"sqlite:///{path}", batch_rows=1000, detectors=[EmailDetector()])
    (table,) = [s for s in report.sources if "#" in s.source]
    assert table.error is None
    assert table.records_read == len(values)
    d = report.to_dict()
    scanned = sum(c["cells_scanned"] for c in d["columns"] if c["column"] == "v")
    skipped = sum(s["cells"] for s in d["skipped"] if s["column"] == "v")
    assert scanned + skipped == sum(v is not None for v in values)
    in_v = sum(1 for v in values if v == "x@example.com")
    found = report.counts().get("EMAIL_ADDRESS", 0)
    if skipped:
        assert len(values) <= found <= len(values) + in_v
    else:
        assert found == len(values) + in_v


def test_missing_sqlite_file_raises() -> None:
    with pytest.raises(SourceNotFoundError):
        _scan("sqlite:///no/such/file.db")


# --------------------------------------------------------------------- URL handling
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://u@h/db", True),
        ("postgres://h/db", True),
        ("POSTGRESQL://h/db", True),
        ("sqlite:///x.db", True),
        ("mysql://h/db", False),
        ("postgresql:/h/db", False),
        ("leak/postgresql.csv", False),
        ("sqlite.db", False),
    ],
)
def test_is_database_url(text: str, expected: bool) -> None:
    assert is_database_url(text) is expected


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://u:secret@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u:p%40ss@h/db?sslmode=require", "postgresql://u:***@h/db?sslmode=require"),
        ("postgresql://u@h/db?password=secret", "postgresql://u@h/db?password=***"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),  # nothing to mask
        ("sqlite:///x.db", "sqlite:///x.db"),
        ("postgresql:///db?host=/run/postgresql", "postgresql:///db?host=/run/postgresql"),
    ],
)
def test_mask_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_url_parameters_are_read_and_not_passed_on() -> None:
    db = Database(
        "postgresql://u:pw@h/db?include=public.*,crm.x&exclude=*.audit_*&sslmode=require"
        "&sample=0.05&method=SYSTEM&seed=9"
    )
    assert db.include == ("public.*", "crm.x")
    assert db.exclude == ("*.audit_*",)
    assert (db.sample, db.method, db.seed) == (0.05, "system", 9)
    assert db.display == "postgresql://u:***@h/db?sslmode=require"
    assert db.base == "postgresql://h/db"
    assert Database("sqlite:///a.db?sample=200").sample == 200


@pytest.mark.parametrize(
    ("kwargs", "url"),
    [
        ({}, "mysql://h/db"),
        ({"sample": 0.0}, "postgresql://h/db"),
        ({"sample": 1.5}, "postgresql://h/db"),
        ({"sample": True}, "postgresql://h/db"),
        ({"method": "random"}, "postgresql://h/db"),
        ({}, "sqlite://host/x.db"),
        ({}, "sqlite:///"),
        ({}, "postgresql://h/db?sample=lots"),
        ({}, "postgresql://h:port/db"),
    ],
)
def test_invalid_database_arguments(kwargs: dict[str, Any], url: str) -> None:
    with pytest.raises(ConfigurationError):
        Database(url, **kwargs)


@pytest.mark.parametrize(
    ("include", "exclude", "table", "chosen"),
    [
        ([], [], "public.customers", True),
        (["public.*"], [], "public.customers", True),
        (["public.*"], [], "crm.customers", False),
        (["customers"], [], "crm.customers", True),  # no dot: any schema
        (["Customers"], [], "public.customers", False),  # identifiers are case-sensitive
        ([], ["*.audit_*"], "public.audit_log", False),
        ([], ["*.audit_*"], "public.auditlog", True),
        (["public.*"], ["public.big"], "public.big", False),
    ],
)
def test_table_patterns(include: list[str], exclude: list[str], table: str, chosen: bool) -> None:
    from exposure_scan.sources._db_dialects import TableInfo

    schema, name = table.split(".")
    db = Database("postgresql://h/db", include=include, exclude=exclude)
    assert db.selects(TableInfo(schema, name, "table")) is chosen
