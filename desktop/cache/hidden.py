"""What the cache knows I deleted for me, for the quotes of it: the server keeps a reply's quote the same for
everyone (docs/protocol.md, "Replies"), so a quote of a message I hid still carries its text; here it is
marked (ReplyTo.hidden) and reads "Deleted message", the way a quote of a deleted message does."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterable

from desktop.domain.records import Message

_CHUNK = 500  # seqs per IN (…): well below SQLite's variable limit


def remember(db: sqlite3.Connection, conversation_id: int, seqs: Iterable[int]) -> None:
    """Seqs I deleted for me (here, or on another device: ``message.hidden``, the change stream's
    ``hidden``). Called inside the caller's transaction."""
    db.executemany(
        "INSERT OR IGNORE INTO hidden (conversation_id, seq) VALUES (?, ?)",
        [(conversation_id, seq) for seq in set(seqs)],
    )


def forget(db: sqlite3.Connection, conversation_id: int) -> None:
    db.execute("DELETE FROM hidden WHERE conversation_id = ?", (conversation_id,))


def _among(db: sqlite3.Connection, sql: str, conversation_id: int, seqs: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(seqs), _CHUNK):
        chunk = seqs[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(sql.format(marks=marks), (conversation_id, *chunk))
        found.update(seq for (seq,) in rows)
    return found


def _covered(db: sqlite3.Connection, conversation_id: int, seq: int) -> bool:
    row = db.execute(
        "SELECT last_seq FROM covered WHERE conversation_id = ? AND first_seq <= ?"
        " ORDER BY first_seq DESC LIMIT 1",
        (conversation_id, seq),
    ).fetchone()
    return row is not None and row[0] >= seq


def hidden_among(db: sqlite3.Connection, conversation_id: int, seqs: Iterable[int]) -> set[int]:
    """Of ``seqs``, the ones I may not see: hidden on a device of mine, or covered without a message (a page
    leaves out what I deleted for me, so a device that never heard of the hide knows it this way)."""
    wanted = sorted(set(seqs))
    if not wanted:
        return set()
    hidden = _among(
        db, "SELECT seq FROM hidden WHERE conversation_id = ? AND seq IN ({marks})", conversation_id, wanted
    )
    rest = [seq for seq in wanted if seq not in hidden]
    held = _among(
        db, "SELECT seq FROM messages WHERE conversation_id = ? AND seq IN ({marks})", conversation_id, rest
    )
    return hidden | {seq for seq in rest if seq not in held and _covered(db, conversation_id, seq)}


def mark_quotes(db: sqlite3.Connection, messages: list[Message]) -> list[Message]:
    """``messages`` with the quotes of messages hidden for me marked (in place; returned for chaining): a few
    indexed look-ups per conversation, none at all for a page without replies."""
    targets: dict[int, set[int]] = {}
    for m in messages:
        if m.reply_to is not None and not m.reply_to.deleted:
            targets.setdefault(m.conversation_id, set()).add(m.reply_to.seq)
    hidden = {(c, seq) for c, seqs in targets.items() for seq in hidden_among(db, c, seqs)}
    for m in messages:
        if m.reply_to is not None and (m.conversation_id, m.reply_to.seq) in hidden:
            m.reply_to = dataclasses.replace(m.reply_to, hidden=True)
    return messages
