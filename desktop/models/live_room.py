"""Who is online and who is typing: small stores for the conversation list, the chat header and controller."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.models.time_labels import clock_time, day_label
from desktop.records import parse_time

ONLINE, AWAY, OFFLINE = "online", "away", "offline"


@dataclass(frozen=True)
class Presence:
    state: str  # online, away or offline
    last_seen: datetime | None = None  # only when offline, and only if neither side hides it


def presence_text(presence: Presence | None) -> str:
    """For a 1:1 header: "online", "away", "last seen today at 09:41", or "offline" if the time is hidden."""
    if presence is None:
        return ""
    if presence.state == ONLINE:
        return "online"
    if presence.state == AWAY:
        return "away"
    if presence.last_seen is None:
        return "offline"
    day = day_label(presence.last_seen.astimezone().date())
    when = clock_time(presence.last_seen)
    if day in ("Today", "Yesterday"):
        return f"last seen {day.lower()} at {when}"
    return f"last seen {day} at {when}"


def typing_text(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return f"{names[0]} is typing…"
    if len(names) == 2:
        return f"{names[0]} and {names[1]} are typing…"
    if len(names) == 3:
        return f"{names[0]}, {names[1]} and {names[2]} are typing…"
    return f"{names[0]}, {names[1]} and {len(names) - 2} others are typing…"


class PresenceBook(QObject):
    """The presence of everyone I share a conversation with, from GET /presence and `presence` events.

    Signals: changed(int user_id) — one person; reset() — everyone (a fresh list, or cleared offline)."""

    changed = Signal(int)
    reset = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people: dict[int, Presence] = {}

    def get(self, user_id: int) -> Presence | None:
        return self._people.get(user_id)

    def online(self, user_id: int) -> bool:
        presence = self._people.get(user_id)
        return presence is not None and presence.state == ONLINE

    def replace_all(self, entries: list[dict]) -> None:
        self._people = {int(e["user_id"]): _presence_from(e) for e in entries}
        self.reset.emit()

    def apply(self, entry: dict) -> None:
        user_id = int(entry["user_id"])
        presence = _presence_from(entry)
        if self._people.get(user_id) != presence:
            self._people[user_id] = presence
            self.changed.emit(user_id)

    def clear(self) -> None:
        """Disconnected: what we knew is no longer news, so nobody is shown online."""
        if self._people:
            self._people = {}
            self.reset.emit()


def _presence_from(entry: dict) -> Presence:
    state = entry.get("state")
    known = state if state in (ONLINE, AWAY, OFFLINE) else OFFLINE
    return Presence(known, parse_time(entry.get("last_seen")))


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
