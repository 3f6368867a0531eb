"""Sources: leaked files -> Arrow record batches with provenance.

:func:`iter_sources` walks paths (files, directories, archives, compressed streams), database
URLs (one source per table, :mod:`.database`) and in-memory tables (:mod:`.tables`), and
yields one :class:`~exposure_scan.sources.base.Source` per logical input, in a deterministic
order.
Each source must be consumed (``batches()`` exhausted, then ``finish()``) before the next is
requested: tar members are streamed.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import tarfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from ..errors import (
    ConfigurationError,
    ExposureScanError,
    LimitExceededError,
    SourceNotFoundError,
)
from .base import Batch, HashingReader, Source, SourceAccount
from .containers import (
    BoundedReader,
    DamageGuard,
    Limits,
    PrefixedReader,
    check_declared_size,
    decompress,
    open_binary,
    read_head,
    spool,
)
from .detect import sniff_compression, sniff_container, sniff_text_format
from .encoding import decode_head, is_binary, sniff_encoding

__all__ = ["Batch", "Limits", "ReadOptions", "Source", "SourceAccount", "iter_sources"]

HEAD_BYTES = 1 << 16


@dataclass(frozen=True)
class ReadOptions:
    """How sources read: batch size bounds memory, limits bound hostile input."""

    batch_rows: int = 65536
    block_size: int = 8 << 20
    limits: Limits = field(default_factory=Limits)
    #: The scan's sample and seed: sources that can sample at the origin (a database's
    #: ``TABLESAMPLE``) do so, and say so in ``pushed_sample``; others ignore them.
    sample: float | int | None = None
    seed: int = 0


#: Formats whose records are lines: a line cut by a truncated stream is one lost record.
LINE_FORMATS = frozenset({"csv", "tsv", "csv;", "psv", "jsonl", "text"})


class Reopened(PrefixedReader):
    """A second, independent reading of a source's bytes; closing it closes what it opened."""

    def __init__(self, stream: Any, opened: list[Any]) -> None:
        super().__init__(b"", stream)
        self._opened = opened

    def close(self) -> None:
        super().close()
        for obj in reversed(self._opened):
            with contextlib.suppress(Exception):
                obj.close()


Opener = Callable[[], Reopened]


@dataclass
class Tap:
    """What watches a source's byte stream: the hash of the evidence, and decoder damage.

    ``reopen`` reads the same bytes again from the start when that is possible (a file, a zip
    member, or a compressed layer over one of those; never a tar member, which is streamed).
    """

    hasher: HashingReader
    guards: list[DamageGuard] = field(default_factory=list)
    reopen: Opener | None = None

    def settle(self, account: SourceAccount) -> None:
        """Hash the whole stream and record any damage found while decoding it."""
        try:
            self.hasher.drain()
        except Exception as exc:  # e.g. a zip member whose CRC check fails at its end
            if account.error is None:
                account.error = f"stream could not be read to its end: {_describe(exc)}"
        account.sha256 = self.hasher.hexdigest()
        account.size = self.hasher.bytes_read
        for guard in self.guards:
            if guard.error is None:
                continue
            if account.error is None:
                account.error = guard.error
            if guard.dropped_tail and account.format in LINE_FORMATS:
                account.unreadable(account.records_total, "last record cut by the truncation")
                guard.dropped_tail = 0


class LeafSource:
    """A record-yielding reader plus what must happen when it is done (hash, clean-up)."""

    def __init__(self, inner: Any, tap: Tap, cleanup: Any = None) -> None:
        self.inner = inner
        self.account: SourceAccount = inner.account
        self._tap = tap
        self._cleanup = cleanup

    def batches(self) -> Iterator[Batch]:
        return iter(self.inner.batches())

    def finish(self) -> None:
        self._tap.settle(self.account)
        if self._cleanup is not None:
            self._cleanup.close()


class AccountOnly:
    """A source with no records: an unreadable file, or an archive (members are sources)."""

    def __init__(self, account: SourceAccount, tap: Tap | None) -> None:
        self.account = account
        self._tap = tap

    def batches(self) -> Iterator[Batch]:
        return iter(())

    def finish(self) -> None:
        if self._tap is not None:
            self._tap.settle(self.account)


def iter_sources(paths: Sequence[Any], options: ReadOptions) -> Iterator[Any]:
    """Yield every source of ``paths`` in a stable order (inputs as given, directories sorted).

    An input is a path, a database URL (``postgresql://``, ``sqlite://``) or
    :class:`~.database.Database`, or an in-memory table (:func:`.tables.is_table`). Missing
    paths raise before anything is read.
    """
    from .database import Database, is_database_url
    from .tables import NamedTable, name_tables

    inputs: list[tuple[str, Any, str]] = []
    for p in name_tables(list(paths)):
        if isinstance(p, NamedTable):
            inputs.append(("table", p, ""))
            continue
        if isinstance(p, Database) or (isinstance(p, str) and is_database_url(p)):
            db = p if isinstance(p, Database) else Database(p)
            db.check()
            inputs.append(("database", db, ""))
            continue
        if not isinstance(p, (str, os.PathLike)):
            raise ConfigurationError(f"cannot scan a {type(p).__name__}: not a path or a table")
        path = os.fspath(p)
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for n in sorted(names):
                    full = os.path.join(root, n)
                    inputs.append(("file", full, full))
        elif os.path.exists(path):
            inputs.append(("file", path, path))
        else:
            raise SourceNotFoundError("no such file or directory", source=path)
    for kind, item, path in inputs:
        if kind == "file":
            yield from _file_sources(item, path, options)
        elif kind == "database":
            from .database import iter_database_sources

            yield from iter_database_sources(
                item, batch_rows=options.batch_rows, sample=options.sample, seed=options.seed
            )
        else:
            from .tables import TableSource

            yield TableSource(item, options.batch_rows)


