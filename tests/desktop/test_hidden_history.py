"""History with messages deleted for me in the middle, against a real server (issues 14/15: nothing lost).
The server leaves those seqs out of every page; the cache records the seq ranges a page covered (schema 6),
so scrolling from the newest to the oldest costs one request per page online — none per hole — and none
offline, catch-up after a restart or a reconnect ends with no gap and nothing twice, and the covered
ranges survive a restart."""

from __future__ import annotations

import math
import threading

import pytest

from desktop.controller.chat import OLDER_PAGE
from desktop.net.api import ApiClient as DesktopApi
from tests.desktop.history_seed import bulk_messages
from tests.support.api import PASSWORD, ApiClient, register

HISTORY = 400
HIDDEN = [*range(30, 360, 7), 1]  # holes all through the middle, and the very first message


@pytest.fixture
def message_requests(monkeypatch) -> list[dict]:
    """Every GET …/messages the desktop client sends, with its query (sent from its REST worker thread)."""
    calls: list[dict] = []
    lock = threading.Lock()
    real = DesktopApi.messages

    def counted(self, conversation_id, **query):
        with lock:
            calls.append(query)
        return real(self, conversation_id, **query)

    monkeypatch.setattr(DesktopApi, "messages", counted)
    return calls


def _hide(api: ApiClient, conversation_id: int, seqs) -> None:
    for seq in seqs:
        r = api.session.put(
            f"{api.url}/api/v1/conversations/{conversation_id}/messages/{seq}/hidden", timeout=10
        )
        assert r.status_code == 200, r.text


def _visible(api: ApiClient, conversation_id: int) -> list[int]:
    return [m["seq"] for m in api.messages_after(conversation_id)]


def _shown(handle) -> list[int]:
    model = handle.chat.messages
    return [model.message_at(r).seq for r in range(model.rowCount()) if model.message_at(r).seq is not None]


def _cached(handle, conversation_id: int) -> list[int]:
    return [m.confirmed_seq for m in handle.chat.state.history.messages_after(conversation_id, 0, 100_000)]


def _scroll_to_oldest(handle, qtbot, *, offline: bool = False) -> None:
    """fetchMore until the model says nothing older is there; offline, every page comes from the cache."""
    model = handle.chat.messages
    asked: list[int] = []
    model.older_wanted_from_server.connect(asked.append)
    model.set_older_wanted(True)
    while model.has_older():
        oldest = model.oldest_seq()
        model.fetchMore(model.index(0).parent())
        if offline:
            assert asked == [], f"offline scrolling stopped at {oldest}"
        qtbot.waitUntil(lambda o=oldest: model.oldest_seq() != o or not model.has_older(), timeout=30000)
    model.older_wanted_from_server.disconnect(asked.append)


def _alice_with_holes(live_server, database_url, desktop_client, qtbot):
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    alice_api = ApiClient(live_server.url, "alice", register_first=False)
    direct = bob.direct_with(alice_api)
    bulk_messages(database_url, direct, bob.id, HISTORY)
    _hide(alice_api, direct, HIDDEN)
    assert alice_api.post(f"/conversations/{direct}/read", {"seq": HISTORY}).status_code == 200
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD, keep=True)
    alice.wait_online()
    qtbot.waitUntil(lambda: alice.chat.conversations.get(direct) is not None, timeout=30000)
    return alice, alice_api, bob, direct


