"""The main window at phone, tablet, laptop and desktop widths, signed in to a real server: one pane at a
time below 640 px (the chat with a back button, Esc and Alt+← back to the list), avatars only at medium
widths, both panes when wide, never a horizontal scroll bar, and 360 px is a width it can take; the list
comes back at its own (dragged) width after a narrow spell, and after a restart."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication

from desktop.accounts.account_settings import AccountSettings
from desktop.models.roles import ConversationRole
from desktop.views.responsive import COMPACT_LIST_WIDTH, WIDE_LIST_WIDTH, PaneMode, mode_for_width
from tests.desktop.pairs import signed_in_with_two_chats


def resized(qtbot, window, width: int) -> None:
    """The account's window is a page of the app's one window (one account: no switcher column beside)."""
    top = window.window()
    top.resize(width, 700)
    qtbot.waitUntil(lambda: top.width() == width and window.width() == width, timeout=10000)
    QApplication.processEvents()


def active(qtbot, window) -> None:
    top = window.window()
    top.show()
    top.raise_()
    top.activateWindow()
    qtbot.waitUntil(top.isActiveWindow, timeout=10000)


def no_horizontal_scroll_bars(window) -> list[str]:
    return [
        area.objectName() or area.accessibleName() or type(area).__name__
        for area in window.findChildren(QAbstractScrollArea)
        if area.isVisible() and area.horizontalScrollBar().isVisible()
    ]


def test_the_mode_follows_the_width():
    assert mode_for_width(360) is PaneMode.SINGLE
    assert mode_for_width(639) is PaneMode.SINGLE
    assert mode_for_width(640) is PaneMode.COMPACT
    assert mode_for_width(800) is PaneMode.COMPACT
    assert mode_for_width(800, has_conversations=False) is PaneMode.WIDE  # the welcome stays readable
    assert mode_for_width(1300) is PaneMode.WIDE


@pytest.mark.parametrize("width", [360, 560, 800, 1300])
def test_each_width_shows_the_panes_it_should_and_no_horizontal_scroll_bar(
    live_server, desktop_client, qtbot, width
):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    try:
        window = alice.session.window
        long_title = "A group whose title goes on and on and on well past any list width " * 3
        r = bob.patch(f"/conversations/{group}", {"title": long_title[:100]})
        assert r.status_code == 200, r.text
        qtbot.waitUntil(
            lambda: (alice.chat.conversations.get(group).title or "").startswith("A group"), timeout=20000
        )
        assert window.minimumWidth() <= 360 and window.window().minimumWidth() <= 360  # resized() takes it
        resized(qtbot, window, width)
        alice.chat.open_conversation(direct)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.chat_panel, timeout=10000)
        list_pane, chat = window.list_pane, window.stack
        back = window.chat_panel.back_button
        if width < 640:
            assert window.panes.mode is PaneMode.SINGLE
            assert chat.isVisible() and not list_pane.isVisible() and back.isVisible()
            assert back.accessibleName() and back.toolTip()
            composer = window.chat_panel.composer
            assert composer.mapTo(window, composer.rect().topRight()).x() <= window.width()
        elif width < 860:
            assert window.panes.mode is PaneMode.COMPACT
            assert list_pane.isVisible() and chat.isVisible() and not back.isVisible()
            assert list_pane.width() == COMPACT_LIST_WIDTH
            assert window.conversation_delegate.compact and not window.filter_edit.isVisible()
            assert window.account_button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
            active(qtbot, window)  # Ctrl+Shift+F: the list shows its names while searching, then avatars
            shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
            qtbot.keyClick(window.chat_panel.composer.edit, Qt.Key.Key_F, shift_ctrl)  # the list's search
            qtbot.waitUntil(lambda: window.filter_edit.hasFocus(), timeout=10000)
            assert window.panes.mode is PaneMode.WIDE and window.filter_edit.isVisible()
            window.filter_edit.setText("zzz")  # nothing found: still the same layout
            assert window.panes.mode is PaneMode.WIDE
            window.filter_edit.clear()
            window.chat_panel.composer.edit.setFocus()
            qtbot.waitUntil(lambda: window.panes.mode is PaneMode.COMPACT, timeout=10000)
            assert not window.filter_edit.isVisible()
        else:
            assert window.panes.mode is PaneMode.WIDE
            assert list_pane.isVisible() and chat.isVisible() and not back.isVisible()
            assert window.filter_edit.isVisible() and not window.conversation_delegate.compact
            assert list_pane.width() > COMPACT_LIST_WIDTH * 2
        assert no_horizontal_scroll_bars(window) == []
        view = window.conversation_view
        if view.isVisible():
            for row in range(view.model().rowCount()):
                assert view.visualRect(view.model().index(row, 0)).right() < view.viewport().width() + 1
    finally:
        bob.session.close()


def test_one_pane_at_a_time_back_and_forth_with_the_keyboard_and_the_back_button(
    live_server, desktop_client, qtbot
):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    try:
        window = alice.session.window
        active(qtbot, window)
        resized(qtbot, window, 360)
        view = window.conversation_view
        assert window.list_pane.isVisible() and not window.stack.isVisible()
        row = next(
            r
            for r in range(view.model().rowCount())
            if view.model().index(r, 0).data(ConversationRole.ID) == direct
        )
        view.setCurrentIndex(view.model().index(row, 0))  # a click on the row
        qtbot.waitUntil(lambda: alice.chat.open_conversation_id == direct, timeout=10000)
        qtbot.waitUntil(lambda: window.stack.isVisible() and not window.list_pane.isVisible(), timeout=10000)

        qtbot.keyClick(window.chat_panel.composer.edit, Qt.Key.Key_Escape)  # Esc: back to the list
        qtbot.waitUntil(lambda: window.list_pane.isVisible() and not window.stack.isVisible(), timeout=10000)
        assert alice.chat.open_conversation_id is None  # closed, as on a phone: nothing read behind my back

        assert view.currentIndex().row() == row  # still current: focus on the list opens nothing else
        rect = view.visualRect(view.model().index(row, 0))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # opens it again
        qtbot.waitUntil(
            lambda: window.stack.isVisible() and alice.chat.open_conversation_id == direct, timeout=10000
        )
        qtbot.keyClick(window.chat_panel.composer.edit, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda: window.list_pane.isVisible() and not window.stack.isVisible(), timeout=10000)

        alice.chat.open_conversation(group)
        back = window.chat_panel.back_button
        qtbot.waitUntil(
            lambda: window.childAt(back.mapTo(window, back.rect().center())) is back, timeout=10000
        )
        qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.list_pane.isVisible() and not window.stack.isVisible(), timeout=10000)

        # widening brings both panes back, the open conversation stays open
        alice.chat.open_conversation(group)
        resized(qtbot, window, 1300)
        assert window.list_pane.isVisible() and window.stack.isVisible()
        assert not window.chat_panel.back_button.isVisible()
        assert alice.chat.open_conversation_id == group
        qtbot.keyClick(window.chat_panel.composer.edit, Qt.Key.Key_Escape)  # wide: Esc does not close it
        assert alice.chat.open_conversation_id == group and window.stack.isVisible()
    finally:
        bob.session.close()


def test_the_list_comes_back_at_its_own_width_and_keeps_it_across_a_restart(
    live_server, desktop_client, qtbot
):
    from tests.desktop.conftest import ClientHandle

    alice, bob, _direct, _group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    try:
        window = alice.session.window
        active(qtbot, window)
        resized(qtbot, window, 1300)
        assert window.list_pane.width() == WIDE_LIST_WIDTH  # the default, before any drag
        window.splitter.moveSplitter(380, 1)  # what a drag of the divider does
        qtbot.waitUntil(lambda: window.list_pane.width() == 380, timeout=10000)
        for width in (800, 1300, 560, 1300, 700, 560, 1000):  # avatar-only, one pane, and back, and between
            resized(qtbot, window, width)
            if width >= 860:
                qtbot.waitUntil(lambda: window.list_pane.width() == 380, timeout=10000)
        window.splitter.moveSplitter(340, 1)
        qtbot.waitUntil(lambda: window.list_pane.width() == 340, timeout=10000)
        resized(qtbot, window, 560)  # quit while narrow: what is kept is the list's own width
        kept = alice.session.paths.settings_file  # the account's own (tests/desktop/test_list_width_keys.py)
        alice.close()
        assert AccountSettings(kept).list_width == 340
    finally:
        bob.session.close()

    again = ClientHandle(qtbot, alice.data_dir, live_server.url)
    try:
        again.app.start()
        qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
        window = again.session.window
        active(qtbot, window)
        resized(qtbot, window, 1300)
        qtbot.waitUntil(lambda: window.list_pane.width() == 340, timeout=10000)
    finally:
        again.close()
