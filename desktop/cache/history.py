"""The history cache: conversations and messages as last seen, merged by (conversation_id, seq)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

import desktop.cache.search as search
from desktop.cache.database import has_search_index, transaction
from desktop.domain.attachments import attachments_from_json
from desktop.domain.records import (
    Conversation,
    Message,
    ReplyTo,
    format_time,
    parse_time,
    reactions_from_json,
)

_MESSAGE_COLUMNS = (
    "conversation_id, seq, id, sender_id, client_id, text, created_at, edited_at, deleted, attachments,"
    " version, reply_to, reactions, my_reactions, forwarded_from, mentions"
)
_PLACEHOLDERS = ", ".join("?" * len(_MESSAGE_COLUMNS.split(",")))


def _row_to_message(row: tuple) -> Message:
    conversation_id, seq, id_, sender_id, client_id, text, created_at, edited_at, deleted, files = row[:10]
    version, reply_to, reactions, mine, forwarded_from, mentions = row[10:]
    return Message(
        conversation_id=conversation_id,
        seq=seq,
        id=id_,
        sender_id=sender_id,
        client_id=client_id,
        text=text,
        created_at=parse_time(created_at),
        edited_at=parse_time(edited_at),
        deleted=bool(deleted),
        attachments=attachments_from_json(json.loads(files)) if files else [],
        version=version or 0,
        reply_to=ReplyTo.from_json(json.loads(reply_to)) if reply_to else None,
        reactions=reactions_from_json(json.loads(reactions)) if reactions else [],
        my_reactions=[e for e in json.loads(mine) if isinstance(e, str)] if mine else [],
        forwarded_from=forwarded_from,
        mentions=[u for u in json.loads(mentions) if isinstance(u, int)] if mentions else [],
    )


def _message_row(m: Message) -> tuple:
    return (
        m.conversation_id,
        m.seq,
        m.id,
        m.sender_id,
        m.client_id,
        m.text,
        format_time(m.created_at),
        format_time(m.edited_at),
        int(m.deleted),
        json.dumps([a.to_json() for a in m.attachments]) if m.attachments else None,
        m.version,
        json.dumps(m.reply_to.to_json()) if m.reply_to else None,
        json.dumps([r.to_json() for r in m.reactions]) if m.reactions else None,
        json.dumps(m.my_reactions) if m.my_reactions else None,
        m.forwarded_from,
        json.dumps(m.mentions) if m.mentions else None,
    )


class HistoryCache:
    """Reads and writes of cached history. Messages are replaced by key, never added twice."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        # FTS5 when this SQLite has it and the index was made; else search scans (logged by prepare_index).
        self.indexed = has_search_index(connection) and search.fts5_available(connection)

    # conversations
    def save_conversations(self, conversations: Iterable[Conversation]) -> None:
        rows = [(c.id, json.dumps(c.to_json()), format_time(c.last_activity_at)) for c in conversations]
        with transaction(self.db):
            self.db.executemany(
                "INSERT OR REPLACE INTO conversations (id, data, last_activity_at) VALUES (?, ?, ?)", rows
            )

    def forget_conversation(self, conversation_id: int) -> None:
        with transaction(self.db):
            self.db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
            self.db.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
            if self.indexed:
                search.unindex_conversation(self.db, conversation_id)

    def conversations(self) -> list[Conversation]:
        rows = self.db.execute("SELECT data FROM conversations ORDER BY last_activity_at DESC")
        return [Conversation.from_json(json.loads(data)) for (data,) in rows]

    # messages
    def message(self, conversation_id: int, seq: int) -> Message | None:
        row = self.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND seq = ?",  # noqa: S608
            (conversation_id, seq),
        ).fetchone()
        return _row_to_message(row) if row is not None else None

    def store_messages(self, messages: Iterable[Message]) -> list[Message]:
        """Returns the messages as now held. A state older than the one held (a lower change ``version``:
        a page read before a change that came first as an event) is not applied; one that does not say
        which reactions are mine (``my_reactions`` None) keeps the held ones."""
        kept: list[Message] = []
        with transaction(self.db):
            for m in messages:
                if m.seq is None:
                    continue
                held = self.db.execute(
                    "SELECT version, my_reactions FROM messages WHERE conversation_id = ? AND seq = ?",
                    (m.conversation_id, m.seq),
                ).fetchone()
                if held is not None and held[0] > m.version:
                    stale = self.message(m.conversation_id, m.seq)
                    if stale is not None:
                        kept.append(stale)
                    continue
                if m.my_reactions is None:
                    m.my_reactions = json.loads(held[1]) if held is not None and held[1] else []
                kept.append(m)
            rows = [_message_row(m) for m in kept if m.seq is not None]
            self.db.executemany(
                f"INSERT OR REPLACE INTO messages ({_MESSAGE_COLUMNS}) VALUES ({_PLACEHOLDERS})",  # noqa: S608
                rows,
            )
            if self.indexed:
                search.reindex(self.db, [(r[0], r[1], None if r[8] else r[5]) for r in rows])
        return kept

    def remove_messages(self, conversation_id: int, seqs: Iterable[int]) -> None:
        """Messages deleted for me: gone from the cache and its search index (the server never sends them
        again, so what was an island around them is two from now on)."""
        keys = [(conversation_id, seq) for seq in set(seqs)]
        if not keys:
            return
        with transaction(self.db):
            self.db.executemany("DELETE FROM messages WHERE conversation_id = ? AND seq = ?", keys)
            if self.indexed:
                search.reindex(self.db, [(c, s, None) for c, s in keys])

    def search_messages(
        self, query: str, conversation_id: int | None = None, limit: int = 100
    ) -> list[Message]:
        """Cached messages holding every term of ``query`` (the last word as a prefix), newest first;
        deleted ones never. The same normaliser as the server, so both find the same messages."""
        terms = search.query_terms(query)
        if not terms:
            return []
        where = " AND m.conversation_id = ?" if conversation_id is not None else ""
        extra: tuple[int, ...] = (conversation_id,) if conversation_id is not None else ()
        columns = ", ".join("m." + c.strip() for c in _MESSAGE_COLUMNS.split(","))
        if self.indexed:
            rows = self.db.execute(
                f"SELECT {columns} FROM message_terms t JOIN messages m"  # noqa: S608 - constant columns
                " ON m.conversation_id = (t.rowid >> 32) AND m.seq = (t.rowid & 4294967295)"
                f" WHERE message_terms MATCH ? AND m.deleted = 0{where} ORDER BY m.created_at DESC LIMIT ?",
                (search.fts_query(terms), *extra, limit),
            ).fetchall()
            return [_row_to_message(r) for r in rows]
        found = []
        scan = self.db.execute(
            f"SELECT {columns} FROM messages m"  # noqa: S608 - constant columns
            f" WHERE m.deleted = 0 AND m.text IS NOT NULL{where} ORDER BY m.created_at DESC",
            extra,
        )
        for row in scan:
            if search.matches(terms, row[5]):
                found.append(_row_to_message(row))
                if len(found) >= limit:
                    break
        return found

    def latest_messages(self, conversation_id: int, limit: int) -> list[Message]:
        rows = self.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ?"  # noqa: S608 - constant columns
            " ORDER BY seq DESC LIMIT ?",
            (conversation_id, limit),
        ).fetchall()
        return [_row_to_message(r) for r in reversed(rows)]

    def messages_before(self, conversation_id: int, before_seq: int, limit: int) -> list[Message]:
        rows = self.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND seq < ?"  # noqa: S608
            " ORDER BY seq DESC LIMIT ?",
            (conversation_id, before_seq, limit),
        ).fetchall()
        return [_row_to_message(r) for r in reversed(rows)]

    def messages_after(self, conversation_id: int, after_seq: int, limit: int = 1000) -> list[Message]:
        rows = self.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND seq > ?"  # noqa: S608
            " ORDER BY seq LIMIT ?",
            (conversation_id, after_seq, limit),
        ).fetchall()
        return [_row_to_message(r) for r in rows]

    # history windows: a page never spans the gap between two islands of cached history
    def run_before(self, conversation_id: int, before_seq: int, limit: int) -> list[Message]:
        """Up to ``limit`` cached messages just before ``before_seq``, ascending, stopping at the first
        missing seq: after a jump the cache holds islands, and what lies between them is not known."""
        rows = self.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND seq < ? AND seq >= ?"  # noqa: S608
            " ORDER BY seq DESC",
            (conversation_id, before_seq, before_seq - limit),
        ).fetchall()
        run: list[Message] = []
        for row in rows:
            if row[1] != before_seq - 1 - len(run):
                break
            run.append(_row_to_message(row))
        return run[::-1]

    def run_after(self, conversation_id: int, after_seq: int, limit: int) -> list[Message]:
        """Up to ``limit`` cached messages just after ``after_seq``, ascending, stopping at the first gap."""
        rows = self.db.execute(
            f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND seq > ? AND seq <= ?"  # noqa: S608
            " ORDER BY seq",
            (conversation_id, after_seq, after_seq + limit),
        ).fetchall()
        run: list[Message] = []
        for row in rows:
            if row[1] != after_seq + 1 + len(run):
                break
            run.append(_row_to_message(row))
        return run

    def latest_run(self, conversation_id: int, limit: int) -> list[Message]:
        """The newest cached messages, as far back as they are unbroken (what opening a chat shows)."""
        newest = self.newest_seq(conversation_id)
        return [] if newest is None else self.run_before(conversation_id, newest + 1, limit)

    def window_around(self, conversation_id: int, seq: int, limit: int) -> list[Message]:
        """The unbroken cached messages around ``seq`` (about half before it), or [] when it is not cached."""
        rest = self.run_after(conversation_id, seq - 1, limit - limit // 2)
        if not rest or rest[0].seq != seq:
            return []
        return self.run_before(conversation_id, seq, limit // 2) + rest

    def held_ranges(self, conversation_id: int) -> list[tuple[int, int]]:
        """The islands of cached history as ``(first, last)`` seq ranges, ascending. Within one the cache
        holds every message (seqs have no holes on the server); between two nothing is known."""
        rows = self.db.execute(
            "SELECT MIN(seq), MAX(seq) FROM (SELECT seq, seq - ROW_NUMBER() OVER (ORDER BY seq) AS island"
            " FROM messages WHERE conversation_id = ?) GROUP BY island ORDER BY 1",
            (conversation_id,),
        ).fetchall()
        return [(int(first), int(last)) for first, last in rows]

    def held_seqs(self, conversation_id: int, seqs: Iterable[int]) -> set[int]:
        """Which of ``seqs`` are cached (the change stream applies changes to exactly these)."""
        wanted = sorted(set(seqs))
        held: set[int] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT seq FROM messages WHERE conversation_id = ? AND seq IN ({marks})",  # noqa: S608
                (conversation_id, *chunk),
            )
            held.update(seq for (seq,) in rows)
        return held

    def oldest_seq(self, conversation_id: int) -> int | None:
        row = self.db.execute("SELECT MIN(seq) FROM messages WHERE conversation_id = ?", (conversation_id,))
        return row.fetchone()[0]

    def newest_seq(self, conversation_id: int) -> int | None:
        row = self.db.execute("SELECT MAX(seq) FROM messages WHERE conversation_id = ?", (conversation_id,))
        return row.fetchone()[0]

    def count_messages(self, conversation_id: int) -> int:
        row = self.db.execute("SELECT COUNT(*) FROM messages WHERE conversation_id = ?", (conversation_id,))
        return row.fetchone()[0]
