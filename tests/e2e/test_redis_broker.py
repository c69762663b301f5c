"""CHATIDK_REDIS_URL: three server processes on one PostgreSQL fan out through a real redis-server. Each
delivers the others' messages; a Redis restarted in the middle of a stream closes the affected sockets with
1012 and their clients catch up with every message exactly once."""

from __future__ import annotations

import threading
import uuid

import psycopg2
import pytest

from tests.support import wait
from tests.support.api import ApiClient
from tests.support.catchup import CatchingUpClient
from tests.support.events import EventStream

pytestmark = pytest.mark.slow

CHANNEL = "chatidk_events"


@pytest.fixture
def redis_servers(server_factory, redis_server):
    """Three single-worker server processes sharing the test's database, fanning out through Redis."""
    return [server_factory(workers=1, extra_env={"CHATIDK_REDIS_URL": redis_server.url}) for _ in range(3)]


def _pg_listeners(database_url: str) -> int:
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                   AND application_name LIKE 'chatidk-listener%'"""
            )
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_three_processes_deliver_each_others_messages_through_redis(
    redis_servers, redis_server, database_url
):
    people = [ApiClient(server.url, f"user{n}") for n, server in enumerate(redis_servers)]
    owner = people[0]
    group = owner.post(
        "/conversations", {"kind": "group", "title": "Redis", "member_ids": [p.id for p in people[1:]]}
    ).json()["conversation"]["id"]
    streams = [EventStream(server.ws_url, p.token) for server, p in zip(redis_servers, people, strict=True)]
    try:
        wait.until(
            lambda: redis_server.subscribers(CHANNEL) == 3, timeout=60, what="three processes subscribed"
        )
        sent = [p.send(group, f"from {p.username}").json()["message"] for p in people]
        for stream in streams:
            events = stream.wait_for(lambda ev: len([e for e in ev if e["type"] == "message.created"]) >= 3)
            created = [e["message"] for e in events if e["type"] == "message.created"]
            assert sorted(created, key=lambda m: m["seq"]) == sent
        assert _pg_listeners(database_url) == 0  # the fan-out went through Redis, not LISTEN/NOTIFY
    finally:
        for stream in streams:
            stream.close()


class _Sending:
    """Sends ``total`` messages, in turn from ``senders``, each retried with its client_id until acked."""

    def __init__(self, senders: list[ApiClient], conversation_id: int, total: int) -> None:
        self.acked = 0
        self.third = threading.Event()
        self._args = (senders, conversation_id, total)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        senders, conversation_id, total = self._args
        for n in range(total):
            sender, client_id = senders[n % len(senders)], str(uuid.uuid4())
            while sender.send(conversation_id, f"#{n}", client_id=client_id, timeout=30).status_code not in (
                200,
                201,
            ):
                pass
            self.acked += 1
            if self.acked == total // 3:
                self.third.set()

    def join(self) -> None:
        self._thread.join(timeout=180)
        assert not self._thread.is_alive(), "the sends did not finish"


def test_a_redis_restart_mid_stream_closes_sockets_with_1012_and_nothing_is_lost_or_doubled(
    redis_servers, redis_server
):
    people = [ApiClient(redis_servers[n % 3].url, f"member{n}") for n in range(6)]
    owner = people[0]
    group = owner.post(
        "/conversations", {"kind": "group", "title": "Restart", "member_ids": [p.id for p in people[1:]]}
    ).json()["conversation"]["id"]
    followers = [CatchingUpClient(p, redis_servers[n % 3].ws_url, group) for n, p in enumerate(people)]
    try:
        for follower in followers:
            wait.until(lambda f=follower: f.connections, timeout=60, what="follower connected")
        wait.until(
            lambda: redis_server.subscribers(CHANNEL) == 3, timeout=60, what="three processes subscribed"
        )
        total = 150
        sending = _Sending(people[:3], group, total)  # one sender on each process
        assert sending.third.wait(120)
        redis_server.restart()  # in the middle of the stream of sends
        sending.join()
        expected = list(range(1, total + 1))
        for follower in followers:
            wait.until(
                lambda f=follower: f.seqs() == expected,
                timeout=90,
                what=f"{follower.api.username} holding all {total} (holds {len(follower.seqs())})",
            )
        assert all(1012 in f.close_codes for f in followers), [f.close_codes for f in followers]
        stored = owner.messages_after(group)
        assert [m["seq"] for m in stored] == expected  # each acked send stored once
        assert sorted(m["text"] for m in stored) == sorted(f"#{n}" for n in range(total))
        for follower in followers:
            assert [follower.held[s]["id"] for s in expected] == [m["id"] for m in stored]
        wait.until(
            lambda: redis_server.subscribers(CHANNEL) == 3, timeout=60, what="every process subscribed again"
        )
    finally:
        for follower in followers:
            follower.close()
