"""Profile pictures as round discs; the initials disc stands in wherever a person has no picture (yet)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QPainter, QPainterPath, QPixmap

from desktop.views import palette_colors


def initials(title: str) -> str:
    words = [w for w in title.split() if w]
    if not words:
        return "?"
    return (words[0][0] + (words[1][0] if len(words) > 1 else "")).upper()


def paint_picture(painter: QPainter, rect: QRectF, picture: QPixmap) -> None:
    """``picture`` (square, from the server) clipped to the disc in ``rect``."""
    painter.save()
    path = QPainterPath()
    path.addEllipse(rect)
    painter.setClipPath(path)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawPixmap(rect, picture, QRectF(picture.rect()))
    painter.restore()


def paint_initials(painter: QPainter, rect: QRectF, title: str, key: int, font: QFont) -> None:
    painter.save()
    path = QPainterPath()
    path.addEllipse(rect)
    painter.fillPath(path, palette_colors.avatar_color(key))
    bold = QFont(font)
    bold.setBold(True)
    if rect.height() < 30:
        bold.setPointSizeF(max(6.0, bold.pointSizeF() * 0.8))
    elif rect.height() >= 48:  # the profile panel's big disc: letters that fill it as the small ones do
        bold.setPixelSize(max(1, round(rect.height() * 0.36)))
    painter.setFont(bold)
    painter.setPen(Qt.GlobalColor.white)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initials(title))
    painter.restore()


def avatar_pixmap(
    size: int, picture: QPixmap | None, title: str, key: int, font: QFont, ratio: float = 1.0
) -> QPixmap:
    """A finished disc for a QLabel (the chat header)."""
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(0, 0, size, size)
    if picture is not None and not picture.isNull():
        paint_picture(painter, rect, picture)
    else:
        paint_initials(painter, rect, title, key, font)
    painter.end()
    return pixmap
