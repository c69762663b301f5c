"""The open conversation's messages for the chat view: confirmed ones by seq, then the ones still sending."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.domain.attachments import Attachment
from desktop.domain.coverage import HistoryRun
from desktop.domain.records import FAILED, SENDING, SENT, Message
from desktop.domain.send_limits import SendLimits
from desktop.models import unread_anchor
from desktop.models.file_labels import summary
from desktop.models.plain_text import plain_tooltip
from desktop.models.reactions_text import Quote, ReactionChip, chips_of, quote_of
from desktop.models.roles import MessageRole
from desktop.models.time_labels import clock_time, day_label, full_time

DELETED_TEXT = "This message was deleted"
HIDDEN_TEXT = "Message from a blocked person"
PAGE = 50  # rows per page loaded while scrolling: measuring a row's text is most of a step's cost
WINDOW_ROWS = 600  # confirmed rows held at most: scrolling on releases rows at the far end
PageLoader = Callable[[int, int], HistoryRun]  # (before or after this seq, how many) -> a cached run
OlderLoader = PageLoader
AnyIndex = QModelIndex | QPersistentModelIndex


def files_layout_key(attachments: list[Attachment]) -> tuple:
    """Everything about a message's files that its bubble's size depends on (for the delegate's cache)."""
    return tuple((a.id, a.kind, a.name, a.size, a.thumb_width, a.thumb_height) for a in attachments)


class MessageListModel(QAbstractListModel):
    """Rows: a window of confirmed messages ascending by seq (unbroken), then pending ones in the order they
    were written.

    The window holds at most ``max_rows`` confirmed messages: older history comes in through ``fetchMore``,
    newer through ``fetch_newer`` when it does not reach the newest message (after a jump), each from the
    local cache via a loader and, where the cache has no more, through ``older_wanted_from_server`` /
    ``newer_wanted_from_server``; rows at the other end are released as pages come in. ``show_window`` moves
    the window (a jump) and says so with ``window_moved(seq)``.

    My confirmed messages carry "seen" (1:1) or "seen by N" (groups) from the other members' read positions;
    in groups, messages from people I blocked with hide_in_groups are collapsed until revealed.

    Signals: older_wanted_from_server(int before_seq), newer_wanted_from_server(int after_seq),
    window_moved(int seq) — the rows are a new window around ``seq`` (the view scrolls there),
    at_newest_changed(bool), first_unread_found() — the first page of a conversation opened with nothing
    loaded brought its first unread message (the view goes there).
    """

    older_wanted_from_server = Signal(int)
    newer_wanted_from_server = Signal(int)
    window_moved = Signal(int)
    at_newest_changed = Signal(bool)
    first_unread_found = Signal()

    def __init__(self, my_id: int = 0, parent=None) -> None:
        super().__init__(parent)
        self.my_id = my_id
        self.limits = SendLimits()  # the server's (the controller sets them): can a failed send go again
        self.conversation_id: int | None = None
        self.is_group = False
        self._names: dict[int, str] = {}
        self._rows: list[Message] = []
        self._seqs: list[int] = []  # seqs of the confirmed rows, for bisect
        self._older_loader: OlderLoader | None = None
        self._fetch_armed = False
        self._waiting_for_server = False
        self._newer_loader: PageLoader | None = None
        self._waiting_for_newer = False
        self._start_reached = False  # the server said nothing lies before the oldest row
        self._latest: Callable[[], int] = lambda: 0  # the conversation's newest seq as last heard
        self.at_newest = True  # the window reaches the newest message: live ones are appended
        self.page_size = PAGE
        self.max_rows = WINDOW_ROWS
        self._read_positions: dict[int, int] = {}  # the other members' last_read_seq
        self._hidden_senders: set[int] = set()
        self._revealed: set[str] = set()  # client_ids of hidden messages the user chose to see
        self._uploads: dict[str, tuple[int, float]] = {}  # client_id -> (file index, fraction) uploading
        self._unread_after: int | None = None  # my read position when the conversation opened, if unread
        self._divider_seq: int | None = None  # the first unread message: "Unread messages" above it
        self.opening = False  # show_conversation's rows, not yet placed by the view (not a jump's window)
        self.my_username = ""  # mentions of me are marked in the bubble
        # Names of people outside the open conversation (a forward's first sender): the controller's.
        self.name_elsewhere: Callable[[int], str | None] = lambda _user_id: None

    # setup
    def show_conversation(
        self,
        conversation_id: int,
        *,
        is_group: bool,
        names: dict[int, str],
        confirmed: list[Message],
        pending: Iterable[Message] = (),
        older_loader: OlderLoader | None = None,
        newer_loader: PageLoader | None = None,
        latest: Callable[[], int] | None = None,
        read_positions: dict[int, int] | None = None,
        hidden_senders: Iterable[int] = (),
        unread_after: int | None = None,
    ) -> None:
        """``unread_after``: my last_read_seq when there is something unread (the divider goes after it)."""
        self._newer_loader = newer_loader
        self._latest = latest or (lambda: 0)
        self._waiting_for_newer = self._start_reached = False
        self._set_at_newest(True)
        self.beginResetModel()
        self.conversation_id = conversation_id
        self.is_group = is_group
        self._names = dict(names)
        self._read_positions = dict(read_positions or {})
        self._hidden_senders = set(hidden_senders)
        self._revealed = set()
        self._rows = sorted(confirmed, key=lambda m: m.confirmed_seq) + list(pending)
        self._seqs = [m.seq for m in self._rows if m.seq is not None]
        self._older_loader = older_loader
        self._waiting_for_server = False
        self._unread_after = unread_after
        self._divider_seq = unread_anchor.first_unread_seq(self._rows, self._seqs, unread_after, self.my_id)
        self.opening = True
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self.conversation_id = None
        self._rows, self._seqs = [], []
        self._older_loader = self._newer_loader = None
        self._unread_after = self._divider_seq = None
        self.opening = False
        self._set_at_newest(True)
        self.endResetModel()

    def show_window(self, confirmed: list[Message], target_seq: int | None = None) -> None:
        """The same conversation, another unbroken run of its history (a jump, or back to the newest when
        ``target_seq`` is None); the messages still sending stay at the end."""
        pending = self._rows[len(self._seqs) :]
        self.beginResetModel()
        self._rows = sorted(confirmed, key=lambda m: m.confirmed_seq)[-self.max_rows :] + pending
        self._seqs = [m.confirmed_seq for m in self._rows[: len(self._rows) - len(pending)]]
        self._waiting_for_server = self._waiting_for_newer = self._start_reached = False
        newest = self._seqs[-1] if self._seqs else 0
        self._set_at_newest(target_seq is None or newest >= self._latest())
        self._divider_seq = unread_anchor.first_unread_seq(
            self._rows, self._seqs, self._unread_after, self.my_id
        )
        self.opening = False  # the view goes where the jump says
        self.endResetModel()
        if target_seq is not None:
            self.window_moved.emit(target_seq)

    def point_at(self, seq: int) -> None:
        """The message is in the window already: the view scrolls there as after a jump."""
        if self.row_of_seq(seq) is not None:
            self.window_moved.emit(seq)

    def _set_at_newest(self, value: bool) -> None:
        if value != self.at_newest:
            self.at_newest = value
            self.at_newest_changed.emit(value)

    def names(self) -> dict[int, str]:
        return dict(self._names)

    def set_names(self, names: dict[int, str]) -> None:
        self._names = dict(names)
        for message in self._rows:
            message.layout_key = None
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [MessageRole.SENDER_NAME])

    # Qt model API
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = index.row()
        message = self._rows[row]
        if role == MessageRole.LAYOUT_KEY:
            # Asked for every row on each relayout (so asked first): kept on the message until it or its
            # neighbour changes.
            if message.layout_key is None:
                message.layout_key = (
                    message.client_id,
                    hash(message.text),
                    message.deleted,
                    message.edited_at is not None,
                    message.state,
                    message.error if message.state == FAILED else None,  # its reason shows in the bubble
                    message.seq is not None and message.seq == self._divider_seq,
                    self._day_label(row),
                    self._sender_label(row),
                    message.sender_id == self.my_id,
                    self._seen_label(message),
                    self._is_hidden(message),
                    files_layout_key(message.attachments),
                    self._quote(message),
                    self._forward_label(message),
                    tuple(self._chips(message)),
                    self._grouping(row),
                )
            return message.layout_key
        if role == Qt.ItemDataRole.DisplayRole:
            if message.deleted:
                return DELETED_TEXT
            return HIDDEN_TEXT if self._is_hidden(message) else (message.text or "")
        if role == MessageRole.MESSAGE:
            return message
        if role == MessageRole.IS_MINE:
            return message.sender_id == self.my_id
        if role == MessageRole.SENDER_NAME:
            return self._sender_label(row)
        if role == MessageRole.DAY_LABEL:
            return self._day_label(row)
        if role == MessageRole.GROUPING:
            return self._grouping(row)
        if role == MessageRole.TIME_LABEL:
            return clock_time(message.created_at)
        if role == MessageRole.STATE:
            return message.state
        if role == MessageRole.EDITED:
            return message.edited_at is not None and not message.deleted
        if role == MessageRole.DELETED:
            return message.deleted
        if role == MessageRole.SEQ:
            return message.seq
        if role == MessageRole.CLIENT_ID:
            return message.client_id
        if role == MessageRole.ERROR:
            return message.error
        if role == MessageRole.UNREAD_DIVIDER:
            return message.seq is not None and message.seq == self._divider_seq
        if role == MessageRole.RETRYABLE:  # asked now, not when it failed: the user may have fixed the file
            return message.state == FAILED and self.limits.retry_can_succeed(
                [a.local_path for a in message.attachments]
            )
        if role == MessageRole.SEEN:
            return self._seen_label(message)
        if role == MessageRole.HIDDEN:
            return self._is_hidden(message)
        if role == MessageRole.QUOTE:
            return self._quote(message)
        if role == MessageRole.REACTIONS:
            return self._chips(message)
        if role == MessageRole.FORWARD_LABEL:
            return self._forward_label(message)
        if role == MessageRole.MENTION_NAME:
            mentioned = (
                self.my_id in message.mentions and not message.deleted and not self._is_hidden(message)
            )
            return self.my_username if mentioned else ""
        if role == MessageRole.ATTACHMENTS:
            return [] if message.deleted or self._is_hidden(message) else message.attachments
        if role == MessageRole.UPLOAD_PROGRESS:
            return self._uploads.get(message.client_id) if message.seq is None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = full_time(message.created_at)
            return plain_tooltip(
                f"{tip}\n{message.error}" if message.error else tip
            )  # the error may quote the server
        if role == Qt.ItemDataRole.AccessibleTextRole:
            who = "You" if message.sender_id == self.my_id else self._names.get(message.sender_id, "")
            files = f" {summary(message.attachments)}" if message.attachments and not message.deleted else ""
            return f"{who}, {clock_time(message.created_at)}: {self.data(index)}{files}"
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        names.update({int(role): QByteArray(role.name.lower().encode()) for role in MessageRole})
        return names

    # read receipts and hidden senders
    def _seen_label(self, message: Message) -> str:
        if message.sender_id != self.my_id or message.seq is None or message.deleted:
            return ""
        count = sum(1 for position in self._read_positions.values() if position >= message.seq)
        if not count:
            return ""
        return f"seen by {count}" if self.is_group else "seen"

    def _quote(self, message: Message) -> Quote | None:
        return None if self._is_hidden(message) else quote_of(message, self._names, self.my_id)

    def _forward_label(self, message: Message) -> str:
        if message.forwarded_from is None or message.deleted or self._is_hidden(message):
            return ""
        sender = message.forwarded_from
        name = "you" if sender == self.my_id else self._names.get(sender) or self.name_elsewhere(sender)
        return f"Forwarded from {name}" if sender and name else "Forwarded"

    def _chips(self, message: Message) -> list[ReactionChip]:
        return [] if self._is_hidden(message) else chips_of(message, self._names, self.my_id)

    def _is_hidden(self, message: Message) -> bool:
        return (
            self.is_group
            and message.sender_id in self._hidden_senders
            and not message.deleted
            and message.client_id not in self._revealed
        )

    def set_read_positions(self, positions: dict[int, int]) -> None:
        """The other members' read positions; only rows whose "seen" may have changed are refreshed."""
        old, new = self._read_positions, dict(positions)
        self._read_positions = new
        pairs = [(old.get(user, 0), new.get(user, 0)) for user in old.keys() | new.keys()]
        moved = [(a, b) for a, b in pairs if a != b]
        if not moved or not self._seqs:
            return
        low = min(min(a, b) for a, b in moved)  # rows with seq in (low, high] may read differently now
        high = max(max(a, b) for a, b in moved)
        first = bisect.bisect_right(self._seqs, low)
        last = bisect.bisect_right(self._seqs, high) - 1
        changed = [row for row in range(first, last + 1) if self._rows[row].sender_id == self.my_id]
        for row in changed:
            self._rows[row].layout_key = None
        if changed:
            self.dataChanged.emit(self.index(changed[0]), self.index(changed[-1]))

    def set_hidden_senders(self, user_ids: Iterable[int]) -> None:
        new = set(user_ids)
        flipped = new ^ self._hidden_senders
        self._hidden_senders = new
        if not flipped or not self.is_group:
            return
        for row, message in enumerate(self._rows):
            if message.sender_id in flipped:
                self._refresh_row(row)

    def reveal(self, row: int) -> None:
        """Show one collapsed message from a blocked person."""
        message = self.message_at(row)
        if message is not None and self._is_hidden(message):
            self._revealed.add(message.client_id)
            self._refresh_row(row)

    def _previous(self, row: int) -> Message | None:
        return self._rows[row - 1] if row > 0 else None

    def _day_label(self, row: int) -> str:
        message, previous = self._rows[row], self._previous(row)
        day = message.local_time.date()
        if previous is not None and previous.local_time.date() == day:
            return ""
        return day_label(day)

    def _grouping(self, row: int) -> tuple[bool, bool]:
        """Whether the row joins the one above and the one below (bubbles drawn as one group)."""
        return (
            row > 0 and _joins(self._rows[row - 1], self._rows[row]),
            row + 1 < len(self._rows) and _joins(self._rows[row], self._rows[row + 1]),
        )

    def _sender_label(self, row: int) -> str:
        message, previous = self._rows[row], self._previous(row)
        if not self.is_group or message.sender_id == self.my_id:
            return ""
        if (
            previous is not None
            and previous.sender_id == message.sender_id
            and previous.local_time.date() == message.local_time.date()
        ):
            return ""
        return self._names.get(message.sender_id, "Former member")

    # older history
    def set_older_wanted(self, wanted: bool) -> None:
        """The chat view arms fetching only while its top is in sight: Qt itself asks for more whenever the
        *last* row is visible, which in a chat is nearly always."""
        self._fetch_armed = wanted

    def oldest_seq(self) -> int | None:
        return self._seqs[0] if self._seqs else None

    def newest_seq(self) -> int | None:
        return self._seqs[-1] if self._seqs else None

    def has_older(self) -> bool:
        """Older history than the first row exists (seqs start at 1), in the cache or on the server."""
        oldest = self.oldest_seq()
        return oldest is not None and oldest > 1 and not self._start_reached

    def canFetchMore(self, parent: AnyIndex) -> bool:
        if parent.isValid() or not self._fetch_armed or self._waiting_for_server:
            return False
        return self.has_older()

    def fetchMore(self, parent: AnyIndex) -> None:
        oldest = self.oldest_seq()
        if not self.canFetchMore(parent) or oldest is None:  # canFetchMore means rows with seqs
            return
        run = self._older_loader(oldest, self.page_size) if self._older_loader else HistoryRun([], oldest)
        if run.messages or run.edge == 1:  # edge 1: the cache knows nothing older is there for me
            self.prepend_older(run.messages, reached_start=run.edge == 1)
        else:
            self._waiting_for_server = True
            self.older_wanted_from_server.emit(oldest)

    def prepend_older(self, messages: list[Message], *, reached_start: bool = False) -> None:
        """A page of history just before the oldest row (from the cache or the server); ``reached_start``:
        the server has nothing before it (the first messages may be ones I deleted for me)."""
        self._waiting_for_server = False
        self._start_reached = reached_start
        oldest = self.oldest_seq()
        older = sorted(
            (m for m in messages if oldest is None or m.confirmed_seq < oldest), key=lambda m: m.confirmed_seq
        )
        if not older:
            return
        self.beginInsertRows(QModelIndex(), 0, len(older) - 1)
        self._rows[0:0] = older
        self._seqs[0:0] = [m.confirmed_seq for m in older]
        self.endInsertRows()
        self._refresh_row(len(older))
        excess = len(self._seqs) - self.max_rows
        if excess > 0:  # the newest rows, far below the reader, are released
            last = len(self._seqs) - 1
            self.beginRemoveRows(QModelIndex(), last - excess + 1, last)
            del self._rows[last - excess + 1 : last + 1]
            del self._seqs[last - excess + 1 :]
            self.endRemoveRows()
            self._set_at_newest(False)
        self._place_divider()

    def older_unavailable(self) -> None:
        """The server could not be asked (offline): allow another try later."""
        self._waiting_for_server = False

    # newer history (the window does not reach the newest message)
    def fetch_newer(self) -> None:
        """The view is near the window's end: the next page after it, from the cache, else the server."""
        newest = self.newest_seq()
        if self.at_newest or self._waiting_for_newer or newest is None:
            return
        run = self._newer_loader(newest, self.page_size) if self._newer_loader else HistoryRun([], newest)
        # Known up to the newest seq: the last ones are not for me (deleted for me), nothing to ask for.
        reached_end = run.edge > newest and run.edge >= self._latest()
        if run.messages or reached_end:
            self.append_newer(run.messages, reached_end=reached_end)
        else:
            self._waiting_for_newer = True
            self.newer_wanted_from_server.emit(newest)

    def append_newer(self, messages: list[Message], *, reached_end: bool = False) -> None:
        """A page just after the window's newest row; ``reached_end``: the server has nothing after it."""
        self._waiting_for_newer = False
        newest = self.newest_seq()
        if newest is None:
            return
        newer = sorted((m for m in messages if m.confirmed_seq > newest), key=lambda m: m.confirmed_seq)
        if newer:  # right after the window (a server page skips what I deleted for me)
            first = len(self._seqs)
            self.beginInsertRows(QModelIndex(), first, first + len(newer) - 1)
            self._rows[first:first] = newer
            self._seqs.extend(m.confirmed_seq for m in newer)
            self.endInsertRows()
            excess = len(self._seqs) - self.max_rows
            if excess > 0:  # the oldest rows, far above the reader, are released
                self.beginRemoveRows(QModelIndex(), 0, excess - 1)
                del self._rows[:excess]
                del self._seqs[:excess]
                self.endRemoveRows()
                self._refresh_row(0)
        if reached_end or (self._seqs and self._seqs[-1] >= self._latest()):
            self._set_at_newest(True)

    def newer_unavailable(self) -> None:
        self._waiting_for_newer = False

    # live changes
    def merge(self, messages: Iterable[Message]) -> None:
        """Confirmed messages from the server, events or the cache: replaced by seq, never shown twice."""
        for message in messages:
            if message.conversation_id != self.conversation_id or message.seq is None:
                continue
            position = bisect.bisect_left(self._seqs, message.seq)
            if position < len(self._seqs) and self._seqs[position] == message.seq:
                self._rows[position] = message
                self._refresh_row(position)
                continue
            pending_row = self._pending_row(message.client_id) if message.sender_id == self.my_id else None
            beyond = position == len(self._seqs) and not self.at_newest  # past a window that ends earlier
            if pending_row is not None and beyond:
                # sent: it lives past the window now
                self.beginRemoveRows(QModelIndex(), pending_row, pending_row)
                del self._rows[pending_row]
                self.endRemoveRows()
                continue
            if pending_row is not None:
                self._confirm(pending_row, position, message)
                continue
            if beyond:
                continue  # fetch_newer brings it in order
            if position == 0 and self._seqs and self.has_older():
                continue  # older than what is shown: fetchMore brings it in order
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows.insert(position, message)
            self._seqs.insert(position, message.confirmed_seq)
            self.endInsertRows()
            self._refresh_row(position + 1)
            self._refresh_row(position - 1)
        self._place_divider()

    def remove_seqs(self, seqs: Iterable[int]) -> None:
        """Messages deleted for me (on this device or another): their rows go."""
        for seq in sorted(set(seqs), reverse=True):
            row = self.row_of_seq(seq)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            del self._seqs[row]
            self.endRemoveRows()
            self._refresh_row(row)  # its neighbours meet: grouping and day labels change
        self._place_divider()

    def hide_quotes_of(self, conversation_id: int, seqs: Iterable[int]) -> None:
        """Messages I deleted for me: the quotes of them on the loaded rows read "Deleted message" now (the
        cache marks them on every later read)."""
        gone = set(seqs)
        if conversation_id != self.conversation_id or not gone:
            return
        for row, message in enumerate(self._rows):
            reply = message.reply_to
            if reply is not None and reply.seq in gone and not reply.hidden:
                message.reply_to = dataclasses.replace(reply, hidden=True)
                self._refresh_row(row)

    def _place_divider(self) -> None:
        """Older unread messages came in (history, a first page): the divider moves up to the first one."""
        seq = unread_anchor.first_unread_seq(self._rows, self._seqs, self._unread_after, self.my_id)
        if seq != self._divider_seq:
            rows = [self.row_of_seq(s) for s in (self._divider_seq, seq) if s is not None]
            found = self._divider_seq is None
            self._divider_seq = seq
            for row in rows:
                if row is not None:
                    self._refresh_row(row)
            if found:
                self.first_unread_found.emit()

    def first_unread_row(self) -> int | None:
        """The row under the "Unread messages" divider, where the view opens; None when all was read."""
        return self.row_of_seq(self._divider_seq) if self._divider_seq is not None else None

    def _confirm(self, pending_row: int, position: int, message: Message) -> None:
        if pending_row == position:  # the usual case: first pending becomes the newest confirmed, in place
            self._rows[position] = message
            self._seqs.insert(position, message.confirmed_seq)
            self._refresh_row(position)
            self._refresh_row(position + 1)  # the server's time may part it from the next
            return
        self.beginRemoveRows(QModelIndex(), pending_row, pending_row)
        del self._rows[pending_row]
        self.endRemoveRows()
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.insert(position, message)
        self._seqs.insert(position, message.confirmed_seq)
        self.endInsertRows()
        self._refresh_row(position + 1)
        self._refresh_row(position - 1)

    def add_pending(self, message: Message) -> None:
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(message)
        self.endInsertRows()
        self._refresh_row(row - 1)  # the message before may join this one now

    def _pending_row(self, client_id: str) -> int | None:
        for row in range(len(self._seqs), len(self._rows)):
            if self._rows[row].client_id == client_id:
                return row
        return None

    def set_pending_state(self, client_id: str, state: str, error: str | None = None) -> None:
        row = self._pending_row(client_id)
        if row is not None and state in (SENDING, FAILED, SENT):
            self._rows[row].state = state
            self._rows[row].error = error
            self._refresh_row(row)

    def remove_pending(self, client_id: str) -> None:
        row = self._pending_row(client_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            self._refresh_row(row)

    # files on pending messages
    def set_upload_progress(self, client_id: str, file_index: int, fraction: float) -> None:
        row = self._pending_row(client_id)
        if row is not None:
            self._uploads[client_id] = (file_index, fraction)
            index = self.index(row)
            self.dataChanged.emit(index, index, [MessageRole.UPLOAD_PROGRESS])

    def set_pending_attachments(self, client_id: str, attachments: list[Attachment]) -> None:
        """An upload finished: the pending message now names that file by its id."""
        self._uploads.pop(client_id, None)
        row = self._pending_row(client_id)
        if row is not None:
            self._rows[row].attachments = list(attachments)
            self._refresh_row(row)

    def _refresh_row(self, row: int) -> None:
        """A row's day separator and sender name depend on the row before it, and its grouping on both
        neighbours: the row before is refreshed with it."""
        rows = [r for r in (row - 1, row) if 0 <= r < len(self._rows)]
        for r in rows:
            self._rows[r].layout_key = None
        if rows:
            self.dataChanged.emit(self.index(rows[0]), self.index(rows[-1]))

    # lookups for the controller and the view
    def message_at(self, row: int) -> Message | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of_seq(self, seq: int) -> int | None:
        position = bisect.bisect_left(self._seqs, seq)
        return position if position < len(self._seqs) and self._seqs[position] == seq else None

    def last_editable(self) -> tuple[int, int, str] | None:
        """My newest sent message that is not deleted, as (row, seq, text): what ↑ in an empty composer
        edits. Only the loaded rows are looked at: the newest are always loaded."""
        for row in range(len(self._rows) - 1, -1, -1):
            message = self._rows[row]
            if message.sender_id == self.my_id and message.seq is not None and not message.deleted:
                return row, message.seq, message.text or ""
        return None


GROUP_MINUTES = 5  # two messages of one sender further apart than this start a new group


def _joins(earlier: Message, later: Message) -> bool:
    """Telegram's and Signal's rule: the same sender, the same day, a few minutes apart at most."""
    return (
        earlier.sender_id == later.sender_id
        and earlier.local_time.date() == later.local_time.date()
        and abs((later.created_at - earlier.created_at).total_seconds()) <= GROUP_MINUTES * 60
    )
