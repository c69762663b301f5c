"""The conversation list: a row per conversation (preview, time, unread count); a proxy sorts and filters."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)

from desktop.domain.records import Conversation, MemberState, Message
from desktop.models.file_labels import one_line
from desktop.models.header_text import typing_text
from desktop.models.plain_text import plain_tooltip
from desktop.models.presence_book import PresenceBook
from desktop.models.roles import ConversationRole
from desktop.models.time_labels import list_time
from desktop.models.typing_book import TypingBook

AnyIndex = QModelIndex | QPersistentModelIndex


HIDDEN_PREVIEW = "Message from a blocked person"


def preview_text(conversation: Conversation, my_id: int, hidden: set[int] | frozenset = frozenset()) -> str:
    """``hidden``: people I blocked with hide_in_groups, whose group messages are collapsed."""
    message = conversation.last_message
    if message is None:
        return "No messages yet"
    text = "Message deleted" if message.deleted else one_line(message.text, message.attachments)
    if conversation.kind == "group" and message.sender_id in hidden and not message.deleted:
        text = HIDDEN_PREVIEW
    if message.sender_id == my_id:
        return f"You: {text}"
    if conversation.kind == "group":
        return f"{conversation.member_name(message.sender_id)}: {text}"
    return text


class ConversationListModel(QAbstractListModel):
    """Signals: total_unread_changed(int)."""

    total_unread_changed = Signal(int)

    def __init__(self, my_id: int = 0, parent=None) -> None:
        super().__init__(parent)
        self.my_id = my_id
        self._rows: list[Conversation] = []
        self.presence: PresenceBook | None = None
        self.typing: TypingBook | None = None
        self.hidden_senders: set[int] = set()  # blocked with hide_in_groups: previews collapse them
        self.drafts: dict[int, str] = {}  # conversation id → its draft's one line, shown as "Draft: …"

    def attach_live(self, presence: PresenceBook, typing: TypingBook) -> None:
        """Rows show the other person's presence (1:1s) and who is typing, kept live from these stores."""
        self.presence, self.typing = presence, typing
        presence.changed.connect(self._on_presence_changed)
        presence.reset.connect(self._on_presence_reset)
        typing.changed.connect(self._on_typing_changed)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        conversation = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return conversation.display_title(self.my_id)
        if role == ConversationRole.ID:
            return conversation.id
        if role == ConversationRole.PREVIEW:
            return preview_text(conversation, self.my_id, self.hidden_senders)
        if role == ConversationRole.TIME_LABEL:
            return list_time(conversation.last_activity_at)
        if role == ConversationRole.UNREAD:
            return conversation.unread_count
        if role == ConversationRole.UNREAD_MENTIONS:
            return conversation.unread_mentions if conversation.unread_count else 0
        if role == ConversationRole.ACTIVITY:
            moment = conversation.last_activity_at
            return moment.timestamp() if moment else 0.0
        if role == ConversationRole.KIND:
            return conversation.kind
        if role == ConversationRole.PINNED:
            return conversation.me.pinned_at is not None
        if role == ConversationRole.MUTED:
            return conversation.me.muted
        if role == ConversationRole.MARKED_UNREAD:
            return conversation.me.marked_unread
        if role == ConversationRole.SORT_KEY:
            pinned, moment = conversation.me.pinned_at, conversation.last_activity_at
            return (pinned.timestamp() if pinned else 0.0, moment.timestamp() if moment else 0.0)
        if role == ConversationRole.CONVERSATION:
            return conversation
        if role == ConversationRole.PRESENCE:
            return self.presence_state(conversation)
        if role == ConversationRole.TYPING:
            return self.typing_text(conversation.id)
        if role == ConversationRole.DRAFT:
            return self.drafts.get(conversation.id, "")
        if role == ConversationRole.AVATAR_KEY:
            return conversation.avatar_key(self.my_id)
        if role == ConversationRole.MEMBER_NAMES:
            return ", ".join(m.display_name for m in conversation.members)
        if role == Qt.ItemDataRole.ToolTipRole:  # members' names, shown exactly as they chose them
            return plain_tooltip(", ".join(m.display_name for m in conversation.members))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            unread = f", {conversation.unread_count} unread" if conversation.unread_count else ""
            unread += ", mentioned" if conversation.unread_mentions and conversation.unread_count else ""
            if not unread and conversation.me.marked_unread:
                unread = ", marked as unread"
            unread += ", pinned" if conversation.me.pinned_at else ""
            unread += ", muted" if conversation.me.muted else ""
            presence = self.presence_state(conversation)
            status = f" ({presence})" if presence else ""
            draft = self.drafts.get(conversation.id, "")
            line = (
                self.typing_text(conversation.id)
                or (f"Draft: {draft}" if draft else "")
                or preview_text(conversation, self.my_id, self.hidden_senders)
            )
            return f"{conversation.display_title(self.my_id)}{status}{unread}: {line}"
        return None

    def set_hidden_senders(self, user_ids: set[int]) -> None:
        self.hidden_senders = set(user_ids)
        for row, conversation in enumerate(self._rows):
            if conversation.kind == "group":
                self._changed(row, [ConversationRole.PREVIEW, Qt.ItemDataRole.AccessibleTextRole])

    def set_draft(self, conversation_id: int, line: str) -> None:
        """The list shows "Draft: ``line``" under the conversation; "" shows its last message again."""
        if line:
            self.drafts[conversation_id] = line
        else:
            self.drafts.pop(conversation_id, None)
        row = self._row_of(conversation_id)
        if row is not None:
            self._changed(row, [ConversationRole.DRAFT, Qt.ItemDataRole.AccessibleTextRole])

    # presence and typing
    def presence_state(self, conversation: Conversation) -> str:
        if self.presence is None or conversation.kind != "direct":
            return ""
        other = conversation.other_member(self.my_id)
        presence = self.presence.get(other.user_id) if other is not None else None
        return presence.state if presence is not None else ""

    def typing_text(self, conversation_id: int) -> str:
        if self.typing is None:
            return ""
        user_ids = self.typing.typists(conversation_id)
        if not user_ids:
            return ""
        conversation = self.get(conversation_id)
        if conversation is None:
            return ""
        return typing_text([conversation.member_name(user_id) for user_id in user_ids])

    def _on_presence_changed(self, user_id: int) -> None:
        for row, conversation in enumerate(self._rows):
            if conversation.kind == "direct" and any(m.user_id == user_id for m in conversation.members):
                self._changed(row, [ConversationRole.PRESENCE, Qt.ItemDataRole.AccessibleTextRole])

    def _on_presence_reset(self) -> None:
        if self._rows:
            roles = [ConversationRole.PRESENCE, Qt.ItemDataRole.AccessibleTextRole]
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [int(r) for r in roles])

    def _on_typing_changed(self, conversation_id: int) -> None:
        row = self._row_of(conversation_id)
        if row is not None:
            self._changed(row, [ConversationRole.TYPING, Qt.ItemDataRole.AccessibleTextRole])

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in ConversationRole})
        return names

    # changes
    def reset(self, conversations: list[Conversation]) -> None:
        self.beginResetModel()
        self._rows = list(conversations)
        self.endResetModel()
        self.total_unread_changed.emit(self.total_unread())

    def _row_of(self, conversation_id: int) -> int | None:
        for row, conversation in enumerate(self._rows):
            if conversation.id == conversation_id:
                return row
        return None

    def get(self, conversation_id: int) -> Conversation | None:
        row = self._row_of(conversation_id)
        return self._rows[row] if row is not None else None

    def all(self) -> list[Conversation]:
        return list(self._rows)

    def upsert(self, conversation: Conversation) -> None:
        row = self._row_of(conversation.id)
        if row is None:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(conversation)
            self.endInsertRows()
        else:
            self._rows[row] = conversation
            self._changed(row)
        self.total_unread_changed.emit(self.total_unread())

    def remove(self, conversation_id: int) -> None:
        row = self._row_of(conversation_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self.total_unread_changed.emit(self.total_unread())

    def apply_message(self, message: Message, *, counts_as_unread: bool) -> Conversation | None:
        """A new or changed message: preview, time and (for others' new ones) the unread count follow it."""
        row = self._row_of(message.conversation_id)
        if row is None:
            return None
        conversation = self._rows[row]
        seq = message.seq
        is_new = seq is not None and seq > conversation.last_seq
        latest = conversation.last_message
        if is_new or latest is None or (latest.seq is not None and latest.seq == seq):
            conversation.last_message = message
        if seq is not None and is_new:
            conversation.last_seq = seq
            if conversation.last_activity_at is None or message.created_at > conversation.last_activity_at:
                conversation.last_activity_at = message.created_at
            if message.sender_id == self.my_id:
                conversation.last_read_seq = seq
            elif counts_as_unread:
                conversation.unread_count += 1
                conversation.unread_mentions += self.my_id in message.mentions
        self._changed(row)
        self.total_unread_changed.emit(self.total_unread())
        return conversation

    def set_member_read(self, conversation_id: int, user_id: int, seq: int) -> Conversation | None:
        """Someone's read position moved (a `read` event): the conversation if it changed, else None."""
        conversation = self.get(conversation_id)
        if conversation is None or not conversation.set_member_read(user_id, seq):
            return None
        return conversation

    def apply_user(self, user: dict) -> list[Conversation]:
        """A `user.updated` event: every conversation they are in repaints; those are returned."""
        changed = []
        for row, conversation in enumerate(self._rows):
            if conversation.set_member_user(user):
                changed.append(conversation)
                self._changed(row)
        return changed

    def set_read(self, conversation_id: int, last_read_seq: int, unread_count: int) -> None:
        row = self._row_of(conversation_id)
        if row is None:
            return
        conversation = self._rows[row]
        conversation.last_read_seq = max(conversation.last_read_seq, last_read_seq)
        conversation.set_member_read(self.my_id, last_read_seq)
        conversation.unread_count = unread_count
        # Read to the end: no mention is left unread; part of the way: at most as many as are left.
        conversation.unread_mentions = min(conversation.unread_mentions, unread_count)
        self._changed(row)
        self.total_unread_changed.emit(self.total_unread())

    def set_member_state(self, conversation_id: int, me: MemberState) -> Conversation | None:
        """My pin, mute, marked-unread or hidden state changed (here or on another device of mine)."""
        row = self._row_of(conversation_id)
        if row is None:
            return None
        conversation = self._rows[row]
        conversation.me = me
        conversation.raw["me"] = me.to_json()
        self._changed(row)
        self.total_unread_changed.emit(self.total_unread())
        return conversation

    def _changed(self, row: int, roles: list | None = None) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index, [int(r) for r in roles or []])

    def total_unread(self) -> int:
        """For the window title and the tray: muted and hidden conversations do not count; one marked
        as unread by hand counts as one."""
        return sum(
            max(c.unread_count, 1 if c.me.marked_unread else 0)
            for c in self._rows
            if not c.me.muted and not c.hidden
        )


class ConversationFilterModel(QSortFilterProxyModel):
    """Pinned first (the newest pin on top), then most recent activity; conversations deleted for me are
    left out; the filter box matches titles and names, ignoring case."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(ConversationRole.SORT_KEY)
        self.setDynamicSortFilter(True)
        self.sort(0, Qt.SortOrder.DescendingOrder)
        self._needle = ""

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        return left.data(ConversationRole.SORT_KEY) < right.data(ConversationRole.SORT_KEY)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        index = self.sourceModel().index(source_row, 0, source_parent)
        conversation = index.data(ConversationRole.CONVERSATION)
        if isinstance(conversation, Conversation) and conversation.hidden:
            return False
        needle = self._needle
        if not needle:
            return True
        haystack = " ".join(
            str(index.data(role) or "")
            for role in (Qt.ItemDataRole.DisplayRole, ConversationRole.MEMBER_NAMES)
        )
        return needle.casefold() in haystack.casefold()

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip()
        self.endFilterChange()
