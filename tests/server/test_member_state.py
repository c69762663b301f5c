"""My own handling of a conversation (PATCH /conversations/{id}/me): pin, mute, mark unread, delete for me."""

from __future__ import annotations

import base64

import pytest

from tests.server.conftest import assert_error, no_such_id

UNTOUCHED = {
    "pinned_at": None,
    "muted": False,
    "marked_unread": False,
    "hidden_through_seq": None,
    "mentions_when_muted": True,
}


def listed(user) -> list[dict]:
    r = user.get("/conversations")
    assert r.status_code == 200
    return r.json["conversations"]


def patch_me(user, conversation_id: int, body) -> dict:
    r = user.patch(f"/conversations/{conversation_id}/me", body)
    assert r.status_code == 200, r.json
    return r.json["me"]


def test_a_new_conversation_is_untouched_in_the_list_and_alone(alice, bob):
    conversation = alice.direct_with(bob)
    assert conversation["me"] == UNTOUCHED
    assert listed(alice)[0]["me"] == UNTOUCHED
    assert alice.conversation(conversation["id"])["me"] == UNTOUCHED


def test_pinned_conversations_come_first_newest_pin_on_top(alice, bob, carol):
    direct_bob = alice.direct_with(bob)["id"]
    direct_carol = alice.direct_with(carol)["id"]
    group = alice.group("Climbing", bob, carol)["id"]
    alice.send(direct_bob, "oldest activity")
    alice.send(direct_carol, "middle")
    alice.send(group, "newest")
    assert [c["id"] for c in listed(alice)] == [group, direct_carol, direct_bob]

    first = patch_me(alice, direct_bob, {"pinned": True})
    assert first["pinned_at"] is not None
    patch_me(alice, direct_carol, {"pinned": True})
    assert [c["id"] for c in listed(alice)] == [direct_carol, direct_bob, group]
    # Pinning again keeps the first pin's time (no reordering); Bob's own list is untouched.
    assert patch_me(alice, direct_bob, {"pinned": True})["pinned_at"] == first["pinned_at"]
    assert [c["id"] for c in listed(alice)] == [direct_carol, direct_bob, group]
    assert all(c["me"]["pinned_at"] is None for c in listed(bob))

    patch_me(alice, direct_carol, {"pinned": False})
    assert [c["id"] for c in listed(alice)] == [direct_bob, group, direct_carol]


def test_pages_follow_the_pinned_order_without_gaps_or_repeats(alice, bob, bulk_users):
    others = bulk_users(7)
    ids = []
    for other in others:
        r = alice.post("/conversations", {"kind": "direct", "user_id": other})
        ids.append(r.json["conversation"]["id"])
    for conversation_id in ids:
        alice.send(conversation_id, "hi")
    patch_me(alice, ids[0], {"pinned": True})
    patch_me(alice, ids[3], {"pinned": True})
    expected = [ids[3], ids[0], ids[6], ids[5], ids[4], ids[2], ids[1]]
    seen, cursor = [], None
    while True:
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        r = alice.get("/conversations", query_string=query)
        assert r.status_code == 200
        seen += [c["id"] for c in r.json["conversations"]]
        cursor = r.json["next"]
        if cursor is None:
            break
    assert seen == expected


def test_mute_and_mark_unread_are_mine_only_and_reading_clears_marked_unread(alice, bob):
    conversation = alice.direct_with(bob)["id"]
    bob.send(conversation, "hi")
    assert patch_me(alice, conversation, {"muted": True, "marked_unread": True}) == {
        **UNTOUCHED,
        "muted": True,
        "marked_unread": True,
    }
    mine = listed(alice)[0]
    assert (mine["me"]["muted"], mine["me"]["marked_unread"], mine["unread_count"]) == (True, True, 1)
    assert listed(bob)[0]["me"] == UNTOUCHED

    r = alice.post(f"/conversations/{conversation}/read", {"seq": 1})
    assert r.status_code == 200
    after = listed(alice)[0]
    assert (after["me"]["marked_unread"], after["me"]["muted"], after["unread_count"]) == (False, True, 0)
    # Marking unread with nothing unread is what it is for: the badge comes back.
    assert patch_me(alice, conversation, {"marked_unread": True})["marked_unread"] is True


