"""Keeps the sign-in token between runs: the OS keyring where one works, else a file only the user reads."""

from __future__ import annotations

import contextlib
import json
import logging
import os
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)
SERVICE = "ChatIDK"


class CredentialStore(Protocol):
    def load(self, server_url: str) -> dict | None: ...
    def save(self, server_url: str, credentials: dict) -> None: ...
    def forget(self, server_url: str) -> None: ...


class FileCredentialStore:
    """A JSON file created with mode 0600 in the data dir, keyed by server address."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def load(self, server_url: str) -> dict | None:
        return self._read().get(server_url)

    def save(self, server_url: str, credentials: dict) -> None:
        data = self._read()
        data[server_url] = credentials
        self._write(data)

    def forget(self, server_url: str) -> None:
        data = self._read()
        if data.pop(server_url, None) is not None:
            self._write(data)


class KeyringCredentialStore:
    """The platform's secret store (Secret Service, macOS Keychain, Windows Credential Locker)."""

    def __init__(self, keyring_module, fallback: FileCredentialStore | None = None) -> None:
        self._keyring = keyring_module
        self._fallback = fallback

    def load(self, server_url: str) -> dict | None:
        if self._fallback is not None and (stored := self._fallback.load(server_url)):
            return stored  # saved there when the keyring refused (locked, no agent)
        try:
            raw = self._keyring.get_password(SERVICE, server_url)
        except Exception:
            log.warning("the keyring could not be read", exc_info=True)
            return None
        if not raw:
            return None
        with contextlib.suppress(ValueError):
            return json.loads(raw)
        return None

    def save(self, server_url: str, credentials: dict) -> None:
        try:
            self._keyring.set_password(SERVICE, server_url, json.dumps(credentials))
        except Exception:
            if self._fallback is None:
                raise
            log.warning("the keyring refused the token; keeping it in %s", self._fallback.path, exc_info=True)
            self._fallback.save(server_url, credentials)
        else:
            if self._fallback is not None:
                self._fallback.forget(server_url)

    def forget(self, server_url: str) -> None:
        with contextlib.suppress(Exception):
            self._keyring.delete_password(SERVICE, server_url)
        if self._fallback is not None:
            self._fallback.forget(server_url)


def usable_keyring():
    """The keyring module if a real backend (priority > 0, not the fail/null one) is configured, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    name = type(backend).__module__ + "." + type(backend).__name__
    if "null" in name.lower() or ("chainer" in name.lower() and not getattr(backend, "backends", None)):
        return None
    return keyring


def make_credential_store(backend: str, data_dir: Path) -> CredentialStore:
    file_store = FileCredentialStore(data_dir / "credentials.json")
    if backend == "file":
        return file_store
    module = usable_keyring()
    if module is None:
        if backend == "keyring":
            log.warning("no usable keyring backend; keeping the token in %s", file_store.path)
        return file_store
    return KeyringCredentialStore(module, fallback=file_store)
