"""Where the client keeps its files and which server it talks to: every CHATIDK_DESKTOP_* setting."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "ChatIDK"
DEFAULT_SERVER_URL = "http://127.0.0.1:8000"


def default_data_dir() -> Path:
    """CHATIDK_DESKTOP_DATA_DIR overrides the platform's user data dir (tests, a second client)."""
    override = os.environ.get("CHATIDK_DESKTOP_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass
class ClientConfig:
    """Settings for one client instance; tests build several in one process with their own data dirs."""

    data_dir: Path = field(default_factory=default_data_dir)
    server_url: str | None = None  # --server or CHATIDK_SERVER_URL; else the last one used; else the default
    credential_backend: str = field(
        default_factory=lambda: os.environ.get("CHATIDK_DESKTOP_CREDENTIALS", "auto")
    )  # "auto" (keyring if usable, else file), "keyring" or "file"
    notifications: bool = True

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir)
        if self.server_url is None:
            self.server_url = os.environ.get("CHATIDK_SERVER_URL") or None

    def ensure_data_dir(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self.data_dir
