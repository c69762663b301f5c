"""SQL for conversations and their members."""

from __future__ import annotations

from datetime import datetime

from server.db import Cursor, Row
from server.db.messages import MESSAGE_COLUMNS
from server.db.users import USER_COLUMNS

# Where a page of the list ended: (pinned_at or None, last_activity_at, id).
ListPosition = tuple[datetime | None, datetime, int]

_CONVERSATION_COLUMNS = (
    "c.id, c.kind, c.title, c.created_at, c.last_seq, c.change_version, c.last_activity_at"
)
# The caller's own handling of a conversation (migration 0006): every device of theirs reads the same.
_MEMBER_STATE_COLUMNS = "m.pinned_at, m.muted, m.marked_unread, m.hidden_through_seq, m.mentions_when_muted"
# The unread messages that mention the member (the "@" badge), but those they deleted for themselves.
_UNREAD_MENTIONS = """(SELECT count(*) FROM messages x
                    WHERE x.conversation_id = c.id AND x.seq > m.last_read_seq AND m.user_id = ANY(x.mentions)
                      AND x.deleted_at IS NULL
                      AND NOT EXISTS (SELECT 1 FROM message_hides h
                                      WHERE h.user_id = m.user_id AND h.message_id = x.id)
                   ) AS unread_mentions"""
# The list's order: pinned first (the newest pin on top), then by activity; unpinned sort as -infinity.
_LIST_ORDER = "coalesce(m.pinned_at, '-infinity') DESC, c.last_activity_at DESC, c.id DESC"


def find_direct(cur: Cursor, user_a: int, user_b: int) -> int | None:
    low, high = sorted((user_a, user_b))
    cur.execute(
        "SELECT id FROM conversations WHERE direct_user_low = %s AND direct_user_high = %s", (low, high)
    )
    row = cur.fetchone()
    return row["id"] if row else None


def create_direct_txn(cur: Cursor, user_a: int, user_b: int) -> tuple[int, bool]:
    """The 1:1 of two users, made if missing: (id, created). Safe against two creators at once."""
    low, high = sorted((user_a, user_b))
    cur.execute(
        """INSERT INTO conversations (kind, direct_user_low, direct_user_high, created_by)
           VALUES ('direct', %s, %s, %s)
           ON CONFLICT (direct_user_low, direct_user_high) DO NOTHING RETURNING id""",
        (low, high, user_a),
    )
    row = cur.fetchone()
    if row is None:  # made by another transaction: ON CONFLICT waited for its commit, so it is visible now
        existing = find_direct(cur, low, high)
        if existing is None:
            raise LookupError(f"the 1:1 of users {low} and {high} conflicted but cannot be found")
        return existing, False
    cur.execute(
        "INSERT INTO conversation_members (conversation_id, user_id) VALUES (%s, %s), (%s, %s)",
        (row["id"], low, row["id"], high),
    )
    return row["id"], True


def create_group_txn(cur: Cursor, title: str, owner_id: int, member_ids: list[int]) -> int:
    cur.execute(
        "INSERT INTO conversations (kind, title, created_by) VALUES ('group', %s, %s) RETURNING id",
        (title, owner_id),
    )
    conversation_id = cur.one()["id"]
    cur.execute(
        "INSERT INTO conversation_members (conversation_id, user_id, role) VALUES (%s, %s, 'owner')",
        (conversation_id, owner_id),
    )
    add_members(cur, conversation_id, [m for m in member_ids if m != owner_id])
    return conversation_id


def add_members(cur: Cursor, conversation_id: int, user_ids: list[int]) -> list[int]:
    """Adds those not yet members; returns who was added."""
    if not user_ids:
        return []
    cur.execute(
        """INSERT INTO conversation_members (conversation_id, user_id)
           SELECT %s, u FROM unnest(%s::bigint[]) AS u
           ON CONFLICT DO NOTHING RETURNING user_id""",
        (conversation_id, sorted(set(user_ids))),
    )
    return [row["user_id"] for row in cur.fetchall()]


def membership(cur: Cursor, conversation_id: int, user_id: int, *, lock: bool = False) -> Row | None:
    """The caller's membership row joined with the conversation's kind, or None for outsiders."""
    cur.execute(
        f"""SELECT m.role, m.last_read_seq, m.marked_unread, c.kind, c.last_seq
            FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.conversation_id = %s AND m.user_id = %s {"FOR UPDATE OF c" if lock else ""}""",
        (conversation_id, user_id),
    )
    return cur.fetchone()


def count_members(cur: Cursor, conversation_id: int) -> int:
    cur.execute(
        "SELECT count(*) AS n FROM conversation_members WHERE conversation_id = %s", (conversation_id,)
    )
    return cur.one()["n"]


