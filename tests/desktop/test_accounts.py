"""Several accounts in one client, against real servers: two accounts on two different servers never share
a message, a cache, an outbox, a draft or a notification; one server stopping leaves the other account live;
an outbox entry goes out with its own account's token only, across a restart too; the tray menu lists the
accounts (unread counts, servers, the one in front checked) and brings the one picked to the front; the
account menu names the server; Add account with the two-factor code step; signing out of one and removing
one leave the others as they were."""

from __future__ import annotations

import sqlite3
import weakref
from pathlib import Path

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.accounts.layout import credential_key
from desktop.app import ALREADY_SIGNED_IN
from desktop.cache import DraftStore, Outbox
from desktop.domain.server_address import server_host
from tests.desktop.conftest import ClientHandle
from tests.desktop.stored import stored_login
from tests.support.api import PASSWORD, ApiClient, register
from tests.support.server_process import ServerProcess
from tests.support.two_factor import turn_on_two_factor, unused_code

pytestmark = pytest.mark.slow


class OtherServer:
    """A second server with a database of its own (another installation, not another process of the
    first); ``stop()`` and ``start()`` again on the same address."""

    def __init__(self, database_url: str, data_dir: Path) -> None:
        data_dir.mkdir()
        self.database_url, self.data_dir = database_url, data_dir
        self.process = ServerProcess(database_url, data_dir).start()
        self.url = self.process.url

    def stop(self) -> None:
        self.process.stop()

    def start(self) -> None:
        self.process = ServerProcess(self.database_url, self.data_dir, port=self.process.port).start()


@pytest.fixture
def other_server(test_databases, tmp_path):
    name = test_databases.create()
    server = OtherServer(test_databases.url_for(name), tmp_path / "server-b")
    yield server
    server.stop()
    test_databases.drop(name)


def add_account(client: ClientHandle, url: str, username: str, *, code=None):
    """Add account from the account menu: the sign-in form in a dialog (and the code step if asked)."""
    qtbot = client.qtbot
    before = len(client.app.accounts)
    session = client.app.chat_session
    item = next(a for a in session.window.account_menu.actions() if a.text() == "Add account…")
    item.trigger()
    dialog = client.app.add_dialog
    assert dialog is not None and dialog.isVisible()
    form = dialog.form
    form.server_edit.setText(url)
    form.username_edit.setText(username)
    form.password_edit.setText(PASSWORD)
    form.submit_button.click()
    if code is not None:
        qtbot.waitUntil(form.in_code_step, timeout=30000)
        form.code_step.code_edit.setText(code())
        form.code_step.verify_button.click()
    qtbot.waitUntil(lambda: len(client.app.accounts) == before + 1, timeout=30000)
    assert not dialog.isVisible()
    return client.app.accounts.sessions[-1]


def cached_texts(session) -> set[str]:
    connection = sqlite3.connect(session.cache_file)
    try:
        return {text for (text,) in connection.execute("SELECT text FROM messages") if text}
    finally:
        connection.close()


def online(qtbot, session) -> None:
    qtbot.waitUntil(lambda: session.chat.connection_state == "online", timeout=30000)


