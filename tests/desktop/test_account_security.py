"""The account menu's security dialogs and blocking, through the real client against real server processes."""

from __future__ import annotations

import json
import zipfile

import pytest
import requests

from desktop.domain.records import FAILED
from desktop.models.messages import HIDDEN_TEXT
from desktop.models.roles import MessageRole
from tests.support.api import PASSWORD, ApiClient, register
from tests.support.smtp import SmtpInbox, code_in

pytestmark = pytest.mark.slow

NEW_PASSWORD = "a brand new passphrase"


def signed_in(desktop_client, server, name: str):
    client = desktop_client(name, server.url)
    client.sign_in(name.split("-")[0], PASSWORD)
    client.wait_online()
    return client


def texts(chat) -> list[str]:
    return [chat.messages.index(r).data() for r in range(chat.messages.rowCount())]


def token_works(server, token: str) -> bool:
    answer = requests.get(server.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return answer.status_code == 200


@pytest.fixture
def inbox():
    inbox = SmtpInbox().start()
    yield inbox
    inbox.stop()


def test_email_is_set_and_confirmed_with_the_mailed_code(server_factory, inbox, desktop_client, qtbot):
    server = server_factory(
        extra_env={
            "CHATIDK_SMTP_HOST": "127.0.0.1",
            "CHATIDK_SMTP_PORT": str(inbox.port),
            "CHATIDK_SMTP_SECURITY": "none",
        }
    )
    register(server.url, "alice")
    alice = signed_in(desktop_client, server, "alice")
    dialog = alice.session.security.show_email()
    assert dialog.status_label.text().startswith("No email address yet")
    dialog.address_edit.setText("alice@example.org")
    dialog.send_button.click()
    qtbot.waitUntil(lambda: "not confirmed yet" in dialog.status_label.text(), timeout=20000)
    assert dialog.code_edit.isVisibleTo(dialog)
    qtbot.waitUntil(lambda: len(inbox.to("alice@example.org")) == 1, timeout=20000)
    code = code_in(inbox.to("alice@example.org")[0])

    dialog.code_edit.setText("00000000" if code != "00000000" else "11111111")
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=20000)
    assert dialog.message.text().startswith("That code is wrong")

    dialog.code_edit.setText(code)
    dialog.confirm_button.click()
    qtbot.waitUntil(lambda: "confirmed." in dialog.status_label.text(), timeout=20000)
    assert alice.chat.user["email_confirmed"] is True
    assert not dialog.code_edit.isVisibleTo(dialog)

    dialog.remove_button.click()
    qtbot.waitUntil(lambda: dialog.status_label.text().startswith("No email address yet"), timeout=20000)
    assert alice.chat.user["email"] is None


def test_change_password_tells_how_many_devices_were_signed_out(live_server, desktop_client, qtbot):
    register(live_server.url, "alice")
    laptop = signed_in(desktop_client, live_server, "alice-laptop")
    desk = signed_in(desktop_client, live_server, "alice-desk")
    dialog = laptop.session.security.show_change_password()
    dialog.current_edit.setText("not my password")
    dialog.new_edit.setText(NEW_PASSWORD)
    dialog.repeat_edit.setText(NEW_PASSWORD)
    dialog.change_button.click()
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=20000)
    assert dialog.message.text() == "Your current password is not right."

    dialog.current_edit.setText(PASSWORD)
    dialog.change_button.click()
    qtbot.waitUntil(lambda: "signed out" in dialog.message.text(), timeout=20000)
    assert dialog.message.text() == "Your password was changed; 1 other device was signed out."
    qtbot.waitUntil(lambda: desk.login is not None and desk.login.isVisible(), timeout=20000)
    assert desk.login.error_label.text() == "Your session has ended. Please sign in again."
    assert laptop.app.chat_session is not None  # this device stays signed in


