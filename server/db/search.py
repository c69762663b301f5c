"""SQL for message search: the caller's readable messages whose search terms match, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server.db import Cursor, Row
from server.db.messages import MESSAGE_COLUMNS

# What each ``has`` filter asks of a message (attachments are the File objects stored with it).
_HAS = {
    "file": "x.attachments <> '[]'::jsonb",
    "image": """jsonb_path_exists(x.attachments, '$[*] ? (@.content_type starts with "image/")')""",
    "video": """jsonb_path_exists(x.attachments, '$[*] ? (@.content_type starts with "video/")')""",
    "link": r"x.body ~* '(https?://|www\.)[^[:space:]]'",
}
HAS_FILTERS = tuple(_HAS)
# Not a message the member ``m`` deleted for themselves (server/db/hides.py).
_NOT_HIDDEN_BY_MEMBER = (
    "NOT EXISTS (SELECT 1 FROM message_hides h WHERE h.user_id = m.user_id AND h.message_id = x.id)"
)


@dataclass(frozen=True)
class SearchFilter:
    """What a search asks for besides its words; None: no restriction."""

    conversation_id: int | None = None
    sender_id: int | None = None
    has: tuple[str, ...] = ()
    before: datetime | None = None
    after: datetime | None = None
    before_id: int | None = None  # the cursor: results older than this message id


def tsquery(terms: list[tuple[str, bool]]) -> str:
    """A tsquery that needs every (term, prefix) given; terms are quoted, so nothing in them is syntax."""
    quoted = []
    for text, prefix in terms:
        lexeme = text.replace("\\", "\\\\").replace("'", "''")
        quoted.append(f"'{lexeme}'" + (":*" if prefix else ""))
    return " & ".join(quoted)


def search(cur: Cursor, user_id: int, query: str | None, where: SearchFilter, limit: int) -> list[Row]:
    """Up to ``limit`` messages the user can read now, newest first: in a conversation they are a member of,
    not a tombstone, not hidden by their "delete for me" of the conversation or of the message, matching
    ``query`` (a tsquery from :func:`tsquery`; None: any text) and ``where``.

    The member's conversation ids are read first into an array, so the planner can combine the index on
    (conversation_id, seq) with the GIN index on the terms in one bitmap scan."""
    conditions = [
        "x.conversation_id = ANY(ARRAY(SELECT conversation_id FROM conversation_members WHERE user_id = %s"
        + (" AND conversation_id = %s" if where.conversation_id is not None else "")
        + "))",
        "x.deleted_at IS NULL",
        "(m.hidden_through_seq IS NULL OR x.seq > m.hidden_through_seq)",
        _NOT_HIDDEN_BY_MEMBER,
    ]
    params: list[object] = [user_id, user_id]
    if where.conversation_id is not None:
        params.append(where.conversation_id)
    if query is not None:
        conditions.append("x.search_terms @@ %s::tsquery")
        params.append(query)
    if where.sender_id is not None:
        conditions.append("x.sender_id = %s")
        params.append(where.sender_id)
    conditions.extend(_HAS[name] for name in where.has)
    if where.before is not None:
        conditions.append("x.created_at < %s")
        params.append(where.before)
    if where.after is not None:
        conditions.append("x.created_at > %s")
        params.append(where.after)
    if where.before_id is not None:
        conditions.append("x.id < %s")
        params.append(where.before_id)
    params.append(limit)
    cur.execute(
        f"""SELECT {MESSAGE_COLUMNS} FROM messages x
            JOIN conversation_members m ON m.conversation_id = x.conversation_id AND m.user_id = %s
            WHERE {" AND ".join(conditions)}
            ORDER BY x.id DESC LIMIT %s""",
        params,
    )
    return cur.fetchall()


def latest(cur: Cursor, user_id: int, limit: int) -> list[Row]:
    """The newest messages the user can read, by the index on (conversation_id, seq) alone, no text: the
    baseline bench/search.py measures searches against."""
    cur.execute(
        f"""SELECT {MESSAGE_COLUMNS} FROM conversation_members m
            CROSS JOIN LATERAL (
                SELECT * FROM messages x
                WHERE x.conversation_id = m.conversation_id AND x.deleted_at IS NULL
                  AND (m.hidden_through_seq IS NULL OR x.seq > m.hidden_through_seq)
                  AND {_NOT_HIDDEN_BY_MEMBER}
                ORDER BY x.seq DESC LIMIT %s) x
            WHERE m.user_id = %s
            ORDER BY x.id DESC LIMIT %s""",
        (limit, user_id, limit),
    )
    return cur.fetchall()


def unindexed(cur: Cursor, after_id: int, limit: int) -> list[Row]:
    """Live messages stored before search existed (no terms yet), in id order, a page at a time."""
    cur.execute(
        """SELECT id, body FROM messages WHERE id > %s AND search_terms IS NULL AND deleted_at IS NULL
           ORDER BY id LIMIT %s""",
        (after_id, limit),
    )
    return cur.fetchall()


def set_terms(cur: Cursor, terms: dict[int, list[str]]) -> None:
    """Store the search terms of messages by id (the backfill): never over the terms an edit stored since
    the text was read, nor on a message deleted since."""
    cur.execute(
        """UPDATE messages x SET search_terms = array_to_tsvector(string_to_array(u.terms, ' '))
           FROM unnest(%s::bigint[], %s::text[]) AS u (id, terms)
           WHERE x.id = u.id AND x.search_terms IS NULL AND x.deleted_at IS NULL""",
        (list(terms), [" ".join(t) for t in terms.values()]),
    )