def test_two_accounts_on_two_servers_never_cross(live_server, other_server, desktop_client, qtbot):
    a, b = live_server, other_server
    register(a.url, "alice", display_name="Alice")
    register(b.url, "carol", display_name="Carol")
    bob, dave = ApiClient(a.url, "bob"), ApiClient(b.url, "dave")
    client = desktop_client("me", a.url)
    client.sign_in("alice", PASSWORD)
    client.wait_online()
    alice = client.session
    carol = add_account(client, b.url, "carol")
    online(qtbot, carol)
    assert client.app.chat_session is carol  # the account just added comes to the front
    assert client.app.window.column.isVisible() and len(client.app.window.column.buttons) == 2
    assert alice.cache_file.parent != carol.cache_file.parent
    assert stored_login(client.data_dir, a.url)["user"]["username"] == "alice"
    assert stored_login(client.data_dir, b.url)["user"]["username"] == "carol"

    # Each server's message reaches its own account only (ids may well be equal on both servers).
    to_alice = bob.post("/conversations", {"kind": "direct", "user_id": alice.chat.my_id}).json()
    to_carol = dave.post("/conversations", {"kind": "direct", "user_id": carol.chat.my_id}).json()
    to_alice, to_carol = to_alice["conversation"]["id"], to_carol["conversation"]["id"]
    bob.send(to_alice, "for alice only").raise_for_status()
    dave.send(to_carol, "for carol only").raise_for_status()
    qtbot.waitUntil(lambda: "for alice only" in cached_texts(alice), timeout=30000)
    qtbot.waitUntil(lambda: "for carol only" in cached_texts(carol), timeout=30000)
    assert "for carol only" not in cached_texts(alice) and "for alice only" not in cached_texts(carol)
    tray = client.app.tray
    qtbot.waitUntil(lambda: len(tray.shown) >= 2, timeout=30000)
    assert (to_alice, "bob · @alice", "for alice only") in tray.shown  # says whose it is
    assert (to_carol, "dave · @carol", "for carol only") in tray.shown
    qtbot.waitUntil(lambda: client.app.window.windowTitle() == "(2) ChatIDK", timeout=30000)
    assert [b.entry.unread for b in client.app.window.column.buttons] == [1, 1]

    # The tray menu lists both, with their unread counts and servers; picking one brings it to the front.
    host_a, host_b = (server_host(url) for url in (a.url, b.url))
    qtbot.waitUntil(
        lambda: (
            [x.text() for x in tray.account_actions]
            == [f"Alice (@alice) on {host_a} — 1 unread", f"Carol (@carol) on {host_b} — 1 unread"]
        ),
        timeout=30000,
    )
    assert tray.menu.actions()[0].text() == "Open ChatIDK" and tray.menu.actions()[-1].text() == "Quit"
    assert alice.window.account_header.text() == f"Signed in as Alice (@alice) on {host_a}"
    assert carol.window.account_header.text() == f"Signed in as Carol (@carol) on {host_b}"
    assert [x.isChecked() for x in tray.account_actions] == [False, True]  # Carol's in front
    tray.account_actions[0].trigger()
    assert client.app.chat_session is alice and client.app.window.pages.currentWidget() is alice.window
    assert [x.isChecked() for x in tray.account_actions] == [True, False]
    tray.account_actions[1].trigger()
    assert client.app.chat_session is carol
    assert [x.isChecked() for x in tray.account_actions] == [False, True]

    # A click on a notification brings its own account to the front, with that conversation open.
    bob.send(to_alice, "again for alice").raise_for_status()
    qtbot.waitUntil(lambda: tray.shown[-1][1] == "bob · @alice", timeout=30000)
    tray.click_last_notification()
    assert client.app.chat_session is alice and alice.chat.open_conversation_id == to_alice
    assert client.app.window.pages.currentWidget() is alice.window
    assert alice.window.isVisible() and not carol.window.isVisible()  # one page at a time

    # Drafts stay with their account, even for conversations with the same id on both servers.
    alice.panel.composer.edit.setPlainText("alice's draft")
    client.app.window.switch_requested.emit(1)  # Ctrl+2
    assert client.app.chat_session is carol
    carol.chat.open_conversation(to_carol)
    qtbot.waitUntil(lambda: carol.chat.open_conversation_id == to_carol, timeout=30000)
    assert carol.panel.composer.edit.toPlainText() == ""
    assert [x.isChecked() for x in tray.account_actions] == [False, True]  # the tray follows Ctrl+2
    alice.drafts.save()
    assert DraftStore(alice.database).get(to_alice).text == "alice's draft"
    assert DraftStore(carol.database).get(to_carol).text == ""

    # Server B stops: Carol goes offline, Alice stays live; Carol's message waits in her own outbox.
    b.stop()
    qtbot.waitUntil(lambda: carol.chat.connection_state != "online", timeout=30000)
    assert alice.chat.connection_state == "online"
    alice.chat.open_conversation(to_alice)
    qtbot.waitUntil(lambda: alice.chat.open_conversation_id == to_alice, timeout=30000)
    assert alice.chat.send_text("alice is still live")
    qtbot.waitUntil(
        lambda: any(m["text"] == "alice is still live" for m in bob.messages_after(to_alice)), timeout=30000
    )
    qtbot.waitUntil(lambda: Outbox(alice.database).entries() == [], timeout=30000)  # acknowledged
    assert carol.chat.send_text("queued for carol")
    assert [e.text for e in Outbox(carol.database).entries()] == ["queued for carol"]
    assert Outbox(alice.database).entries() == []
    carol_id = carol.chat.my_id
    client.close()

    # A restart with B still down, then B back: Carol's entry goes to B under her name, never to A.
    again = ClientHandle(qtbot, client.data_dir, a.url)
    try:
        again.app.start()
        assert len(again.app.accounts) == 2
        alice2, carol2 = again.app.accounts.sessions
        assert (alice2.account.server_url, carol2.account.server_url) == (a.url, b.url)
        assert again.app.chat_session is carol2  # the one in front when the client closed
        assert [e.text for e in Outbox(carol2.database).entries()] == ["queued for carol"]
        online(qtbot, alice2)
        b.start()
        online(qtbot, carol2)
        qtbot.waitUntil(lambda: Outbox(carol2.database).entries() == [], timeout=30000)
        on_b = [m for m in dave.messages_after(to_carol) if m["text"] == "queued for carol"]
        assert [m["sender_id"] for m in on_b] == [carol_id]
        assert not any(m["text"] == "queued for carol" for m in bob.messages_after(to_alice))
    finally:
        again.close()
        bob.session.close()
        dave.session.close()


