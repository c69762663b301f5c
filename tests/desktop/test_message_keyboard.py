"""Every message action from the keyboard, with the real widgets against a real server: the Menu key and
Shift+F10 open a focused message's menu (the right-click one), arrows move between messages, and editing
happens in the composer (↑ in an empty composer or the menu's Edit; Enter saves, Esc or ✕ cancels, an
"Editing" bar says so) with the draft put aside meanwhile."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QInputDialog

from desktop.models.roles import MessageRole
from desktop.views.chat_panel import ChatPanel
from tests.desktop.test_live_chat import rows_with_text, type_and_send

pytestmark = pytest.mark.slow


def send_and_confirm(qtbot, client, text: str) -> int:
    type_and_send(qtbot, client, text)
    model = client.chat.messages

    def confirmed() -> bool:
        rows = rows_with_text(client.chat, text)
        return len(rows) == 1 and model.index(rows[0]).data(MessageRole.SEQ) is not None

    qtbot.waitUntil(confirmed, timeout=20000)
    return model.index(rows_with_text(client.chat, text)[0]).data(MessageRole.SEQ)


def texts_on(client) -> list[str]:
    model = client.chat.messages
    return [model.index(r).data() for r in range(model.rowCount())]


def menu_texts(menu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def trigger(menu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    menu.close()
    action.trigger()


def test_up_in_an_empty_composer_edits_my_last_message_and_enter_saves(pair, qtbot):
    alice, bob, _conversation_id = pair
    send_and_confirm(qtbot, alice, "older one")
    seq = send_and_confirm(qtbot, alice, "teh lastest")
    composer = alice.session.panel.composer
    qtbot.keyClick(composer.edit, Qt.Key.Key_Up)
    assert composer.editing_seq == seq
    assert composer.editing_bar.isVisible()
    assert composer.editing_bar.title.text() == "Editing"
    assert composer.editing_bar.snippet.text() == "teh lastest"
    assert composer.edit.toPlainText() == "teh lastest"
    assert composer.send_button.text() == "Save"
    composer.edit.selectAll()
    qtbot.keyClicks(composer.edit, "the latest")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    assert not composer.editing_bar.isVisible() and composer.editing_seq is None
    assert composer.edit.toPlainText() == "" and composer.send_button.text() == "Send"
    qtbot.waitUntil(lambda: "the latest" in texts_on(bob), timeout=20000)
    row = bob.chat.messages.row_of_seq(seq)
    assert bob.chat.messages.index(row).data(MessageRole.EDITED) is True
    qtbot.waitUntil(lambda: texts_on(alice) == ["older one", "the latest"], timeout=20000)  # in place
    assert alice.chat.state.outbox.entries() == []  # nothing new was sent


def test_esc_cancels_an_edit_and_the_draft_comes_back(pair, qtbot):
    alice, bob, _conversation_id = pair
    seq = send_and_confirm(qtbot, alice, "keep me")
    composer = alice.session.panel.composer
    alice.session.panel.messages.edit_requested.emit(seq, "keep me")  # as the menu's Edit does
    assert composer.editing
    qtbot.keyClicks(composer.edit, " changed")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Escape)
    assert not composer.editing and composer.edit.toPlainText() == ""
    # with a draft written first: it waits while the edit runs, then comes back; ✕ cancels too
    qtbot.keyClicks(composer.edit, "half a thought")
    alice.session.panel.messages.edit_requested.emit(seq, "keep me")
    assert composer.edit.toPlainText() == "keep me"
    assert composer.draft().text == "half a thought"  # what the conversation's draft stays meanwhile
    qtbot.mouseClick(composer.editing_bar.cancel_button, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not composer.editing and composer.edit.toPlainText() == "half a thought"
    qtbot.waitUntil(lambda: texts_on(bob) == ["keep me"], timeout=20000)
    assert alice.chat.state.outbox.entries() == []
    row = alice.chat.messages.row_of_seq(seq)
    assert alice.chat.messages.index(row).data(MessageRole.EDITED) is False  # nothing was saved


def test_up_does_nothing_with_text_written_or_nothing_of_mine(pair, qtbot):
    alice, _bob, _conversation_id = pair
    composer = alice.session.panel.composer
    qtbot.keyClick(composer.edit, Qt.Key.Key_Up)  # no message of mine yet
    assert not composer.editing
    send_and_confirm(qtbot, alice, "mine")
    qtbot.keyClicks(composer.edit, "a line")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Up)  # ↑ moves in the text, as always
    assert not composer.editing and composer.edit.toPlainText() == "a line"


@pytest.mark.parametrize("how", ["menu key", "shift+f10"])
def test_the_message_menu_opens_from_the_keyboard_and_edit_goes_to_the_composer(pair, qtbot, how):
    alice, bob, _conversation_id = pair
    send_and_confirm(qtbot, alice, "first")
    seq = send_and_confirm(qtbot, alice, "secnod")
    type_and_send(qtbot, bob, "from Bob")
    qtbot.waitUntil(lambda: "from Bob" in texts_on(alice), timeout=20000)
    view = alice.session.panel.messages
    alice.session.window.activateWindow()
    qtbot.waitUntil(alice.session.window.isActiveWindow, timeout=5000)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=5000)
    assert view.currentIndex().row() == 2  # tabbing in lands on the newest message
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert view.currentIndex().row() == 1  # arrows move between messages

    if how == "menu key":
        qtbot.keyClick(view, Qt.Key.Key_Menu)
    else:
        qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = view.menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    mine = [
        "Quick reactions",
        "More reactions…",
        "Reply",
        "Forward…",
        "Pin",
        "Copy text",
        "Edit",
        "Delete for me…",
    ]
    assert menu_texts(menu) == [*mine, "Delete for everyone…"]
    # the same menu a right-click on that message opens
    right_click_point = view.visualRect(view.currentIndex()).center()
    view.open_menu(view.currentIndex(), right_click_point)
    assert menu_texts(view.menu) == [
        "Quick reactions",
        "More reactions…",
        "Reply",
        "Forward…",
        "Pin",
        "Copy text",
        "Edit",
        "Delete for me…",
        "Delete for everyone…",
    ]
    trigger(view.menu, "Edit")
    composer = alice.session.panel.composer
    assert composer.editing_seq == seq and composer.edit.hasFocus()
    composer.edit.selectAll()
    qtbot.keyClicks(composer.edit, "second")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: texts_on(bob) == ["first", "second", "from Bob"], timeout=20000)

    view.setFocus()
    view.setCurrentIndex(alice.chat.messages.index(2))  # Bob's: reply and copy
    qtbot.keyClick(view, Qt.Key.Key_Menu)
    assert menu_texts(view.menu) == [
        "Quick reactions",
        "More reactions…",
        "Reply",
        "Forward…",
        "Pin",
        "Copy text",
        "Delete for me…",
    ]
    view.menu.close()


def test_no_edit_dialog_is_left():
    assert not hasattr(ChatPanel, "edit_text")
    import desktop.session.session as session_module
    import desktop.views.chat_panel as panel_module

    assert "QInputDialog" not in vars(panel_module) and "QInputDialog" not in vars(session_module)
    assert QInputDialog  # the dialog class itself is still Qt's


def test_a_refused_edit_says_why_and_gives_the_text_back(pair, qtbot):
    alice, _bob, _conversation_id = pair
    seq = send_and_confirm(qtbot, alice, "soon gone")
    composer = alice.session.panel.composer
    qtbot.keyClick(composer.edit, Qt.Key.Key_Up)
    composer.edit.selectAll()
    qtbot.keyClicks(composer.edit, "my careful rewrite")
    alice.chat.delete_message(seq)  # as from another device, while the edit is open
    model = alice.chat.messages
    qtbot.waitUntil(
        lambda: model.index(model.row_of_seq(seq)).data(MessageRole.DELETED) is True, timeout=20000
    )
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    toast = alice.session.window.toast
    qtbot.waitUntil(lambda: "deleted message cannot be edited" in toast.text(), timeout=20000)
    qtbot.waitUntil(lambda: composer.editing, timeout=5000)
    assert composer.edit.toPlainText() == "my careful rewrite"  # nothing typed is lost
    assert composer.editing_bar.snippet.text() == "soon gone"
    qtbot.keyClick(composer.edit, Qt.Key.Key_Escape)
    assert not composer.editing and composer.edit.toPlainText() == ""
