"""The bar above the composer while one of my messages is edited there: "Editing", the message as it was
(one line, elided) and ✕ to cancel, as Telegram and Signal show it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desktop.views.composer_strip import ComposerStrip


class EditingBar(ComposerStrip):
    """Hidden until show_for. Signals: cancelled() — ✕ was clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("edit", parent, cancel_tooltip="Cancel editing (Esc)", cancel_name="Cancel editing")
        self.title.setText("Editing")
        self.snippet.setAccessibleName("Message being edited")

    def show_for(self, original: str) -> None:
        self.show_lines("Editing", " ".join(original.split()))  # one line: paragraphs become spaces
