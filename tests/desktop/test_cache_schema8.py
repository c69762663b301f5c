"""Cache schema 8 (pins on messages, the seqs I deleted for me): a version 7 cache is migrated in place
keeping everything it held, then keeps `pinned_at`/`pinned_by` and lists its pins, and marks the quotes of
messages hidden for me: remembered ones, and covered seqs without a message (a device that never heard of
the hide)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from desktop.cache import HistoryCache, Outbox, OutboxEntry, open_cache_database
from desktop.cache.database import SCHEMA_VERSION
from desktop.domain.records import Message, ReplyTo, message_to_json
from tests.desktop.factories import message

VERSION_7 = """
CREATE TABLE conversations (id INTEGER PRIMARY KEY, data TEXT NOT NULL, last_activity_at TEXT);
CREATE TABLE messages (conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL, id INTEGER,
    sender_id INTEGER NOT NULL, client_id TEXT NOT NULL, text TEXT, created_at TEXT NOT NULL, edited_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0, attachments TEXT, version INTEGER NOT NULL DEFAULT 0, reply_to TEXT,
    reactions TEXT, my_reactions TEXT, forwarded_from INTEGER, mentions TEXT,
    PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
CREATE TABLE covered (conversation_id INTEGER NOT NULL, first_seq INTEGER NOT NULL, last_seq INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, first_seq)) WITHOUT ROWID;
CREATE TABLE outbox (position INTEGER PRIMARY KEY AUTOINCREMENT, client_id TEXT NOT NULL UNIQUE,
    conversation_id INTEGER NOT NULL, sender_id INTEGER NOT NULL, text TEXT NOT NULL,
    created_at TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0, error TEXT, attachments TEXT, reply_to TEXT);
CREATE TABLE drafts (conversation_id INTEGER PRIMARY KEY, text TEXT NOT NULL, files TEXT,
    updated_at TEXT NOT NULL, reply_to TEXT);
INSERT INTO messages (conversation_id, seq, sender_id, client_id, text, created_at, version, reply_to,
    reactions, my_reactions, mentions) VALUES
    (1, 1, 7, 'a', 'first', '2026-11-20T09:00:00.000000Z', 0, NULL, NULL, NULL, NULL),
    (1, 3, 8, 'c', 're first', '2026-11-20T09:02:00.000000Z', 4,
     '{"seq": 1, "sender_id": 7, "snippet": "first", "deleted": false}',
     '[{"emoji": "👍", "count": 2, "user_ids": [7, 8]}]', '["👍"]', '[7]');
INSERT INTO covered VALUES (1, 1, 3);
INSERT INTO outbox (client_id, conversation_id, sender_id, text, created_at) VALUES
    ('pending', 1, 8, 'on its way', '2026-11-20T09:03:00.000000Z');
