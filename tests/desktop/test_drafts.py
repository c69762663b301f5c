"""Each conversation keeps its own draft, driven through the real widgets against a real server: text and
staged files stay with the conversation they were written in, come back when it opens again and after a
restart, never go to another conversation, and the list says "Draft: …"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.cache import DraftStore, Outbox, open_cache_database
from desktop.cache.database import SCHEMA_VERSION
from desktop.domain.drafts import Draft
from desktop.models.roles import ConversationRole
from tests.desktop.pairs import signed_in_with_two_chats

pytestmark = pytest.mark.slow


def row_index(client, conversation_id: int):
    model = client.chat.conversation_list
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        if index.data(ConversationRole.ID) == conversation_id:
            return index
    raise AssertionError(f"conversation {conversation_id} is not in the list")


def click_conversation(qtbot, client, conversation_id: int) -> None:
    view = client.session.window.conversation_view
    point = view.visualRect(row_index(client, conversation_id)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: client.chat.open_conversation_id == conversation_id, timeout=10000)


@pytest.fixture
def chats(live_server, desktop_client, qtbot):
    """Alice in her client with a 1:1 with Bob and a group, each holding one message of Bob's."""
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    yield alice, bob, direct, group
    bob.session.close()


def test_a_draft_stays_with_its_conversation_and_survives_a_restart(chats, live_server, qtbot, tmp_path):
    alice, bob, direct, group = chats
    composer = alice.session.panel.composer
    attachment = tmp_path / "plan.txt"
    attachment.write_text("the route")
    click_conversation(qtbot, alice, direct)
    qtbot.keyClicks(composer.edit, "half a thought")
    composer.stage_files([attachment])

    click_conversation(qtbot, alice, group)
    assert composer.edit.toPlainText() == ""
    assert composer.staged.paths == []
    assert not composer.send_button.isEnabled()
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)  # nothing of the 1:1's draft goes to the group
    assert alice.chat.state.outbox.entries() == []
    assert [m["text"] for m in bob.messages_after(group)] == ["rope?"]
    assert row_index(alice, direct).data(ConversationRole.DRAFT) == "half a thought"
    assert "Draft: half a thought" in row_index(alice, direct).data(Qt.ItemDataRole.AccessibleTextRole)
    assert row_index(alice, group).data(ConversationRole.DRAFT) == ""

    qtbot.keyClicks(composer.edit, "group words")
    click_conversation(qtbot, alice, direct)
    assert composer.edit.toPlainText() == "half a thought"
    assert composer.staged.paths == [attachment]
    assert composer.edit.textCursor().position() == len("half a thought")  # writing goes on at the end
    assert row_index(alice, direct).data(ConversationRole.DRAFT) == ""  # open: the draft is in the composer
    assert row_index(alice, group).data(ConversationRole.DRAFT) == "group words"

    data_dir = alice.data_dir
    alice.close()
    reopened = type(alice)(qtbot, data_dir, live_server.url)
    try:
        reopened.app.start()  # the stored token signs in; the last conversation (the 1:1) opens
        assert reopened.chat.open_conversation_id == direct
        again = reopened.session.panel.composer
        assert again.edit.toPlainText() == "half a thought"
        assert again.staged.paths == [attachment]
        assert row_index(reopened, group).data(ConversationRole.DRAFT) == "group words"
        click_conversation(qtbot, reopened, group)
        assert again.edit.toPlainText() == "group words"
        qtbot.keyClick(again.edit, Qt.Key.Key_Return)  # sent: the draft is gone, here and in the list
        qtbot.waitUntil(
            lambda: [m["text"] for m in bob.messages_after(group)][-1:] == ["group words"], timeout=30000
        )
        assert again.edit.toPlainText() == ""
        click_conversation(qtbot, reopened, direct)
        assert row_index(reopened, group).data(ConversationRole.DRAFT) == ""
        assert DraftStore(reopened.session.database).get(group).empty
    finally:
        reopened.close()


