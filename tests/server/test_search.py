"""GET /search: matching (accents, prefixes, CJK, emoji), filters, paging, highlights, and that only what the
caller can read right now is ever found: never an outsider's, a left member's, a deleted or hidden message."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from server.db.search import SearchFilter
from tests.server.conftest import assert_error, no_such_id
from tests.server.test_files import image_bytes, send_files, uploaded


def search(user, **query) -> dict:
    r = user.get("/search", query_string=query)
    assert r.status_code == 200, r.json
    assert set(r.json) == {"results", "next_cursor"}
    return r.json


def texts(user, **query) -> list[str]:
    return [result["message"]["text"] for result in search(user, **query)["results"]]


# ---- matching ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("See you at the Café", "cafe"),
        ("see you at the cafe", "CAFÉ"),
        ("Let's have a meeting on Saturday", "meet"),
        ("Let's have a meeting on Saturday", "saturday meeting"),
        ("明日の会議は10時", "会議"),
        ("明日の会議は10時", "会"),
        ("我们明天开会议", "会议"),
        ("내일 회의는 10시", "회의"),
        ("Встреча в субботу", "СУББОТ"),
        ("Καλημέρα κόσμε", "καλημερα"),
        ("مَرْحَبًا بالعالم", "مرحبا"),
        ("party tonight 🎉", "🎉"),
        ("ﬁle it", "file"),
    ],
)
def test_words_are_found_the_way_people_type_them(alice, chat, text, query):
    alice.send(chat, text)
    alice.send(chat, "something else entirely")
    assert texts(alice, q=query) == [text]


def test_only_the_last_word_is_a_prefix(alice, chat):
    alice.send(chat, "meeting tomorrow")
    assert texts(alice, q="meet tomorrow") == []
    assert texts(alice, q="tomorrow meet") == ["meeting tomorrow"]


def test_every_word_must_be_there(alice, chat):
    alice.send(chat, "red apple")
    alice.send(chat, "green apple")
    assert texts(alice, q="apple red") == ["red apple"]


def test_results_carry_the_message_its_conversation_and_the_highlights(alice, chat):
    sent = alice.send(chat, "The Café meeting")
    [result] = search(alice, q="cafe meet")["results"]
    assert result["message"] == sent
    assert result["conversation_id"] == chat
    assert result["highlights"] == [[4, 8], [9, 13]]
    assert [sent["text"][a:b] for a, b in result["highlights"]] == ["Café", "meet"]


def test_newest_first_with_a_cursor_for_more(alice, chat, unthrottled_sends):
    for n in range(5):
        alice.send(chat, f"note {n}")
    first = search(alice, q="note", limit=2)
    assert [r["message"]["text"] for r in first["results"]] == ["note 4", "note 3"]
    second = search(alice, q="note", limit=2, cursor=first["next_cursor"])
    assert [r["message"]["text"] for r in second["results"]] == ["note 2", "note 1"]
    third = search(alice, q="note", limit=2, cursor=second["next_cursor"])
    assert [r["message"]["text"] for r in third["results"]] == ["note 0"]
    assert third["next_cursor"] is None


def test_an_edit_is_found_by_its_new_text_only(alice, chat):
    sent = alice.send(chat, "lunch on Friday")
    r = alice.patch(f"/conversations/{chat}/messages/{sent['seq']}", {"text": "dinner on Saturday"})
    assert r.status_code == 200
    assert texts(alice, q="lunch") == []
    assert texts(alice, q="friday") == []
    assert texts(alice, q="dinner") == ["dinner on Saturday"]


def test_a_batch_of_concurrent_sends_is_indexed_too(app, alice, chat, unthrottled_sends):
    """Group commit stores many sends in one statement; each carries its own terms."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: alice.send(chat, f"batch{n} común"), range(16)))
    assert len(texts(alice, q="comun", limit=50)) == 16
    assert texts(alice, q="batch7") == ["batch7 común"]


def test_a_send_in_a_transaction_of_its_own_is_indexed_too(alice, chat, configure):
    configure(group_commit=False)
    alice.send(chat, "alone Ünïcode")
    assert texts(alice, q="unicode") == ["alone Ünïcode"]


# ---- filters -------------------------------------------------------------------------------------------


