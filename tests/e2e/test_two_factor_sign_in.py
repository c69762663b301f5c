"""Two-factor sign-in against a real server process over real HTTP: the two steps, and a challenge that
opens no WebSocket (the rest of the rules: tests/server/test_two_factor.py)."""

from __future__ import annotations

import time

import pyotp
import requests
import websocket

from tests.support.api import PASSWORD


def test_signing_in_with_a_code_over_http_and_the_challenge_opens_no_socket(live_server, users):
    alice = users("alice")
    secret = alice.post("/me/two-factor", {"password": PASSWORD}).json()["secret"]
    totp = pyotp.TOTP(secret)
    r = alice.post("/me/two-factor/enable", {"code": totp.now()})
    assert r.status_code == 200 and len(r.json()["recovery_codes"]) == 10
    r = requests.post(
        f"{live_server.url}/api/v1/sessions",
        json={"username": "alice", "password": PASSWORD, "device_name": "second laptop"},
        timeout=30,
    )
    assert r.status_code == 202 and "token" not in r.json()
    challenge = r.json()["challenge"]
    try:
        websocket.create_connection(
            live_server.ws_url, header=[f"Authorization: Bearer {challenge}"], timeout=30
        )
    except websocket.WebSocketBadStatusException as exc:
        assert exc.status_code == 401
    else:
        raise AssertionError("a sign-in challenge must not open the socket")
    # The enabling code's step is spent; the next step's code is accepted now (adjacent) or later (current).
    r = requests.post(
        f"{live_server.url}/api/v1/sessions/two-factor",
        json={"challenge": challenge, "code": totp.at(time.time() + 30)},
        timeout=30,
    )
    assert r.status_code == 201, r.text
    token = r.json()["token"]
    ws = websocket.create_connection(
        live_server.ws_url, header=[f"Authorization: Bearer {token}"], timeout=30
    )
    ws.close()
    sessions = alice.get("/sessions").json()["sessions"]
    assert {s["device_name"]: s["second_factor"] for s in sessions} == {
        "tests": None,
        "second laptop": "totp",
    }