INSERT INTO drafts VALUES (1, 'half written', NULL, '2026-11-20T09:04:00.000000Z', NULL);
PRAGMA user_version=7;
"""


def _version_7(path) -> None:
    old = sqlite3.connect(path)
    old.executescript(VERSION_7)
    old.commit()
    old.close()


def test_a_version_7_cache_is_migrated_in_place_and_loses_nothing(tmp_path):
    path = tmp_path / "cache.sqlite3"
    _version_7(path)
    migrated = open_cache_database(path)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 8
    history = HistoryCache(migrated)
    first, reply = history.messages_after(1, 0)
    assert (first.text, first.pinned_at, first.pinned_by) == ("first", None, None)
    assert (reply.text, reply.version, reply.mentions, reply.my_reactions) == ("re first", 4, [7], ["👍"])
    assert [(r.emoji, r.count) for r in reply.reactions] == [("👍", 2)]
    assert reply.reply_to == ReplyTo(1, 7, "first")  # its original is held: not hidden
    assert history.held_ranges(1) == [(1, 3)]
    assert [e.client_id for e in Outbox(migrated).entries()] == ["pending"]
    assert migrated.execute("SELECT text FROM drafts").fetchone() == ("half written",)
    assert history.hidden_for_me(1, [1, 2, 3]) == {2}  # seq 2: covered without a message
    migrated.close()
    again = HistoryCache(open_cache_database(path))  # opening again migrates nothing twice
    assert [m.text for m in again.messages_after(1, 0)] == ["first", "re first"]


def test_pins_are_kept_and_listed_the_latest_pin_first(tmp_path):
    history = HistoryCache(open_cache_database(tmp_path / "cache.sqlite3"))
    at = [datetime(2026, 11, 20, 10, minute, tzinfo=UTC) for minute in (5, 1, 9)]
    history.store_messages(
        [
            message(1, pinned_at=at[0], pinned_by=7),
            message(2, pinned_at=at[1], pinned_by=8),
            message(3),
            message(4, pinned_at=at[2], pinned_by=7),
            message(5, conversation_id=2, pinned_at=at[2], pinned_by=7),
        ]
    )
    assert [(m.seq, m.pinned_by) for m in history.pinned_messages(1)] == [(4, 7), (1, 7), (2, 8)]
    assert history.message(1, 2).pinned_at == at[1]
    history.store_messages([message(4, version=3)])  # unpinned (a later state)
    assert [m.seq for m in history.pinned_messages(1)] == [1, 2]
    assert [m.seq for m in history.pinned_messages(1, limit=1)] == [1]


def test_the_wire_form_of_a_pin():
    base = {"conversation_id": 1, "seq": 1, "sender_id": 8, "client_id": "x", "created_at": "2026-11-20T10Z"}
    pinned = Message.from_json({**base, "pinned_at": "2026-11-20T11:00:00Z", "pinned_by": 7})
    assert (pinned.pinned_at, pinned.pinned_by) == (datetime(2026, 11, 20, 11, tzinfo=UTC), 7)
    assert Message.from_json(message_to_json(pinned)).pinned_at == pinned.pinned_at
    odd = Message.from_json({**base, "pinned_at": 5, "pinned_by": "bob"})  # never trusted as such
    assert (odd.pinned_at, odd.pinned_by) == (None, None)


def _reply(seq: int, to: int, **extra) -> Message:
    return message(seq, reply_to=ReplyTo(to, 7, f"message {to}"), text=f"re {to}", **extra)


def test_quotes_of_messages_hidden_for_me_are_marked_on_every_read_and_never_stored(tmp_path):
    history = HistoryCache(open_cache_database(tmp_path / "cache.sqlite3"))
    history.store_page(1, [message(1), message(2), message(3), _reply(4, 2), _reply(5, 40)], (1, 5))
    assert not any(m.reply_to.hidden for m in history.messages_after(1, 3))

    history.remove_messages(1, [2, 40])  # 40: not held, nowhere near what is covered: remembered all the same
    assert history.hidden_for_me(1, [1, 2, 3, 40, 41]) == {2, 40}
    assert history.db.execute("SELECT seq FROM hidden ORDER BY seq").fetchall() == [(2,), (40,)]
    reads = [
        history.message(1, 4),
        history.messages_after(1, 3)[0],
        history.latest_messages(1, 2)[0],
        history.messages_before(1, 5, 1)[0],
        history.run_before(1, 5, 1).messages[0],
        history.run_after(1, 3, 1).messages[0],
        history.latest_run(1, 2)[0],
        history.window_around(1, 4, 4)[-2],
    ]
    assert all(m is not None and m.seq == 4 and m.reply_to.hidden and m.reply_to.gone for m in reads)
    assert history.message(1, 5).reply_to.hidden
    stored = history.db.execute("SELECT reply_to FROM messages WHERE seq = 4").fetchone()[0]
    assert "hidden" not in stored and '"snippet": "message 2"' in stored  # the server's quote, as it came

    # What arrives later quoting one: live, a page, a state — marked as it is stored, for the view.
    (live,) = history.store_live([_reply(6, 2)])
    (state,) = history.store_messages([_reply(7, 40)])
    (page,) = history.store_page(1, [_reply(9, 8)], (8, 9))  # 8: covered by this page, not in it
    assert live.reply_to.hidden and state.reply_to.hidden and page.reply_to.hidden
    (fresh,) = history.store_messages([_reply(10, 3)])
    assert not fresh.reply_to.hidden
    outbox = Outbox(history.db)
    outbox.add(OutboxEntry("c", 1, 8, "re", datetime(2026, 11, 20, tzinfo=UTC), reply_to=live.reply_to))
    assert outbox.get("c").reply_to.hidden is False  # the flag is this device's reading, not data

    history.forget_conversation(1)  # left: nothing of it stays
    assert history.db.execute("SELECT COUNT(*) FROM hidden").fetchone() == (0,)
