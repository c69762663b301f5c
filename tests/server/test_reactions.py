"""Reactions: one fully-qualified emoji, idempotent, limited, aggregated, in the change stream."""

from __future__ import annotations

from urllib.parse import quote

import emoji as emoji_table
import pytest

from server.services.reactions import MAX_DISTINCT, MAX_PER_USER
from tests.server.conftest import User, assert_error, no_such_id


def path(conversation_id: int, seq: int, emoji: str) -> str:
    return f"/conversations/{conversation_id}/messages/{seq}/reactions/{quote(emoji, safe='')}"


def react(user: User, conversation_id: int, seq: int, emoji: str, add: bool = True) -> dict:
    r = user.request("PUT" if add else "DELETE", path(conversation_id, seq, emoji))
    assert r.status_code == 200, r.json
    return {**r.json["message"], "my_reactions": r.json["my_reactions"]}


@pytest.fixture
def many_reactions(configure) -> None:
    configure(reactions_per_minute=0)


def test_reactions_are_aggregated_idempotent_and_mine_per_caller(alice, bob, carol):
    group = alice.group("Climbing", bob, carol)["id"]
    alice.send(group, "summit!")
    message = react(bob, group, 1, "👍")
    assert message["reactions"] == [{"emoji": "👍", "count": 1, "user_ids": [bob.id]}]
    assert message["my_reactions"] == ["👍"]
    assert message["version"] == 1
    again = react(bob, group, 1, "👍")  # idempotent: no change, no new version
    assert again == message
    react(carol, group, 1, "❤️")
    message = react(alice, group, 1, "👍")
    assert message["reactions"] == [
        {"emoji": "👍", "count": 2, "user_ids": [bob.id, alice.id]},
        {"emoji": "❤️", "count": 1, "user_ids": [carol.id]},
    ]
    assert message["my_reactions"] == ["👍"]
    assert carol.get(f"/conversations/{group}/messages").json["my_reactions"] == {"1": ["❤️"]}
    assert carol.messages(group)[0]["reactions"] == message["reactions"]
    message = react(bob, group, 1, "👍", add=False)
    # In the order of each emoji's earliest reaction still there.
    assert message["reactions"] == [
        {"emoji": "❤️", "count": 1, "user_ids": [carol.id]},
        {"emoji": "👍", "count": 1, "user_ids": [alice.id]},
    ]
    assert message["my_reactions"] == []
    assert react(bob, group, 1, "👍", add=False) == message  # removing twice changes nothing
    # Every change is in the change stream, with the caller's own reactions.
    page = carol.get(f"/conversations/{group}/changes", query_string={"after": 0}).json
    assert [(m["seq"], m["version"]) for m in page["changes"]] == [(1, 4)]
    assert page["my_reactions"] == {"1": ["❤️"]}


def test_only_one_fully_qualified_emoji_is_a_reaction(alice, bob, chat):
    alice.send(chat, "hi")
    for bad in ["a", "👍👍", ":thumbsup:", "❤", "🏻", "👍 ", "1", "x" * 70]:
        r = bob.request("PUT", path(chat, 1, bad))
        assert_error(r, 400, "invalid_field", "emoji", case=bad)
    for good in ["👍🏽", "🏳️‍🌈", "1️⃣", "👨‍👩‍👧"]:
        assert emoji_table.is_emoji(good)
        react(bob, chat, 1, good)


def test_limits_per_user_and_per_message_are_409(alice, bob, carol, auth, many_reactions):
    group = alice.group("Climbing", bob, carol)["id"]
    alice.send(group, "vote")
    qualified = emoji_table.STATUS["fully_qualified"]
    table = [e for e, d in emoji_table.EMOJI_DATA.items() if d["status"] == qualified]
    for e in table[:MAX_PER_USER]:
        react(bob, group, 1, e)
    assert_error(bob.request("PUT", path(group, 1, table[MAX_PER_USER])), 409, "conflict", "emoji")
    react(bob, group, 1, table[0])  # an existing one is fine
    for n, e in enumerate(table[MAX_PER_USER : MAX_DISTINCT - 1]):
        react(carol if n < MAX_PER_USER else alice, group, 1, e)
    assert len(alice.messages(group)[0]["reactions"]) == MAX_DISTINCT - 1
    react(alice, group, 1, table[MAX_DISTINCT - 1])
    assert_error(alice.request("PUT", path(group, 1, table[MAX_DISTINCT])), 409, "conflict", "emoji")
    react(alice, group, 1, table[0])  # joining an emoji already there is fine at the cap


def test_no_reactions_on_a_deleted_message_and_deleting_removes_them(alice, bob, chat):
    alice.send(chat, "soon gone")
    react(bob, chat, 1, "😂")
    tombstone = alice.delete(f"/conversations/{chat}/messages/1").json["message"]
    assert tombstone["reactions"] == [] and "my_reactions" not in tombstone
    assert_error(bob.request("PUT", path(chat, 1, "😂")), 409, "conflict")
    assert_error(bob.delete(path(chat, 1, "😂")), 409, "conflict")


def test_outsiders_and_missing_messages_get_404(alice, carol, chat):
    alice.send(chat, "private")
    outsider = assert_error(carol.request("PUT", path(chat, 1, "👍")), 404, "not_found")
    assert outsider == assert_error(carol.request("PUT", path(no_such_id(), 1, "👍")), 404, "not_found")
    assert_error(alice.request("PUT", path(chat, 2, "👍")), 404, "not_found")


def test_reactions_are_limited_per_minute_with_retry_after(alice, bob, chat, configure):
    configure(reactions_per_minute=3)
    alice.send(chat, "hi")
    for e in ["👍", "😂", "🎉"]:
        react(bob, chat, 1, e)
    r = bob.request("PUT", path(chat, 1, "🔥"))
    error = assert_error(r, 429, "too_many_requests")
    assert int(r.headers["Retry-After"]) >= 1 and error["retry_after"] >= 1
    react(bob, chat, 1, "👍")  # no change: not counted, not refused
