"""SQL for forwarding: a new message in another conversation that says whom it came from."""

from __future__ import annotations

import uuid

from psycopg2.extras import Json

from server.db import Cursor, Row
from server.db.messages import MESSAGE_COLUMNS


def store_forward_txn(
    cur: Cursor,
    conversation_id: int,
    sender_id: int,
    client_id: uuid.UUID,
    original: Row,
    origin_id: int | None,
    terms: list[str],
) -> Row:
    """Store the forward of ``original`` (its text and File objects) as the next message of the
    conversation, as :func:`server.db.messages.store_message_txn` stores a send (gapless seq, the sender's
    read position). ``forwarded_from.sender_id`` is ``origin_id`` (who wrote it first) only when that person
    is visible to the conversation's members: a member of it, or someone anyone may look up; else null."""
    cur.execute(
        f"""WITH c AS (
                UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = now()
                WHERE id = %(conversation)s RETURNING id, last_seq),
            origin AS (
                SELECT u.id FROM users u
                WHERE u.id = %(origin)s::bigint AND u.deleted_at IS NULL
                  AND (u.visible OR EXISTS (
                      SELECT 1 FROM conversation_members o
                      WHERE o.conversation_id = %(conversation)s AND o.user_id = u.id))),
            ins AS (
                INSERT INTO messages AS x
                    (conversation_id, seq, sender_id, client_id, body, attachments, search_terms,
                     forwarded_from)
                SELECT c.id, c.last_seq, %(sender)s, %(client)s, %(body)s, %(attachments)s,
                       array_to_tsvector(string_to_array(%(terms)s, ' ')),
                       jsonb_build_object('sender_id', (SELECT id FROM origin))
                FROM c
                RETURNING {MESSAGE_COLUMNS}),
            r AS (
                UPDATE conversation_members m SET last_read_seq = ins.seq FROM ins
                WHERE m.conversation_id = ins.conversation_id AND m.user_id = ins.sender_id)
            SELECT * FROM ins""",
        {
            "conversation": conversation_id,
            "origin": origin_id,
            "sender": sender_id,
            "client": str(client_id),
            "body": original["body"],
            "attachments": Json(original["attachments"]),
            "terms": " ".join(terms),
        },
    )
    return cur.one()
