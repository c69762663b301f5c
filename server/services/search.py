"""Message search: the caller's words as index terms (shared/search_text.py), only messages they can read
now, newest first with a cursor, and where the words matched in each text."""

from __future__ import annotations

from server import render
from server.context import AppContext
from server.db import search as search_db
from server.db.search import SearchFilter
from server.errors import InvalidField
from server.services import throttle
from server.services.conversations import require_member
from shared import search_text


def search(
    app: AppContext, user_id: int, words: str | None, where: SearchFilter, limit: int
) -> tuple[list[dict], str | None]:
    """(results, cursor for the next page or None). Each result: the message, its conversation id and the
    ``[start, end)`` code point ranges of its text that the words matched. 400 for words that hold nothing
    to search for; 404 for a conversation the caller is not in, as for one that does not exist; 429 past
    CHATIDK_SEARCHES_PER_MINUTE."""
    query = None
    if words is not None:
        terms = search_text.query_terms(words)
        if not terms:
            raise InvalidField("q: has no letters, digits or emoji to search for", field="q")
        query = search_db.tsquery([(t.text, t.prefix) for t in terms])
    throttle.take_now(app.db, throttle.searches(app.config), throttle.user_key(user_id))
    with app.db.transaction() as cur:
        if where.conversation_id is not None:
            require_member(cur, where.conversation_id, user_id)
        rows = search_db.search(cur, user_id, query, where, limit + 1)
    results = [
        {
            "message": render.message(row),
            "conversation_id": row["conversation_id"],
            "highlights": [list(span) for span in search_text.highlights(row["body"], words)]
            if words
            else [],
        }
        for row in rows[:limit]
    ]
    cursor = str(rows[limit - 1]["id"]) if len(rows) > limit else None
    return results, cursor
