"""Against a real server: groups made from the New chat dialog, members, and the account menu."""

from __future__ import annotations

import pytest
import requests

from desktop.models.roles import MessageRole
from desktop.views.new_chat_dialog import USER_ID_ROLE
from tests.desktop.stored import stored_login
from tests.support.api import PASSWORD, register

pytestmark = pytest.mark.slow


def signed_in(desktop_client, live_server, name: str):
    client = desktop_client(name, live_server.url)
    client.sign_in(name, PASSWORD)
    client.wait_online()
    return client


def test_group_from_the_new_chat_dialog_shows_sender_names(live_server, desktop_client, qtbot):
    for name in ("alice", "bob", "carol"):
        register(live_server.url, name, display_name=name.title())
    alice = signed_in(desktop_client, live_server, "alice")
    bob = signed_in(desktop_client, live_server, "bob")
    carol = signed_in(desktop_client, live_server, "carol")

    dialog = alice.session.show_new_chat()
    for name in ("bob", "carol"):
        dialog.search_edit.setText(name)
        qtbot.waitUntil(
            lambda n=name: dialog.model.rowCount() == 1 and f"@{n}" in dialog.model.item(0).text(),
            timeout=20000,
        )
        dialog.pick(dialog.model.item(0).data(USER_ID_ROLE), name.title())
    assert len(dialog.selected_ids()) == 2
    dialog.title_edit.setText("Climbing")
    assert dialog.start_button.text() == "Create group" and dialog.start_button.isEnabled()
    dialog.start_button.click()
    qtbot.waitUntil(lambda: alice.chat.state.open_conversation_id is not None, timeout=20000)
    group_id = alice.chat.state.open_conversation_id
    assert alice.session.panel.title_label.text() == "Climbing"
    # I count among the members and, connected, among those online (Bob and Carol as their presence comes)
    qtbot.waitUntil(
        lambda: alice.session.panel.subtitle_label.text() in {f"3 members, {n} online" for n in (1, 2, 3)},
        timeout=20000,
    )

    qtbot.waitUntil(lambda: carol.chat.conversations.get(group_id) is not None, timeout=20000)
    qtbot.waitUntil(lambda: bob.chat.conversations.get(group_id) is not None, timeout=20000)
    carol.chat.open_conversation(group_id)
    carol.session.panel.composer.edit.setPlainText("I'll bring the rope")
    carol.session.panel.composer.submit()
    qtbot.waitUntil(lambda: alice.chat.messages.rowCount() == 1, timeout=20000)
    assert alice.chat.messages.index(0).data(MessageRole.SENDER_NAME) == "Carol"

    members = alice.session.show_members()
    assert members is not None and members.member_list.count() == 3
    alice.chat.remove_member(group_id, bob.chat.my_id)  # the owner removes Bob
    qtbot.waitUntil(lambda: bob.chat.conversations.get(group_id) is None, timeout=20000)
    qtbot.waitUntil(lambda: members.member_list.count() == 2, timeout=20000)


def test_account_menu_display_name_visibility_and_delete(live_server, desktop_client, qtbot):
    register(live_server.url, "alice")
    register(live_server.url, "bob")
    alice = signed_in(desktop_client, live_server, "alice")
    bob = signed_in(desktop_client, live_server, "bob")

    alice.chat.update_profile(display_name="Alice Liddell")
    qtbot.waitUntil(lambda: alice.session.window.account_button.text() == "Alice Liddell", timeout=20000)
    qtbot.waitUntil(  # the stored account follows: the next start shows the new name at once
        lambda: stored_login(alice.data_dir, live_server.url)["user"]["display_name"] == "Alice Liddell",
        timeout=20000,
    )
    alice.session.settings_wiring.show().privacy.visible_check.setChecked(False)  # Settings → Privacy
    qtbot.waitUntil(lambda: alice.chat.user.get("visible") is False, timeout=20000)
    found: list = []
    bob.chat.users_found.connect(found.append)
    bob.chat.search_users("ali")
    qtbot.waitUntil(lambda: bool(found), timeout=20000)
    assert found[-1] == []  # invisible: nobody finds her

    dialog = alice.session.show_delete_account()
    dialog.password_edit.setText("not my password")
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=20000)
    assert dialog.error_label.text() == "That password is not right."
    cache_file = alice.session.cache_file
    assert cache_file.exists()
    dialog.password_edit.setText(PASSWORD)
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: alice.login is not None and alice.login.isVisible(), timeout=20000)
    assert alice.login.error_label.text() == "Your account was deleted."
    assert not cache_file.exists()
    answer = requests.post(
        f"{live_server.url}/api/v1/sessions", json={"username": "alice", "password": PASSWORD}, timeout=30
    )
    assert answer.status_code == 401
