"""Route for message search across the caller's conversations."""

from __future__ import annotations

from flask import g

from server.api import schemas as s
from server.api.context import ctx
from server.api.routing import blueprint, endpoint
from server.db.search import SearchFilter
from server.services import search

bp = blueprint("search", __name__)


@endpoint(
    bp,
    "/search",
    "GET",
    summary="Messages I can read that hold these words, newest first",
    tag="messages",
    query=s.MessageSearch,
    responses={200: s.SearchResults},
    errors=(400, 401, 404, 429),
)
def search_messages(query: s.MessageSearch):
    where = SearchFilter(
        conversation_id=query.conversation_id,
        sender_id=query.sender,
        has=query.has_filters(),
        before=query.before,
        after=query.after,
        before_id=int(query.cursor) if query.cursor else None,
    )
    results, cursor = search.search(ctx(), g.user_id, query.q, where, query.limit)
    return {"results": results, "next_cursor": cursor}
