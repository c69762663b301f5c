"""Mentions in the desktop client against a real server: "@" in a group's composer offers its members (↑/↓,
Enter or Tab inserts "@username ", Esc closes; nothing in a 1:1), a mention of me is marked in the bubble and
counted in an "@" badge, and it notifies in a muted group unless "Notify me of mentions when muted" is off."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models.mention_text import mention_ranges, typed_mention
from desktop.models.roles import ConversationRole, MessageRole
from tests.desktop.pairs import signed_in_with_two_chats
from tests.support.api import ApiClient


def test_mention_ranges_and_the_name_being_typed():
    assert mention_ranges("hi @Alice. and @alice_2 @alice", "alice") == [(3, 9), (24, 30)]
    assert mention_ranges("mail bob@alice.com", "alice") == []
    assert mention_ranges("@alice-", "alice") == [(0, 6)]
    assert mention_ranges("no at sign", "alice") == [] and mention_ranges("@x", "") == []
    assert typed_mention("hi @") == "" and typed_mention("hi @al") == "al"
    assert typed_mention("hi @al ") is None and typed_mention("mail bob@al") is None
    assert typed_mention("no mention") is None


def _group_with_carol(live_server, desktop_client, qtbot):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    carol = ApiClient(live_server.url, "carol")
    assert bob.post(f"/conversations/{group}/members", {"user_ids": [carol.id]}).status_code in (200, 201)
    qtbot.waitUntil(lambda: len(alice.chat.conversations.get(group).members) == 3, timeout=30000)
    return alice, bob, carol, direct, group


def test_at_in_a_group_offers_members_and_inserts_the_username(live_server, desktop_client, qtbot):
    alice, bob, carol, direct, group = _group_with_carol(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(group)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    edit = alice.session.panel.composer.edit
    popup = alice.session.mention_popup
    alice.session.window.activateWindow()
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=10000)
    qtbot.keyClicks(edit, "hi @")
    qtbot.waitUntil(popup.isVisible, timeout=10000)
    assert [popup.item(r).text() for r in range(popup.count())] == ["Bob  @bob", "carol  @carol"]
    assert popup.item(0).icon() is not None and not popup.item(0).icon().isNull()  # the avatar
    qtbot.keyClick(edit, Qt.Key.Key_Down)
    assert popup.username() == "carol"
    qtbot.keyClick(edit, Qt.Key.Key_Up)
    qtbot.keyClicks(edit, "b")
    assert [popup.item(r).text() for r in range(popup.count())] == ["Bob  @bob"]
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert not popup.isVisible() and edit.hasFocus()
    assert edit.toPlainText() == "hi @bob "

    qtbot.keyClicks(edit, "and @ca")
    qtbot.waitUntil(popup.isVisible, timeout=10000)
    qtbot.keyClick(edit, Qt.Key.Key_Escape)  # closes the list only: the text stays
    assert not popup.isVisible() and edit.toPlainText() == "hi @bob and @ca"
    qtbot.keyClicks(edit, "r")  # the same "@": still closed
    assert not popup.isVisible()
    for _ in "@car":
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.toPlainText() == "hi @bob and "
    qtbot.keyClicks(edit, "@c")  # a new "@": offered again, Enter inserts (and does not send)
    qtbot.waitUntil(popup.isVisible, timeout=10000)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert edit.toPlainText() == "hi @bob and @carol "
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # now it sends
    qtbot.waitUntil(lambda: len(bob.messages_after(group)) == 2, timeout=30000)
    sent = bob.messages_after(group)[-1]
    assert sent["text"] == "hi @bob and @carol " and sent["mentions"] == sorted([bob.id, carol.id])

    alice.chat.open_conversation(direct)  # a 1:1 has no mentions: no list
    qtbot.waitUntil(lambda: alice.chat.open_conversation_id == direct, timeout=10000)
    edit.setFocus()
    qtbot.keyClicks(edit, "@b")
    assert not popup.isVisible()
    bob.session.close()
    carol.session.close()


def test_a_mention_of_me_is_marked_counted_and_notifies_even_muted(live_server, desktop_client, qtbot):
    alice, bob, carol, direct, group = _group_with_carol(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(direct)  # the group is not in front
    tray = alice.session.tray.tray
    conversations = alice.chat.conversations

    def badge() -> int:
        source_row = next(r for r in range(conversations.rowCount()) if conversations.all()[r].id == group)
        return conversations.index(source_row, 0).data(ConversationRole.UNREAD_MENTIONS)

    assert bob.send(group, "@alice do you have the rope?").status_code == 201
    qtbot.waitUntil(lambda: badge() == 1, timeout=30000)
    assert "mentioned" in conversations.index(conversations.all().index(conversations.get(group)), 0).data(
        Qt.ItemDataRole.AccessibleTextRole
    )
    assert bob.send(group, "no mention here").status_code == 201
    qtbot.waitUntil(lambda: conversations.get(group).unread_count == 2, timeout=30000)
    assert badge() == 1

    alice.chat.conversation_actions.set_muted(group, True)
    qtbot.waitUntil(lambda: conversations.get(group).me.muted, timeout=30000)
    before = len(tray.shown)
    assert carol.send(group, "muted but @ALICE still hears this").status_code == 201
    qtbot.waitUntil(lambda: len(tray.shown) > before, timeout=30000)
    assert tray.shown[-1][0] == group and "still hears" in tray.shown[-1][2]
    assert badge() == 2

    # "Notify me of mentions when muted" off, from the conversation menu: muted means muted.
    window = alice.session.window
    menu = window.conversation_menu.build(conversations.get(group), "Climbing")
    toggle = next(a for a in menu.actions() if a.text() == "Notify me of mentions when muted")
    assert toggle.isCheckable() and toggle.isChecked()
    toggle.trigger()
    qtbot.waitUntil(lambda: not conversations.get(group).me.mentions_when_muted, timeout=30000)
    alice_api = ApiClient(live_server.url, "alice", register_first=False)
    state = alice_api.get(f"/conversations/{group}").json()["conversation"]["me"]
    assert state["mentions_when_muted"] is False  # kept on the server: every device of mine agrees
    count = len(tray.shown)
    assert carol.send(group, "@alice you will not hear this").status_code == 201
    qtbot.waitUntil(lambda: badge() == 3, timeout=30000)
    assert len(tray.shown) == count

    # Opening the group: the mentions of me are marked, reading clears the badge.
    alice.chat.open_conversation(group)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(2) is not None, timeout=30000)
    model = alice.chat.messages
    assert model.index(model.row_of_seq(2), 0).data(MessageRole.MENTION_NAME) == "alice"
    assert model.index(model.row_of_seq(3), 0).data(MessageRole.MENTION_NAME) == ""
    alice.session.window.activateWindow()
    alice.chat.set_viewing(True)
    qtbot.waitUntil(lambda: badge() == 0, timeout=30000)
    bob.session.close()
    carol.session.close()
    alice_api.session.close()
