"""Long histories for desktop tests, written straight into the test database (sending thousands of messages
one by one would take minutes and trip the send limits): what a conversation of years looks like."""

from __future__ import annotations

import psycopg2


def bulk_messages(database_url: str, conversation_id: int, sender_id: int, count: int) -> None:
    """``count`` messages "message N" (N = seq) after the ones the conversation has, a minute apart."""
    connection = psycopg2.connect(database_url)
    try:
        with connection, connection.cursor() as cur:
            cur.execute("SELECT last_seq FROM conversations WHERE id = %s FOR UPDATE", (conversation_id,))
            first = int(cur.fetchone()[0]) + 1
            cur.execute(
                """INSERT INTO messages (conversation_id, seq, sender_id, client_id, body, created_at,
                                         search_terms)
                   SELECT %s, n, %s, gen_random_uuid(), 'message ' || n,
                          now() - interval '1 minute' * (%s - n), to_tsvector('simple', 'message ' || n)
                   FROM generate_series(%s, %s) AS n""",
                (conversation_id, sender_id, first + count, first, first + count - 1),
            )
            cur.execute(
                "UPDATE conversations SET last_seq = %s, last_activity_at = now() WHERE id = %s",
                (first + count - 1, conversation_id),
            )
    finally:
        connection.close()
