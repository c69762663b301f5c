"""Transient notices ("Saved your data to …", "A deleted message cannot be edited") as a toast floating over
the content, like Telegram's and Signal's: it takes no room in any layout, so nothing (the composer above
all) moves when one comes or goes. A status bar would push the composer up for eight seconds."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPropertyAnimation, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QGraphicsOpacityEffect, QLabel, QSizePolicy, QWidget

from desktop.views import palette_colors

DEFAULT_MS = 6000
MAX_WIDTH = 460
MARGIN = 16  # from the host's edges
PAD_H, PAD_V = 16, 9
GAP = 12  # between the toast and what it floats above


class Toast(QLabel):
    """A rounded, dark pill with plain text, centred near the bottom of ``host``; a click dismisses it. It
    follows the host's size; a new notice replaces the one shown. ``covered_below`` says how much of the
    host's bottom must stay clear (the composer), so the toast floats over the messages instead."""

    def __init__(self, host: QWidget, covered_below: Callable[[], int] = lambda: 0) -> None:
        super().__init__(host)
        self.host = host
        self.covered_below = covered_below
        self.setTextFormat(Qt.TextFormat.PlainText)  # notices quote names and file paths: never markup
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setAccessibleName("Notice")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, False)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._fade)
        self._opacity = QGraphicsOpacityEffect(self)
        self._opacity.setOpacity(1.0)
        self.setGraphicsEffect(self._opacity)
        self._animation = QPropertyAnimation(self._opacity, b"opacity", self)
        self._animation.setDuration(250)
        self._animation.finished.connect(self._after_fade)
        host.installEventFilter(self)
        self.hide()

    def show_text(self, text: str, milliseconds: int = DEFAULT_MS) -> None:
        self._animation.stop()
        self._opacity.setOpacity(1.0)
        self.setText(text)
        self._place()
        self.show()
        self.raise_()
        self._timer.start(max(1000, milliseconds))

    def dismiss(self) -> None:
        self._timer.stop()
        self._animation.stop()
        self.hide()

    def _fade(self) -> None:
        self._animation.setStartValue(1.0)
        self._animation.setEndValue(0.0)
        self._animation.start()

    def _after_fade(self) -> None:
        if self._opacity.opacity() == 0.0:
            self.hide()
            self._opacity.setOpacity(1.0)

    def _place(self) -> None:
        available = max(80, self.host.width() - 2 * MARGIN)
        metrics = self.fontMetrics()
        width = min(MAX_WIDTH, available, metrics.horizontalAdvance(self.text()) + 2 * PAD_H + 2)
        flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        text_height = metrics.boundingRect(0, 0, width - 2 * PAD_H, 10_000, flags, self.text()).height()
        height = text_height + 2 * PAD_V
        x = (self.host.width() - width) // 2
        y = max(MARGIN, self.host.height() - self.covered_below() - GAP - height)
        self.setGeometry(x, y, width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.host and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.dismiss()
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        fill, text = toast_colors(self)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        rect = QRectF(self.rect())
        painter.drawRoundedRect(rect, min(18.0, rect.height() / 2), min(18.0, rect.height() / 2))
        painter.setPen(text)
        painter.drawText(
            rect.adjusted(PAD_H, PAD_V, -PAD_H, -PAD_V),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            self.text(),
        )
        painter.end()


def toast_colors(widget: QWidget) -> tuple[QColor, QColor]:
    """(fill, text): a near-black pill with white text in light themes, a lifted grey one in dark themes
    (both well over 4.5:1), the convention of both anchors."""
    if palette_colors.is_dark(widget.palette()):
        return QColor(72, 72, 78, 245), QColor("#ffffff")
    return QColor(32, 32, 36, 235), QColor("#ffffff")
