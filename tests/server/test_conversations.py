"""Conversations: opening 1:1s, creating and renaming groups, the list, and read positions."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.server.conftest import PASSWORD, User, assert_error, no_such_id

# The documented fields; later issues may add more.
CONVERSATION_KEYS = {
    "id",
    "kind",
    "title",
    "created_at",
    "members",
    "last_seq",
    "last_read_seq",
    "unread_count",
    "last_message",
    "last_activity_at",
}


def conversation_ids(user) -> list[int]:
    r = user.get("/conversations")
    assert r.status_code == 200
    return [c["id"] for c in r.json["conversations"]]


# ---- 1:1 ------------------------------------------------------------------------------------------------


def test_direct_is_created_once_then_found(alice, bob):
    first = alice.post("/conversations", {"kind": "direct", "user_id": bob.id})
    assert first.status_code == 201
    conversation = first.json["conversation"]
    assert set(conversation) >= CONVERSATION_KEYS
    assert conversation["kind"] == "direct"
    assert conversation["title"] is None
    assert {m["user"]["id"] for m in conversation["members"]} == {alice.id, bob.id}
    assert {m["role"] for m in conversation["members"]} == {"member"}
    assert (conversation["last_seq"], conversation["last_read_seq"], conversation["unread_count"]) == (
        0,
        0,
        0,
    )
    assert conversation["last_message"] is None

    again = alice.post("/conversations", {"kind": "direct", "user_id": bob.id})
    assert again.status_code == 200
    assert again.json["conversation"]["id"] == conversation["id"]
    # Either side asking finds the same one.
    from_bob = bob.post("/conversations", {"kind": "direct", "user_id": alice.id})
    assert from_bob.status_code == 200
    assert from_bob.json["conversation"]["id"] == conversation["id"]
    assert conversation_ids(alice) == [conversation["id"]]


def test_direct_with_myself_is_refused(alice):
    assert_error(alice.post("/conversations", {"kind": "direct", "user_id": alice.id}), 400, "invalid_field")
    assert conversation_ids(alice) == []


def test_direct_with_unknown_user_is_not_found(alice):
    r = alice.post("/conversations", {"kind": "direct", "user_id": no_such_id()})
    assert_error(r, 404, "not_found", "user_id")
    assert conversation_ids(alice) == []


def test_direct_with_deleted_user_is_not_found(alice, bob):
    bob_id = bob.id
    bob.delete("/me", {"password": PASSWORD})
    r = alice.post("/conversations", {"kind": "direct", "user_id": bob_id})
    assert_error(r, 404, "not_found", "user_id")
    assert conversation_ids(alice) == []


def test_direct_with_a_user_deleted_since_is_not_opened_again(alice, bob):
    existing = alice.direct_with(bob)
    unknown = alice.post("/conversations", {"kind": "direct", "user_id": no_such_id()})
    bob.delete("/me", {"password": PASSWORD})
    r = alice.post("/conversations", {"kind": "direct", "user_id": bob.id})
    assert_error(r, 404, "not_found", "user_id")
    assert r.get_json() == unknown.get_json()
    # The old conversation and its history stay in alice's list.
    assert conversation_ids(alice) == [existing["id"]]


def test_direct_with_an_invisible_stranger_looks_like_an_unknown_user(alice, bob, carol):
    bob.patch("/me", {"visible": False})
    hidden = alice.post("/conversations", {"kind": "direct", "user_id": bob.id})
    unknown = alice.post("/conversations", {"kind": "direct", "user_id": no_such_id()})
    assert_error(hidden, 404, "not_found", "user_id")
    assert hidden.get_json() == unknown.get_json()
    # Someone who shares a conversation with bob can still reach him.
    bob.group("Climbing", carol)
    assert carol.post("/conversations", {"kind": "direct", "user_id": bob.id}).status_code == 201


def test_direct_field_errors(alice, bob):
    assert bob.id == 2
    for body, field in [
        ({"kind": "direct"}, "user_id"),
        ({"kind": "direct", "user_id": "2"}, "user_id"),
        ({"kind": "direct", "user_id": 0}, "user_id"),
        ({"kind": "direct", "user_id": -3}, "user_id"),
        ({"kind": "direct", "user_id": 2.5}, "user_id"),
        ({"kind": "direct", "user_id": True}, "user_id"),
        ({"kind": "direct", "user_id": 2**63}, "user_id"),
        ({"kind": "direct", "user_id": None}, "user_id"),
        ({"kind": "direct", "user_id": [2]}, "user_id"),
        ({"kind": "direct", "user_id": 2, "title": "x"}, "title"),
        ({"kind": "direct", "user_id": 2, "member_ids": []}, "member_ids"),
        ({"kind": "direct", "user_id": 2, "topic": "x"}, "topic"),
        ({"user_id": 2}, "kind"),
        ({"kind": "channel", "user_id": 2}, "kind"),
        ({"kind": "Direct", "user_id": 2}, "kind"),
        ({"kind": 1, "user_id": 2}, "kind"),
    ]:
        assert_error(alice.post("/conversations", body), 400, "invalid_field", field, case=body)
    assert conversation_ids(alice) == []
    assert conversation_ids(bob) == []


# ---- groups ---------------------------------------------------------------------------------------------


def test_group_with_title_and_members(alice, bob, carol):
    r = alice.post(
        "/conversations", {"kind": "group", "title": "  Climbing  ", "member_ids": [bob.id, carol.id]}
    )
    assert r.status_code == 201
    group = r.json["conversation"]
    assert set(group) >= CONVERSATION_KEYS
    assert (group["kind"], group["title"]) == ("group", "Climbing")
    assert [(m["user"]["id"], m["role"]) for m in group["members"]] == [
        (alice.id, "owner"),
        (bob.id, "member"),
        (carol.id, "member"),
    ]
    assert group["id"] in conversation_ids(bob)
    assert bob.conversation(group["id"])["members"] == group["members"]


def test_group_of_one(alice):
    r = alice.post("/conversations", {"kind": "group", "title": "Notes"})
    assert r.status_code == 201
    assert [m["user"]["id"] for m in r.json["conversation"]["members"]] == [alice.id]


def test_group_creator_and_duplicates_in_member_ids_are_folded(alice, bob):
    r = alice.post(
        "/conversations", {"kind": "group", "title": "t", "member_ids": [bob.id, alice.id, bob.id]}
    )
    assert r.status_code == 201
    roles = [(m["user"]["id"], m["role"]) for m in r.json["conversation"]["members"]]
    assert roles == [(alice.id, "owner"), (bob.id, "member")]


def test_two_groups_with_the_same_people_are_two_groups(alice, bob):
    assert alice.group("a", bob)["id"] != alice.group("a", bob)["id"]


def test_group_title_limits(alice):
    assert alice.group("x" * 100)["title"] == "x" * 100
    assert alice.group("  " + "x" * 100 + "  ")["title"] == "x" * 100
    assert alice.group("🧗‍♀️ Бег 登山")["title"] == "🧗‍♀️ Бег 登山"


def test_group_field_errors(alice, bob):
    for body, field in [
        ({"kind": "group"}, "title"),
        ({"kind": "group", "title": ""}, "title"),
        ({"kind": "group", "title": "   "}, "title"),
        ({"kind": "group", "title": "\u200b\u2060"}, "title"),
        ({"kind": "group", "title": "x" * 101}, "title"),
        ({"kind": "group", "title": "a\u0000b"}, "title"),
        ({"kind": "group", "title": "a\nb"}, "title"),
        ({"kind": "group", "title": "\u202epuorG"}, "title"),
        ({"kind": "group", "title": "Family\u2028Admins"}, "title"),
        ({"kind": "group", "title": "\u2066Family\u2069"}, "title"),
        ({"kind": "group", "title": 5}, "title"),
        ({"kind": "group", "title": "t", "member_ids": 2}, "member_ids"),
        ({"kind": "group", "title": "t", "member_ids": ["2"]}, "member_ids.0"),
        ({"kind": "group", "title": "t", "member_ids": [0]}, "member_ids.0"),
        ({"kind": "group", "title": "t", "user_id": 2}, "user_id"),
        ({"kind": "group", "title": "t", "members": [2]}, "members"),
    ]:
        assert_error(alice.post("/conversations", body), 400, "invalid_field", field, case=body)
    assert conversation_ids(alice) == []
    assert conversation_ids(bob) == []


def test_group_with_unknown_or_deleted_members_is_not_created(alice, bob, carol):
    r = alice.post("/conversations", {"kind": "group", "title": "t", "member_ids": [bob.id, no_such_id()]})
    assert_error(r, 404, "not_found", "member_ids")
    carol_id = carol.id
    carol.delete("/me", {"password": PASSWORD})
    r = alice.post("/conversations", {"kind": "group", "title": "t", "member_ids": [bob.id, carol_id]})
    assert_error(r, 404, "not_found", "member_ids")
    assert conversation_ids(alice) == []
    assert conversation_ids(bob) == []


def test_group_with_an_invisible_stranger_is_not_created(alice, bob, carol):
    carol.patch("/me", {"visible": False})
    r = alice.post("/conversations", {"kind": "group", "title": "t", "member_ids": [bob.id, carol.id]})
    assert_error(r, 404, "not_found", "member_ids")
    assert conversation_ids(bob) == []


def test_group_size_limit_at_creation(alice, bulk_users):
    ids = bulk_users(256)
    r = alice.post("/conversations", {"kind": "group", "title": "big", "member_ids": ids[:255]})
    assert r.status_code == 201
    assert len(r.json["conversation"]["members"]) == 256
    # 256 others and the creator would make 257.
    r = alice.post("/conversations", {"kind": "group", "title": "too big", "member_ids": ids})
    assert_error(r, 400, "invalid_field", "member_ids")
    r = alice.post("/conversations", {"kind": "group", "title": "too big", "member_ids": [*ids, ids[0]]})
    assert_error(r, 400, "invalid_field", "member_ids")
    assert len(conversation_ids(alice)) == 1


# ---- GET and PATCH --------------------------------------------------------------------------------------


def test_get_conversation_is_the_same_as_in_the_list(alice, bob):
    group = alice.group("t", bob)
    alice.send(group["id"], "hi")
    listed = alice.get("/conversations").json["conversations"]
    assert listed == [alice.conversation(group["id"])]


def test_rename_group(alice, bob):
    group = alice.group("old", bob)
    r = bob.patch(f"/conversations/{group['id']}", {"title": "  new  "})  # any member may rename
    assert r.status_code == 200
    assert r.json["conversation"]["title"] == "new"
    assert alice.conversation(group["id"])["title"] == "new"


def test_rename_direct_is_a_conflict(alice, bob):
    direct = alice.direct_with(bob)
    assert_error(alice.patch(f"/conversations/{direct['id']}", {"title": "ours"}), 409, "conflict")
    assert alice.conversation(direct["id"])["title"] is None


def test_rename_field_errors_leave_the_title(alice):
    group = alice.group("kept")
    for body, field in [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 101}, "title"),
        ({"title": None}, "title"),
        ({"title": 3}, "title"),
        ({"title": "a", "x": 1}, "x"),
        ({"title": "\u202eylimaF"}, "title"),  # shows as "Family"
    ]:
        r = alice.patch(f"/conversations/{group['id']}", body)
        assert_error(r, 400, "invalid_field", field, case=body)
    assert alice.conversation(group["id"])["title"] == "kept"


def test_rename_unknown_conversation(alice):
    assert_error(alice.patch(f"/conversations/{no_such_id()}", {"title": "x"}), 404, "not_found")


# ---- the list -------------------------------------------------------------------------------------------


def test_list_is_ordered_by_latest_activity(alice, bob, carol):
    first = alice.direct_with(bob)
    second = alice.group("g", carol)
    third = alice.direct_with(carol)
    assert conversation_ids(alice) == [third["id"], second["id"], first["id"]]
    bob.send(first["id"], "bump")
    assert conversation_ids(alice) == [first["id"], third["id"], second["id"]]
    carol.send(second["id"], "bump")
    assert conversation_ids(alice) == [second["id"], first["id"], third["id"]]
    assert conversation_ids(bob) == [first["id"]]


def test_list_carries_last_message_last_seq_and_unread_count(alice, bob):
    direct = alice.direct_with(bob)
    alice.send(direct["id"], "one")
    bob.send(direct["id"], "two")
    last = bob.send(direct["id"], "three")
    (mine,) = alice.get("/conversations").json["conversations"]
    assert mine["last_message"] == last
    assert (mine["last_seq"], mine["last_read_seq"], mine["unread_count"]) == (3, 1, 2)
    (theirs,) = bob.get("/conversations").json["conversations"]
    assert (theirs["last_seq"], theirs["last_read_seq"], theirs["unread_count"]) == (3, 3, 0)


def test_unread_count_skips_deleted_messages(alice, bob):
    direct = alice.direct_with(bob)
    bob.send(direct["id"], "one")
    bob.send(direct["id"], "two")
    bob.delete(f"/conversations/{direct['id']}/messages/2")
    got = alice.conversation(direct["id"])
    assert (got["last_seq"], got["unread_count"]) == (2, 1)
    assert got["last_message"]["deleted"] is True and got["last_message"]["text"] is None


def test_empty_list(alice):
    r = alice.get("/conversations")
    assert r.status_code == 200
    assert r.json == {"conversations": [], "next": None}


# ---- read position --------------------------------------------------------------------------------------


def read(user, conversation_id: int, seq):
    return user.post(f"/conversations/{conversation_id}/read", {"seq": seq})


def test_read_position_moves_forward_only_and_never_past_last_seq(alice, bob):
    direct = alice.direct_with(bob)
    for text in "abcd":
        bob.send(direct["id"], text)
    r = read(alice, direct["id"], 2)
    assert r.status_code == 200
    assert r.json == {"last_read_seq": 2, "unread_count": 2}
    assert read(alice, direct["id"], 1).json == {"last_read_seq": 2, "unread_count": 2}
    assert read(alice, direct["id"], 0).json == {"last_read_seq": 2, "unread_count": 2}
    assert read(alice, direct["id"], 1000).json == {"last_read_seq": 4, "unread_count": 0}
    got = alice.conversation(direct["id"])
    assert (got["last_read_seq"], got["unread_count"]) == (4, 0)
    bob.send(direct["id"], "e")
    got = alice.conversation(direct["id"])
    assert (got["last_seq"], got["last_read_seq"], got["unread_count"]) == (5, 4, 1)


def test_read_in_an_empty_conversation_stays_at_zero(alice, bob):
    direct = alice.direct_with(bob)
    assert read(alice, direct["id"], 5).json == {"last_read_seq": 0, "unread_count": 0}


def test_read_field_errors_leave_the_position(alice, bob):
    direct = alice.direct_with(bob)
    bob.send(direct["id"], "a")
    for body, field in [
        ({}, "seq"),
        ({"seq": -1}, "seq"),
        ({"seq": "2"}, "seq"),
        ({"seq": 1.5}, "seq"),
        ({"seq": None}, "seq"),
        ({"seq": True}, "seq"),
        ({"seq": 2**63}, "seq"),
        ({"seq": 1, "x": 2}, "x"),
    ]:
        r = alice.post(f"/conversations/{direct['id']}/read", body)
        assert_error(r, 400, "invalid_field", field, case=body)
    assert alice.conversation(direct["id"])["last_read_seq"] == 0


def test_read_unknown_conversation(alice):
    assert_error(read(alice, no_such_id(), 1), 404, "not_found")


def test_both_people_opening_their_direct_at_once_get_one(app, alice, bob):
    barrier = threading.Barrier(2)

    def open_with(pair):
        me, other = pair
        own = User(app.test_client(), me.username, me.password, me.token, me.me)
        barrier.wait()
        r = own.post("/conversations", {"kind": "direct", "user_id": other.id})
        return r.status_code, r.json["conversation"]["id"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(open_with, [(alice, bob), (bob, alice)]))
    assert sorted(status for status, _ in results) == [200, 201]
    assert len({cid for _, cid in results}) == 1
    assert conversation_ids(alice) == conversation_ids(bob) == [results[0][1]]
