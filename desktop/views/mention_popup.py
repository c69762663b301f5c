"""The members to mention, offered under the composer when "@" is typed in a group: ↑/↓ choose, Enter or Tab
inserts "@username ", Esc closes; the keyboard stays in the composer all along (the list takes no focus)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, cast

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt
from PySide6.QtGui import QIcon, QKeyEvent, QPixmap, QTextCursor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QPlainTextEdit, QWidget

from desktop.models.mention_text import typed_mention

MAX_SHOWN = 6  # rows in sight; more scroll


class MentionCandidate(NamedTuple):
    user_id: int
    display_name: str
    username: str
    avatar: QPixmap | None = None


class MentionPopup(QListWidget):
    """Watches ``edit``; ``candidates()`` gives the open group's other members (none outside a group)."""

    def __init__(
        self, edit: QPlainTextEdit, candidates: Callable[[], list[MentionCandidate]], parent: QWidget
    ) -> None:
        """``parent``: an ancestor of ``edit`` with room above it (the chat panel), where the list floats."""
        super().__init__(parent)
        self.text_edit = edit
        self.candidates = candidates
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName("Members to mention")
        self.setIconSize(QSize(24, 24))
        self.setUniformItemSizes(True)
        self.hide()
        self._dismissed: int | None = None  # where the "@" stands whose list Esc closed
        edit.installEventFilter(self)
        edit.textChanged.connect(self.refresh)
        edit.cursorPositionChanged.connect(self.refresh)
        self.itemClicked.connect(self._insert)

    def _query(self) -> str | None:
        cursor = self.text_edit.textCursor()
        if cursor.hasSelection():
            return None
        block = cursor.block()
        return typed_mention(block.text()[: cursor.positionInBlock()])

    def _at_position(self, query: str) -> int:
        return self.text_edit.textCursor().position() - len(query) - 1

    def refresh(self) -> None:
        """After each change of the text or the cursor: the members whose name or username starts so."""
        query = self._query()
        if query is None:
            self._dismissed = None  # out of that mention (or its "@" is gone): the next "@" offers again
        if query is None or not self.text_edit.hasFocus() or self._at_position(query) == self._dismissed:
            self.hide()
            return
        needle = query.casefold()
        found = [
            c
            for c in self.candidates()
            if c.username.casefold().startswith(needle)
            or any(word.casefold().startswith(needle) for word in c.display_name.split())
        ]
        if not found:
            self.hide()
            return
        self.clear()
        for candidate in found:
            item = QListWidgetItem(f"{candidate.display_name}  @{candidate.username}", self)
            item.setData(Qt.ItemDataRole.UserRole, candidate.username)
            if candidate.avatar is not None:
                icon = QIcon(candidate.avatar)
                icon.addPixmap(candidate.avatar, QIcon.Mode.Selected)
                item.setIcon(icon)
        self.setCurrentRow(0)
        self._place(len(found))
        self.show()
        self.raise_()

    def _place(self, rows: int) -> None:
        """Right above the composer's text, as wide as it (at most 360 px)."""
        row_height = max(self.sizeHintForRow(0), 28) + 2 * self.spacing()
        height = min(rows, MAX_SHOWN) * row_height + 2 * self.frameWidth()
        width = min(self.text_edit.width(), 360)
        top_left = self.text_edit.mapTo(cast(QWidget, self.parentWidget()), QPoint(0, 0))
        self.setGeometry(top_left.x(), max(0, top_left.y() - height - 2), width, height)

    def username(self) -> str | None:
        item = self.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def _insert(self, item: QListWidgetItem | None = None) -> None:
        if item is not None:
            self.setCurrentItem(item)
        username, query = self.username(), self._query()
        self.hide()
        if username is None or query is None:
            return
        cursor = self.text_edit.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(query) + 1)
        cursor.insertText(f"@{username} ")  # plain text, as everything in the composer
        self.text_edit.setTextCursor(cursor)
        self.text_edit.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.text_edit or not self.isVisible():
            if event.type() == QEvent.Type.FocusOut and watched is self.text_edit:
                self.hide()
            return super().eventFilter(watched, event)
        kind = event.type()
        if kind == QEvent.Type.FocusOut:
            self.hide()
            return False
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        key = cast(QKeyEvent, event).key()
        taken = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab)
        if key not in (*taken, Qt.Key.Key_Escape):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # Esc and the rest come here as key presses, not as the window's shortcuts
            return True
        if key == Qt.Key.Key_Escape:
            query = self._query()
            self._dismissed = self._at_position(query) if query is not None else None
            self.hide()
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
            self.setCurrentRow(max(0, min(self.count() - 1, row)))
        else:
            self._insert()
        return True
