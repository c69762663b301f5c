"""Replies in the desktop client against a real server: Reply in the menu and Ctrl+R, the quote bar (Esc
cancels, it survives switching chats as part of the draft), the quote in the bubble (following edits and
deletions of the original), and activating a quote scrolls to the original even when it was not loaded."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QPoint, Qt

from desktop.models.roles import MessageRole
from tests.desktop.pairs import signed_in_with_two_chats
from tests.support.api import PASSWORD, ApiClient, register


def _row(handle, seq: int) -> int:
    row = handle.chat.messages.row_of_seq(seq)
    assert row is not None
    return row


def _quote(handle, seq: int):
    row = handle.chat.messages.row_of_seq(seq)
    return None if row is None else handle.chat.messages.index(row, 0).data(MessageRole.QUOTE)


def _menu_action(handle, seq: int, text: str):
    view = handle.session.panel.messages
    menu = view.build_context_menu(handle.chat.messages.index(_row(handle, seq), 0))
    return next((a for a in menu.actions() if a.text() == text), None)


def test_reply_from_the_menu_quotes_the_original_and_the_quote_follows_edits_and_deletion(
    live_server, desktop_client, qtbot
):
    alice, bob, direct, _group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    composer = alice.session.panel.composer
    reply = _menu_action(alice, 1, "Reply")
    assert reply is not None and reply.shortcut().toString() == "Ctrl+R"
    reply.trigger()
    assert composer.reply_bar.isVisible()
    assert composer.reply_bar.title.text() == "Reply to Bob"
    assert composer.reply_bar.snippet.text() == "hi Alice"
    qtbot.keyClicks(composer.edit, "hello Bob")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    assert not composer.reply_bar.isVisible() and composer.reply_to is None
    # Shown at once as sending with its quote, then confirmed by the server with the server's quote.
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(2) is not None, timeout=30000)
    on_server = bob.messages_after(direct)[1]
    assert on_server["reply_to"] == {"seq": 1, "sender_id": bob.id, "snippet": "hi Alice", "deleted": False}
    quote = _quote(alice, 2)
    assert quote is not None and (quote.seq, quote.sender, quote.line) == (1, "Bob", "hi Alice")
    assert _menu_action(alice, 2, "Reply") is not None  # my own messages can be answered too

    assert bob.patch(f"/conversations/{direct}/messages/1", {"text": "hi Alice!!"}).status_code == 200
    qtbot.waitUntil(lambda: _quote(alice, 2).line == "hi Alice!!", timeout=30000)
    assert bob.session.delete(f"{bob.url}/api/v1/conversations/{direct}/messages/1", timeout=10).ok
    qtbot.waitUntil(lambda: _quote(alice, 2).line == "Deleted message", timeout=30000)
    assert _quote(alice, 2).deleted
    cached = alice.chat.state.history.message(direct, 2)
    assert cached is not None and cached.reply_to is not None and cached.reply_to.snippet is None
    assert _menu_action(alice, 1, "Reply") is None  # a deleted message cannot be answered
    bob.session.close()


def test_ctrl_r_starts_a_reply_esc_cancels_and_the_reply_stays_with_its_chat(
    live_server, desktop_client, qtbot
):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    view, composer = alice.session.panel.messages, alice.session.panel.composer
    view.setFocus()
    view.setCurrentIndex(alice.chat.messages.index(_row(alice, 1), 0))
    qtbot.keyClick(view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert composer.reply_bar.isVisible() and composer.reply_to is not None and composer.reply_to.seq == 1
    assert composer.edit.hasFocus() or composer.edit.isActiveWindow() is False  # focus moved to writing
    qtbot.keyClick(composer.edit, Qt.Key.Key_Escape)
    assert not composer.reply_bar.isVisible() and composer.reply_to is None

    # A reply being written belongs to its conversation's draft: put aside on switching, back on return.
    composer.start_reply(alice.chat.quote_for(1))
    qtbot.keyClicks(composer.edit, "about that")
    alice.chat.open_conversation(group)
    assert not composer.reply_bar.isVisible() and composer.edit.toPlainText() == ""
    stored = alice.session.drafts.store.get(direct)
    assert stored.reply_to is not None and stored.reply_to.seq == 1 and stored.text == "about that"
    alice.chat.open_conversation(direct)
    assert composer.reply_bar.isVisible() and composer.reply_to is not None and composer.reply_to.seq == 1
    assert composer.reply_bar.snippet.text() == "hi Alice"
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(bob.messages_after(direct)) == 2, timeout=30000)
    assert bob.messages_after(direct)[1]["reply_to"]["seq"] == 1
    qtbot.waitUntil(lambda: alice.session.drafts.store.get(direct).empty, timeout=10000)  # saved on a timer
    bob.session.close()


def test_a_quote_jumps_to_an_original_far_back_that_is_not_loaded(live_server, desktop_client, qtbot):
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    direct = bob.direct_with(ApiClient(live_server.url, "alice", register_first=False))
    assert bob.send(direct, "the very first").status_code == 201
    for n in range(2, 56):
        assert bob.send(direct, f"filler {n}").status_code == 201
    body = {"client_id": str(uuid.uuid4()), "text": "as I said first", "reply_to_seq": 1}
    assert bob.post(f"/conversations/{direct}/messages", body).status_code == 201  # seq 56
    # Read on another device: the chat opens at its newest messages, not at the first unread one.
    alice_api = ApiClient(live_server.url, "alice", register_first=False)
    assert alice_api.post(f"/conversations/{direct}/read", {"seq": 56}).status_code == 200
    alice_api.session.close()

    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(56) is not None, timeout=30000)
    assert alice.chat.messages.row_of_seq(1) is None  # only the newest page came: the original is far back
    view = alice.session.panel.messages
    index = alice.chat.messages.index(_row(alice, 56), 0)
    view.scrollTo(index)
    qtbot.waitUntil(lambda: view.visualRect(index).isValid(), timeout=10000)
    option = view._option_for(index)
    rect = view.bubble_delegate._geometry(option, index).quote_rect
    assert rect is not None
    centre = rect.translated(option.rect.topLeft()).center().toPoint()
    assert view.quote_at(centre) == 1
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(centre))
    qtbot.waitUntil(lambda: view.currentIndex().data(MessageRole.SEQ) == 1, timeout=30000)
    assert view.bubble_delegate.flash is not None and view.bubble_delegate.flash.row() == _row(alice, 1)
    assert view.viewport().rect().intersects(view.visualRect(view.currentIndex()))

    # Enter on a focused reply goes to its original too.
    view.setFocus()
    view.setCurrentIndex(alice.chat.messages.index(_row(alice, 56), 0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.currentIndex().data(MessageRole.SEQ) == 1, timeout=30000)
    bob.session.close()
