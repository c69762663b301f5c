"""Who is online: a store shared by the conversation list, the chat header and the live room."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.domain.presence import ONLINE, Presence


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
        self._people = {int(e["user_id"]): Presence.from_json(e) for e in entries}
        self.reset.emit()

    def apply(self, entry: dict) -> None:
        user_id = int(entry["user_id"])
        presence = Presence.from_json(entry)
        if self._people.get(user_id) != presence:
            self._people[user_id] = presence
            self.changed.emit(user_id)

    def clear(self) -> None:
        """Disconnected: what we knew is no longer news, so nobody is shown online."""
        if self._people:
            self._people = {}
            self.reset.emit()
