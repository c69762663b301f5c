"""The bar above the composer while one of my messages is edited there: "Editing", the message as it was
(one line, elided) and ✕ to cancel, as Telegram and Signal show it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.views import palette_colors
from desktop.views.elided_label import ElidedLabel
from desktop.views.symbols import IconButton


class EditingBar(QFrame):
    """Hidden until show_for. Signals: cancelled() — ✕ was clicked."""

    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.accent = QFrame(self)  # a thin bar in the accent colour, like a quote's
        self.accent.setFixedWidth(3)
        self.accent.setAutoFillBackground(True)
        self.title = QLabel("Editing", self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.snippet = ElidedLabel(parent=self, mode=Qt.TextElideMode.ElideRight)  # never widens the window
        self.snippet.setAccessibleName("Message being edited")
        self.cancel_button = IconButton("close", "Cancel editing (Esc)", "Cancel editing", self, size=16)
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

    def show_for(self, original: str) -> None:
        self.snippet.setText(" ".join(original.split()))  # one line: paragraphs become spaces
        self._recolour()
        self.show()

    def _recolour(self) -> None:
        accent = palette_colors.typing_color(self.palette())
        self.title.setStyleSheet(f"color: {accent.name()}")
        self.snippet.setStyleSheet(f"color: {palette_colors.secondary_text(self.palette()).name()}")
        palette = self.accent.palette()
        palette.setColor(self.accent.backgroundRole(), accent)
        self.accent.setPalette(palette)
