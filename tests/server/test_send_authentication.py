"""A REST send whose token this process has not cached is authenticated by the send's own pre-check
(server/db/messages.py, send_precheck_many): every answer stays what a separate lookup would give."""

from __future__ import annotations

import uuid

import psycopg2
import pytest

from server.db import sessions as sessions_db
from server.services.send_batch import UNKNOWN_SENDER, SendRequest
from server.services.tokens import token_hash
from tests.server.conftest import User, assert_error
from tests.server.test_group_commit import run_together, send_of, status


@pytest.fixture
def context(app):
    return app.extensions["chatidk"]


def _uncached(context, *users: User) -> None:
    context.session_cache.clear()
    for user in users:
        assert context.session_cache.get(token_hash(user.token)) is None


def _set_last_used(context, user: User, seconds_ago: int) -> None:
    with context.db.transaction() as cur:
        cur.execute(
            "UPDATE sessions SET last_used_at = now() - make_interval(secs => %s) WHERE token_hash = %s",
            (seconds_ago, token_hash(user.token)),
        )


def _last_used_age(context, user: User) -> float:
    with context.db.autocommit() as cur:
        cur.execute(
            """SELECT extract(epoch FROM now() - last_used_at)::float8 AS age
               FROM sessions WHERE token_hash = %s""",
            (token_hash(user.token),),
        )
        return cur.one()["age"]


def _post(user: User, conversation_id: int, body: dict | None = None):
    body = {"client_id": str(uuid.uuid4()), "text": "hi"} if body is None else body
    return user.post(f"/conversations/{conversation_id}/messages", body)


def test_an_uncached_token_sends_and_is_cached_afterwards(context, alice, chat):
    _uncached(context, alice)
    answer = _post(alice, chat)
    assert answer.status_code == 201
    assert answer.get_json()["message"]["sender_id"] == alice.id
    cached = context.session_cache.get(token_hash(alice.token))
    assert cached is not None and cached.user_id == alice.id


def test_a_revoked_token_is_401_whatever_the_send(context, alice, bob, chat):
    with context.db.transaction() as cur:
        cur.execute("DELETE FROM sessions WHERE token_hash = %s", (token_hash(alice.token),))
    _uncached(context, alice)
    assert_error(_post(alice, chat), 401, "unauthorized")
    assert_error(_post(alice, 987_654_321), 401, "unauthorized")  # not 404
    assert_error(_post(alice, chat, {"client_id": "nope"}), 401, "unauthorized")  # not 400
    assert_error(_post(alice, chat, {"client_id": str(uuid.uuid4())}), 401, "unauthorized")  # no text
    assert context.session_cache.get(token_hash(alice.token)) is None
    assert bob.messages(chat) == []


def test_an_expired_token_is_401_and_stays_expired(context, configure, alice, bob, chat):
    _set_last_used(context, alice, 2 * 86400)
    configure(session_idle_days=1)
    _uncached(context, alice)
    assert_error(_post(alice, chat), 401, "unauthorized")
    assert _last_used_age(context, alice) >= 2 * 86400  # a refused token is not marked used
    assert bob.messages(chat) == []


def test_an_outsider_is_told_404_as_for_no_conversation(context, alice, carol, chat):
    _uncached(context, carol)
    outsider = assert_error(_post(carol, chat), 404, "not_found")
    _uncached(context, carol)
    nowhere = assert_error(_post(carol, 987_654_321), 404, "not_found")
    assert outsider == nowhere
    assert alice.messages(chat) == []


def test_a_bad_body_from_a_working_uncached_token_is_still_400(context, alice, chat):
    _uncached(context, alice)
    assert_error(_post(alice, chat, {"client_id": "nope"}), 400, "invalid_field", "client_id")
    _uncached(context, alice)
    assert_error(_post(alice, chat, {"client_id": str(uuid.uuid4())}), 400, "invalid_field", "text")


