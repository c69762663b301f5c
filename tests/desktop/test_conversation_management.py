"""Managing conversations from the real widgets against a real server: the list's context menu (mouse, Menu
key, Shift+F10) pins, mutes, marks read or unread, deletes for me and leaves, and every device of mine
agrees; the header opens a profile panel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from desktop.models.roles import ConversationRole
from tests.support.api import PASSWORD, ApiClient, register

pytestmark = pytest.mark.slow


def row_of(client, conversation_id: int) -> int | None:
    model = client.chat.conversation_list
    for row in range(model.rowCount()):
        if model.index(row, 0).data(ConversationRole.ID) == conversation_id:
            return row
    return None


def listed(client) -> list[int]:
    model = client.chat.conversation_list
    return [model.index(row, 0).data(ConversationRole.ID) for row in range(model.rowCount())]


def open_menu(qtbot, client, conversation_id: int, how: str):
    """The conversation's menu, opened as a user would: right-click, the Menu key or Shift+F10."""
    window = client.session.window
    view = window.conversation_view
    index = client.chat.conversation_list.index(row_of(client, conversation_id), 0)
    window.conversation_menu.menu = None
    if how == "mouse":
        point = view.visualRect(index).center()
        qtbot.mouseMove(view.viewport(), point)
        from PySide6.QtGui import QContextMenuEvent
        from PySide6.QtWidgets import QApplication

        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point))
        QApplication.sendEvent(view.viewport(), event)
    else:
        view.setFocus()
        view.setCurrentIndex(index)
        if how == "menu key":
            qtbot.keyClick(view, Qt.Key.Key_Menu)
        else:
            qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = window.conversation_menu.menu
    assert menu is not None, f"no menu from {how}"
    qtbot.waitUntil(menu.isVisible, timeout=10000)
    return menu


def choose(qtbot, client, conversation_id: int, text: str, how: str = "menu key") -> None:
    menu = open_menu(qtbot, client, conversation_id, how)
    actions = {a.text(): a for a in menu.actions() if not a.isSeparator()}
    assert text in actions, sorted(actions)
    menu.close()
    actions[text].trigger()


def answer(client, button_text: str) -> None:
    box = client.session.window.conversation_menu.question
    assert box is not None and box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    button = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)
    button.click()


