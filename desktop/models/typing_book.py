"""Who is typing where: a store shared by the conversation list, the chat header and the live room."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal


class TypingBook(QObject):
    """Who is typing where, each until their `typing` event expires or a message from them arrives.

    One timer, armed for the earliest expiry. Signals: changed(int conversation_id)."""

    changed = Signal(int)

    def __init__(self, parent: QObject | None = None, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._clock = clock
        self._typing: dict[int, dict[int, float]] = {}  # conversation -> user -> expiry (monotonic seconds)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.expire)

    def typists(self, conversation_id: int) -> list[int]:
        """In the order they started typing."""
        return list(self._typing.get(conversation_id, {}))

    def start(self, conversation_id: int, user_id: int, expires_in_ms: int) -> None:
        people = self._typing.setdefault(conversation_id, {})
        was_typing = user_id in people
        people[user_id] = self._clock() + max(0, expires_in_ms) / 1000
        self._arm()
        if not was_typing:
            self.changed.emit(conversation_id)

    def stop(self, conversation_id: int, user_id: int) -> None:
        people = self._typing.get(conversation_id)
        if people and people.pop(user_id, None) is not None:
            if not people:
                del self._typing[conversation_id]
            self._arm()
            self.changed.emit(conversation_id)

    def clear(self) -> None:
        conversations = list(self._typing)
        self._typing.clear()
        self._timer.stop()
        for conversation_id in conversations:
            self.changed.emit(conversation_id)

    def expire(self) -> None:
        now = self._clock()
        for conversation_id, people in list(self._typing.items()):
            gone = [user_id for user_id, expiry in people.items() if expiry <= now]
            for user_id in gone:
                self.stop(conversation_id, user_id)
        self._arm()

    def _arm(self) -> None:
        expiries = [expiry for people in self._typing.values() for expiry in people.values()]
        if not expiries:
            self._timer.stop()
            return
        self._timer.start(max(0, int((min(expiries) - self._clock()) * 1000) + 1))
