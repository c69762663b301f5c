"""A real server reads what clients put on its sockets (server/api/socket_reader.py): fragments and control
frames as RFC 6455 allows them, and a frame it forbids closes the socket with the code that names why."""

from __future__ import annotations

import contextlib
import json
import struct
import uuid

import pytest
import requests
import websocket
from websocket import ABNF

from tests.support.api import ApiClient


@pytest.fixture
def opened(live_server):
    """``opened(user)``: a websocket-client socket of ``user`` past its ``hello``."""
    sockets: list[websocket.WebSocket] = []

    def open_for(user: ApiClient) -> websocket.WebSocket:
        ws = websocket.create_connection(
            live_server.ws_url, header=[f"Authorization: Bearer {user.token}"], timeout=30
        )
        sockets.append(ws)
        assert json.loads(ws.recv())["type"] == "hello"
        return ws

    yield open_for
    for ws in sockets:
        ws.close()
        ws.shutdown()  # close() leaves the socket open when the server closed first


def frames_until(ws: websocket.WebSocket, done) -> list[tuple[int, bytes]]:
    """(opcode, payload) of every frame the server sends, control frames too, until ``done(frames)``."""
    seen: list[tuple[int, bytes]] = []
    while not done(seen):
        opcode, data = ws.recv_data(control_frame=True)
        seen.append((opcode, data))
        if opcode == ABNF.OPCODE_CLOSE:
            break
    return seen


def close_code(seen: list[tuple[int, bytes]]) -> int:
    closes = [data for opcode, data in seen if opcode == ABNF.OPCODE_CLOSE]
    assert closes, f"no close frame among {seen}"
    return int.from_bytes(closes[-1][:2], "big")


def test_a_send_in_fragments_with_a_ping_between_them_is_acked_and_the_ping_answered(live_server, opened):
    alice, bob = ApiClient(live_server.url, "alice"), ApiClient(live_server.url, "bob")
    chat = alice.direct_with(bob)
    ws = opened(alice)
    client_id = str(uuid.uuid4())
    frame = {"type": "send", "conversation_id": chat, "client_id": client_id, "text": "in ü pieces"}
    text = json.dumps(frame, ensure_ascii=False)
    encoded = text.encode()
    cut = encoded.index("ü".encode()) + 1  # the second fragment starts inside a character
    ws.send_frame(ABNF.create_frame(encoded[:10], ABNF.OPCODE_TEXT, fin=0))
    ws.send_frame(ABNF.create_frame(encoded[10:cut], ABNF.OPCODE_CONT, fin=0))
    ws.ping("are you there")
    ws.send_frame(ABNF.create_frame(encoded[cut:], ABNF.OPCODE_CONT, fin=1))

    def acked(seen):
        return any(op == ABNF.OPCODE_TEXT and json.loads(data)["type"] == "ack" for op, data in seen)

    seen = frames_until(ws, acked)
    assert (ABNF.OPCODE_PONG, b"are you there") in seen
    ack = next(json.loads(d) for op, d in seen if op == ABNF.OPCODE_TEXT and json.loads(d)["type"] == "ack")
    assert ack["client_id"] == client_id and ack["status"] == 201
    assert ack["message"]["text"] == "in ü pieces"
    assert [m["text"] for m in bob.messages_after(chat)] == ["in ü pieces"]
    for user in (alice, bob):
        user.session.close()


def test_a_close_from_the_client_is_answered_with_its_code(live_server, opened):
    alice = ApiClient(live_server.url, "alice")
    ws = opened(alice)
    ws.send_close(status=1000, reason=b"bye")
    assert close_code(frames_until(ws, lambda seen: False)) == 1000
    alice.session.close()


@pytest.mark.parametrize(
    ("wire", "code"),
    [
        (b"\x81\x05hello", 1002),  # not masked
        (b"\x83\x80abcd", 1002),  # a reserved opcode (3), masked, empty
        (ABNF.create_frame(b"\xff\xfe", ABNF.OPCODE_TEXT).format(), 1007),  # not UTF-8
        # over 64 KiB, refused from the header: the payload is never waited for (and never sent here)
        (b"\x81\xff" + struct.pack("!Q", 64 * 1024 + 1) + b"abcd", 1009),
    ],
    ids=["unmasked", "reserved-opcode", "not-utf8", "too-big"],  # the masked frame's key is random
)
def test_a_forbidden_frame_closes_the_socket_with_its_code(live_server, opened, wire, code):
    alice = ApiClient(live_server.url, "alice")
    ws = opened(alice)
    ws.sock.sendall(wire)
    assert close_code(frames_until(ws, lambda seen: False)) == code
    r = alice.get("/me")  # the server goes on serving
    assert r.status_code == 200
    alice.session.close()


def test_a_socket_that_answers_its_pings_stays_open_past_several(server_factory):
    server = server_factory(extra_env={"CHATIDK_WS_PING_INTERVAL": "1"})
    alice, bob = ApiClient(server.url, "alice"), ApiClient(server.url, "bob")
    chat = alice.direct_with(bob)
    ws = websocket.create_connection(
        server.ws_url, header=[f"Authorization: Bearer {alice.token}"], timeout=30
    )
    try:
        assert json.loads(ws.recv())["type"] == "hello"
        # websocket-client answers each ping as it reads it
        seen = frames_until(ws, lambda seen: sum(op == ABNF.OPCODE_PING for op, _ in seen) >= 3)
        assert ABNF.OPCODE_CLOSE not in [op for op, _ in seen]
        client_id = str(uuid.uuid4())
        ws.send(
            json.dumps(
                {"type": "send", "conversation_id": chat, "client_id": client_id, "text": "still here"}
            )
        )

        def acked(seen):
            return any(op == ABNF.OPCODE_TEXT and json.loads(d)["type"] == "ack" for op, d in seen)

        texts = [json.loads(d) for op, d in frames_until(ws, acked) if op == ABNF.OPCODE_TEXT]
        ack = next(t for t in texts if t["type"] == "ack")
        assert ack == {**ack, "type": "ack", "client_id": client_id, "status": 201}
    finally:
        ws.close()
        ws.shutdown()
        for user in (alice, bob):
            user.session.close()


def test_a_close_without_a_code_is_answered_without_one(live_server, opened):
    alice = ApiClient(live_server.url, "alice")
    ws = opened(alice)
    ws.sock.sendall(b"\x88\x80abcd")  # a masked close frame with no payload
    seen = frames_until(ws, lambda seen: False)
    assert seen[-1] == (ABNF.OPCODE_CLOSE, b"")  # never the code 1005, which no peer may send
    alice.session.close()


def test_the_clients_answer_to_a_close_by_the_server_is_read_quietly(live_server, opened):
    alice = ApiClient(live_server.url, "alice")
    ws = opened(alice)
    assert alice.session.delete(f"{alice.url}/api/v1/sessions/current").status_code == 204
    # websocket-client answers the server's 4401 with a close of its own, read by the server after its own
    assert close_code(frames_until(ws, lambda seen: False)) == 4401
    # The server read the answer and closed the connection (EOF), or closed it with the answer still unread
    # (a reset: gunicorn closes the connection once the handler returns).
    with contextlib.suppress(ConnectionResetError):
        assert ws.sock.recv(16) == b""
    # One worker: once it has answered this, it has also handled the socket's end.
    assert requests.get(f"{live_server.url}/healthz", timeout=30).status_code == 200
    log = live_server.log()
    assert "Traceback" not in log and "LocalProtocolError" not in log
