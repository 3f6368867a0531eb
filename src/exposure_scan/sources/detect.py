"""Format detection: from content first, extension second.

Threat actors rename files (``customers.txt`` that is gzip, ``dump.csv`` that is SQL); the magic
bytes and the structure of the head decide, and the extension only breaks ties.
"""

from __future__ import annotations

import json
import re

COMPRESSIONS: dict[str, tuple[bytes, ...]] = {
    "gzip": (b"\x1f\x8b",),
    "bz2": (b"BZh",),  # and a block or end-of-stream magic: see sniff_compression
    "xz": (b"\xfd7zXZ\x00",),
    "zstd": (b"\x28\xb5\x2f\xfd",),
}

_EXT_FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".psv": "csv",
    ".ssv": "csv",
    ".txt": "text",
    ".log": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".sql": "sql",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".feather": "feather",
    ".arrow": "feather",
    ".ipc": "feather",
    ".orc": "orc",
}

_SQL_HEAD = re.compile(
    r"^[ \t]*(INSERT\s+(IGNORE\s+)?INTO|REPLACE\s+INTO|CREATE\s+TABLE|COPY\s+\S+.*FROM\s+stdin|"
    r"--\s*(MySQL|MariaDB|PostgreSQL|Dump)|/\*!\d+|SET\s+\w+\s*=|LOCK\s+TABLES|DROP\s+TABLE)",
    re.IGNORECASE | re.MULTILINE,
)


#: After ``BZh`` and the block-size digit: the magic of a first block, or of an empty stream.
_BZ2_BLOCK = (b"1AY&SY", b"\x17rE8P\x90")


def sniff_compression(head: bytes) -> str | None:
    for name, magics in COMPRESSIONS.items():
        if any(head.startswith(m) for m in magics):
            if name == "bz2" and not (
                len(head) >= 10 and head[3:4] in b"123456789" and head[4:10] in _BZ2_BLOCK
            ):
                continue  # a text line that happens to start with "BZh"
            return name
    return None


def sniff_container(head: bytes) -> str | None:
    """Archive or binary columnar format from magic bytes, or None for anything else."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    # The columnar magics are short and printable ("ORCHARD;..." is a CSV): these formats
    # are binary, so a NUL byte near the start is required as well.
    if b"\x00" not in head[:4096]:
        return None
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"ARROW1", b"FEA1")):
        return "feather"
    if head.startswith(b"ORC"):
        return "orc"
    if head.startswith(b"\xff\xff\xff\xff") and len(head) > 8:  # Arrow IPC stream
        return "arrow_stream"
    return None


def extension_format(name: str) -> str | None:
    lower = name.lower()
    for suffix in (".gz", ".bz2", ".xz", ".zst", ".zstd"):
        if lower.endswith(suffix):
            lower = lower[: -len(suffix)]
    dot = lower.rfind(".")
    return _EXT_FORMATS.get(lower[dot:]) if dot >= 0 else None


#: The first line of a pretty-printed JSON object: ``{`` alone or ``{"key":``.
_OBJECT_START = re.compile(r'^\{\s*(?:$|"(?:[^"\\]|\\.)*"\s*:)')


def _json_kind(stripped: str, ext: str | None) -> str | None:
    """``json``/``jsonl`` when the head really is JSON; None for look-alikes.

    ``[2024-01-01 12:00] login`` (a log) and ``{name,email}`` (a CSV header) start like JSON;
    the head must parse as JSON for the content to count as JSON.
    """
    dec = json.JSONDecoder()
    if stripped.startswith("["):
        try:
            dec.raw_decode(stripped)
            return "json"
        except ValueError:
            pass
        i = 1
        while i < len(stripped) and stripped[i] in " \t\r\n":
            i += 1
        if stripped[i : i + 1] == "]":
            return "json"
        try:
            end = dec.raw_decode(stripped, i)[1]
        except ValueError:  # a first element cut by the head or damaged, or not JSON at all
            return "json" if stripped[i : i + 1] in ("{", "[", '"') else None
        follow = stripped[end:].lstrip(" \t\r\n")[:1]
        return "json" if follow in (",", "]", "") else None
    lines = stripped.split("\n")
    whole = lines[:-1]  # the last one may be cut by the head
    for line in whole[:20]:
        if line.strip().startswith("{"):
            try:
                if isinstance(json.loads(line), dict):
                    return "jsonl"
            except ValueError:
                continue
    try:
        dec.raw_decode(stripped)
        return "json"  # one object, pretty-printed
    except ValueError:
        pass
    if not whole:  # no complete line: the extension decides
        return "json" if ext == "json" else "jsonl"
    return "json" if _OBJECT_START.match(lines[0].strip()) else None


def sniff_text_format(text: str, name: str, *, complete: bool = False) -> str:
    """``json``, ``jsonl``, ``sql``, ``csv`` or ``text`` from a decoded head and the name.

    The content decides; the extension only settles what the content leaves open (a head
    with no complete line, a one-column CSV). A ``.json`` file that is a CSV is a CSV.
    ``complete`` says the text is the whole stream, not a head cut mid-record.
    """
    ext = extension_format(name)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        kind = _json_kind(stripped, ext)
        if kind is not None:
            return kind
    if _SQL_HEAD.search(text[:65536]):
        return "sql"
    from .delimited import sniff_dialect

    if sniff_dialect(text, strict=True, complete=complete) is not None:
        return "csv"
    return "csv" if ext == "csv" else "text"
