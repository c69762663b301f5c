"""Cache schema 5 (replies and reactions): a version 4 cache is migrated in place, keeping what it held, and
then holds quotes, reactions, my own reactions and the quote of an unsent reply or draft."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from desktop.cache import DraftStore, HistoryCache, Outbox, OutboxEntry, open_cache_database
from desktop.cache.database import SCHEMA_VERSION
from desktop.domain.drafts import Draft
from desktop.domain.records import Message, Reaction, ReplyTo

VERSION_4 = """
CREATE TABLE conversations (id INTEGER PRIMARY KEY, data TEXT NOT NULL, last_activity_at TEXT);
CREATE TABLE messages (conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL, id INTEGER,
    sender_id INTEGER NOT NULL, client_id TEXT NOT NULL, text TEXT, created_at TEXT NOT NULL, edited_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0, attachments TEXT, PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
CREATE TABLE outbox (position INTEGER PRIMARY KEY AUTOINCREMENT, client_id TEXT NOT NULL UNIQUE,
    conversation_id INTEGER NOT NULL, sender_id INTEGER NOT NULL, text TEXT NOT NULL,
    created_at TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0, error TEXT, attachments TEXT);
CREATE TABLE drafts (conversation_id INTEGER PRIMARY KEY, text TEXT NOT NULL, files TEXT,
    updated_at TEXT NOT NULL);
INSERT INTO messages (conversation_id, seq, sender_id, client_id, text, created_at)
    VALUES (1, 1, 7, 'a', 'kept from before', '2026-11-20T09:00:00.000000Z');
INSERT INTO outbox (client_id, conversation_id, sender_id, text, created_at)
    VALUES ('c1', 1, 1, 'still to send', '2026-11-20T09:01:00.000000Z');
INSERT INTO drafts (conversation_id, text, updated_at) VALUES (1, 'half written', '2026-11-20T09:02:00Z');
PRAGMA user_version=4;
"""


def test_a_version_4_cache_is_migrated_in_place_and_keeps_everything(tmp_path):
    path = tmp_path / "cache.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(VERSION_4)
    old.close()

    migrated = open_cache_database(path)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 5
    history, outbox, drafts = HistoryCache(migrated), Outbox(migrated), DraftStore(migrated)
    (kept,) = history.latest_messages(1, 10)
    assert (kept.text, kept.version, kept.reply_to, kept.reactions, kept.my_reactions) == (
        "kept from before",
        0,
        None,
        [],
        [],
    )
    assert [e.text for e in outbox.entries()] == ["still to send"] and outbox.entries()[0].reply_to is None
    assert drafts.get(1) == Draft("half written")

    quote = ReplyTo(1, 7, "kept from before")
    reply = Message(1, 2, 8, "b", "answer", datetime(2026, 11, 20, 10, tzinfo=UTC), version=3, reply_to=quote)
    reply.reactions = [Reaction("👍", 2, (7, 8))]
    reply.my_reactions = ["👍"]
    history.store_messages([reply])
    outbox.add(OutboxEntry("c2", 1, 8, "me too", datetime(2026, 11, 20, 11, tzinfo=UTC), reply_to=quote))
    drafts.put(1, Draft("", [], quote))  # a reply alone is a draft too
    migrated.close()

    again = open_cache_database(path)  # reopening migrates nothing twice
    stored = HistoryCache(again).message(1, 2)
    assert stored is not None
    assert (stored.version, stored.reply_to, stored.reactions, stored.my_reactions) == (
        3,
        quote,
        [Reaction("👍", 2, (7, 8))],
        ["👍"],
    )
    assert Outbox(again).get("c2").as_message().reply_to == quote
    assert DraftStore(again).get(1).reply_to == quote
    again.close()


def test_an_older_state_never_replaces_a_newer_one_and_unknown_reactions_of_mine_are_kept(tmp_path):
    history = HistoryCache(open_cache_database(tmp_path / "cache.sqlite3"))
    created = datetime(2026, 11, 20, 10, tzinfo=UTC)
    newer = Message(1, 1, 7, "a", "edited", created, version=4, reactions=[Reaction("🎉", 1, (8,))])
    newer.my_reactions = ["🎉"]
    history.store_messages([newer])
    stale = Message(1, 1, 7, "a", "original", created, version=2)  # a page read before the edit
    (kept,) = history.store_messages([stale])
    assert (kept.text, kept.version) == ("edited", 4)
    event = Message(1, 1, 7, "a", "edited again", created, version=5)  # an event: my_reactions unknown
    assert event.my_reactions is None
    (applied,) = history.store_messages([event])
    assert (applied.text, applied.my_reactions) == ("edited again", ["🎉"])
    history.db.close()
