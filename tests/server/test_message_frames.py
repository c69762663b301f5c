"""A new message's frame is made once, by the storing process, and travels in its event: no process loads
or renders it again. What does not travel (a frame too big for NOTIFY) or is not new is loaded, and only
where one of its members has a socket."""

from __future__ import annotations

import json

import pytest

from server.db import messages as messages_db
from server.services import events
from server.services.live import Connection
from server.services.message_frames import created_frame

NOTIFY_LIMIT = 8000  # PostgreSQL refuses payloads of this many bytes and more


def _next_frame(conn: Connection, kind: str) -> dict:
    while True:
        frame = conn.frames.get(timeout=30)
        assert frame is not None, f"closed ({conn.close_code}) before a {kind!r} frame"
        payload = json.loads(frame)
        if payload["type"] == kind:
            return payload


@pytest.fixture
def loads(monkeypatch) -> list[list[int]]:
    """The ids of every message-loading query the live dispatch runs (the real query still runs)."""
    seen: list[list[int]] = []
    real = messages_db.get_messages_by_id

    def spy(cur, message_ids):
        seen.append(list(message_ids))
        return real(cur, message_ids)

    monkeypatch.setattr(messages_db, "get_messages_by_id", spy)
    return seen


def test_a_new_message_reaches_every_member_socket_as_answered_without_a_load(app, alice, bob, loads):
    hub = app.extensions["chatidk"].hub
    chat = alice.direct_with(bob)["id"]
    to_alice, to_bob = hub.connect(alice.id, 1), hub.connect(bob.id, 2)
    try:
        sent = alice.send(chat, "hello")
        for conn in (to_alice, to_bob):
            frame = _next_frame(conn, "message.created")
            assert frame == {"type": "message.created", "conversation_id": chat, "seq": 1, "message": sent}
        assert loads == []
    finally:
        hub.disconnect(to_alice)
        hub.disconnect(to_bob)


def test_the_events_of_a_batch_stay_under_notifys_limit_and_a_frame_too_big_travels_as_null():
    small = created_frame({"id": 1, "conversation_id": 1, "seq": 1, "body": "x" * 500})
    huge = created_frame({"id": 2, "conversation_id": 1, "seq": 2, "body": "é" * 2000})  # \u00e9 each
    created = [(9_000_000_000 + n, 9_100_000_000 + n, small) for n in range(40)]
    created.insert(7, (5, 6, huge))
    made = events.messages_created(created)
    assert len(made) > 1
    for event in made:
        assert len(json.dumps(event, separators=(",", ":")).encode()) < NOTIFY_LIMIT
        assert len(event["c"]) == len(event["m"]) == len(event["f"]) <= events.PER_EVENT
    flat = [(c, m, f) for e in made for c, m, f in zip(e["c"], e["m"], e["f"], strict=True)]
    assert [(c, m) for c, m, _ in flat] == [(c, m) for c, m, _ in created]  # all of them, in order
    assert flat[7][2] is None  # loaded by id instead
    assert all(f == small for n, (_, _, f) in enumerate(flat) if n != 7)


def test_a_message_too_big_for_the_event_is_loaded_and_delivered(app, alice, bob, loads):
    """A near-maximal text: the real NOTIFY is accepted (PostgreSQL would refuse 8000 bytes), the message
    goes by id and is loaded where it is delivered."""
    hub = app.extensions["chatidk"].hub
    chat = alice.direct_with(bob)["id"]
    to_bob = hub.connect(bob.id, 2)
    try:
        sent = alice.send(chat, "ü" * 9_000)
        assert _next_frame(to_bob, "message.created")["message"] == sent
        assert loads == [[sent["id"]]]
    finally:
        hub.disconnect(to_bob)


def test_an_event_without_its_frame_is_loaded(app, alice, bob, loads):
    """An event from a process that did not frame it (or of a message whose frame did not fit)."""
    hub = app.extensions["chatidk"].hub
    chat = alice.direct_with(bob)["id"]
    to_bob = hub.connect(bob.id, 2)
    try:
        sent = alice.send(chat, "hello")
        _next_frame(to_bob, "message.created")
        hub.dispatch([events.message("created", chat, sent["id"])])
        assert _next_frame(to_bob, "message.created")["message"] == sent
        assert loads == [[sent["id"]]]
    finally:
        hub.disconnect(to_bob)


def test_a_change_in_the_same_batch_is_loaded_as_it_is_now(app, alice, bob):
    """The created event carries the message as stored; an edit after it is its own event, loaded."""
    hub = app.extensions["chatidk"].hub
    chat = alice.direct_with(bob)["id"]
    to_bob = hub.connect(bob.id, 2)
    try:
        sent = alice.send(chat, "first words")
        _next_frame(to_bob, "message.created")
        edited = alice.patch(f"/conversations/{chat}/messages/1", {"text": "second thoughts"}).json["message"]
        _next_frame(to_bob, "message.edited")
        created = events.messages_created([(chat, sent["id"], created_frame(sent))])
        hub.dispatch([*created, events.message("edited", chat, sent["id"])])
        assert _next_frame(to_bob, "message.created")["message"] == sent
        updated = _next_frame(to_bob, "message.edited")
        assert updated["message"] == edited and updated["version"] == edited["version"]
    finally:
        hub.disconnect(to_bob)


def test_a_change_nobody_here_can_see_is_not_loaded(app, alice, bob, carol, loads):
    hub = app.extensions["chatidk"].hub
    theirs = alice.direct_with(bob)["id"]
    sent = alice.send(theirs, "between us")
    to_carol = hub.connect(carol.id, 3)  # the only socket of this process: not a member
    try:
        hub.dispatch([events.message("edited", theirs, sent["id"])])
        assert loads == []
        assert to_carol.frames.empty()
    finally:
        hub.disconnect(to_carol)


def test_a_member_added_in_the_batch_gets_the_change_after_it(app, alice, bob, carol, loads):
    """Membership moved within the batch: its messages are loaded whatever the cache said before."""
    hub = app.extensions["chatidk"].hub
    group = alice.group("Climbing", bob)["id"]
    sent = alice.send(group, "rope?")
    to_carol = hub.connect(carol.id, 3)
    try:
        r = alice.post(f"/conversations/{group}/members", {"user_ids": [carol.id]})
        assert r.status_code in (200, 201), r.json
        _next_frame(to_carol, "member.added")
        hub.dispatch([events.members_added(group, [carol.id]), events.message("edited", group, sent["id"])])
        assert _next_frame(to_carol, "message.edited")["message"]["id"] == sent["id"]
        assert loads and loads[-1] == [sent["id"]]
    finally:
        hub.disconnect(to_carol)
