"""Sends are bounded per user by a token bucket (burst 60, 20/s sustained), on REST and the socket alike.

As found: one socket stored 1,407 messages of 10 KB in 10 seconds; nothing limited sends at all.
"""

from __future__ import annotations

import json
import uuid

import pytest

from server.api.events import _send_message
from server.config import Config
from server.services.live import Connection
from tests.server.conftest import assert_error

DEFAULTS = Config()


def send(user, conversation_id: int, client_id: str | None = None, text: str = "x" * 10_000):
    body = {"client_id": client_id or str(uuid.uuid4()), "text": text}
    return user.post(f"/conversations/{conversation_id}/messages", body)


@pytest.fixture
def no_refill(configure) -> None:
    """The default burst, refilled so slowly that this test's own pace cannot matter."""
    configure(send_rate=0.001)


def test_limits_are_the_documented_ones():
    assert (DEFAULTS.send_burst, DEFAULTS.send_rate) == (60, 20.0)


def test_a_burst_of_sixty_then_429_with_retry_after(alice, bob, no_refill):
    chat = alice.direct_with(bob)["id"]
    for _ in range(DEFAULTS.send_burst):
        assert send(alice, chat).status_code == 201
    r = send(alice, chat)
    error = assert_error(r, 429, "too_many_requests")
    assert error["retry_after"] >= 1 and r.headers["Retry-After"] == str(error["retry_after"])
    assert alice.conversation(chat)["last_seq"] == DEFAULTS.send_burst  # the refused one was not stored
    # Someone else's budget is their own.
    assert send(bob, chat).status_code == 201


def test_a_retry_of_a_stored_message_is_answered_even_with_an_empty_bucket(alice, bob, no_refill):
    chat = alice.direct_with(bob)["id"]
    client_id = str(uuid.uuid4())
    assert send(alice, chat, client_id).status_code == 201
    for _ in range(DEFAULTS.send_burst - 1):
        assert send(alice, chat).status_code == 201
    assert send(alice, chat).status_code == 429
    assert send(alice, chat, client_id).status_code == 200  # the acknowledged one, again: free


def test_a_refused_send_costs_nothing(alice, bob, carol, no_refill):
    chat = alice.direct_with(bob)["id"]
    group = carol.group("not alice's")["id"]
    for _ in range(DEFAULTS.send_burst + 5):
        assert_error(send(alice, group), 404, "not_found")
    assert send(alice, chat).status_code == 201


def test_the_bucket_refills(alice, bob, configure):
    configure(send_burst=2, send_rate=1000.0)
    chat = alice.direct_with(bob)["id"]
    statuses = [send(alice, chat).status_code for _ in range(20)]
    assert statuses.count(201) > 2  # refilled between sends, however slow this machine is


def test_the_socket_send_frame_shares_the_bucket_and_acks_429_with_retry_after(app, alice, bob, no_refill):
    chat = alice.direct_with(bob)["id"]
    for _ in range(DEFAULTS.send_burst):
        assert send(alice, chat).status_code == 201
    conn = Connection(alice.id, 1)
    client_id = str(uuid.uuid4())
    frame = {"type": "send", "conversation_id": chat, "client_id": client_id, "text": "over the socket"}
    _send_message(app.extensions["chatidk"], conn, json.dumps(frame))
    ack = json.loads(conn.frames.get_nowait())
    assert (ack["type"], ack["client_id"], ack["status"]) == ("ack", client_id, 429)
    assert ack["error"]["code"] == "too_many_requests" and ack["error"]["retry_after"] >= 1
