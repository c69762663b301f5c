"""The live-event hub of one process against the real PostgreSQL: what happens when the database fails it."""

from __future__ import annotations

import json
import queue

import pytest

from server.db import DatabaseUnavailable
from server.services import events
from server.services.live import Connection
from tests.support.pg import terminate_backends


def _frames_until(conn: Connection, kind: str) -> list[dict]:
    """The frames queued on ``conn`` up to one of type ``kind`` (waiting for each up to 30 s)."""
    seen = []
    while True:
        frame = conn.frames.get(timeout=30)
        if frame is None:
            raise AssertionError(f"closed ({conn.close_code}) before a {kind!r} frame; got {seen}")
        seen.append(json.loads(frame))
        if seen[-1]["type"] == kind:
            return seen


def _closed_with(conn: Connection) -> int | None:
    """The close code the socket's sender loop would act on, once it reaches the end of the queue."""
    while True:
        try:
            if conn.frames.get_nowait() is None:
                return conn.close_code
        except queue.Empty:
            return conn.close_code


def test_a_socket_whose_presence_cannot_be_recorded_is_not_left_registered(app, database_url, alice):
    hub = app.extensions["chatidk"].hub
    hub.disconnect(hub.connect(alice.id, 1))  # the listener runs; the pool holds idle connections
    # The database drops every connection of the pool: the presence insert of the next socket fails.
    terminate_backends(database_url, keep_listener=True)
    with pytest.raises(DatabaseUnavailable):
        hub.connect(alice.id, 2)
    assert hub.sockets.is_empty()


def test_an_event_that_cannot_be_delivered_closes_the_sockets_it_was_for_with_1012(
    app, database_url, alice, bob, carol
):
    hub = app.extensions["chatidk"].hub
    chat = alice.direct_with(bob)["id"]
    to_alice, to_bob, to_carol = hub.connect(alice.id, 1), hub.connect(bob.id, 2), hub.connect(carol.id, 3)
    first = alice.send(chat, "first")
    assert _frames_until(to_bob, "message.created")[-1]["message"] == first  # delivered live
    second = alice.send(chat, "second")
    # Delivered live too, from the frame its event carried (message_frames.py); the event sent again
    # below carries none, so the message must be loaded from the database.
    assert _frames_until(to_bob, "message.created")[-1]["message"] == second
    # The next batch meets a database that has just dropped the pool's connections, so the message
    # cannot be loaded: whoever it was for must be told to catch up, and nobody else disturbed.
    terminate_backends(database_url, keep_listener=True)
    hub.dispatch([events.message("created", chat, second["id"])])
    assert _closed_with(to_alice) == 1012
    assert _closed_with(to_bob) == 1012
    assert _closed_with(to_carol) is None
    for conn in (to_alice, to_bob, to_carol):
        hub.disconnect(conn)


def test_a_stopping_process_closes_its_sockets_with_1001_and_each_one_opened_after(app, alice, bob):
    hub = app.extensions["chatidk"].hub
    open_before = [hub.connect(alice.id, 1), hub.connect(bob.id, 2)]
    assert hub.going_away() == 2
    late = hub.connect(alice.id, 3)  # upgraded while the worker began to stop
    assert [_closed_with(conn) for conn in [*open_before, late]] == [1001, 1001, 1001]
    for conn in (*open_before, late):
        hub.disconnect(conn)
