"""The quote bar above the composer while a reply is being written: "Reply to Alice", the quoted message in
one line and ✕ to cancel (Esc too), as Telegram and Signal show it. An original deleted (or deleted for me)
reads "Deleted message" in italics, as its quote in a bubble does (bubble_delegate)."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from desktop.models.file_labels import quote_line
from desktop.views.composer_strip import ComposerStrip


class ReplyBar(ComposerStrip):
    """Hidden until show_for. Signals: cancelled() — ✕ was clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            "reply", parent, cancel_tooltip="Cancel the reply (Esc)", cancel_name="Cancel the reply"
        )
        self.snippet.setAccessibleName("Message being replied to")

    def show_for(self, sender_name: str, snippet: str | None, deleted: bool = False) -> None:
        """Plain text only (ElidedLabel): a name or message from the network is never read as markup."""
        font = QFont(self.snippet.font())
        font.setItalic(deleted)
        self.snippet.setFont(font)
        self.show_lines(f"Reply to {sender_name}", quote_line(snippet, deleted))
