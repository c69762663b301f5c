"""Who is in which conversation, cached for the live hub: membership events arrive through the same ordered
stream as every other event and invalidate their conversation, so the cache is never behind the stream."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol

from server.db import Cursor
from server.db import conversations as conversations_db

CACHE_SIZE = 10_000


class HasCursor(Protocol):
    """Where a cursor comes from when one is needed (live_dispatch.Batch connects on first use)."""

    @property
    def cur(self) -> Cursor: ...


class MemberCache:
    """Member ids per conversation, the least recently used dropped beyond ``size``."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._members: OrderedDict[int, frozenset[int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, db: HasCursor, conversation_id: int) -> frozenset[int]:
        """The members, from the cache or else from the database (``db.cur``, taken only then)."""
        members = self.cached(conversation_id)
        if members is not None:
            return members
        members = frozenset(conversations_db.member_ids(db.cur, conversation_id))
        with self._lock:
            self._members[conversation_id] = members
            while len(self._members) > self._size:
                self._members.popitem(last=False)
        return members

    def __len__(self) -> int:
        with self._lock:
            return len(self._members)

    def cached(self, conversation_id: int) -> frozenset[int] | None:
        """The members if cached, without the database (for when it has just failed)."""
        with self._lock:
            members = self._members.get(conversation_id)
            if members is not None:
                self._members.move_to_end(conversation_id)
            return members

    def forget(self, conversation_id: int) -> None:
        with self._lock:
            self._members.pop(conversation_id, None)

    def clear(self) -> None:
        with self._lock:
            self._members.clear()
