"""The open conversation's pinned messages (GET …/pins), kept fresh by the live events that can change
them, and pinning or unpinning one (PUT/DELETE …/pin): any member may, in a 1:1 and in a group."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from desktop.controller.state import ChatState
from desktop.domain.records import Message
from desktop.net.rest_worker import Rest

log = logging.getLogger(__name__)
CHANGING = ("message.updated", "message.deleted", "message.edited", "message.hidden")


class PinnedMessages(QObject):
    """Signals: changed() — ``pins`` (the open conversation's, the latest pin first) is new."""

    changed = Signal()

    def __init__(
        self, state: ChatState, rest: Rest, report: Callable[[Exception], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.rest = rest
        self._report = report
        self.conversation_id: int | None = None
        self.pins: list[Message] = []
        self._asked = 0  # the latest load wins: an earlier one's late answer is dropped

    def load(self, conversation_id: int | None) -> None:
        """The conversation opened (or None: closed): the pins the cache holds show at once (offline too),
        then the server's answer replaces them (it also has the pins of messages not held here)."""
        if conversation_id != self.conversation_id:
            self.conversation_id = conversation_id
            self.pins = self.state.history.pinned_messages(conversation_id) if conversation_id else []
            self.changed.emit()
        if conversation_id is None:
            return
        self._asked += 1
        asked = self._asked

        def done(pins: list[dict]) -> None:
            answer = [Message.from_json(p) for p in pins]
            self._keep(conversation_id, answer)
            if asked == self._asked and self.conversation_id == conversation_id:
                self.pins = answer
                self.changed.emit()

        self.rest.call(lambda api: api.pins(conversation_id), done, lambda e: log.info("no pins: %s", e))

    def _keep(self, conversation_id: int, answer: list[Message]) -> None:
        """The answer's pins of held messages go into the cache and the view (a cache migrated from schema 7
        learns its pins this way); a state older than the held one is not applied. The others are not
        stored: a message alone would look like history this device has read."""
        held = self.state.history.held_seqs(conversation_id, (m.confirmed_seq for m in answer))
        mine = [m for m in answer if m.seq in held and m.conversation_id == conversation_id]
        self.state.store_and_show(mine)

    def is_pinned(self, seq: int) -> bool:
        return any(p.seq == seq for p in self.pins)

    def set_pinned(self, seq: int, pinned: bool) -> None:
        conversation_id = self.conversation_id
        if conversation_id is None:
            return

        def done(data: dict) -> None:
            self.state.store_and_show([Message.from_json(data)])
            self.load(conversation_id)

        self.rest.call(lambda api: api.set_pinned(conversation_id, seq, pinned), done, self._report)

    def on_event(self, event: dict) -> None:
        """A change of a message of the open conversation may pin, unpin, edit or delete a pin."""
        if event.get("type") in CHANGING and event.get("conversation_id") == self.conversation_id:
            message = event.get("message")
            pinned_now = isinstance(message, dict) and message.get("pinned_at") is not None
            if pinned_now or self.is_pinned(int(event.get("seq") or 0)):
                self.load(self.conversation_id)
