"""The change stream across a crash: a device away while messages are edited, deleted, reacted to, pinned and
deleted "for me" reads the stream in small pages while the server is SIGKILLed and restarted in the middle,
and ends up with exactly the server's state (issue 14, section 0)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from functools import partial
from urllib.parse import quote

import requests

LIMITS_OFF = {
    "CHATIDK_SEND_BURST": "0",
    "CHATIDK_REACTIONS_PER_MINUTE": "0",
    "CHATIDK_PINS_PER_MINUTE": "0",
    "CHATIDK_PINS_PER_CONVERSATION": "1000",
    "CHATIDK_HIDES_PER_MINUTE": "0",
}


def _until_answered(call: Callable[[], requests.Response]) -> requests.Response:
    """Retry a call (each one idempotent) until the server answers it with something other than a 5xx."""
    deadline = time.monotonic() + 120
    while True:
        try:
            r = call()
            if r.status_code < 500:
                return r
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, "the server never came back"
        time.sleep(0.05)


def test_a_device_reading_the_change_stream_across_a_sigkill_converges_on_the_servers_state(
    server_factory, users
):
    server = server_factory(extra_env=LIMITS_OFF)
    alice, bob, carol = (users(name, server=server) for name in ("alice", "bob", "carol"))
    group = alice.post(
        "/conversations", {"kind": "group", "title": "Crash", "member_ids": [bob.id, carol.id]}
    ).json()["conversation"]["id"]
    people = [alice, bob, carol]
    rng = random.Random(1414)
    sender: dict[int, int] = {}
    for n in range(40):
        who = rng.choice(people)
        r = who.send(group, f"before {n}")
        assert r.status_code == 201, r.text
        sender[r.json()["message"]["seq"]] = who.id
    cache = {m["seq"]: m for m in carol.messages_after(group)}
    cursor, cursor_seq = carol.get(f"/conversations/{group}").json()["conversation"]["change_version"], None
    by_id = {p.id: p for p in people}
    base = f"/conversations/{group}/messages"
    acted = threading.Event()
    done = threading.Event()
    answered = 0

    def act() -> None:
        nonlocal answered
        for n in range(150):
            seq = rng.choice(sorted(sender))
            who = rng.choice(people)
            owner = by_id[sender[seq]]
            action = rng.random()
            if action < 0.25:
                emoji = quote(rng.choice(["👍", "🎉"]))
                client, method, path, body = (
                    who,
                    rng.choice(["PUT", "DELETE"]),
                    f"/{seq}/reactions/{emoji}",
                    None,
                )
            elif action < 0.5:
                client, method, path, body = owner, "PATCH", f"/{seq}", {"text": f"edit {n}"}
            elif action < 0.6:
                client, method, path, body = owner, "DELETE", f"/{seq}", None
            elif action < 0.85:
                client, method, path, body = who, rng.choice(["PUT", "DELETE"]), f"/{seq}/pin", None
            else:
                client, method, path, body = who, "PUT", f"/{seq}/hidden", None
            url = f"{client.url}/api/v1{base}{path}"
            r = _until_answered(partial(client.session.request, method, url, json=body, timeout=10))
            assert r.status_code in (200, 404, 409), r.text  # 404: hidden by who; 409: a tombstone
            answered += 1
            if answered == 60:
                acted.set()
        done.set()

    def read_page() -> dict:
        query = {"after": cursor, "limit": 4, **({"after_seq": cursor_seq} if cursor_seq else {})}
        r = _until_answered(partial(carol.get, f"/conversations/{group}/changes", params=query))
        assert r.status_code == 200, r.text
        return r.json()

    applied = 0

    def apply(page: dict) -> None:
        nonlocal cursor, cursor_seq, applied
        for message in page["changes"]:
            held = cache.get(message["seq"])
            if held is None or message["version"] > held["version"]:
                cache[message["seq"]] = message
                applied += 1
        for gone in page["hidden"]:
            if cache.pop(gone["seq"], None) is not None:
                applied += 1
        cursor, cursor_seq = page["next"], page["next_seq"]

    actor = threading.Thread(target=act)
    actor.start()
    assert acted.wait(120)
    for _ in range(5):  # Carol's device reads some pages while the actions go on
        apply(read_page())
    server.kill()  # in the middle of the actions, which retry until it is back
    server.start()
    actor.join(180)
    assert done.is_set()
    while True:
        page = read_page()
        apply(page)
        if not page["has_more"]:
            break
    # New messages were not sent, so the seq catch-up has nothing; the stream alone did it all.
    server_state = {m["seq"]: m for m in carol.messages_after(group)}
    mismatches = [
        (seq, field)
        for seq in sorted(set(server_state) | set(cache))
        for field in sorted(set(server_state.get(seq, {})) | set(cache.get(seq, {})))
        if server_state.get(seq, {}).get(field) != cache.get(seq, {}).get(field)
    ]
    print(f"changes applied while offline, across a SIGKILL: {applied}, mismatches: {len(mismatches)}")
    assert mismatches == []
    assert cursor == carol.get(f"/conversations/{group}").json()["conversation"]["change_version"]
    assert applied > 20
