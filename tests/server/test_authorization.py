"""Who may call what: tokens on every route, and outsiders who cannot tell a conversation exists."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from tests.server.conftest import API, PASSWORD, assert_error, login, no_such_id


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # with {cid}, {seq}, {uid} placeholders
    body: dict | None = None

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, cid: int = 1, seq: int = 1, uid: int = 1) -> str:
        return self.path.format(cid=cid, seq=seq, uid=uid)


def send_body() -> dict:
    return {"client_id": str(uuid.uuid4()), "text": "hello"}


# Every conversation-scoped route, with a body that would succeed for a member.
CONVERSATION_ROUTES = [
    Route("GET", "/conversations/{cid}"),
    Route("PATCH", "/conversations/{cid}", {"title": "renamed"}),
    Route("POST", "/conversations/{cid}/members", {"user_ids": ["ME"]}),
    Route("DELETE", "/conversations/{cid}/members/{uid}"),
    Route("POST", "/conversations/{cid}/read", {"seq": 1}),
    Route("GET", "/conversations/{cid}/messages"),
    Route("POST", "/conversations/{cid}/messages", {"client_id": "NEW", "text": "hello"}),
    Route("PATCH", "/conversations/{cid}/messages/{seq}", {"text": "edited"}),
    Route("DELETE", "/conversations/{cid}/messages/{seq}"),
]

# Every route that needs a token.
AUTHENTICATED_ROUTES = [
    Route("DELETE", "/sessions/current"),
    Route("GET", "/me"),
    Route("PATCH", "/me", {"display_name": "x"}),
    Route("DELETE", "/me", {"password": PASSWORD}),
    Route("GET", "/users?q=al"),
    Route("GET", "/users/{uid}"),
    Route("POST", "/conversations", {"kind": "group", "title": "t"}),
    Route("GET", "/conversations"),
    *CONVERSATION_ROUTES,
]


def body_for(route: Route, user) -> dict | None:
    if route.body is None:
        return None
    body = dict(route.body)
    if body.get("client_id") == "NEW":
        body["client_id"] = str(uuid.uuid4())
    if body.get("user_ids") == ["ME"]:
        body["user_ids"] = [user.id]
    return body


def call(user, route: Route, **ids):
    return user.request(route.method, route.url(**ids), body_for(route, user))


# ---- tokens ---------------------------------------------------------------------------------------------


@pytest.fixture
def world(alice, bob):
    """A 1:1 with one message, so every route has something real to point at."""
    cid = alice.direct_with(bob)["id"]
    alice.send(cid, "hi")
    return {"cid": cid, "seq": 1, "uid": bob.id}


BAD_HEADERS = {
    "none": {},
    "empty": {"Authorization": ""},
    "scheme only": {"Authorization": "Bearer"},
    "scheme and space": {"Authorization": "Bearer "},
    "basic": {"Authorization": "Basic YWxpY2U6cGFzc3dvcmQ="},
    "token without scheme": {"Authorization": "TOKEN"},
    "unknown token": {"Authorization": "Bearer " + "A" * 43},
    "too long": {"Authorization": "Bearer " + "A" * 5000},
    "two tokens": {"Authorization": "Bearer abc def"},
}


def test_every_route_refuses_missing_and_malformed_tokens(client, alice, world):
    for route in AUTHENTICATED_ROUTES:
        for name, headers in BAD_HEADERS.items():
            url = API + route.url(**world)
            r = client.open(url, method=route.method, json=body_for(route, alice), headers=headers)
            assert_error(r, 401, "unauthorized", case=(str(route), name))
    # Nothing happened: alice's account, conversation and message are as they were.
    assert alice.whoami() == alice.me
    assert [m["text"] for m in alice.messages(world["cid"])] == ["hi"]


def test_every_route_refuses_a_logged_out_token(auth, alice, world):
    still_signed_in = auth("alice", register_first=False)
    assert alice.delete("/sessions/current").status_code == 204
    for route in AUTHENTICATED_ROUTES:
        assert_error(call(alice, route, **world), 401, "unauthorized", case=str(route))
    assert still_signed_in.whoami() == alice.me
    assert [m["text"] for m in still_signed_in.messages(world["cid"])] == ["hi"]


def test_every_route_refuses_the_tokens_of_a_deleted_account(auth, alice, bob, world):
    laptop = auth("alice", register_first=False)
    assert alice.delete("/me", {"password": PASSWORD}).status_code == 204
    auth("alice")  # the name is free again; the old tokens must not come back to life
    for route in AUTHENTICATED_ROUTES:
        for session in (alice, laptop):
            assert_error(call(session, route, **world), 401, "unauthorized", case=str(route))
    assert [m["deleted"] for m in bob.messages(world["cid"])] == [True]


def test_the_token_is_accepted_with_a_lowercase_scheme(client, alice):
    r = client.get(API + "/me", headers={"Authorization": f"bearer {alice.token}"})
    assert r.status_code == 200


def test_public_routes_need_no_token(client):
    assert client.get("/healthz").status_code == 200
    assert client.get(API + "/openapi.json").status_code == 200
    assert client.post(API + "/accounts", json={"username": "alice", "password": PASSWORD}).status_code == 201
    assert login(client, "alice").status_code == 201


# ---- outsiders ------------------------------------------------------------------------------------------


@pytest.fixture(params=["direct", "group"])
def private(request, alice, bob):
    """A conversation of alice and bob with one message of alice's: seq 1."""
    cid = alice.direct_with(bob)["id"] if request.param == "direct" else alice.group("private", bob)["id"]
    alice.send(cid, "secret")
    return cid


