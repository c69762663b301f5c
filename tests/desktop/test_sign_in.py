"""Sign-in against a real server: each error shown, registration, auto sign-in on restart, log out."""

from __future__ import annotations

import pytest
import requests

from tests.desktop.stored import stored_login
from tests.support.api import PASSWORD, register
from tests.support.server_process import free_port

pytestmark = pytest.mark.slow


def submit(client, username: str, password: str) -> None:
    login = client.login
    login.username_edit.setText(username)
    login.password_edit.setText(password)
    login.submit_button.click()


def test_wrong_password_is_shown_and_nothing_is_stored(live_server, desktop_client, qtbot):
    register(live_server.url, "alice")
    client = desktop_client("alice", live_server.url)
    client.app.start()
    submit(client, "alice", "not the password")
    qtbot.waitUntil(lambda: client.login.error_label.isVisible(), timeout=20000)
    assert client.login.error_label.text() == "Wrong username or password."
    assert client.app.chat_session is None
    assert stored_login(client.data_dir, live_server.url) is None


def test_unreachable_server_is_shown(desktop_client, qtbot):
    url = f"http://127.0.0.1:{free_port()}"
    client = desktop_client("alice", url)
    client.app.start()
    submit(client, "alice", PASSWORD)
    qtbot.waitUntil(lambda: client.login.error_label.isVisible(), timeout=20000)
    assert client.login.error_label.text().startswith(f"Can't reach the server at {url}.")


def test_throttling_shows_the_wait(live_server, desktop_client, qtbot):
    register(live_server.url, "alice")
    for _ in range(5):
        answer = requests.post(
            f"{live_server.url}/api/v1/sessions",
            json={"username": "alice", "password": "wrong-wrong"},
            timeout=30,
        )
        assert answer.status_code == 401
    client = desktop_client("alice", live_server.url)
    client.app.start()
    submit(client, "alice", PASSWORD)
    qtbot.waitUntil(lambda: client.login.error_label.isVisible(), timeout=20000)
    text = client.login.error_label.text()
    assert text.startswith("Too many attempts. Try again in ")
    assert any(unit in text for unit in ("second", "minute"))


def test_register_keep_signed_in_restart_and_log_out(live_server, desktop_client, qtbot):
    first = desktop_client("alice", live_server.url)
    first.sign_in("alice", PASSWORD, register=True)
    first.wait_online()
    assert first.session.window.account_button.text().startswith("Alice")
    assert stored_login(first.data_dir, live_server.url)["token"]
    assert (first.data_dir / "credentials.json").stat().st_mode & 0o777 == 0o600
    first.close()

    second = desktop_client("alice", live_server.url)  # same data dir: a restart
    second.app.data_dir = first.data_dir
    second = type(first)(qtbot, first.data_dir, live_server.url)
    second.app.start()
    assert second.app.chat_session is not None  # signed in without asking
    assert second.login is None or not second.login.isVisible()
    second.wait_online()
    token = stored_login(first.data_dir, live_server.url)["token"]

    second.session.window.log_out_requested.emit()
    qtbot.waitUntil(lambda: second.login is not None and second.login.isVisible(), timeout=20000)
    assert second.app.chat_session is None
    assert stored_login(first.data_dir, live_server.url) is None
    qtbot.waitUntil(
        lambda: (
            requests.get(
                f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30
            ).status_code
            == 401
        ),
        timeout=20000,
    )
    second.close()

    third = type(first)(qtbot, first.data_dir, live_server.url)
    third.app.start()
    assert third.app.chat_session is None and third.login.isVisible()
    assert third.login.username_edit.text() == "alice"
    third.close()


def test_not_keeping_signed_in_asks_next_time(live_server, desktop_client, qtbot):
    register(live_server.url, "alice")
    first = desktop_client("alice", live_server.url)
    first.sign_in("alice", PASSWORD, keep=False)
    first.close()
    again = type(first)(qtbot, first.data_dir, live_server.url)
    again.app.start()
    assert again.app.chat_session is None and again.login.isVisible()
    again.close()


def test_revoked_token_signs_out_with_a_reason(live_server, desktop_client, qtbot):
    register(live_server.url, "alice")
    client = desktop_client("alice", live_server.url)
    client.sign_in("alice", PASSWORD)
    client.wait_online()
    token = stored_login(client.data_dir, live_server.url)["token"]
    requests.delete(
        f"{live_server.url}/api/v1/sessions/current", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    qtbot.waitUntil(lambda: client.login is not None and client.login.isVisible(), timeout=20000)
    assert "session has ended" in client.login.error_label.text()
