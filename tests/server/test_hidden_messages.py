"""Delete for me: hidden on all my devices (pages, search, pins, the change stream), never for the others."""

from __future__ import annotations

from tests.server.conftest import User, assert_error, no_such_id


def hide_path(conversation_id: int, seq: int) -> str:
    return f"/conversations/{conversation_id}/messages/{seq}/hidden"


def hide(user: User, conversation_id: int, seq: int) -> dict:
    r = user.request("PUT", hide_path(conversation_id, seq))
    assert r.status_code == 200, r.json
    return r.json["hidden"]


def changes(user: User, conversation_id: int, after: int = 0, **query) -> dict:
    r = user.get(f"/conversations/{conversation_id}/changes", query_string={"after": after, **query})
    assert r.status_code == 200, r.json
    return r.json


def test_a_hidden_message_is_gone_for_me_only_and_my_other_devices_learn_it_from_the_stream(alice, bob, chat):
    for text in ("first", "second secret", "third"):
        alice.send(chat, text)
    hidden = hide(bob, chat, 2)
    assert hidden == {"conversation_id": chat, "seq": 2, "version": 1}
    assert hide(bob, chat, 2) == hidden  # a retry: the same answer, nothing new
    assert [m["seq"] for m in bob.messages(chat)] == [1, 3]
    assert [m["seq"] for m in alice.messages(chat)] == [1, 2, 3]
    # Bob's other device: the hide, and never the message, in the stream.
    page = changes(bob, chat)
    assert page["changes"] == [] and page["hidden"] == [{"seq": 2, "version": 1}]
    assert page["next"] == 1 and page["next_seq"] is None
    # Alice's devices see the version move but nothing in it: their cursor moves past it all the same.
    assert changes(alice, chat) == {
        "changes": [],
        "hidden": [],
        "next": 1,
        "next_seq": None,
        "has_more": False,
    }
    # Later changes of the message never reach Bob again; Alice gets them.
    assert alice.patch(f"/conversations/{chat}/messages/2", {"text": "second, edited"}).status_code == 200
    assert [m["seq"] for m in changes(alice, chat, 1)["changes"]] == [2]
    assert changes(bob, chat, 1)["changes"] == []
    assert [h["seq"] for h in changes(bob, chat)["hidden"]] == [2]
    # Nor in search, nor around it, nor as a pin.
    assert [
        r["message"]["seq"] for r in bob.get("/search", query_string={"q": "second"}).json["results"]
    ] == []
    assert len(alice.get("/search", query_string={"q": "second"}).json["results"]) == 1
    around = bob.get(f"/conversations/{chat}/messages", query_string={"around": 2}).json
    assert [m["seq"] for m in around["messages"]] == [1, 3]
    assert alice.request("PUT", f"/conversations/{chat}/messages/2/pin").status_code == 200
    assert bob.get(f"/conversations/{chat}/pins").json["pins"] == []
    assert [m["seq"] for m in alice.get(f"/conversations/{chat}/pins").json["pins"]] == [2]


def test_acting_on_a_message_i_hid_is_the_404_of_no_message(alice, bob, chat):
    alice.send(chat, "gone for bob")
    hide(bob, chat, 1)
    missing = assert_error(bob.request("PUT", f"/conversations/{chat}/messages/1/pin"), 404, "not_found")
    reaction = f"/conversations/{chat}/messages/1/reactions/%F0%9F%91%8D"
    assert missing == assert_error(bob.request("PUT", reaction), 404, "not_found")
    assert missing == assert_error(
        bob.request("PUT", f"/conversations/{chat}/messages/9/pin"), 404, "not_found"
    )


def test_the_last_message_i_hid_is_not_my_conversations_last_message(alice, bob, chat):
    alice.send(chat, "the latest")
    hide(bob, chat, 1)
    assert bob.conversation(chat)["last_message"] is None
    assert alice.conversation(chat)["last_message"]["seq"] == 1


def test_a_tombstone_can_be_hidden_too(alice, bob, chat):
    alice.send(chat, "deleted for everyone")
    assert alice.delete(f"/conversations/{chat}/messages/1").status_code == 200
    assert hide(bob, chat, 1)["version"] == 2
    assert bob.messages(chat) == []


def test_outsiders_and_missing_messages_get_404(alice, carol, chat):
    alice.send(chat, "private")
    outsider = assert_error(carol.request("PUT", hide_path(chat, 1)), 404, "not_found")
    assert outsider == assert_error(carol.request("PUT", hide_path(no_such_id(), 1)), 404, "not_found")
    assert_error(alice.request("PUT", hide_path(chat, 2)), 404, "not_found")


def test_hides_are_limited_per_minute_with_retry_after(alice, bob, chat, configure):
    configure(hides_per_minute=2)
    for n in range(3):
        alice.send(chat, f"m{n}")
    hide(bob, chat, 1)
    hide(bob, chat, 2)
    r = bob.request("PUT", hide_path(chat, 3))
    error = assert_error(r, 429, "too_many_requests")
    assert int(r.headers["Retry-After"]) >= 1 and error["retry_after"] >= 1
    hide(bob, chat, 1)  # a retry of a hide: not counted, not refused


def test_deleting_my_account_forgets_what_i_hid(app, alice, bob, chat):
    alice.send(chat, "hidden by bob")
    hide(bob, chat, 1)
    assert bob.delete("/me", {"password": bob.password}).status_code in (200, 204)
    with app.extensions["chatidk"].db.transaction() as cur:
        cur.execute("SELECT count(*) AS n FROM message_hides WHERE user_id = %s", (bob.id,))
        assert cur.one()["n"] == 0
    assert [m["seq"] for m in alice.messages(chat)] == [1]
