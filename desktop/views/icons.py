"""The app icon (desktop/resources/chatidk.png), with an optional unread badge painted over it (tray)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QImage, QPainter, QPixmap

from desktop.resources import resource_path

ICON_FILE = "chatidk.png"


@lru_cache(maxsize=1)
def _base_image() -> QImage:
    image = QImage(str(resource_path(ICON_FILE)))
    if image.isNull():
        raise RuntimeError(f"{ICON_FILE} could not be read (is Qt's PNG support present?)")
    return image


def _bubble_pixmap(size: int, unread: int) -> QPixmap:
    pixmap = QPixmap.fromImage(
        _base_image().scaled(
            size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    )
    if not unread:
        return pixmap
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#e5484d"))
    badge = QRectF(34 * s, 0, 30 * s, 30 * s)
    painter.drawEllipse(badge)
    font = QFont()
    font.setPixelSize(max(1, int(18 * s)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "9+" if unread > 9 else str(unread))
    painter.end()
    return pixmap


def app_icon(unread: int = 0) -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        icon.addPixmap(_bubble_pixmap(size, unread))
    return icon