def remove_member_txn(cur: Cursor, conversation_id: int, user_id: int) -> None:
    """Remove a member; if it was the owner, the longest-standing remaining member becomes owner."""
    cur.execute(
        "DELETE FROM conversation_members WHERE conversation_id = %s AND user_id = %s RETURNING role",
        (conversation_id, user_id),
    )
    row = cur.fetchone()
    if row and row["role"] == "owner":
        cur.execute(
            """UPDATE conversation_members SET role = 'owner'
               WHERE conversation_id = %s AND user_id = (
                   SELECT user_id FROM conversation_members WHERE conversation_id = %s
                   ORDER BY joined_at, user_id LIMIT 1)""",
            (conversation_id, conversation_id),
        )


def group_ids_of(cur: Cursor, user_id: int) -> list[int]:
    cur.execute(
        """SELECT m.conversation_id
           FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
           WHERE m.user_id = %s AND c.kind = 'group'""",
        (user_id,),
    )
    return [row["conversation_id"] for row in cur.fetchall()]


def set_title(cur: Cursor, conversation_id: int, title: str) -> None:
    cur.execute("UPDATE conversations SET title = %s WHERE id = %s", (title, conversation_id))


def mark_read(cur: Cursor, conversation_id: int, user_id: int, seq: int) -> dict | None:
    """Move the read position forward (never back, never past the last message)."""
    cur.execute(
        """UPDATE conversation_members m
           SET last_read_seq = GREATEST(m.last_read_seq, LEAST(%s, c.last_seq)), marked_unread = false
           FROM conversations c
           WHERE c.id = m.conversation_id AND m.conversation_id = %s AND m.user_id = %s
           RETURNING m.last_read_seq""",
        (seq, conversation_id, user_id),
    )
    row = cur.fetchone()
    if row is None:
        return None
    return {
        "last_read_seq": row["last_read_seq"],
        "unread_count": unread_count(cur, conversation_id, user_id),
    }


def unread_count(cur: Cursor, conversation_id: int, user_id: int) -> int:
    cur.execute(
        """SELECT count(*) AS n FROM messages x JOIN conversation_members m
               ON m.conversation_id = x.conversation_id AND m.user_id = %s
           WHERE x.conversation_id = %s AND x.seq > m.last_read_seq AND x.sender_id <> %s
             AND x.deleted_at IS NULL""",
        (user_id, conversation_id, user_id),
    )
    return cur.one()["n"]


def member_ids(cur: Cursor, conversation_id: int) -> list[int]:
    cur.execute("SELECT user_id FROM conversation_members WHERE conversation_id = %s", (conversation_id,))
    return [row["user_id"] for row in cur.fetchall()]


def members_of(cur: Cursor, conversation_ids: list[int]) -> dict[int, list[dict]]:
    """Members of many conversations in one query: {conversation_id: [user row + role]}, oldest first."""
    cur.execute(
        f"""SELECT m.conversation_id, m.role, m.last_read_seq, {USER_COLUMNS}
            FROM conversation_members m JOIN users u ON u.id = m.user_id
            WHERE m.conversation_id = ANY(%s) ORDER BY m.joined_at, u.id""",
        (list(conversation_ids),),
    )
    result: dict[int, list[dict]] = {cid: [] for cid in conversation_ids}
    for row in cur.fetchall():
        result[row["conversation_id"]].append(row)
    return result


def _last_message_select() -> str:
    columns = ", ".join(f"lm.{c.split('.')[1]} AS lm_{c.split('.')[1]}" for c in MESSAGE_COLUMNS.split(", "))
    return columns


def list_for_user(cur: Cursor, user_id: int, conversation_id: int | None = None) -> list[Row]:
    """The caller's conversations (or one of them) with read position, unread count and last message."""
    cur.execute(
        f"""SELECT {_CONVERSATION_COLUMNS}, m.last_read_seq, {_MEMBER_STATE_COLUMNS},
                   (SELECT count(*) FROM messages x
                    WHERE x.conversation_id = c.id AND x.seq > m.last_read_seq AND x.sender_id <> m.user_id
                      AND x.deleted_at IS NULL) AS unread_count,
                   {_UNREAD_MENTIONS},
                   {_last_message_select()}
            FROM conversation_members m
            JOIN conversations c ON c.id = m.conversation_id
            LEFT JOIN messages lm ON lm.conversation_id = c.id AND lm.seq = c.last_seq
                AND NOT EXISTS (SELECT 1 FROM message_hides h
                                WHERE h.user_id = m.user_id AND h.message_id = lm.id)
            WHERE m.user_id = %s AND (%s::bigint IS NULL OR c.id = %s::bigint)
            ORDER BY {_LIST_ORDER}""",
        (user_id, conversation_id, conversation_id),
    )
    return cur.fetchall()


