"""Search terms for messages stored before search existed, filled in at start, a page at a time."""

from __future__ import annotations

import logging

from server.db import Database
from server.db import search as search_db
from shared import search_text

log = logging.getLogger(__name__)

PAGE = 1000


def backfill(db: Database, page: int = PAGE) -> int:
    """Index every live message that has no search terms yet; how many were. Each page commits on its own,
    so a restart goes on where this stopped, and a send or an edit meanwhile is never held up for long."""
    done = 0
    after = 0
    while True:
        with db.transaction() as cur:
            rows = search_db.unindexed(cur, after, page)
            if not rows:
                break
            search_db.set_terms(cur, {row["id"]: search_text.index_terms(row["body"]) for row in rows})
        after = rows[-1]["id"]
        done += len(rows)
        if done % (page * 50) == 0:
            log.info("search index: %s older messages indexed so far", done)
    if done:
        log.info("search index: %s older messages indexed", done)
    return done


def backfill_url(database_url: str) -> int:
    """:func:`backfill` over a connection of its own (``python -m server`` after migrating)."""
    db = Database(database_url, size=1)
    try:
        return backfill(db)
    finally:
        db.close()
