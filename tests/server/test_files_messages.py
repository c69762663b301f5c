"""Messages that carry files: files only or with a caption, in order, idempotent, gapless, checked."""

from __future__ import annotations

import uuid

import pytest

from tests.server.conftest import assert_error
from tests.server.test_files import fetch, image_bytes, send_files, uploaded


def last_seq(user, conversation_id: int) -> int:
    return user.conversation(conversation_id)["last_seq"]


def test_a_message_may_be_files_only(alice, bob, chat):
    photo = uploaded(alice, image_bytes(), "photo.png")
    notes = uploaded(alice, b"some notes", "notes.txt")
    r = send_files(alice, chat, [notes["id"], photo["id"]])
    assert r.status_code == 201
    message = r.json["message"]
    assert message["text"] == ""
    assert message["seq"] == 1
    assert [a["id"] for a in message["attachments"]] == [notes["id"], photo["id"]]  # in the order given
    assert message["attachments"][1] == photo
    # Everyone sees the same attachments wherever the message shows up.
    assert bob.messages(chat) == [message]
    assert bob.conversation(chat)["last_message"] == message
    listed = next(c for c in bob.get("/conversations").json["conversations"] if c["id"] == chat)
    assert listed["last_message"]["attachments"] == message["attachments"]
    assert fetch(bob, f"/files/{photo['id']}").data == image_bytes()


def test_text_and_files_together(alice, chat):
    file = uploaded(alice, b"x")
    message = send_files(alice, chat, [file["id"]], "see attached").json["message"]
    assert message["text"] == "see attached"
    assert [a["id"] for a in message["attachments"]] == [file["id"]]


def test_plain_messages_have_no_attachments(alice, chat):
    assert alice.send(chat, "hello")["attachments"] == []
    r = alice.post(
        f"/conversations/{chat}/messages", {"client_id": str(uuid.uuid4()), "text": "x", "file_ids": []}
    )
    assert r.status_code == 201 and r.json["message"]["attachments"] == []


def test_text_is_needed_when_there_are_no_files(alice, chat):
    for body in ({}, {"file_ids": []}, {"text": None}, {"text": None, "file_ids": []}):
        r = alice.post(f"/conversations/{chat}/messages", {"client_id": str(uuid.uuid4()), **body})
        assert_error(r, 400, "invalid_field", "text")
    file = uploaded(alice, b"x")
    r = send_files(alice, chat, [file["id"]], text="   ")
    assert_error(r, 400, "invalid_field", "text")  # a caption, if any, follows the text rules
    assert last_seq(alice, chat) == 0


@pytest.mark.parametrize(
    "file_ids",
    [
        ["not-a-file-id"],
        ["A" * 32],
        ["0" * 31],
        [5],
        "0" * 32,
        [None],
        ["0" * 32, "0" * 32],
        [f"{n:032x}" for n in range(11)],
    ],
)
def test_bad_file_ids_are_refused(alice, chat, file_ids):
    r = alice.post(
        f"/conversations/{chat}/messages", {"client_id": str(uuid.uuid4()), "text": "x", "file_ids": file_ids}
    )
    assert assert_error(r, 400, "invalid_field")["field"].startswith("file_ids")
    assert last_seq(alice, chat) == 0


def test_only_the_uploader_can_attach_a_file(alice, bob, chat):
    bobs = uploaded(bob, b"bob's file")
    mine = uploaded(alice, b"mine")
    unknown = assert_error(send_files(alice, chat, ["e" * 32]), 404, "not_found", "file_ids")
    taken = assert_error(send_files(alice, chat, [mine["id"], bobs["id"]]), 404, "not_found", "file_ids")
    assert taken["message"] == unknown["message"].replace("e" * 32, bobs["id"])  # nothing more is told
    assert last_seq(alice, chat) == 0
    # The refused send attached nothing: both files are still unsent and usable by their owners.
    assert send_files(alice, chat, [mine["id"]]).status_code == 201
    assert send_files(bob, chat, [bobs["id"]]).status_code == 201
    assert last_seq(alice, chat) == 2


def test_a_file_is_sent_once(alice, auth, chat):
    file = uploaded(alice, b"once")
    assert send_files(alice, chat, [file["id"]]).status_code == 201
    r = send_files(alice, chat, [file["id"]])
    assert_error(r, 409, "conflict", "file_ids")
    other = alice.group("Elsewhere", auth("carol"))["id"]
    assert_error(send_files(alice, other, [file["id"]]), 409, "conflict", "file_ids")
    assert last_seq(alice, chat) == 1


def test_a_retried_send_returns_the_stored_message_with_its_files(alice, bob, chat):
    first = uploaded(alice, b"first")
    client_id = str(uuid.uuid4())
    body = {"client_id": client_id, "file_ids": [first["id"]]}
    sent = alice.post(f"/conversations/{chat}/messages", body)
    assert sent.status_code == 201
    again = alice.post(f"/conversations/{chat}/messages", body)
    assert again.status_code == 200
    assert again.json == sent.json
    # Even if the retry names other files, the stored message is the answer and nothing else is attached.
    second = uploaded(alice, b"second")
    changed = alice.post(
        f"/conversations/{chat}/messages", {"client_id": client_id, "file_ids": [second["id"]]}
    )
    assert changed.status_code == 200 and changed.json == sent.json
    assert last_seq(alice, chat) == 1
    assert send_files(alice, chat, [second["id"]]).status_code == 201


def test_sends_with_and_without_files_keep_seq_gapless(alice, bob, chat):
    for n in range(6):
        if n % 2:
            assert send_files(alice, chat, [uploaded(alice, bytes([n]))["id"]]).status_code == 201
        else:
            bob.send(chat, f"text {n}")
        assert_error(send_files(alice, chat, ["d" * 32]), 404, "not_found", "file_ids")
    assert [m["seq"] for m in alice.messages(chat)] == [1, 2, 3, 4, 5, 6]


def test_a_caption_can_be_added_by_editing(alice, bob, chat):
    file = uploaded(alice, b"x")
    message = send_files(alice, chat, [file["id"]]).json["message"]
    r = alice.patch(f"/conversations/{chat}/messages/{message['seq']}", {"text": "now with words"})
    assert r.status_code == 200
    assert r.json["message"]["text"] == "now with words"
    assert r.json["message"]["attachments"] == message["attachments"]


def test_outsiders_cannot_send_files_into_a_conversation(alice, auth, chat):
    carol = auth("carol")
    file = uploaded(carol, b"spam")
    assert_error(send_files(carol, chat, [file["id"]]), 404, "not_found")
    assert fetch(carol, f"/files/{file['id']}").status_code == 200  # still her unsent upload
    assert last_seq(alice, chat) == 0


def test_concurrent_sends_of_one_file_attach_it_once(alice, chat):
    from concurrent.futures import ThreadPoolExecutor

    file = uploaded(alice, b"contested")
    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(lambda _: send_files(alice, chat, [file["id"]]).status_code, range(4)))
    assert statuses == [201, 409, 409, 409]
    assert [len(m["attachments"]) for m in alice.messages(chat)] == [1]
    assert last_seq(alice, chat) == 1
