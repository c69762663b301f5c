"""Forwarding: a new message of mine in each target, marked forwarded (from whom only if that person is
visible there), files shared by reference, idempotent per client_id, limited, every refusal tested."""

from __future__ import annotations

import uuid

from tests.server.conftest import User, assert_error, no_such_id
from tests.server.test_files import fetch, image_bytes, send_files, uploaded


def forward_path(conversation_id: int, seq: int) -> str:
    return f"/conversations/{conversation_id}/messages/{seq}/forward"


def targets(*conversation_ids: int) -> dict:
    return {"to": [{"conversation_id": c, "client_id": str(uuid.uuid4())} for c in conversation_ids]}


def forward(user: User, conversation_id: int, seq: int, body: dict, status: int = 201) -> list[dict]:
    r = user.post(forward_path(conversation_id, seq), body)
    assert r.status_code == status, r.json
    return r.json["messages"]


def test_a_forward_is_a_new_message_of_mine_in_each_target_marked_forwarded(alice, bob, carol, chat):
    group = bob.group("Climbing", carol)["id"]
    with_carol = bob.direct_with(carol)["id"]
    alice.send(chat, "the summit is at 8")
    made = forward(bob, chat, 1, targets(group, with_carol))
    assert [(m["conversation_id"], m["seq"], m["sender_id"]) for m in made] == [
        (group, 1, bob.id),
        (with_carol, 1, bob.id),
    ]
    assert all(
        m["text"] == "the summit is at 8" and m["forwarded_from"] == {"sender_id": alice.id} for m in made
    )
    assert carol.messages(group)[0] == made[0]
    assert alice.messages(chat)[0]["forwarded_from"] is None
    # It is searchable where it arrived, as any message.
    found = carol.get("/search", query_string={"q": "summit"}).json["results"]
    assert {r["message"]["conversation_id"] for r in found} == {group, with_carol}


def test_the_original_sender_is_named_only_where_visible(alice, bob, carol, chat):
    assert alice.patch("/me", {"visible": False}).status_code == 200
    alice.send(chat, "from someone hidden")
    with_carol = bob.direct_with(carol)["id"]
    (made,) = forward(bob, chat, 1, targets(with_carol))
    assert made["forwarded_from"] == {"sender_id": None}  # carol may not look alice up
    group = bob.group("Climbing", carol, alice)["id"]
    (made,) = forward(bob, chat, 1, targets(group))
    assert made["forwarded_from"] == {"sender_id": alice.id}  # alice is a member there
    # A forward of a forward names the first sender, or nobody when the first forward did not.
    (again,) = forward(carol, with_carol, 1, targets(group))
    assert again["forwarded_from"] == {"sender_id": None}


def test_files_are_shared_by_reference_and_access_stays_per_conversation(alice, bob, carol, auth, chat):
    dave = auth("dave")
    photo = uploaded(alice, image_bytes(), "photo.png")
    assert send_files(alice, chat, [photo["id"]], "look").status_code == 201
    with_carol = bob.direct_with(carol)["id"]
    (made,) = forward(bob, chat, 1, targets(with_carol))
    assert made["attachments"] == alice.messages(chat)[0]["attachments"]  # the same file, not a copy
    assert fetch(carol, f"/files/{photo['id']}").status_code == 200
    assert fetch(carol, f"/files/{photo['id']}/thumbnail").status_code == 200
    assert fetch(dave, f"/files/{photo['id']}").status_code == 404
    # Deleting the original for everyone keeps the file for the forward's conversation.
    assert alice.delete(f"/conversations/{chat}/messages/1").status_code == 200
    assert fetch(carol, f"/files/{photo['id']}").data == image_bytes()
    assert fetch(bob, f"/files/{photo['id']}").status_code == 200  # bob is in with_carol
    # Deleting the last message that carries it deletes it.
    assert bob.delete(f"/conversations/{with_carol}/messages/1").status_code == 200
    assert fetch(carol, f"/files/{photo['id']}").status_code == 404
    assert fetch(alice, f"/files/{photo['id']}").status_code == 404


