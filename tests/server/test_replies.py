"""Replies: a quote of a message of the same conversation, kept true when the original changes; jumps."""

from __future__ import annotations

import uuid

import pytest

from tests.server.conftest import User, assert_error, no_such_id
from tests.server.test_files import image_bytes, send_files, uploaded
from tests.server.test_group_commit import run_together, send_of, status


def reply(user: User, conversation_id: int, reply_to_seq: object, text: str = "reply") -> object:
    body = {"client_id": str(uuid.uuid4()), "text": text, "reply_to_seq": reply_to_seq}
    return user.post(f"/conversations/{conversation_id}/messages", body)


def replied(user: User, conversation_id: int, reply_to_seq: int, text: str = "reply") -> dict:
    r = reply(user, conversation_id, reply_to_seq, text)
    assert r.status_code == 201, r.json
    return r.json["message"]


def test_a_reply_carries_the_quote_of_the_original(alice, bob, chat):
    alice.send(chat, "  where do we\n\tmeet   tomorrow?  ")
    message = replied(bob, chat, 1, "at the wall")
    assert message["reply_to"] == {
        "seq": 1,
        "sender_id": alice.id,
        "snippet": "where do we meet tomorrow?",
        "deleted": False,
    }
    assert alice.messages(chat)[1] == message
    assert alice.messages(chat)[0]["reply_to"] is None
    long = alice.send(chat, "x" * 500)
    assert replied(bob, chat, long["seq"])["reply_to"]["snippet"] == "x" * 100


def test_the_quote_of_a_file_is_photo_video_or_its_name(alice, bob, chat):
    photo = uploaded(alice, image_bytes("PNG"), "beach.png")
    doc = uploaded(alice, b"%PDF-1.4\n" + b"0" * 100, "Plan for Saturday.pdf")
    assert send_files(alice, chat, [photo["id"]]).status_code == 201
    assert send_files(alice, chat, [doc["id"]]).status_code == 201
    assert replied(bob, chat, 1)["reply_to"]["snippet"] == "Photo"
    assert replied(bob, chat, 2)["reply_to"]["snippet"] == "Plan for Saturday.pdf"
    # A caption is the quote of a message with files.
    captioned = uploaded(alice, image_bytes("PNG"), "c.png")
    assert send_files(alice, chat, [captioned["id"]], text="sunset").status_code == 201
    assert replied(bob, chat, 5)["reply_to"]["snippet"] == "sunset"


def test_editing_or_deleting_the_original_changes_every_quote_in_the_change_stream(alice, bob, carol):
    group = alice.group("Climbing", bob, carol)["id"]
    alice.send(group, "original")
    first, second = replied(bob, group, 1, "one"), replied(carol, group, 1, "two")
    before = carol.conversation(group)["change_version"]
    r = alice.patch(f"/conversations/{group}/messages/1", {"text": "original, edited"})
    assert r.status_code == 200
    quotes = [m["reply_to"]["snippet"] for m in carol.messages(group)[1:]]
    assert quotes == ["original, edited", "original, edited"]
    assert alice.delete(f"/conversations/{group}/messages/1").status_code == 200
    for message in carol.messages(group)[1:]:
        assert message["reply_to"] == {"seq": 1, "sender_id": alice.id, "snippet": None, "deleted": True}
        assert message["version"] == before + 2
    # The replies changed with their original, in the same version, so a device that was away sees it.
    page = carol.get(f"/conversations/{group}/changes", query_string={"after": before + 1}).json
    assert before == 0
    assert [(m["seq"], m["version"]) for m in page["changes"]] == [(1, 2), (2, 2), (3, 2)]
    assert page["changes"][1]["text"] == first["text"] and page["changes"][2]["text"] == second["text"]
    # A tombstone of a reply keeps no quote.
    assert bob.delete(f"/conversations/{group}/messages/2").json["message"]["reply_to"] is None


@pytest.mark.parametrize("value", [0, -1, "1", 1.5, True, 2**63])
def test_a_malformed_reply_to_seq_is_a_400(alice, chat, value):
    alice.send(chat, "one")
    assert_error(reply(alice, chat, value), 400, "invalid_field", "reply_to_seq", case=value)


