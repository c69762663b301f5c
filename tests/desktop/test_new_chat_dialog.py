"""Against a real server: New chat opens a 1:1 on click or Enter, and picks several as chips for a group."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.support.api import PASSWORD, register

pytestmark = pytest.mark.slow


def alice_with_people(live_server, desktop_client, qtbot):
    for name in ("alice", "bob", "carol"):
        register(live_server.url, name, display_name=name.title())
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    dialog = alice.session.show_new_chat()
    qtbot.waitUntil(dialog.isVisible, timeout=20000)
    return alice, dialog


def search(qtbot, dialog, name: str) -> None:
    dialog.search_edit.clear()
    qtbot.keyClicks(dialog.search_edit, name)
    qtbot.waitUntil(
        lambda: dialog.model.rowCount() == 1 and f"@{name}" in dialog.model.item(0).text(), timeout=20000
    )


def row_center(dialog, row: int):
    return dialog.list_view.visualRect(dialog.model.index(row, 0)).center()


def opened_title(alice, qtbot) -> str:
    qtbot.waitUntil(lambda: alice.chat.state.open_conversation_id is not None, timeout=20000)
    return alice.session.panel.title_label.text()


def test_a_click_on_a_person_opens_the_direct_chat_at_once(live_server, desktop_client, qtbot):
    alice, dialog = alice_with_people(live_server, desktop_client, qtbot)
    assert not dialog.title_edit.isVisible()  # no group title for a 1:1
    assert not dialog.start_button.isVisible()  # and nothing to tick or confirm
    search(qtbot, dialog, "bob")
    qtbot.mouseClick(dialog.list_view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(dialog, 0))
    assert opened_title(alice, qtbot) == "Bob"
    assert not dialog.isVisible()


def test_down_from_the_search_field_enters_the_list_and_enter_opens(live_server, desktop_client, qtbot):
    alice, dialog = alice_with_people(live_server, desktop_client, qtbot)
    search(qtbot, dialog, "carol")
    dialog.search_edit.setFocus()
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Down)
    assert dialog.list_view.hasFocus() and dialog.list_view.currentIndex().row() == 0
    qtbot.keyClick(dialog.list_view, Qt.Key.Key_Up)  # ↑ on the first row goes back to the search
    assert dialog.search_edit.hasFocus()
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.list_view, Qt.Key.Key_Return)
    assert opened_title(alice, qtbot) == "Carol"


def test_picks_survive_a_second_search_as_chips_then_a_title_is_asked(live_server, desktop_client, qtbot):
    alice, dialog = alice_with_people(live_server, desktop_client, qtbot)
    search(qtbot, dialog, "bob")
    dialog.list_view.setFocus()
    dialog.list_view.setCurrentIndex(dialog.model.index(0, 0))
    qtbot.keyClick(dialog.list_view, Qt.Key.Key_Space)  # Space picks instead of opening
    assert dialog.isVisible() and dialog.selected_ids() and dialog.count_label.text() == "1 selected"
    assert not dialog.title_edit.isVisible()  # one pick is not a group yet

    search(qtbot, dialog, "carol")  # a second search keeps Bob
    qtbot.mouseClick(
        dialog.list_view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        row_center(dialog, 0),
    )
    assert dialog.count_label.text() == "2 selected"
    assert [dialog.chips.item(i).text() for i in range(dialog.chips.count())] == ["Bob  ✕", "Carol  ✕"]
    assert dialog.title_edit.isVisible() and not dialog.start_button.isEnabled()

    dialog.chips.itemClicked.emit(dialog.chips.item(1))  # a chip's ✕ takes the pick back
    assert dialog.count_label.text() == "1 selected" and not dialog.title_edit.isVisible()
    qtbot.mouseClick(dialog.list_view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(dialog, 0))
    assert dialog.isVisible() and dialog.count_label.text() == "2 selected"  # in group mode a click picks

    qtbot.keyClicks(dialog.title_edit, "Climbing")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Return)
    assert opened_title(alice, qtbot) == "Climbing"


def test_the_new_group_button_starts_with_an_empty_pick_and_cancels_back(live_server, desktop_client, qtbot):
    alice, dialog = alice_with_people(live_server, desktop_client, qtbot)
    dialog.group_button.click()
    assert dialog.count_label.isVisible() and dialog.count_label.text() == "Pick people for the group"
    search(qtbot, dialog, "bob")
    qtbot.mouseClick(dialog.list_view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(dialog, 0))
    assert dialog.selected_ids() and dialog.model.item(0).text().startswith("✓ ")
    dialog.group_button.click()  # leaving group mode drops the picks; a click opens a 1:1 again
    assert not dialog.selected_ids() and not dialog.chips.isVisible()
    qtbot.mouseClick(dialog.list_view.viewport(), Qt.MouseButton.LeftButton, pos=row_center(dialog, 0))
    assert opened_title(alice, qtbot) == "Bob"
