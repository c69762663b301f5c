"""The composer's notice line: why what is written cannot be sent as it is (too long, a file over the
server's limit), said where the user is looking and typing, not in a dialog or a tooltip.

It shows the characters left as the text nears the limit, so the line is already there when the limit
is crossed and the composer does not jump."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from desktop.views import failure_note, palette_colors

NEAR = 0.9  # the count appears from this share of the limit on


class ComposerNotice(QLabel):
    """Hidden while there is nothing to say. ``kind`` is "problem" (the send is refused) or "count"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)  # a file name is the user's, never markup
        self.setWordWrap(True)  # a long reason wraps, it never widens the window
        self.setContentsMargins(4, 0, 4, 0)
        self.setAccessibleName("Composer notice")
        self.kind = ""
        self.hide()

    def show_problem(self, text: str) -> None:
        self._show("problem", text)

    def show_count(self, text: str) -> None:
        self._show("count", text)

    def clear_notice(self) -> None:
        self.kind = ""
        self.setText("")
        self.hide()

    def _show(self, kind: str, text: str) -> None:
        self.kind = kind
        self.setText(text)
        self._paint_colors()
        self.show()

    def color(self):
        """The text colour for the current kind and palette: ≥ 4.5:1 on the window (the test reads it)."""
        palette = self.window().palette() if self.window() is not None else self.palette()
        background = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        if self.kind == "problem":
            wanted = palette_colors.error_color(palette)
        else:
            wanted = palette_colors.secondary_text(palette)
        return failure_note.readable(wanted, background, text)

    def _paint_colors(self) -> None:
        palette = QPalette(self.palette())
        palette.setColor(QPalette.ColorRole.WindowText, self.color())
        self.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange and self.kind:
            self._paint_colors()
