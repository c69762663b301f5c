"""Long histories for desktop tests, written straight into the test database (sending thousands of messages
one by one would take minutes and trip the send limits): what a conversation of years looks like."""

from __future__ import annotations

import psycopg2


def bulk_messages(
    database_url: str, conversation_id: int, sender_id: int, count: int, words: str = "message"
) -> None:
    """``count`` messages "<words> N" (N = seq; lower-case ASCII words) after the ones the conversation has,
    a minute apart, with their search terms as the server would store them."""
    connection = psycopg2.connect(database_url)
    try:
        with connection, connection.cursor() as cur:
            cur.execute("SELECT last_seq FROM conversations WHERE id = %s FOR UPDATE", (conversation_id,))
            first = int(cur.fetchone()[0]) + 1
            cur.execute(
                """INSERT INTO messages (conversation_id, seq, sender_id, client_id, body, created_at,
                                         search_terms)
                   SELECT %s, n, %s, gen_random_uuid(), %s || ' ' || n,
                          now() - interval '1 minute' * (%s - n),
                          array_to_tsvector(string_to_array(%s || ' ' || n, ' '))
                   FROM generate_series(%s, %s) AS n""",
                (conversation_id, sender_id, words, first + count, words, first, first + count - 1),
            )
            cur.execute(
                "UPDATE conversations SET last_seq = %s, last_activity_at = now() WHERE id = %s",
                (first + count - 1, conversation_id),
            )
    finally:
        connection.close()
