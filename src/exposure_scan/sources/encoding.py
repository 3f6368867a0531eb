"""Text encodings of leaked files: decided from the bytes, never assumed.

Exports from old CRMs are cp1252, Excel writes UTF-16 with a BOM, web tools write UTF-8 with or
without one. The encoding is decided from the head of the stream; bytes that turn out not to
decode later in the file are handled per record by the reader (counted, never guessed).
"""

from __future__ import annotations

import codecs

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def sniff_encoding(head: bytes) -> str:
    """The encoding of a text stream from its first bytes.

    Order: a BOM; UTF-16 without BOM (NUL bytes in every other position); UTF-8 if the head
    decodes (a multi-byte character cut at the end of the head is allowed); else cp1252, the
    Windows default of Western European exports; latin-1 only if cp1252 cannot decode (it
    leaves five byte values undefined), because latin-1 decodes anything and proves nothing.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    sample = head[:4096]
    if len(sample) >= 4:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
            return "utf-16-le"
        if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
            return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def decode_head(head: bytes, encoding: str) -> str:
    """Decode a head sample, tolerating a character cut at the end."""
    dec = codecs.getincrementaldecoder(encoding)(errors="replace")
    return dec.decode(head, final=False)


def is_binary(head: bytes, encoding: str) -> bool:
    """True when the head is not text in ``encoding`` (NULs or many control characters)."""
    if encoding.startswith(("utf-16", "utf-32")):
        return False
    if not head:
        return False
    if b"\x00" in head[:8192]:
        return True
    text = decode_head(head[:8192], encoding)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f\v\x1a")
    return controls > 0.1 * max(len(text), 1)
