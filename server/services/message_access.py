"""The message a member acts on (pin, react, hide, forward): one place for the 404s every such route gives."""

from __future__ import annotations

from server.db import Cursor, Row
from server.db import hides as hides_db
from server.db import messages as messages_db
from server.errors import NotFound
from server.services.conversations import require_member

NO_MESSAGE = "no such message"


def locked_message(cur: Cursor, user_id: int, conversation_id: int, seq: int) -> Row:
    """The message, locked, with the conversation's lock taken first (its change version is taken after the
    checks, so versions commit in order). An outsider gets the 404 of a conversation that does not exist;
    a member, the same 404 for a seq there is no message at as for one they hid for themselves."""
    require_member(cur, conversation_id, user_id)
    messages_db.lock_conversation(cur, conversation_id)
    row = messages_db.get_message(cur, conversation_id, seq, lock=True)
    if row is None or hides_db.get(cur, user_id, row["id"]) is not None:
        raise NotFound(NO_MESSAGE)
    return row
