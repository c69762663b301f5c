"""The change stream: edits and deletions of old messages reach a device that was away, each once, no gaps."""

from __future__ import annotations

import random
import uuid
from urllib.parse import quote

import pytest

from tests.server.conftest import User, assert_error, no_such_id


def changes(user: User, conversation_id: int, after: int, limit: int | None = None) -> dict:
    query = {"after": after} if limit is None else {"after": after, "limit": limit}
    r = user.get(f"/conversations/{conversation_id}/changes", query_string=query)
    assert r.status_code == 200, r.json
    return r.json


def edit(user: User, conversation_id: int, seq: int, text: str) -> dict:
    r = user.patch(f"/conversations/{conversation_id}/messages/{seq}", {"text": text})
    assert r.status_code == 200, r.json
    return r.json["message"]


def delete(user: User, conversation_id: int, seq: int) -> dict:
    r = user.delete(f"/conversations/{conversation_id}/messages/{seq}")
    assert r.status_code == 200, r.json
    return r.json["message"]


def history(user: User, conversation_id: int) -> dict[int, dict]:
    """Every message as the server has it now, by seq (paged as a client pages)."""
    held: dict[int, dict] = {}
    after = 0
    while True:
        r = user.get(f"/conversations/{conversation_id}/messages", query_string={"after_seq": after})
        assert r.status_code == 200, r.json
        for message in r.json["messages"]:
            held[message["seq"]] = message
            after = message["seq"]
        if not r.json["has_more"]:
            return held


def test_each_change_takes_the_next_version_and_the_stream_returns_the_message_as_it_is_now(alice, chat):
    assert alice.conversation(chat)["change_version"] == 0
    for text in ("one", "two", "three"):
        alice.send(chat, text)
    assert [m["version"] for m in alice.messages(chat)] == [0, 0, 0]
    assert edit(alice, chat, 1, "one, edited")["version"] == 1
    assert delete(alice, chat, 2)["version"] == 2
    assert edit(alice, chat, 1, "one, edited twice")["version"] == 3
    assert alice.conversation(chat)["change_version"] == 3
    # Deleting a tombstone again changes nothing, so it takes no version.
    assert delete(alice, chat, 2)["version"] == 2
    page = changes(alice, chat, 0)
    assert page["has_more"] is False and page["next"] == 3
    # Each message once, as it is now, in the order of its last change.
    assert [(m["seq"], m["version"], m["text"], m["deleted"]) for m in page["changes"]] == [
        (2, 2, None, True),
        (1, 3, "one, edited twice", False),
    ]
    assert page["changes"] == [alice.messages(chat)[1], alice.messages(chat)[0]]
    assert changes(alice, chat, 2)["changes"] == [page["changes"][1]]
    assert changes(alice, chat, 3) == {"changes": [], "next": 3, "has_more": False}


def test_pages_have_no_gaps_and_nothing_twice_while_changes_go_on(alice, bob, chat):
    for n in range(12):
        (alice if n % 2 else bob).send(chat, f"message {n}")
    for seq in range(1, 13):
        edit(bob if seq % 2 else alice, chat, seq, f"edited {seq}")
    seen: dict[int, int] = {}  # seq -> the version it came with
    after, pages = 0, 0
    while True:
        page = changes(bob, chat, after, limit=5)
        pages += 1
        versions = [m["version"] for m in page["changes"]]
        assert versions == sorted(versions) and all(v > after for v in versions)
        for message in page["changes"]:
            assert seen.get(message["seq"]) != message["version"], "a change came twice"
            seen[message["seq"]] = message["version"]
        after = page["next"]
        if pages == 1:  # changes made while a client pages come after, not lost
            edit(bob, chat, 1, "edited again while paging")
            delete(alice, chat, 12)
        if not page["has_more"]:
            break
    assert pages == 3
    assert after == bob.conversation(chat)["change_version"] == 14
    assert seen[1] == 13 and seen[12] == 14
    assert set(seen) == set(range(1, 13))


