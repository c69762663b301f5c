"""Someone who hides their last seen sends their contacts no live moment: no "offline" (the exact time the
setting hides), nor the online and away transitions around it; contacts see "offline" with no time.

As found (issue 10): hide_last_seen hid the timestamp, but contacts still received the offline transition
live, i.e. the exact time.
"""

from __future__ import annotations

import json


def _frames_until(conn, kind: str) -> list[dict]:
    frames = []
    while True:
        frame = conn.frames.get(timeout=30)
        assert frame is not None, f"closed ({conn.close_code})"
        frames.append(json.loads(frame))
        if frames[-1]["type"] == kind:
            return frames


def _frames_until_message(conn) -> list[dict]:
    return _frames_until(conn, "message.created")


def _presence_of(frames: list[dict], user_id: int) -> list[dict]:
    return [f for f in frames if f["type"] == "presence" and f["user_id"] == user_id]


def test_a_hider_going_online_away_and_offline_sends_contacts_nothing(app, alice, bob):
    hub = app.extensions["chatidk"].hub
    chat = alice.direct_with(bob)["id"]
    assert alice.patch("/me", {"hide_last_seen": True}).status_code == 200
    to_bob = hub.connect(bob.id, 2)
    to_alice = hub.connect(alice.id, 1)
    assert bob.get("/presence").json["presence"] == [
        {"user_id": alice.id, "state": "offline", "last_seen": None}
    ]
    hub.client_frame(to_alice, {"type": "presence", "state": "away"})
    hub.client_frame(to_alice, {"type": "presence", "state": "online"})
    hub.disconnect(to_alice)  # her last socket: the moment the setting hides
    alice.send(chat, "after")  # her message comes after any presence of hers in the ordered stream
    assert _presence_of(_frames_until_message(to_bob), alice.id) == []
    assert bob.get("/presence").json["presence"] == [
        {"user_id": alice.id, "state": "offline", "last_seen": None}
    ]
    hub.disconnect(to_bob)


def test_turning_it_on_and_off_tells_contacts_once_at_the_moment_of_the_setting(app, alice, bob):
    hub = app.extensions["chatidk"].hub
    chat = alice.direct_with(bob)["id"]
    to_bob = hub.connect(bob.id, 2)
    to_alice = hub.connect(alice.id, 1)
    assert _frames_until(to_bob, "presence")[-1]["state"] == "online"  # she came online before hiding it
    assert alice.patch("/me", {"hide_last_seen": True}).status_code == 200
    alice.send(chat, "hidden now")
    frames = _presence_of(_frames_until_message(to_bob), alice.id)
    assert frames == [{"type": "presence", "user_id": alice.id, "state": "offline", "last_seen": None}]
    assert alice.patch("/me", {"hide_last_seen": False}).status_code == 200
    alice.send(chat, "shown again")
    frames = _presence_of(_frames_until_message(to_bob), alice.id)
    assert frames == [{"type": "presence", "user_id": alice.id, "state": "online", "last_seen": None}]
    hub.disconnect(to_alice)
    hub.disconnect(to_bob)
