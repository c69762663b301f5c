"""The Redis broker against a real redis-server: one PUBLISH per committed transaction and none for a rolled
back one, a subscription that breaks or goes silent is a gap (on_gap) and is replaced, a failed PUBLISH is
logged and never fails the committed work it carried."""

from __future__ import annotations

import logging
import os
import signal
import threading

import pytest
import redis

from server.db import Database
from server.services.broker import _parse
from server.services.broker_redis import RedisBroker
from tests.support import wait


class _Received:
    def __init__(self) -> None:
        self.events: list[dict] = []
        self.gaps = 0
        self._lock = threading.Lock()

    def on_events(self, batch: list[dict]) -> None:
        with self._lock:
            self.events.extend(batch)

    def on_gap(self) -> None:
        with self._lock:
            self.gaps += 1


@pytest.fixture
def database(database_url):
    db = Database(database_url, 2)
    yield db
    db.close()


def _started(url: str, received: _Received, **probes: float) -> RedisBroker:
    broker = RedisBroker(url, **probes)
    broker.start(received.on_events, received.on_gap)
    return broker


def test_a_committed_transaction_publishes_its_events_once_together_and_a_rolled_back_one_nothing(
    redis_server, database
):
    received = _Received()
    broker = _started(redis_server.url, received)
    watcher = redis.Redis.from_url(redis_server.url, socket_timeout=30).pubsub()
    watcher.subscribe(broker.channel)
    try:
        with pytest.raises(RuntimeError), database.transaction() as cur:
            cur.execute("SELECT 1")
            broker.publish(cur, {"t": "typing", "c": 1, "u": 1})
            raise RuntimeError("rolled back")
        with database.transaction() as cur:
            cur.execute("SELECT 1")
            broker.publish(cur, {"t": "read", "c": 7, "u": 2, "s": 3})
            broker.publish(cur, {"t": "member_state", "c": 7, "u": 2})
        wait.until(lambda: len(received.events) >= 2, timeout=30, what="the committed events delivered")
        assert received.events == [
            {"t": "read", "c": 7, "u": 2, "s": 3},
            {"t": "member_state", "c": 7, "u": 2},
        ]
        # One PUBLISH for the transaction, carrying both; none for the rolled-back one, which came first.
        first = wait.until(lambda: _next_published(watcher), timeout=30, what="the PUBLISH seen")
        assert _parse([first.decode()]) == received.events
        assert received.gaps == 0
    finally:
        watcher.close()
        broker.stop()


def _next_published(pubsub) -> bytes | None:
    message = pubsub.get_message(timeout=5)
    return message["data"] if message is not None and message["type"] == "message" else None


def test_a_restarted_redis_is_a_gap_and_the_subscription_comes_back(redis_server, database):
    received = _Received()
    broker = _started(redis_server.url, received)
    try:
        redis_server.restart()
        wait.until(lambda: received.gaps >= 1, timeout=60, what="the broken subscription reported as a gap")
        wait.until(lambda: redis_server.subscribers(broker.channel) == 1, timeout=60, what="subscribed again")
        broker.start(received.on_events, received.on_gap)  # returns: listening again
        # The publisher's pooled connection died with the old Redis: the next PUBLISH reconnects.
        with database.transaction() as cur:
            cur.execute("SELECT 1")
            broker.publish(cur, {"t": "typing", "c": 3, "u": 4})
        wait.until(lambda: received.events, timeout=30, what="an event after the restart")
        assert received.events == [{"t": "typing", "c": 3, "u": 4}]
    finally:
        broker.stop()


def test_a_silent_redis_is_found_dead_by_the_probe(redis_server):
    """A stopped redis-server, like a silent network cut, closes nothing: the unanswered ping finds it."""
    received = _Received()
    broker = _started(redis_server.url, received, probe_every=2, probe_timeout=2)
    pid = redis_server.pid
    os.kill(pid, signal.SIGSTOP)
    try:
        wait.until(lambda: received.gaps >= 1, timeout=60, what="the silent subscription reported as a gap")
    finally:
        os.kill(pid, signal.SIGCONT)
        broker.stop()


def test_a_failed_publish_is_logged_and_does_not_fail_the_commit(redis_server, database, caplog):
    broker = RedisBroker(redis_server.url)
    redis_server.stop()
    with caplog.at_level(logging.ERROR, logger="server.services.broker_redis"), database.transaction() as cur:
        cur.execute("CREATE TABLE committed_anyway (n int)")
        broker.publish(cur, {"t": "typing", "c": 1, "u": 1})
    assert "could not publish 1 events to Redis" in caplog.text
    with database.autocommit() as cur:
        cur.execute("SELECT count(*) AS n FROM committed_anyway")
        assert cur.one()["n"] == 0  # the table exists: the transaction committed


def test_payloads_of_one_event_or_a_list_are_read_and_anything_else_is_dropped(caplog):
    with caplog.at_level(logging.ERROR, logger="server.services.broker"):
        batch = _parse(['{"t":"a"}', '[{"t":"b"},{"t":"c"}]', "not json", "[1, 2]", "3"])
    assert batch == [{"t": "a"}, {"t": "b"}, {"t": "c"}]
    assert caplog.text.count("dropping unreadable event payload") == 3
