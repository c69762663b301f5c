"""Blocking: confirm a block (and whether to hide them in groups too), and the list of people I blocked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.views.people_picker import USER_ID_ROLE
from desktop.views.quiet_text import make_quiet
from desktop.views.security_dialogs import MessageLine, plain_label


class BlockDialog(QDialog):
    """Signals: confirmed(bool hide_in_groups)."""

    confirmed = Signal(bool)

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Block {name}")
        explanation = plain_label(
            f"{name} will not be able to message you or start a chat with you, and will not find you in "
            "search. Groups you share stay as they are.",
            self,
        )
        self.hide_check = QCheckBox("Also hide their messages in groups", self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.block_button = self.buttons.addButton("Block", QDialogButtonBox.ButtonRole.AcceptRole)
        self.block_button.setDefault(True)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.hide_check)
        layout.addWidget(self.buttons)
        self.resize(420, self.sizeHint().height())

    def _accept(self) -> None:
        self.confirmed.emit(self.hide_check.isChecked())
        self.accept()


class BlockedPeopleDialog(QDialog):
    """Signals: unblock_requested(int user_id)."""

    unblock_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Blocked people")
        self.list = QListWidget(self)
        self.list.setAccessibleName("Blocked people")
        self.empty_label = plain_label("You have not blocked anyone.", self)
        make_quiet(self.empty_label)  # quieter than the text, still ≥ 4.5:1 (a disabled label is 1.6:1)
        self.unblock_button = QPushButton("Unblock", self)
        self.message = MessageLine(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.unblock_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.list.currentItemChanged.connect(lambda *_: self._update_enabled())
        self.list.itemActivated.connect(lambda _: self._unblock())
        self.unblock_button.clicked.connect(self._unblock)
        self.set_blocks([])
        self.resize(380, 360)

    def set_blocks(self, entries: list[dict]) -> None:
        self.list.clear()
        for entry in sorted(entries, key=lambda e: (e["user"].get("display_name") or "").casefold()):
            user = entry["user"]
            name = user.get("display_name") or user.get("username") or "Deleted account"
            if user.get("username"):
                name += f" (@{user['username']})"
            if entry.get("hide_in_groups"):
                name += " — hidden in groups"
            item = QListWidgetItem(name)
            item.setData(USER_ID_ROLE, int(user["id"]))
            self.list.addItem(item)
        self.empty_label.setVisible(not entries)
        if entries:
            self.list.setCurrentRow(0)
        self._update_enabled()

    def _update_enabled(self) -> None:
        self.unblock_button.setEnabled(self.list.currentItem() is not None)

    def _unblock(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.message.hide()
            self.unblock_requested.emit(int(item.data(USER_ID_ROLE)))

    def show_error(self, text: str) -> None:
        self.message.error(text)
