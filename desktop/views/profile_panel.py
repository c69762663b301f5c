"""The profile panel of the open conversation, opened from its header: a person's name, @username and last
seen, or a group's title and members; mute and leave from there."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.profile_info import ProfileInfo
from desktop.views.avatars import avatar_pixmap
from desktop.views.quiet_text import make_quiet

AVATAR_SIZE = 64
MEMBER_AVATAR_SIZE = 28


def _plain_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


class ProfilePanel(QDialog):
    """Signals: mute_toggled(int conversation_id, bool muted), leave_requested(int conversation_id)."""

    mute_toggled = Signal(int, bool)
    leave_requested = Signal(int)

    def __init__(self, info: ProfileInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.info: ProfileInfo = info
        self.setMinimumWidth(340)
        self.avatar_label = QLabel(self)  # the person's or group's disc, in the colour it has everywhere
        self.avatar_label.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.title_label = _plain_label(self)
        font = QFont(self.title_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title_label.setFont(font)
        self.handle_label = _plain_label(self)
        self.status_label = _plain_label(self)
        make_quiet(self.handle_label)
        make_quiet(self.status_label)
        self.members_caption = QLabel("Members", self)
        self.members_list = QListWidget(self)
        self.members_list.setAccessibleName("Members")
        self.members_list.setSpacing(3)
        self.members_list.setAlternatingRowColors(True)
        self.members_list.setIconSize(QSize(MEMBER_AVATAR_SIZE, MEMBER_AVATAR_SIZE))
        self.members_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.members_list.setWordWrap(True)
        self.mute_button = QPushButton(self)
        self.mute_button.setCheckable(True)
        self.mute_button.toggled.connect(self._on_mute)
        self.leave_button = QPushButton("Leave group…", self)
        self.leave_button.clicked.connect(lambda: self.leave_requested.emit(self.info.conversation_id))
        for button in (self.mute_button, self.leave_button):
            button.setAutoDefault(False)  # Enter closes the panel; it never mutes or leaves by accident
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.addWidget(self.avatar_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.handle_label)
        layout.addWidget(self.status_label)
        layout.addSpacing(8)
        layout.addWidget(self.members_caption)
        layout.addWidget(self.members_list, 1)
        layout.addWidget(self.mute_button)
        layout.addWidget(self.leave_button)
        layout.addWidget(buttons)
        self.set_info(info)

    def set_info(self, info: ProfileInfo) -> None:
        """Shown again when the conversation changes while the panel is open (a rename, a new member)."""
        self.info = info
        self.setWindowTitle(f"{info.title} — {'Group' if info.is_group else 'Profile'}")
        self.title_label.setText(info.title)
        ratio = self.devicePixelRatioF()
        self.avatar_label.setPixmap(
            avatar_pixmap(AVATAR_SIZE, None, info.title, info.avatar_key, self.font(), ratio)
        )
        self.handle_label.setText(info.handle)
        self.handle_label.setVisible(bool(info.handle))
        self.status_label.setText(info.status)
        self.members_caption.setVisible(info.is_group)
        self.members_list.setVisible(info.is_group)
        self.members_list.clear()
        for member in info.members:
            item = QListWidgetItem(f"{member.name}\n{member.detail}" if member.detail else member.name)
            item.setData(Qt.ItemDataRole.UserRole, member.user_id)
            disc = avatar_pixmap(MEMBER_AVATAR_SIZE, None, member.name, member.user_id, self.font(), ratio)
            item.setIcon(QIcon(disc))
            self.members_list.addItem(item)
        self.mute_button.blockSignals(True)
        self.mute_button.setChecked(info.muted)
        self.mute_button.blockSignals(False)
        self.mute_button.setText("Unmute notifications" if info.muted else "Mute notifications")
        self.leave_button.setVisible(info.is_group)

    def _on_mute(self, checked: bool) -> None:
        self.mute_button.setText("Unmute notifications" if checked else "Mute notifications")
        self.mute_toggled.emit(self.info.conversation_id, checked)
