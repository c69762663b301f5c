"""Server addresses as typed: the form the client uses, and which ones would send passwords in clear."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def normalize_server_url(url: str) -> str:
    url = url.strip().rstrip("/")
    if url and "://" not in url:
        url = "http://" + url
    return url


def is_loopback_host(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sends_in_clear(server_url: str) -> bool:
    """True for a plain http:// (or scheme-less) address of another machine: anyone on the path can read
    the password, the token and every message. Loopback and https:// are fine."""
    url = normalize_server_url(server_url)
    if not url:
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "ws") and bool(host) and not is_loopback_host(host)


def server_host(server_url: str) -> str:
    """The address to show a person ("chat.example.org", "localhost:5001"): the host and any port, without
    the scheme or a path; the address as typed if it will not parse."""
    url = normalize_server_url(server_url)
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return server_url
    return netloc.rsplit("@", 1)[-1] or server_url
