"""The OpenAPI document: valid OpenAPI 3.1, one operation per Flask route, and real answers that fit it."""

from __future__ import annotations

import re
import uuid

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from server.api.routing import ENDPOINTS
from tests.server.conftest import API, PASSWORD, login, register


@pytest.fixture
def document(client) -> dict:
    r = client.get(API + "/openapi.json")
    assert r.status_code == 200
    assert r.mimetype == "application/json"
    return r.json


def flask_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations.add((path, method.lower()))
    return operations


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_flask_route_is_documented_and_nothing_else(app, document):
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    }
    routes = flask_operations(app)
    assert len(routes) >= 20
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "documented operations that no route serves"


def test_path_parameters_are_declared(document):
    for path, item in document["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, operation in item.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == names, (method, path)


def test_exactly_the_public_operations_need_no_token(document):
    public = {
        (path, method)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if operation.get("security") == []
    }
    expected = {(ep.path, ep.method) for ep in ENDPOINTS if not ep.auth}
    expected |= {("/healthz", "get"), ("/api/v1/openapi.json", "get")}
    assert public == expected
    assert {("/api/v1/accounts", "post"), ("/api/v1/sessions", "post")} <= public
    assert document["security"] == [{"bearer": []}]


# ---- real answers against the documented schemas --------------------------------------------------------


class Checker:
    """Validates a response against the schema the document gives for its path, method and status."""

    def __init__(self, document: dict) -> None:
        self.document = document

    def __call__(self, response, path: str, method: str) -> None:
        operation = self.document["paths"][path][method]
        status = str(response.status_code)
        assert status in operation["responses"], f"{method} {path} answered undocumented {status}"
        content = operation["responses"][status].get("content")
        if content is None:
            assert response.get_data() == b""
            return
        # The schema's "#/components/…" refs resolve once the components sit at its root.
        schema = {**content["application/json"]["schema"], "components": self.document["components"]}
        Draft202012Validator(schema).validate(response.get_json())


def test_real_answers_fit_the_documented_schemas(client, auth, document):
    check = Checker(document)
    r = register(client, "alice", display_name="Alice")
    check(r, "/api/v1/accounts", "post")
    check(register(client, "alice"), "/api/v1/accounts", "post")  # 409
    check(login(client, "alice"), "/api/v1/sessions", "post")
    check(login(client, "alice", "wrong password"), "/api/v1/sessions", "post")  # 401
    alice = auth("alice", register_first=False)
    bob = auth("bob")
    check(alice.get("/me"), "/api/v1/me", "get")
    check(alice.patch("/me", {"visible": True}), "/api/v1/me", "patch")
    check(alice.patch("/me", {"visible": "yes"}), "/api/v1/me", "patch")  # 400
    check(alice.get("/users", query_string={"q": "b"}), "/api/v1/users", "get")
    check(alice.get(f"/users/{bob.id}"), "/api/v1/users/{user_id}", "get")
    direct = alice.post("/conversations", {"kind": "direct", "user_id": bob.id})
    check(direct, "/api/v1/conversations", "post")
    cid = direct.json["conversation"]["id"]
    check(
        alice.post("/conversations", {"kind": "direct", "user_id": bob.id}), "/api/v1/conversations", "post"
    )
    group = alice.post("/conversations", {"kind": "group", "title": "g", "member_ids": [bob.id]})
    check(group, "/api/v1/conversations", "post")
    gid = group.json["conversation"]["id"]
    sent = alice.post(f"/conversations/{cid}/messages", {"client_id": str(uuid.uuid4()), "text": "hi"})
    check(sent, "/api/v1/conversations/{conversation_id}/messages", "post")
    check(alice.get("/conversations"), "/api/v1/conversations", "get")
    check(alice.get(f"/conversations/{cid}"), "/api/v1/conversations/{conversation_id}", "get")
    check(alice.get(f"/conversations/{cid + 1000}"), "/api/v1/conversations/{conversation_id}", "get")  # 404
    check(
        alice.patch(f"/conversations/{gid}", {"title": "h"}),
        "/api/v1/conversations/{conversation_id}",
        "patch",
    )
    check(
        alice.patch(f"/conversations/{cid}", {"title": "h"}),
        "/api/v1/conversations/{conversation_id}",
        "patch",
    )
    members = "/api/v1/conversations/{conversation_id}/members"
    check(alice.post(f"/conversations/{gid}/members", {"user_ids": [bob.id]}), members, "post")
    check(
        alice.post(f"/conversations/{gid}/read", {"seq": 0}),
        "/api/v1/conversations/{conversation_id}/read",
        "post",
    )
    messages = "/api/v1/conversations/{conversation_id}/messages"
    check(alice.get(f"/conversations/{cid}/messages", query_string={"limit": 5}), messages, "get")
    one = messages + "/{seq}"
    check(alice.patch(f"/conversations/{cid}/messages/1", {"text": "edited"}), one, "patch")
    check(bob.patch(f"/conversations/{cid}/messages/1", {"text": "edited"}), one, "patch")  # 403
    check(alice.delete(f"/conversations/{cid}/messages/1"), one, "delete")
    check(alice.patch(f"/conversations/{cid}/messages/1", {"text": "again"}), one, "patch")  # 409
    check(bob.delete(f"/conversations/{gid}/members/{alice.id}"), members + "/{user_id}", "delete")  # 403
    check(bob.delete(f"/conversations/{gid}/members/{bob.id}"), members + "/{user_id}", "delete")  # 204
    check(client.get("/healthz"), "/healthz", "get")
    check(alice.delete("/sessions/current"), "/api/v1/sessions/current", "delete")
    check(alice.get("/me"), "/api/v1/me", "get")  # 401
    check(bob.delete("/me", {"password": PASSWORD}), "/api/v1/me", "delete")