def test_a_client_away_while_messages_are_edited_deleted_and_reacted_to_converges_on_the_servers_state(
    alice, bob, carol, unthrottled_sends, configure
):
    configure(reactions_per_minute=0)
    group = alice.group("Climbing", bob, carol)["id"]
    people = [alice, bob, carol]
    rng = random.Random(14)
    for n in range(60):
        rng.choice(people).send(group, f"before {n}")
    # Carol's device holds the history and where the change stream stood when it loaded it.
    cursor = carol.conversation(group)["change_version"]
    cache = history(carol, group)
    # Carol's device goes away; messages are sent (some as replies), edited, deleted and reacted to.
    sender = {seq: m["sender_id"] for seq, m in cache.items()}
    deleted: set[int] = set()
    by_id = {p.id: p for p in people}
    made = 0
    for n in range(200):
        action = rng.random()
        if action < 0.2:
            author = rng.choice(people)
            body = {"client_id": str(uuid.uuid4()), "text": f"while away {n}"}
            if rng.random() < 0.5:
                body["reply_to_seq"] = rng.choice(sorted(set(sender) - deleted))
            r = author.post(f"/conversations/{group}/messages", body)
            assert r.status_code == 201, r.json
            sender[r.json["message"]["seq"]] = author.id
            continue
        seq = rng.choice(sorted(sender))
        owner = by_id[sender[seq]]
        if action < 0.45:
            who, emoji = rng.choice(people), rng.choice(["👍", "❤️", "😂", "🎉"])
            reaction = f"/conversations/{group}/messages/{seq}/reactions/{quote(emoji)}"
            page = who.get(
                f"/conversations/{group}/messages", query_string={"after_seq": seq - 1, "limit": 1}
            )
            mine = emoji in page.json.get("my_reactions", {}).get(str(seq), [])
            r = who.request("DELETE" if mine else "PUT", reaction)
            assert r.status_code == (409 if seq in deleted else 200), r.json
            if seq in deleted:
                continue
        elif action < 0.8:
            r = owner.patch(f"/conversations/{group}/messages/{seq}", {"text": f"edit {n} of {seq}"})
            assert r.status_code == (409 if seq in deleted else 200), r.json
            if seq in deleted:
                continue
        else:
            delete(owner, group, seq)
            if seq in deleted:
                continue
            deleted.add(seq)
        made += 1
    # Back: new messages by seq, then the changes after the cursor, applied by each message's version.
    for message in carol.messages(group, after_seq=max(cache), limit=200):
        cache[message["seq"]] = message
    applied = 0
    while True:
        page = changes(carol, group, cursor, limit=17)
        for message in page["changes"]:
            held = cache.get(message["seq"])
            if held is None or message["version"] > held["version"]:
                cache[message["seq"]] = message
                applied += 1
        cursor = page["next"]
        if not page["has_more"]:
            break
    server = history(carol, group)
    mismatches = [
        (seq, field)
        for seq in sorted(set(server) | set(cache))
        for field in sorted(set(server.get(seq, {})) | set(cache.get(seq, {})))
        if server.get(seq, {}).get(field) != cache.get(seq, {}).get(field)
    ]
    print(f"changes made while away: {made} (sends not counted), messages changed: {applied}")
    print(f"changes applied while offline: {applied}, mismatches: {len(mismatches)}")
    assert mismatches == []
    assert made == carol.conversation(group)["change_version"] == cursor
    assert applied > 30  # each changed message once, however often it changed


def test_outsiders_get_the_same_404_as_for_no_conversation(alice, carol, chat):
    alice.send(chat, "private")
    edit(alice, chat, 1, "still private")
    outsider = assert_error(carol.get(f"/conversations/{chat}/changes?after=0"), 404, "not_found")
    missing = assert_error(carol.get(f"/conversations/{no_such_id()}/changes?after=0"), 404, "not_found")
    assert outsider == missing


@pytest.mark.parametrize(
    "query",
    ["", "after=", "after=-1", "after=x", "after=1.5", "after=0&limit=0", "after=0&limit=501", "after=99"],
)
def test_bad_after_or_limit_is_a_400(alice, chat, query):
    alice.send(chat, "one")
    edit(alice, chat, 1, "edited")
    field = "limit" if "limit" in query else "after"
    assert_error(alice.get(f"/conversations/{chat}/changes?{query}"), 400, "invalid_field", field, case=query)


def test_account_deletion_tombstones_in_the_change_stream(alice, bob, chat):
    alice.send(chat, "mine")
    bob.send(chat, "his")
    r = alice.delete("/me", {"password": alice.password})
    assert r.status_code in (200, 204), r.json
    page = changes(bob, chat, 0)
    assert [(m["seq"], m["deleted"], m["version"]) for m in page["changes"]] == [(1, True, 1)]
