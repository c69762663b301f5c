"""Tokens this process authenticated in the last few seconds, so a busy client costs no query per request.

A REST call's session lookup was a round trip to PostgreSQL of its own (≈17% of a send's server CPU). An
entry lives ``CHATIDK_SESSION_CACHE_SECONDS`` (0 turns the cache off) and never longer, so a session
revoked elsewhere stops working within that time at the latest. Revocation is prompter than that where it
can be: the process that signs a device out (logout, Devices, a password change or reset, erasing the
account) forgets those sessions as soon as its transaction commits, and every process that listens for
live events forgets them when their ``sessions_revoked`` event arrives (and everything when events may
have been lost). A lookup that raced with a revocation is not kept: each forgetting moves a generation on,
and an answer read from the database before the latest one is used once but not cached.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from server.db import Cursor
from server.services import events

if TYPE_CHECKING:
    from server.context import AppContext

LIMIT = 50_000  # tokens held at most; past it the oldest go first


class CachedSession(NamedTuple):
    session_id: int
    user_id: int
    expires_at: float  # on the cache's monotonic clock


class SessionCache:
    def __init__(
        self, seconds: float, clock: Callable[[], float] = time.monotonic, limit: int = LIMIT
    ) -> None:
        self.seconds = seconds
        self._clock = clock
        self._limit = limit
        self._by_token: dict[bytes, CachedSession] = {}
        self._lock = threading.Lock()
        self._generation = 0

    def generation(self) -> int:
        """Read before the database is asked; hand it to :meth:`put` with the answer."""
        return self._generation

    def get(self, token_hash: bytes) -> CachedSession | None:
        entry = self._by_token.get(token_hash)
        if entry is None:
            return None
        if entry.expires_at <= self._clock():
            with self._lock:
                self._by_token.pop(token_hash, None)
            return None
        return entry

    def put(self, token_hash: bytes, session_id: int, user_id: int, generation: int) -> None:
        """Remember a session the database just vouched for, unless a revocation came in meanwhile."""
        if self.seconds <= 0:
            return
        with self._lock:
            if generation != self._generation:
                return
            while len(self._by_token) >= self._limit:
                del self._by_token[next(iter(self._by_token))]
            self._by_token[token_hash] = CachedSession(session_id, user_id, self._clock() + self.seconds)

    def forget_sessions(self, session_ids: Iterable[int]) -> None:
        gone = set(session_ids)
        with self._lock:
            self._generation += 1
            for token_hash in [t for t, e in self._by_token.items() if e.session_id in gone]:
                del self._by_token[token_hash]

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._by_token.clear()


def forget_after_commit(cache: SessionCache, cur: Cursor, session_ids: list[int]) -> None:
    """Once ``cur``'s transaction (which deletes these sessions) has committed, forget them here.

    Not before the commit: a lookup in between would still find them in the database and cache them again.
    """
    if session_ids:
        cur.after_commit(lambda: cache.forget_sessions(session_ids))


def announce_revoked(app: AppContext, cur: Cursor, session_ids: list[int]) -> None:
    """In the transaction that deletes these sessions: every process closes their sockets (4401) and
    forgets their tokens; this process forgets them as soon as it commits."""
    app.broker.publish(cur, events.sessions_revoked(session_ids))
    forget_after_commit(app.session_cache, cur, session_ids)