def test_a_stale_session_is_marked_used_by_the_send(context, alice, chat):
    _set_last_used(context, alice, 300)
    _uncached(context, alice)
    assert _post(alice, chat).status_code == 201
    assert _last_used_age(context, alice) < 300


def test_a_retry_from_an_uncached_token_answers_the_stored_message(context, alice, chat):
    client_id = str(uuid.uuid4())
    first = _post(alice, chat, {"client_id": client_id, "text": "once"})
    _uncached(context, alice)
    again = _post(alice, chat, {"client_id": client_id, "text": "once"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert [m["text"] for m in alice.messages(chat)] == ["once"]


def _by_token(user: User, conversation_id: int, text: str = "hi", **kw) -> SendRequest:
    return SendRequest(
        UNKNOWN_SENDER,
        conversation_id,
        kw.pop("client_id", uuid.uuid4()),
        text,
        token_hash=token_hash(user.token),
        **kw,
    )


def test_a_batch_authenticates_each_send_and_a_bad_token_fails_alone(app, context, alice, bob, chat):
    with context.db.transaction() as cur:
        cur.execute("DELETE FROM sessions WHERE token_hash = %s", (token_hash(bob.token),))
    nobody = SendRequest(UNKNOWN_SENDER, chat, uuid.uuid4(), "who?", token_hash=b"\x00" * 32)
    outcomes = run_together(
        app,
        _by_token(alice, chat, "one"),
        _by_token(bob, chat, "revoked"),
        nobody,
        send_of(alice, chat, "two"),
        _by_token(alice, 987_654_321, "nowhere"),
    )
    assert [status(o) for o in outcomes] == [201, 401, 401, 201, 404]
    assert [(m["seq"], m["text"]) for m in alice.messages(chat)] == [(1, "one"), (2, "two")]
    assert outcomes[0][0]["sender_id"] == alice.id  # type: ignore[index]


def test_one_client_id_by_token_and_by_user_in_a_batch_stores_one_message(app, alice, chat):
    client_id = uuid.uuid4()
    outcomes = run_together(
        app,
        send_of(alice, chat, "once", client_id=client_id),
        _by_token(alice, chat, "once", client_id=client_id),
        _by_token(alice, chat, "once", client_id=client_id),
    )
    assert [status(o) for o in outcomes] == [201, 200, 200]
    assert outcomes[0][0] == outcomes[1][0] == outcomes[2][0]  # type: ignore[index]
    assert [m["text"] for m in alice.messages(chat)] == ["once"]


def test_a_batch_takes_the_budget_of_senders_known_by_token(app, alice, bob, chat, configure):
    configure(send_burst=2, send_rate=0.001)
    outcomes = run_together(
        app,
        *(_by_token(alice, chat, str(n)) for n in range(2)),
        send_of(alice, chat, "2"),
        _by_token(bob, chat),
    )
    assert [status(o) for o in outcomes] == [201, 201, 429, 201]
    assert status(run_together(app, _by_token(alice, chat))[0]) == 429


def test_group_commit_off_authenticates_an_uncached_token_too(context, configure, alice, carol, chat):
    configure(group_commit=False)
    _uncached(context, alice, carol)
    assert _post(alice, chat).status_code == 201
    assert_error(_post(carol, chat), 404, "not_found")
    with context.db.transaction() as cur:
        cur.execute("DELETE FROM sessions WHERE token_hash = %s", (token_hash(alice.token),))
    _uncached(context, alice)
    assert_error(_post(alice, chat), 401, "unauthorized")


def test_a_send_is_answered_when_marking_its_session_used_fails(context, alice, chat, monkeypatch):
    def broken(cur, session_ids):
        raise psycopg2.OperationalError("gone")

    monkeypatch.setattr(sessions_db, "touch_sessions", broken)
    _set_last_used(context, alice, 300)
    _uncached(context, alice)
    assert _post(alice, chat).status_code == 201
    assert [m["text"] for m in alice.messages(chat)] == ["hi"]
