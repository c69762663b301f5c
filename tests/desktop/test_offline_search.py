"""Offline search over the cache: FTS5 fed with the shared normaliser's terms, and the scan without FTS5."""

from __future__ import annotations

import logging
import sqlite3

import pytest

from desktop.cache import HistoryCache, open_cache_database, search
from desktop.cache.database import SCHEMA_VERSION
from tests.desktop.factories import message

TEXTS = {
    1: "Meeting on Saturday at the Café",
    2: "明日の会議は10時",
    3: "Привет, ЁЛКА и ёжик",
    4: "see you at the meetup 🎉",
    5: "nothing here",
}


@pytest.fixture(params=["fts5", "scan"])
def history(request, tmp_path, monkeypatch):
    """The same cache twice: with this SQLite's FTS5, and as a SQLite without FTS5 would see it."""
    if request.param == "scan":
        monkeypatch.setattr(search, "fts5_available", lambda connection: False)
    cache = HistoryCache(open_cache_database(tmp_path / "c.sqlite3"))
    assert cache.indexed is (request.param == "fts5")
    cache.store_messages([message(seq, text=text) for seq, text in TEXTS.items()])
    cache.store_messages([message(1, text=f"other {n}", conversation_id=2) for n in range(1)])
    return cache


def found(history: HistoryCache, query: str, conversation_id: int | None = None) -> list[int]:
    return sorted(m.seq for m in history.search_messages(query, conversation_id) if m.seq is not None)


@pytest.mark.parametrize(
    ("query", "seqs"),
    [
        ("saturday", [1]),
        ("cafe", [1]),  # accents and case
        ("CAFÉ", [1]),
        ("meet", [1, 4]),  # the last word is a prefix
        ("meeting saturday", [1]),  # every word must be there
        ("meet saturday", []),  # only the last word is a prefix
        ("saturday meet", [1]),
        ("会議", [2]),  # CJK without word boundaries
        ("会", [2]),  # one CJK character: a prefix
        ("議会", []),  # other order, other word
        ("елка", [3]),  # Cyrillic: case and ё folded like the server does
        ("ежик", [3]),
        ("🎉", [4]),
        ("10", [2]),
        ("", []),
        ("   ,,, ", []),
        ('"meet*', [1, 4]),  # FTS syntax from the user is only text
        ("zebra", []),
    ],
)
def test_matching(history, query, seqs):
    assert found(history, query) == seqs


def test_newest_first_and_in_one_conversation(history):
    history.store_messages([message(1, text="saturday again", conversation_id=2, minutes=90)])
    assert [(m.conversation_id, m.seq) for m in history.search_messages("saturday")] == [(2, 1), (1, 1)]
    assert [m.conversation_id for m in history.search_messages("saturday", conversation_id=1)] == [1]


def test_edits_deletes_and_forgotten_conversations(history):
    history.store_messages([message(1, text="moved to Sunday")])
    assert found(history, "saturday") == []
    assert found(history, "sunday") == [1]
    history.store_messages([message(4, text="see you at the meetup", deleted=True)])
    assert found(history, "meetup") == []
    history.forget_conversation(1)
    assert found(history, "sunday") == []
    assert found(history, "other") == [1]  # conversation 2 untouched


def test_a_schema_3_cache_is_indexed_on_migration(tmp_path):
    path = tmp_path / "old.sqlite3"
    old = open_cache_database(path)
    HistoryCache(old).store_messages([message(seq, text=text) for seq, text in TEXTS.items()])
    old.execute("DROP TABLE message_terms")
    old.execute("PRAGMA user_version=3")
    old.close()
    history = HistoryCache(open_cache_database(path))
    assert history.indexed
    assert history.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert found(history, "cafe") == [1]
    assert found(history, "会議") == [2]


def test_without_fts5_it_logs_scans_and_indexes_once_fts5_is_there(tmp_path, monkeypatch, caplog):
    path = tmp_path / "c.sqlite3"
    monkeypatch.setattr(search, "fts5_available", lambda connection: False)
    with caplog.at_level(logging.WARNING, logger="desktop.cache.search"):
        database = open_cache_database(path)
    assert "no FTS5" in caplog.text
    history = HistoryCache(database)
    assert not history.indexed
    history.store_messages([message(1, text="Saturday")])
    assert found(history, "sat") == [1]
    database.close()
    monkeypatch.undo()
    again = HistoryCache(open_cache_database(path))
    assert again.indexed
    assert found(again, "sat") == [1]


def test_the_probe_sees_a_missing_module():
    connection = sqlite3.connect(":memory:")
    assert search.fts5_available(connection) in (True, False)
    assert search.fts_query(search.query_terms('say "hi" meet')) == '"say" "hi" "meet"*'
