"""Crash safety: SIGKILL the server in the middle of a load of sends, restart it, retry, count."""

from __future__ import annotations

import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import websocket


@pytest.mark.slow
def _kill_and_restart_mid_stream(server, senders, send_all, enough_acked, a_send_failed) -> None:
    """Run ``send_all`` for every sender; SIGKILL the server once enough sends are acked, and start it again
    only once the crash has interrupted a send, so the retry path is surely exercised."""
    with ThreadPoolExecutor(len(senders)) as pool:
        futures = [pool.submit(send_all, s) for s in senders]
        assert enough_acked.wait(60)
        a_send_failed.clear()
        server.kill()
        assert a_send_failed.wait(60)
        server.start()
        for f in futures:
            f.result()


def test_sigkill_during_sends_loses_no_acknowledged_message_and_duplicates_none(server_factory, users):
    server = server_factory(workers=2)
    owner = users("owner", server=server)
    senders = [users(f"sender{i}", server=server) for i in range(8)]
    group = owner.post(
        "/conversations", {"kind": "group", "title": "Crash", "member_ids": [s.id for s in senders]}
    ).json()["conversation"]["id"]
    per_sender = 40
    acked: dict[str, dict] = {}  # client_id -> the message the server acknowledged
    retried_after_failure: set[str] = set()
    lock = threading.Lock()
    enough_acked = threading.Event()
    a_send_failed = threading.Event()

    def send_all(sender):
        for n in range(per_sender):
            client_id = str(uuid.uuid4())
            deadline = time.monotonic() + 120
            while True:
                try:
                    r = sender.send(group, f"{sender.username} #{n}", client_id=client_id, timeout=30)
                    if r.status_code in (200, 201):
                        with lock:
                            acked[client_id] = r.json()["message"]
                            if len(acked) >= 80:
                                enough_acked.set()
                        break
                    assert r.status_code >= 500, r.text  # a 4xx would be a bug, never retried
                except requests.RequestException:
                    pass
                with lock:
                    retried_after_failure.add(client_id)
                a_send_failed.set()
                assert time.monotonic() < deadline, "the server never came back"
                time.sleep(0.05)

    _kill_and_restart_mid_stream(server, senders, send_all, enough_acked, a_send_failed)

    total = len(senders) * per_sender
    stored = owner.messages_after(group)
    assert [m["seq"] for m in stored] == list(range(1, total + 1)), "seq must stay gapless across the crash"
    by_client_id = {}
    for m in stored:
        assert m["client_id"] not in by_client_id, "a retry stored a second copy"
        by_client_id[m["client_id"]] = m
    assert set(by_client_id) == set(acked)
    for client_id, message in acked.items():
        assert by_client_id[client_id]["id"] == message["id"]
    assert retried_after_failure, "the crash should have interrupted some sends"


def _socket_send(ws_url: str, token: str, frame: dict) -> dict:
    """One send frame on a fresh socket, and its ack; raises on any connection trouble."""
    ws = websocket.create_connection(ws_url, header=[f"Authorization: Bearer {token}"], timeout=30)
    try:
        assert json.loads(ws.recv())["type"] == "hello"
        ws.send(json.dumps(frame))
        while True:
            event = json.loads(ws.recv())
            if event["type"] == "ack" and event["client_id"] == frame["client_id"]:
                return event
    finally:
        ws.close()


@pytest.mark.slow
def test_sigkill_during_socket_sends_loses_no_acknowledged_message_and_duplicates_none(server_factory, users):
    """The same over the socket's send frame, one worker, so that concurrent sends share batches."""
    server = server_factory(workers=1)
    owner = users("owner", server=server)
    senders = [users(f"sender{i}", server=server) for i in range(8)]
    group = owner.post(
        "/conversations", {"kind": "group", "title": "Crash", "member_ids": [s.id for s in senders]}
    ).json()["conversation"]["id"]
    per_sender = 25
    acked: dict[str, dict] = {}
    lock = threading.Lock()
    enough_acked = threading.Event()
    a_send_failed = threading.Event()

    def send_all(sender):
        for n in range(per_sender):
            frame = {
                "type": "send",
                "conversation_id": group,
                "client_id": str(uuid.uuid4()),
                "text": f"#{n}",
            }
            deadline = time.monotonic() + 120
            while True:
                try:
                    ack = _socket_send(server.ws_url, sender.token, frame)
                    assert ack["status"] in (200, 201), ack
                    with lock:
                        acked[frame["client_id"]] = ack["message"]
                        if len(acked) >= 50:
                            enough_acked.set()
                    break
                except (websocket.WebSocketException, OSError, requests.RequestException):
                    a_send_failed.set()
                assert time.monotonic() < deadline, "the server never came back"
                time.sleep(0.05)

    _kill_and_restart_mid_stream(server, senders, send_all, enough_acked, a_send_failed)

    stored = owner.messages_after(group)
    assert [m["seq"] for m in stored] == list(range(1, len(senders) * per_sender + 1))
    by_client_id = {m["client_id"]: m for m in stored}
    assert len(by_client_id) == len(stored), "a retry stored a second copy"
    assert set(by_client_id) == set(acked)
    for client_id, message in acked.items():
        assert by_client_id[client_id]["id"] == message["id"]
