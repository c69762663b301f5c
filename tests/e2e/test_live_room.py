"""Presence, typing and read receipts over real sockets: who gets them, and what they say."""

from __future__ import annotations

import json
import uuid


def _of_type(kind: str, **fields):
    def match(events):
        return any(e["type"] == kind and all(e.get(k) == v for k, v in fields.items()) for e in events)

    return match


def test_presence_goes_online_away_and_offline_only_to_contacts(users, streams):
    alice, bob, stranger = users("alice"), users("bob"), users("stranger")
    alice.direct_with(bob)
    bob_stream, stranger_stream = streams(bob), streams(stranger)
    assert bob.get("/presence").json()["presence"] == [
        {"user_id": alice.id, "state": "offline", "last_seen": None}
    ]
    alice_stream = streams(alice)
    bob_stream.wait_for(_of_type("presence", user_id=alice.id, state="online"))
    alice_stream._ws.send('{"type": "presence", "state": "away"}')
    bob_stream.wait_for(_of_type("presence", user_id=alice.id, state="away"))
    alice_stream.close()
    events = bob_stream.wait_for(_of_type("presence", user_id=alice.id, state="offline"))
    offline = [e for e in events if e["type"] == "presence" and e["state"] == "offline"][-1]
    assert offline["last_seen"] is not None
    assert bob.get("/presence").json()["presence"][0]["last_seen"] == offline["last_seen"]
    # The stranger shares no conversation with alice: only presence of nobody reached them.
    assert not [e for e in stranger_stream.events if e["type"] == "presence" and e["user_id"] == alice.id]


def test_hidden_last_seen_is_hidden_both_ways(users, streams):
    alice, bob = users("alice"), users("bob")
    alice.direct_with(bob)
    assert alice.session.patch(f"{alice.url}/api/v1/me", json={"hide_last_seen": True}).status_code == 200
    bob_stream = streams(bob)
    alice_stream = streams(alice)
    # Online or not, bob sees her as offline with no time (tests/server/test_hidden_last_seen.py: and no
    # live moment either).
    assert bob.get("/presence").json()["presence"] == [
        {"user_id": alice.id, "state": "offline", "last_seen": None}
    ]
    # And alice, who hides hers, does not see bob's.
    bob_stream.close()
    events = alice_stream.wait_for(_of_type("presence", user_id=bob.id, state="offline"))
    assert [e["last_seen"] for e in events if e["type"] == "presence" and e["user_id"] == bob.id][-1] is None
    assert alice.get("/presence").json()["presence"][0]["last_seen"] is None


def test_typing_reaches_the_other_members_only_and_is_throttled(users, streams):
    alice, bob, carol = users("alice"), users("bob"), users("carol")
    conversation = alice.direct_with(bob)
    alice_stream, bob_stream, carol_stream = streams(alice), streams(bob), streams(carol)
    for _ in range(5):  # a burst of keystrokes: one event on the wire
        alice_stream._ws.send(f'{{"type": "typing", "conversation_id": {conversation}}}')
    alice_stream._ws.send('{"type": "typing", "conversation_id": 987654321}')  # not hers: ignored
    # A send on the same socket is handled after those frames (in order), so its event proves they were.
    alice_stream._ws.send(
        json.dumps(
            {"type": "send", "conversation_id": conversation, "client_id": str(uuid.uuid4()), "text": "done"}
        )
    )
    events = bob_stream.wait_for(_of_type("message.created"))
    typing = [e for e in events if e["type"] == "typing"]
    assert typing == [
        {"type": "typing", "conversation_id": conversation, "user_id": alice.id, "expires_in_ms": 6000}
    ]
    alice_stream.wait_for(_of_type("message.created"))
    assert not [e for e in alice_stream.events if e["type"] == "typing"]
    assert not [e for e in carol_stream.events if e["type"] == "typing"]


def test_read_position_reaches_the_sender_for_seen_receipts(users, streams):
    alice, bob = users("alice"), users("bob")
    conversation = alice.direct_with(bob)
    alice.send(conversation, "did you see this?")
    alice_stream = streams(alice)
    bob.post(f"/conversations/{conversation}/read", {"seq": 1})
    alice_stream.wait_for(_of_type("read", user_id=bob.id, seq=1))
    members = alice.get(f"/conversations/{conversation}").json()["conversation"]["members"]
    assert {m["user"]["id"]: m["last_read_seq"] for m in members} == {alice.id: 1, bob.id: 1}


def test_signing_out_other_devices_closes_their_sockets(users, streams):
    alice = users("alice")
    other = users("alice", register=False)
    stream, other_stream = streams(alice), streams(other)
    assert alice.post("/sessions/revoke-others").json() == {"revoked": 1}
    assert other_stream.closed.wait(30) and other_stream.close_code == 4401
    alice.send(alice.direct_with(users("bob")), "still here")
    stream.wait_for(_of_type("message.created"))
    assert not stream.closed.is_set()


def test_presence_and_typing_do_not_reach_across_a_block(users, streams):
    alice, bob, carol = users("alice"), users("bob"), users("carol")
    group = alice.post(
        "/conversations", {"kind": "group", "title": "Trio", "member_ids": [bob.id, carol.id]}
    ).json()["conversation"]["id"]
    assert bob.session.put(f"{bob.url}/api/v1/blocks/{alice.id}", json={}).status_code == 200
    bob_stream, carol_stream = streams(bob), streams(carol)
    alice_stream = streams(alice)
    carol_stream.wait_for(_of_type("presence", user_id=alice.id, state="online"))
    alice_stream._ws.send(f'{{"type": "typing", "conversation_id": {group}}}')
    carol_stream.wait_for(_of_type("typing", user_id=alice.id))
    alice.send(group, "a later event")  # groups stay shared: bob still gets messages
    bob_stream.wait_for(_of_type("message.created"))
    assert not [
        e for e in bob_stream.events if e["type"] in ("typing", "presence") and e["user_id"] == alice.id
    ]
    # Bob blocked alice, so alice does not see bob in GET /presence.
    assert bob.id not in [p["user_id"] for p in alice.get("/presence").json()["presence"]]


def test_name_and_picture_changes_reach_contacts_live(users, streams):
    import io

    from PIL import Image

    alice, bob, stranger = users("alice"), users("bob"), users("stranger")
    alice.direct_with(bob)
    bob_stream, stranger_stream = streams(bob), streams(stranger)
    alice.session.patch(f"{alice.url}/api/v1/me", json={"display_name": "Alice L."})
    events = bob_stream.wait_for(_of_type("user.updated"))
    assert [e["user"]["display_name"] for e in events if e["type"] == "user.updated"] == ["Alice L."]
    png = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(png, "PNG")
    r = alice.session.put(
        f"{alice.url}/api/v1/me/avatar", data=png.getvalue(), headers={"Content-Type": "image/png"}
    )
    assert r.status_code in (200, 201), r.text
    events = bob_stream.wait_for(lambda ev: len([e for e in ev if e["type"] == "user.updated"]) == 2)
    assert [e for e in events if e["type"] == "user.updated"][-1]["user"]["avatar"] is not None
    stranger.direct_with(users("carol"))  # a later event of the stranger's own proves nothing else came
    stranger_stream.wait_for(_of_type("conversation.created"))
    assert not [e for e in stranger_stream.events if e["type"] == "user.updated"]