def test_a_files_only_draft_reads_as_its_files_in_the_list(chats, qtbot, tmp_path):
    alice, _bob, direct, group = chats
    composer = alice.session.panel.composer
    files = [tmp_path / "a.png", tmp_path / "b.png"]
    for path in files:
        path.write_bytes(b"x")
    click_conversation(qtbot, alice, direct)
    composer.stage_files(files)
    click_conversation(qtbot, alice, group)
    assert row_index(alice, direct).data(ConversationRole.DRAFT) == "📎 2 files"
    click_conversation(qtbot, alice, direct)
    composer.staged.clear_button.click()
    click_conversation(qtbot, alice, group)
    assert row_index(alice, direct).data(ConversationRole.DRAFT) == ""


def test_a_version_2_cache_gains_drafts_and_keeps_its_outbox(tmp_path):
    path = tmp_path / "cache.sqlite3"
    old = open_cache_database(path)
    old.execute("DROP TABLE drafts")
    old.execute(
        "INSERT INTO outbox (client_id, conversation_id, sender_id, text, created_at) VALUES"
        " ('c1', 1, 1, 'kept', '2026-11-20T09:00:00.000000Z')"
    )
    old.execute("PRAGMA user_version=2")
    old.close()
    migrated = open_cache_database(path)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [e.text for e in Outbox(migrated).entries()] == ["kept"]
    store = DraftStore(migrated)
    store.put(7, Draft("hello", [tmp_path / "x.txt"]))
    store.put(8, Draft("   "))  # blank: no draft at all
    assert store.all() == {7: Draft("hello", [tmp_path / "x.txt"])}
    store.put(7, Draft())
    assert store.all() == {}
    migrated.close()


def test_switching_away_from_an_edit_keeps_the_draft_not_the_edit(chats, qtbot):
    alice, _bob, direct, group = chats
    composer = alice.session.panel.composer
    click_conversation(qtbot, alice, direct)
    qtbot.keyClicks(composer.edit, "hello")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    model = alice.chat.messages
    qtbot.waitUntil(lambda: model.last_editable() is not None, timeout=20000)
    qtbot.keyClicks(composer.edit, "still writing")
    _row, seq, text = model.last_editable()
    alice.session.panel.messages.edit_requested.emit(seq, text)
    assert composer.editing and composer.edit.toPlainText() == "hello"
    click_conversation(qtbot, alice, group)
    assert not composer.editing and not composer.editing_bar.isVisible()
    assert row_index(alice, direct).data(ConversationRole.DRAFT) == "still writing"
    click_conversation(qtbot, alice, direct)
    assert composer.edit.toPlainText() == "still writing" and not composer.editing


def test_a_draft_whose_file_was_deleted_comes_back_without_it(qtbot, tmp_path):
    from desktop.views.composer import Composer

    composer = Composer()
    qtbot.addWidget(composer)
    kept, gone = tmp_path / "kept.txt", tmp_path / "gone.txt"
    kept.write_text("k")
    with qtbot.assertNotEmitted(composer.draft_changed):  # putting a draft in is not the user changing it
        composer.set_draft(Draft("words", [kept, gone]))
    assert composer.edit.toPlainText() == "words" and composer.staged.paths == [kept]


def test_files_dropped_while_editing_end_the_edit_and_join_the_draft(qtbot, tmp_path):
    from desktop.views.composer import Composer

    composer = Composer()
    qtbot.addWidget(composer)
    picture = tmp_path / "pic.png"
    picture.write_bytes(b"p")
    composer.set_draft(Draft("caption to be"))
    composer.start_edit(4, "old text")
    assert composer.editing and not composer.attach_button.isEnabled()
    composer.stage_files([picture])  # as a drop or a paste does
    assert not composer.editing and composer.attach_button.isEnabled()
    assert composer.draft() == Draft("caption to be", [picture])
