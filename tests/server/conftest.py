"""Helpers for the REST tests: signed-in users on the Flask test client, and checks of the error shape."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from server import create_app
from server.config import Config
from server.db import users as users_db
from server.services import passwords
from server.services.background import jobs
from tests.support.smtp import SmtpInbox

PASSWORD = "correct horse battery"
API = "/api/v1"


def assert_error(
    response: TestResponse, status: int, code: str, field: str | None = None, *, case: object = None
) -> dict:
    """The one error shape of docs/protocol.md, and nothing that looks like a stack trace.

    ``case`` names the input being tried when a test loops over many, so a failure says which one.
    """
    where = f"[{case!r}] " if case is not None else ""
    assert response.status_code == status, where + response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json", where
    body = response.get_json()
    assert set(body) == {"error"}, where
    error = body["error"]
    assert error["code"] == code, (where, error)
    assert isinstance(error["message"], str) and error["message"], where
    allowed = {"code", "message", "field", "retry_after"}
    assert set(error) <= allowed, (where, error)
    if field is not None:
        assert error.get("field") == field, (where, error)
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and 'File "' not in text
    return error


# What anyone may see of a user, and what only the user themselves may (docs/protocol.md, "Objects").
PUBLIC_USER_KEYS = {"id", "username", "display_name", "deleted"}
PRIVATE_USER_KEYS = {"visible", "created_at", "email", "email_confirmed", "hide_last_seen"}
NEVER_SHOWN_KEYS = {"password", "password_hash", "token", "token_hash"}


def assert_public_user(user: dict) -> None:
    """A user as others see them: the documented fields, none of the owner's settings, no secrets."""
    assert set(user) >= PUBLIC_USER_KEYS, user
    assert not set(user) & (PRIVATE_USER_KEYS | NEVER_SHOWN_KEYS), user


def assert_me(user: dict) -> None:
    """My own account: the public fields plus my settings, and still no secrets."""
    assert PUBLIC_USER_KEYS | {"visible", "created_at"} <= set(user), user
    assert not set(user) & NEVER_SHOWN_KEYS, user


