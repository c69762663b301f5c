"""Pins: any member pins and unpins, idempotent, limited, in the change stream; outsiders get the 404."""

from __future__ import annotations

from tests.server.conftest import User, assert_error, no_such_id


def pin_path(conversation_id: int, seq: int) -> str:
    return f"/conversations/{conversation_id}/messages/{seq}/pin"


def pin(user: User, conversation_id: int, seq: int, pinned: bool = True) -> dict:
    r = user.request("PUT" if pinned else "DELETE", pin_path(conversation_id, seq))
    assert r.status_code == 200, r.json
    return r.json["message"]


def pins(user: User, conversation_id: int) -> list[int]:
    r = user.get(f"/conversations/{conversation_id}/pins")
    assert r.status_code == 200, r.json
    return [m["seq"] for m in r.json["pins"]]


def test_any_member_pins_and_unpins_idempotently_and_each_change_is_a_version(alice, bob, carol):
    group = alice.group("Climbing", bob, carol)["id"]
    for text in ("one", "two", "three"):
        alice.send(group, text)
    assert alice.messages(group)[0]["pinned_at"] is None and alice.messages(group)[0]["pinned_by"] is None
    message = pin(carol, group, 1)
    assert message["pinned_by"] == carol.id and message["pinned_at"] is not None
    assert message["version"] == 1
    assert pin(bob, group, 1) == message  # already pinned: nothing changes, no version
    pin(bob, group, 3)
    assert pins(alice, group) == [3, 1]  # latest pin first
    unpinned = pin(alice, group, 1, pinned=False)  # anyone unpins, not only who pinned
    assert (unpinned["pinned_at"], unpinned["pinned_by"], unpinned["version"]) == (None, None, 3)
    assert pin(alice, group, 1, pinned=False) == unpinned
    assert pins(carol, group) == [3]
    page = bob.get(f"/conversations/{group}/changes", query_string={"after": 0}).json
    assert [(m["seq"], m["version"], m["pinned_by"]) for m in page["changes"]] == [
        (3, 2, bob.id),
        (1, 3, None),
    ]
    assert alice.conversation(group)["change_version"] == 3


def test_pins_in_a_one_to_one_and_a_deletion_unpins(alice, bob, chat):
    alice.send(chat, "meet at 8")
    pin(bob, chat, 1)
    tombstone = alice.delete(f"/conversations/{chat}/messages/1").json["message"]
    assert tombstone["pinned_at"] is None and tombstone["pinned_by"] is None
    assert pins(bob, chat) == []
    assert_error(bob.request("PUT", pin_path(chat, 1)), 409, "conflict")
    assert pin(bob, chat, 1, pinned=False)["deleted"] is True  # nothing to unpin: fine


def test_outsiders_and_missing_messages_get_404(alice, carol, chat):
    alice.send(chat, "private")
    outsider = assert_error(carol.request("PUT", pin_path(chat, 1)), 404, "not_found")
    assert outsider == assert_error(carol.request("PUT", pin_path(no_such_id(), 1)), 404, "not_found")
    assert outsider == assert_error(carol.delete(pin_path(chat, 1)), 404, "not_found")
    assert outsider == assert_error(carol.get(f"/conversations/{chat}/pins"), 404, "not_found")
    assert outsider == assert_error(carol.get(f"/conversations/{no_such_id()}/pins"), 404, "not_found")
    assert_error(alice.request("PUT", pin_path(chat, 2)), 404, "not_found")


def test_pins_per_conversation_are_capped_with_409(alice, bob, chat, configure):
    configure(pins_per_conversation=2)
    for n in range(3):
        alice.send(chat, f"m{n}")
    pin(alice, chat, 1)
    pin(bob, chat, 2)
    assert_error(alice.request("PUT", pin_path(chat, 3)), 409, "conflict")
    pin(alice, chat, 1, pinned=False)
    pin(alice, chat, 3)
    assert pins(bob, chat) == [3, 2]


def test_pins_are_limited_per_minute_with_retry_after(alice, chat, configure):
    configure(pins_per_minute=2)
    alice.send(chat, "one")
    alice.send(chat, "two")
    pin(alice, chat, 1)
    pin(alice, chat, 2)
    r = alice.delete(pin_path(chat, 1))
    error = assert_error(r, 429, "too_many_requests")
    assert int(r.headers["Retry-After"]) >= 1 and error["retry_after"] >= 1
    pin(alice, chat, 1)  # no change: not counted, not refused


def test_who_is_blocked_in_a_one_to_one_cannot_pin(alice, bob, chat):
    alice.send(chat, "hi")
    assert bob.request("PUT", f"/blocks/{alice.id}", {}).status_code == 200
    assert_error(alice.request("PUT", pin_path(chat, 1)), 403, "forbidden")
    pin(bob, chat, 1)