def test_scrolling_past_messages_deleted_for_me_asks_once_per_page_online_and_never_offline(
    live_server, database_url, desktop_client, qtbot, message_requests
):
    alice, alice_api, bob, direct = _alice_with_holes(live_server, database_url, desktop_client, qtbot)
    visible = _visible(alice_api, direct)
    assert len(visible) == HISTORY - len(HIDDEN)
    message_requests.clear()
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.newest_seq() == HISTORY, timeout=30000)
    first_page = len(_shown(alice))
    _scroll_to_oldest(alice, qtbot)
    assert _shown(alice) == visible  # every message I may see, once, in order
    pages = 1 + math.ceil((len(visible) - first_page) / OLDER_PAGE)
    assert len(message_requests) <= pages + 1 < len(HIDDEN)  # the last page may find nothing older
    assert alice.chat.state.history.held_ranges(direct) == [(1, HISTORY)]

    # Again from the newest: the covered ranges serve it all, holes included, without a request.
    message_requests.clear()
    alice.chat.show_newest()
    _scroll_to_oldest(alice, qtbot)
    assert _shown(alice) == visible and message_requests == []

    # A jump to a message deleted for me (a reply's original, say): the cache knows it is gone.
    failed: list[tuple] = []
    notices: list[str] = []
    alice.chat.jump_failed.connect(lambda *args: failed.append(args))
    alice.chat.notice.connect(notices.append)
    alice.chat.jump_to_message(direct, HIDDEN[0])
    assert failed == [(direct, HIDDEN[0])] and notices == ["That message was deleted for you."]
    assert message_requests == []

    # Offline, after a restart: the coverage was kept, scrolling goes to the first message I may see.
    alice.close()
    live_server.stop()
    again = desktop_client("alice", live_server.url)  # the same data dir: the cache of before
    again.app.start()
    qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
    assert again.chat.state.history.held_ranges(direct) == [(1, HISTORY)]
    qtbot.waitUntil(lambda: again.chat.conversations.get(direct) is not None, timeout=30000)
    again.chat.open_conversation(direct)
    assert again.chat.messages.newest_seq() == HISTORY
    _scroll_to_oldest(again, qtbot, offline=True)
    assert _shown(again) == visible
    alice_api.session.close()
    bob.session.close()


def test_catch_up_past_messages_deleted_for_me_has_no_gap_and_nothing_twice(
    live_server, database_url, desktop_client, qtbot, message_requests
):
    alice, alice_api, bob, direct = _alice_with_holes(live_server, database_url, desktop_client, qtbot)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.newest_seq() == HISTORY, timeout=30000)
    alice.close()

    # While away: 250 more, some deleted for me on another device, the newest among them; and an old one.
    bulk_messages(database_url, direct, bob.id, 250, words="later")
    last = HISTORY + 250
    _hide(alice_api, direct, [HISTORY + 3, HISTORY + 100, HISTORY + 101, last - 1, last, HISTORY - 2])
    message_requests.clear()
    again = desktop_client("alice", live_server.url)
    again.app.start()
    qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
    again.wait_online()
    history = again.chat.state.history
    qtbot.waitUntil(lambda: history.newest_covered(direct) == last, timeout=30000)
    visible = _visible(alice_api, direct)
    newest_run = [s for s in visible if s > HISTORY - 50]
    qtbot.waitUntil(
        lambda: [s for s in _cached(again, direct) if s > HISTORY - 50] == newest_run, timeout=30000
    )
    assert history.held_ranges(direct)[-1][1] == last
    assert len(message_requests) == math.ceil(250 / 200)  # after the newest covered seq, no more

    # A live message after the hidden newest ones joins the covered range: no gap to fill.
    message_requests.clear()
    again.chat.open_conversation(direct)
    assert bob.send(direct, "after the holes").status_code == 201
    qtbot.waitUntil(lambda: again.chat.messages.newest_seq() == last + 1, timeout=30000)
    assert history.newest_covered(direct) == last + 1 and message_requests == []
    assert _shown(again)[-3:] == [last - 3, last - 2, last + 1]

    # A reconnect (the server restarted) with more sent and hidden right after it: the same end state.
    live_server.stop()
    live_server.start()
    assert bob.send(direct, "after the restart").status_code == 201
    _hide(alice_api, direct, [last + 1])
    again.wait_online()
    visible = _visible(alice_api, direct)
    qtbot.waitUntil(lambda: history.newest_covered(direct) == last + 2, timeout=30000)
    qtbot.waitUntil(lambda: last + 1 not in _cached(again, direct), timeout=30000)
    newest_run = [s for s in visible if s > HISTORY - 50]
    qtbot.waitUntil(
        lambda: [s for s in _cached(again, direct) if s > HISTORY - 50] == newest_run, timeout=30000
    )
    shown = _shown(again)
    assert shown == sorted(set(shown)) and shown[-2:] == [last - 2, last + 2]
    assert history.held_ranges(direct)[-1][1] == last + 2
    alice_api.session.close()
    bob.session.close()