@pytest.fixture
def devices(live_server, desktop_client, qtbot):
    """Alice on two devices (two clients, one account), Bob on the API, and their 1:1 and a group."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob Builder")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    laptop, desk = desktop_client("laptop", live_server.url), desktop_client("desk", live_server.url)
    for device in (laptop, desk):
        device.sign_in("alice", PASSWORD)
        device.wait_online()
    direct = bob.direct_with(ApiClient(live_server.url, "alice", register_first=False))
    r = bob.post("/conversations", {"kind": "group", "title": "Climbing", "member_ids": [laptop.chat.my_id]})
    group = r.json()["conversation"]["id"]
    bob.send(direct, "hi Alice")
    bob.send(group, "rope?")
    for device in (laptop, desk):
        qtbot.waitUntil(lambda d=device: set(listed(d)) == {direct, group}, timeout=30000)
    yield laptop, desk, bob, direct, group
    bob.session.close()


@pytest.mark.parametrize("how", ["mouse", "menu key", "shift+f10"])
def test_the_menu_opens_from_the_mouse_and_the_keyboard(devices, qtbot, how):
    laptop, _desk, _bob, direct, group = devices
    menu = open_menu(qtbot, laptop, group, how)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "Pin to top",
        "Mute notifications",
        "Notify me of mentions when muted",
        "Mark as read",
        "Leave group…",
        "Delete chat for me…",
    ]
    menu.close()
    menu = open_menu(qtbot, laptop, direct, how)
    assert "Leave group…" not in [a.text() for a in menu.actions()]
    assert "Notify me of mentions when muted" not in [
        a.text() for a in menu.actions()
    ]  # no mentions in a 1:1
    menu.close()


def test_pin_goes_first_on_every_device_and_unpin_puts_it_back(devices, qtbot):
    laptop, desk, bob, direct, group = devices
    assert listed(desk) == [group, direct]  # the group had the latest message
    choose(qtbot, laptop, direct, "Pin to top")
    for device in (laptop, desk):
        qtbot.waitUntil(lambda d=device: listed(d) == [direct, group], timeout=30000)
        index = device.chat.conversation_list.index(0, 0)
        assert index.data(ConversationRole.PINNED) is True
        assert "pinned" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    bob.send(group, "newer, still below the pin")
    qtbot.waitUntil(lambda: laptop.chat.conversations.get(group).last_seq == 2, timeout=30000)
    assert listed(laptop) == [direct, group]
    choose(qtbot, desk, direct, "Unpin", how="shift+f10")
    for device in (laptop, desk):
        qtbot.waitUntil(lambda d=device: listed(d) == [group, direct], timeout=30000)


def test_mute_silences_notifications_and_the_total_on_every_device(devices, qtbot):
    laptop, desk, bob, direct, group = devices
    choose(qtbot, laptop, direct, "Mark as read")
    choose(qtbot, laptop, group, "Mark as read")
    qtbot.waitUntil(lambda: desk.session.window.windowTitle() == "ChatIDK", timeout=30000)
    choose(qtbot, laptop, direct, "Mute notifications")
    qtbot.waitUntil(lambda: desk.chat.conversations.get(direct).me.muted, timeout=30000)
    shown_before = list(desk.app.tray.shown)
    bob.send(direct, "muted one")
    bob.send(group, "not muted")
    qtbot.waitUntil(lambda: desk.chat.conversations.get(group).unread_count == 1, timeout=30000)
    qtbot.waitUntil(lambda: desk.chat.conversations.get(direct).unread_count == 1, timeout=30000)
    new = desk.app.tray.shown[len(shown_before) :]
    assert [conversation for conversation, _title, _text in new] == [group]
    assert desk.session.window.windowTitle() == "(1) ChatIDK"  # the muted one's unread is not counted
    index = desk.chat.conversation_list.index(row_of(desk, direct), 0)
    assert index.data(ConversationRole.MUTED) is True
    choose(qtbot, desk, direct, "Unmute")
    qtbot.waitUntil(lambda: not laptop.chat.conversations.get(direct).me.muted, timeout=30000)


def test_mark_as_unread_then_read_follows_me_across_devices(devices, qtbot):
    laptop, desk, _bob, direct, _group = devices
    choose(qtbot, laptop, direct, "Mark as read")
    qtbot.waitUntil(lambda: desk.chat.conversations.get(direct).unread_count == 0, timeout=30000)
    choose(qtbot, laptop, direct, "Mark as unread")
    qtbot.waitUntil(lambda: desk.chat.conversations.get(direct).me.marked_unread, timeout=30000)
    index = desk.chat.conversation_list.index(row_of(desk, direct), 0)
    assert index.data(ConversationRole.MARKED_UNREAD) is True
    assert "marked as unread" in index.data(Qt.ItemDataRole.AccessibleTextRole)
    menu = open_menu(qtbot, desk, direct, "menu key")
    assert "Mark as read" in [a.text() for a in menu.actions()]
    menu.close()
    choose(qtbot, desk, direct, "Mark as read")
    qtbot.waitUntil(lambda: not laptop.chat.conversations.get(direct).me.marked_unread, timeout=30000)


def test_delete_for_me_hides_it_everywhere_until_a_new_message(devices, qtbot):
    laptop, desk, bob, direct, group = devices
    laptop.chat.open_conversation(direct)
    choose(qtbot, laptop, direct, "Delete chat for me…")
    answer(laptop, "Cancel")
    assert direct in listed(laptop)
    choose(qtbot, laptop, direct, "Delete chat for me…")
    answer(laptop, "Delete for me")
    for device in (laptop, desk):
        qtbot.waitUntil(lambda d=device: listed(d) == [group], timeout=30000)
    assert laptop.chat.open_conversation_id is None  # it was open: closed
    assert bob.get(f"/conversations/{direct}").json()["conversation"]["me"]["hidden_through_seq"] is None
    bob.send(direct, "are you there?")
    for device in (laptop, desk):
        qtbot.waitUntil(lambda d=device: listed(d) == [direct, group], timeout=30000)


def test_leave_group_from_the_menu_asks_first(devices, qtbot, live_server):
    laptop, desk, bob, direct, group = devices
    choose(qtbot, laptop, group, "Leave group…", how="mouse")
    box = laptop.session.window.conversation_menu.question
    assert "Climbing" in box.text()
    answer(laptop, "Leave")
    for device in (laptop, desk):
        qtbot.waitUntil(lambda d=device: listed(d) == [direct], timeout=30000)
    members = bob.get(f"/conversations/{group}").json()["conversation"]["members"]
    assert [m["user"]["username"] for m in members] == ["bob"]


def test_a_failed_change_is_put_back_and_said(devices, qtbot, live_server):
    laptop, _desk, _bob, direct, _group = devices
    live_server.kill()
    qtbot.waitUntil(lambda: laptop.chat.connection_state == "reconnecting", timeout=30000)
    choose(qtbot, laptop, direct, "Pin to top")
    assert laptop.chat.conversations.get(direct).me.pinned_at is not None  # shown at once…
    qtbot.waitUntil(lambda: laptop.chat.conversations.get(direct).me.pinned_at is None, timeout=30000)
    assert laptop.session.window.toast.isVisible() and laptop.session.window.toast.text()  # …and said why


def test_the_header_opens_the_profile_of_a_person_and_of_a_group(devices, qtbot):
    laptop, _desk, _bob, direct, group = devices
    laptop.chat.open_conversation(direct)
    button = laptop.session.panel.profile_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    panel = laptop.session.management.profile_panel
    assert panel is not None and panel.isVisible()
    assert panel.title_label.text() == "Bob Builder"
    assert panel.handle_label.text() == "@bob"
    assert panel.status_label.text()  # online, or when last seen
    assert panel.title_label.textFormat() == Qt.TextFormat.PlainText
    assert not panel.leave_button.isVisible() and not panel.members_list.isVisible()
    panel.mute_button.click()
    qtbot.waitUntil(lambda: laptop.chat.conversations.get(direct).me.muted, timeout=30000)
    panel.close()

    laptop.chat.open_conversation(group)
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)
    panel = laptop.session.management.profile_panel
    assert panel.isVisible() and panel.title_label.text() == "Climbing"
    assert panel.status_label.text() == "2 members"
    lines = {
        text.split("\n")[0]: text
        for text in (panel.members_list.item(i).text() for i in range(panel.members_list.count()))
    }
    assert set(lines) == {"Bob Builder", "Alice (you)"}
    assert "@bob · owner" in lines["Bob Builder"]
    panel.leave_button.click()
    box = laptop.session.window.conversation_menu.question
    assert isinstance(box, QMessageBox) and "Climbing" in box.text()
    answer(laptop, "Leave")
    qtbot.waitUntil(lambda: listed(laptop) == [direct], timeout=30000)
    assert laptop.session.management.profile_panel is None  # closed with the conversation
