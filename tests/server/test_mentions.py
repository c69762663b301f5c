"""Mentions: @username in a group's message names members, resolved by the server; the "@" badge."""

from __future__ import annotations

import uuid

import pytest

from server.services.mentions import MAX_NAMES, names
from tests.server.conftest import User


def send(user: User, conversation_id: int, text: str) -> dict:
    r = user.post(
        f"/conversations/{conversation_id}/messages", {"client_id": str(uuid.uuid4()), "text": text}
    )
    assert r.status_code == 201, r.json
    return r.json["message"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no mentions here", ""),
        ("hi @Bob and @carol.", "bob carol. carol"),
        ("mail bob@example.com or @@bob or x@bob", ""),
        ("@al is too short, @bob-", "bob- bob"),
        ("@bob @BOB @bob", "bob"),
    ],
)
def test_names_are_the_candidate_usernames(text, expected):
    assert names(text) == expected


def test_names_stop_at_a_bound():
    assert len(names(" ".join(f"@user{n}" for n in range(200))).split()) == MAX_NAMES


def test_a_groups_message_mentions_its_members_named_only(alice, bob, carol, auth):
    dave = auth("dave")  # not in the group
    group = alice.group("Climbing", bob, carol)["id"]
    message = send(alice, group, "@bob, @Carol. and @dave and @alice and @nobody")
    assert message["mentions"] == sorted([bob.id, carol.id])
    assert send(alice, group, "nobody named")["mentions"] == []
    assert alice.messages(group)[0]["mentions"] == sorted([bob.id, carol.id])
    assert dave.id not in message["mentions"]


def test_no_mentions_in_a_one_to_one(alice, bob, chat):
    assert send(alice, chat, "@bob look")["mentions"] == []


def test_an_edit_mentions_whom_it_names_now_and_a_deletion_none(alice, bob, carol):
    group = alice.group("Climbing", bob, carol)["id"]
    send(alice, group, "@bob come")
    r = alice.patch(f"/conversations/{group}/messages/1", {"text": "@carol come instead"})
    assert r.status_code == 200 and r.json["message"]["mentions"] == [carol.id]
    assert alice.delete(f"/conversations/{group}/messages/1").json["message"]["mentions"] == []


def test_the_unread_mentions_badge_and_the_muted_setting(alice, bob, carol):
    group = alice.group("Climbing", bob, carol)["id"]
    send(alice, group, "@bob first")
    send(carol, group, "nothing for bob")
    send(carol, group, "@bob second")
    conversation = bob.conversation(group)
    assert conversation["unread_count"] == 3 and conversation["unread_mentions"] == 2
    assert conversation["me"]["mentions_when_muted"] is True
    r = bob.request("PUT", f"/conversations/{group}/messages/3/hidden")
    assert r.status_code == 200
    assert bob.conversation(group)["unread_mentions"] == 1
    assert bob.post(f"/conversations/{group}/read", {"seq": 3}).status_code == 200
    assert bob.conversation(group)["unread_mentions"] == 0
    r = bob.patch(f"/conversations/{group}/me", {"muted": True, "mentions_when_muted": False})
    assert r.status_code == 200, r.json
    assert r.json["me"]["muted"] is True and r.json["me"]["mentions_when_muted"] is False


def test_mentions_through_the_batched_send_path_too(alice, bob, carol, configure):
    configure(group_commit=True)
    group = alice.group("Climbing", bob, carol)["id"]
    assert send(alice, group, "@carol hi")["mentions"] == [carol.id]
    configure(group_commit=False)
    assert send(alice, group, "@bob hi")["mentions"] == [bob.id]
