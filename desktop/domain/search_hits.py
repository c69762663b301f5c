"""A message found by search, from the cache or the server, and where the query matched its text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from desktop.domain.records import Message

Ranges = list[tuple[int, int]]  # [start, end) code points of the message's text


@dataclass(frozen=True)
class SearchHit:
    message: Message
    ranges: Ranges

    @property
    def key(self) -> tuple[int, int]:
        """One message once, whoever found it: (conversation_id, seq)."""
        return self.message.conversation_id, self.message.confirmed_seq

    @property
    def created_at(self) -> datetime:
        return self.message.created_at
