"""Jumping to any message of a long history and scrolling from it, against a real server: one mechanism
(ChatController.jump_to_message), a bounded window of rows, the cache's islands kept true across a restart."""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtCore import Qt

from tests.desktop.history_seed import bulk_messages
from tests.support.api import PASSWORD, ApiClient, register

HISTORY = 3000


def _long_chat(live_server, database_url, desktop_client, qtbot):
    """Alice in her client, a 1:1 with Bob (on the API) of HISTORY messages, open at its newest."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    alice_api = ApiClient(live_server.url, "alice", register_first=False)
    direct = bob.direct_with(alice_api)
    bulk_messages(database_url, direct, bob.id, HISTORY)
    # All read: a chat of unread messages would open at the first of them (test_unread_anchor.py).
    assert alice_api.post(f"/conversations/{direct}/read", {"seq": HISTORY}).status_code == 200
    alice_api.session.close()
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD, keep=True)
    alice.wait_online()
    qtbot.waitUntil(lambda: alice.chat.conversations.get(direct) is not None, timeout=30000)
    alice.chat.open_conversation(direct)
    qtbot.waitUntil(lambda: alice.chat.messages.newest_seq() == HISTORY, timeout=30000)
    return alice, bob, direct


def _shown_seqs(chat) -> list[int]:
    model = chat.messages
    return [model.message_at(r).seq for r in range(model.rowCount()) if model.message_at(r).seq is not None]


def test_a_jump_thousands_back_loads_a_window_there_and_highlights_the_message(
    live_server, database_url, desktop_client, qtbot
):
    alice, bob, direct = _long_chat(live_server, database_url, desktop_client, qtbot)
    view = alice.session.panel.messages
    assert alice.chat.state.history.window_around(direct, 7, 100) == []  # not on this device
    alice.chat.jump_to_message(direct, 7)
    qtbot.waitUntil(lambda: view.flashed_row() is not None, timeout=30000)
    model = alice.chat.messages
    assert model.message_at(view.flashed_row()).seq == 7
    assert view.viewport().rect().intersects(view.visualRect(model.index(view.flashed_row())))
    assert _shown_seqs(alice.chat) == list(range(1, len(_shown_seqs(alice.chat)) + 1))  # unbroken from 1
    assert not model.at_newest and view.newest_button.isVisible()
    qtbot.waitUntil(lambda: view.flashed_row() is None, timeout=20000)  # the highlight is brief

    # scrolling down from there: pages from the server, rows released above, every message once, in order
    seen: list[int] = []
    bar = view.verticalScrollBar()
    while not model.at_newest or bar.value() < bar.maximum():
        seen.extend(s for s in _shown_seqs(alice.chat) if not seen or s > seen[-1])
        assert model.rowCount() <= model.max_rows
        newest = model.newest_seq()
        bar.setValue(bar.maximum() - 1)  # the reader's wheel, the last steps down
        bar.setValue(bar.maximum())
        qtbot.waitUntil(lambda newest=newest: model.at_newest or model.newest_seq() != newest, timeout=30000)
    seen.extend(s for s in _shown_seqs(alice.chat) if s > seen[-1])
    assert seen == list(range(1, HISTORY + 1))
    held = alice.chat.state.history.held_ranges(direct)
    assert held[0][0] == 1 and held[-1][1] == HISTORY

    # a jump into what is already held is served from the cache, and Ctrl+End goes back to the newest
    alice.chat.jump_to_message(direct, 1500)
    qtbot.waitUntil(lambda: view.flashed_row() is not None, timeout=30000)
    assert model.message_at(view.flashed_row()).seq == 1500
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.at_newest and model.newest_seq() == HISTORY, timeout=30000)
    bob.send(direct, "after all that")
    qtbot.waitUntil(lambda: model.newest_seq() == HISTORY + 1, timeout=30000)  # live again
    bob.session.close()


def test_a_jump_offline_to_a_message_not_cached_says_so(live_server, database_url, desktop_client, qtbot):
    alice, bob, direct = _long_chat(live_server, database_url, desktop_client, qtbot)
    failed: list[tuple] = []
    alice.chat.jump_failed.connect(lambda *args: failed.append(args))
    live_server.stop()
    alice.chat.jump_to_message(direct, 3)
    qtbot.waitUntil(lambda: failed == [(direct, 3)], timeout=30000)
    assert alice.chat.messages.newest_seq() == HISTORY  # the window stayed where it was
    bob.session.close()


def _cached(handle, conversation_id: int) -> dict[int, tuple[str | None, bool]]:
    history = handle.chat.state.history
    return {
        m.confirmed_seq: (m.text, m.deleted)
        for first, last in history.held_ranges(conversation_id)
        for m in history.run_after(conversation_id, first - 1, last - first + 1).messages
    }


def test_an_island_message_changed_while_away_comes_back_as_the_server_has_it(
    live_server, database_url, desktop_client, qtbot
):
    alice, bob, direct = _long_chat(live_server, database_url, desktop_client, qtbot)
    view = alice.session.panel.messages
    alice.chat.jump_to_message(direct, 500)
    qtbot.waitUntil(lambda: view.flashed_row() is not None, timeout=30000)
    history = alice.chat.state.history
    islands = history.held_ranges(direct)
    assert len(islands) == 2 and islands[0][0] <= 500 <= islands[0][1] and islands[1][1] == HISTORY
    alice.close()

    # while Alice is away: changes inside the island, inside the newest run, and far from both
    url = f"/conversations/{direct}/messages"
    assert bob.patch(f"{url}/500", {"text": "five hundred, corrected"}).status_code == 200
    assert bob.session.delete(f"{bob.url}/api/v1{url}/{islands[0][0]}", timeout=10).status_code == 200
    r = bob.session.put(f"{bob.url}/api/v1{url}/{islands[0][1]}/reactions/{quote('👍')}", timeout=10)
    assert r.status_code == 200
    assert bob.patch(f"{url}/{HISTORY}", {"text": "the last, corrected"}).status_code == 200
    assert bob.patch(f"{url}/1200", {"text": "not held anywhere"}).status_code == 200
    assert bob.send(direct, "new while away").status_code == 201

    again = desktop_client("alice", live_server.url)  # the same data dir: the cache of before
    again.app.start()
    qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
    again.wait_online()
    conversation = again.chat.conversations.get(direct)
    qtbot.waitUntil(lambda: conversation.changes_applied == conversation.change_version, timeout=30000)
    qtbot.waitUntil(lambda: again.chat.state.history.newest_seq(direct) == HISTORY + 1, timeout=30000)
    held = again.chat.state.history.held_ranges(direct)
    assert held == [islands[0], (islands[1][0], HISTORY + 1)]  # nothing re-downloaded, no gap left
    server = {}
    for first, last in held:
        page = bob.get(f"{url}?after_seq={first - 1}&limit=200").json()["messages"]
        while page and page[-1]["seq"] < last:
            more = bob.get(f"{url}?after_seq={page[-1]['seq']}&limit=200").json()["messages"]
            page += more
        server.update({m["seq"]: (m["text"], bool(m["deleted"])) for m in page if m["seq"] <= last})
    assert _cached(again, direct) == server
    assert server[500] == ("five hundred, corrected", False) and server[islands[0][0]] == (None, True)
    bob.session.close()
