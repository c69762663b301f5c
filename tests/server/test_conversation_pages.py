"""GET /conversations comes in bounded pages, by activity; nobody can create groups without end.

As found: anyone could put any visible user into any number of groups, and the list was one answer: at
1,500 groups it was 43.8 MB and took 7 s, and at about 4,500 a client could never finish catching up.
"""

from __future__ import annotations

import pytest

from server.config import Config
from server.db import conversations as conversations_db
from tests.server.conftest import assert_error

DEFAULTS = Config()


def page(user, **query) -> dict:
    r = user.get("/conversations", query_string=query)
    assert r.status_code == 200, r.json
    assert set(r.json) == {"conversations", "next"}
    return r.json


def every_page(user, limit: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        body = page(user, limit=limit, **({"cursor": cursor} if cursor else {}))
        pages.append([c["id"] for c in body["conversations"]])
        cursor = body["next"]
        if cursor is None:
            return pages


@pytest.fixture
def crowd(app, bulk_users):
    """``crowd(victim, 120)``: that many groups with the victim in them, made in one transaction."""

    def make(user, count: int) -> list[int]:
        owners = bulk_users(1, prefix="spammer")
        with app.extensions["chatidk"].db.transaction() as cur:
            return [
                conversations_db.create_group_txn(cur, f"spam {n}", owners[0], [user.id])
                for n in range(count)
            ]

    return make


def test_the_first_page_is_bounded_and_says_where_the_next_begins(alice, crowd):
    crowd(alice, 120)
    first = page(alice)
    assert len(first["conversations"]) == 50 and isinstance(first["next"], str)
    assert len(page(alice, limit=200)["conversations"]) == 120


def test_pages_list_everything_once_most_recent_activity_first(alice, bob, carol, crowd):
    crowd(alice, 5)
    chats = [alice.direct_with(bob)["id"], alice.direct_with(carol)["id"]]
    for n, chat in enumerate(chats):
        alice.send(chat, f"activity {n}")
    pages = every_page(alice, limit=3)
    assert [len(p) for p in pages] == [3, 3, 1]
    listed = [cid for p in pages for cid in p]
    full = [c["id"] for c in page(alice, limit=200)["conversations"]]
    assert listed == full and len(set(listed)) == 7
    assert listed[:2] == [chats[1], chats[0]]


def test_a_conversation_that_becomes_active_while_paging_moves_to_the_front_not_twice(alice, bob, crowd):
    """docs/protocol.md: it is then on a page already fetched; its new message reaches the open socket."""
    groups = crowd(alice, 4)  # activity: groups[3] newest … groups[0] oldest
    first = page(alice, limit=2)
    assert [c["id"] for c in first["conversations"]] == [groups[3], groups[2]]
    alice.send(groups[0], "now the most recent")
    second = page(alice, limit=2, cursor=first["next"])
    assert [c["id"] for c in second["conversations"]] == [groups[1]]
    assert second["next"] is None


@pytest.mark.parametrize(
    "query",
    [
        {"cursor": "not a cursor"},
        {"cursor": "bm90aGluZw"},  # base64 of "nothing"
        {"cursor": "MjAyNi0wMS0wMVQwMDowMDowMHwx"},  # a time without a zone
        {"cursor": ""},
        {"cursor": "x" * 201},
        {"limit": 0},
        {"limit": 201},
        {"limit": "ten"},
    ],
)
def test_bad_page_queries_are_400(alice, query):
    field = next(iter(query))
    assert_error(alice.get("/conversations", query_string=query), 400, "invalid_field", field)


def test_groups_one_user_may_create_are_limited_per_hour(alice, bob, carol):
    limit = DEFAULTS.groups_per_hour
    assert limit == 20
    assert_error(
        alice.post("/conversations", {"kind": "group", "title": "x", "member_ids": [987654321]}),
        404,
        "not_found",
    )  # a refused group does not count
    for n in range(limit):
        alice.group(f"group {n}", bob)
    r = alice.post("/conversations", {"kind": "group", "title": "one more", "member_ids": [bob.id]})
    error = assert_error(r, 429, "too_many_requests")
    assert 1 <= error["retry_after"] <= 3600 and r.headers["Retry-After"] == str(error["retry_after"])
    assert len(page(bob, limit=200)["conversations"]) == limit  # nothing was made
    # 1:1s are not groups, and others have their own count.
    assert alice.post("/conversations", {"kind": "direct", "user_id": carol.id}).status_code == 201
    carol.group("carol's", bob)
