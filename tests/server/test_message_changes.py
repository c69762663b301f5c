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
    assert changes(alice, chat, 3) == {
        "changes": [],
        "hidden": [],
        "next": 3,
        "next_seq": None,
        "has_more": False,
    }


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


def test_a_client_away_while_messages_are_edited_deleted_reacted_to_pinned_and_hidden_converges(
    alice, bob, carol, unthrottled_sends, configure
):
    configure(reactions_per_minute=0, pins_per_minute=0, hides_per_minute=0, pins_per_conversation=1000)
    group = alice.group("Climbing", bob, carol)["id"]
    people = [alice, bob, carol]
    rng = random.Random(14)
    for n in range(60):
        rng.choice(people).send(group, f"before {n}")
    # Carol's device holds the history and where the change stream stood when it loaded it.
    cursor, cursor_seq = carol.conversation(group)["change_version"], None
    cache = history(carol, group)
    # Carol's device goes away; messages are sent (some as replies), edited, deleted, reacted to, pinned,
    # unpinned, and deleted "for me" (by Carol on another device, and by the others).
    sender = {seq: m["sender_id"] for seq, m in cache.items()}
    deleted: set[int] = set()
    pinned: set[int] = set()
    hidden: dict[int, set[int]] = {p.id: set() for p in people}
    by_id = {p.id: p for p in people}
    made = 0
    for n in range(240):
        action = rng.random()
        if action < 0.15:
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
        who = rng.choice(people)
        if action < 0.35:
            emoji = rng.choice(["👍", "❤️", "😂", "🎉"])
            reaction = f"/conversations/{group}/messages/{seq}/reactions/{quote(emoji)}"
            page = who.get(
                f"/conversations/{group}/messages", query_string={"after_seq": seq - 1, "limit": 1}
            )
            mine = emoji in page.json.get("my_reactions", {}).get(str(seq), [])
            r = who.request("DELETE" if mine else "PUT", reaction)
            expected = 404 if seq in hidden[who.id] else 409 if seq in deleted else 200
            assert r.status_code == expected, r.json
            if expected != 200:
                continue
        elif action < 0.6:
            r = owner.patch(f"/conversations/{group}/messages/{seq}", {"text": f"edit {n} of {seq}"})
            assert r.status_code == (409 if seq in deleted else 200), r.json
            if seq in deleted:
                continue
        elif action < 0.72:
            delete(owner, group, seq)
            if seq in deleted:
                continue
            deleted.add(seq)
            pinned.discard(seq)
        elif action < 0.88:
            pin = seq not in pinned
            r = who.request("PUT" if pin else "DELETE", f"/conversations/{group}/messages/{seq}/pin")
            expected = 404 if seq in hidden[who.id] else 409 if pin and seq in deleted else 200
            assert r.status_code == expected, r.json
            if expected != 200 or (not pin and seq in deleted):
                continue
            (pinned.add if pin else pinned.discard)(seq)
        else:
            r = who.request("PUT", f"/conversations/{group}/messages/{seq}/hidden")
            assert r.status_code == 200, r.json
            if seq in hidden[who.id]:
                continue
            hidden[who.id].add(seq)
        made += 1
    # Back: new messages by seq, then the changes after the cursor, applied by each message's version,
    # the hidden ones dropped, in pages small enough to end inside versions.
    for message in carol.messages(group, after_seq=max(cache), limit=200):
        cache[message["seq"]] = message
    applied = 0
    while True:
        query = {"after": cursor, "limit": 7, **({"after_seq": cursor_seq} if cursor_seq else {})}
        r = carol.get(f"/conversations/{group}/changes", query_string=query)
        assert r.status_code == 200, r.json
        page = r.json
        for message in page["changes"]:
            held = cache.get(message["seq"])
            if held is None or message["version"] > held["version"]:
                cache[message["seq"]] = message
                applied += 1
        for gone in page["hidden"]:
            if cache.pop(gone["seq"], None) is not None:
                applied += 1
        cursor, cursor_seq = page["next"], page["next_seq"]
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
    assert hidden[carol.id] and not set(server) & hidden[carol.id]
    pins = carol.get(f"/conversations/{group}/pins").json["pins"]
    assert {m["seq"] for m in pins} == pinned - hidden[carol.id]
    assert {seq for seq, m in cache.items() if m["pinned_at"]} == pinned - hidden[carol.id]


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


def test_a_page_that_ends_inside_a_version_goes_on_from_its_seq(alice, bob, chat, unthrottled_sends):
    """Several messages share a version (an account's tombstones, a quote rewritten with its original):
    a page boundary inside one must not skip the rest of it."""
    alice.send(chat, "original")
    for n in range(6):  # replies whose quotes all change with the original, in one version
        r = bob.post(
            f"/conversations/{chat}/messages",
            {"client_id": str(uuid.uuid4()), "text": f"reply {n}", "reply_to_seq": 1},
        )
        assert r.status_code == 201, r.json
    edit(alice, chat, 1, "original, edited")
    edit(bob, chat, 2, "reply 0, edited")
    assert bob.conversation(chat)["change_version"] == 2
    seen: list[tuple[int, int]] = []
    query: dict = {"after": 0, "limit": 3}
    while True:
        r = bob.get(f"/conversations/{chat}/changes", query_string=query)
        assert r.status_code == 200, r.json
        page = r.json
        seen += [(m["version"], m["seq"]) for m in page["changes"]]
        if not page["has_more"]:
            assert page["next_seq"] is None
            break
        assert page["next_seq"] == page["changes"][-1]["seq"]
        query = {"after": page["next"], "after_seq": page["next_seq"], "limit": 3}
    # Version 1: the original and the five replies still quoting it; version 2: reply 0.
    assert seen == [(1, 1), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (2, 2)]
    assert page["next"] == 2


@pytest.mark.parametrize("query", ["after=0&after_seq=0", "after=0&after_seq=x", "after=0&after_seq=-3"])
def test_bad_after_seq_is_a_400(alice, chat, query):
    assert_error(alice.get(f"/conversations/{chat}/changes?{query}"), 400, "invalid_field", "after_seq")
