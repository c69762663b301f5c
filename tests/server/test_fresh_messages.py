"""The storing process hands its new messages to its own live dispatch: same frames, one query fewer."""

from __future__ import annotations

import json

from server.services import events
from server.services.fresh_messages import FreshMessages
from server.services.live import Connection


def _next_frame(conn: Connection, kind: str) -> dict:
    while True:
        frame = conn.frames.get(timeout=30)
        assert frame is not None, f"closed ({conn.close_code}) before a {kind!r} frame"
        payload = json.loads(frame)
        if payload["type"] == kind:
            return payload


def test_it_holds_nothing_until_the_process_listens_and_keeps_within_its_limit():
    fresh = FreshMessages(limit=2)
    fresh.add({"id": 1})
    assert len(fresh) == 0
    fresh.listening = True
    for n in (1, 2, 3):
        fresh.add({"id": n})
    assert fresh.take(1) is None  # the oldest went first
    assert fresh.take(3) == {"id": 3}
    assert fresh.take(3) is None  # taken once


def test_a_message_sent_here_reaches_the_sockets_as_answered_and_is_taken(app, alice, bob):
    context = app.extensions["chatidk"]
    hub = context.hub
    chat = alice.direct_with(bob)["id"]
    to_alice, to_bob = hub.connect(alice.id, 1), hub.connect(bob.id, 2)
    try:
        sent = alice.send(chat, "hello")
        for conn in (to_alice, to_bob):
            frame = _next_frame(conn, "message.created")
            assert frame == {"type": "message.created", "conversation_id": chat, "seq": 1, "message": sent}
        assert context.fresh_messages.take(sent["id"]) is None  # taken by the dispatch
    finally:
        hub.disconnect(to_alice)
        hub.disconnect(to_bob)


def test_a_change_in_the_same_batch_is_loaded_as_it_is_now(app, alice, bob):
    """The created event carries the message as stored; an edit after it is its own event, loaded."""
    context = app.extensions["chatidk"]
    hub = context.hub
    chat = alice.direct_with(bob)["id"]
    to_bob = hub.connect(bob.id, 2)
    try:
        sent = alice.send(chat, "first words")
        _next_frame(to_bob, "message.created")
        edited = alice.patch(f"/conversations/{chat}/messages/1", {"text": "second thoughts"}).json["message"]
        _next_frame(to_bob, "message.edited")
        context.fresh_messages.add(sent)  # as if its event had not been dispatched yet
        hub.dispatch(
            [events.message("created", chat, sent["id"]), events.message("edited", chat, sent["id"])]
        )
        created = _next_frame(to_bob, "message.created")
        updated = _next_frame(to_bob, "message.edited")
        assert created["message"] == sent
        assert updated["message"] == edited and updated["version"] == edited["version"]
    finally:
        hub.disconnect(to_bob)


def test_a_message_stored_elsewhere_is_loaded(app, alice, bob):
    """Another process's message (nothing handed over here) reaches the sockets as before."""
    context = app.extensions["chatidk"]
    hub = context.hub
    chat = alice.direct_with(bob)["id"]
    to_bob = hub.connect(bob.id, 2)
    try:
        sent = alice.send(chat, "hello")
        _next_frame(to_bob, "message.created")
        assert context.fresh_messages.take(sent["id"]) is None
        hub.dispatch([events.message("created", chat, sent["id"])])
        assert _next_frame(to_bob, "message.created")["message"] == sent
    finally:
        hub.disconnect(to_bob)
