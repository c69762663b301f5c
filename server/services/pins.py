"""Pinned messages: any member pins or unpins (in a 1:1 and in a group alike), limited, live as
``message.updated`` and in the change stream, like every change of an old message."""

from __future__ import annotations

from server import render
from server.context import AppContext
from server.db import messages as messages_db
from server.db import pins as pins_db
from server.errors import Conflict, Forbidden
from server.services import events, message_access, throttle
from server.services.conversations import require_member
from server.services.send_batch import BLOCKED


def set_pinned(app: AppContext, user_id: int, conversation_id: int, seq: int, pinned: bool) -> dict:
    """Pin (``pinned``) or unpin the message; doing it twice changes nothing (no version, no event, nothing
    counted). A tombstone cannot be pinned (a deletion unpins)."""
    limit = throttle.Limit("pin", app.config.pins_per_minute, 60, "pins and unpins")
    with app.db.transaction() as cur:
        row = message_access.locked_message(cur, user_id, conversation_id, seq)
        if pinned and row["deleted_at"] is not None:
            raise Conflict("a deleted message cannot be pinned")
        if (row["pinned_at"] is not None) == pinned:
            return render.message(row)
        if messages_db.blocked_in_direct(cur, conversation_id, user_id):
            raise Forbidden(BLOCKED)
        most = app.config.pins_per_conversation
        if pinned and pins_db.count(cur, conversation_id) >= most:
            raise Conflict(f"at most {most} pinned messages in one conversation; unpin one first")
        throttle.take(cur, limit, throttle.user_key(user_id))
        version = messages_db.bump_version(cur, conversation_id)
        row = pins_db.set_pin(cur, row["id"], user_id if pinned else None, version)
        app.broker.publish(cur, events.message("updated", conversation_id, row["id"]))
    return render.message(row)


def pinned(app: AppContext, user_id: int, conversation_id: int) -> list[dict]:
    """The conversation's pinned messages, latest pin first (at most CHATIDK_PINS_PER_CONVERSATION)."""
    with app.db.transaction() as cur:
        require_member(cur, conversation_id, user_id)
        rows = pins_db.pinned(cur, conversation_id, user_id)
    return [render.message(r) for r in rows]
