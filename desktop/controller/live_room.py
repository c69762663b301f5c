"""The feeling of a live room: presence (fetched on connect, kept live, my idle state sent) and typing."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.controller.state import ChatState
from desktop.models.presence_book import PresenceBook
from desktop.models.typing_book import TypingBook

log = logging.getLogger(__name__)

TYPING_INTERVAL = 3.0  # seconds between my typing frames for one conversation (the server passes no more)
DEFAULT_TYPING_MS = 6000


class LiveRoom(QObject):
    """Owns the presence and typing stores the views read. ``listener`` is the EventListener (or a stand-in)
    whose ``send_frame`` carries my typing and idle frames.

    Signals: presence_changed(int user_id) — also -1 for "everyone"; typing_changed(int conversation_id)."""

    presence_changed = Signal(int)
    typing_changed = Signal(int)

    def __init__(
        self,
        state: ChatState,
        rest,
        listener,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        is_muted: Callable[[int, int], bool] = lambda conversation_id, user_id: False,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.rest = rest
        self.listener = listener
        self.clock = clock
        self.presence = PresenceBook(self)
        self.typing = TypingBook(self, clock=clock)
        self.idle = False
        self.connected = False
        self.is_muted = is_muted  # (conversation_id, user_id): blocked people's typing is not shown
        self._typing_sent: dict[int, float] = {}
        self._presence_refresh = QTimer(self)  # new people to watch: one GET /presence for a burst of them
        self._presence_refresh.setSingleShot(True)
        self._presence_refresh.setInterval(100)
        self._presence_refresh.timeout.connect(self.refresh_presence)
        state.conversations.attach_live(self.presence, self.typing)
        self.presence.changed.connect(self.presence_changed)
        self.presence.reset.connect(lambda: self.presence_changed.emit(-1))
        self.typing.changed.connect(self.typing_changed)

    # the socket
    def on_connected(self) -> None:
        """A fresh socket starts active: restate idleness, and ask who is here (events bring the changes)."""
        self.connected = True
        self._typing_sent.clear()
        if self.idle:
            self._send({"type": "presence", "state": "away"})
        self.refresh_presence()

    def on_disconnected(self) -> None:
        self.connected = False
        self._presence_refresh.stop()
        self.presence.clear()
        self.typing.clear()

    def refresh_presence(self) -> None:
        self.rest.call(
            lambda api: api.presence(),
            self.presence.replace_all,
            lambda error: log.info("could not fetch presence: %s", error),
        )

    def apply_event(self, event: dict) -> None:
        kind = event.get("type")
        if kind == "presence" and isinstance(event.get("user_id"), int):
            self.presence.apply(event)
        elif kind == "typing":
            conversation_id, user_id = event.get("conversation_id"), event.get("user_id")
            if (
                isinstance(conversation_id, int)
                and isinstance(user_id, int)
                and user_id != self.state.my_id
                and not self.is_muted(conversation_id, user_id)
            ):
                expires = event.get("expires_in_ms")
                self.typing.start(
                    conversation_id, user_id, expires if isinstance(expires, int) else DEFAULT_TYPING_MS
                )
        elif kind in ("conversation.created", "member.added"):
            if self.connected:  # people I did not share a conversation with: their presence was not sent
                self._presence_refresh.start()
        elif kind == "message.created":
            message = event.get("message") or {}
            conversation_id = event.get("conversation_id")
            if isinstance(conversation_id, int) and isinstance(message.get("sender_id"), int):
                self.typing.stop(conversation_id, message["sender_id"])  # they sent it: done

    def forget_typing_of(self, user_ids: set[int]) -> None:
        """Someone was just blocked: their "is typing" goes at once."""
        for conversation_id in [c.id for c in self.state.conversations.all()]:
            for user_id in user_ids:
                self.typing.stop(conversation_id, user_id)

    # what I do
    def composing(self, conversation_id: int | None) -> None:
        """The user edited the composer: tell the others, at most once every few seconds."""
        if conversation_id is None or not self.connected:
            return
        now = self.clock()
        last = self._typing_sent.get(conversation_id)
        if last is not None and now - last < TYPING_INTERVAL:
            return
        self._typing_sent[conversation_id] = now
        self._send({"type": "typing", "conversation_id": conversation_id})

    def message_sent(self, conversation_id: int) -> None:
        """My message ends my typing on the other side; typing again afterwards is news again."""
        self._typing_sent.pop(conversation_id, None)

    def set_idle(self, idle: bool) -> None:
        if idle == self.idle:
            return
        self.idle = idle
        if self.connected:
            self._send({"type": "presence", "state": "away" if idle else "online"})

    def _send(self, frame: dict) -> None:
        send = getattr(self.listener, "send_frame", None)
        if send is not None:
            send(frame)
