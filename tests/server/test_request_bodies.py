"""Bodies that are not a JSON object, on every route that takes one: 400 bad_json, and nothing changes."""

from __future__ import annotations

import uuid

import pytest

from tests.server.conftest import API, PASSWORD, assert_error

# Every route that takes a body, with a body that would succeed (placeholders filled in by ``valid_body``).
BODY_ROUTES = [
    ("POST", "/accounts", {"username": "newcomer", "password": "long enough"}),
    ("POST", "/sessions", {"username": "alice", "password": PASSWORD}),
    ("PATCH", "/me", {"display_name": "Alice"}),
    ("DELETE", "/me", {"password": PASSWORD}),
    ("POST", "/conversations", {"kind": "group", "title": "new"}),
    ("PATCH", "/conversations/{cid}", {"title": "renamed"}),
    ("POST", "/conversations/{cid}/members", {"user_ids": ["BOB"]}),
    ("POST", "/conversations/{cid}/read", {"seq": 1}),
    ("POST", "/conversations/{cid}/messages", {"client_id": "NEW", "text": "hi"}),
    ("PATCH", "/conversations/{cid}/messages/1", {"text": "edited"}),
]
ROUTE_IDS = [f"{method} {path}" for method, path, _ in BODY_ROUTES]


def valid_body(body: dict, bob) -> dict:
    body = dict(body)
    if body.get("client_id") == "NEW":
        body["client_id"] = str(uuid.uuid4())
    if body.get("user_ids") == ["BOB"]:
        body["user_ids"] = [bob.id]
    return body


NOT_AN_OBJECT = {
    "empty": b"",
    "whitespace": b"  \n",
    "not json": b"hello",
    "truncated": b'{"text": "hi"',
    "trailing garbage": b'{"text": "hi"} x',
    "array": b'[{"text": "hi"}]',
    "string": b'"hi"',
    "number": b"5",
    "null": b"null",
    "true": b"true",
    "single quotes": b"{'text': 'hi'}",
    "invalid utf-8": b'{"text": "\xff\xfe"}',
    "lone surrogate": b'{"text": "\\ud800"}',
}


@pytest.fixture
def group(alice, bob) -> int:
    cid = alice.group("kept", bob)["id"]
    alice.send(cid, "kept")
    return cid


def state(alice, cid: int) -> tuple:
    return alice.whoami(), alice.conversation(cid), alice.messages(cid)


@pytest.mark.parametrize(("method", "path", "body"), BODY_ROUTES, ids=ROUTE_IDS)
def test_only_a_json_object_of_known_fields_is_a_body(alice, bob, group, method, path, body):
    before = state(alice, group)
    url = path.format(cid=group)
    for name, raw in NOT_AN_OBJECT.items():
        for content_type in ("application/json", "text/plain"):
            r = alice.request(method, url, data=raw, content_type=content_type)
            error = assert_error(r, 400, "bad_json", case=name)
            assert "field" not in error, name
    assert_error(alice.request(method, url), 400, "bad_json")  # no body and no content type at all
    # An unknown field spoils an otherwise good body.
    r = alice.request(method, url, {**valid_body(body, bob), "surprise": 1})
    assert_error(r, 400, "invalid_field", "surprise")
    assert state(alice, group) == before
    # And the good body on its own is good: the refusals above were about the body alone.
    r = alice.request(method, url, valid_body(body, bob))
    assert r.status_code in (200, 201, 204), r.json


def test_nan_is_not_a_number_here(alice, group):
    r = alice.request(
        "POST", f"/conversations/{group}/read", data=b'{"seq": NaN}', content_type="application/json"
    )
    assert r.status_code == 400
    assert alice.conversation(group)["last_read_seq"] == 1


def test_a_body_is_read_as_json_whatever_the_content_type_says(client):
    r = client.post(
        API + "/accounts", data=b'{"username": "alice", "password": "long enough"}', content_type="text/plain"
    )
    assert r.status_code == 201
