"""New chat: click or Enter on a person opens the 1:1; Ctrl+click or Space picks several for a group. The
search, the list and the picks are the PeoplePicker that "Add members" uses too."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.views.people_picker import NAME_ROLE, USER_ID_ROLE, PeoplePicker

__all__ = ["NAME_ROLE", "USER_ID_ROLE", "NewChatDialog"]


class NewChatDialog(QDialog):
    """Signals: search_requested(str), direct_requested(int user_id), group_requested(str title, list ids)."""

    search_requested = Signal(str)
    direct_requested = Signal(int)
    group_requested = Signal(str, list)

    def __init__(self, my_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New chat")
        self.picker = PeoplePicker(self, exclude={my_id})
        self.picker.search_requested.connect(self.search_requested)
        # the picker's parts, by the names the dialog always had (tests and the wiring read them)
        self.search_edit = self.picker.search_edit
        self.model = self.picker.model
        self.list_view = self.picker.list_view
        self.hint = self.picker.hint
        self.chips = self.picker.chips
        self.count_label = QLabel(self)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("Group title")
        self.title_edit.setAccessibleName("Group title")
        self.title_edit.setMaxLength(100)
        self.group_button = QPushButton("New group…", self)
        self.group_button.setCheckable(True)
        self.group_button.setToolTip("Pick several people with a click each, then name the group")
        self.group_button.toggled.connect(self._set_group_mode)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.addButton(self.group_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button = self.buttons.addButton("Create group", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setAutoDefault(False)
        self.buttons.accepted.connect(self._create_group)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.title_edit)
        layout.addWidget(self.buttons)
        self.picker.opened.connect(self._open_direct)
        self.picker.selection_changed.connect(self._on_picks)
        self.picker.search_entered.connect(self._on_search_entered)
        self.title_edit.textChanged.connect(self._update)
        self.title_edit.returnPressed.connect(self._create_group)
        self.resize(420, 480)
        self._update()

    @property
    def exclude(self) -> set[int]:
        return self.picker.exclude

    def set_results(self, users: list[dict]) -> None:
        self.picker.set_results(users)

    def selected_ids(self) -> list[int]:
        return self.picker.selected_ids()

    def pick(self, user_id: int, name: str) -> None:
        self.picker.pick(user_id, name)

    def _on_picks(self) -> None:
        if self.picker.selected_ids() and not self.group_button.isChecked():
            self.group_button.setChecked(True)  # picking several is the group mode
        self._update()

    def _set_group_mode(self, on: bool) -> None:
        self.picker.group_mode = on
        if not on:
            self.picker.clear_picks()
        self._update()

    def _usage(self) -> str:
        if self.group_button.isChecked():
            return "Click, Enter or Space picks a person; click a chip to take them out."
        return "Click or Enter opens a chat. Ctrl+click or Space picks several for a group."

    def _update(self) -> None:
        group = self.group_button.isChecked()
        self.picker.set_usage(self._usage())
        count = len(self.picker.selected_ids())
        self.count_label.setVisible(group)
        self.count_label.setText(f"{count} selected" if count else "Pick people for the group")
        asks_title = count > 1  # a title only once it is a group; never for a 1:1
        self.title_edit.setVisible(asks_title)
        self.start_button.setVisible(group)
        self.start_button.setEnabled(asks_title and bool(self.title_edit.text().strip()))

    def _on_search_entered(self) -> None:
        if self.model.rowCount() == 1 and not self.group_button.isChecked():
            self._open_direct(int(self.model.index(0, 0).data(USER_ID_ROLE)))  # one match: Enter opens it

    def _open_direct(self, user_id: int) -> None:
        self.direct_requested.emit(user_id)
        self.accept()

    def _create_group(self) -> None:
        title = self.title_edit.text().strip()
        picked = self.picker.selected_ids()
        if len(picked) < 2 or not title:
            return
        self.group_requested.emit(title, picked)
        self.accept()
