"""Cache schema 6 (covered seq ranges): a version 5 cache is migrated in place, its held runs of messages
becoming its covered ranges, and from then on a page's coverage, live messages and "delete for me" keep
the islands true — a seq the server does not show me is no hole."""

from __future__ import annotations

import sqlite3

from desktop.cache import HistoryCache, open_cache_database
from desktop.cache.database import SCHEMA_VERSION
from tests.desktop.factories import message

VERSION_5 = """
CREATE TABLE conversations (id INTEGER PRIMARY KEY, data TEXT NOT NULL, last_activity_at TEXT);
CREATE TABLE messages (conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL, id INTEGER,
    sender_id INTEGER NOT NULL, client_id TEXT NOT NULL, text TEXT, created_at TEXT NOT NULL, edited_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0, attachments TEXT, version INTEGER NOT NULL DEFAULT 0, reply_to TEXT,
    reactions TEXT, my_reactions TEXT, PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;
CREATE TABLE outbox (position INTEGER PRIMARY KEY AUTOINCREMENT, client_id TEXT NOT NULL UNIQUE,
    conversation_id INTEGER NOT NULL, sender_id INTEGER NOT NULL, text TEXT NOT NULL,
    created_at TEXT NOT NULL, failed INTEGER NOT NULL DEFAULT 0, error TEXT, attachments TEXT, reply_to TEXT);
CREATE TABLE drafts (conversation_id INTEGER PRIMARY KEY, text TEXT NOT NULL, files TEXT,
    updated_at TEXT NOT NULL, reply_to TEXT);
"""


def _version_5_cache(path, held: dict[int, list[int]], version: int = 5) -> None:
    old = sqlite3.connect(path)
    old.executescript(VERSION_5)
    if version >= 7:  # forwards and mentions came with 7
        old.executescript("ALTER TABLE messages ADD COLUMN forwarded_from INTEGER;")
        old.executescript("ALTER TABLE messages ADD COLUMN mentions TEXT;")
    old.executemany(
        "INSERT INTO messages (conversation_id, seq, sender_id, client_id, text, created_at)"
        " VALUES (?, ?, 7, ?, ?, '2026-11-20T09:00:00.000000Z')",
        [(c, s, f"{c}-{s}", f"kept {s}") for c, seqs in held.items() for s in seqs],
    )
    old.execute(f"PRAGMA user_version={version}")
    old.commit()
    old.close()


def test_a_version_5_cache_is_migrated_in_place_its_held_runs_becoming_covered_ranges(tmp_path):
    path = tmp_path / "cache.sqlite3"
    _version_5_cache(path, {1: [1, 2, 3, 7, 8, 20], 2: [5, 6]})
    migrated = open_cache_database(path)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 6
    history = HistoryCache(migrated)
    assert history.held_ranges(1) == [(1, 3), (7, 8), (20, 20)]
    assert history.held_ranges(2) == [(5, 6)]
    assert [m.text for m in history.latest_messages(1, 2)] == ["kept 8", "kept 20"]  # nothing lost
    assert history.newest_covered(1) == 20 and history.newest_covered(3) is None
    migrated.close()
    again = HistoryCache(open_cache_database(path))  # opening again changes nothing
    assert again.held_ranges(1) == [(1, 3), (7, 8), (20, 20)]


def test_a_version_7_cache_made_before_step_6_covered_anything_gets_its_ranges_too(tmp_path):
    path = tmp_path / "cache.sqlite3"
    _version_5_cache(path, {1: [4, 5, 9]}, version=7)
    history = HistoryCache(open_cache_database(path))
    assert history.held_ranges(1) == [(4, 5), (9, 9)]
    history.cover(1, (6, 8))
    history.db.close()
    assert HistoryCache(open_cache_database(path)).held_ranges(1) == [(4, 9)]  # its own ranges stay


def test_a_cache_newer_than_this_client_is_refused(tmp_path):
    path = tmp_path / "cache.sqlite3"
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    newer.close()
    try:
        open_cache_database(path)
    except RuntimeError as error:
        assert "newer client" in str(error)
    else:
        raise AssertionError("a newer cache was opened")


def test_a_page_covers_the_seqs_it_skipped_and_runs_read_across_them(tmp_path):
    history = HistoryCache(open_cache_database(tmp_path / "c.sqlite3"))
    # seqs 4, 5 and 9 are deleted for me: the server's page of 1..10 leaves them out
    history.store_page(1, [message(n) for n in (1, 2, 3, 6, 7, 8, 10)], (1, 10))
    assert history.held_ranges(1) == [(1, 10)]
    older = history.run_before(1, 10, 100)
    assert [m.seq for m in older.messages] == [1, 2, 3, 6, 7, 8] and older.edge == 1  # nothing older
    limited = history.run_before(1, 10, 2)
    assert [m.seq for m in limited.messages] == [7, 8] and limited.edge == 7
    newer = history.run_after(1, 3, 100)
    assert [m.seq for m in newer.messages] == [6, 7, 8, 10] and newer.edge == 10
    assert history.run_after(1, 10, 5).messages == [] and history.run_after(1, 10, 5).edge == 10
    assert history.run_before(1, 6, 5).edge == 1 and [
        m.seq for m in history.run_before(1, 6, 5).messages
    ] == [
        1,
        2,
        3,
    ]
    assert [m.seq for m in history.latest_run(1, 4)] == [6, 7, 8, 10]
    assert [m.seq for m in history.window_around(1, 6, 4)] == [2, 3, 6, 7]
    assert history.covers(1, 4) and history.window_around(1, 4, 10) != []  # covered: no server needed
    assert not history.covers(1, 11)


def test_live_messages_extend_coverage_only_when_they_join_it(tmp_path):
    history = HistoryCache(open_cache_database(tmp_path / "c.sqlite3"))
    history.store_live([message(5)])  # nothing covered yet: it starts the newest island
    assert history.held_ranges(1) == [(5, 5)]
    history.store_live([message(6)])
    assert history.held_ranges(1) == [(5, 6)]
    history.store_live([message(9)])  # past a gap: held and shown, not covered
    assert history.held_ranges(1) == [(5, 6)] and history.newest_covered(1) == 6
    assert [m.seq for m in history.latest_run(1, 10)] == [5, 6, 9]
    assert history.message(1, 9) is not None
    history.store_page(1, [message(7), message(9)], (7, 9))  # the fill (8 deleted for me)
    assert history.held_ranges(1) == [(5, 9)]
    assert [m.seq for m in history.latest_run(1, 10)] == [5, 6, 7, 9]


def test_a_message_deleted_for_me_leaves_its_seq_covered(tmp_path):
    history = HistoryCache(open_cache_database(tmp_path / "c.sqlite3"))
    history.store_page(1, [message(n) for n in range(1, 6)], (1, 5))
    history.store_page(1, [message(n) for n in range(20, 23)], (20, 22))
    history.remove_messages(1, [3, 5, 23, 40])  # held ones, one just past an island, one far from any
    assert history.held_ranges(1) == [(1, 5), (20, 23)]
    assert [m.seq for m in history.run_before(1, 6, 10).messages] == [1, 2, 4]
    assert history.message(1, 3) is None
    history.forget_conversation(1)
    assert history.held_ranges(1) == []
