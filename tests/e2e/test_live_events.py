"""Live events over the real WebSocket of a real server process."""

from __future__ import annotations

import socket

import requests
import websocket


def test_socket_refuses_missing_and_unknown_tokens(live_server):
    for header in ([], ["Authorization: Bearer nope"], ["Authorization: Basic abc"]):
        try:
            websocket.create_connection(live_server.ws_url, header=header, timeout=30)
        except websocket.WebSocketBadStatusException as exc:
            assert exc.status_code == 401
        else:
            raise AssertionError("the upgrade should have been refused")


def test_message_reaches_every_session_of_every_member_and_nobody_else(users, streams):
    alice, bob, carol = users("alice"), users("bob"), users("carol")
    bob_laptop = users("bob", register=False)
    conversation = alice.direct_with(bob)
    opened = {
        name: streams(c)
        for name, c in [("alice", alice), ("bob", bob), ("bob2", bob_laptop), ("carol", carol)]
    }
    sent = alice.send(conversation, "hello <b>bob</b> 👋").json()["message"]
    for name in ("alice", "bob", "bob2"):
        events = opened[name].wait_for(lambda ev: any(e["type"] == "message.created" for e in ev))
        created = [e for e in events if e["type"] == "message.created"]
        assert created == [
            {"type": "message.created", "conversation_id": conversation, "seq": 1, "message": sent}
        ]
    # Carol shares nothing with them: a later event of her own arrives, and it is the only one she got.
    own = carol.direct_with(alice)
    opened["carol"].wait_for(lambda ev: any(e["type"] == "conversation.created" for e in ev))
    assert all(e.get("conversation_id") == own for e in opened["carol"].events)


def test_edit_delete_and_membership_events(users, streams):
    alice, bob = users("alice"), users("bob")
    stream = streams(bob)
    group = alice.post("/conversations", {"kind": "group", "title": "Climbing", "member_ids": [bob.id]})
    group_id = group.json()["conversation"]["id"]
    stream.wait_for(lambda ev: any(e["type"] == "conversation.created" for e in ev))
    alice.send(group_id, "first")
    alice.session.patch(f"{alice.url}/api/v1/conversations/{group_id}/messages/1", json={"text": "edited"})
    alice.session.delete(f"{alice.url}/api/v1/conversations/{group_id}/messages/1")
    alice.session.patch(f"{alice.url}/api/v1/conversations/{group_id}", json={"title": "Bouldering"})
    alice.session.delete(f"{alice.url}/api/v1/conversations/{group_id}/members/{bob.id}")
    events = stream.wait_for(lambda ev: any(e["type"] == "member.removed" for e in ev))
    types = [e["type"] for e in events]
    assert types == [
        "conversation.created",
        "message.created",
        "message.edited",
        "message.deleted",
        "conversation.updated",
        "member.removed",
    ]
    # Events carry the message as it is when delivered: the edit may already show the later deletion.
    assert events[2]["message"]["text"] in ("edited", None)
    assert events[3]["message"] == {**events[3]["message"], "text": None, "deleted": True, "seq": 1}
    assert events[4]["conversation"]["title"] == "Bouldering"
    assert events[5] == {"type": "member.removed", "conversation_id": group_id, "user_id": bob.id}
    # Bob is out: nothing more from the group reaches him.
    alice.send(group_id, "after bob left")
    alice.send(alice.direct_with(bob), "but 1:1 still works")
    events = stream.wait_for(lambda ev: ev[-1]["type"] == "message.created")
    assert events[-1]["message"]["text"] == "but 1:1 still works"
    assert len(events) == 8  # + conversation.created (the 1:1) and its message; nothing from the group


def test_logout_closes_the_socket_with_4401(users, streams):
    alice = users("alice")
    stream = streams(alice)
    assert alice.session.delete(f"{alice.url}/api/v1/sessions/current").status_code == 204
    assert stream.closed.wait(30)
    assert stream.close_code == 4401
    assert alice.get("/me").status_code == 401


def test_read_position_reaches_my_other_sessions(users, streams):
    alice, bob = users("alice"), users("bob")
    alice_phone = users("alice", register=False)
    conversation = bob.direct_with(alice)
    bob.send(conversation, "one")
    bob.send(conversation, "two")
    stream = streams(alice_phone)
    r = alice.post(f"/conversations/{conversation}/read", {"seq": 2})
    assert r.json() == {"last_read_seq": 2, "unread_count": 0}
    events = stream.wait_for(lambda ev: any(e["type"] == "read" for e in ev))
    assert [e for e in events if e["type"] == "read"] == [
        {"type": "read", "conversation_id": conversation, "user_id": alice.id, "seq": 2}
    ]