def test_delete_for_me_hides_until_a_new_message_arrives(alice, bob):
    conversation = alice.direct_with(bob)["id"]
    bob.send(conversation, "one")
    bob.send(conversation, "two")
    assert patch_me(alice, conversation, {"hidden": True})["hidden_through_seq"] == 2
    mine = listed(alice)[0]
    assert mine["me"]["hidden_through_seq"] == 2 and mine["last_seq"] == 2  # hidden: last_seq ≤ through
    assert listed(bob)[0]["me"]["hidden_through_seq"] is None  # the other person keeps it

    bob.send(conversation, "three")
    back = listed(alice)[0]
    assert back["last_seq"] == 3 > back["me"]["hidden_through_seq"]  # shown again, with the new message
    assert patch_me(alice, conversation, {"hidden": False})["hidden_through_seq"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, None),
        ({"pinned": None}, "pinned"),
        ({"pinned": "yes"}, "pinned"),
        ({"muted": 1}, "muted"),
        ({"hidden": [True]}, "hidden"),
        ({"favourite": True}, "favourite"),
    ],
)
def test_bad_bodies_are_refused_and_change_nothing(alice, bob, body, field):
    conversation = alice.direct_with(bob)["id"]
    r = alice.patch(f"/conversations/{conversation}/me", body)
    assert_error(r, 400, "invalid_field", field, case=body)
    assert listed(alice)[0]["me"] == UNTOUCHED


def test_not_json_is_refused(alice, bob):
    conversation = alice.direct_with(bob)["id"]
    r = alice.request(
        "PATCH", f"/conversations/{conversation}/me", data="pinned", content_type="application/json"
    )
    assert_error(r, 400, "bad_json")


def test_outsiders_get_the_same_404_as_for_no_conversation(alice, bob, carol):
    conversation = alice.direct_with(bob)["id"]
    outsider = carol.patch(f"/conversations/{conversation}/me", {"pinned": True})
    nowhere = carol.patch(f"/conversations/{no_such_id()}/me", {"pinned": True})
    assert_error(outsider, 404, "not_found")
    assert outsider.get_json() == nowhere.get_json()
    assert listed(alice)[0]["me"] == UNTOUCHED


def test_leaving_a_group_forgets_my_state(alice, bob):
    group = alice.group("Climbing", bob)["id"]
    patch_me(bob, group, {"pinned": True, "muted": True})
    assert bob.delete(f"/conversations/{group}/members/{bob.id}").status_code == 204
    assert_error(bob.patch(f"/conversations/{group}/me", {"muted": False}), 404, "not_found")
    assert alice.post(f"/conversations/{group}/members", {"user_ids": [bob.id]}).status_code == 200
    assert bob.conversation(group)["me"] == UNTOUCHED


def test_a_cursor_of_the_earlier_form_still_reads(alice, bulk_users):
    for other in bulk_users(3):
        alice.post("/conversations", {"kind": "direct", "user_id": other})
    everything = [c["id"] for c in listed(alice)]
    first = listed(alice)[0]
    raw = f"{first['last_activity_at'].replace('Z', '+00:00')}|{first['id']}".encode()
    old = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    r = alice.get("/conversations", query_string={"cursor": old})
    assert r.status_code == 200
    assert [c["id"] for c in r.json["conversations"]] == everything[1:]
    naive_pin = base64.urlsafe_b64encode(b"2026-01-01T00:00:00|2026-01-01T00:00:00+00:00|5").decode()
    for bad in ("x|y|z", naive_pin):
        r = alice.get("/conversations", query_string={"cursor": bad})
        assert_error(r, 400, "invalid_field", "cursor", case=bad)
