"""The history cache: conversations and messages as last seen, merged by (conversation_id, seq)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

import desktop.cache.hidden as hidden
import desktop.cache.search as search
from desktop.cache.database import has_search_index, transaction
from desktop.domain.attachments import attachments_from_json
from desktop.domain.coverage import HistoryRun, SeqRange, merged
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
    " version, reply_to, reactions, my_reactions, forwarded_from, mentions, pinned_at, pinned_by"
)
_PLACEHOLDERS = ", ".join("?" * len(_MESSAGE_COLUMNS.split(",")))


def _row_to_message(row: tuple) -> Message:
    conversation_id, seq, id_, sender_id, client_id, text, created_at, edited_at, deleted, files = row[:10]
    version, reply_to, reactions, mine, forwarded_from, mentions, pinned_at, pinned_by = row[10:]
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
        pinned_at=parse_time(pinned_at),
        pinned_by=pinned_by,
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
        format_time(m.pinned_at),
        m.pinned_by,
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
            self.db.execute("DELETE FROM covered WHERE conversation_id = ?", (conversation_id,))
            hidden.forget(self.db, conversation_id)
            if self.indexed:
                search.unindex_conversation(self.db, conversation_id)

    def conversations(self) -> list[Conversation]:
        rows = self.db.execute("SELECT data FROM conversations ORDER BY last_activity_at DESC")
        return [Conversation.from_json(json.loads(data)) for (data,) in rows]

    # messages
    def _read(self, where: str, params: tuple) -> list[Message]:
        """Every read of messages: as held, with the quotes of what I deleted for me marked (hidden.py)."""
        rows = self.db.execute(f"SELECT {_MESSAGE_COLUMNS} FROM messages m {where}", params)  # noqa: S608
        return hidden.mark_quotes(self.db, [_row_to_message(r) for r in rows.fetchall()])

    def message(self, conversation_id: int, seq: int) -> Message | None:
        found = self._read("WHERE conversation_id = ? AND seq = ?", (conversation_id, seq))
        return found[0] if found else None

    def store_messages(self, messages: Iterable[Message]) -> list[Message]:
        """Returns the messages as now held (quotes marked as reads mark them). A state older than the one
        held (a lower change ``version``: a page read before a change that came first as an event) is not
        applied; one that does not say which reactions are mine (``my_reactions`` None) keeps the held
        ones. What the cache covers stays as it is: a message alone says nothing of its neighbours
        (store_page, store_live do)."""
        with transaction(self.db):
            return hidden.mark_quotes(self.db, self._store(messages))

    def _store(self, messages: Iterable[Message]) -> list[Message]:
        kept: list[Message] = []
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

    def store_page(
        self, conversation_id: int, messages: Iterable[Message], covered: SeqRange | None
    ) -> list[Message]:
        """A page from the server and the seqs it covers (desktop/domain/coverage.py), in one transaction:
        within them, a seq without a message holds nothing I may see (deleted for me)."""
        with transaction(self.db):
            kept = self._store(messages)
            if covered is not None:
                self._cover(conversation_id, covered)
            return hidden.mark_quotes(self.db, kept)  # after covering: what it covers says what is hidden

    def store_live(self, messages: Iterable[Message]) -> list[Message]:
        """Messages as they happen (events, my sent ones): each extends what is covered only when it comes
        right after it (or nothing is covered yet); one past a gap is held but not covered, so catch-up
        still starts at the gap and fills it."""
        with transaction(self.db):
            kept = self._store(messages)
            for m in sorted(kept, key=lambda m: m.confirmed_seq):
                newest = self._newest_covered(m.conversation_id)
                if newest is None or m.confirmed_seq <= newest + 1:
                    self._cover(m.conversation_id, (m.confirmed_seq, m.confirmed_seq))
            return hidden.mark_quotes(self.db, kept)

    def cover(self, conversation_id: int, covered: SeqRange) -> None:
        with transaction(self.db):
            self._cover(conversation_id, covered)

    def _cover(self, conversation_id: int, covered: SeqRange) -> None:
        """Joined with every range it overlaps or touches."""
        first, last = covered
        if first > last:
            return
        touching = self.db.execute(
            "SELECT first_seq, last_seq FROM covered WHERE conversation_id = ? AND first_seq <= ?"
            " AND last_seq >= ?",
            (conversation_id, last + 1, first - 1),
        ).fetchall()
        (joined,) = merged([(first, last), *[(int(a), int(b)) for a, b in touching]])
        self.db.executemany(
            "DELETE FROM covered WHERE conversation_id = ? AND first_seq = ?",
            [(conversation_id, a) for a, _ in touching],
        )
        self.db.execute(
            "INSERT INTO covered (conversation_id, first_seq, last_seq) VALUES (?, ?, ?)",
            (conversation_id, *joined),
        )

    def _range_holding(self, conversation_id: int, seq: int) -> SeqRange | None:
        row = self.db.execute(
            "SELECT first_seq, last_seq FROM covered WHERE conversation_id = ? AND first_seq <= ?"
            " ORDER BY first_seq DESC LIMIT 1",
            (conversation_id, seq),
        ).fetchone()
        return (int(row[0]), int(row[1])) if row is not None and row[1] >= seq else None

    def covers(self, conversation_id: int, seq: int) -> bool:
        """Whether the cache knows ``seq``: it holds its message, or the server has none there for me."""
        return self._range_holding(conversation_id, seq) is not None

    def _newest_covered(self, conversation_id: int) -> int | None:
        row = self.db.execute(
            "SELECT MAX(last_seq) FROM covered WHERE conversation_id = ?", (conversation_id,)
        ).fetchone()
        return row[0]

    def newest_covered(self, conversation_id: int) -> int | None:
        """The end of the newest covered range: where catch-up goes on from (None: nothing cached)."""
        return self._newest_covered(conversation_id)

    def remove_messages(self, conversation_id: int, seqs: Iterable[int]) -> None:
        """Messages deleted for me: gone from the cache and its search index, their seqs still covered (the
        server never sends them again: the island around them stays one, read without asking for them).
        A seq next to a covered range joins it; one anywhere else stays unknown, as it was. Every one is
        remembered as hidden, held or not: a quote of it may come later (hidden_for_me)."""
        keys = [(conversation_id, seq) for seq in set(seqs)]
        if not keys:
            return
        with transaction(self.db):
            self.db.executemany("DELETE FROM messages WHERE conversation_id = ? AND seq = ?", keys)
            hidden.remember(self.db, conversation_id, (seq for _, seq in keys))
            for _, seq in sorted(keys):
                if self.covers(conversation_id, seq - 1) or self.covers(conversation_id, seq + 1):
                    self._cover(conversation_id, (seq, seq))
            if self.indexed:
                search.reindex(self.db, [(c, s, None) for c, s in keys])

    def hidden_for_me(self, conversation_id: int, seqs: Iterable[int]) -> set[int]:
        """Of ``seqs``, the ones I deleted for me, as far as this device knows (hidden.hidden_among)."""
        return hidden.hidden_among(self.db, conversation_id, seqs)

    def pinned_messages(self, conversation_id: int, limit: int = 50) -> list[Message]:
        """The held pins, the latest pin first, as the pinned bar shows them until the server's answer (a
        pin of a message not held is not among them)."""
        return self._read(
            "WHERE conversation_id = ? AND pinned_at IS NOT NULL AND deleted = 0"
            " ORDER BY pinned_at DESC, seq DESC LIMIT ?",
            (conversation_id, limit),
        )

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
            return hidden.mark_quotes(self.db, [_row_to_message(r) for r in rows])
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
        return hidden.mark_quotes(self.db, found)

    def latest_messages(self, conversation_id: int, limit: int) -> list[Message]:
        rows = self._read("WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?", (conversation_id, limit))
        return rows[::-1]

    def messages_before(self, conversation_id: int, before_seq: int, limit: int) -> list[Message]:
        rows = self._read(
            "WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
            (conversation_id, before_seq, limit),
        )
        return rows[::-1]

    def messages_after(self, conversation_id: int, after_seq: int, limit: int = 1000) -> list[Message]:
        return self._read(
            "WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?", (conversation_id, after_seq, limit)
        )

    # history windows: a page never spans the gap between two covered ranges ("islands")
    def run_before(self, conversation_id: int, before_seq: int, limit: int) -> HistoryRun:
        """Up to ``limit`` cached messages just before ``before_seq``, ascending, within the covered range
        that reaches ``before_seq - 1``: after a jump the cache holds islands, and what lies between them is
        not known; inside one, a seq without a message is one the server does not show me."""
        covered = self._range_holding(conversation_id, before_seq - 1)
        if covered is None:
            return HistoryRun([], before_seq)
        messages = self._read(
            "WHERE conversation_id = ? AND seq < ? AND seq >= ? ORDER BY seq DESC LIMIT ?",
            (conversation_id, before_seq, covered[0], limit),
        )[::-1]
        return HistoryRun(messages, messages[0].confirmed_seq if len(messages) == limit else covered[0])

    def run_after(self, conversation_id: int, after_seq: int, limit: int) -> HistoryRun:
        """Up to ``limit`` cached messages just after ``after_seq``, ascending, within its covered range."""
        covered = self._range_holding(conversation_id, after_seq + 1)
        if covered is None:
            return HistoryRun([], after_seq)
        messages = self._read(
            "WHERE conversation_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
            (conversation_id, after_seq, covered[1], limit),
        )
        return HistoryRun(messages, messages[-1].confirmed_seq if len(messages) == limit else covered[1])

    def latest_run(self, conversation_id: int, limit: int) -> list[Message]:
        """What opening a chat shows: the newest covered range as far back as ``limit`` reaches, and the
        live messages held past it (they came past a gap that catch-up fills; shown live the same way)."""
        newest = self._newest_covered(conversation_id) or 0
        past = self._read(
            "WHERE conversation_id = ? AND seq > ? ORDER BY seq DESC LIMIT ?",
            (conversation_id, newest, limit),
        )[::-1]
        if newest == 0 or len(past) >= limit:
            return past
        return self.run_before(conversation_id, newest + 1, limit - len(past)).messages + past

    def window_around(self, conversation_id: int, seq: int, limit: int) -> list[Message]:
        """The cached messages around ``seq`` within its covered range (about half before it), or [] when
        ``seq`` is not covered. Covered but not among them: deleted for me."""
        if not self.covers(conversation_id, seq):
            return []
        rest = self.run_after(conversation_id, seq - 1, limit - limit // 2).messages
        return self.run_before(conversation_id, seq, limit // 2).messages + rest

    def held_ranges(self, conversation_id: int) -> list[tuple[int, int]]:
        """The covered ranges ("islands") as ``(first, last)`` seq ranges, ascending. Within one the cache
        knows every seq (its message, or that the server shows me none there); between two nothing."""
        rows = self.db.execute(
            "SELECT first_seq, last_seq FROM covered WHERE conversation_id = ? ORDER BY first_seq",
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
