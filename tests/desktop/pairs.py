"""The setup most live desktop tests share: two people signed in, each in their own client, in one 1:1."""

from __future__ import annotations

from tests.support.api import PASSWORD, ApiClient, register


def signed_in_pair(live_server, desktop_client, qtbot, *, open_on_bob: bool = True):
    """Alice and Bob, each in their own client, online, with a 1:1 that Alice opened (and Bob too, unless
    ``open_on_bob`` is false: then it only sits in his list). Returns ``(alice, bob, conversation_id)``."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    alice = desktop_client("alice", live_server.url)
    bob = desktop_client("bob", live_server.url)
    alice.sign_in("alice", PASSWORD)
    bob.sign_in("bob", PASSWORD)
    alice.wait_online()
    bob.wait_online()
    alice.chat.start_direct(bob.chat.my_id)
    qtbot.waitUntil(lambda: alice.chat.state.open_conversation_id is not None, timeout=20000)
    conversation_id = alice.chat.state.open_conversation_id
    qtbot.waitUntil(lambda: bob.chat.conversations.get(conversation_id) is not None, timeout=20000)
    if open_on_bob:
        bob.chat.open_conversation(conversation_id)
    return alice, bob, conversation_id


def signed_in_with_two_chats(live_server, desktop_client, qtbot):
    """Alice in her client with a 1:1 with Bob and a group "Climbing", each holding one message of Bob's;
    Bob on the API. Returns ``(alice, bob_api, direct_id, group_id)``; the caller closes bob_api.session."""
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "bob", display_name="Bob")
    bob = ApiClient(live_server.url, "bob", register_first=False)
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    direct = bob.direct_with(ApiClient(live_server.url, "alice", register_first=False))
    r = bob.post("/conversations", {"kind": "group", "title": "Climbing", "member_ids": [alice.chat.my_id]})
    group = r.json()["conversation"]["id"]
    bob.send(direct, "hi Alice")
    bob.send(group, "rope?")
    qtbot.waitUntil(
        lambda: all(alice.chat.conversations.get(c) is not None for c in (direct, group)), timeout=30000
    )
    return alice, bob, direct, group
