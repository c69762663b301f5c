"""The shortcuts people expect, pressed on the real window against a real server: Ctrl+Tab, Ctrl+Shift+Tab,
Alt+↑/↓ and Ctrl+PgUp/PgDn move between conversations (the focus stays in the composer), Ctrl+Q quits,
Ctrl+/ shows a sheet listing every shortcut; a message of files alone offers no "Copy text"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel

from desktop.domain.attachments import Attachment
from desktop.models.messages import MessageListModel
from desktop.models.roles import ConversationRole
from desktop.views.message_list_view import MessageListView
from desktop.views.shortcut_sheet import ShortcutSheet
from desktop.views.shortcuts import shown_keys
from tests.desktop.factories import message
from tests.desktop.pairs import signed_in_with_two_chats

CTRL, SHIFT, ALT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
)


@pytest.fixture
def chats(live_server, desktop_client, qtbot):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    yield alice, bob, direct, group
    bob.session.close()


def listed(client) -> list[int]:
    model = client.chat.conversation_list
    return [model.index(row, 0).data(ConversationRole.ID) for row in range(model.rowCount())]


NEXT = [(Qt.Key.Key_Tab, CTRL), (Qt.Key.Key_Down, ALT), (Qt.Key.Key_PageDown, CTRL)]
PREVIOUS = [(Qt.Key.Key_Backtab, CTRL | SHIFT), (Qt.Key.Key_Up, ALT), (Qt.Key.Key_PageUp, CTRL)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("forward", "back"), list(zip(NEXT, PREVIOUS, strict=True)), ids=["tab", "alt", "page"]
)
def test_keys_move_between_conversations_and_the_focus_stays_in_the_composer(chats, qtbot, forward, back):
    alice, _bob, _direct, _group = chats
    first, second = listed(alice)
    window = alice.session.window
    alice.chat.open_conversation(first)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    edit = alice.session.panel.composer.edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=5000)
    qtbot.keyClick(edit, *forward)
    qtbot.waitUntil(lambda: alice.chat.open_conversation_id == second, timeout=5000)
    assert edit.hasFocus() and edit.toPlainText() == ""  # no tab typed, the focus did not move
    qtbot.keyClick(edit, *forward)  # the last one: it stays
    assert alice.chat.open_conversation_id == second
    qtbot.keyClick(edit, *back)
    qtbot.waitUntil(lambda: alice.chat.open_conversation_id == first, timeout=5000)
    qtbot.keyClick(edit, *back)
    assert alice.chat.open_conversation_id == first and edit.hasFocus()


@pytest.mark.slow
def test_ctrl_q_quits_and_ctrl_slash_lists_every_shortcut(chats, qtbot, monkeypatch):
    alice, *_ = chats
    window = alice.session.window
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", staticmethod(lambda: quits.append(True)))
    qtbot.keyClick(window, Qt.Key.Key_Q, CTRL)
    assert quits == [True]

    qtbot.keyClick(window, Qt.Key.Key_Slash, CTRL)
    sheet = window.shortcut_sheet
    assert isinstance(sheet, ShortcutSheet)
    qtbot.waitUntil(sheet.isVisible, timeout=5000)
    text = "\n".join(sheet.lines())
    portable = QKeySequence.SequenceFormat.PortableText
    for shortcut in window.findChildren(QShortcut):  # every shortcut the window has is on the sheet
        keys = shown_keys(shortcut.key().toString(portable))
        assert keys and keys in text, keys
    assert "Ctrl+PgDn" in text and "Alt+↑" in text
    for words in ("Shift+Enter", "Shift+F10", "Edit my last message", "Cancel editing", "Ctrl+C"):
        assert words in text, words
    qtbot.keyClick(sheet, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not sheet.isVisible(), timeout=5000)
    menu_items = [a.text() for a in window.account_menu.actions()]
    assert "Settings…\tCtrl+," in menu_items  # the sheet is also a button in the Settings window


def test_copy_text_is_offered_only_where_there_is_text(qtbot):
    photo = Attachment(name="Photo.png", size=3, content_type="image/png", id="a" * 32)
    model = MessageListModel(my_id=1)
    rows = [
        message(1, text="", attachments=[photo]),
        message(2, text="the caption", attachments=[photo]),
        message(3, text="just words"),
    ]
    model.show_conversation(1, is_group=False, names={2: "Bob"}, confirmed=rows)
    view = MessageListView()
    qtbot.addWidget(view)
    view.setModel(model)

    def texts(row: int) -> list[str]:
        return [a.text() for a in view.build_context_menu(model.index(row, 0)).actions()]

    assert "Copy text" not in texts(0)
    assert "Copy text" in texts(1)
    assert "Copy text" in texts(2)


def descriptions_shown_whole(sheet: ShortcutSheet) -> list[str]:
    """The descriptions cut at the right or at the bottom (none, when the sheet reads well)."""
    viewport = sheet.area.viewport()
    cut = []
    for label in sheet.findChildren(QLabel):
        if label.wordWrap():  # the descriptions
            right = label.mapTo(viewport, label.rect().topRight()).x()
            if right > viewport.width() or label.height() < label.heightForWidth(label.width()):
                cut.append(label.text())
    return cut


def test_the_shortcut_sheet_shows_every_description_whole_wide_or_narrow(qtbot):
    sheet = ShortcutSheet()
    qtbot.addWidget(sheet)
    sheet.show()
    qtbot.waitExposed(sheet)
    longest = "Find in the conversation (Enter, Shift+Enter or ↑ ↓ between hits)"
    assert f"Ctrl+F\t{longest}" in sheet.lines()
    label = next(lb for lb in sheet.findChildren(QLabel) if lb.text() == longest)
    room = sheet.screen().availableGeometry().width() * 0.9
    if sheet.width() < room:  # opened wide enough for the longest on one line
        assert label.height() == label.fontMetrics().height()
    assert descriptions_shown_whole(sheet) == []
    sheet.resize(sheet.minimumWidth(), 500)  # as narrow as it goes: the long ones wrap
    qtbot.waitUntil(lambda: label.height() > label.fontMetrics().height(), timeout=5000)
    assert sheet.width() == sheet.minimumWidth()
    assert descriptions_shown_whole(sheet) == []
    assert not sheet.area.horizontalScrollBar().isVisible()


def test_the_shortcut_sheet_scrolls_from_the_keyboard_and_esc_closes_it(qtbot):
    sheet = ShortcutSheet()
    qtbot.addWidget(sheet)
    sheet.resize(sheet.width(), 300)  # shorter than its rows
    sheet.show()
    qtbot.waitExposed(sheet)
    bar = sheet.area.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    sheet.area.setFocus()
    qtbot.keyClick(sheet.area, Qt.Key.Key_PageDown)
    assert bar.value() > 0
    qtbot.keyClick(sheet.area, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not sheet.isVisible(), timeout=5000)
