"""The OpenAPI document: valid OpenAPI 3.1, one operation per Flask route, and real answers that fit it."""

from __future__ import annotations

import re
import uuid

import flask
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from server.api.routing import ENDPOINTS
from server.limits import MAX_JSON_BYTES
from tests.server.conftest import API, PASSWORD, login, no_such_id, register


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


class ResponseChecker:
    """Checks every answer the app gives against the schema the document has for its route and status.

    Installed as an ``after_request`` hook, so a scenario only has to make requests; answers the document
    does not describe (a status it does not list, a body that does not fit) are collected in ``problems``.
    """

    def __init__(self, app) -> None:
        # Set once fetched: hooks can only be added before the app handles its first request.
        self.document: dict | None = None
        self.checked: set[tuple[str, str, str]] = set()
        self.problems: list[str] = []
        app.after_request(self._check)

    def _check(self, response):
        request = flask.request
        if self.document is None or request.url_rule is None or request.method in ("HEAD", "OPTIONS"):
            return response  # unknown paths and wrong methods: test_http_errors covers those
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", request.url_rule.rule)
        method = request.method.lower()
        status = str(response.status_code)
        self.checked.add((method, path, status))
        responses = self.document["paths"][path][method]["responses"]
        if status not in responses and response.status_code >= 500:
            status = "default"  # faults are documented once per operation, not status by status
        if status not in responses:
            self.problems.append(f"{method} {path} answered {status}, which the document does not list")
            return response
        content = responses[status].get("content")
        if content is None:
            if response.get_data():
                self.problems.append(f"{method} {path} {status} has a body the document does not describe")
            return response
        # The schema's "#/components/…" refs resolve once the components sit at its root.
        schema = {**content["application/json"]["schema"], "components": self.document["components"]}
        for error in Draft202012Validator(schema).iter_errors(response.get_json()):
            self.problems.append(f"{method} {path} {status}: {error.message} at {list(error.absolute_path)}")
        return response