def _file_sources(name: str, path: str, options: ReadOptions) -> Iterator[Any]:
    try:
        raw = open_binary(path)
    except OSError as exc:
        yield AccountOnly(SourceAccount(name, path, error=f"cannot open: {exc.strerror}"), None)
        return
    hasher = HashingReader(raw)
    try:
        tap = Tap(hasher, reopen=functools.partial(_reopen_file, path))
        yield from _stream_sources(name, path, hasher, tap, path, 0, [], options)
    except Exception as exc:  # a hostile file must cost its own account, never the scan
        account = SourceAccount(name, path, error=f"cannot read: {_describe(exc)}")
        with contextlib.suppress(OSError), open_binary(path) as again:
            tap = Tap(HashingReader(again))
            tap.settle(account)
        yield AccountOnly(account, None)
    finally:
        raw.close()


def _stream_sources(
    name: str,
    path: str,
    stream: Any,
    tap: Tap,
    real_path: str | None,
    depth: int,
    compression: list[str],
    options: ReadOptions,
) -> Iterator[Any]:
    """Peel compression layers, open archives, and hand text or columnar bytes to a reader."""
    account = SourceAccount(name, path, compression=list(compression))
    try:
        head = read_head(stream, HEAD_BYTES)
    except Exception as exc:  # e.g. a zip member failing its CRC check within its head
        account.error = f"cannot read: {_describe(exc)}"
        yield AccountOnly(account, tap)
        return
    comp = sniff_compression(head)
    if comp is not None:
        if len(compression) >= options.limits.max_archive_depth:
            account.error = "too many nested compression layers"
            yield AccountOnly(account, tap)
            return
        guard = DamageGuard(decompress(comp, PrefixedReader(head, stream)), comp)
        inner = BoundedReader(guard, tap.hasher, options.limits, name)
        yield from _stream_sources(
            name,
            path,
            inner,
            Tap(
                tap.hasher,
                [*tap.guards, guard],
                _reopen_layer(tap.reopen, comp, options.limits, name),
            ),
            None,
            depth,
            [*compression, comp],
            options,
        )
        return
    container = sniff_container(head)
    if container in ("zip", "tar"):
        if depth >= options.limits.max_archive_depth:
            account.format = container
            account.error = f"archive nesting deeper than {options.limits.max_archive_depth}"
            yield AccountOnly(account, tap)
            return
        yield from _archive_sources(
            container, name, path, head, stream, tap, real_path, depth, account, options
        )
        return
    if container is not None:  # parquet, feather, orc, arrow stream
        from .columnar import ColumnarSource

        tmp = None
        if real_path is None:
            tmp = spool(PrefixedReader(head, stream))
            open_path = tmp.name
        else:
            open_path = real_path
        yield LeafSource(
            ColumnarSource(open_path, account, fmt=container, batch_rows=options.batch_rows),
            tap,
            tmp,
        )
        return
    yield _text_source(name, head, stream, tap, account, options)


def _text_source(
    name: str,
    head: bytes,
    stream: Any,
    tap: Tap,
    account: SourceAccount,
    options: ReadOptions,
) -> Any:
    if not head:
        # Nothing decoded: an empty file, or a compressed stream cut before its first block.
        account.format = "unknown" if any(g.error for g in tap.guards) else "empty"
        return LeafSource(_Empty(account), tap)
    encoding = sniff_encoding(head)
    account.encoding = encoding
    if is_binary(head, encoding):
        account.format = "binary"
        account.error = "binary data of no supported format"
        return AccountOnly(account, tap)
    head_text = decode_head(head, encoding)
    complete = len(head) < HEAD_BYTES  # the head is the whole stream
    fmt = sniff_text_format(head_text, name, complete=complete)
    full = PrefixedReader(head, stream)
    if fmt == "csv":
        from .delimited import DelimitedSource

        return LeafSource(
            DelimitedSource(
                full,
                account,
                head_text=head_text,
                encoding=encoding,
                block_size=options.block_size,
                reopen=tap.reopen,
                complete=complete,
                limits=options.limits,
            ),
            tap,
        )
    text = io.TextIOWrapper(
        io.BufferedReader(cast(io.RawIOBase, full), 1 << 20),
        encoding=encoding,
        errors="surrogateescape",
        newline=None,
    )
    if fmt in ("json", "jsonl"):
        from .jsonl import JsonSource

        return LeafSource(
            JsonSource(
                text,
                account,
                array=fmt == "json",
                batch_rows=options.batch_rows,
                limits=options.limits,
            ),
            tap,
        )
    if fmt == "sql":
        from .sql import SqlSource

        return LeafSource(
            SqlSource(
                text,
                account,
                batch_rows=options.batch_rows,
                max_field_chars=options.limits.max_field_chars,
            ),
            tap,
        )
    from .text import TextSource

    return LeafSource(
        TextSource(text, account, batch_rows=options.batch_rows, limits=options.limits), tap
    )


