"""Presence tells the truth across a server restart: a client that did not come back is offline at once."""

from __future__ import annotations

import pytest

from tests.support.events import EventStream


def _state_of(viewer, user) -> str:
    (entry,) = [p for p in viewer.get("/presence").json()["presence"] if p["user_id"] == user.id]
    return entry["state"]


@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGKILL", "clean stop"])
def test_who_was_online_through_a_stopped_server_is_offline_when_it_starts_again(server_factory, users, how):
    server = server_factory(workers=2)
    alice, bob = users("alice", server=server), users("bob", server=server)
    alice.direct_with(bob)
    alice_client = EventStream(server.ws_url, alice.token)
    assert _state_of(bob, alice) == "online"
    if how == "SIGKILL":
        server.kill()  # no socket is closed, no row removed
    else:
        server.stop()
    alice_client.close()  # and alice's client does not come back
    server.start()  # same address and port, same database
    # No waiting: the master clears the rows of its predecessor before its first worker answers.
    assert _state_of(bob, alice) == "offline"
    assert bob.get("/presence").json()["presence"][0]["last_seen"] is not None