def test_real_answers_fit_the_documented_schemas(app, client, auth):
    checker = ResponseChecker(app)
    checker.document = client.get(API + "/openapi.json").json
    register(client, "alice", display_name="Alice")
    register(client, "alice")  # 409
    register(client, "al")  # 400
    login(client, "alice", "wrong password")  # 401
    alice = auth("alice", register_first=False)
    bob = auth("bob")
    carol = auth("carol")
    alice.get("/me")
    alice.get("/limits")
    alice.patch("/me", {"visible": True})
    alice.patch("/me", {"visible": "yes"})  # 400
    alice.get("/users", query_string={"q": "b"})
    alice.get("/users", query_string={"q": ""})  # 400
    alice.get(f"/users/{bob.id}")
    alice.get(f"/users/{no_such_id()}")  # 404
    cid = alice.post("/conversations", {"kind": "direct", "user_id": bob.id}).json["conversation"]["id"]
    alice.post("/conversations", {"kind": "direct", "user_id": bob.id})  # 200
    alice.post("/conversations", {"kind": "direct", "user_id": no_such_id()})  # 404
    alice.post("/conversations", {"kind": "direct"})  # 400
    group = alice.post("/conversations", {"kind": "group", "title": "g", "member_ids": [bob.id]})
    gid = group.json["conversation"]["id"]
    client_id = str(uuid.uuid4())
    alice.post(f"/conversations/{cid}/messages", {"client_id": client_id, "text": "hi"})
    alice.post(f"/conversations/{cid}/messages", {"client_id": client_id, "text": "hi"})  # 200
    alice.post(f"/conversations/{gid}/messages", {"client_id": client_id, "text": "hi"})  # 409
    alice.post(f"/conversations/{gid}/messages", {"client_id": client_id, "text": ""})  # 400
    carol.post(f"/conversations/{gid}/messages", {"client_id": client_id, "text": "hi"})  # 404
    alice.get("/conversations")
    alice.get(f"/conversations/{cid}")
    alice.get(f"/conversations/{no_such_id()}")  # 404
    alice.patch(f"/conversations/{gid}", {"title": "h"})
    alice.patch(f"/conversations/{gid}", {"title": ""})  # 400
    alice.patch(f"/conversations/{cid}", {"title": "h"})  # 409
    alice.post(f"/conversations/{gid}/members", {"user_ids": [carol.id]})
    alice.post(f"/conversations/{gid}/members", {"user_ids": []})  # 400
    alice.post(f"/conversations/{cid}/members", {"user_ids": [carol.id]})  # 409
    alice.post(f"/conversations/{gid}/members", {"user_ids": [no_such_id()]})  # 404
    alice.post(f"/conversations/{gid}/read", {"seq": 0})
    alice.post(f"/conversations/{gid}/read", {"seq": -1})  # 400
    alice.get(f"/conversations/{cid}/messages", query_string={"limit": 5})
    alice.get(f"/conversations/{cid}/messages", query_string={"limit": 0})  # 400
    alice.patch(f"/conversations/{cid}/messages/1", {"text": "edited"})
    bob.patch(f"/conversations/{cid}/messages/1", {"text": "edited"})  # 403
    alice.patch(f"/conversations/{cid}/messages/9", {"text": "edited"})  # 404
    alice.post(f"/conversations/{gid}/messages", {"client_id": str(uuid.uuid4()), "text": "@bob pinned"})
    alice.request("PUT", f"/conversations/{gid}/messages/1/pin")
    alice.request("PUT", f"/conversations/{gid}/messages/9/pin")  # 404
    alice.get(f"/conversations/{gid}/pins")
    alice.delete(f"/conversations/{gid}/messages/1/pin")
    to = {"to": [{"conversation_id": cid, "client_id": str(uuid.uuid4())}]}
    alice.post(f"/conversations/{gid}/messages/1/forward", to)  # 201
    alice.post(f"/conversations/{gid}/messages/1/forward", to)  # 200
    alice.post(f"/conversations/{gid}/messages/1/forward", {"to": []})  # 400
    bob.request("PUT", f"/conversations/{gid}/messages/1/hidden")
    bob.get(f"/conversations/{gid}/changes", query_string={"after": 0})
    alice.get(f"/conversations/{gid}/changes", query_string={"after": 0, "limit": 1})
    bob.delete(f"/conversations/{cid}/messages/1")  # 403
    alice.delete(f"/conversations/{cid}/messages/1")
    alice.patch(f"/conversations/{cid}/messages/1", {"text": "again"})  # 409
    bob.delete(f"/conversations/{gid}/members/{alice.id}")  # 403
    alice.delete(f"/conversations/{gid}/members/{no_such_id()}")  # 404
    alice.delete(f"/conversations/{cid}/members/{bob.id}")  # 409
    bob.delete(f"/conversations/{gid}/members/{bob.id}")  # 204
    client.get("/healthz")
    client.get(API + "/openapi.json")
    alice.delete("/me", {"password": "wrong password"})  # 401
    alice.delete("/sessions/current")
    alice.get("/me")  # 401
    bob.delete("/me", {"password": PASSWORD})
    for _ in range(6):
        login(client, "carol", "wrong password")  # 401s, then 429
    client.post(API + "/accounts", data=b"x" * (MAX_JSON_BYTES + 1), content_type="application/json")  # 413
    assert checker.problems == []
    assert len(checker.checked) >= 50
    assert ("post", "/api/v1/sessions", "429") in checker.checked


def test_every_operation_documents_its_errors_in_the_error_shape(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            error = {"$ref": "#/components/schemas/Error"}
            assert responses["default"]["content"]["application/json"]["schema"] == error, (method, path)
            if "requestBody" in operation and "json" in str(operation["requestBody"]["content"]):
                assert responses["413"]["content"]["application/json"]["schema"] == error, (method, path)
            if operation.get("security") != []:
                assert "401" in responses, (method, path)
