"""The SQLite cache and outbox on disk, and where the token is kept."""

from __future__ import annotations

import stat

from desktop.cache import HistoryCache, Outbox, OutboxEntry, open_cache_database
from desktop.credentials import FileCredentialStore, KeyringCredentialStore, make_credential_store
from desktop.domain.records import FAILED, SENDING
from tests.desktop.factories import BASE_TIME, conversation, message


def test_messages_merge_by_key_and_pages_read_in_order(tmp_path):
    history = HistoryCache(open_cache_database(tmp_path / "c.sqlite3"))
    history.store_page(1, [message(n) for n in range(1, 11)], (1, 10))
    history.store_messages([message(5, text="edited"), message(None)])  # replaced; pending ones never cached
    assert history.count_messages(1) == 10
    assert [m.seq for m in history.latest_run(1, 3)] == [8, 9, 10]
    assert [m.seq for m in history.run_before(1, 8, 3).messages] == [5, 6, 7]
    assert history.run_before(1, 8, 3).messages[0].text == "edited"
    assert [m.seq for m in history.messages_after(1, 8)] == [9, 10]


def test_held_ranges_are_the_islands_of_cached_history(tmp_path):
    history = HistoryCache(open_cache_database(tmp_path / "c.sqlite3"))
    assert history.held_ranges(1) == []
    for first, last in ((3, 5), (9, 10), (20, 20)):
        history.store_page(1, [message(n) for n in range(first, last + 1)], (first, last))
    assert history.held_ranges(1) == [(3, 5), (9, 10), (20, 20)]
    assert history.newest_covered(1) == 20  # catch-up asks for what comes after the newest island
    # a page never spans a gap: what lies between two islands is unknown, not empty
    assert [m.seq for m in history.run_before(1, 11, 100).messages] == [9, 10]
    assert [m.seq for m in history.run_after(1, 3, 100).messages] == [4, 5]
    assert history.run_after(1, 5, 100).messages == [] and history.run_before(1, 9, 100).messages == []
    assert [m.seq for m in history.latest_run(1, 100)] == [20]
    assert [m.seq for m in history.window_around(1, 4, 10)] == [3, 4, 5]
    assert history.window_around(1, 7, 10) == []  # not cached: the server is asked
    assert history.held_seqs(1, [1, 4, 7, 10, 20]) == {4, 10, 20}
    history.store_page(1, [message(n) for n in (6, 7, 8)], (6, 8))
    assert history.held_ranges(1) == [(3, 10), (20, 20)]
    history.store_messages([message(30)])  # a message's state alone covers nothing
    assert history.held_ranges(1) == [(3, 10), (20, 20)]


def test_conversations_survive_reopening(tmp_path):
    path = tmp_path / "c.sqlite3"
    database = open_cache_database(path)
    history = HistoryCache(database)
    history.save_conversations(
        [conversation(1, minutes=1), conversation(2, kind="group", title="G", minutes=5)]
    )
    database.close()
    again = HistoryCache(open_cache_database(path))
    assert [c.id for c in again.conversations()] == [2, 1]
    again.forget_conversation(2)
    assert [c.id for c in again.conversations()] == [1]


def test_outbox_keeps_order_and_state_across_reopening(tmp_path):
    path = tmp_path / "c.sqlite3"
    outbox = Outbox(open_cache_database(path))
    for n in range(3):
        outbox.add(OutboxEntry(f"c{n}", 1, 7, f"text {n}", BASE_TIME))
    outbox.mark_failed("c1", "refused")
    outbox.db.close()
    reopened = Outbox(open_cache_database(path))
    assert [e.client_id for e in reopened.pending()] == ["c0", "c2"]
    assert [e.as_message().state for e in reopened.for_conversation(1)] == [SENDING, FAILED, SENDING]
    reopened.retry("c1")
    reopened.remove("c0")
    assert [e.client_id for e in reopened.pending()] == ["c1", "c2"]


def test_file_credentials_are_private_and_per_server(tmp_path):
    store = FileCredentialStore(tmp_path / "dir" / "credentials.json")
    store.save("http://a", {"token": "t1", "user": {"id": 1}})
    store.save("http://b", {"token": "t2", "user": {"id": 2}})
    assert stat.S_IMODE((tmp_path / "dir" / "credentials.json").stat().st_mode) == 0o600
    assert store.load("http://a")["token"] == "t1"
    store.forget("http://a")
    assert store.load("http://a") is None and store.load("http://b")["token"] == "t2"


def test_no_usable_keyring_falls_back_to_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    assert isinstance(make_credential_store("auto", tmp_path), FileCredentialStore)
    assert isinstance(make_credential_store("file", tmp_path), FileCredentialStore)


def test_keyring_store_round_trip():
    class MemoryKeyring:
        def __init__(self) -> None:
            self.items: dict = {}

        def get_password(self, service, name):
            return self.items.get((service, name))

        def set_password(self, service, name, value):
            self.items[(service, name)] = value

        def delete_password(self, service, name):
            del self.items[(service, name)]

    store = KeyringCredentialStore(MemoryKeyring())
    store.save("http://a", {"token": "t"})
    assert store.load("http://a") == {"token": "t"}
    store.forget("http://a")
    store.forget("http://a")
    assert store.load("http://a") is None


def test_a_refusing_keyring_falls_back_to_the_file(tmp_path):
    class LockedKeyring:
        def get_password(self, service, name):
            return None

        def set_password(self, service, name, value):
            raise RuntimeError("the collection is locked")

        def delete_password(self, service, name):
            raise RuntimeError("the collection is locked")

    fallback = FileCredentialStore(tmp_path / "credentials.json")
    store = KeyringCredentialStore(LockedKeyring(), fallback=fallback)
    store.save("http://a", {"token": "t"})
    assert store.load("http://a") == {"token": "t"}
    store.forget("http://a")
    assert store.load("http://a") is None
