"""A draft's reply target as it is now: the reply bar reads "Deleted message" once the original is deleted,
or deleted for me, as a quote of it in a bubble does. The draft keeps the quote it was started with (cache
schema unchanged); the cache says, each time the draft comes back, what became of the original."""

from __future__ import annotations

import dataclasses

from desktop.cache import HistoryCache
from desktop.domain.records import ReplyTo


def gone(reply_to: ReplyTo, *, for_me: bool) -> ReplyTo:
    """The quote once its original is deleted for everyone (the server's tombstone quote: no text left) or
    by me for me (the text stays, ReplyTo.hidden marks it, as the cache marks a bubble's quote)."""
    if for_me:
        return dataclasses.replace(reply_to, hidden=True)
    return dataclasses.replace(reply_to, snippet=None, deleted=True)


def as_it_is_now(history: HistoryCache, conversation_id: int, reply_to: ReplyTo) -> ReplyTo:
    """``reply_to`` as the cache knows its original now: hidden for me (hidden.hidden_among), a tombstone,
    or as it was (not held: nothing known against it; the server's answer to the send decides)."""
    if reply_to.gone:
        return reply_to
    if history.hidden_for_me(conversation_id, [reply_to.seq]):
        return gone(reply_to, for_me=True)
    held = history.message(conversation_id, reply_to.seq)
    if held is not None and held.deleted:
        return gone(reply_to, for_me=False)
    return reply_to
