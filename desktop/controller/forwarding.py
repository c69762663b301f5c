"""Forwarding a message into some of my conversations (POST …/forward), and the names "Forwarded from …"
shows for first senders outside the open conversation."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.controller.state import ChatState
from desktop.domain.records import Message
from desktop.net.rest_worker import Rest

log = logging.getLogger(__name__)


class Forwarding(QObject):
    """Signals: forwarded(int count) — the server stored the forwards (one per conversation)."""

    forwarded = Signal(int)

    def __init__(
        self, state: ChatState, rest: Rest, report: Callable[[Exception], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.rest = rest
        self._report = report
        self._looked_up: dict[int, str | None] = {}  # user id -> display name (None: asked, or not visible)
        state.messages.name_elsewhere = self.name_of

    def forward(self, conversation_id: int, seq: int, targets: list[int]) -> None:
        """All the targets or none (the server's rule); each forward gets a client_id of its own, so a retry
        of this very call could never store one twice."""
        if not targets:
            return
        pairs = [(target, str(uuid.uuid4())) for target in dict.fromkeys(targets)]

        def done(messages: list[dict]) -> None:
            stored = [Message.from_json(m) for m in messages]
            self.state.store_and_show(stored)  # mine: nothing unread, the list's previews move
            self.forwarded.emit(len(stored))

        self.rest.call(lambda api: api.forward_message(conversation_id, seq, pairs), done, self._report)

    def name_of(self, user_id: int) -> str | None:
        """A member of any of my conversations, else someone visible looked up once (GET /users/{id}); the
        open conversation's rows are redrawn when the answer comes."""
        for conversation in self.state.conversations.all():
            for member in conversation.members:
                if member.user_id == user_id:
                    return member.display_name
        if user_id in self._looked_up:
            return self._looked_up[user_id]
        self._looked_up[user_id] = None
        self.rest.call(lambda api: api.user(user_id), self._on_user, lambda e: log.info("no user: %s", e))
        return None

    def _on_user(self, user: dict) -> None:
        user_id = user.get("id")
        if isinstance(user_id, int):
            self._looked_up[user_id] = str(user.get("display_name") or user.get("username") or "") or None
            messages = self.state.messages
            messages.set_names(messages.names())  # every row again, with the name known now
