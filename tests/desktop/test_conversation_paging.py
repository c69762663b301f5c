"""The client reads the paged conversation list to its end, and does not take a conversation that moved
between pages for one it left."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from desktop.cache import HistoryCache, Outbox, open_cache_database
from desktop.controller.chat import ChatController
from desktop.net.api import ApiClient as DesktopApi
from desktop.views.devices_dialog import expires
from tests.desktop.factories import conversation as make_conversation
from tests.desktop.factories import user_json
from tests.desktop.fakes import FakeListener, FakeRest, FakeServerApi
from tests.support.api import ApiClient

ME, BOB = 1, 2


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


@pytest.fixture
def world(qtbot, tmp_path):
    api = FakeServerApi({**user_json(ME, "Me"), "visible": True})
    api.add_conversation(make_conversation(1).raw)
    api.add_conversation(
        make_conversation(2, kind="group", title="Crew", members=((ME, "Me"), (BOB, "Bob"))).raw
    )
    database = open_cache_database(tmp_path / "cache.sqlite3")
    rest = FakeRest(api)
    listener = FakeListener()
    chat = ChatController(api.me_user, rest, listener, HistoryCache(database), Outbox(database))
    chat.start()
    listener.connected.emit({"type": "hello"})
    qtbot.waitUntil(lambda: rest.idle and len(chat.conversations.all()) == 2)
    yield api, rest, listener, chat
    chat.shutdown()
    database.close()


def test_a_conversation_active_while_the_list_is_paged_is_not_taken_for_left(world, qtbot):
    api, rest, listener, chat = world
    listener.disconnected.emit("gone")
    api.unlisted = {2}  # it got a message while the client paged: moved to a page already read
    listener.connected.emit({"type": "hello"})
    message = api.post(2, BOB, "while you were paging")
    listener.event_received.emit(
        {"type": "message.created", "conversation_id": 2, "seq": 1, "message": message}
    )
    qtbot.waitUntil(lambda: rest.idle and chat.connection_state == "online")
    assert {c.id for c in chat.conversations.all()} == {1, 2}


def test_a_conversation_missing_from_the_list_without_news_was_left(world, qtbot):
    api, rest, listener, chat = world
    listener.disconnected.emit("gone")
    api.unlisted = {2}
    listener.connected.emit({"type": "hello"})
    qtbot.waitUntil(lambda: rest.idle and chat.connection_state == "online")
    assert {c.id for c in chat.conversations.all()} == {1}


def test_the_devices_dialog_says_when_a_session_expires():
    now = datetime(2026, 3, 1, 12, 0).astimezone()  # local noon: days count in local time
    assert expires(None) == ""
    assert expires(now + timedelta(hours=1), now) == "Today"
    assert expires(now + timedelta(days=1), now) == "Tomorrow"
    assert expires(now + timedelta(days=90), now) == "In 90 days"
