"""What a client keeps in its data dir, read as a test does: the token kept for an account of a server."""

from __future__ import annotations

import json
from pathlib import Path


def stored_login(data_dir: Path, server_url: str) -> dict | None:
    """The credential file's entry for the (only) account of ``server_url`` (keyed by server and user)."""
    try:
        data = json.loads((data_dir / "credentials.json").read_text(encoding="utf-8"))
    except OSError:
        return None
    found = [value for key, value in data.items() if key.endswith("@" + server_url.rstrip("/"))]
    assert len(found) <= 1, found
    return found[0] if found else None