def test_devices_lists_this_one_and_signs_out_others(live_server, desktop_client, qtbot):
    register(live_server.url, "alice")
    alice = signed_in(desktop_client, live_server, "alice")
    phone = ApiClient(live_server.url, "alice", register_first=False)
    dialog = alice.session.security.show_devices()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 2, timeout=20000)
    first = dialog.tree.topLevelItem(0)
    assert first.text(0).endswith("(this device)") and first.text(0).startswith("ChatIDK desktop on ")
    assert first.text(2) == "127.0.0.1" and first.text(1)
    # Sessions expire when unused for the server's idle lifetime (90 days): the dialog says when.
    assert first.text(3) in {"In 89 days", "In 90 days", "In 91 days"}, first.text(3)
    assert dialog.tree.headerItem().text(3) == "Expires"
    assert dialog.tree.topLevelItem(1).text(0) == "tests"
    assert dialog.tree.currentItem() is dialog.tree.topLevelItem(1)
    dialog.tree.setCurrentItem(first)
    assert not dialog.sign_out_button.isEnabled()  # not this one: that is "Log out"

    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(1))
    dialog.sign_out_button.click()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=20000)
    assert dialog.message.text() == "That device was signed out."
    assert not token_works(live_server, phone.token)

    tablet = ApiClient(live_server.url, "alice", register_first=False)
    other_laptop = ApiClient(live_server.url, "alice", register_first=False)
    dialog.refresh_requested.emit()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 3, timeout=20000)
    dialog.sign_out_others_button.click()
    qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=20000)
    assert dialog.message.text() == "Signed out 2 other devices."
    assert not token_works(live_server, tablet.token) and not token_works(live_server, other_laptop.token)
    assert not dialog.sign_out_others_button.isEnabled()
    assert alice.app.chat_session is not None


def test_block_and_unblock_from_the_header_and_the_blocked_list(live_server, desktop_client, qtbot):
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    carol = ApiClient(live_server.url, "carol")
    alice = signed_in(desktop_client, live_server, "alice")
    bob = signed_in(desktop_client, live_server, "bob")
    bob_id, alice_id = bob.chat.my_id, alice.chat.my_id
    group_id = carol.post(
        "/conversations", {"kind": "group", "title": "Crag", "member_ids": [alice_id, bob_id]}
    ).json()["conversation"]["id"]
    bob.chat.start_direct(alice_id)
    qtbot.waitUntil(lambda: bob.chat.state.open_conversation_id is not None, timeout=20000)
    direct_id = bob.chat.state.open_conversation_id
    qtbot.waitUntil(lambda: alice.chat.conversations.get(direct_id) is not None, timeout=20000)
    alice.chat.open_conversation(direct_id)
    panel = alice.session.panel
    assert panel.more_button.isVisibleTo(panel)
    assert panel.block_action.isVisible() and not panel.unblock_action.isVisible()
    assert panel.block_action.text() == "Block Bob…"

    panel.block_action.trigger()
    dialog = alice.session.security.account_dialogs["block"]
    assert dialog.windowTitle() == "Block Bob"
    dialog.hide_check.setChecked(True)
    dialog.block_button.click()
    qtbot.waitUntil(lambda: panel.unblock_action.isVisible(), timeout=20000)
    assert not panel.block_action.isVisible()

    bob.chat.send_text("are you there?")  # blocked: the server refuses it
    qtbot.waitUntil(
        lambda: bob.chat.messages.index(bob.chat.messages.rowCount() - 1).data(MessageRole.STATE) == FAILED,
        timeout=20000,
    )

    for client in (alice, bob):  # Carol's group reached both live; wait for it rather than assume it
        qtbot.waitUntil(lambda c=client: c.chat.conversations.get(group_id) is not None, timeout=20000)
    bob.chat.open_conversation(group_id)
    assert bob.chat.state.open_conversation_id == group_id
    bob.chat.send_text("hi all")
    alice.chat.open_conversation(group_id)
    qtbot.waitUntil(lambda: texts(alice.chat) == [HIDDEN_TEXT], timeout=20000)
    assert not panel.more_button.isVisibleTo(panel)  # groups have no block menu
    alice.chat.messages.reveal(0)
    assert texts(alice.chat) == ["hi all"]

    blocked = alice.session.security.show_blocked()
    qtbot.waitUntil(lambda: blocked.list.count() == 1, timeout=20000)
    assert blocked.list.item(0).text() == "Bob (@bob) — hidden in groups"
    blocked.unblock_button.click()
    qtbot.waitUntil(lambda: blocked.list.count() == 0, timeout=20000)
    assert blocked.empty_label.isVisibleTo(blocked)
    alice.chat.open_conversation(direct_id)
    assert panel.block_action.isVisible()
    bob.chat.open_conversation(direct_id)
    bob.chat.send_text("now?")
    qtbot.waitUntil(lambda: alice.chat.messages.rowCount() == 1, timeout=20000)
    assert texts(alice.chat) == ["now?"]


