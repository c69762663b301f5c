"""The right-hand side: who you are talking to, the messages, and the composer."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.views.composer import Composer
from desktop.views.message_list_view import MessageListView


class ChatPanel(QWidget):
    """Signals: send_requested(str), members_requested(), and the message view's edit/delete/retry signals."""

    send_requested = Signal(str)
    members_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel(self)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        title_font = QFont(self.title_label.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title_label.setFont(title_font)
        self.subtitle_label = QLabel(self)
        self.subtitle_label.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle_label.setEnabled(False)  # the palette's disabled text: quieter, still readable
        self.members_button = QPushButton("Members…", self)
        self.members_button.setFlat(True)
        self.members_button.clicked.connect(self.members_requested)

        header = QFrame(self)
        header.setFrameShape(QFrame.Shape.NoFrame)
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(14, 8, 8, 8)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        titles.addWidget(self.subtitle_label)
        header_layout.addLayout(titles, 1)
        header_layout.addWidget(self.members_button)

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)

        self.messages = MessageListView(self)
        self.composer = Composer(self)
        self.composer.send_requested.connect(self.send_requested)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(line)
        layout.addWidget(self.messages, 1)
        layout.addWidget(self.composer)
        self.setTabOrder(self.composer.edit, self.composer.send_button)
        self.setTabOrder(self.composer.send_button, self.messages)

    def set_header(self, title: str, subtitle: str, *, is_group: bool) -> None:
        self.title_label.setText(title)
        self.subtitle_label.setText(subtitle)
        self.members_button.setVisible(is_group)

    def edit_text(self, parent: QWidget, current: str) -> str | None:
        text, ok = QInputDialog.getMultiLineText(parent, "Edit message", "Message:", current)
        return text if ok and text.strip() and text != current else None