def test_in_one_conversation(alice, bob, carol, chat):
    group = alice.group("Trip", bob, carol)["id"]
    alice.send(chat, "tickets in the chat")
    alice.send(group, "tickets in the group")
    assert texts(alice, q="tickets", conversation_id=group) == ["tickets in the group"]
    assert len(texts(alice, q="tickets")) == 2


def test_from_one_sender(alice, bob, chat):
    alice.send(chat, "plan from alice")
    bob.send(chat, "plan from bob")
    assert texts(alice, q="plan", **{"from": bob.id}) == ["plan from bob"]
    assert texts(alice, **{"from": alice.id}) == ["plan from alice"]


def test_has_file_image_link(alice, chat):
    photo = uploaded(alice, image_bytes(), "red.png")
    doc = uploaded(alice, b"just bytes", "notes.bin")
    assert send_files(alice, chat, [photo["id"]], "holiday photo").status_code == 201
    assert send_files(alice, chat, [doc["id"]], "holiday notes").status_code == 201
    alice.send(chat, "holiday site https://example.org/trip")
    alice.send(chat, "holiday plain")
    assert texts(alice, q="holiday", has="image") == ["holiday photo"]
    assert texts(alice, q="holiday", has="file") == ["holiday notes", "holiday photo"]
    assert texts(alice, q="holiday", has="link") == ["holiday site https://example.org/trip"]
    assert texts(alice, q="holiday", has="video") == []
    assert texts(alice, has="image,file") == ["holiday photo"]


def test_before_and_after_a_date(alice, chat):
    alice.send(chat, "dated message")
    now = datetime.now(UTC)
    hour = timedelta(hours=1)
    assert texts(alice, q="dated", after=(now - hour).isoformat()) == ["dated message"]
    assert texts(alice, q="dated", before=(now - hour).isoformat()) == []
    assert texts(alice, q="dated", before=(now + hour).isoformat(), after=(now - hour).isoformat()) == [
        "dated message"
    ]
    assert texts(alice, q="dated", after=(now + hour).isoformat()) == []


# ---- only what the caller can read now -----------------------------------------------------------------


def test_outsiders_never_find_a_message(alice, bob, carol, chat):
    alice.send(chat, "secret plan")
    assert texts(carol, q="secret") == []
    assert_error(
        carol.get("/search", query_string={"q": "secret", "conversation_id": chat}), 404, "not_found"
    )


def test_a_conversation_that_does_not_exist_is_the_same_404(alice):
    r = alice.get("/search", query_string={"q": "x", "conversation_id": no_such_id()})
    assert_error(r, 404, "not_found")


def test_a_member_who_left_finds_nothing_more(alice, bob, carol):
    group = alice.group("Club", bob, carol)["id"]
    alice.send(group, "club secret")
    assert texts(carol, q="club") == ["club secret"]
    assert carol.delete(f"/conversations/{group}/members/{carol.id}").status_code == 204
    assert texts(carol, q="club") == []
    assert_error(carol.get("/search", query_string={"q": "club", "conversation_id": group}), 404, "not_found")


def test_a_removed_member_finds_nothing_more(alice, bob, carol):
    group = alice.group("Club", bob, carol)["id"]
    alice.send(group, "club news")
    assert alice.delete(f"/conversations/{group}/members/{carol.id}").status_code == 204
    assert texts(carol, q="club") == []


def test_deleted_messages_are_never_found(alice, bob, chat):
    sent = alice.send(chat, "regrettable words")
    assert alice.delete(f"/conversations/{chat}/messages/{sent['seq']}").status_code == 200
    assert texts(alice, q="regrettable") == []
    assert texts(bob, q="regrettable") == []


def test_messages_of_a_deleted_account_are_never_found(alice, bob, chat):
    alice.send(chat, "farewell everyone")
    r = alice.delete("/me", {"password": "correct horse battery"})
    assert r.status_code in (200, 204), r.json
    assert texts(bob, q="farewell") == []


def test_a_conversation_deleted_for_me_hides_its_messages_until_new_ones(alice, bob, chat):
    alice.send(chat, "old topic")
    r = bob.patch(f"/conversations/{chat}/me", {"hidden": True})
    assert r.status_code == 200, r.json
    assert texts(bob, q="topic") == []
    assert texts(alice, q="topic") == ["old topic"]  # only for bob
    alice.send(chat, "new topic")
    assert texts(bob, q="topic") == ["new topic"]


