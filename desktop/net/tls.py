"""Which certificates the client trusts for https:// and wss://.

Both transports verify the server against one CA bundle: certifi's (Mozilla's list, carried inside the frozen
app, so a build trusts the same authorities on every OS), or the PEM file named by CHATIDK_CA_BUNDLE for a
server whose certificate comes from a private CA or is self-signed."""

from __future__ import annotations

import os

CA_BUNDLE_ENV = "CHATIDK_CA_BUNDLE"


def ca_bundle() -> str:
    """The PEM file to verify servers against. Passed explicitly to requests (an explicit path also keeps
    REQUESTS_CA_BUNDLE from overriding it) and to websocket-client as ``sslopt["ca_certs"]``."""
    override = os.environ.get(CA_BUNDLE_ENV, "").strip()
    if override:
        return os.path.expanduser(override)
    import certifi

    return certifi.where()
