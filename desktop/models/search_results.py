"""Global search results for the list beside the chat: a header row per conversation, then its hits."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.domain.records import Conversation
from desktop.domain.search_hits import SearchHit
from desktop.models.file_labels import one_line
from desktop.models.search_snippets import snippet, to_utf16
from desktop.models.time_labels import day_label

AnyIndex = QModelIndex | QPersistentModelIndex


class SearchRole(IntEnum):
    IS_HEADER = int(Qt.ItemDataRole.UserRole) + 1  # a conversation's title above its hits
    SENDER = int(Qt.ItemDataRole.UserRole) + 2
    DATE = int(Qt.ItemDataRole.UserRole) + 3
    RANGES = int(Qt.ItemDataRole.UserRole) + 4  # the snippet's hits, UTF-16 [start, end) pairs
    CONVERSATION_ID = int(Qt.ItemDataRole.UserRole) + 5
    SEQ = int(Qt.ItemDataRole.UserRole) + 6


class SearchResultsModel(QAbstractListModel):
    """Rows: for each conversation with hits (the one with the newest hit first) its title, then its hits
    newest first; DisplayRole is the title or the snippet, all plain text."""

    def __init__(self, my_id: int, conversation: Callable[[int], Conversation | None], parent=None) -> None:
        super().__init__(parent)
        self.my_id = my_id
        self._conversation = conversation
        self.query = ""
        self._rows: list[dict[int, Any]] = []
        self.hit_count = 0

    def set_results(self, query: str, hits: list[SearchHit]) -> None:
        groups: dict[int, list[SearchHit]] = {}
        for hit in hits:  # newest first: so are the groups, by their newest hit
            groups.setdefault(hit.message.conversation_id, []).append(hit)
        rows: list[dict[int, Any]] = []
        for conversation_id, found in groups.items():
            conversation = self._conversation(conversation_id)
            title = conversation.display_title(self.my_id) if conversation else "Conversation"
            rows.append({SearchRole.IS_HEADER: True, Qt.ItemDataRole.DisplayRole: title})
            for hit in found:
                message = hit.message
                text = message.text or one_line(None, message.attachments)
                shown, ranges = snippet(text, hit.ranges if message.text else [])
                if message.sender_id == self.my_id:
                    sender = "You"
                else:
                    sender = conversation.member_name(message.sender_id) if conversation else ""
                rows.append(
                    {
                        SearchRole.IS_HEADER: False,
                        Qt.ItemDataRole.DisplayRole: shown,
                        SearchRole.SENDER: sender,
                        SearchRole.DATE: day_label(message.local_time.date()),
                        SearchRole.RANGES: to_utf16(shown, ranges),
                        SearchRole.CONVERSATION_ID: conversation_id,
                        SearchRole.SEQ: message.confirmed_seq,
                        Qt.ItemDataRole.AccessibleTextRole: f"{sender}, {title}: {shown}",
                    }
                )
        self.beginResetModel()
        self.query = query
        self._rows = rows
        self.hit_count = len(hits)
        self.endResetModel()

    def clear(self) -> None:
        self.set_results("", [])

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()][SearchRole.IS_HEADER]:
            return Qt.ItemFlag.ItemIsEnabled  # a title: not a stop for the keyboard
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()].get(role)

    def first_hit_row(self) -> int | None:
        return next((r for r, row in enumerate(self._rows) if not row[SearchRole.IS_HEADER]), None)
