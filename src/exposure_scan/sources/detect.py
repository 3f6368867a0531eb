"""Format detection: from content first, extension second.

Threat actors rename files (``customers.txt`` that is gzip, ``dump.csv`` that is SQL); the magic
bytes and the structure of the head decide, and the extension only breaks ties.
"""

from __future__ import annotations

import re

COMPRESSIONS: dict[str, tuple[bytes, ...]] = {
    "gzip": (b"\x1f\x8b",),
    "bz2": (b"BZh",),
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
    r"^\s*(INSERT\s+(IGNORE\s+)?INTO|REPLACE\s+INTO|CREATE\s+TABLE|COPY\s+\S+.*FROM\s+stdin|"
    r"--\s*(MySQL|MariaDB|PostgreSQL|Dump)|/\*!\d+|SET\s+\w+\s*=|LOCK\s+TABLES|DROP\s+TABLE)",
    re.IGNORECASE | re.MULTILINE,
)


def sniff_compression(head: bytes) -> str | None:
    for name, magics in COMPRESSIONS.items():
        if any(head.startswith(m) for m in magics):
            return name
    return None


def sniff_container(head: bytes) -> str | None:
    """Archive or binary columnar format from magic bytes, or None for anything else."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"ARROW1"):
        return "feather"
    if head.startswith(b"FEA1"):
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


def sniff_text_format(text: str, name: str) -> str:
    """``json``, ``jsonl``, ``sql``, ``csv`` or ``text`` from a decoded head and the name."""
    ext = extension_format(name)
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        first = stripped.split("\n", 1)[0].strip()
        if first.endswith("}") or ext == "jsonl":
            return "jsonl"
        return "json" if ext == "json" else "jsonl"
    if _SQL_HEAD.search(text[:65536]):
        return "sql"
    if ext in ("csv", "text", "sql", "json", "jsonl"):
        if ext == "text":
            from .delimited import sniff_dialect

            return "csv" if sniff_dialect(text, strict=True) is not None else "text"
        return ext
    from .delimited import sniff_dialect

    return "csv" if sniff_dialect(text, strict=True) is not None else "text"
