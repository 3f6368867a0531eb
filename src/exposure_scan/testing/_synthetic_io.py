"""Writers that turn a SyntheticLeak into the file shapes leaks are found in.

Output is byte-deterministic (no timestamps in gzip/zip/tar headers), so benchmark fixtures
can be cached and compared by hash.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import gzip
import io
import json
import lzma
import pathlib
import re
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any, cast

import pyarrow as pa

if TYPE_CHECKING:
    from exposure_scan.testing.synthetic import SyntheticLeak

FORMATS = ("csv", "tsv", "psv", "ssv", "jsonl", "json", "parquet", "feather", "orc", "sql",
           "pgsql", "txt")  # fmt: skip
TEXT_FORMATS = frozenset(FORMATS) - {"parquet", "feather", "orc"}
_ALIASES = {"ndjson": "jsonl", "arrow": "feather", "psql": "pgsql", "log": "txt"}
_DELIMITERS = {"csv": ",", "tsv": "\t", "psv": "|", "ssv": ";"}
_ARCHIVES = (
    (".tar.gz", "tar.gz"), (".tgz", "tar.gz"), (".tar.bz2", "tar.bz2"), (".tar.xz", "tar.xz"),
    (".tar", "tar"), (".zip", "zip"),
)  # fmt: skip
_COMPRESSIONS = (".gz", ".bz2", ".xz", ".zst")
_LOSSLESS = frozenset({"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"})
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def parse_target(path: pathlib.Path, fmt: str | None) -> tuple[str, str, str | None, str | None]:
    """-> (format, inner file name, compression suffix, archive kind) from the file name."""
    name, archive, compression = path.name, None, None
    for suffix, kind in _ARCHIVES:
        if name.lower().endswith(suffix):
            name, archive = name[: -len(suffix)], kind
            break
    else:
        for suffix in _COMPRESSIONS:
            if name.lower().endswith(suffix):
                name, compression = name[: -len(suffix)], suffix
                break
    _, dot, ext = name.rpartition(".")
    ext = _ALIASES.get(ext.lower(), ext.lower()) if dot else ""
    chosen = _ALIASES.get(fmt, fmt) if fmt else ext
    if chosen not in FORMATS:
        raise ValueError(f"unknown leak format {chosen!r}; expected one of {FORMATS}")
    if ext not in FORMATS:
        name = f"{name}.{chosen}"
    return chosen, name, compression, archive


def write_leak(
    leak: SyntheticLeak, path: pathlib.Path, fmt: str | None, encoding: str
) -> pathlib.Path:
    chosen, inner, compression, archive = parse_target(path, fmt)
    if chosen in TEXT_FORMATS:
        degrade(leak, encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    if compression is None and archive is None:
        _render(leak, chosen, path, encoding)
        return path
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        inner_path = pathlib.Path(tmp) / inner
        _render(leak, chosen, inner_path, encoding)
        if archive is not None:
            _pack(inner_path, path, archive)
        elif compression is not None:
            with (
                inner_path.open("rb") as src,
                path.open("wb") as raw,
                _compressor(raw, compression) as dst,
            ):
                shutil.copyfileobj(src, dst, 1 << 20)
    return path


def _compressor(raw: IO[bytes], suffix: str) -> io.BufferedIOBase:
    """A compressing writer over ``raw`` that leaves closing ``raw`` to the caller."""
    if suffix == ".gz":
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
    if suffix == ".bz2":
        return bz2.BZ2File(raw, "wb")
    if suffix == ".xz":
        return lzma.LZMAFile(raw, "wb")
    import zstandard

    writer = zstandard.ZstdCompressor().stream_writer(raw, closefd=False)
    return cast(io.BufferedIOBase, writer)


def _pack(inner: pathlib.Path, path: pathlib.Path, kind: str) -> None:
    if kind == "zip":
        info = zipfile.ZipInfo(inner.name, date_time=_ZIP_EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(path, "w") as zf, inner.open("rb") as src, zf.open(info, "w") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        return
    tar_info = tarfile.TarInfo(inner.name)
    tar_info.size, tar_info.mtime, tar_info.mode = inner.stat().st_size, 0, 0o644
    compression = kind.partition(".")[2] or None
    with path.open("wb") as raw, contextlib.ExitStack() as stack:
        sink: IO[bytes] | io.BufferedIOBase = raw
        if compression == "gz":  # our own gzip layer: tarfile's would stamp the time
            sink = stack.enter_context(_compressor(raw, ".gz"))
        mode = "w|" if compression in (None, "gz") else f"w|{compression}"
        with (
            tarfile.open(fileobj=sink, mode=mode, format=tarfile.USTAR_FORMAT) as tf,  # type: ignore[call-overload]
            inner.open("rb") as src,
        ):
            tf.addfile(tar_info, src)


# ---------------------------------------------------------------------------- encodings


def _lossy(encoding: str) -> bool:
    return codecs.lookup(encoding).name not in _LOSSLESS


def degrade(leak: SyntheticLeak, encoding: str) -> None:
    """Make table, columns and truth read back exactly as the file will under ``encoding``.

    Unencodable characters become one ``?`` each (offsets survive); truth rows whose value has
    no letter or digit left are dropped, since nothing detectable remains of them.
    """
    if not _lossy(encoding):
        return

    def rt(text: str) -> str:
        return text.encode(encoding, errors="replace").decode(encoding)

    names = [rt(n) for n in leak.table.column_names]
    arrays = []
    for col in leak.table.columns:
        values = col.to_pylist()
        arrays.append(pa.array([None if v is None else rt(v) for v in values], pa.string()))
    renamed = dict(zip(leak.table.column_names, names, strict=True))
    leak.table = pa.table(dict(zip(names, arrays, strict=True)))
    leak.columns = {renamed[k]: v for k, v in leak.columns.items()}
    truth = leak.truth
    value = [rt(v) for v in truth["value"].to_pylist()]
    column = [renamed[c] for c in truth["column"].to_pylist()]
    truth = truth.set_column(truth.schema.get_field_index("value"), "value", pa.array(value))
    truth = truth.set_column(truth.schema.get_field_index("column"), "column", pa.array(column))
    keep = pa.array([any(ch.isalnum() for ch in v) for v in value], pa.bool_())
    leak.truth = truth.filter(keep)


# ---------------------------------------------------------------------------- renderers


def _rows(table: pa.Table) -> Iterator[tuple[Any, ...]]:
    for batch in table.to_batches(max_chunksize=65536):
        yield from zip(*(c.to_pylist() for c in batch.columns), strict=True)


def _render(leak: SyntheticLeak, fmt: str, path: pathlib.Path, encoding: str) -> None:
    table = leak.table
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, path)
    elif fmt == "feather":
        import pyarrow.feather as feather

        feather.write_feather(table, path)
    elif fmt == "orc":
        import pyarrow.orc as orc

        orc.write_table(table, path)
    else:
        with path.open("w", encoding=encoding, errors="replace", newline="") as out:
            _render_text(leak, fmt, out, encoding)


def _render_text(leak: SyntheticLeak, fmt: str, out: IO[str], encoding: str) -> None:
    table, names = leak.table, leak.table.column_names
    if fmt in _DELIMITERS:
        writer = csv.writer(out, delimiter=_DELIMITERS[fmt], lineterminator="\n")
        if leak.header != "none":
            writer.writerow(names)
        writer.writerows(_rows(table))
    elif fmt == "jsonl":
        for row in _rows(table):
            out.write(json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False) + "\n")
    elif fmt == "json":
        out.write("[")
        for i, row in enumerate(_rows(table)):
            out.write(
                ("\n" if i == 0 else ",\n")
                + json.dumps(dict(zip(names, row, strict=True)), ensure_ascii=False)
            )
        out.write("\n]\n")
    elif fmt == "sql":
        _mysqldump(_table_name(leak), names, _rows(table), out)
    elif fmt == "pgsql":
        _pg_dump(_table_name(leak), names, _rows(table), out, encoding)
    else:
        _text_lines(leak, out)


def _table_name(leak: SyntheticLeak) -> str:
    return "support_tickets" if leak.kind == "tickets" else "customers"


_MYSQL_ESCAPES = str.maketrans({
    "\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\0": "\\0", "\x1a": "\\Z",
})  # fmt: skip


def _mysqldump(
    table: str, names: Sequence[str], rows: Iterator[tuple[Any, ...]], out: IO[str]
) -> None:
    def ident(name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    out.write(
        "-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n--\n-- Host: localhost"
        "    Database: shop\n-- ------------------------------------------------------\n"
        "/*!40101 SET NAMES utf8mb4 */;\n\n"
        f"DROP TABLE IF EXISTS {ident(table)};\nCREATE TABLE {ident(table)} (\n"
    )
    out.write(",\n".join(f"  {ident(n)} varchar(255) DEFAULT NULL" for n in names))
    out.write("\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n\n")
    out.write(f"LOCK TABLES {ident(table)} WRITE;\n")
    batch: list[str] = []

    def flush() -> None:
        if batch:
            out.write(f"INSERT INTO {ident(table)} VALUES {','.join(batch)};\n")
            batch.clear()

    for row in rows:
        cells = ("NULL" if v is None else "'" + v.translate(_MYSQL_ESCAPES) + "'" for v in row)
        batch.append("(" + ",".join(cells) + ")")
        if len(batch) == 500:
            flush()
    flush()
    out.write("UNLOCK TABLES;\n")


_PG_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_PG_ENCODINGS = {"utf-8": "UTF8", "utf-8-sig": "UTF8", "cp1252": "WIN1252", "latin-1": "LATIN1"}


def _pg_dump(
    table: str, names: Sequence[str], rows: Iterator[tuple[Any, ...]], out: IO[str], encoding: str
) -> None:
    def ident(name: str) -> str:
        return (
            name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'
        )

    pg_encoding = _PG_ENCODINGS.get(codecs.lookup(encoding).name, "UTF8")
    out.write(
        "--\n-- PostgreSQL database dump\n--\n\n"
        f"SET client_encoding = '{pg_encoding}';\nSET standard_conforming_strings = on;\n\n"
        f"CREATE TABLE public.{table} (\n"
    )
    out.write(",\n".join(f"    {ident(n)} text" for n in names))
    out.write("\n);\n\n")
    out.write(f"COPY public.{table} ({', '.join(ident(n) for n in names)}) FROM stdin;\n")
    for row in rows:
        out.write("\t".join("\\N" if v is None else v.translate(_PG_ESCAPES) for v in row) + "\n")
    out.write("\\.\n\n")


def _text_lines(leak: SyntheticLeak, out: IO[str]) -> None:
    """Tickets: '<timestamp> [<id>] <text>'. Customers: one line per row naming every
    non-null cell, so each truth value still appears on the line of its row."""
    names = leak.table.column_names
    if leak.kind == "tickets":
        for ts, ticket, text in _rows(leak.table.select(["timestamp", "ticket_id", "text"])):
            out.write(f"{ts} [{ticket}] {text}\n")
        return
    for i, row in enumerate(_rows(leak.table)):
        fields = "; ".join(f"{n}: {v}" for n, v in zip(names, row, strict=True) if v is not None)
        out.write(f"Customer record {i + 1} updated by support. {fields}\n")
