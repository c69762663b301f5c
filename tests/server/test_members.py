"""Group membership: adding people, removing them, leaving, and who owns the group afterwards."""

from __future__ import annotations

from server.limits import MAX_GROUP_MEMBERS
from tests.server.conftest import PASSWORD, assert_error, no_such_id


def member_roles(user, conversation_id: int) -> list[tuple[int, str]]:
    return [(m["user"]["id"], m["role"]) for m in user.conversation(conversation_id)["members"]]


def add(user, conversation_id: int, *ids: int):
    return user.post(f"/conversations/{conversation_id}/members", {"user_ids": list(ids)})


def remove(user, conversation_id: int, user_id: int):
    return user.delete(f"/conversations/{conversation_id}/members/{user_id}")


# ---- adding ---------------------------------------------------------------------------------------------


def test_any_member_may_add_and_already_members_are_ignored(alice, bob, carol, auth):
    dave = auth("dave")
    group = alice.group("g", bob)
    r = add(bob, group["id"], carol.id, alice.id, bob.id, carol.id)
    assert r.status_code == 200
    assert [(m["user"]["id"], m["role"]) for m in r.json["conversation"]["members"]] == [
        (alice.id, "owner"),
        (bob.id, "member"),
        (carol.id, "member"),
    ]
    assert add(carol, group["id"], carol.id).status_code == 200  # nothing new: still fine
    assert add(carol, group["id"], dave.id).status_code == 200
    assert len(dave.conversation(group["id"])["members"]) == 4


def test_a_new_member_sees_the_history(alice, bob, carol):
    group = alice.group("g", bob)
    alice.send(group["id"], "before carol")
    add(alice, group["id"], carol.id)
    assert [m["text"] for m in carol.messages(group["id"])] == ["before carol"]
    got = carol.conversation(group["id"])
    assert (got["last_seq"], got["last_read_seq"], got["unread_count"]) == (1, 0, 1)


def test_adding_to_a_direct_is_a_conflict(alice, bob, carol):
    direct = alice.direct_with(bob)
    assert_error(add(alice, direct["id"], carol.id), 409, "conflict")
    assert len(alice.conversation(direct["id"])["members"]) == 2
    assert carol.get("/conversations").json["conversations"] == []


def test_adding_an_unknown_or_deleted_user_adds_nobody(alice, bob, carol):
    group = alice.group("g")
    assert_error(add(alice, group["id"], bob.id, no_such_id()), 404, "not_found", "user_ids")
    carol_id = carol.id
    carol.delete("/me", {"password": PASSWORD})
    assert_error(add(alice, group["id"], bob.id, carol_id), 404, "not_found", "user_ids")
    assert member_roles(alice, group["id"]) == [(alice.id, "owner")]


def test_adding_an_invisible_stranger_looks_like_an_unknown_user(alice, bob):
    group = alice.group("g")
    bob.patch("/me", {"visible": False})
    hidden = add(alice, group["id"], bob.id)
    unknown = add(alice, group["id"], no_such_id())
    assert_error(hidden, 404, "not_found", "user_ids")
    assert hidden.get_json() == unknown.get_json()
    assert member_roles(alice, group["id"]) == [(alice.id, "owner")]


def test_add_field_errors_add_nobody(alice, carol):
    assert carol.id == 2
    group = alice.group("g")
    for body, field in [
        ({}, "user_ids"),
        ({"user_ids": []}, "user_ids"),
        ({"user_ids": 2}, "user_ids"),
        ({"user_ids": ["2"]}, "user_ids.0"),
        ({"user_ids": [0]}, "user_ids.0"),
        ({"user_ids": [2.0]}, "user_ids.0"),
        ({"user_ids": None}, "user_ids"),
        ({"user_ids": [2], "role": "owner"}, "role"),
        ({"user_ids": list(range(1, MAX_GROUP_MEMBERS + 2))}, "user_ids"),
    ]:
        r = alice.post(f"/conversations/{group['id']}/members", body)
        assert_error(r, 400, "invalid_field", field, case=body)
    assert member_roles(alice, group["id"]) == [(alice.id, "owner")]


def test_group_size_limit_when_adding(alice, bulk_users):
    ids = bulk_users(MAX_GROUP_MEMBERS)
    group = alice.group("big")
    assert add(alice, group["id"], *ids[:200]).status_code == 200
    # 201 members now; 56 more would make 257.
    assert_error(add(alice, group["id"], *ids[200:]), 409, "conflict", "user_ids")
    assert len(alice.conversation(group["id"])["members"]) == 201
    # Already-members do not count against the limit.
    assert add(alice, group["id"], *ids[145:200], *ids[200:255]).status_code == 200
    assert len(alice.conversation(group["id"])["members"]) == MAX_GROUP_MEMBERS
    assert_error(add(alice, group["id"], ids[255]), 409, "conflict", "user_ids")


