"""SQL for reactions: the rows, the counts the limits need, and the aggregate messages carry."""

from __future__ import annotations

from server.db import Cursor, Row
from server.db.messages import MESSAGE_COLUMNS


def counts(cur: Cursor, message_id: int, user_id: int, emoji: str) -> Row:
    """``distinct_emoji`` on the message, ``mine`` (the user's reactions on it), ``exists`` (this one)."""
    cur.execute(
        """SELECT count(DISTINCT emoji) AS distinct_emoji,
                  count(*) FILTER (WHERE user_id = %s) AS mine,
                  coalesce(bool_or(user_id = %s AND emoji = %s), false) AS exists,
                  coalesce(bool_or(emoji = %s), false) AS emoji_present
           FROM message_reactions WHERE message_id = %s""",
        (user_id, user_id, emoji, emoji, message_id),
    )
    return cur.one()


def add(cur: Cursor, message_id: int, user_id: int, emoji: str) -> bool:
    """Whether it was new."""
    cur.execute(
        """INSERT INTO message_reactions (message_id, user_id, emoji) VALUES (%s, %s, %s)
           ON CONFLICT DO NOTHING RETURNING 1""",
        (message_id, user_id, emoji),
    )
    return cur.fetchone() is not None


def remove(cur: Cursor, message_id: int, user_id: int, emoji: str) -> bool:
    """Whether there was one."""
    cur.execute(
        "DELETE FROM message_reactions WHERE message_id = %s AND user_id = %s AND emoji = %s RETURNING 1",
        (message_id, user_id, emoji),
    )
    return cur.fetchone() is not None


def refresh_aggregate(cur: Cursor, message_id: int, version: int) -> Row:
    """Rewrite the message's ``reactions`` (in order of each emoji's first reaction) with the change
    ``version``; returns the message."""
    cur.execute(
        f"""UPDATE messages x SET version = %s, reactions = coalesce((
                SELECT jsonb_agg(jsonb_build_object('emoji', g.emoji, 'count', g.n, 'user_ids', g.firsts)
                                 ORDER BY g.first_at, g.emoji)
                FROM (SELECT emoji, count(*) AS n, min(created_at) AS first_at,
                             (array_agg(user_id ORDER BY created_at, user_id))[1:3] AS firsts
                      FROM message_reactions WHERE message_id = x.id GROUP BY emoji) g), '[]')
            WHERE x.id = %s RETURNING {MESSAGE_COLUMNS}""",
        (version, message_id),
    )
    return cur.one()


def mine(cur: Cursor, user_id: int, message_ids: list[int]) -> dict[int, list[str]]:
    """The emoji the user reacted with, per message, in the order they did."""
    if not message_ids:
        return {}
    cur.execute(
        """SELECT message_id, array_agg(emoji ORDER BY created_at, emoji) AS emoji FROM message_reactions
           WHERE user_id = %s AND message_id = ANY(%s::bigint[]) GROUP BY message_id""",
        (user_id, message_ids),
    )
    return {row["message_id"]: list(row["emoji"]) for row in cur.fetchall()}
