"""Cache schema 7 (forwards and mentions): a version 5 cache is migrated in place, keeping what it held, and
then keeps who a forward came from ("Forwarded" alone when not visible) and whom a message mentions."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from desktop.cache import HistoryCache, open_cache_database
from desktop.cache.database import SCHEMA, SCHEMA_VERSION
from desktop.domain.records import FORWARDED_UNKNOWN, Message, message_to_json


def _version_5(path) -> None:
    old = sqlite3.connect(path)
    old.executescript(SCHEMA.replace("    forwarded_from INTEGER,\n    mentions TEXT,\n", ""))
    old.execute(
        "INSERT INTO messages (conversation_id, seq, sender_id, client_id, text, created_at)"
        " VALUES (1, 1, 7, 'a', 'kept from before', '2026-11-20T09:00:00.000000Z')"
    )
    old.execute("PRAGMA user_version=5")
    old.commit()
    old.close()


def test_a_version_5_cache_is_migrated_and_keeps_forwards_and_mentions(tmp_path):
    path = tmp_path / "cache.sqlite3"
    _version_5(path)
    migrated = open_cache_database(path)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 7
    history = HistoryCache(migrated)
    (kept,) = history.latest_messages(1, 10)
    assert (kept.text, kept.forwarded_from, kept.mentions) == ("kept from before", None, [])

    created = datetime(2026, 11, 20, 10, tzinfo=UTC)
    history.store_messages(
        [
            Message(1, 2, 8, "b", "fwd", created, forwarded_from=7),
            Message(1, 3, 8, "c", "fwd of someone unseen", created, forwarded_from=FORWARDED_UNKNOWN),
            Message(1, 4, 7, "d", "@bob @carol", created, mentions=[8, 9]),
        ]
    )
    migrated.close()
    again = HistoryCache(open_cache_database(path))  # reopening migrates nothing twice
    stored = {m.confirmed_seq: (m.forwarded_from, m.mentions) for m in again.messages_after(1, 0)}
    assert stored == {1: (None, []), 2: (7, []), 3: (FORWARDED_UNKNOWN, []), 4: (None, [8, 9])}


def test_the_wire_forms_of_forwarded_from():
    created = "2026-11-20T10:00:00Z"
    base = {"conversation_id": 1, "seq": 1, "sender_id": 8, "client_id": "x", "created_at": created}
    assert Message.from_json({**base, "forwarded_from": None}).forwarded_from is None
    assert Message.from_json({**base, "forwarded_from": {"sender_id": 7}}).forwarded_from == 7
    unseen = Message.from_json({**base, "forwarded_from": {"sender_id": None}, "mentions": [3, "x"]})
    assert (unseen.forwarded_from, unseen.mentions) == (FORWARDED_UNKNOWN, [3])
    assert message_to_json(unseen)["forwarded_from"] == {"sender_id": None}
    assert Message.from_json(message_to_json(unseen)).forwarded_from == FORWARDED_UNKNOWN
