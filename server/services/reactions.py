"""Reactions: one fully-qualified emoji per reaction, idempotent, limited, live and in the change stream."""

from __future__ import annotations

from collections.abc import Sequence

import emoji as emoji_table

from server import render
from server.context import AppContext
from server.db import Cursor
from server.db import messages as messages_db
from server.db import reactions as reactions_db
from server.errors import Conflict, Forbidden, InvalidField
from server.services import events, message_access, throttle
from server.services.send_batch import BLOCKED

MAX_DISTINCT = 50  # distinct emoji on one message
MAX_PER_USER = 20  # reactions of one user on one message
_FULLY_QUALIFIED = emoji_table.STATUS["fully_qualified"]


def valid_emoji(value: str) -> str:
    """Exactly one fully-qualified emoji of the Unicode emoji table (the ``emoji`` package's), else 400."""
    entry = emoji_table.EMOJI_DATA.get(value) if len(value) <= 64 else None
    if entry is None or entry.get("status") != _FULLY_QUALIFIED:
        raise InvalidField("emoji: must be exactly one fully-qualified emoji", field="emoji")
    return value


def mine_by_seq(cur: Cursor, user_id: int, messages: Sequence[dict]) -> dict[str, list[str]]:
    """The caller's own reactions on these messages, by seq (as a JSON key), only where there are some:
    the ``my_reactions`` of a list's answer (messages themselves are the same for every member)."""
    mine = reactions_db.mine(cur, user_id, [m["id"] for m in messages])
    return {str(m["seq"]): mine[m["id"]] for m in messages if m["id"] in mine}


def react(
    app: AppContext, user_id: int, conversation_id: int, seq: int, emoji: str, add: bool
) -> tuple[dict, list[str]]:
    """Add (``add``) or remove my reaction: (the message, my reactions on it); doing it twice changes
    nothing (no version, no event)."""
    emoji = valid_emoji(emoji)
    limit = throttle.Limit("reaction", app.config.reactions_per_minute, 60, "reactions")
    with app.db.transaction() as cur:
        row = message_access.locked_message(cur, user_id, conversation_id, seq)
        if row["deleted_at"] is not None:
            raise Conflict("a deleted message cannot be reacted to")
        if messages_db.blocked_in_direct(cur, conversation_id, user_id):
            raise Forbidden(BLOCKED)
        now = reactions_db.counts(cur, row["id"], user_id, emoji)
        if add and not now["exists"]:
            if now["mine"] >= MAX_PER_USER:
                raise Conflict(f"at most {MAX_PER_USER} reactions of yours on one message", field="emoji")
            if not now["emoji_present"] and now["distinct_emoji"] >= MAX_DISTINCT:
                raise Conflict(f"at most {MAX_DISTINCT} different emoji on one message", field="emoji")
        if now["exists"] != add:
            throttle.take(cur, limit, throttle.user_key(user_id))
            if add:
                reactions_db.add(cur, row["id"], user_id, emoji)
            else:
                reactions_db.remove(cur, row["id"], user_id, emoji)
            version = messages_db.bump_version(cur, conversation_id)
            row = reactions_db.refresh_aggregate(cur, row["id"], version)
            app.broker.publish(cur, events.reaction(conversation_id, row["id"], user_id, emoji, add))
        return render.message(row), reactions_db.mine(cur, user_id, [row["id"]]).get(row["id"], [])