def snapshot(user, cid: int) -> tuple:
    got = user.conversation(cid)
    return got["title"], got["members"], got["last_seq"], user.messages(cid)


@pytest.mark.parametrize("route", CONVERSATION_ROUTES, ids=str)
def test_outsider_gets_exactly_what_a_missing_conversation_gets(alice, bob, carol, private, route):
    before = snapshot(alice, private)
    for uid in (alice.id, carol.id):  # removing a member, or leaving
        if "{uid}" not in route.path and uid != alice.id:
            continue
        outsider = call(carol, route, cid=private, seq=1, uid=uid)
        missing = call(carol, route, cid=no_such_id(), seq=1, uid=uid)
        assert_error(outsider, 404, "not_found")
        assert outsider.status_code == missing.status_code
        assert outsider.get_json() == missing.get_json()
        assert sorted(outsider.headers.keys()) == sorted(missing.headers.keys())
        # A seq that does not exist either: still the conversation's 404, not the message's.
        if "{seq}" in route.path:
            assert call(carol, route, cid=private, seq=99, uid=uid).get_json() == missing.get_json()
        # A bad body is refused alike, before anyone looks at the conversation.
        if route.body is not None:
            kw = {"data": b"[]", "content_type": "application/json"}
            outsider = carol.request(route.method, route.url(cid=private, uid=uid), **kw)
            missing = carol.request(route.method, route.url(cid=no_such_id(), uid=uid), **kw)
            assert_error(outsider, 400, "bad_json")
            assert outsider.get_json() == missing.get_json()
    assert snapshot(alice, private) == before


@pytest.mark.parametrize("route", CONVERSATION_ROUTES, ids=str)
def test_a_former_member_is_an_outsider(alice, bob, carol, route):
    cid = alice.group("g", bob, carol)["id"]
    carol.send(cid, "carol was here")
    assert carol.delete(f"/conversations/{cid}/members/{carol.id}").status_code == 204
    before = snapshot(alice, cid)
    former = call(carol, route, cid=cid, seq=1, uid=carol.id)
    missing = call(carol, route, cid=no_such_id(), seq=1, uid=carol.id)
    assert_error(former, 404, "not_found")
    assert former.get_json() == missing.get_json()
    assert snapshot(alice, cid) == before


def test_outsider_cannot_replay_a_members_client_id(alice, carol, private):
    client_id = str(uuid.uuid4())
    stored = alice.post(f"/conversations/{private}/messages", {"client_id": client_id, "text": "mine"})
    assert stored.status_code == 201
    r = carol.post(f"/conversations/{private}/messages", {"client_id": client_id, "text": "mine"})
    assert_error(r, 404, "not_found")
