"""The client reads the paged conversation list to its end (the catch-up side is in test_chat_controller),
and the devices dialog says when each session expires."""

from __future__ import annotations

from datetime import datetime, timedelta

from desktop.net.api import ApiClient as DesktopApi
from desktop.views.devices_dialog import expires
from tests.support.api import ApiClient


def test_all_pages_of_the_list_are_read_in_order(live_server):
    alice = ApiClient(live_server.url, "alice")
    friends = [ApiClient(live_server.url, f"friend{n}") for n in range(7)]
    chats = [alice.direct_with(friend) for friend in friends]
    for chat in chats:
        assert alice.send(chat, "hi").status_code == 201
    api = DesktopApi(live_server.url, alice.token)
    try:
        listed = api.conversations(page_size=3)
    finally:
        api.close()
        for client in (alice, *friends):
            client.session.close()
    assert [c["id"] for c in listed] == list(reversed(chats))  # most recent first, each once


def test_the_devices_dialog_says_when_a_session_expires():
    now = datetime(2026, 3, 1, 12, 0).astimezone()  # local noon: days count in local time
    assert expires(None) == ""
    assert expires(now + timedelta(hours=1), now) == "Today"
    assert expires(now + timedelta(days=1), now) == "Tomorrow"
    assert expires(now + timedelta(days=90), now) == "In 90 days"
