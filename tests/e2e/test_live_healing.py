"""The live path heals itself: a LISTEN connection that is terminated, or silently stops answering, is
found within seconds, replaced, and every socket of the process is closed with 1012 so its client catches
up. Every client ends up with every message exactly once, live or through catch-up."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import uuid

import psycopg2
import pytest

from tests.support import wait
from tests.support.catchup import CatchingUpClient

pytestmark = pytest.mark.slow


def _listener_pids(database_url: str) -> list[int]:
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                """SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                   AND application_name LIKE 'chatidk-listener%' ORDER BY pid"""
            )
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


def _terminate(database_url: str, pids: list[int]) -> None:
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (pids,))
    finally:
        conn.close()


class _Sending:
    """Sends ``total`` messages one after another, each retried with its client_id until acknowledged."""

    def __init__(self, sender, conversation_id: int, total: int) -> None:
        self.acked = 0
        self.halfway = threading.Event()
        self._args = (sender, conversation_id, total)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        sender, conversation_id, total = self._args
        for n in range(total):
            client_id = str(uuid.uuid4())
            while sender.send(conversation_id, f"#{n}", client_id=client_id, timeout=30).status_code not in (
                200,
                201,
            ):
                pass
            self.acked += 1
            if self.acked == total // 3:
                self.halfway.set()

    def join(self) -> None:
        self._thread.join(timeout=120)
        assert not self._thread.is_alive(), "the sends did not finish"


def _group_with_followers(server, users, count: int):
    owner = users("owner", server=server)
    members = [users(f"member{i}", server=server) for i in range(count)]
    group = owner.post(
        "/conversations", {"kind": "group", "title": "Healing", "member_ids": [m.id for m in members]}
    ).json()["conversation"]["id"]
    followers = [CatchingUpClient(c, server.ws_url, group) for c in [owner, *members]]
    for follower in followers:
        wait.until(lambda f=follower: f.connections, timeout=60, what="follower connected")
    return owner, group, followers


def _everyone_has_everything(followers, total: int, timeout: float) -> None:
    expected = list(range(1, total + 1))
    for follower in followers:
        wait.until(
            lambda f=follower: f.seqs() == expected,
            timeout=timeout,
            what=f"{follower.api.username} holding every message (holds {len(follower.seqs())} of {total})",
        )


def test_a_terminated_listening_backend_costs_no_client_a_message(server_factory, users, database_url):
    server = server_factory(workers=2)
    owner, group, followers = _group_with_followers(server, users, 5)
    try:
        # A worker listens once it holds a socket; the kernel may hand every socket to one of the two.
        listeners = wait.until(lambda: _listener_pids(database_url), timeout=60, what="the workers listening")
        total = 150
        sending = _Sending(owner, group, total)
        assert sending.halfway.wait(60)
        _terminate(database_url, listeners)  # in the middle of the stream of sends
        sending.join()
        _everyone_has_everything(followers, total, timeout=60)
        assert all(1012 in f.close_codes for f in followers), [f.close_codes for f in followers]
        wait.until(
            lambda: len(set(_listener_pids(database_url)) - set(listeners)) >= len(listeners),
            timeout=60,
            what="every terminated listener replaced",
        )
        assert not set(_listener_pids(database_url)) & set(listeners)
    finally:
        for follower in followers:
            follower.close()


def test_a_listening_backend_that_stops_answering_is_replaced_within_seconds(
    server_factory, users, database_url
):
    """A stopped backend, like a silent network cut, sends nothing and closes nothing: select() alone would
    wait on it forever while every socket of the process misses every event."""
    server = server_factory(workers=1)
    owner, group, followers = _group_with_followers(server, users, 3)
    (listener,) = wait.until(lambda: _listener_pids(database_url), timeout=60, what="the worker listening")
    os.kill(listener, signal.SIGSTOP)
    try:
        total = 60
        sending = _Sending(owner, group, total)
        sending.join()
        # Found dead after 5 s of silence and a 5 s unanswered probe; the rest is margin for a busy machine.
        _everyone_has_everything(followers, total, timeout=60)
        assert all(1012 in f.close_codes for f in followers), [f.close_codes for f in followers]
        # A new LISTEN connection; the stopped backend lingers until it runs again and sees it was closed.
        assert len(set(_listener_pids(database_url)) - {listener}) == 1
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(listener, signal.SIGCONT)
        for follower in followers:
            follower.close()