def test_export_writes_a_valid_zip_off_the_ui_thread(live_server, desktop_client, qtbot, tmp_path):
    register(live_server.url, "alice")
    bob = ApiClient(live_server.url, "bob")
    alice = signed_in(desktop_client, live_server, "alice")
    alice.chat.start_direct(bob.id)
    qtbot.waitUntil(lambda: alice.chat.state.open_conversation_id is not None, timeout=20000)
    alice.chat.send_text("for the archive ✓")
    qtbot.waitUntil(lambda: alice.chat.state.outbox.pending() == [], timeout=20000)

    target = tmp_path / "export" / "alice.zip"
    target.parent.mkdir()
    progress: list[tuple[int, int]] = []
    download = alice.session.security.export_to(target)
    download.progress.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(download.finished, timeout=20000) as finished:
        pass
    assert finished.args[0] == str(target) and finished.args[1] == target.stat().st_size
    assert progress and progress[-1][0] == target.stat().st_size
    assert list(target.parent.iterdir()) == [target]  # no .part left behind
    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
        names = set(archive.namelist())
        assert {"profile.json", "conversations.json", "messages.jsonl"} <= names
        messages = [json.loads(line) for line in archive.read("messages.jsonl").splitlines() if line]
        assert [m["text"] for m in messages] == ["for the archive ✓"]
    assert "Saved your data to" in alice.session.window.toast.text()


def test_a_cancelled_export_leaves_no_file(live_server, desktop_client, qtbot, tmp_path):
    register(live_server.url, "alice")
    alice = signed_in(desktop_client, live_server, "alice")
    target = tmp_path / "alice.zip"
    download = alice.session.security.export_to(target)
    download.cancel()
    with qtbot.waitSignal(download.failed, timeout=20000):
        pass
    assert not target.exists() and list(tmp_path.glob("*.part")) == []


def test_hide_my_last_seen_hides_theirs_from_me(live_server, desktop_client, qtbot):
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    alice = signed_in(desktop_client, live_server, "alice")
    bob = signed_in(desktop_client, live_server, "bob")
    alice.chat.start_direct(bob.chat.my_id)
    qtbot.waitUntil(lambda: alice.chat.state.open_conversation_id is not None, timeout=20000)
    header = alice.session.panel.subtitle_label
    qtbot.waitUntil(lambda: header.text() == "online", timeout=20000)

    privacy = alice.session.settings_wiring.show().privacy  # Settings → Privacy
    privacy.hide_last_seen_check.setChecked(True)
    qtbot.waitUntil(lambda: alice.chat.user.get("hide_last_seen") is True, timeout=20000)
    bob.close()
    qtbot.waitUntil(lambda: header.text() == "offline", timeout=20000)  # no time: I hide mine

    privacy.hide_last_seen_check.setChecked(False)
    qtbot.waitUntil(lambda: header.text().startswith("last seen"), timeout=20000)
