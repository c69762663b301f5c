"""Delete for me: a member hides a message from their own history, on all of their devices.

The hide takes the conversation's next change version, so the member's other devices find it in the change
stream (as a ``hidden`` entry only that member gets); it goes live to that member's sessions only. From then
on the message is left out of that member's pages, search, pins, change stream and live events. It is for
good: there is no "undo" (the other members still have the message).
"""

from __future__ import annotations

from server.context import AppContext
from server.db import hides as hides_db
from server.db import messages as messages_db
from server.errors import NotFound
from server.services import events, message_access, throttle
from server.services.conversations import require_member


def hide(app: AppContext, user_id: int, conversation_id: int, seq: int) -> dict:
    """Hide the message from me: its conversation_id, seq and the version of the hide. Hiding it again
    (a retry whose answer was lost) answers the same, and changes and counts nothing."""
    limit = throttle.Limit("hide", app.config.hides_per_minute, 60, "messages deleted for you")
    with app.db.transaction() as cur:
        require_member(cur, conversation_id, user_id)
        messages_db.lock_conversation(cur, conversation_id)
        row = messages_db.get_message(cur, conversation_id, seq, lock=True)
        if row is None:
            raise NotFound(message_access.NO_MESSAGE)
        hidden = hides_db.get(cur, user_id, row["id"])
        if hidden is None:
            throttle.take(cur, limit, throttle.user_key(user_id))
            version = messages_db.bump_version(cur, conversation_id)
            hidden = hides_db.hide_txn(cur, user_id, row, version)
            app.broker.publish(cur, events.hidden(conversation_id, user_id, row["seq"], version))
    return {"conversation_id": conversation_id, "seq": hidden["seq"], "version": hidden["version"]}
