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


class ClientHandle:
    """One desktop client in the test process, with its own data dir (so several can run side by side)."""

    def __init__(self, qtbot, data_dir, server_url: str | None) -> None:
        from desktop.app import DesktopApp
        from desktop.config import ClientConfig

        self.qtbot = qtbot
        self.data_dir = data_dir
        self.server_url = server_url
        self.app = DesktopApp(
            ClientConfig(data_dir=data_dir, server_url=server_url, credential_backend="file"),
            tray_enabled=False,
        )

    @property
    def session(self):
        return self.app.chat_session

    @property
    def chat(self):
        return self.app.chat_session.chat

    @property
    def login(self):
        return self.app.login_window

    def sign_in(self, username: str, password: str, *, keep: bool = True, register: bool = False) -> None:
        self.app.start()
        login = self.app.login_window
        assert login is not None and login.isVisible()
        login.set_registering(register)
        login.username_edit.setText(username)
        login.password_edit.setText(password)
        if register:
            login.display_name_edit.setText(username.title())
        login.keep_check.setChecked(keep)
        login.submit_button.click()
        self.qtbot.waitUntil(lambda: self.app.chat_session is not None, timeout=30000)

    def wait_online(self) -> None:
        self.qtbot.waitUntil(lambda: self.chat.connection_state == "online", timeout=30000)

    def close(self) -> None:
        self.app.shutdown()


@pytest.fixture
def desktop_client(qtbot, tmp_path):
    """``desktop_client("alice", url)``: a client with data dir tmp_path/client-alice; shut at teardown."""
    made: list[ClientHandle] = []

    def make(name: str, server_url: str | None = None) -> ClientHandle:
        handle = ClientHandle(qtbot, tmp_path / f"client-{name}", server_url)
        made.append(handle)
        return handle

    yield make
    for handle in made:
        handle.close()


@pytest.fixture
def pair(live_server, desktop_client, qtbot):
    """Alice and Bob online in their own clients, with a 1:1 both have open."""
    from tests.desktop.pairs import signed_in_pair

    return signed_in_pair(live_server, desktop_client, qtbot)
