"""SQL for blocking: who blocked whom, and whether their messages are hidden in shared groups."""

from __future__ import annotations

from server.db import Cursor, Row
from server.db.users import USER_COLUMNS


def block(cur: Cursor, blocker_id: int, blocked_id: int, hide_in_groups: bool) -> None:
    cur.execute(
        """INSERT INTO blocks (blocker_id, blocked_id, hide_in_groups) VALUES (%s, %s, %s)
           ON CONFLICT (blocker_id, blocked_id) DO UPDATE SET hide_in_groups = EXCLUDED.hide_in_groups""",
        (blocker_id, blocked_id, hide_in_groups),
    )


def unblock(cur: Cursor, blocker_id: int, blocked_id: int) -> bool:
    cur.execute("DELETE FROM blocks WHERE blocker_id = %s AND blocked_id = %s", (blocker_id, blocked_id))
    return cur.rowcount == 1


def blocked_by(cur: Cursor, blocker_id: int) -> list[Row]:
    cur.execute(
        f"""SELECT {USER_COLUMNS}, b.hide_in_groups, b.created_at AS blocked_at
            FROM blocks b JOIN users u ON u.id = b.blocked_id
            WHERE b.blocker_id = %s ORDER BY b.created_at""",
        (blocker_id,),
    )
    return cur.fetchall()


def delete_user_blocks(cur: Cursor, user_id: int) -> None:
    """Account erasure: whom the user blocked and who blocked them."""
    cur.execute("DELETE FROM blocks WHERE blocker_id = %s OR blocked_id = %s", (user_id, user_id))
