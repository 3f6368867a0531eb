"""Contact data detectors: email addresses (phones, names and addresses: see the catalogue)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..masking import mask_email, mask_email_many
from . import checksums
from .base import Detector

#: ``EmailDetector.pattern`` as a whole value, and what ``is_email_syntax`` then still asks of
#: it: a dot-atom local part and LDH labels that neither start nor end with a hyphen.
_WHOLE = (
    r"^[A-Za-z0-9][A-Za-z0-9._%+'\-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.)+[A-Za-z]{2,24}$"
)
_ATOM = r"[A-Za-z0-9_%+'\-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
_SYNTAX = rf"^{_ATOM}(?:\.{_ATOM})*@(?:{_LABEL}\.)+[A-Za-z]{{2,24}}$"


class EmailDetector(Detector):
    """An address-shaped string whose syntax is valid and whose TLD exists.

    The TLD check drops look-alikes such as ``user@host.local`` or ``a@b.c`` from log lines,
    using the public-suffix snapshot shipped offline (never fetched at run time).
    """

    entity = "EMAIL_ADDRESS"
    name = "email"
    version = "1"
    pattern = (
        r"[A-Za-z0-9][A-Za-z0-9._%+'\-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.)+[A-Za-z]{2,24}"
    )
    prefilter = r"@"
    score = 0.95

    def validate(self, value: str) -> bool:
        tld = value.rsplit(".", 1)[-1]
        return checksums.is_email_syntax(value) and checksums.is_known_tld(tld)

    def normalise(self, value: str) -> str:
        return value.strip().lower()

    def check_many(self, values: pa.Array, regions: pa.Array | None) -> pa.Array:
        """:meth:`check` in pyarrow for values of the ASCII pattern's shape (all of a table's
        e-mail column, as a rule); anything else is checked value by value."""
        shaped = pc.fill_null(pc.match_substring_regex(values, _WHOLE), False)
        syntax = pc.and_(
            pc.fill_null(pc.match_substring_regex(values, _SYNTAX), False),
            pc.less_equal(pc.utf8_length(values), 254),
        )
        tld = pc.utf8_lower(pc.replace_substring_regex(values, r"^.*\.", ""))
        known = checksums.known_tlds()
        tld_ok = (
            pc.is_in(tld, value_set=pa.array(sorted(known), pa.string()))
            if known
            else pa.array([checksums.is_known_tld(t) for t in tld.to_pylist()], pa.bool_())
        )
        ok = pc.and_(syntax, tld_ok)
        fast = pc.if_else(ok, pc.utf8_lower(values), pa.scalar(None, pa.string()))
        if pc.all(shaped).as_py():
            return fast
        slow = [
            None if good else self.check(v)
            for v, good in zip(values.to_pylist(), shaped.to_pylist(), strict=True)
        ]
        return pc.if_else(shaped, fast, pa.array(slow, pa.string()))

    def mask(self, value: str) -> str:
        return mask_email(value)

    def mask_many(self, values: pa.Array) -> pa.Array:
        return mask_email_many(values)
