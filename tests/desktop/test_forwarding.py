"""Forwarding in the desktop client against a real server: "Forward…" in the message menu opens a dialog
driven from the keyboard alone (type to filter, ↑/↓, Enter or Space ticks, Ctrl+Enter forwards), the
forwards arrive as new messages of mine, the bubble says "Forwarded from Bob" or just "Forwarded" (when Bob
is not visible there), that survives a restart (the cache), and a refusal says why."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models.roles import MessageRole
from desktop.views.forward_dialog import ForwardDialog
from tests.desktop.pairs import signed_in_with_two_chats
from tests.support.api import ApiClient


def _label(handle, seq: int) -> str | None:
    row = handle.chat.messages.row_of_seq(seq)
    return None if row is None else handle.chat.messages.index(row, 0).data(MessageRole.FORWARD_LABEL)


def _open_forward(handle, seq: int) -> ForwardDialog:
    view = handle.session.panel.messages
    menu = view.build_context_menu(handle.chat.messages.index(handle.chat.messages.row_of_seq(seq), 0))
    action = next(a for a in menu.actions() if a.text() == "Forward…")
    action.trigger()
    dialog = handle.session.forward_dialog
    assert isinstance(dialog, ForwardDialog)
    return dialog


def _shown(dialog: ForwardDialog) -> list[str]:
    return [item.text() for item in dialog._visible()]


def test_forward_from_the_keyboard_to_two_conversations(live_server, desktop_client, qtbot):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    carol = ApiClient(live_server.url, "carol")
    with_carol = carol.direct_with(ApiClient(live_server.url, "alice", register_first=False))
    assert bob.patch("/me", {"visible": False}).status_code == 200  # Carol cannot see who wrote it first
    qtbot.waitUntil(lambda: alice.chat.conversations.get(with_carol) is not None, timeout=30000)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)

    dialog = _open_forward(alice, 1)
    qtbot.waitUntil(dialog.isVisible, timeout=10000)
    qtbot.waitUntil(dialog.search_edit.hasFocus, timeout=10000)
    assert sorted(_shown(dialog)) == ["Bob", "Climbing", "carol"]
    assert not dialog.forward_button.isEnabled()
    qtbot.keyClicks(dialog.search_edit, "clim")
    assert _shown(dialog) == ["Climbing"]
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)  # ticks it, and the filter text is selected
    assert dialog.ticked() == [group]
    qtbot.keyClicks(dialog.search_edit, "car")  # replaces the selected "clim"
    assert _shown(dialog) == ["carol"]
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    assert sorted(dialog.ticked()) == sorted([group, with_carol])
    assert dialog.forward_button.text() == "Forward to 2"

    # Arrows and Space in the list: tick and untick the 1:1 with Bob.
    dialog.search_edit.clear()
    dialog.list_widget.setFocus()
    bob_row = _shown(dialog).index("Bob")
    dialog.list_widget.setCurrentRow(bob_row)
    qtbot.keyClick(dialog.list_widget, Qt.Key.Key_Space)
    assert direct in dialog.ticked()
    qtbot.keyClick(dialog.list_widget, Qt.Key.Key_Space)
    assert direct not in dialog.ticked()

    with qtbot.waitSignal(alice.chat.forwarding.forwarded, timeout=30000) as done:
        qtbot.keyClick(dialog.list_widget, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert done.args == [2]
    assert not dialog.isVisible()

    in_group = bob.messages_after(group)[-1]
    assert in_group["text"] == "hi Alice" and in_group["sender_id"] == alice.chat.my_id
    assert in_group["forwarded_from"] == {"sender_id": bob.id}
    in_carol = carol.messages_after(with_carol)[-1]
    assert in_carol["text"] == "hi Alice" and in_carol["forwarded_from"] == {"sender_id": None}

    alice.chat.open_conversation(group)
    qtbot.waitUntil(lambda: _label(alice, in_group["seq"]) == "Forwarded from Bob", timeout=30000)
    assert _label(alice, 1) == ""  # Bob's own message there is no forward
    alice.chat.open_conversation(with_carol)
    qtbot.waitUntil(lambda: _label(alice, in_carol["seq"]) == "Forwarded", timeout=30000)
    assert alice.chat.state.history.message(group, in_group["seq"]).forwarded_from == bob.id

    # After a restart the bubbles say so from the cache.
    alice.close()
    again = desktop_client("alice", live_server.url)
    again.app.start()
    qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
    again.chat.open_conversation(group)
    qtbot.waitUntil(lambda: _label(again, in_group["seq"]) == "Forwarded from Bob", timeout=30000)
    bob.session.close()
    carol.session.close()


def test_a_refused_forward_says_why_and_the_button_path_works(live_server, desktop_client, qtbot):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    with qtbot.waitSignal(alice.chat.error, timeout=30000) as said:
        alice.chat.forwarding.forward(direct, 99, [group])  # no such message: 404
    assert said.args[0]
    assert len(bob.messages_after(group)) == 1

    assert bob.session.delete(f"{bob.url}/api/v1/conversations/{direct}/messages/1", timeout=10).ok
    qtbot.waitUntil(lambda: alice.chat.messages.index(0).data(MessageRole.DELETED), timeout=30000)
    view = alice.session.panel.messages
    menu = view.build_context_menu(alice.chat.messages.index(0))
    assert "Forward…" not in [a.text() for a in menu.actions()]  # nothing to forward in a tombstone

    bob.send(direct, "second")
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(2) is not None, timeout=30000)
    dialog = _open_forward(alice, 2)
    item = next(i for i in dialog._items() if i.text() == "Climbing")
    item.setCheckState(Qt.CheckState.Checked)  # a click on its box
    assert dialog.forward_button.isEnabled() and dialog.forward_button.text() == "Forward"
    with qtbot.waitSignal(alice.chat.forwarding.forwarded, timeout=30000):
        dialog.forward_button.click()
    assert bob.messages_after(group)[-1]["text"] == "second"
    bob.session.close()
