"""The pinned bar under the chat's header: "Pinned message 2 of 3" and that message in one line. A click
(or Enter/Space when it has the focus) jumps to the message shown and moves on to the next pin, so repeated
clicks walk through all of them, as Telegram's bar does."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QWidget

from desktop.models.file_labels import reply_snippet
from desktop.views.composer_strip import ComposerStrip


class PinnedBar(ComposerStrip):
    """Hidden while there is no pin. ``set_pins`` takes (seq, text, attachments) newest pin first. Signals:
    jump_requested(int seq)."""

    jump_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("pin", parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName("Pinned messages")
        self._pins: list[tuple[int, str]] = []  # (seq, line), oldest pin first: "1 of 3" is the oldest
        self._shown = 0

    def set_pins(self, pins: list[tuple[int, str | None, list]]) -> None:
        """Pins as the server lists them (the latest first); the latest is shown first."""
        seqs_before = [seq for seq, _ in self._pins]
        shown_seq = self._pins[self._shown][0] if self._pins else None
        self._pins = [(seq, reply_snippet(text, files) or "Message") for seq, text, files in reversed(pins)]
        seqs = [seq for seq, _ in self._pins]
        if shown_seq in seqs and len(seqs) <= len(seqs_before):
            self._shown = seqs.index(shown_seq)  # an unpin or an edit: the reader stays where they were
        else:
            self._shown = len(self._pins) - 1  # a new pin (or the first load): the latest
        self._show_current()

    def shown_seq(self) -> int | None:
        return self._pins[self._shown][0] if self._pins else None

    def _show_current(self) -> None:
        if not self._pins:
            self.hide()
            return
        count = len(self._pins)
        self.setToolTip("Go to the pinned message" + ("; again for the next one" if count > 1 else ""))
        title = "Pinned message" if count == 1 else f"Pinned message {self._shown + 1} of {count}"
        self.show_lines(title, self._pins[self._shown][1])

    def activate(self) -> None:
        """Jump to the pin shown, then show the one before it (wrapping round), ready for the next click."""
        seq = self.shown_seq()
        if seq is None:
            return
        self.jump_requested.emit(seq)
        self._shown = (self._shown - 1) % len(self._pins)
        self._show_current()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.activate()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate()
            event.accept()
            return
        super().keyPressEvent(event)
