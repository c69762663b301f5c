"""SQL for "delete for me": the messages each member hid from their own history."""

from __future__ import annotations

from server.db import Cursor, Row


def get(cur: Cursor, user_id: int, message_id: int) -> Row | None:
    """The member's hide of the message (its ``seq`` and ``version``), None if they did not hide it."""
    cur.execute(
        "SELECT seq, version FROM message_hides WHERE user_id = %s AND message_id = %s", (user_id, message_id)
    )
    return cur.fetchone()


def hide_txn(cur: Cursor, user_id: int, message: Row, version: int) -> Row:
    """Hide the message from the member with the change ``version``; returns the hide."""
    cur.execute(
        """INSERT INTO message_hides (user_id, message_id, conversation_id, seq, version)
           VALUES (%s, %s, %s, %s, %s) RETURNING seq, version""",
        (user_id, message["id"], message["conversation_id"], message["seq"], version),
    )
    return cur.one()


def hiders(cur: Cursor, message_ids: list[int]) -> dict[int, set[int]]:
    """Who hid each of these messages (for live events, which must not reach them)."""
    cur.execute(
        "SELECT message_id, user_id FROM message_hides WHERE message_id = ANY(%s::bigint[])",
        (list(message_ids),),
    )
    found: dict[int, set[int]] = {}
    for row in cur.fetchall():
        found.setdefault(row["message_id"], set()).add(row["user_id"])
    return found


def delete_user_hides(cur: Cursor, user_id: int) -> None:
    """The account is being deleted: what it hid for itself is nobody's business any more."""
    cur.execute("DELETE FROM message_hides WHERE user_id = %s", (user_id,))
