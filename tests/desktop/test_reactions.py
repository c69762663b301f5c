"""Reactions in the desktop client against a real server: chips under the bubble (count, mine, who), a click
toggles (the row at once, the server's answer deciding; a refusal puts it back), the menu's quick row and
"More reactions…" from mouse and keyboard, a notification when someone reacts to my message (not when muted;
no text when texts are hidden), and convergence after a restart."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from desktop.models.roles import MessageRole
from desktop.views.emoji_picker import EmojiPicker
from tests.desktop.pairs import signed_in_with_two_chats
from tests.support.api import ApiClient


def react(api: ApiClient, conversation_id: int, seq: int, emoji: str, on: bool = True) -> None:
    url = f"{api.url}/api/v1/conversations/{conversation_id}/messages/{seq}/reactions/{quote(emoji)}"
    answer = (api.session.put if on else api.session.delete)(url, timeout=10)
    assert answer.status_code == 200, answer.text


def chips(handle, seq: int) -> list[tuple[str, int, bool]]:
    row = handle.chat.messages.row_of_seq(seq)
    if row is None:
        return []
    return [
        (c.emoji, c.count, c.mine) for c in handle.chat.messages.index(row, 0).data(MessageRole.REACTIONS)
    ]


def server_reactions(api: ApiClient, conversation_id: int, seq: int) -> list[tuple[str, int]]:
    message = next(m for m in api.messages_after(conversation_id) if m["seq"] == seq)
    return [(r["emoji"], r["count"]) for r in message["reactions"]]


def chip_centre(handle, seq: int, emoji: str) -> QPoint:
    view = handle.session.panel.messages
    index = handle.chat.messages.index(handle.chat.messages.row_of_seq(seq), 0)
    view.scrollTo(index)
    option = view._option_for(index)
    for rect, chip in view.bubble_delegate._geometry(option, index).chips:
        if chip.emoji == emoji:
            return rect.translated(option.rect.topLeft()).center().toPoint()
    raise AssertionError(f"no chip {emoji}")


def test_chips_show_counts_and_who_and_a_click_toggles_mine(live_server, desktop_client, qtbot):
    alice, bob, _direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(group)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    react(bob, group, 1, "👍")
    qtbot.waitUntil(lambda: chips(alice, 1) == [("👍", 1, False)], timeout=30000)
    row = alice.chat.messages.row_of_seq(1)
    (chip,) = alice.chat.messages.index(row, 0).data(MessageRole.REACTIONS)
    assert chip.who == "Bob reacted with 👍"

    view = alice.session.panel.messages
    centre = chip_centre(alice, 1, "👍")
    assert view.chip_at(centre) is not None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(
        lambda: chips(alice, 1) == chips_in_cache(alice, group, 1) == [("👍", 2, True)], timeout=30000
    )
    assert server_reactions(bob, group, 1) == [("👍", 2)]
    (chip,) = alice.chat.messages.index(row, 0).data(MessageRole.REACTIONS)
    assert chip.who in ("Bob and You reacted with 👍", "You and Bob reacted with 👍")
    assert alice.chat.state.history.message(group, 1).my_reactions == ["👍"]

    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=chip_centre(alice, 1, "👍"))
    qtbot.waitUntil(
        lambda: chips(alice, 1) == chips_in_cache(alice, group, 1) == [("👍", 1, False)], timeout=30000
    )
    assert server_reactions(bob, group, 1) == [("👍", 1)]
    bob.session.close()


def _is_my_reaction_event(event: dict, my_id: int) -> bool:
    reaction = event.get("reaction")
    mine = isinstance(reaction, dict) and reaction["user_id"] == my_id
    return event.get("type") == "message.updated" and mine


def test_my_reaction_shows_at_once_and_the_live_event_after_the_answer_counts_nothing_twice(
    live_server, desktop_client, qtbot
):
    alice, bob, _direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(group)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    react(bob, group, 1, "👍")
    qtbot.waitUntil(lambda: chips(alice, 1) == [("👍", 1, False)], timeout=30000)
    conversation = alice.chat.conversations.get(group)
    view = alice.session.panel.messages
    for shown in ([("👍", 2, True)], [("👍", 1, False)]):  # on, then off again
        mine = alice.chat.my_id
        with qtbot.waitSignal(
            alice.chat.listener.event_received,
            check_params_cb=lambda e, m=mine: _is_my_reaction_event(e, m),
            timeout=30000,
        ) as heard:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=chip_centre(alice, 1, "👍"))
            assert chips(alice, 1) == shown  # at once: nothing has come back yet (the Qt loop has not run)
            assert chips_in_cache(alice, group, 1) != shown  # the cache waits for the server
        event = heard.args[0]
        # Both the answer and the event applied (the event moves the change cursor, the answer the cache).
        qtbot.waitUntil(
            lambda e=event, s=shown: (
                conversation.changes_applied >= e["version"] and chips_in_cache(alice, group, 1) == s
            ),
            timeout=30000,
        )
        assert chips(alice, 1) == shown and server_reactions(bob, group, 1) == [(e, n) for e, n, _ in shown]
        alice.chat.sync.apply_event(event)  # once more, after the answer: counts are absolute
        assert chips(alice, 1) == shown and chips_in_cache(alice, group, 1) == shown
    bob.session.close()


def test_someone_elses_reaction_arriving_before_my_answer_keeps_my_change_shown(
    live_server, desktop_client, qtbot
):
    alice, bob, _direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(group)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    with qtbot.waitSignal(
        alice.chat.listener.event_received,
        check_params_cb=lambda e: _is_my_reaction_event(e, bob.id),
        timeout=30000,
    ) as heard:
        react(bob, group, 1, "👍")
    qtbot.waitUntil(lambda: chips(alice, 1) == [("👍", 1, False)], timeout=30000)
    bobs = heard.args[0]  # a state the server sent before it had my reaction

    both = [("👍", 1, False), ("❤️", 1, True)]
    alice.chat.react(1, "❤️", True)
    assert chips(alice, 1) == both  # at once
    alice.chat.sync.apply_event(bobs)  # arrives before my answer (the Qt loop has not run yet)
    assert chips(alice, 1) == both  # my change is still shown over it
    assert chips_in_cache(alice, group, 1) == [("👍", 1, False)]  # the cache holds what the server said
    # The answer, and my reaction's own event (which may come first): both in, nothing waiting.
    qtbot.waitUntil(
        lambda: chips_in_cache(alice, group, 1) == both and not alice.chat.state.pending_reactions,
        timeout=30000,
    )
    assert chips(alice, 1) == both
    alice.chat.sync.apply_event(bobs)  # and after the answer, that old state changes nothing
    assert chips(alice, 1) == both
    bob.session.close()


def test_a_refused_or_failed_reaction_puts_the_cached_message_back_and_says_why(
    live_server, desktop_client, qtbot
):
    alice, bob, direct, _group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    alice.chat.react(1, "❤️", True)
    qtbot.waitUntil(lambda: chips_in_cache(alice, direct, 1) == [("❤️", 1, True)], timeout=30000)

    assert bob.session.put(f"{bob.url}/api/v1/blocks/{alice.chat.my_id}", json={}, timeout=10).ok
    with qtbot.waitSignal(alice.chat.error, timeout=30000) as said:
        alice.chat.react(1, "👍", True)  # 403: Bob blocked me
        assert chips(alice, 1) == [("❤️", 1, True), ("👍", 1, True)]
    assert said.args[0]
    assert chips(alice, 1) == [("❤️", 1, True)] == chips_in_cache(alice, direct, 1)

    live_server.stop()  # the call itself fails now
    with qtbot.waitSignal(alice.chat.error, timeout=30000) as said:
        alice.chat.react(1, "❤️", False)
        assert chips(alice, 1) == []
    assert "reach the server" in said.args[0]
    assert chips(alice, 1) == [("❤️", 1, True)] == chips_in_cache(alice, direct, 1)
    bob.session.close()


def test_the_menu_reacts_from_the_keyboard_and_more_opens_the_picker(live_server, desktop_client, qtbot):
    alice, bob, direct, _group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    view = alice.session.panel.messages
    alice.session.window.activateWindow()
    view.setFocus()
    view.setCurrentIndex(alice.chat.messages.index(alice.chat.messages.row_of_seq(1), 0))
    qtbot.keyClick(view, Qt.Key.Key_Menu)
    menu = view.menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=10000)
    assert [a.text() for a in menu.actions() if not a.isSeparator()][:3] == [
        "Quick reactions",
        "More reactions…",
        "Reply",
    ]
    qtbot.keyClick(menu, Qt.Key.Key_Down)  # onto the row: its first emoji has the focus
    row = menu.actions()[0].defaultWidget()
    qtbot.waitUntil(lambda: row.focused() == 0, timeout=10000)
    focused = QApplication.focusWidget()
    qtbot.keyClick(focused, Qt.Key.Key_Right)
    assert row.focused() == 1
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # ❤️
    qtbot.waitUntil(
        lambda: chips(alice, 1) == chips_in_cache(alice, direct, 1) == [("❤️", 1, True)], timeout=30000
    )
    assert server_reactions(bob, direct, 1) == [("❤️", 1)]

    # "More reactions…": the picker, searched by name from the keyboard; Enter picks the first hit.
    view.setCurrentIndex(alice.chat.messages.index(alice.chat.messages.row_of_seq(1), 0))
    qtbot.keyClick(view, Qt.Key.Key_Menu)
    qtbot.waitUntil(lambda: view.menu is not None and view.menu.isVisible(), timeout=10000)
    more = next(a for a in view.menu.actions() if a.text() == "More reactions…")
    more.trigger()
    picker = alice.session.reaction_picker
    assert isinstance(picker, EmojiPicker)
    qtbot.waitUntil(picker.isVisible, timeout=10000)
    assert picker.search.hasFocus()
    qtbot.keyClicks(picker.search, "party popper")
    assert picker.shown()[0] == "🎉"
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ("🎉", 1, True) in chips(alice, 1), timeout=30000)
    assert alice.session.settings.recent_emoji[0] == "🎉"

    # Choosing one of mine again in the picker takes it back; "Recent" comes first and holds it.
    picker = alice.session.pick_reaction(1)
    assert picker is not None and picker.category() == "Recent" and picker.shown()[0] == "🎉"
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    assert picker.grid.hasFocus() and picker.current_emoji() == "🎉"
    qtbot.keyClick(picker.grid, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chips(alice, 1) == [("❤️", 1, True)], timeout=30000)
    bob.session.close()


def test_someone_reacting_to_my_message_notifies_unless_muted(live_server, desktop_client, qtbot):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(group)
    qtbot.waitUntil(lambda: alice.chat.messages.row_of_seq(1) is not None, timeout=30000)
    assert alice.chat.send_text("who brings the rope?")
    qtbot.waitUntil(lambda: len(bob.messages_after(group)) == 2, timeout=30000)
    alice.chat.open_conversation(direct)  # the group is not in front
    tray = alice.session.tray.tray  # the app's one tray, behind this account's notifier
    before = len(tray.shown)
    react(bob, group, 1, "👍")  # on Bob's own message: nothing for Alice
    react(bob, group, 2, "😂")
    qtbot.waitUntil(lambda: len(tray.shown) > before, timeout=30000)
    assert tray.shown[before:] == [
        (group, "Bob reacted 😂 in Climbing", "to your message: who brings the rope?")
    ]
    react(bob, group, 2, "😂", on=False)  # taking it back says nothing

    alice.session.settings_wiring._set_show_text(False)  # what the Notifications page's box does
    react(bob, group, 2, "👏")
    qtbot.waitUntil(lambda: len(tray.shown) > before + 1, timeout=30000)
    assert tray.shown[-1][1] == "Bob reacted 👏 in Climbing" and "rope" not in tray.shown[-1][2]

    alice.chat.conversation_actions.set_muted(group, True)
    qtbot.waitUntil(lambda: alice.chat.conversations.get(group).me.muted, timeout=30000)
    count = len(tray.shown)
    react(bob, group, 2, "🔥")
    qtbot.waitUntil(lambda: ("🔥", 1, False) in chips_in_cache(alice, group, 2), timeout=30000)
    assert len(tray.shown) == count
    bob.session.close()


def chips_in_cache(handle, conversation_id: int, seq: int) -> list[tuple[str, int, bool]]:
    message = handle.chat.state.history.message(conversation_id, seq)
    if message is None:
        return []
    mine = set(message.my_reactions or [])
    return [(r.emoji, r.count, r.emoji in mine) for r in message.reactions]


def _state(message) -> tuple:
    reply = message.reply_to
    return (
        message.text,
        message.deleted,
        tuple((r.emoji, r.count) for r in message.reactions),
        (reply.seq, reply.snippet, reply.deleted) if reply else None,
    )


def test_reactions_and_replies_made_while_away_converge_after_a_restart(live_server, desktop_client, qtbot):
    alice, bob, direct, _group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice_api = ApiClient(live_server.url, "alice", register_first=False)  # "another device" of Alice's
    for n in range(2, 7):
        assert bob.send(direct, f"message {n}").status_code == 201
    qtbot.waitUntil(lambda: alice.chat.state.history.count_messages(direct) == 6, timeout=30000)
    react(alice_api, direct, 2, "👍")  # live, from her other device: her own reaction
    qtbot.waitUntil(lambda: chips_in_cache(alice, direct, 2) == [("👍", 1, True)], timeout=30000)
    alice.close()

    # While she is away: reactions come and go, replies are written, an original is edited and deleted.
    react(bob, direct, 2, "👍")
    react(bob, direct, 3, "🎉")
    react(alice_api, direct, 3, "🎉")
    react(alice_api, direct, 2, "👍", on=False)
    react(bob, direct, 4, "😮")
    react(bob, direct, 4, "😮", on=False)
    for body in ({"reply_to_seq": 5, "text": "re five"}, {"reply_to_seq": 6, "text": "re six"}):
        assert bob.post(f"/conversations/{direct}/messages", {"client_id": str(uuid.uuid4()), **body}).ok
    assert bob.patch(f"/conversations/{direct}/messages/5", {"text": "five, edited"}).status_code == 200
    assert bob.session.delete(f"{bob.url}/api/v1/conversations/{direct}/messages/6", timeout=10).ok
    page = bob.get(f"/conversations/{direct}/messages", params={"limit": 100}).json()
    expected = {m["seq"]: m for m in page["messages"]}
    mine_now = alice_api.get(f"/conversations/{direct}/messages", params={"limit": 100}).json()[
        "my_reactions"
    ]

    again = desktop_client("alice", live_server.url)
    again.app.start()
    qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
    again.wait_online()

    def converged() -> bool:
        history = again.chat.state.history
        held = {m.confirmed_seq: m for m in history.messages_after(direct, 0, limit=1000)}
        if set(held) != set(expected):
            return False
        for seq, data in expected.items():
            reply = data["reply_to"]
            wanted = (
                data["text"],
                data["deleted"],
                tuple((r["emoji"], r["count"]) for r in data["reactions"]),
                (reply["seq"], reply["snippet"], reply["deleted"]) if reply else None,
            )
            if _state(held[seq]) != wanted or sorted(held[seq].my_reactions or []) != sorted(
                mine_now.get(str(seq), [])
            ):
                return False
        return True

    qtbot.waitUntil(converged, timeout=30000)
    held = again.chat.state.history
    assert held.message(direct, 3).my_reactions == ["🎉"] and held.message(direct, 2).my_reactions == []
    assert held.message(direct, 7).reply_to.snippet == "five, edited"
    assert held.message(direct, 8).reply_to.deleted and held.message(direct, 8).reply_to.snippet is None
    bob.session.close()
    alice_api.session.close()


def test_the_composer_emoji_button_and_ctrl_e_insert_at_the_cursor(live_server, desktop_client, qtbot):
    alice, bob, direct, _group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    alice.chat.open_conversation(direct)
    composer = alice.session.panel.composer
    alice.session.window.activateWindow()
    composer.focus()
    qtbot.keyClicks(composer.edit, "ab")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Left)
    qtbot.keyClick(composer.edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    picker = composer.emoji_button.picker
    assert picker is not None
    qtbot.waitUntil(picker.isVisible, timeout=10000)
    qtbot.keyClicks(picker.search, "thumbs up")
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)  # into the grid
    assert picker.current_emoji() == "👍"
    qtbot.keyClick(picker.grid, Qt.Key.Key_Return)
    assert composer.edit.toPlainText() == "a👍b"
    qtbot.waitUntil(composer.edit.hasFocus, timeout=10000)

    composer.emoji_button.click()  # the button opens the same picker; a category, then a click
    picker = composer.emoji_button.picker
    assert picker is not None and picker.category() == "Recent"
    qtbot.keyClick(picker.search, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert picker.category() == "Smileys & emotion" and picker.shown()[0] == "😀"
    picker.grid.setCurrentIndex(picker.model.index(0, 0))
    picker.grid.activated.emit(picker.model.index(0, 0))
    assert composer.edit.toPlainText() == "a👍😀b"
    assert alice.session.settings.recent_emoji[:2] == ["😀", "👍"]
    bob.session.close()


def test_the_picker_searches_names_and_aliases_and_offers_only_what_the_server_accepts(qtbot):
    from desktop.models import emoji_catalog
    from desktop.views.emoji_picker import RecentEmoji

    picker = EmojiPicker(RecentEmoji())
    qtbot.addWidget(picker)
    picker.search.setText("thumbsup")  # an alias
    assert picker.shown()[:1] == ["👍"]
    picker.search.setText("zzzz no such emoji")
    assert picker.shown() == [] and picker.name_label.text() == "No emoji found"
    picker.search.clear()
    assert picker.category() == "Smileys & emotion"  # nothing recent yet: no "Recent" tab
    every = [e.emoji for entries in emoji_catalog.catalog().values() for e in entries]
    assert len(every) == len(set(every)) > 1500
    assert "❤" not in every and "❤️" in every  # fully-qualified only, as the server requires
    assert not any("\U0001f3fd" in e for e in every)  # no skin-tone variants in the grid
    assert set(emoji_catalog.QUICK_REACTIONS) <= set(every)


def test_the_shortcut_sheet_lists_reply_and_the_emoji_picker(qtbot):
    from desktop.views.shortcut_sheet import ShortcutSheet

    sheet = ShortcutSheet()
    qtbot.addWidget(sheet)
    lines = sheet.lines()
    assert "Ctrl+R\tReply to the message" in lines
    assert "Ctrl+E\tInsert an emoji" in lines


def test_my_reaction_before_the_answer_changes_one_count_and_mine_only():
    from desktop.domain.my_reaction import with_my_reaction
    from desktop.domain.records import Reaction
    from tests.desktop.factories import message

    me = 1
    held = message(5, reactions=[Reaction("👍", 3, (7, 8, 9)), Reaction("🎉", 1, (me,))], my_reactions=["🎉"])
    added = with_my_reaction(held, "👍", True, me)
    assert added is not None and added.my_reactions == ["🎉", "👍"]
    assert added.reactions == [Reaction("👍", 4, (7, 8, 9)), Reaction("🎉", 1, (me,))]  # three named at most
    new = with_my_reaction(held, "😮", True, me)
    assert new is not None and new.reactions[-1] == Reaction("😮", 1, (me,))
    gone = with_my_reaction(held, "🎉", False, me)
    assert gone is not None and gone.reactions == [Reaction("👍", 3, (7, 8, 9))] and gone.my_reactions == []
    fewer = with_my_reaction(added, "👍", False, me)
    assert fewer is not None and fewer.reactions[0] == Reaction("👍", 3, (7, 8, 9))
    joined = with_my_reaction(message(6, reactions=[Reaction("👍", 1, (7,))]), "👍", True, me)
    assert joined is not None and joined.reactions == [Reaction("👍", 2, (7, me))]
    assert with_my_reaction(held, "🎉", True, me) is None and with_my_reaction(held, "👍", False, me) is None
    assert held.reactions[0].count == 3 and held.my_reactions == ["🎉"]  # the shown message is not changed
