"""Desktop test configuration: offscreen Qt, and a data dir, settings and credential file per test."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", "/tmp")

import pytest


@pytest.fixture(autouse=True)
def isolated_desktop_dirs(tmp_path, monkeypatch):
    """Nothing a test does reaches the real user data dir, QSettings or keyring."""
    data_dir = tmp_path / "desktop-data"
    monkeypatch.setenv("CHATIDK_DESKTOP_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CHATIDK_DESKTOP_CREDENTIALS", "file")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("CHATIDK_SERVER_URL", raising=False)
    return data_dir
