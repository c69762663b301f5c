"""The quote bar above the composer while a reply is being written: "Reply to Alice", the quoted message in
one line and ✕ to cancel (Esc too), as Telegram and Signal show it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from desktop.models.file_labels import quote_line
from desktop.views import palette_colors
from desktop.views.elided_label import ElidedLabel
from desktop.views.symbols import IconButton


class ReplyBar(QFrame):
    """Hidden until show_for. Signals: cancelled() — ✕ was clicked."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.accent = QFrame(self)
        self.accent.setFixedWidth(3)
        self.accent.setAutoFillBackground(True)
        self.title = ElidedLabel(parent=self, mode=Qt.TextElideMode.ElideRight)  # a name never widens it
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.snippet = ElidedLabel(parent=self, mode=Qt.TextElideMode.ElideRight)
        self.snippet.setAccessibleName("Message being replied to")
        self.cancel_button = IconButton("close", "Cancel the reply (Esc)", "Cancel the reply", self, size=16)
        self.cancel_button.clicked.connect(self.cancelled)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(self.title)
        texts.addWidget(self.snippet)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 0)
        layout.addWidget(self.accent)
        layout.addLayout(texts, 1)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._recolour()
        self.hide()

    def show_for(self, sender_name: str, snippet: str | None, deleted: bool = False) -> None:
        """Plain text only (ElidedLabel): a name or message from the network is never read as markup."""
        self.title.setText(f"Reply to {sender_name}")
        self.snippet.setText(quote_line(snippet, deleted))
        self._recolour()
        self.show()

    def _recolour(self) -> None:
        accent = palette_colors.typing_color(self.palette())
        self.title.setStyleSheet(f"color: {accent.name()}")
        self.snippet.setStyleSheet(f"color: {palette_colors.secondary_text(self.palette()).name()}")
        palette = self.accent.palette()
        palette.setColor(self.accent.backgroundRole(), accent)
        self.accent.setPalette(palette)