def test_deleting_an_account_keeps_the_files_other_peoples_forwards_carry(alice, bob, carol, chat):
    kept = uploaded(alice, image_bytes(), "kept.png")
    gone = uploaded(alice, b"only in alice's own message", "gone.txt")
    unsent = uploaded(alice, b"never sent", "unsent.txt")
    assert send_files(alice, chat, [kept["id"]]).status_code == 201
    assert send_files(alice, chat, [gone["id"]]).status_code == 201
    with_carol = bob.direct_with(carol)["id"]
    forward(bob, chat, 1, targets(with_carol))
    r = alice.delete("/me", {"password": alice.password})
    assert r.status_code in (200, 204), r.json
    assert fetch(carol, f"/files/{kept['id']}").data == image_bytes()
    assert carol.messages(with_carol)[0]["attachments"][0]["id"] == kept["id"]
    assert fetch(bob, f"/files/{gone['id']}").status_code == 404
    assert fetch(bob, f"/files/{unsent['id']}").status_code == 404


def test_a_retry_answers_the_stored_messages_with_200(alice, bob, chat):
    alice.send(chat, "once")
    body = targets(chat)
    first = forward(bob, chat, 1, body)
    assert forward(bob, chat, 1, body, status=200) == first
    assert [m["seq"] for m in bob.messages(chat)] == [1, 2]


def test_forwarding_into_a_conversation_i_am_not_in_is_its_404(alice, bob, carol, chat):
    alice.send(chat, "hi")
    theirs = carol.group("Private", bob)["id"]
    not_mine = assert_error(alice.post(forward_path(chat, 1), targets(theirs)), 404, "not_found", "to")
    missing = assert_error(alice.post(forward_path(chat, 1), targets(no_such_id())), 404, "not_found", "to")
    assert not_mine["message"].split(":")[0] == missing["message"].split(":")[0]
    assert bob.messages(theirs) == []  # nothing stored, in any target
    mine = alice.group("Mine", bob)["id"]
    assert_error(alice.post(forward_path(chat, 1), targets(mine, theirs)), 404, "not_found", "to")
    assert alice.messages(mine) == []


def test_outsiders_and_missing_or_hidden_or_deleted_originals(alice, bob, carol, chat):
    alice.send(chat, "private")
    alice.send(chat, "soon gone")
    mine = carol.group("Carol's", bob)["id"]
    outsider = assert_error(carol.post(forward_path(chat, 1), targets(mine)), 404, "not_found")
    assert outsider == assert_error(
        carol.post(forward_path(no_such_id(), 1), targets(mine)), 404, "not_found"
    )
    assert_error(bob.post(forward_path(chat, 9), targets(mine)), 404, "not_found")
    assert bob.request("PUT", f"/conversations/{chat}/messages/1/hidden").status_code == 200
    assert_error(bob.post(forward_path(chat, 1), targets(mine)), 404, "not_found")
    assert alice.delete(f"/conversations/{chat}/messages/2").status_code == 200
    assert_error(bob.post(forward_path(chat, 2), targets(mine)), 409, "conflict")


def test_bad_target_lists_are_400(alice, bob, chat, configure):
    alice.send(chat, "hi")
    same = {"to": [{"conversation_id": chat, "client_id": str(uuid.uuid4())}] * 2}
    reused = str(uuid.uuid4())
    one_id = {"to": [{"conversation_id": c, "client_id": reused} for c in (chat, chat + 1)]}
    for body in ({}, {"to": []}, {"to": [{"conversation_id": chat}]}, {"to": "x"}, same, one_id):
        assert_error(bob.post(forward_path(chat, 1), body), 400, "invalid_field", case=body)
    configure(forward_targets=2)
    groups = [bob.group(f"g{n}", alice)["id"] for n in range(3)]
    assert_error(bob.post(forward_path(chat, 1), targets(*groups)), 400, "invalid_field", "to")


def test_blocked_in_a_one_to_one_is_403(alice, bob, carol, chat):
    alice.send(chat, "hi")
    with_carol = bob.direct_with(carol)["id"]
    assert carol.request("PUT", f"/blocks/{bob.id}", {}).status_code == 200
    assert_error(bob.post(forward_path(chat, 1), targets(with_carol)), 403, "forbidden")


def test_forwards_are_limited_per_minute_with_retry_after(alice, bob, chat, configure):
    configure(forwards_per_minute=2)
    alice.send(chat, "hi")
    groups = [bob.group(f"g{n}", alice)["id"] for n in range(3)]
    body = targets(groups[0], groups[1])
    forward(bob, chat, 1, body)
    r = bob.post(forward_path(chat, 1), targets(groups[2]))
    error = assert_error(r, 429, "too_many_requests")
    assert int(r.headers["Retry-After"]) >= 1 and error["retry_after"] >= 1
    forward(bob, chat, 1, body, status=200)  # a retry: not counted, not refused
