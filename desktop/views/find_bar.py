"""Ctrl+F in a conversation: find words in it, step between the hits, see "3 of 17"; Esc closes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

TYPING_PAUSE_MS = 250  # a search per pause in typing, not per key


class FindBar(QWidget):
    """Enter or ↑ goes to the next older hit, Shift+Enter or ↓ to the next newer one (hits are counted from
    the newest: "1 of 17" is the newest). Signals: query_changed(str) — after a pause in typing,
    step_requested(int) — +1 older, -1 newer, closed()."""

    query_changed = Signal(str)
    step_requested = Signal(int)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Find in conversation")
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in this conversation")
        self.edit.setClearButtonEnabled(True)
        self.edit.installEventFilter(self)
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance("999 of 999") + 8)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.older_button = self._button("↑", "Older hit (Enter, ↑)", lambda: self.step_requested.emit(1))
        self.newer_button = self._button(
            "↓", "Newer hit (Shift+Enter, ↓)", lambda: self.step_requested.emit(-1)
        )
        self.close_button = self._button("✕", "Close (Esc)", self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 4, 8, 4)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.older_button)
        layout.addWidget(self.newer_button)
        layout.addWidget(self.close_button)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(lambda: self.query_changed.emit(self.edit.text()))
        self.edit.textChanged.connect(lambda _: self._pause.start())
        self.hide()

    def _button(self, text: str, tip: str, action) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip.split(" (")[0])
        button.setAutoRaise(True)
        button.clicked.connect(action)
        return button

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def close_bar(self) -> None:
        self._pause.stop()
        self.hide()
        self.closed.emit()

    def query(self) -> str:
        return self.edit.text()

    def search_now(self) -> None:
        """Enter before the pause ended: the search runs at once."""
        if self._pause.isActive():
            self._pause.stop()
            self.query_changed.emit(self.edit.text())

    def set_position(self, current: int | None, total: int, searching: bool = False) -> None:
        """``current`` counts from 1 at the newest hit; None before a hit was gone to."""
        if not self.edit.text().strip():
            self.count_label.setText("")
        elif total == 0:
            self.count_label.setText("…" if searching else "No results")
        else:
            self.count_label.setText(f"{current or 0} of {total}")
        self.older_button.setEnabled(total > 0)
        self.newer_button.setEnabled(total > 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.search_now()
                self.step_requested.emit(-1 if shift else 1)
                return True
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.search_now()
                self.step_requested.emit(1 if key == Qt.Key.Key_Up else -1)
                return True
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
        return super().eventFilter(watched, event)
