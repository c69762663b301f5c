"""Group members: see who is in, rename the group, add people, remove (owner) or leave."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.records import Conversation
from desktop.views.avatars import avatar_pixmap
from desktop.views.people_picker import USER_ID_ROLE, PeoplePicker

AVATAR_SIZE = 28


class MembersDialog(QDialog):
    """Signals: rename_requested(str), add_requested(list ids), remove_requested(int user_id),
    search_requested(str)."""

    rename_requested = Signal(str)
    add_requested = Signal(list)
    remove_requested = Signal(int)
    search_requested = Signal(str)

    def __init__(self, conversation: Conversation, my_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.my_id = my_id
        self.setWindowTitle("Group members")
        self.title_edit = QLineEdit(conversation.title or "", self)
        self.title_edit.setMaxLength(100)
        self.rename_button = QPushButton("Rename", self)
        self.member_list = QListWidget(self)
        self.member_list.setIconSize(QSize(AVATAR_SIZE, AVATAR_SIZE))
        self.member_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.remove_button = QPushButton("Remove", self)
        self.picker = PeoplePicker(self)  # New chat's picker: a click, Enter or Space picks
        self.picker.group_mode = True
        self.picker.set_usage("Click, Enter or Space picks a person to add; click a chip to take them out.")
        self.add_button = QPushButton("Add selected", self)
        self.close_button = QPushButton("Close", self)

        title_row = QHBoxLayout()
        title_row.addWidget(self.title_edit, 1)
        title_row.addWidget(self.rename_button)
        member_buttons = QHBoxLayout()
        member_buttons.addStretch(1)
        member_buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(title_row)
        layout.addWidget(self.member_list, 1)
        layout.addLayout(member_buttons)
        layout.addWidget(self.picker, 1)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)

        self.rename_button.clicked.connect(self._rename)
        self.remove_button.clicked.connect(self._remove)
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.picker.selected_ids()))
        self.close_button.clicked.connect(self.accept)
        self.picker.search_requested.connect(self.search_requested)
        self.picker.selection_changed.connect(self._update_add)
        self.member_list.currentItemChanged.connect(lambda *_: self._update_remove())
        self.set_conversation(conversation)
        self._update_add()
        self.resize(420, 560)

    def _update_add(self) -> None:
        count = len(self.picker.selected_ids())
        self.add_button.setEnabled(count > 0)
        self.add_button.setText(f"Add {count}" if count > 1 else "Add selected")

    def set_conversation(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.i_own = conversation.is_owner(self.my_id)
        self.member_list.clear()
        for member in conversation.members:
            label = member.display_name + (" (you)" if member.user_id == self.my_id else "")
            if member.role == "owner":
                label += " — owner"
            item = QListWidgetItem(label)
            item.setData(USER_ID_ROLE, member.user_id)
            item.setIcon(  # the colour this person has in the list, the bubbles and the profile panel
                QIcon(
                    avatar_pixmap(
                        AVATAR_SIZE,
                        None,
                        member.display_name,
                        member.user_id,
                        self.font(),
                        self.devicePixelRatioF(),
                    )
                )
            )
            self.member_list.addItem(item)
        self.picker.exclude = {m.user_id for m in conversation.members}
        if set(self.picker.selected_ids()) & self.picker.exclude:
            self.picker.clear_picks()  # they were added: nothing left to add twice
        self._update_remove()

    def _update_remove(self) -> None:
        item = self.member_list.currentItem()
        user_id = item.data(USER_ID_ROLE) if item else None
        self.remove_button.setText("Leave group" if user_id == self.my_id else "Remove")
        self.remove_button.setEnabled(user_id is not None and (user_id == self.my_id or self.i_own))

    def _rename(self) -> None:
        title = self.title_edit.text().strip()
        if title and title != (self.conversation.title or ""):
            self.rename_requested.emit(title)

    def _remove(self) -> None:
        item = self.member_list.currentItem()
        if item is not None:
            self.remove_requested.emit(int(item.data(USER_ID_ROLE)))

    def set_search_results(self, users: list[dict]) -> None:
        self.picker.set_results(users)