def test_add_account_with_two_factor_sign_out_of_one_and_remove_another(
    live_server, users, desktop_client, qtbot, monkeypatch
):
    register(live_server.url, "alice", display_name="Alice")
    bob_api = users("bob")
    totp, recovery_codes, _ = turn_on_two_factor(bob_api)
    client = desktop_client("me", live_server.url)
    client.sign_in("alice", PASSWORD)
    client.wait_online()
    alice = client.session
    bob = add_account(client, live_server.url, "bob", code=lambda: unused_code(totp))  # the code step too
    online(qtbot, bob)
    assert client.app.window.windowTitle() == "ChatIDK"
    window = client.app.window  # Ctrl+1 … Ctrl+5, pressed on the app window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10000)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert client.app.chat_session is alice and alice.window.isVisible() and not bob.window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # no fifth account: stays
    assert client.app.chat_session is alice
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert client.app.chat_session is bob
    bob_key = credential_key(live_server.url, bob.chat.my_id)
    bob_token = bob.account.token

    # The same account once more: nothing new, the one signed in comes to the front.
    client.app.accounts.switch_to(alice)
    add_account_again = client.app.show_add_account()
    form = add_account_again.form
    form.username_edit.setText("bob")
    form.password_edit.setText(PASSWORD)
    form.submit_button.click()
    qtbot.waitUntil(form.in_code_step, timeout=30000)
    form.code_step.switch_button.click()  # "Use a recovery code instead" (the app's code was just used)
    form.code_step.code_edit.setText(recovery_codes[0])
    form.code_step.verify_button.click()
    qtbot.waitUntil(lambda: client.app.chat_session is client.app.accounts.sessions[1], timeout=30000)
    assert len(client.app.accounts) == 2
    assert bob.window.toast.text() == ALREADY_SIGNED_IN

    # Bob signs out: his token is revoked and forgotten, his history stays; Alice goes on, live. His session
    # is let go of (nothing of it is kept alive to fire later into widgets that are gone).
    bob_folder = bob.cache_file.parent
    bob.window.log_out_requested.emit()
    gone = weakref.ref(bob)
    del bob, add_account_again, form
    qtbot.waitUntil(lambda: gone() is None, timeout=30000)  # once its window's deferred deletion ran
    assert client.app.accounts.sessions == [alice] and client.app.chat_session is alice
    assert not client.app.window.column.isVisible()  # one account: no column
    assert bob_folder.is_dir()
    stored = (client.data_dir / "credentials.json").read_text()
    assert bob_key not in stored and credential_key(live_server.url, alice.chat.my_id) in stored
    qtbot.waitUntil(
        lambda: (
            requests.get(
                f"{live_server.url}/api/v1/me", headers={"Authorization": f"Bearer {bob_token}"}, timeout=30
            ).status_code
            == 401
        ),
        timeout=30000,
    )
    assert alice.chat.connection_state == "online"

    # Alice removes herself from this computer: signed out and her folder deleted; the login shows.
    alice_folder = alice.cache_file.parent
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    remove = next(a for a in alice.window.account_menu.actions() if a.text() == "Remove from this computer…")
    remove.trigger()
    assert len(client.app.accounts) == 0 and client.app.chat_session is None
    assert not alice_folder.exists()
    assert client.login is not None and client.login.isVisible()
    assert not client.app.window.isVisible()
    assert stored_login(client.data_dir, live_server.url) is None
