"""Sockets per session and per account are capped (issue 10: three accounts held 8,000 sockets).

The answers on the wire (429 before the upgrade, 4429 after it) are in tests/e2e/test_socket_caps.py.
"""

from __future__ import annotations

import pytest

from server.errors import TooManyRequests


def test_a_socket_over_the_session_cap_is_refused_and_nothing_is_left_registered(app, alice, configure):
    configure(sockets_per_session=2, sockets_per_account=10)
    hub = app.extensions["chatidk"].hub
    first, second = hub.connect(alice.id, 1), hub.connect(alice.id, 1)
    with pytest.raises(TooManyRequests) as refused:
        hub.connect(alice.id, 1)
    assert refused.value.retry_after >= 1 and "device" in str(refused.value)
    assert len(hub.sockets.of_users([alice.id])) == 2
    other_device = hub.connect(alice.id, 2)  # another session of the same account has room
    hub.disconnect(first)
    again = hub.connect(alice.id, 1)  # a closed socket makes room at once
    for conn in (second, other_device, again):
        hub.disconnect(conn)


def test_a_socket_over_the_account_cap_is_refused_whatever_its_session(app, alice, bob, configure):
    configure(sockets_per_session=5, sockets_per_account=3)
    hub = app.extensions["chatidk"].hub
    held = [hub.connect(alice.id, session) for session in (1, 2, 3)]
    with pytest.raises(TooManyRequests) as refused:
        hub.connect(alice.id, 4)
    assert "account" in str(refused.value)
    bobs = hub.connect(bob.id, 9)  # another account is not affected
    for conn in [*held, bobs]:
        hub.disconnect(conn)


def test_caps_of_0_mean_no_limit(app, alice, configure):
    configure(sockets_per_session=0, sockets_per_account=0)
    hub = app.extensions["chatidk"].hub
    held = [hub.connect(alice.id, 1) for _ in range(40)]
    for conn in held:
        hub.disconnect(conn)
