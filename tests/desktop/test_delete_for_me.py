"""Delete for me in the desktop client against a real server: the menu's "Delete for me…" and the Delete key
hide a message on this device and, live, on my other device (message.hidden), the cache forgets it, a device
that was away learns it from the change stream after a restart, and the other members keep it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop.models.roles import MessageRole
from tests.support.api import PASSWORD, ApiClient, register


def _seqs_shown(handle) -> list[int]:
    model = handle.chat.messages
    return [model.index(r).data(MessageRole.SEQ) for r in range(model.rowCount())]


def _seqs_cached(handle, conversation_id: int) -> list[int]:
    return [m.confirmed_seq for m in handle.chat.state.history.messages_after(conversation_id, 0)]


def _two_devices_of_alice(live_server, desktop_client, qtbot):
    """Alice on a laptop and a desktop, both with the 1:1 open that holds Bob's messages 1–3."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    direct = bob.direct_with(ApiClient(live_server.url, "alice", register_first=False))
    for n in (1, 2, 3):
        assert bob.send(direct, f"message {n}").status_code == 201
    devices = []
    for name in ("laptop", "desktop"):
        handle = desktop_client(f"alice-{name}", live_server.url)
        handle.sign_in("alice", PASSWORD)
        handle.wait_online()
        qtbot.waitUntil(lambda h=handle: h.chat.conversations.get(direct) is not None, timeout=30000)
        handle.chat.open_conversation(direct)
        qtbot.waitUntil(lambda h=handle: _seqs_shown(h) == [1, 2, 3], timeout=30000)
        devices.append(handle)
    return devices[0], devices[1], bob, direct


def _menu_action(handle, seq: int, text: str):
    view = handle.session.panel.messages
    menu = view.build_context_menu(handle.chat.messages.index(handle.chat.messages.row_of_seq(seq), 0))
    return next((a for a in menu.actions() if a.text() == text), None)


def test_the_delete_key_hides_a_message_on_both_my_devices_and_not_for_bob(
    live_server, desktop_client, qtbot, monkeypatch
):
    laptop, desktop, bob, direct = _two_devices_of_alice(live_server, desktop_client, qtbot)
    asked: list[str] = []

    def answer_yes(_parent, _title, text, *_rest):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    view = laptop.session.panel.messages
    laptop.session.window.activateWindow()
    view.setFocus()
    view.setCurrentIndex(laptop.chat.messages.index(laptop.chat.messages.row_of_seq(2), 0))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert asked and "The others still see it" in asked[0]
    qtbot.waitUntil(lambda: _seqs_shown(laptop) == [1, 3], timeout=30000)
    assert _seqs_cached(laptop, direct) == [1, 3]
    qtbot.waitUntil(lambda: _seqs_shown(desktop) == [1, 3], timeout=30000)  # live: message.hidden
    assert _seqs_cached(desktop, direct) == [1, 3]
    assert [m["seq"] for m in bob.messages_after(direct)] == [1, 2, 3]  # Bob keeps it
    conversation = desktop.chat.conversations.get(direct)
    assert conversation is not None
    qtbot.waitUntil(lambda: conversation.changes_applied == 1, timeout=30000)  # the hide's version

    # Cancelling the question changes nothing; a tombstone can be cleared away too.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert _seqs_shown(laptop) == [1, 3]
    assert bob.session.delete(f"{bob.url}/api/v1/conversations/{direct}/messages/1", timeout=10).ok
    qtbot.waitUntil(lambda: laptop.chat.messages.index(0).data(MessageRole.DELETED), timeout=30000)
    assert _menu_action(laptop, 1, "Delete for everyone…") is None  # Bob's, and deleted already
    hide = _menu_action(laptop, 1, "Delete for me…")
    assert hide is not None and hide.shortcut().toString() == "Del"
    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    hide.trigger()
    qtbot.waitUntil(lambda: _seqs_shown(laptop) == [3] and _seqs_shown(desktop) == [3], timeout=30000)
    bob.session.close()


def test_a_device_that_was_away_drops_what_i_deleted_for_me_after_a_restart(
    live_server, desktop_client, qtbot, monkeypatch
):
    laptop, desktop, bob, direct = _two_devices_of_alice(live_server, desktop_client, qtbot)
    desktop.close()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    for seq in (3, 1):  # the newest one too: the list's preview falls back to what is left
        action = _menu_action(laptop, seq, "Delete for me…")
        assert action is not None
        action.trigger()
        qtbot.waitUntil(lambda s=seq: s not in _seqs_shown(laptop), timeout=30000)
    preview = laptop.chat.conversations.get(direct).last_message
    assert preview is not None and preview.seq == 2

    again = desktop_client("alice-desktop", live_server.url)  # the same data dir: the cache of before
    again.app.start()  # kept signed in
    qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
    again.wait_online()
    qtbot.waitUntil(lambda: _seqs_cached(again, direct) == [2], timeout=30000)  # the change stream's hidden
    conversation = again.chat.conversations.get(direct)
    assert conversation is not None
    qtbot.waitUntil(lambda: conversation.changes_applied == conversation.change_version == 2, timeout=30000)
    again.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: _seqs_shown(again) == [2], timeout=30000)
    assert again.chat.conversations.get(direct).last_message.seq == 2
    bob.session.close()


def test_a_refused_hide_says_why_and_keeps_the_message(live_server, desktop_client, qtbot):
    laptop, _desktop, bob, direct = _two_devices_of_alice(live_server, desktop_client, qtbot)
    with qtbot.waitSignal(laptop.chat.error, timeout=30000) as said:
        laptop.chat.hide_message(99)  # no such message: 404
    assert said.args and said.args[0]
    assert _seqs_shown(laptop) == [1, 2, 3] and _seqs_cached(laptop, direct) == [1, 2, 3]
    bob.session.close()