def test_my_handling_of_a_conversation_reaches_my_other_sessions_only(users, streams):
    alice, bob = users("alice"), users("bob")
    alice_phone = users("alice", register=False)
    conversation = bob.direct_with(alice)
    bob.send(conversation, "one")
    phone, other = streams(alice_phone), streams(bob)
    r = alice.patch(f"/conversations/{conversation}/me", {"pinned": True, "muted": True})
    assert r.status_code == 200, r.text
    me = r.json()["me"]
    events = phone.wait_for(lambda ev: any(e["type"] == "conversation.member_updated" for e in ev))
    assert [e for e in events if e["type"] == "conversation.member_updated"] == [
        {"type": "conversation.member_updated", "conversation_id": conversation, "me": me}
    ]
    # Reading clears "marked unread" on every device: that is an update too.
    alice.patch(f"/conversations/{conversation}/me", {"marked_unread": True})
    alice.post(f"/conversations/{conversation}/read", {"seq": 1})
    phone.wait_for(
        lambda ev: (
            [e["me"]["marked_unread"] for e in ev if e["type"] == "conversation.member_updated"][-2:]
            == [True, False]
        )
    )
    bob.send(conversation, "marker")  # Bob's stream got the message, and never Alice's own state
    seen = other.wait_for(lambda ev: any(e["type"] == "message.created" for e in ev))
    assert not [e for e in seen if e["type"] == "conversation.member_updated"]


def test_healthz_reports_database(live_server):
    assert requests.get(live_server.url + "/healthz", timeout=30).json() == {"status": "ok", "database": "ok"}


def test_a_socket_that_stops_answering_pings_is_closed(server_factory, live_server):
    """A raw socket that completes the handshake and then never answers a ping, like a dead peer."""
    from tests.support.api import ApiClient

    server = server_factory(extra_env={"CHATIDK_WS_PING_INTERVAL": "1"})
    alice = ApiClient(server.url, "alice")
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as raw:
        raw.sendall(
            b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            + f"Authorization: Bearer {alice.token}\r\n\r\n".encode()
        )
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            buffer += raw.recv(4096)
        assert buffer.startswith(b"HTTP/1.1 101")
        buffer = buffer.split(b"\r\n\r\n", 1)[1]
        opcodes = []
        while 8 not in opcodes:  # read frames (server frames are unmasked) until the close frame
            while len(buffer) < 2 or len(buffer) < 2 + (buffer[1] & 0x7F):
                chunk = raw.recv(4096)
                assert chunk, "the server dropped the connection without a close frame"
                buffer += chunk
            length = buffer[1] & 0x7F
            opcodes.append(buffer[0] & 0x0F)
            payload, buffer = buffer[2 : 2 + length], buffer[2 + length :]
        assert 9 in opcodes  # it pinged first
        assert int.from_bytes(payload[:2], "big") == 1008  # policy violation: ping/pong timeout
    alice.session.close()


def test_sending_over_the_socket_is_acknowledged_idempotent_and_validated(users, streams):
    import json
    import uuid

    alice, bob = users("alice"), users("bob")
    conversation = alice.direct_with(bob)
    stream, bob_stream = streams(alice), streams(bob)
    client_id = str(uuid.uuid4())
    frame = {
        "type": "send",
        "conversation_id": conversation,
        "client_id": client_id,
        "text": "over the socket",
    }
    stream._ws.send(json.dumps(frame))
    stream._ws.send(json.dumps(frame))  # a retry: acknowledged with the same message, stored once
    stream._ws.send(json.dumps({**frame, "client_id": str(uuid.uuid4()), "text": " "}))
    stream._ws.send(json.dumps({**frame, "client_id": str(uuid.uuid4()), "conversation_id": 987654321}))
    stream._ws.send(json.dumps({"type": "send", "conversation_id": conversation, "client_id": "nope"}))
    acks = [
        e
        for e in stream.wait_for(lambda ev: len([e for e in ev if e["type"] == "ack"]) == 5)
        if e["type"] == "ack"
    ]
    assert [a["status"] for a in acks] == [201, 200, 400, 404, 400]
    assert acks[0]["client_id"] == client_id and acks[0]["message"] == acks[1]["message"]
    assert acks[2]["error"]["code"] == "invalid_field" and acks[2]["error"]["field"] == "text"
    assert acks[3]["error"] == {"code": "not_found", "message": "no such conversation"}
    assert acks[4]["client_id"] == "nope" and acks[4]["error"]["field"] == "client_id"
    bob_stream.wait_for(lambda ev: any(e["type"] == "message.created" for e in ev))
    assert [m["text"] for m in alice.messages_after(conversation)] == ["over the socket"]
