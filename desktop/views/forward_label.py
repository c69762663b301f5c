"""The "Forwarded from Alice" line at the top of a forwarded message's bubble (under the sender's name):
plain text in the secondary colour, italic, elided to the bubble's width."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPalette

from desktop.models.roles import MessageRole
from desktop.views import palette_colors

GAP = 2.0  # between the line and what follows it


def label(index: QModelIndex | QPersistentModelIndex) -> str:
    return index.data(MessageRole.FORWARD_LABEL) or ""


def _font(small: QFont) -> QFont:
    font = QFont(small)
    font.setItalic(True)
    return font


def height(index: QModelIndex | QPersistentModelIndex, small: QFont) -> float:
    """The room it takes above the quote, files and text: 0 for a message that is not a forward."""
    return QFontMetricsF(_font(small)).height() + GAP if label(index) else 0.0


def width(index: QModelIndex | QPersistentModelIndex, small: QFont) -> float:
    text = label(index)
    return QFontMetricsF(_font(small)).horizontalAdvance(text) if text else 0.0


def paint(
    painter: QPainter,
    index: QModelIndex | QPersistentModelIndex,
    rect: QRectF,
    small: QFont,
    palette: QPalette,
) -> None:
    """``rect``: the line's room (the bubble's text width, ``height`` tall ending at the quote or text)."""
    text = label(index)
    if not text:
        return
    font = _font(small)
    painter.setFont(font)
    painter.setPen(palette_colors.secondary_text(palette))
    elided = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    painter.drawText(
        rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextSingleLine, elided
    )
