"""Which certificates the client trusts for https:// and wss://, and which addresses send passwords in clear.

Both transports verify the server against one CA bundle: certifi's (Mozilla's list, carried inside the frozen
app, so a build trusts the same authorities on every OS), or the PEM file named by CHATIDK_CA_BUNDLE for a
server whose certificate comes from a private CA or is self-signed."""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

CA_BUNDLE_ENV = "CHATIDK_CA_BUNDLE"


def ca_bundle() -> str:
    """The PEM file to verify servers against. Passed explicitly to requests (an explicit path also keeps
    REQUESTS_CA_BUNDLE from overriding it) and to websocket-client as ``sslopt["ca_certs"]``."""
    override = os.environ.get(CA_BUNDLE_ENV, "").strip()
    if override:
        return os.path.expanduser(override)
    import certifi

    return certifi.where()


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
    url = server_url.strip()
    if not url:
        return False
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "ws") and bool(host) and not is_loopback_host(host)
