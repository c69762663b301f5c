"""New chat: pick one person for a 1:1, or several and a title for a group."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from desktop.views.people_picker import PeoplePicker


class NewChatDialog(QDialog):
    """Signals: search_requested(str), direct_requested(int user_id), group_requested(str title, list ids)."""

    search_requested = Signal(str)
    direct_requested = Signal(int)
    group_requested = Signal(str, list)

    def __init__(self, my_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New chat")
        self.picker = PeoplePicker(self, exclude={my_id})
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("Needed when you pick more than one person")
        self.title_edit.setMaxLength(100)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.start_button = self.buttons.addButton("Start chat", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Group title", self.title_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker, 1)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.picker.search_requested.connect(self.search_requested)
        self.picker.selection_changed.connect(self._update)
        self.title_edit.textChanged.connect(self._update)
        self.resize(420, 480)
        self._update()

    def set_results(self, users: list[dict]) -> None:
        self.picker.set_results(users)

    def _update(self) -> None:
        ids = self.picker.selected_ids()
        title = self.title_edit.text().strip()
        group = len(ids) > 1 or bool(title)
        self.start_button.setText("Create group" if group else "Start chat")
        self.start_button.setEnabled(bool(ids) and (bool(title) if group else True))

    def _accept(self) -> None:
        ids = self.picker.selected_ids()
        title = self.title_edit.text().strip()
        if not ids:
            return
        if len(ids) == 1 and not title:
            self.direct_requested.emit(ids[0])
        elif title:
            self.group_requested.emit(title, ids)
        else:
            return
        self.accept()
