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
    if _mostly_utf8(head):
        return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _mostly_utf8(head: bytes) -> bool:
    """UTF-8, possibly with a few stray bytes of another encoding.

    Files assembled from several exports often are UTF-8 with the odd cp1252 cell; reading
    all of it as cp1252 would garble every accented name to mojibake. So: UTF-8 when the head
    decodes, or when its valid multi-byte sequences outnumber its invalid bytes (cp1252 text
    almost never forms valid UTF-8 sequences by chance). The bad cells are counted per record.
    """
    text = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape").decode(head, False)
    invalid = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    if invalid == 0:
        return True
    multibyte = sum(1 for c in text if c >= "\x80" and not "\udc80" <= c <= "\udcff")
    return multibyte >= invalid


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
