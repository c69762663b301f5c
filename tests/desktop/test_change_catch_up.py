"""A device that was away converges on edits and deletions of messages it already holds (the change stream):
issue 14's foundation on the client, against a real server, across a restart of the client."""

from __future__ import annotations

from urllib.parse import quote

from tests.support.api import PASSWORD, ApiClient, register


def _cached(handle, conversation_id: int) -> dict[int, tuple[str | None, bool]]:
    history = handle.chat.state.history
    return {
        m.confirmed_seq: (m.text, m.deleted) for m in history.messages_after(conversation_id, 0, limit=1000)
    }


def _on_server(api: ApiClient, conversation_id: int) -> dict[int, tuple[str | None, bool]]:
    return {m["seq"]: (m["text"], bool(m["deleted"])) for m in api.messages_after(conversation_id)}


def test_edits_and_deletions_made_while_away_reach_the_cache_after_a_restart(
    live_server, desktop_client, qtbot
):
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD, keep=True)
    alice.wait_online()
    direct = bob.direct_with(ApiClient(live_server.url, "alice", register_first=False))
    for n in range(1, 9):
        assert bob.send(direct, f"message {n}").status_code == 201
    qtbot.waitUntil(lambda: len(_cached(alice, direct)) == 8, timeout=30000)
    alice.close()

    # While Alice is away: edits (one twice), deletions, a reaction, and an edit of a message deleted since.
    url = f"/conversations/{direct}/messages"
    assert bob.patch(f"{url}/2", {"text": "message 2, corrected"}).status_code == 200
    assert bob.patch(f"{url}/5", {"text": "five, first try"}).status_code == 200
    assert bob.patch(f"{url}/5", {"text": "five, final"}).status_code == 200
    assert bob.session.delete(f"{bob.url}/api/v1{url}/3", timeout=10).status_code == 200
    assert bob.patch(f"{url}/7", {"text": "seven, soon gone"}).status_code == 200
    assert bob.session.delete(f"{bob.url}/api/v1{url}/7", timeout=10).status_code == 200
    r = bob.session.put(f"{bob.url}/api/v1{url}/4/reactions/{quote('👍')}", timeout=10)
    assert r.status_code == 200
    assert bob.send(direct, "message 9, new").status_code == 201
    expected = _on_server(bob, direct)
    assert expected[3] == (None, True) and expected[5] == ("five, final", False)

    again = desktop_client("alice", live_server.url)  # the same data dir: the cache of before
    again.app.start()  # kept signed in
    qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
    again.wait_online()
    qtbot.waitUntil(lambda: _cached(again, direct) == expected, timeout=30000)
    conversation = again.chat.conversations.get(direct)
    assert conversation is not None
    qtbot.waitUntil(lambda: conversation.changes_applied == conversation.change_version, timeout=30000)
    assert conversation.change_version == 7  # six changes of old messages and the reaction
    bob.session.close()


def test_a_live_change_is_applied_and_moves_the_cursor(live_server, desktop_client, qtbot):
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    direct = bob.direct_with(ApiClient(live_server.url, "alice", register_first=False))
    assert bob.send(direct, "typo hree").status_code == 201
    qtbot.waitUntil(lambda: len(_cached(alice, direct)) == 1, timeout=30000)
    assert bob.patch(f"/conversations/{direct}/messages/1", {"text": "typo here"}).status_code == 200
    qtbot.waitUntil(lambda: _cached(alice, direct) == {1: ("typo here", False)}, timeout=30000)
    conversation = alice.chat.conversations.get(direct)
    assert conversation is not None
    qtbot.waitUntil(lambda: conversation.changes_applied == 1, timeout=30000)
    bob.session.close()
