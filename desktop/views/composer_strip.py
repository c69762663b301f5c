"""The strip chrome the reply bar, the editing bar and the pinned bar share: an icon and a thin bar in the
accent colour, a bold title over one elided line, and (for the composer's two) a ✕ at the right, so the three
look like one family, as Telegram's reply, edit and pinned strips do."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.views import palette_colors
from desktop.views.elided_label import ElidedLabel
from desktop.views.symbols import IconButton, symbol

ICON_SIZE = 20
MARGINS = (10, 4, 4, 4)  # left, top, right, bottom: one inset for all three strips


class ComposerStrip(QFrame):
    """Hidden until a subclass fills it. ``icon`` names a symbol (symbols.GLYPHS); ``cancel_tooltip`` and
    ``cancel_name`` give the strip a ✕ (None: no ✕, the pinned bar). Text is plain (ElidedLabel), so a name or
    message from the network is never read as markup. Signals: cancelled() — ✕ was clicked."""

    cancelled = Signal()

    def __init__(
        self,
        icon: str,
        parent: QWidget | None = None,
        *,
        cancel_tooltip: str | None = None,
        cancel_name: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._icon_name = icon
        self.icon = QLabel(self)
        self.icon.setFixedSize(ICON_SIZE + 4, ICON_SIZE)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.accent = QFrame(self)
        self.accent.setFixedWidth(3)
        self.accent.setAutoFillBackground(True)
        self.title = ElidedLabel(parent=self, mode=Qt.TextElideMode.ElideRight)  # a name never widens it
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.snippet = ElidedLabel(parent=self, mode=Qt.TextElideMode.ElideRight)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        texts.addWidget(self.title)
        texts.addWidget(self.snippet)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(*MARGINS)
        layout.setSpacing(6)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.accent)
        layout.addLayout(texts, 1)
        self.cancel_button: IconButton | None = None
        if cancel_tooltip is not None:
            name = cancel_name or cancel_tooltip
            self.cancel_button = IconButton("close", cancel_tooltip, name, self, size=16)
            self.cancel_button.clicked.connect(self.cancelled)
            layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._recolour()
        self.hide()

    def show_lines(self, title: str, snippet: str) -> None:
        """Fill the two lines (plain text) and show the strip."""
        self.title.setText(title)
        self.snippet.setText(snippet)
        self._recolour()
        self.show()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._recolour()

    def _recolour(self) -> None:
        """Title, bar and icon in the accent colour, the line in the secondary text colour (a theme switch
        re-runs it)."""
        accent = palette_colors.typing_color(self.palette())
        self.title.setStyleSheet(f"color: {accent.name()}")
        self.snippet.setStyleSheet(f"color: {palette_colors.secondary_text(self.palette()).name()}")
        palette = self.accent.palette()
        palette.setColor(self.accent.backgroundRole(), accent)
        self.accent.setPalette(palette)
        self.icon.setPixmap(symbol(self._icon_name, self.palette(), accent).pixmap(ICON_SIZE, ICON_SIZE))
