"""The composer's emoji button (and Ctrl+E): opens the emoji picker above itself and types the chosen
emoji at the text cursor, replacing a selection, as typing it would."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from desktop.views.emoji_picker import EmojiPicker, RecentEmoji
from desktop.views.shortcuts import EMOJI, shown_keys
from desktop.views.symbols import IconButton


class EmojiButton(IconButton):
    """``recent`` is the picker's recently used list (the session points it at the settings)."""

    def __init__(self, target: QPlainTextEdit, parent: QWidget) -> None:
        super().__init__("emoji", f"Emoji ({shown_keys(EMOJI)})", "Insert an emoji", parent)
        self.target = target
        self.recent = RecentEmoji()
        self.picker: EmojiPicker | None = None
        self.clicked.connect(self.open_picker)
        shortcut = QShortcut(QKeySequence(EMOJI), parent)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # while in the composer
        shortcut.activated.connect(self.open_picker)

    def open_picker(self) -> EmojiPicker | None:
        if not self.isEnabled():
            return None
        picker = EmojiPicker(self.recent, self.window(), title="Insert an emoji")
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.chosen.connect(self._insert)
        picker.destroyed.connect(lambda: setattr(self, "picker", None))
        self.picker = picker
        picker.popup_at(self.mapToGlobal(QPoint(self.width(), 0)), right_aligned=True)  # over the composer
        return picker

    def _insert(self, emoji: str) -> None:
        self.target.insertPlainText(emoji)  # at the cursor; a selection is replaced
        self.target.setFocus(Qt.FocusReason.OtherFocusReason)
