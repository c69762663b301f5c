"""Someone's presence as the server reports it (docs/protocol.md, "Presence")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.domain.records import parse_time

ONLINE, AWAY, OFFLINE = "online", "away", "offline"


@dataclass(frozen=True)
class Presence:
    state: str  # online, away or offline
    last_seen: datetime | None = None  # only when offline, and only if neither side hides it

    @classmethod
    def from_json(cls, entry: dict) -> Presence:
        """An entry of GET /presence or a `presence` event; an unknown state reads as offline."""
        state = entry.get("state")
        known = state if state in (ONLINE, AWAY, OFFLINE) else OFFLINE
        return cls(known, parse_time(entry.get("last_seen")))
