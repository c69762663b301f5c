"""Two real clients on a real server: live delivery, badges, a server crash, the outbox across restarts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.models.roles import ConversationRole, MessageRole
from tests.desktop.pairs import signed_in_pair
from tests.support.api import ApiClient

pytestmark = pytest.mark.slow


def rows_with_text(chat, text: str) -> list[int]:
    model = chat.messages
    return [r for r in range(model.rowCount()) if model.index(r).data() == text]


def unread_of(chat, conversation_id: int) -> int:
    conversation = chat.conversations.get(conversation_id)
    return conversation.unread_count if conversation else -1


def type_and_send(qtbot, client, text: str) -> None:
    edit = client.session.panel.composer.edit
    edit.setPlainText(text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.fixture
def pair(live_server, desktop_client, qtbot):
    """Alice and Bob online in their own clients, in a 1:1 that Alice opened and Bob has in his list."""
    return signed_in_pair(live_server, desktop_client, qtbot, open_on_bob=False)


def test_a_sends_b_sees_it_live_with_the_right_bubble_and_badge(pair, qtbot):
    alice, bob, conversation_id = pair
    type_and_send(qtbot, alice, "Hello Bob 👋")
    assert alice.session.panel.composer.edit.toPlainText() == ""
    qtbot.waitUntil(lambda: unread_of(bob.chat, conversation_id) == 1, timeout=20000)
    row = bob.chat.conversation_list.index(0, 0)
    assert row.data(ConversationRole.UNREAD) == 1
    assert row.data(ConversationRole.PREVIEW) == "Hello Bob 👋"
    assert row.data() == "Alice"
    assert bob.app.tray.shown[-1] == (conversation_id, "Alice", "Hello Bob 👋")
    assert bob.session.window.windowTitle() == "(1) ChatIDK"

    mine = rows_with_text(alice.chat, "Hello Bob 👋")
    qtbot.waitUntil(
        lambda: alice.chat.messages.index(mine[0]).data(MessageRole.STATE) == "sent", timeout=20000
    )
    assert alice.chat.messages.index(mine[0]).data(MessageRole.IS_MINE) is True

    bob.app.tray.click_last_notification()  # the notification opens the conversation
    assert bob.chat.state.open_conversation_id == conversation_id
    theirs = rows_with_text(bob.chat, "Hello Bob 👋")
    assert len(theirs) == 1
    assert bob.chat.messages.index(theirs[0]).data(MessageRole.IS_MINE) is False

    bob.chat.set_viewing(True)  # the window is in front and at the bottom: read
    qtbot.waitUntil(lambda: unread_of(bob.chat, conversation_id) == 0, timeout=20000)
    type_and_send(qtbot, bob, "Hi Alice")
    qtbot.waitUntil(lambda: len(rows_with_text(alice.chat, "Hi Alice")) == 1, timeout=20000)
    row = rows_with_text(alice.chat, "Hi Alice")[0]
    assert alice.chat.messages.index(row).data(MessageRole.IS_MINE) is False


def test_html_looking_text_arrives_as_typed(pair, qtbot):
    alice, bob, conversation_id = pair
    type_and_send(qtbot, alice, "<b>hi</b> & <i>there</i>")
    bob.chat.open_conversation(conversation_id)
    qtbot.waitUntil(lambda: len(rows_with_text(bob.chat, "<b>hi</b> & <i>there</i>")) == 1, timeout=20000)


def test_edit_and_delete_reach_the_other_side(pair, qtbot):
    alice, bob, conversation_id = pair
    bob.chat.open_conversation(conversation_id)
    type_and_send(qtbot, alice, "frist")
    qtbot.waitUntil(lambda: len(rows_with_text(bob.chat, "frist")) == 1, timeout=20000)
    seq = bob.chat.messages.index(rows_with_text(bob.chat, "frist")[0]).data(MessageRole.SEQ)
    alice.chat.edit_message(seq, "first")
    qtbot.waitUntil(lambda: len(rows_with_text(bob.chat, "first")) == 1, timeout=20000)
    assert bob.chat.messages.index(bob.chat.messages.row_of_seq(seq)).data(MessageRole.EDITED) is True
    alice.chat.delete_message(seq)
    qtbot.waitUntil(
        lambda: bob.chat.messages.index(bob.chat.messages.row_of_seq(seq)).data(MessageRole.DELETED) is True,
        timeout=20000,
    )
    assert bob.chat.messages.rowCount() == 1


def test_server_killed_and_restarted_nothing_lost_nothing_twice(pair, live_server, qtbot):
    alice, bob, conversation_id = pair
    bob.chat.open_conversation(conversation_id)
    type_and_send(qtbot, alice, "before the crash")
    qtbot.waitUntil(lambda: len(rows_with_text(bob.chat, "before the crash")) == 1, timeout=20000)

    live_server.kill()
    qtbot.waitUntil(lambda: alice.chat.connection_state == "reconnecting", timeout=20000)
    qtbot.waitUntil(lambda: bob.chat.connection_state == "reconnecting", timeout=20000)
    assert "reconnecting" in alice.session.window.status_label.text()
    for text in ("while down 1", "while down 2", "while down 3"):
        type_and_send(qtbot, alice, text)
    type_and_send(qtbot, bob, "bob while down")
    for text in ("while down 1", "while down 2", "while down 3"):
        row = rows_with_text(alice.chat, text)[0]
        assert alice.chat.messages.index(row).data(MessageRole.STATE) == "sending"

    live_server.start()
    alice.wait_online()
    bob.wait_online()
    expected = ["before the crash", "while down 1", "while down 2", "while down 3", "bob while down"]
    for client in (alice, bob):
        qtbot.waitUntil(
            lambda c=client: all(len(rows_with_text(c.chat, t)) == 1 for t in expected), timeout=30000
        )
    qtbot.waitUntil(
        lambda: alice.chat.state.outbox.pending() == [] and bob.chat.state.outbox.pending() == [],
        timeout=30000,
    )
    # Once more after everything settled: still exactly once on both sides and on the server.
    for client in (alice, bob):
        assert all(len(rows_with_text(client.chat, t)) == 1 for t in expected)
        states = {
            client.chat.messages.index(r).data(MessageRole.STATE)
            for r in range(client.chat.messages.rowCount())
        }
        assert states == {"sent"}
    server_view = ApiClient(live_server.url, "alice", register_first=False)
    texts = [m["text"] for m in server_view.messages_after(conversation_id)]
    assert sorted(texts) == sorted(expected)
    server_view.session.close()


def test_outbox_survives_closing_and_reopening_the_client(pair, live_server, qtbot):
    alice, bob, conversation_id = pair
    bob.chat.open_conversation(conversation_id)
    live_server.kill()
    qtbot.waitUntil(lambda: alice.chat.connection_state == "reconnecting", timeout=20000)
    type_and_send(qtbot, alice, "written offline")
    assert [e.text for e in alice.chat.state.outbox.pending()] == ["written offline"]
    data_dir = alice.data_dir
    alice.close()

    live_server.start()
    reopened = type(alice)(qtbot, data_dir, live_server.url)
    try:
        reopened.app.start()  # signs in from the stored token, opens the last conversation from the cache
        assert reopened.app.chat_session is not None
        assert reopened.chat.state.open_conversation_id == conversation_id
        qtbot.waitUntil(lambda: reopened.chat.state.outbox.pending() == [], timeout=30000)
        qtbot.waitUntil(lambda: len(rows_with_text(bob.chat, "written offline")) == 1, timeout=30000)
        rows = rows_with_text(reopened.chat, "written offline")
        assert len(rows) == 1
        assert reopened.chat.messages.index(rows[0]).data(MessageRole.STATE) == "sent"
    finally:
        reopened.close()
    server_view = ApiClient(live_server.url, "bob", register_first=False)
    texts = [m["text"] for m in server_view.messages_after(conversation_id)]
    assert texts.count("written offline") == 1
    server_view.session.close()
