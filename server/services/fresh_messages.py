"""Messages this process has just stored, already rendered, waiting for its own live dispatch to take them.

Every process loads the messages of each broker batch from PostgreSQL (live_dispatch.py), including the
process that stored them a moment ago and still holds their rows: that process now hands them over here
instead, which spares it a query per batch and a second rendering of each message. Only ``created`` events
use it; a message that changed since is announced again by its own later event, which is loaded as it is
then. Missing entries (another process stored the message, or the event outran the hand-over) are loaded as
before, so this is never needed for correctness. It holds nothing until the process listens for events
(its first socket), and is bounded: entries nobody took (an event lost with a broken listener) go first.
"""

from __future__ import annotations

import threading

LIMIT = 5000


class FreshMessages:
    def __init__(self, limit: int = LIMIT) -> None:
        self._limit = limit
        self._by_id: dict[int, dict] = {}
        self._lock = threading.Lock()
        self.listening = False  # set by the hub once this process hears events: only then is it taken

    def add(self, message: dict) -> None:
        """``message``: as render.message gives it, from the transaction that stores it. Before its commit is
        safe: only that commit's event takes it, and a rolled-back message's id is never used again."""
        if not self.listening:
            return
        with self._lock:
            while len(self._by_id) >= self._limit:
                del self._by_id[next(iter(self._by_id))]
            self._by_id[message["id"]] = message

    def take(self, message_id: int) -> dict | None:
        with self._lock:
            return self._by_id.pop(message_id, None)

    def __len__(self) -> int:
        return len(self._by_id)
