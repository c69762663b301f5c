"""Messages: idempotent sends, text rules, paging in both directions, edits and tombstones."""

from __future__ import annotations

import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.limits import MAX_MESSAGE_CHARS
from tests.server.conftest import User, assert_error, no_such_id

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
# The documented fields; later issues may add more.
MESSAGE_KEYS = {
    "id",
    "conversation_id",
    "seq",
    "sender_id",
    "client_id",
    "text",
    "created_at",
    "edited_at",
    "deleted",
}


@pytest.fixture
def chat(alice, bob) -> int:
    """The 1:1 of alice and bob."""
    return alice.direct_with(bob)["id"]


def send(user, conversation_id: int, body) -> object:
    return user.post(f"/conversations/{conversation_id}/messages", body)


def last_seq(user, conversation_id: int) -> int:
    return user.conversation(conversation_id)["last_seq"]


# ---- sending --------------------------------------------------------------------------------------------


def test_send_answers_the_stored_message(alice, chat):
    client_id = str(uuid.uuid4())
    r = send(alice, chat, {"client_id": client_id, "text": "hi 👋"})
    assert r.status_code == 201
    message = r.json["message"]
    assert set(message) >= MESSAGE_KEYS
    assert message["conversation_id"] == chat
    assert message["seq"] == 1
    assert message["sender_id"] == alice.id
    assert message["client_id"] == client_id
    assert message["text"] == "hi 👋"
    assert ISO_UTC.match(message["created_at"])
    assert message["edited_at"] is None
    assert message["deleted"] is False
    assert alice.messages(chat) == [message]


def test_seq_is_per_conversation_and_gapless(alice, bob, carol, chat):
    other = alice.group("g", carol)["id"]
    seqs = [alice.send(chat)["seq"], bob.send(chat)["seq"], alice.send(other)["seq"], alice.send(chat)["seq"]]
    assert seqs == [1, 2, 1, 3]
    assert (last_seq(alice, chat), last_seq(alice, other)) == (3, 1)


