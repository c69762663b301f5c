"""The banner on top of the conversation list that says the client is not live: Connecting…, Updating…
(catch-up running) or Offline; hidden while online."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from desktop.views import palette_colors

TEXT = {
    "connecting": "Connecting…",
    "updating": "Updating…",
    "offline": "Offline — messages wait in the outbox",
}
TOOLTIP = {
    "connecting": "Connecting to the server",
    "updating": "Fetching what arrived while this device was away",
    "offline": "The server cannot be reached; ChatIDK keeps trying and sends your messages when it is back",
}


class ConnectionBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)  # wraps in a narrow list rather than forcing the window wider
        self.setContentsMargins(10, 5, 10, 5)
        self.setAutoFillBackground(True)
        self.setAccessibleName("Connection")
        font = QFont(self.font())
        font.setBold(True)
        self.setFont(font)
        self.state = "online"
        self.hide()

    def set_state(self, state: str) -> None:
        self.state = state
        self.setText(TEXT.get(state, ""))
        self.setToolTip(TOOLTIP.get(state, ""))
        self._paint_colors()
        self.setVisible(state in TEXT)

    def colors(self):
        """(fill, text) for the current state and palette (the contrast test reads them)."""
        return palette_colors.connection_banner(self.window().palette(), self.state)

    def _paint_colors(self) -> None:
        fill, text = self.colors()
        palette = QPalette(self.palette())
        palette.setColor(QPalette.ColorRole.Window, fill)
        palette.setColor(QPalette.ColorRole.WindowText, text)
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._paint_colors()