# ---- removing and leaving -------------------------------------------------------------------------------


def test_owner_removes_a_member_who_then_sees_nothing(alice, bob, carol):
    group = alice.group("g", bob, carol)
    alice.send(group["id"], "hi")
    r = remove(alice, group["id"], bob.id)
    assert r.status_code == 204
    assert r.get_data() == b""
    assert member_roles(alice, group["id"]) == [(alice.id, "owner"), (carol.id, "member")]
    gid = group["id"]
    for response in [
        bob.get(f"/conversations/{gid}"),
        bob.get(f"/conversations/{gid}/messages"),
        bob.post(
            f"/conversations/{gid}/messages",
            {"client_id": "6f0c1a86-4c1a-4d5e-9b76-1e2f3a4b5c6d", "text": "x"},
        ),
        bob.patch(f"/conversations/{gid}", {"title": "mine"}),
        bob.post(f"/conversations/{gid}/read", {"seq": 1}),
        bob.post(f"/conversations/{gid}/members", {"user_ids": [bob.id]}),
        bob.delete(f"/conversations/{gid}/members/{bob.id}"),
        bob.patch(f"/conversations/{gid}/messages/1", {"text": "x"}),
        bob.delete(f"/conversations/{gid}/messages/1"),
    ]:
        assert_error(response, 404, "not_found")
    assert bob.get("/conversations").json == {"conversations": [], "next": None}


def test_only_the_owner_removes_others(alice, bob, carol):
    group = alice.group("g", bob, carol)
    assert_error(remove(bob, group["id"], carol.id), 403, "forbidden")
    assert_error(remove(bob, group["id"], alice.id), 403, "forbidden")
    assert len(member_roles(alice, group["id"])) == 3


def test_removing_someone_who_is_not_a_member(alice, bob, carol):
    group = alice.group("g", bob)
    assert_error(remove(alice, group["id"], carol.id), 404, "not_found")
    assert_error(remove(alice, group["id"], no_such_id()), 404, "not_found")
    assert len(member_roles(alice, group["id"])) == 2


def test_a_member_leaves(alice, bob, carol):
    group = alice.group("g", bob, carol)
    assert remove(carol, group["id"], carol.id).status_code == 204
    assert member_roles(alice, group["id"]) == [(alice.id, "owner"), (bob.id, "member")]
    assert_error(carol.get(f"/conversations/{group['id']}"), 404, "not_found")
    # Leaving twice: no longer a member, so the group no longer exists for carol.
    assert_error(remove(carol, group["id"], carol.id), 404, "not_found")


def test_owner_leaving_hands_ownership_to_the_longest_standing_member(alice, bob, carol, auth):
    dave = auth("dave")
    group = alice.group("g", carol)  # carol joins first
    add(alice, group["id"], dave.id)
    add(alice, group["id"], bob.id)
    assert remove(alice, group["id"], alice.id).status_code == 204
    assert member_roles(bob, group["id"]) == [(carol.id, "owner"), (dave.id, "member"), (bob.id, "member")]
    # The new owner can now remove people.
    assert remove(carol, group["id"], bob.id).status_code == 204
    assert remove(carol, group["id"], carol.id).status_code == 204
    assert member_roles(dave, group["id"]) == [(dave.id, "owner")]


def test_the_last_member_leaves(alice):
    group = alice.group("alone")
    assert remove(alice, group["id"], alice.id).status_code == 204
    assert alice.get("/conversations").json == {"conversations": [], "next": None}


def test_nobody_leaves_a_direct(alice, bob):
    direct = alice.direct_with(bob)
    assert_error(remove(alice, direct["id"], alice.id), 409, "conflict")
    assert_error(remove(alice, direct["id"], bob.id), 409, "conflict")
    assert len(member_roles(alice, direct["id"])) == 2


def test_remove_with_a_malformed_user_id(alice):
    group = alice.group("g")
    for path in ["/members/0", "/members/abc", "/members/-2", "/members/1.0"]:
        assert_error(alice.delete(f"/conversations/{group['id']}{path}"), 404, "not_found", case=path)
    # The collection itself takes only POST.
    assert_error(alice.delete(f"/conversations/{group['id']}/members/"), 405, "method_not_allowed")
    assert len(member_roles(alice, group["id"])) == 1