def test_retry_with_the_same_client_id_answers_the_first_message(alice, bob, chat):
    client_id = str(uuid.uuid4())
    first = send(alice, chat, {"client_id": client_id, "text": "once"})
    bob.send(chat, "in between")
    again = send(alice, chat, {"client_id": client_id, "text": "once"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    # Even a retry with other text (a client bug) stores nothing new.
    changed = send(alice, chat, {"client_id": client_id, "text": "twice?"})
    assert changed.status_code == 200
    assert changed.json == first.json
    assert [m["text"] for m in alice.messages(chat)] == ["once", "in between"]
    assert last_seq(alice, chat) == 2


def test_client_id_is_matched_in_any_spelling(alice, chat):
    client_id = uuid.uuid4()
    first = send(alice, chat, {"client_id": str(client_id), "text": "x"})
    again = send(alice, chat, {"client_id": str(client_id).upper(), "text": "x"})
    assert again.status_code == 200
    assert again.json == first.json
    assert again.json["message"]["client_id"] == str(client_id)


def test_client_id_reused_in_another_conversation_is_a_conflict(alice, carol, chat):
    other = alice.group("g", carol)["id"]
    client_id = str(uuid.uuid4())
    assert send(alice, chat, {"client_id": client_id, "text": "here"}).status_code == 201
    r = send(alice, other, {"client_id": client_id, "text": "there"})
    assert_error(r, 409, "conflict", "client_id")
    assert last_seq(alice, other) == 0


def test_the_same_client_id_from_two_people_is_two_messages(alice, bob, chat):
    client_id = str(uuid.uuid4())
    assert send(alice, chat, {"client_id": client_id, "text": "a"}).status_code == 201
    assert send(bob, chat, {"client_id": client_id, "text": "b"}).status_code == 201
    assert last_seq(alice, chat) == 2


def test_sending_moves_my_read_position(alice, bob, chat):
    bob.send(chat, "one")
    bob.send(chat, "two")
    alice.send(chat, "three")
    got = alice.conversation(chat)
    assert (got["last_read_seq"], got["unread_count"]) == (3, 0)
    got = bob.conversation(chat)
    assert (got["last_read_seq"], got["unread_count"]) == (2, 1)


ROUND_TRIP_TEXTS = [
    "👩‍👩‍👧‍👦 🏳️‍🌈 🇯🇵 👍🏽",
    "你好，世界。こんにちは。안녕하세요",
    "مرحبا بالعالم שלום עולם",
    "e\u0301 a\u0308 Z\u0335\u0321\u031b\u0327a\u0336\u0322\u0358l\u0334g\u0337o",
    "\u200f\u202eRTL override\u202c and zero\u200bwidth",
    "tab\tand\nnew\r\nlines",
    "  leading and trailing spaces  ",
    "\U0001f600" * 2500,
    "x" * MAX_MESSAGE_CHARS,
    "é" * MAX_MESSAGE_CHARS,
    "\u0085 a C1 control is not refused",
    "'; DROP TABLE messages; -- %s %(x)s \\",
]


def test_any_unicode_text_round_trips_exactly(alice, bob, chat):
    for seq, text in enumerate(ROUND_TRIP_TEXTS, start=1):
        sent = send(alice, chat, {"client_id": str(uuid.uuid4()), "text": text})
        assert sent.status_code == 201, text[:50]
        assert sent.json["message"]["text"] == text
        assert bob.messages(chat, after_seq=seq - 1, limit=1)[0]["text"] == text
        assert bob.conversation(chat)["last_message"]["text"] == text


BAD_TEXTS = [
    ("", "empty"),
    (" ", "whitespace"),
    ("\n\t\r\n \u3000\u00a0", "whitespace"),
    ("\u200b\u200f", "invisible only"),
    ("x" * (MAX_MESSAGE_CHARS + 1), "too long"),
    ("🙂" * (MAX_MESSAGE_CHARS + 1), "too long"),
    ("nul\u0000inside", "NUL"),
    ("bell\u0007", "C0 control"),
    ("\u001b[31mred", "escape"),
    ("back\u0008space", "C0 control"),
    ("del\u007f", "DEL"),
    ("\u0000", "NUL"),
]


def test_bad_text_is_refused_and_nothing_is_stored(alice, chat):
    alice.send(chat, "before")
    for text, why in BAD_TEXTS:
        r = send(alice, chat, {"client_id": str(uuid.uuid4()), "text": text})
        assert_error(r, 400, "invalid_field", "text", case=why)
    assert last_seq(alice, chat) == 1


SEND_FIELD_ERRORS = [
    ({"text": "hi"}, "client_id"),
    ({"client_id": "6f0c1a86-4c1a-4d5e-9b76-1e2f3a4b5c6d"}, "text"),
    ({"client_id": "not-a-uuid", "text": "hi"}, "client_id"),
    ({"client_id": "", "text": "hi"}, "client_id"),
    ({"client_id": 5, "text": "hi"}, "client_id"),
    ({"client_id": None, "text": "hi"}, "client_id"),
    ({"client_id": "6f0c1a86-4c1a-4d5e-9b76-1e2f3a4b5c6d", "text": 5}, "text"),
    ({"client_id": "6f0c1a86-4c1a-4d5e-9b76-1e2f3a4b5c6d", "text": None}, "text"),
    ({"client_id": "6f0c1a86-4c1a-4d5e-9b76-1e2f3a4b5c6d", "text": ["hi"]}, "text"),
    ({"client_id": "6f0c1a86-4c1a-4d5e-9b76-1e2f3a4b5c6d", "text": "hi", "seq": 9}, "seq"),
]


def test_send_field_errors_store_nothing(alice, chat):
    for body, field in SEND_FIELD_ERRORS:
        assert_error(send(alice, chat, body), 400, "invalid_field", field, case=body)
    assert last_seq(alice, chat) == 0
    assert alice.messages(chat) == []


def test_send_to_an_unknown_conversation(alice):
    assert_error(
        alice.post(f"/conversations/{no_such_id()}/messages", {"client_id": str(uuid.uuid4()), "text": "x"}),
        404,
        "not_found",
    )


# ---- paging ---------------------------------------------------------------------------------------------


@pytest.fixture
def seven(alice, bob, chat) -> int:
    """Seven messages, seq 1..7, alternating senders."""
    for i in range(1, 8):
        (alice if i % 2 else bob).send(chat, f"m{i}")
    return chat


def page(user, conversation_id: int, **query) -> tuple[list[int], bool]:
    r = user.get(f"/conversations/{conversation_id}/messages", query_string=query)
    assert r.status_code == 200, r.json
    assert set(r.json) == {"messages", "has_more"}
    return [m["seq"] for m in r.json["messages"]], r.json["has_more"]


def test_latest_page(alice, seven):
    assert page(alice, seven) == ([1, 2, 3, 4, 5, 6, 7], False)
    assert page(alice, seven, limit=3) == ([5, 6, 7], True)
    assert page(alice, seven, limit=7) == ([1, 2, 3, 4, 5, 6, 7], False)


def test_forward_paging_with_after_seq(alice, seven):
    assert page(alice, seven, after_seq=0, limit=3) == ([1, 2, 3], True)
    assert page(alice, seven, after_seq=3, limit=3) == ([4, 5, 6], True)
    assert page(alice, seven, after_seq=6, limit=3) == ([7], False)
    assert page(alice, seven, after_seq=4, limit=3) == ([5, 6, 7], False)
    assert page(alice, seven, after_seq=7) == ([], False)
    assert page(alice, seven, after_seq=100) == ([], False)


def test_backward_paging_with_before_seq(alice, seven):
    assert page(alice, seven, before_seq=8, limit=3) == ([5, 6, 7], True)
    assert page(alice, seven, before_seq=5, limit=3) == ([2, 3, 4], True)
    assert page(alice, seven, before_seq=2, limit=3) == ([1], False)
    assert page(alice, seven, before_seq=4, limit=3) == ([1, 2, 3], False)
    assert page(alice, seven, before_seq=1) == ([], False)
    assert page(alice, seven, before_seq=0) == ([], False)


def test_paging_within_a_window(alice, seven):
    assert page(alice, seven, after_seq=1, before_seq=7, limit=3) == ([2, 3, 4], True)
    assert page(alice, seven, after_seq=1, before_seq=5, limit=3) == ([2, 3, 4], False)
    assert page(alice, seven, after_seq=1, before_seq=2) == ([], False)


def test_walking_forward_and_backward_sees_every_message_once(alice, seven):
    seen, after, more = [], 0, True
    while more:
        got, more = page(alice, seven, after_seq=after, limit=2)
        seen += got
        after = got[-1] if got else after
    assert seen == [1, 2, 3, 4, 5, 6, 7]
    seen, before, more = [], 8, True
    while more:
        got, more = page(alice, seven, before_seq=before, limit=2)
        seen = got + seen
        before = got[0]
    assert seen == [1, 2, 3, 4, 5, 6, 7]


def test_page_limits(alice, chat, unthrottled_sends):
    for i in range(201):
        alice.send(chat, f"m{i}")
    assert len(page(alice, chat)[0]) == 50
    seqs, more = page(alice, chat, limit=200)
    assert (seqs[0], seqs[-1], more) == (2, 201, True)
    assert page(alice, chat, limit=1) == ([201], True)


def test_tombstones_keep_their_place_in_pages(alice, seven):
    alice.delete(f"/conversations/{seven}/messages/3")
    r = alice.get(f"/conversations/{seven}/messages", query_string={"after_seq": 2, "limit": 2})
    assert [(m["seq"], m["text"], m["deleted"]) for m in r.json["messages"]] == [
        (3, None, True),
        (4, "m4", False),
    ]


PAGE_QUERY_ERRORS = [
    ({"limit": 0}, "limit"),
    ({"limit": 201}, "limit"),
    ({"limit": -1}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"limit": ""}, "limit"),
    ({"after_seq": -1}, "after_seq"),
    ({"after_seq": "x"}, "after_seq"),
    ({"before_seq": "1e3"}, "before_seq"),
    ({"before_seq": 2**63}, "before_seq"),
    ({"after_seq": 3, "before_seq": 3}, "before_seq"),
    ({"after_seq": 5, "before_seq": 2}, "before_seq"),
]


def test_page_query_errors(alice, seven):
    for query, field in PAGE_QUERY_ERRORS:
        r = alice.get(f"/conversations/{seven}/messages", query_string=query)
        assert_error(r, 400, "invalid_field", field, case=query)


def test_page_of_an_unknown_conversation(alice):
    assert_error(alice.get(f"/conversations/{no_such_id()}/messages"), 404, "not_found")


# ---- editing --------------------------------------------------------------------------------------------


def message_path(conversation_id: int, seq: int) -> str:
    return f"/conversations/{conversation_id}/messages/{seq}"


def test_edit_my_message(alice, bob, chat):
    original = alice.send(chat, "helo")
    bob.send(chat, "after")
    r = alice.patch(message_path(chat, 1), {"text": "hello 🌍"})
    assert r.status_code == 200
    edited = r.json["message"]
    assert edited["text"] == "hello 🌍"
    assert ISO_UTC.match(edited["edited_at"]) and edited["edited_at"] >= original["created_at"]
    for key in ("id", "seq", "client_id", "created_at", "sender_id", "conversation_id"):
        assert edited[key] == original[key]
    assert bob.messages(chat)[0] == edited
    assert last_seq(alice, chat) == 2


def test_editing_someone_elses_message_is_forbidden(alice, bob, chat):
    bob.send(chat, "bob's words")
    assert_error(alice.patch(message_path(chat, 1), {"text": "alice's words"}), 403, "forbidden")
    assert bob.messages(chat)[0]["text"] == "bob's words"
    assert bob.messages(chat)[0]["edited_at"] is None


def test_editing_a_tombstone_is_a_conflict(alice, chat):
    alice.send(chat, "gone")
    alice.delete(message_path(chat, 1))
    assert_error(alice.patch(message_path(chat, 1), {"text": "back"}), 409, "conflict")
    assert alice.messages(chat)[0]["text"] is None


def test_edit_of_an_unknown_seq(alice, chat):
    alice.send(chat, "one")
    assert_error(alice.patch(message_path(chat, 2), {"text": "x"}), 404, "not_found")
    assert_error(alice.patch(message_path(chat, 2**62), {"text": "x"}), 404, "not_found")


MALFORMED_SEQS = ["0", "-1", "abc", "1.0", "99999999999999999999"]


def test_malformed_seq_is_not_found(alice, chat):
    alice.send(chat, "one")
    for seq in MALFORMED_SEQS:
        r = alice.patch(f"/conversations/{chat}/messages/{seq}", {"text": "x"})
        assert_error(r, 404, "not_found", case=seq)
        assert_error(alice.delete(f"/conversations/{chat}/messages/{seq}"), 404, "not_found", case=seq)
    assert alice.messages(chat)[0]["text"] == "one"


EDIT_FIELD_ERRORS = [
    ({}, "text"),
    ({"text": ""}, "text"),
    ({"text": "   "}, "text"),
    ({"text": "x" * (MAX_MESSAGE_CHARS + 1)}, "text"),
    ({"text": "a\u0000"}, "text"),
    ({"text": 5}, "text"),
    ({"text": "ok", "client_id": "6f0c1a86-4c1a-4d5e-9b76-1e2f3a4b5c6d"}, "client_id"),
]


def test_edit_field_errors_leave_the_message(alice, chat):
    alice.send(chat, "kept")
    for body, field in EDIT_FIELD_ERRORS:
        assert_error(alice.patch(message_path(chat, 1), body), 400, "invalid_field", field, case=body)
    message = alice.messages(chat)[0]
    assert (message["text"], message["edited_at"]) == ("kept", None)


# ---- deleting -------------------------------------------------------------------------------------------


def test_delete_leaves_a_tombstone_with_its_seq(alice, bob, chat):
    original = alice.send(chat, "oops")
    bob.send(chat, "after")
    r = alice.delete(message_path(chat, 1))
    assert r.status_code == 200
    tombstone = r.json["message"]
    assert (tombstone["text"], tombstone["deleted"]) == (None, True)
    for key in ("id", "seq", "client_id", "created_at", "sender_id", "conversation_id"):
        assert tombstone[key] == original[key]
    assert bob.messages(chat)[0] == tombstone
    assert last_seq(bob, chat) == 2
    # Deleting twice is fine and answers the same tombstone.
    again = alice.delete(message_path(chat, 1))
    assert again.status_code == 200
    assert again.json == r.json


def test_a_retried_send_of_a_deleted_message_answers_the_tombstone(alice, chat):
    client_id = str(uuid.uuid4())
    send(alice, chat, {"client_id": client_id, "text": "oops"})
    alice.delete(message_path(chat, 1))
    r = send(alice, chat, {"client_id": client_id, "text": "oops"})
    assert r.status_code == 200
    assert r.json["message"]["deleted"] is True
    assert last_seq(alice, chat) == 1


def test_deleting_someone_elses_message_is_forbidden(alice, bob, chat):
    bob.send(chat, "bob's")
    assert_error(alice.delete(message_path(chat, 1)), 403, "forbidden")
    assert bob.messages(chat)[0]["deleted"] is False


def test_delete_of_an_unknown_seq(alice, chat):
    assert_error(alice.delete(message_path(chat, 1)), 404, "not_found")


def test_the_same_send_racing_itself_is_stored_once(app, alice, chat):
    """Retries that overlap (a client that timed out and resent) meet the unique (sender, client_id)."""
    body = {"client_id": str(uuid.uuid4()), "text": "once"}
    barrier = threading.Barrier(8)

    def send_once(_: int):
        own = User(app.test_client(), alice.username, alice.password, alice.token, alice.me)
        barrier.wait()
        r = send(own, chat, body)
        return r.status_code, r.json["message"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(send_once, range(8)))
    assert sorted(status for status, _ in results) == [200] * 7 + [201]
    assert len({message["id"] for _, message in results}) == 1
    assert {message["seq"] for _, message in results} == {1}
    assert last_seq(alice, chat) == 1
    assert [m["text"] for m in alice.messages(chat)] == ["once"]
