"""SQL for pinned messages: pin and unpin (each a change version of the message), and the pinned list."""

from __future__ import annotations

from server.db import Cursor, Row
from server.db.messages import MESSAGE_COLUMNS, NOT_HIDDEN


def count(cur: Cursor, conversation_id: int) -> int:
    """How many messages of the conversation are pinned now (by the partial index on pins)."""
    cur.execute(
        "SELECT count(*) AS n FROM messages WHERE conversation_id = %s AND pinned_at IS NOT NULL",
        (conversation_id,),
    )
    return int(cur.one()["n"])


def set_pin(cur: Cursor, message_id: int, pinned_by: int | None, version: int) -> Row:
    """Pin (``pinned_by`` the member) or unpin (None) the message with the change ``version``."""
    cur.execute(
        f"""UPDATE messages x SET pinned_at = CASE WHEN %s::bigint IS NULL THEN NULL ELSE now() END,
                   pinned_by = %s, version = %s
            WHERE x.id = %s RETURNING {MESSAGE_COLUMNS}""",
        (pinned_by, pinned_by, version, message_id),
    )
    return cur.one()


def pinned(cur: Cursor, conversation_id: int, viewer_id: int) -> list[Row]:
    """The pinned messages, latest pin first, but those the viewer hid for themselves."""
    cur.execute(
        f"""SELECT {MESSAGE_COLUMNS} FROM messages x
            WHERE x.conversation_id = %s AND x.pinned_at IS NOT NULL AND {NOT_HIDDEN}
            ORDER BY x.pinned_at DESC, x.seq DESC""",
        (conversation_id, viewer_id),
    )
    return cur.fetchall()
