"""A presence flood against the real server: contacts get a bounded number of frames and other deliveries
are not held up behind it.

As found (issue 10): 20,000 presence frames from one socket reached every contact and kept the server busy
for 30 s; an unrelated delivery queued behind them.
"""

from __future__ import annotations

import json
import time

from tests.support.api import ApiClient
from tests.support.events import EventStream

FLOOD = 20_000
BURST = 20


def _index(events: list[dict], predicate) -> int | None:
    return next((i for i, e in enumerate(events) if predicate(e)), None)


def test_20000_presence_frames_reach_a_contact_as_a_burst_and_leave_other_deliveries_prompt(server_factory):
    server = server_factory(
        workers=1,
        extra_env={"CHATIDK_LIVE_FRAMES_BURST": str(BURST), "CHATIDK_LIVE_FRAMES_PER_MINUTE": "1"},
    )
    mallory, carol, dave = (ApiClient(server.url, name) for name in ("mallory", "carol", "dave"))
    flooded = mallory.direct_with(carol)
    unrelated = dave.direct_with(carol)
    to_carol = EventStream(server.ws_url, carol.token)
    attacker = EventStream(server.ws_url, mallory.token)

    def of_mallory(e: dict) -> bool:
        return e["type"] == "presence" and e["user_id"] == mallory.id

    to_carol.wait_for(lambda es: any(of_mallory(e) for e in es), timeout=60)  # she came online
    seen_before = len(to_carol.events)
    started = time.monotonic()
    for i in range(FLOOD):
        attacker._ws.send(json.dumps({"type": "presence", "state": "away" if i % 2 == 0 else "online"}))
    attacker._ws.send(json.dumps({"type": "ping"}))
    attacker.wait_for(lambda es: any(e["type"] == "pong" for e in es), timeout=300)  # every frame was read
    minutes = (time.monotonic() - started) / 60

    # Another conversation's message, sent now: how many of the flood's frames reach carol before it.
    assert dave.send(unrelated, "unrelated").status_code == 201
    events = to_carol.wait_for(lambda es: bool(to_carol.messages(unrelated)), timeout=120)
    dave_at = _index(events, lambda e: e["type"] == "message.created" and e["conversation_id"] == unrelated)
    ahead_of_dave = sum(of_mallory(e) for e in events[seen_before:dave_at])
    # Mallory's own message after the flood comes after all of her presence in the ordered stream.
    assert mallory.send(flooded, "after the flood").status_code == 201
    events = to_carol.wait_for(lambda es: bool(to_carol.messages(flooded)), timeout=120)
    end = _index(events, lambda e: e["type"] == "message.created" and e["conversation_id"] == flooded)
    delivered = sum(of_mallory(e) for e in events[seen_before:end])

    bound = BURST + 1 + int(minutes)  # the burst, and one more frame per minute of flooding
    print(
        f"\npresence frames delivered to a contact: {delivered} of {FLOOD}; {ahead_of_dave} ahead of dave's"
    )
    assert 1 <= delivered <= bound, f"{delivered} presence frames of {FLOOD} reached carol"
    assert ahead_of_dave <= bound
    assert to_carol.close_code is None and not to_carol.closed.is_set(), "carol's socket fell behind"
    for stream in (to_carol, attacker):
        stream.close()
    for client in (mallory, carol, dave):
        client.session.close()
