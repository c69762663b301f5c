"""Notices when nobody has touched the app for a while (for "away"), and when they come back."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

IDLE_AFTER_MS = 5 * 60 * 1000
_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """An application-wide event filter: no keyboard, mouse or touch input in any of our windows for
    ``idle_after_ms`` makes us idle; the next input makes us active again. Signals: idle_changed(bool)."""

    idle_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, idle_after_ms: int = IDLE_AFTER_MS) -> None:
        super().__init__(parent)
        self.idle = False
        self._idle_after_ms = idle_after_ms
        self._last_input = time.monotonic()
        self._timer = QTimer(self)  # armed for when we would go idle; input only moves _last_input
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self._installed = False

    def start(self) -> None:
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self._last_input = time.monotonic()
        self._timer.start(self._idle_after_ms)

    def stop(self) -> None:
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False
        self._timer.stop()

    def set_idle_after(self, milliseconds: int) -> None:
        self._idle_after_ms = milliseconds
        if self._timer.isActive():
            self._check()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self.user_active()
        return False

    def user_active(self) -> None:
        """Input seen (this runs for every mouse move, so it only notes the time unless we were idle)."""
        self._last_input = time.monotonic()
        if self.idle:
            self.idle = False
            self._timer.start(self._idle_after_ms)
            self.idle_changed.emit(False)

    def _check(self) -> None:
        remaining = self._idle_after_ms - (time.monotonic() - self._last_input) * 1000
        if remaining > 0:
            self._timer.start(int(remaining) + 1)
        elif not self.idle:
            self.idle = True
            self.idle_changed.emit(True)