class User:
    """One signed-in user talking to the app through the test client, as a real client would."""

    def __init__(self, client: FlaskClient, username: str, password: str, token: str, me: dict) -> None:
        self.client = client
        self.username = username
        self.password = password
        self.token = token
        self.me = me
        self.id: int = me["id"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def request(self, method: str, path: str, json: Any = None, **kw) -> TestResponse:
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.open(API + path, method=method, json=json, headers=headers, **kw)

    def get(self, path: str, **kw) -> TestResponse:
        return self.request("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw) -> TestResponse:
        return self.request("POST", path, json, **kw)

    def patch(self, path: str, json: Any = None, **kw) -> TestResponse:
        return self.request("PATCH", path, json, **kw)

    def delete(self, path: str, json: Any = None, **kw) -> TestResponse:
        return self.request("DELETE", path, json, **kw)

    # -- the calls most tests need, asserting success -----------------------------------------------------

    def direct_with(self, other: User) -> dict:
        r = self.post("/conversations", {"kind": "direct", "user_id": other.id})
        assert r.status_code in (200, 201), r.json
        return r.json["conversation"]

    def group(self, title: str = "Climbing", *members: User) -> dict:
        r = self.post(
            "/conversations", {"kind": "group", "title": title, "member_ids": [m.id for m in members]}
        )
        assert r.status_code == 201, r.json
        return r.json["conversation"]

    def send(self, conversation_id: int, text: str = "hello", client_id: str | None = None) -> dict:
        r = self.post(
            f"/conversations/{conversation_id}/messages",
            {"client_id": client_id or str(uuid.uuid4()), "text": text},
        )
        assert r.status_code == 201, r.json
        return r.json["message"]

    def conversation(self, conversation_id: int) -> dict:
        r = self.get(f"/conversations/{conversation_id}")
        assert r.status_code == 200, r.json
        return r.json["conversation"]

    def messages(self, conversation_id: int, **query) -> list[dict]:
        r = self.get(f"/conversations/{conversation_id}/messages", query_string=query)
        assert r.status_code == 200, r.json
        return r.json["messages"]

    def whoami(self) -> dict:
        r = self.get("/me")
        assert r.status_code == 200, r.json
        return r.json["user"]


def register(client: FlaskClient, username: str, password: str = PASSWORD, **extra) -> TestResponse:
    return client.post(f"{API}/accounts", json={"username": username, "password": password, **extra})


def login(
    client: FlaskClient, username: str, password: str = PASSWORD, *, environ_base: dict | None = None, **extra
) -> TestResponse:
    """POST /sessions; ``environ_base={"REMOTE_ADDR": …}`` picks the client address."""
    return client.post(
        f"{API}/sessions",
        json={"username": username, "password": password, **extra},
        environ_base=environ_base or {},
    )


@pytest.fixture
def auth(client: FlaskClient) -> Callable[..., User]:
    """``auth("alice")`` registers alice and logs her in; ``auth("alice", register=False)`` only logs in."""

    def make(username: str, password: str = PASSWORD, *, register_first: bool = True, **extra) -> User:
        if register_first:
            r = register(client, username, password, **extra)
            assert r.status_code == 201, r.json
        r = login(client, username, password)
        assert r.status_code == 201, r.json
        return User(client, username, password, r.json["token"], r.json["user"])

    return make


@pytest.fixture
def alice(auth) -> User:
    return auth("alice")


@pytest.fixture
def bob(auth) -> User:
    return auth("bob")


@pytest.fixture
def carol(auth) -> User:
    return auth("carol")


@pytest.fixture
def chat(alice, bob) -> int:
    """Alice and Bob's 1:1."""
    return alice.direct_with(bob)["id"]


@pytest.fixture
def shared(alice, chat) -> dict:
    """A PNG Alice sent in ``chat`` (tests/server/test_files.py, ``share``)."""
    from tests.server.test_files import share

    return share(alice, chat)


@pytest.fixture
def bulk_users(app) -> Iterator[Callable[[int], list[int]]]:
    """``bulk_users(300)``: that many accounts stored in one transaction (for size limits); their ids."""
    hashed = passwords.hash_password(PASSWORD, 4)

    def make(count: int, prefix: str = "bulk") -> list[int]:
        with app.extensions["chatidk"].db.transaction() as cur:
            return [
                users_db.insert_user(cur, f"{prefix}{i}", f"{prefix} {i}", hashed)["id"] for i in range(count)
            ]

    yield make


@pytest.fixture
def configure(app) -> Callable[..., None]:
    """``configure(send_burst=5)``: change settings of the running app for this test."""
    context = app.extensions["chatidk"]

    def change(**settings: Any) -> None:
        context.config = dataclasses.replace(context.config, **settings)

    return change


@pytest.fixture
def unthrottled_sends(configure) -> None:
    """For tests that need more messages than a person sends at once (paging): no send budget."""
    configure(send_burst=0)


@pytest.fixture
def inbox() -> Iterator[SmtpInbox]:
    """A real SMTP server on loopback that keeps what it receives."""
    inbox = SmtpInbox().start()
    yield inbox
    inbox.stop()


@pytest.fixture
def mailing_app(database_url, tmp_path, inbox):
    """The app, mailing through the loopback SMTP server (use it as ``app`` in modules that mail)."""
    app = create_app(
        Config(
            database_url=database_url,
            data_dir=tmp_path,
            bcrypt_rounds=4,
            db_pool_size=5,
            smtp_host="127.0.0.1",
            smtp_port=inbox.port,
            smtp_security="none",
        )
    )
    yield app
    jobs.drain()
    app.extensions["chatidk"].hub.stop()
    app.extensions["chatidk"].db.close()


def no_such_id() -> int:
    """An id no test database ever hands out."""
    return 987_654_321
