"""The app icon, drawn in code (no image files to ship), with an optional unread badge for the tray."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPainterPath, QPixmap


def _bubble_pixmap(size: int, unread: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64
    path = QPainterPath()
    path.addRoundedRect(QRectF(4 * s, 8 * s, 56 * s, 40 * s), 12 * s, 12 * s)
    tail = QPainterPath()
    tail.moveTo(16 * s, 44 * s)
    tail.lineTo(12 * s, 58 * s)
    tail.lineTo(28 * s, 46 * s)
    path = path.united(tail)
    painter.fillPath(path, QColor("#3d7be0"))
    painter.setBrush(QColor("white"))
    painter.setPen(Qt.PenStyle.NoPen)
    for x in (20, 32, 44):
        painter.drawEllipse(QRectF((x - 4) * s, 24 * s, 8 * s, 8 * s))
    if unread:
        painter.setBrush(QColor("#e5484d"))
        badge = QRectF(34 * s, 0, 30 * s, 30 * s)
        painter.drawEllipse(badge)
        font = QFont()
        font.setPixelSize(int(18 * s))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "9+" if unread > 9 else str(unread))
    painter.end()
    return pixmap


def app_icon(unread: int = 0) -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128):
        icon.addPixmap(_bubble_pixmap(size, unread))
    return icon
