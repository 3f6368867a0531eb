"""Online identifiers: IP addresses (GDPR recital 30 names them as personal data).

RE2 has no look-around, so the patterns take the whole dotted (or coloned) token around a
candidate, letters included: ``1.2.3.4.5``, an OID such as ``1.3.6.1.4.1.311`` or ``v1.2.3.4``
is then seen as one token and refused, instead of yielding an address-shaped piece of it.
"""

from __future__ import annotations

from ..masking import mask_digits_keep_last
from . import checksums
from .base import Detector

_HEX = "0-9A-Fa-f"


def mask_ip(value: str) -> str:
    """The first group stays (it names the network operator at most), the rest is hidden."""
    sep = ":" if ":" in value else "."
    head, found, tail = value.partition(sep)
    if not found:
        return mask_digits_keep_last(value, 0)
    return head + sep + "".join(c if c in ".:" else "*" for c in tail)


class IpAddressDetector(Detector):
    """IPv4 dotted quads and IPv6 addresses (full, ``::``-compressed, IPv4-embedded).

    IPv6 needs at least one digit and one ``::`` or eight groups: ``Foo::bar`` in source code
    or a ``12:30:45`` time or a MAC address is not an address. A dotted quad in a version
    column is a build number: the column's header vetoes the detector, or, with no header,
    its values (:func:`.roles.infer_role` gives a clear version column the ``META`` hint).
    """

    entity = "IP_ADDRESS"
    name = "ip_address"
    version = "1"
    pattern = (
        r"[0-9A-Za-z_]*[0-9]+(?:\.[0-9]+){3,}[0-9A-Za-z_]*"
        rf"|[{_HEX}:.]*(?:[{_HEX}]::|::[{_HEX}]|[{_HEX}]{{1,4}}(?::[{_HEX}]{{1,4}}){{7}})"
        r"[0-9A-Za-z_:.]*"
    )
    prefilter = rf"[0-9]\.[0-9]+\.[0-9]+\.[0-9]|[{_HEX}]::|::[{_HEX}]|(?:[{_HEX}]{{1,4}}:){{7}}"
    score = 0.85
    vetoed_by = frozenset({"META", "MODEL", "PRODUCT", "ID", "PHONE_NUMBER"})
    veto_before = (
        r"(?i)(?:\bv|\bver\.?|version|release|build|firmware|\bfw|\brev\.?|\bref\.?|\bsdk"
        r"|\bapp|\bos)\s*[:=#]?\s*"
    )

    def validate(self, value: str) -> bool:
        if ":" not in value:
            return checksums.is_ipv4(value)
        return (
            checksums.is_ipv6(value)
            and "%" not in value
            and any(c.isdigit() for c in value)
            and ("::" in value or value.count(":") == 7)
        )

    def normalise(self, value: str) -> str:
        return value.lower()

    def mask(self, value: str) -> str:
        return mask_ip(value)
