"""Abuse limits that need the real server (gunicorn + gevent): slow request bodies are cut off, and the
socket's send frame answers an exhausted send budget with a 429 ack carrying retry_after.

As found: an upload trickled at 1 KB per 5 s was still open after 90 s.
"""

from __future__ import annotations

import json
import select
import socket
import time
import uuid

import requests

from tests.support.api import ApiClient
from tests.support.events import EventStream


def trickle(
    server, path: str, token: str | None, *, declared: int, pace_s: float, deadline_s: float
) -> bytes:
    """Send headers declaring ``declared`` bytes, then 100 bytes every ``pace_s``; what the server answered
    (b"" if it just closed) once it answers or closes, or raise after ``deadline_s``."""
    host, port = "127.0.0.1", server.port
    sock = socket.create_connection((host, port), timeout=10)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {declared}\r\n"
        head += "Content-Type: application/octet-stream\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        sock.sendall((head + "\r\n").encode())
        started, answer = time.monotonic(), b""
        while time.monotonic() - started < deadline_s:
            readable, _, _ = select.select([sock], [], [], pace_s)
            if readable:
                try:
                    chunk = sock.recv(65536)
                except ConnectionResetError:
                    return answer
                if not chunk:
                    return answer
                answer += chunk
                if b"\r\n\r\n" in answer:
                    return answer
                continue
            try:
                sock.sendall(b"x" * 100)
            except (BrokenPipeError, ConnectionResetError):
                continue  # closed on its side: read what it said
        raise AssertionError(f"the server still waited for the body after {deadline_s} s")
    finally:
        sock.close()


def test_a_body_trickled_slower_than_the_timeout_allows_is_cut_off(server_factory):
    server = server_factory(extra_env={"CHATIDK_BODY_TIMEOUT": "2"})
    user = ApiClient(server.url, "trickler")
    started = time.monotonic()
    answer = trickle(
        server, "/api/v1/files?name=slow.bin", user.token, declared=10**6, pace_s=0.5, deadline_s=60
    )
    assert time.monotonic() - started >= 2  # the grace period was given
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]
    # A JSON body too, and the server is fine afterwards.
    answer = trickle(server, "/api/v1/sessions", None, declared=5000, pace_s=0.5, deadline_s=60)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
    assert user.get("/files").status_code == 405  # still answering its clients
    r = user.session.post(f"{server.url}/api/v1/files?name=fast.bin", data=b"y" * 3_000_000, timeout=30)
    assert r.status_code == 201, r.text  # a body at a normal pace is unaffected
    user.session.close()


def test_the_socket_send_frame_acks_429_with_retry_after_past_the_send_budget(server_factory):
    server = server_factory(extra_env={"CHATIDK_SEND_BURST": "3", "CHATIDK_SEND_RATE": "0.001"})
    alice, bob = ApiClient(server.url, "alice"), ApiClient(server.url, "bob")
    chat = alice.direct_with(bob)
    stream = EventStream(server.ws_url, alice.token)
    client_ids = [str(uuid.uuid4()) for _ in range(4)]
    for client_id in client_ids:
        frame = {"type": "send", "conversation_id": chat, "client_id": client_id, "text": "hi"}
        stream._ws.send(json.dumps(frame))
    events = stream.wait_for(lambda es: sum(e["type"] == "ack" for e in es) == 4, timeout=30)
    acks = {e["client_id"]: e for e in events if e["type"] == "ack"}
    assert [acks[c]["status"] for c in client_ids] == [201, 201, 201, 429]
    error = acks[client_ids[3]]["error"]
    assert error["code"] == "too_many_requests" and error["retry_after"] >= 1
    r = alice.send(chat, "over REST too")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    stream.close()
    for client in (alice, bob):
        client.session.close()
