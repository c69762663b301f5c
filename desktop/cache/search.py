"""Offline message search over the cache: an FTS5 table of the shared normaliser's terms, or a scan."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable

from shared.search_text import QueryTerm, index_terms, query_terms

log = logging.getLogger(__name__)

# The terms are already folded by shared.search_text and joined by spaces; the "ascii" tokenizer splits
# only on ASCII punctuation and spaces, so every stored term (accented, CJK bigram, emoji) stays one token.
CREATE_INDEX = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS message_terms USING fts5(terms, tokenize='ascii', detail='none')"
)


def fts5_available(connection: sqlite3.Connection) -> bool:
    """Whether this SQLite was built with FTS5 (most are; some distributions' are not)."""
    try:
        connection.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
        connection.execute("DROP TABLE temp.fts5_probe")
    except sqlite3.OperationalError:
        return False
    return True


def row_key(conversation_id: int, seq: int) -> int:
    """The FTS rowid of a message: the messages table has no rowid, and a delete by rowid is one lookup."""
    return (conversation_id << 32) | seq


def prepare_index(connection: sqlite3.Connection) -> bool:
    """Called on every open: make the index if FTS5 is there and it is not (a cache from schema 3, or from a
    SQLite without FTS5), indexing what is cached. False, with a log line, when search will scan instead."""
    if not fts5_available(connection):
        log.warning("this SQLite (%s) has no FTS5: offline search scans the cache", sqlite3.sqlite_version)
        return False
    exists = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'message_terms'").fetchone()
    if not exists:
        connection.execute(CREATE_INDEX)
        rows = connection.execute(
            "SELECT conversation_id, seq, text FROM messages WHERE deleted = 0 AND text IS NOT NULL"
        ).fetchall()
        reindex(connection, rows)
    return True


def reindex(connection: sqlite3.Connection, rows: Iterable[tuple[int, int, str | None]]) -> None:
    """Replace the terms of these (conversation_id, seq, text) messages; a None text (deleted) unindexes."""
    keys, inserts = [], []
    for conversation_id, seq, text in rows:
        key = row_key(conversation_id, seq)
        keys.append((key,))
        terms = index_terms(text)
        if text is not None and terms:
            inserts.append((key, " ".join(terms)))
    connection.executemany("DELETE FROM message_terms WHERE rowid = ?", keys)
    connection.executemany("INSERT INTO message_terms (rowid, terms) VALUES (?, ?)", inserts)


def unindex_conversation(connection: sqlite3.Connection, conversation_id: int) -> None:
    connection.execute(
        "DELETE FROM message_terms WHERE rowid BETWEEN ? AND ?",
        (row_key(conversation_id, 0), row_key(conversation_id, 0xFFFFFFFF)),
    )


def fts_query(terms: list[QueryTerm]) -> str:
    """An FTS5 MATCH expression: every term, quoted (never FTS syntax from the user), a prefix with ``*``."""
    return " ".join('"' + t.text.replace('"', '""') + '"' + ("*" if t.prefix else "") for t in terms)


def matches(terms: list[QueryTerm], text: str | None) -> bool:
    """The scan's test, the same rule as the index: every term present, a prefix term as a prefix."""
    held = index_terms(text)
    return all(any(h == t.text or (t.prefix and h.startswith(t.text)) for h in held) for t in terms)


__all__ = ["QueryTerm", "fts5_available", "fts_query", "matches", "prepare_index", "query_terms", "reindex"]
