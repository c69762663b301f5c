"""The chat header's back arrow in the one-pane layout: a chevron drawn in the palette's text colour (no
stock Qt icon, no emoji), with a tooltip and an accessible name."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QToolButton, QWidget

from desktop.views import shortcuts

ICON_SIZE = 20


def chevron_icon(palette: QPalette, size: int = ICON_SIZE, ratio: float = 2.0) -> QIcon:
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(palette.color(QPalette.ColorRole.WindowText), size / 10)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    path = QPainterPath(QPointF(size * 0.62, size * 0.2))
    path.lineTo(QPointF(size * 0.32, size * 0.5))
    path.lineTo(QPointF(size * 0.62, size * 0.8))
    painter.drawPath(path)
    painter.end()
    return QIcon(pixmap)


class BackButton(QToolButton):
    """Back to the conversation list (also Esc and Alt+←)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        self.setToolTip(f"Back to the conversations ({shortcuts.shown_keys(shortcuts.BACK)} or Esc)")
        self.setAccessibleName("Back to the conversations")
        self.setIcon(chevron_icon(self.palette()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.setIcon(chevron_icon(self.palette()))
