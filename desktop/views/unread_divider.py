"""The "Unread messages" divider painted above the first unread message of a conversation just opened: a
band across the list, so the place where new reading starts is seen at once (as in Telegram and Signal)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPalette

from desktop.models.unread_anchor import DIVIDER_TEXT
from desktop.views import failure_note, palette_colors

EXTRA = 12.0  # room above and below the words


def height(font: QFont) -> float:
    return QFontMetricsF(font).height() + EXTRA


def colors(palette: QPalette):
    """(band, text): a tint of the accent on the list's base, the text readable on it at 4.5:1."""
    base = palette.color(QPalette.ColorRole.Base)
    band = palette_colors.mix(base, palette.color(QPalette.ColorRole.Highlight), 0.18)
    text = failure_note.readable(
        palette.color(QPalette.ColorRole.Highlight), band, palette.color(QPalette.ColorRole.Text)
    )
    return band, text


def paint(painter: QPainter, rect: QRectF, font: QFont, palette: QPalette) -> None:
    band_color, text_color = colors(palette)
    band = QRectF(rect.left(), rect.top() + 3, rect.width(), rect.height() - 6)
    painter.fillRect(band, band_color)
    painter.setFont(font)
    painter.setPen(text_color)
    painter.drawText(band, Qt.AlignmentFlag.AlignCenter, DIVIDER_TEXT)
