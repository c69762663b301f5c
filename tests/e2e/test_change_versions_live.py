"""Live events of changed messages carry their change version, so a client can tell when it missed one."""

from __future__ import annotations


def test_edit_and_delete_events_carry_the_change_version(users, streams):
    alice, bob = users("alice"), users("bob")
    conversation = alice.direct_with(bob)
    alice.send(conversation, "one")
    alice.send(conversation, "two")
    stream = streams(bob)
    base = f"{alice.url}/api/v1/conversations/{conversation}/messages"
    assert alice.session.patch(f"{base}/1", json={"text": "one, edited"}).status_code == 200
    assert alice.session.delete(f"{base}/2").status_code == 200
    events = stream.wait_for(lambda ev: any(e["type"] == "message.deleted" for e in ev))
    changed = [e for e in events if e["type"] in ("message.edited", "message.deleted")]
    assert [(e["type"], e["seq"], e["version"], e["message"]["version"]) for e in changed] == [
        ("message.edited", 1, 1, 1),
        ("message.deleted", 2, 2, 2),
    ]
    # The stream after the version before them holds the same states.
    r = bob.get(f"/conversations/{conversation}/changes", params={"after": 0})
    assert [e["message"] for e in changed] == r.json()["changes"]


def test_a_reaction_goes_live_as_message_updated_with_whose_and_which(users, streams):
    alice, bob = users("alice"), users("bob")
    conversation = alice.direct_with(bob)
    alice.send(conversation, "summit!")
    stream = streams(alice)
    r = bob.session.put(f"{bob.url}/api/v1/conversations/{conversation}/messages/1/reactions/%F0%9F%8E%89")
    assert r.status_code == 200, r.text
    events = stream.wait_for(lambda ev: any(e["type"] == "message.updated" for e in ev))
    (updated,) = [e for e in events if e["type"] == "message.updated"]
    assert updated["version"] == 1
    assert updated["reaction"] == {"user_id": bob.id, "emoji": "🎉", "added": True}
    assert updated["message"]["reactions"] == [{"emoji": "🎉", "count": 1, "user_ids": [bob.id]}]


def test_a_pin_goes_live_as_message_updated_with_its_version(users, streams):
    alice, bob = users("alice"), users("bob")
    conversation = alice.direct_with(bob)
    alice.send(conversation, "meet at 8")
    stream = streams(alice)
    r = bob.session.put(f"{bob.url}/api/v1/conversations/{conversation}/messages/1/pin")
    assert r.status_code == 200, r.text
    events = stream.wait_for(lambda ev: any(e["type"] == "message.updated" for e in ev))
    (updated,) = [e for e in events if e["type"] == "message.updated"]
    assert updated["version"] == 1 and updated["message"]["pinned_by"] == bob.id


def test_delete_for_me_goes_to_my_sessions_only_and_the_message_never_reaches_me_again(users, streams):
    alice, bob = users("alice"), users("bob")
    conversation = alice.direct_with(bob)
    alice.send(conversation, "one")
    bob_stream, alice_stream = streams(bob), streams(alice)
    base = f"{bob.url}/api/v1/conversations/{conversation}/messages"
    assert bob.session.put(f"{base}/1/hidden").status_code == 200
    events = bob_stream.wait_for(lambda ev: any(e["type"] == "message.hidden" for e in ev))
    (hidden,) = [e for e in events if e["type"] == "message.hidden"]
    assert hidden == {"type": "message.hidden", "conversation_id": conversation, "seq": 1, "version": 1}
    # Alice edits it, then sends: Bob gets the new message but never the edit; Alice gets both.
    assert alice.session.patch(f"{base}/1", json={"text": "one, edited"}).status_code == 200
    alice.send(conversation, "two")
    events = bob_stream.wait_for(lambda ev: any(e["type"] == "message.created" for e in ev))
    assert [e["type"] for e in events if e.get("conversation_id") == conversation] == [
        "message.hidden",
        "message.created",
    ]
    events = alice_stream.wait_for(lambda ev: any(e["type"] == "message.created" for e in ev))
    assert [e["type"] for e in events if e.get("conversation_id") == conversation] == [
        "message.edited",
        "message.created",
    ]
