"""One people picker for New chat and Add members: both dialogs hold a PeoplePicker; a pick is a "✓" in the
row and a chip, kept across searches, made from the keyboard; no tick box, and the rows keep the list's
own text contrast in light and dark."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.domain.records import Conversation
from desktop.views import palette_colors
from desktop.views.members_dialog import MembersDialog
from desktop.views.new_chat_dialog import NewChatDialog
from desktop.views.people_picker import PICKED_MARK, PeoplePicker
from tests.desktop.palettes import dark_palette, light_palette

PEOPLE = [
    {"id": 1, "username": "alice", "display_name": "Alice"},
    {"id": 2, "username": "bob", "display_name": "Bob"},
    {"id": 3, "username": "carol", "display_name": "Carol"},
]


def _group(qtbot) -> MembersDialog:
    conversation = Conversation.from_json(
        {
            "id": 7,
            "kind": "group",
            "title": "Climbing",
            "members": [{"user": {"id": 1, "display_name": "Alice", "username": "alice"}, "role": "owner"}],
        }
    )
    dialog = MembersDialog(conversation, 1)
    qtbot.addWidget(dialog)
    return dialog


def test_both_dialogs_use_the_one_picker(qtbot):
    new_chat = NewChatDialog(1)
    qtbot.addWidget(new_chat)
    members = _group(qtbot)
    assert isinstance(new_chat.picker, PeoplePicker) and isinstance(members.picker, PeoplePicker)
    assert new_chat.search_edit is new_chat.picker.search_edit


def test_add_members_picks_from_the_keyboard_with_a_mark_not_a_tick_box(qtbot):
    dialog = _group(qtbot)
    dialog.show()
    picker = dialog.picker
    picker.set_results(PEOPLE)
    assert [picker.model.item(r).text() for r in range(picker.model.rowCount())] == [
        "Bob  (@bob)",
        "Carol  (@carol)",
    ]  # a member already in is not offered
    assert not any(picker.model.item(r).isCheckable() for r in range(picker.model.rowCount()))
    assert not dialog.add_button.isEnabled()
    picker.search_edit.setFocus()
    qtbot.keyClick(picker.search_edit, Qt.Key.Key_Down)  # into the list
    qtbot.keyClick(picker.list_view, Qt.Key.Key_Space)
    qtbot.keyClick(picker.list_view, Qt.Key.Key_Down)
    qtbot.keyClick(picker.list_view, Qt.Key.Key_Return)  # in Add members Enter picks too
    assert picker.selected_ids() == [2, 3]
    assert picker.model.item(0).text() == f"{PICKED_MARK}Bob  (@bob)"
    assert picker.chips.count() == 2 and dialog.add_button.isEnabled()
    assert dialog.add_button.text() == "Add 2"
    picker.set_results(PEOPLE[:2])  # another search: the picks stay
    assert picker.selected_ids() == [2, 3]
    with qtbot.waitSignal(dialog.add_requested, timeout=5000) as added:
        dialog.add_button.click()
    assert added.args == [[2, 3]]
    picker.chips.setCurrentRow(0)
    picker.chips.itemActivated.emit(picker.chips.item(0))  # Enter on a chip takes the person out
    assert picker.selected_ids() == [3]


def test_the_rows_are_readable_in_light_and_dark(qtbot):
    app = QApplication.instance()
    before = app.palette()
    try:
        for palette in (light_palette(), dark_palette()):
            app.setPalette(palette)
            picker = PeoplePicker()
            qtbot.addWidget(picker)
            picker.set_results(PEOPLE)
            picker.check_user(2)
            view_palette = picker.list_view.palette()
            text = view_palette.color(view_palette.ColorRole.Text)
            base = view_palette.color(view_palette.ColorRole.Base)
            assert palette_colors.contrast_ratio(text, base) >= 4.5
            assert picker.model.item(1).text().startswith(PICKED_MARK)
            assert picker.model.item(1).data(Qt.ItemDataRole.ForegroundRole) is None  # the list's own colour
    finally:
        app.setPalette(before)
