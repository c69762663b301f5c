"""The message composer: multi-line, Enter sends, Shift+Enter breaks the line, Send enabled only with text."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QSizePolicy, QWidget

MAX_LINES_SHOWN = 8


class ComposerEdit(QPlainTextEdit):
    """Signals: submit() on Enter (without Shift), typed() after a key that changed the text; grows with its
    text up to a few lines."""

    submit = Signal()
    typed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Write a message…")
        self.setTabChangesFocus(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.document().documentLayout().documentSizeChanged.connect(lambda _: self.updateGeometry())
        self.setAccessibleName("Message")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier)
        ):
            event.accept()
            self.submit.emit()
            return
        before = self.document().revision()
        super().keyPressEvent(event)
        if self.document().revision() != before:
            self.typed.emit()

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        lines = max(1, min(MAX_LINES_SHOWN, int(self.document().size().height())))  # in lines, for plain text
        margins = self.contentsMargins()
        height = (
            lines * metrics.lineSpacing()
            + 2 * self.document().documentMargin()
            + margins.top()
            + margins.bottom()
        )
        return QSize(super().sizeHint().width(), int(height) + 2)

    def minimumSizeHint(self) -> QSize:
        """One line is enough: the scroll area's own minimum (room for a scroll bar) is far taller."""
        return QSize(80, self.sizeHint().height())


class Composer(QWidget):
    """Signals: send_requested(str), composing() — the user changed a non-empty draft (for "is typing")."""

    send_requested = Signal(str)
    composing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = ComposerEdit(self)
        self.send_button = QPushButton("Send", self)
        self.send_button.setEnabled(False)
        self.send_button.setDefault(False)
        self.send_button.setAutoDefault(False)
        self.send_button.setToolTip("Send (Enter) · New line: Shift+Enter")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.edit.textChanged.connect(self._update_send_enabled)
        self.edit.submit.connect(self.submit)
        self.edit.typed.connect(self._on_typed)
        self.send_button.clicked.connect(self.submit)

    def _update_send_enabled(self) -> None:
        self.send_button.setEnabled(bool(self.edit.toPlainText().strip()))

    def _on_typed(self) -> None:
        if self.edit.toPlainText().strip():  # keys, not text the program put there
            self.composing.emit()

    def submit(self) -> None:
        text = self.edit.toPlainText()
        if not text.strip():
            return
        self.send_requested.emit(text.strip("\n"))
        self.edit.clear()

    def focus(self) -> None:
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
