"""What the conversation menu does: pin, mute (mentions too, or not), mark read or unread, delete for me,
leave; kept on the server per member (PATCH /conversations/{id}/me), so every device of mine agrees."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject

from desktop.controller.live_sync import LiveSync
from desktop.controller.state import ChatState
from desktop.domain.records import format_time, utc_now
from desktop.net.rest_worker import Rest


class ConversationActions(QObject):
    """Each action shows at once and is confirmed (or put right) by the server's answer; the other devices
    hear of it through ``conversation.member_updated``."""

    def __init__(
        self,
        state: ChatState,
        rest: Rest,
        sync: LiveSync,
        report: Callable[[Exception], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.rest = rest
        self.sync = sync
        self._report = report

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._change(conversation_id, {"pinned": pinned})

    def set_muted(self, conversation_id: int, muted: bool) -> None:
        self._change(conversation_id, {"muted": muted})

    def set_mentions_when_muted(self, conversation_id: int, on: bool) -> None:
        """Whether a mention of me notifies while the conversation is muted (on by default)."""
        self._change(conversation_id, {"mentions_when_muted": on})

    def mark_unread(self, conversation_id: int) -> None:
        self._change(conversation_id, {"marked_unread": True})

    def mark_read(self, conversation_id: int) -> None:
        """Everything read, and "marked as unread" cleared (the server clears it on reading)."""
        conversation = self.state.conversations.get(conversation_id)
        if conversation is None:
            return
        seq = conversation.last_seq
        self.state.conversations.set_read(conversation_id, seq, 0)
        if conversation.me.marked_unread:
            me = conversation.me.to_json() | {"marked_unread": False}
            self.sync.apply_member_state(conversation_id, me)
        self.rest.call(
            lambda api: api.mark_read(conversation_id, seq),
            lambda answer: self.state.conversations.set_read(
                conversation_id, answer["last_read_seq"], answer["unread_count"]
            ),
            self._report,
        )

    def delete_for_me(self, conversation_id: int) -> None:
        """Out of my list on every device of mine until a new message arrives; the others keep it."""
        self._change(conversation_id, {"hidden": True})

    def _change(self, conversation_id: int, changes: dict[str, bool]) -> None:
        conversation = self.state.conversations.get(conversation_id)
        if conversation is None:
            return
        before = conversation.me.to_json()
        self.sync.apply_member_state(conversation_id, self._guess(before, changes, conversation.last_seq))

        def failed(error: Exception) -> None:
            self.sync.apply_member_state(conversation_id, before)  # put back what the server still holds
            self._report(error)

        self.rest.call(
            lambda api: api.update_my_state(conversation_id, changes),
            lambda me: self.sync.apply_member_state(conversation_id, me),
            failed,
        )

    @staticmethod
    def _guess(before: dict, changes: dict[str, bool], last_seq: int) -> dict:
        """What the server will answer, shown before it does."""
        me = dict(before)
        if "pinned" in changes:
            me["pinned_at"] = (me["pinned_at"] or _now_text()) if changes["pinned"] else None
        for field in ("muted", "marked_unread", "mentions_when_muted"):
            if field in changes:
                me[field] = changes[field]
        if "hidden" in changes:
            me["hidden_through_seq"] = last_seq if changes["hidden"] else None
        return me


def _now_text() -> str:
    return format_time(utc_now()) or ""