# ---- bad input, limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, None),
        ({"q": ""}, "q"),
        ({"q": "?!…"}, "q"),
        ({"q": "x" * 501}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"q": "x", "conversation_id": "abc"}, "conversation_id"),
        ({"q": "x", "conversation_id": "0"}, "conversation_id"),
        ({"q": "x", "from": "-1"}, "from"),
        ({"q": "x", "has": "photo"}, "has"),
        ({"q": "x", "has": "image,"}, "has"),
        ({"q": "x", "before": "yesterday"}, "before"),
        ({"q": "x", "after": "2026-01-01T00:00:00"}, "after"),  # no offset: ambiguous
        ({"q": "x", "before": "2026-01-01T00:00:00Z", "after": "2026-02-01T00:00:00Z"}, None),
        ({"q": "x", "cursor": "abc"}, "cursor"),
        ({"q": "x", "cursor": "0"}, "cursor"),
        ({"q": "x", "limit": "0"}, "limit"),
        ({"q": "x", "limit": "101"}, "limit"),
    ],
)
def test_bad_input_is_a_clear_400(alice, query, field):
    error = assert_error(alice.get("/search", query_string=query), 400, "invalid_field", case=query)
    if field is not None:
        assert error.get("field") == field, (query, error)


def test_a_token_is_needed(client):
    from tests.server.conftest import API

    assert_error(client.get(API + "/search", query_string={"q": "x"}), 401, "unauthorized")


def test_searches_are_limited_per_user(alice, bob, configure):
    configure(searches_per_minute=2)
    search(alice, q="one")
    search(alice, q="two")
    r = alice.get("/search", query_string={"q": "three"})
    error = assert_error(r, 429, "too_many_requests")
    assert int(r.headers["Retry-After"]) >= 1
    assert error["retry_after"] >= 1
    search(bob, q="mine")  # per user


# ---- messages stored before search existed ------------------------------------------------------------


def test_older_messages_are_indexed_by_the_backfill(app, alice, chat):
    from server.services import search_index

    old = alice.send(chat, "written before search")
    gone = alice.send(chat, "written before search, then deleted")
    db = app.extensions["chatidk"].db
    with db.transaction() as cur:
        cur.execute("UPDATE messages SET search_terms = NULL")
    assert alice.delete(f"/conversations/{chat}/messages/{gone['seq']}").status_code == 200
    assert texts(alice, q="before") == []
    assert search_index.backfill(db, page=1) == 1
    assert texts(alice, q="before") == [old["text"]]
    assert search_index.backfill(db) == 0  # nothing left: a restart does no work


def test_search_works_in_a_c_locale_database(test_databases):
    """No ICU, no pg_trgm, no unaccent: the terms are made in Python, so the database's locale is moot."""
    from server.db import Database
    from server.db import conversations as conversations_db
    from server.db import messages as messages_db
    from server.db import search as search_db
    from server.db import users as users_db
    from server.db.migrate import migrate
    from shared import search_text

    name = f"chatidk_test_c_{uuid.uuid4().hex[:8]}"
    test_databases._admin(
        f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
    )
    try:
        migrate(test_databases.url_for(name))
        db = Database(test_databases.url_for(name), size=1)
        texts = ["Café on SATURDAY", "明日の会議は10時", "Встреча в субботу", "회의는 내일"]
        with db.transaction() as cur:
            user = users_db.insert_user(cur, "celine", "Céline", "x")["id"]
            group = conversations_db.create_group_txn(cur, "Locale", user, [])
            for text in texts:
                messages_db.store_message_txn(
                    cur, group, user, uuid.uuid4(), text, [], search_text.index_terms(text)
                )
        found = {}
        with db.transaction() as cur:
            for query in ["cafe saturd", "会議", "суббот", "회의", "会"]:
                terms = [(t.text, t.prefix) for t in search_text.query_terms(query)]
                rows = search_db.search(cur, user, search_db.tsquery(terms), SearchFilter(), 10)
                found[query] = [row["body"] for row in rows]
            latest = [row["body"] for row in search_db.latest(cur, user, 2)]  # bench/search.py's baseline
        db.close()
    finally:
        test_databases.drop(name)
    assert found == {
        "cafe saturd": [texts[0]],
        "会議": [texts[1]],
        "суббот": [texts[2]],
        "회의": [texts[3]],
        "会": [texts[1]],
    }
    assert latest == [texts[3], texts[2]]
