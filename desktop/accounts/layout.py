"""Where each account keeps its data: one folder per (server, user) under ``accounts/`` in the data dir, so
two accounts never share a cache, an outbox, drafts, downloaded files or settings."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

MAX_ACCOUNTS = 5
ACCOUNTS_FOLDER = "accounts"
CACHE_FILE = "cache.sqlite3"  # history, outbox and drafts (desktop/cache)
SETTINGS_FILE = "settings.ini"  # this account's own settings (AccountSettings)


def server_key(server_url: str) -> str:
    """A short name for a server address that is safe in a file name (the address itself is not)."""
    return hashlib.sha256(server_url.rstrip("/").encode()).hexdigest()[:12]


def folder_name(server_url: str, user_id: int) -> str:
    return f"{server_key(server_url)}-{user_id}"


def credential_key(server_url: str, user_id: int) -> str:
    """What the token is kept under, in the keyring and in the credential file alike: server and user, so
    two accounts on one server, or one user id on two servers, never overwrite each other's token."""
    return f"{user_id}@{server_url}"


@dataclass(frozen=True)
class AccountPaths:
    """The folders and files of one account inside the data dir."""

    folder: Path

    @classmethod
    def of(cls, data_dir: Path, server_url: str, user_id: int) -> AccountPaths:
        return cls(data_dir / ACCOUNTS_FOLDER / folder_name(server_url, user_id))

    @property
    def cache_file(self) -> Path:
        return self.folder / CACHE_FILE

    @property
    def settings_file(self) -> Path:
        return self.folder / SETTINGS_FILE
