"""Typing and presence frames are budgeted per socket and per user, and what exceeds the budget is dropped.

As found (issue 10): 20,000 presence frames from one socket each became a transaction and a fan-out to every
contact, and typing frames to distinct conversation ids passed the per-conversation throttle one by one,
each a membership query that also filled the member cache, pushing real conversations out of it.
"""

from __future__ import annotations

import json
import queue

import pytest

from server.services import live, presence
from server.services.live_throttle import ChatterThrottle

FLOOD = 20_000


@pytest.fixture
def hub(app):
    return app.extensions["chatidk"].hub


def _typing_frames(conn) -> list[dict]:
    """The typing frames queued on ``conn`` so far (after the caller made sure they were delivered)."""
    frames = []
    while True:
        try:
            frame = conn.frames.get_nowait()
        except queue.Empty:
            return frames
        if frame is not None and json.loads(frame)["type"] == "typing":
            frames.append(json.loads(frame))


def _wait_for(conn, kind: str) -> dict:
    while True:
        frame = json.loads(conn.frames.get(timeout=30))
        if frame["type"] == kind:
            return frame


def test_typing_to_thousands_of_conversation_ids_costs_a_bounded_number_of_queries(
    app, hub, alice, bob, monkeypatch
):
    chat = alice.direct_with(bob)["id"]
    to_alice, to_bob = hub.connect(alice.id, 1), hub.connect(bob.id, 2)
    alice.send(chat, "hello")
    _wait_for(to_bob, "message.created")  # the chat's members are cached now
    cached_before = len(hub._members)
    lookups = []
    real_membership = live.conversations_db.membership
    monkeypatch.setattr(
        live.conversations_db,
        "membership",
        lambda cur, cid, uid, **kw: lookups.append(cid) or real_membership(cur, cid, uid, **kw),
    )
    for conversation_id in range(10**6, 10**6 + FLOOD):
        hub.client_frame(to_alice, {"type": "typing", "conversation_id": conversation_id})
    burst = app.extensions["chatidk"].config.live_frames_burst
    assert len(lookups) <= burst, f"{len(lookups)} membership queries for {FLOOD} typing frames"
    assert len(hub._members) == cached_before, "typing into foreign ids filled the member cache"
    assert hub._members.cached(chat) is not None
    # Her budget is spent: typing in her real chat is dropped too, until it refills.
    hub.client_frame(to_alice, {"type": "typing", "conversation_id": chat})
    alice.send(chat, "marker")
    _wait_for(to_bob, "message.created")
    assert _typing_frames(to_bob) == []
    hub.disconnect(to_alice)
    hub.disconnect(to_bob)


def test_typing_in_a_real_chat_still_reaches_the_other_side(hub, alice, bob):
    chat = alice.direct_with(bob)["id"]
    to_alice, to_bob = hub.connect(alice.id, 1), hub.connect(bob.id, 2)
    hub.client_frame(to_alice, {"type": "typing", "conversation_id": chat})
    assert _wait_for(to_bob, "typing")["user_id"] == alice.id
    hub.disconnect(to_alice)
    hub.disconnect(to_bob)


def test_a_presence_flood_becomes_at_most_a_burst_of_state_changes(app, hub, alice, monkeypatch):
    conn = hub.connect(alice.id, 1)
    changes = []
    monkeypatch.setattr(presence, "socket_idle", lambda app, user_id, socket_id, away: changes.append(away))
    for i in range(FLOOD):
        hub.client_frame(conn, {"type": "presence", "state": "away" if i % 2 == 0 else "online"})
    burst = app.extensions["chatidk"].config.live_frames_burst
    assert 1 <= len(changes) <= burst, f"{len(changes)} state changes from {FLOOD} frames"
    hub.disconnect(conn)


def test_a_presence_frame_that_changes_nothing_is_dropped_without_spending_the_budget(
    app, hub, alice, monkeypatch, configure
):
    configure(live_frames_burst=2)
    conn = hub.connect(alice.id, 1)
    changes = []
    monkeypatch.setattr(presence, "socket_idle", lambda app, user_id, socket_id, away: changes.append(away))
    for _ in range(100):
        hub.client_frame(conn, {"type": "presence", "state": "online"})  # it is online already
    hub.client_frame(conn, {"type": "presence", "state": "away"})
    for _ in range(100):
        hub.client_frame(conn, {"type": "presence", "state": "away"})
    hub.client_frame(conn, {"type": "presence", "state": "online"})
    assert changes == [True, False]
    hub.client_frame(conn, {"type": "presence", "state": "away"})  # the budget of 2 is spent
    assert changes == [True, False]
    hub.disconnect(conn)


def test_sockets_of_one_user_share_a_budget_of_two_sockets(app, hub, alice, monkeypatch, configure):
    configure(live_frames_burst=3)
    sockets = [hub.connect(alice.id, n) for n in (1, 2, 3)]
    changes = []
    monkeypatch.setattr(presence, "socket_idle", lambda app, user_id, socket_id, away: changes.append(away))
    counts = []
    for conn in sockets:
        for i in range(10):
            hub.client_frame(conn, {"type": "presence", "state": "away" if i % 2 == 0 else "online"})
        counts.append(len(changes))
    assert counts == [3, 6, 6], "a socket gets its burst, the user twice that, more sockets buy nothing"
    for conn in sockets:
        hub.disconnect(conn)


# ---- the buckets themselves, on a clock of our own ---------------------------------------------------


class _Settings:
    def __init__(self, burst: int, per_minute: int) -> None:
        self.live_frames_burst = burst
        self.live_frames_per_minute = per_minute


def test_buckets_refill_at_the_configured_rate_per_socket_and_per_user():
    now = [0.0]
    throttle = ChatterThrottle(lambda: _Settings(2, 60), clock=lambda: now[0])
    assert [throttle.allow(1, 7) for _ in range(3)] == [True, True, False]  # the socket's burst
    assert [throttle.allow(2, 7) for _ in range(3)] == [True, True, False]  # a second socket's
    assert throttle.allow(3, 7) is False  # the user's (twice a socket's) is spent
    assert throttle.allow(4, 8) is True  # someone else
    now[0] = 1.0  # a token a second per socket, two per user
    assert throttle.allow(1, 7) is True
    assert throttle.allow(1, 7) is False
    assert throttle.allow(3, 7) is True
    now[0] = 100.0
    assert [throttle.allow(1, 7) for _ in range(3)] == [True, True, False]  # refilled to the burst, no more
    throttle.socket_closed(1)


def test_burst_0_means_no_limit():
    throttle = ChatterThrottle(lambda: _Settings(0, 1))
    assert all(throttle.allow(1, 7) for _ in range(1000))