def page_for_user(cur: Cursor, user_id: int, before: ListPosition | None, limit: int) -> list[Row]:
    """Up to ``limit`` of the caller's conversations in list order (pinned first, then most recent activity),
    strictly after the position ``before`` = (pinned_at, last_activity_at, id) of the previous page's last
    one; the per-caller fields (unread count, last message) are worked out for the page only."""
    pinned, at, after_id = before if before is not None else (None, None, None)
    cur.execute(
        f"""WITH page AS (
                SELECT c.id FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
                WHERE m.user_id = %(user)s
                  AND (%(at)s::timestamptz IS NULL
                       OR (coalesce(m.pinned_at, '-infinity'), c.last_activity_at, c.id)
                          < (coalesce(%(pinned)s::timestamptz, '-infinity'), %(at)s, %(id)s::bigint))
                ORDER BY {_LIST_ORDER} LIMIT %(limit)s)
            SELECT {_CONVERSATION_COLUMNS}, m.last_read_seq, {_MEMBER_STATE_COLUMNS},
                   (SELECT count(*) FROM messages x
                    WHERE x.conversation_id = c.id AND x.seq > m.last_read_seq AND x.sender_id <> m.user_id
                      AND x.deleted_at IS NULL) AS unread_count,
                   {_UNREAD_MENTIONS},
                   {_last_message_select()}
            FROM page
            JOIN conversations c ON c.id = page.id
            JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = %(user)s
            LEFT JOIN messages lm ON lm.conversation_id = c.id AND lm.seq = c.last_seq
                AND NOT EXISTS (SELECT 1 FROM message_hides h
                                WHERE h.user_id = m.user_id AND h.message_id = lm.id)
            ORDER BY {_LIST_ORDER}""",
        {"user": user_id, "pinned": pinned, "at": at, "id": after_id, "limit": limit},
    )
    return cur.fetchall()


def member_state(cur: Cursor, conversation_id: int, user_id: int) -> Row | None:
    """The member's own handling of the conversation (pinned, muted, marked unread, hidden), or None."""
    cur.execute(
        f"""SELECT {_MEMBER_STATE_COLUMNS} FROM conversation_members m
            WHERE m.conversation_id = %s AND m.user_id = %s""",
        (conversation_id, user_id),
    )
    return cur.fetchone()


def update_member_state(
    cur: Cursor,
    conversation_id: int,
    user_id: int,
    *,
    pinned: bool | None = None,
    muted: bool | None = None,
    marked_unread: bool | None = None,
    hidden: bool | None = None,
    mentions_when_muted: bool | None = None,
) -> Row | None:
    """Change what is given (None keeps it). Pinning keeps the first pin's time, so pinning twice does not
    reorder; hiding hides through the conversation's last message, so the next one brings it back."""
    cur.execute(
        f"""UPDATE conversation_members m SET
                pinned_at = CASE WHEN %(pinned)s::boolean IS NULL THEN m.pinned_at
                                 WHEN %(pinned)s THEN coalesce(m.pinned_at, clock_timestamp()) END,
                muted = coalesce(%(muted)s, m.muted),
                marked_unread = coalesce(%(unread)s, m.marked_unread),
                mentions_when_muted = coalesce(%(mentions)s, m.mentions_when_muted),
                hidden_through_seq = CASE WHEN %(hidden)s::boolean IS NULL THEN m.hidden_through_seq
                                          WHEN %(hidden)s THEN c.last_seq END
            FROM conversations c
            WHERE c.id = m.conversation_id AND m.conversation_id = %(conversation)s AND m.user_id = %(user)s
            RETURNING {_MEMBER_STATE_COLUMNS}""",
        {
            "pinned": pinned,
            "muted": muted,
            "unread": marked_unread,
            "hidden": hidden,
            "mentions": mentions_when_muted,
            "conversation": conversation_id,
            "user": user_id,
        },
    )
    return cur.fetchone()


def exported_for(cur: Cursor, user_id: int, after_id: int, limit: int) -> list[Row]:
    """The user's conversations as their data export names them, by id after ``after_id``: the id, kind and
    group title, and the user's own membership; nothing about the other members or their messages."""
    cur.execute(
        """SELECT c.id, c.kind, c.title, c.created_at, m.role, m.joined_at, m.last_read_seq
           FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
           WHERE m.user_id = %s AND c.id > %s ORDER BY c.id LIMIT %s""",
        (user_id, after_id, limit),
    )
    return cur.fetchall()


def get_public(cur: Cursor, conversation_id: int) -> Row | None:
    """The conversation without per-member fields, as events carry it."""
    cur.execute(f"SELECT {_CONVERSATION_COLUMNS} FROM conversations c WHERE c.id = %s", (conversation_id,))
    return cur.fetchone()