def test_a_reply_to_no_message_of_this_conversation_is_a_400(alice, bob, carol, chat):
    other = alice.direct_with(carol)["id"]
    for n in range(3):
        alice.send(other, f"elsewhere {n}")
    alice.send(chat, "here")
    # seq 3 exists in the other conversation only: a seq always names a message of this one.
    assert_error(reply(alice, chat, 3), 400, "invalid_field", "reply_to_seq")
    assert_error(reply(alice, chat, 2**62), 400, "invalid_field", "reply_to_seq")
    assert [m["seq"] for m in alice.messages(chat)] == [1]


def test_a_reply_to_a_deleted_message_is_a_409(alice, bob, chat):
    alice.send(chat, "gone soon")
    assert alice.delete(f"/conversations/{chat}/messages/1").status_code == 200
    assert_error(reply(bob, chat, 1), 409, "conflict", "reply_to_seq")


def test_outsiders_get_the_same_404_as_for_no_conversation(alice, carol, chat):
    alice.send(chat, "private")
    outsider = assert_error(reply(carol, chat, 1), 404, "not_found")
    assert outsider == assert_error(reply(carol, no_such_id(), 1), 404, "not_found")


def test_a_retried_reply_answers_the_stored_message(alice, bob, chat):
    alice.send(chat, "question")
    body = {"client_id": str(uuid.uuid4()), "text": "answer", "reply_to_seq": 1}
    first = bob.post(f"/conversations/{chat}/messages", body)
    again = bob.post(f"/conversations/{chat}/messages", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json


def test_the_batched_send_path_carries_replies_and_refuses_a_bad_one_alone(app, alice, bob, chat):
    alice.send(chat, "question")
    alice.send(chat, "doomed")
    assert alice.delete(f"/conversations/{chat}/messages/2").status_code == 200
    outcomes = run_together(
        app,
        send_of(bob, chat, "answer", reply_to_seq=1),
        send_of(alice, chat, "to nothing", reply_to_seq=99),
        send_of(bob, chat, "to a tombstone", reply_to_seq=2),
        send_of(alice, chat, "plain"),
    )
    assert [status(o) for o in outcomes] == [201, 400, 409, 201]
    stored = outcomes[0][0]  # type: ignore[index]
    assert stored["reply_to"] == {"seq": 1, "sender_id": alice.id, "snippet": "question", "deleted": False}
    assert [(m["seq"], m["text"]) for m in alice.messages(chat)[2:]] == [(3, "answer"), (4, "plain")]


def test_a_reply_sent_alone_without_group_commit_follows_the_same_rules(app, alice, bob, chat, configure):
    configure(group_commit=False)  # the path of a send alone
    alice.send(chat, "question")
    assert replied(bob, chat, 1)["reply_to"]["snippet"] == "question"
    assert_error(reply(bob, chat, 7), 400, "invalid_field", "reply_to_seq")


# ---- jumping to a message: messages?around=SEQ ----------------------------------------------------------


def test_around_a_seq_loads_the_window_it_is_in(alice, chat, unthrottled_sends):
    for n in range(1, 31):
        alice.send(chat, f"m{n}")
    r = alice.get(f"/conversations/{chat}/messages", query_string={"around": 15, "limit": 10})
    assert r.status_code == 200
    assert [m["seq"] for m in r.json["messages"]] == list(range(10, 20))
    assert (r.json["has_more"], r.json["has_more_after"]) == (True, True)
    r = alice.get(f"/conversations/{chat}/messages", query_string={"around": 2, "limit": 10})
    assert [m["seq"] for m in r.json["messages"]] == list(range(1, 7))
    assert (r.json["has_more"], r.json["has_more_after"]) == (False, True)
    r = alice.get(f"/conversations/{chat}/messages", query_string={"around": 29, "limit": 10})
    assert [m["seq"] for m in r.json["messages"]] == list(range(24, 31))
    assert (r.json["has_more"], r.json["has_more_after"]) == (True, False)
    assert "has_more_after" not in alice.get(f"/conversations/{chat}/messages").json


@pytest.mark.parametrize("query", ["around=0", "around=x", "around=3&after_seq=1", "around=3&before_seq=9"])
def test_a_bad_around_is_a_400(alice, chat, query):
    alice.send(chat, "one")
    assert_error(
        alice.get(f"/conversations/{chat}/messages?{query}"), 400, "invalid_field", "around", case=query
    )


def test_around_is_for_members_only(alice, carol, chat):
    alice.send(chat, "private")
    outsider = assert_error(carol.get(f"/conversations/{chat}/messages?around=1"), 404, "not_found")
    assert outsider == assert_error(
        carol.get(f"/conversations/{no_such_id()}/messages?around=1"), 404, "not_found"
    )
