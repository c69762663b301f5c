"""The reason a message was not sent, inside its bubble above the footer ("Not sent"): read where the
message is, not in a tooltip, in a colour that keeps 4.5:1 on the bubble in light and dark palettes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QTextLayout, QTextOption

from desktop.domain.records import FAILED
from desktop.models.roles import MessageRole
from desktop.views import palette_colors

MIN_CONTRAST = 4.5
GAP = 3.0  # between the message's text and the reason
FALLBACK = "The server refused this message."


@dataclass
class Note:
    layout: QTextLayout
    height: float
    natural: float


def reason(index: QModelIndex | QPersistentModelIndex) -> str | None:
    """The words under a failed message of mine; None for any other."""
    if index.data(MessageRole.STATE) != FAILED:
        return None
    return index.data(MessageRole.ERROR) or FALLBACK


def lay_out(index: QModelIndex | QPersistentModelIndex, font: QFont, width: float) -> Note | None:
    """Plain text, wrapped at the bubble's text width (the reason may quote the server: never markup)."""
    text = reason(index)
    if text is None:
        return None
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
    layout.setTextOption(option)
    layout.beginLayout()
    height = GAP
    natural = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        line.setPosition(QPointF(0, height))
        height += line.height()
        natural = max(natural, line.naturalTextWidth())
    layout.endLayout()
    return Note(layout, height, natural)


def height(index: QModelIndex | QPersistentModelIndex, font: QFont, width: float) -> float:
    note = lay_out(index, font, width)
    return note.height if note is not None else 0.0


def readable(color: QColor, background: QColor, toward: QColor) -> QColor:
    """``color``, pulled towards ``toward`` (the text colour) just enough to read at 4.5:1 on
    ``background``: an error red on my accent-tinted bubble would not, in some palettes."""
    for step in range(11):
        candidate = palette_colors.mix(color, toward, step / 10)
        if palette_colors.contrast_ratio(candidate, background) >= MIN_CONTRAST:
            return candidate
    return QColor(toward)


def text_color(palette: QPalette, fill: QColor, text: QColor) -> QColor:
    """The reason's colour on a bubble of ``fill`` whose text is ``text`` (the contrast test reads it)."""
    return readable(palette_colors.error_color(palette), fill, text)


def paint(painter: QPainter, note: Note, origin: QPointF, color: QColor) -> None:
    painter.setPen(color)
    note.layout.draw(painter, origin)


def footer_top(bubble_bottom: float, padding: float, small: QFontMetricsF) -> float:
    """Where the footer line starts: the reason ends there."""
    return bubble_bottom - padding - small.height()
