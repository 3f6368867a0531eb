"""Sources: leaked files -> Arrow record batches with provenance.

:func:`iter_sources` walks paths (files, directories, archives, compressed streams) and yields
one :class:`~exposure_scan.sources.base.Source` per logical input, in a deterministic order.
Each source must be consumed (``batches()`` exhausted, then ``finish()``) before the next is
requested: tar members are streamed.
"""

from __future__ import annotations

import contextlib
import io
import os
import tarfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ExposureScanError, LimitExceededError, SourceNotFoundError
from .base import Batch, HashingReader, Source, SourceAccount
from .containers import (
    BoundedReader,
    Limits,
    PrefixedReader,
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
    block_size: int = 4 << 20
    limits: Limits = field(default_factory=Limits)


class LeafSource:
    """A record-yielding reader plus what must happen when it is done (hash, clean-up)."""

    def __init__(self, inner: Any, hasher: HashingReader | None, cleanup: Any = None) -> None:
        self.inner = inner
        self.account: SourceAccount = inner.account
        self._hasher = hasher
        self._cleanup = cleanup

    def batches(self) -> Iterator[Batch]:
        return iter(self.inner.batches())

    def finish(self) -> None:
        if self._hasher is not None:
            try:
                self._hasher.drain()
            except Exception:  # the damage is already recorded by the caller
                self.account.notes.append("stream could not be read to its end for hashing")
            self.account.sha256 = self._hasher.hexdigest()
            self.account.size = self._hasher.bytes_read
        if self._cleanup is not None:
            self._cleanup.close()


class AccountOnly:
    """A source with no records: an unreadable file, or an archive (members are sources)."""

    def __init__(self, account: SourceAccount, hasher: HashingReader | None = None) -> None:
        self.account = account
        self._hasher = hasher

    def batches(self) -> Iterator[Batch]:
        return iter(())

    def finish(self) -> None:
        if self._hasher is not None:
            with contextlib.suppress(Exception):
                self._hasher.drain()
            self.account.sha256 = self._hasher.hexdigest()
            self.account.size = self._hasher.bytes_read


def iter_sources(paths: Sequence[str | os.PathLike[str]], options: ReadOptions) -> Iterator[Any]:
    """Yield every source under ``paths`` in a stable order (paths as given, then sorted)."""
    files: list[tuple[str, str]] = []
    for p in paths:
        path = os.fspath(p)
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs.sort()
                for n in sorted(names):
                    full = os.path.join(root, n)
                    files.append((full, full))
        elif os.path.exists(path):
            files.append((path, path))
        else:
            raise SourceNotFoundError("no such file or directory", source=path)
    for name, path in files:
        yield from _file_sources(name, path, options)


def _file_sources(name: str, path: str, options: ReadOptions) -> Iterator[Any]:
    try:
        raw = open_binary(path)
    except OSError as exc:
        yield AccountOnly(SourceAccount(name, path, error=f"cannot open: {exc.strerror}"))
        return
    hasher = HashingReader(raw)
    try:
        yield from _stream_sources(name, path, hasher, hasher, path, 0, [], options)
    finally:
        raw.close()


def _stream_sources(
    name: str,
    path: str,
    stream: Any,
    hasher: HashingReader,
    real_path: str | None,
    depth: int,
    compression: list[str],
    options: ReadOptions,
) -> Iterator[Any]:
    """Peel compression layers, open archives, and hand text or columnar bytes to a reader."""
    account = SourceAccount(name, path, compression=list(compression))
    try:
        head = read_head(stream, HEAD_BYTES)
    except (OSError, EOFError, ExposureScanError, ValueError) as exc:
        account.error = f"cannot read: {_describe(exc)}"
        yield AccountOnly(account, hasher)
        return
    comp = sniff_compression(head)
    if comp is not None:
        if len(compression) >= options.limits.max_archive_depth:
            account.error = "too many nested compression layers"
            yield AccountOnly(account, hasher)
            return
        inner = BoundedReader(
            decompress(comp, PrefixedReader(head, stream)), hasher, options.limits, name
        )
        yield from _stream_sources(
            name, path, inner, hasher, None, depth, [*compression, comp], options
        )
        return
    container = sniff_container(head)
    if container in ("zip", "tar"):
        if depth >= options.limits.max_archive_depth:
            account.format = container
            account.error = f"archive nesting deeper than {options.limits.max_archive_depth}"
            yield AccountOnly(account, hasher)
            return
        yield from _archive_sources(
            container, name, path, head, stream, hasher, real_path, depth, account, options
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
            hasher,
            tmp,
        )
        return
    yield _text_source(name, head, stream, hasher, account, options)


def _text_source(
    name: str,
    head: bytes,
    stream: Any,
    hasher: HashingReader,
    account: SourceAccount,
    options: ReadOptions,
) -> Any:
    if not head:
        account.format = "empty"
        return LeafSource(_Empty(account), hasher)
    encoding = sniff_encoding(head)
    account.encoding = encoding
    if is_binary(head, encoding):
        account.format = "binary"
        account.error = "binary data of no supported format"
        return AccountOnly(account, hasher)
    head_text = decode_head(head, encoding)
    fmt = sniff_text_format(head_text, name)
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
            ),
            hasher,
        )
    text = io.TextIOWrapper(
        io.BufferedReader(full, 1 << 20),  # type: ignore[arg-type]
        encoding=encoding,
        errors="surrogateescape",
        newline=None,
    )
    if fmt in ("json", "jsonl"):
        from .jsonl import JsonSource

        return LeafSource(
            JsonSource(text, account, array=fmt == "json", batch_rows=options.batch_rows), hasher
        )
    if fmt == "sql":
        from .sql import SqlSource

        return LeafSource(SqlSource(text, account, batch_rows=options.batch_rows), hasher)
    from .text import TextSource

    return LeafSource(TextSource(text, account, batch_rows=options.batch_rows), hasher)


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
    hasher: HashingReader,
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
                        with zf.open(info) as member:
                            mh = HashingReader(member)  # type: ignore[arg-type]
                            yield from _stream_sources(
                                f"{name}!{info.filename}",
                                path,
                                mh,
                                mh,
                                None,
                                depth + 1,
                                [],
                                options,
                            )
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
                    f = tf.extractfile(m)
                    if f is None:
                        continue
                    mh = HashingReader(f)  # type: ignore[arg-type]
                    yield from _stream_sources(
                        f"{name}!{m.name}", path, mh, mh, None, depth + 1, [], options
                    )
    except (
        zipfile.BadZipFile,
        tarfile.TarError,
        OSError,
        EOFError,
        LimitExceededError,
        ValueError,
    ) as exc:
        account.error = f"archive damaged after {members} member(s): {_describe(exc)}"
    account.notes.append(f"{members} member(s)")
    yield AccountOnly(account, hasher)


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