class _Empty:
    def __init__(self, account: SourceAccount) -> None:
        self.account = account

    def batches(self) -> Iterator[Batch]:
        return iter(())


def _archive_sources(
    kind: str,
    name: str,
    path: str,
    head: bytes,
    stream: Any,
    tap: Tap,
    real_path: str | None,
    depth: int,
    account: SourceAccount,
    options: ReadOptions,
) -> Iterator[Any]:
    account.format = kind
    members = 0
    try:
        if kind == "zip":
            tmp = None
            if real_path is None:
                tmp = spool(PrefixedReader(head, stream))
                zpath = tmp.name
            else:
                zpath = real_path
            try:
                with zipfile.ZipFile(zpath) as zf:
                    for info in zf.infolist():
                        if info.is_dir():
                            continue
                        members += 1
                        _check_members(members, options, name)
                        member_name = f"{name}!{info.filename}"
                        try:
                            check_declared_size(
                                info.file_size, info.compress_size, options.limits, member_name
                            )
                        except LimitExceededError as exc:
                            yield AccountOnly(
                                SourceAccount(member_name, path, error=str(exc)), None
                            )
                            continue
                        with zf.open(info) as member:
                            mh = HashingReader(member)  # type: ignore[arg-type]
                            yield from _stream_sources(
                                f"{name}!{info.filename}",
                                path,
                                mh,
                                Tap(mh, reopen=functools.partial(_reopen_member, zf, info)),
                                None,
                                depth + 1,
                                [],
                                options,
                            )
                    gap = _zip_listing_gap(zf)
                    if gap is not None:
                        account.error = f"archive damaged: {gap}"
            finally:
                if tmp is not None:
                    tmp.close()
        else:
            with tarfile.open(fileobj=PrefixedReader(head, stream), mode="r|*") as tf:  # type: ignore[call-overload]
                for m in tf:
                    if not m.isfile():
                        continue
                    members += 1
                    _check_members(members, options, name)
                    try:
                        check_declared_size(m.size, 0, options.limits, f"{name}!{m.name}")
                    except LimitExceededError as exc:
                        yield AccountOnly(
                            SourceAccount(f"{name}!{m.name}", path, error=str(exc)), None
                        )
                        continue
                    f = tf.extractfile(m)
                    if f is None:
                        continue
                    mh = HashingReader(f)
                    yield from _stream_sources(
                        f"{name}!{m.name}", path, mh, Tap(mh), None, depth + 1, [], options
                    )
    except Exception as exc:  # zipfile alone raises six kinds, NotImplementedError included
        account.error = f"archive damaged after {members} member(s): {_describe(exc)}"
    account.notes.append(f"{members} member(s)")
    yield AccountOnly(account, tap)


def _zip_listing_gap(zf: zipfile.ZipFile) -> str | None:
    """Whether the central directory lists fewer (or more) members than the archive's end
    record declares: one corrupted length field can swallow the entries after it, and the
    members they describe would be silently missing from the scan."""
    end_record = getattr(zipfile, "_EndRecData", None)
    total = getattr(zipfile, "_ECD_ENTRIES_TOTAL", None)
    if end_record is None or total is None or zf.fp is None:
        return None
    try:
        endrec = end_record(zf.fp)
    except Exception:
        return None
    if not endrec:
        return None
    declared, listed = int(endrec[total]), len(zf.infolist())
    if declared == listed:
        return None
    return (
        f"its central directory lists {listed} member(s) but its end record declares "
        f"{declared}: members may be missing from the scan"
    )


def _reopen_file(path: str) -> Reopened:
    f = open_binary(path)
    return Reopened(f, [f])


def _reopen_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Reopened:
    m = zf.open(info)
    return Reopened(m, [m])


def _reopen_layer(prev: Opener | None, comp: str, limits: Limits, name: str) -> Opener | None:
    if prev is None:
        return None

    def opener() -> Reopened:
        base = prev()
        packed = HashingReader(base)  # type: ignore[arg-type]
        dec = decompress(comp, packed)
        return Reopened(BoundedReader(DamageGuard(dec, comp), packed, limits, name), [base, dec])

    return opener


def _check_members(members: int, options: ReadOptions, name: str) -> None:
    if members > options.limits.max_archive_members:
        raise LimitExceededError(
            f"more than {options.limits.max_archive_members} archive members", source=name
        )


def _describe(exc: BaseException) -> str:
    """An exception as one line without echoing data (messages of parsers may quote bytes)."""
    if isinstance(exc, ExposureScanError):
        return str(exc)
    return type(exc).__name__
