"""The one case folding of login names: what the account lookup compares and what login throttling counts.

Usernames are ASCII (schema.sql), so only ASCII letters are folded. Python's ``str.lower()`` and PostgreSQL's
``lower()`` disagree beyond ASCII ("İ" is "i" to PostgreSQL and "i̇" to Python), and a throttle keyed by one
while the lookup used the other gave a name with n "i"s 2ⁿ fresh counters. Now the lookup compares
``lower(username COLLATE "C")`` (ASCII-only in every locale) with the folded name, so each account is found by
exactly one key, and a name with other letters in it finds no account at all.
"""

from __future__ import annotations

import ipaddress
import string

_ASCII_FOLD = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def fold(name: str) -> str:
    return name.translate(_ASCII_FOLD)


def address_key(address: str | None) -> str | None:
    """The client address as throttling counts it: IPv4 as is, IPv6 by its /64 (one subscriber's prefix,
    which holds more addresses than any limit could count one by one)."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)
