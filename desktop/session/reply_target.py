"""A draft's reply target as it is now: the reply bar reads "Deleted message" once the original is deleted,
or deleted for me, as a quote of it in a bubble does, and the original's new words once it is edited. The
draft keeps the quote it was started with (cache schema unchanged); the cache says, each time the draft
comes back, what became of the original."""

from __future__ import annotations

import dataclasses

from desktop.cache import HistoryCache
from desktop.domain.records import Message, ReplyTo
from desktop.models.file_labels import reply_snippet


def gone(reply_to: ReplyTo, *, for_me: bool) -> ReplyTo:
    """The quote once its original is deleted for everyone (the server's tombstone quote: no text left) or
    by me for me (the text stays, ReplyTo.hidden marks it, as the cache marks a bubble's quote)."""
    if for_me:
        return dataclasses.replace(reply_to, hidden=True)
    return dataclasses.replace(reply_to, snippet=None, deleted=True)


def edited(reply_to: ReplyTo, original: Message) -> ReplyTo:
    """The quote in the words of its original as it is now (the same quote when they did not change)."""
    snippet = reply_snippet(original.text, original.attachments)
    return reply_to if snippet == reply_to.snippet else dataclasses.replace(reply_to, snippet=snippet)


def as_it_is_now(history: HistoryCache, conversation_id: int, reply_to: ReplyTo) -> ReplyTo:
    """``reply_to`` as the cache knows its original now: hidden for me (hidden.hidden_among), a tombstone,
    in its latest words, or as it was (not held: nothing known against it; the server's answer to the send
    decides)."""
    if reply_to.gone:
        return reply_to
    if history.hidden_for_me(conversation_id, [reply_to.seq]):
        return gone(reply_to, for_me=True)
    held = history.message(conversation_id, reply_to.seq)
    if held is not None and held.deleted:
        return gone(reply_to, for_me=False)
    return edited(reply_to, held) if held is not None else reply_to
