"""Errors outside the routes' rules: unknown paths, wrong methods, huge bodies. Always JSON, never a trace."""

from __future__ import annotations

import re

from server.limits import MAX_JSON_BYTES
from tests.server.conftest import API, PASSWORD, assert_error

UNKNOWN_PATHS = [
    "/",
    "/api",
    "/api/v1",
    "/api/v1/nope",
    "/api/v2/me",
    "/api/v1/conversations/1/nope",
    "/api/v1/conversations/abc",
    "/api/v1/conversations/0",
    "/api/v1/conversations/-1",
    "/api/v1/conversations/01",
    "/api/v1/conversations/9223372036854775808",
    "/api/v1/conversations/1/messages/0",
    "/static/x.js",
    "/api/v1/../../etc/passwd",
    "/api/v1/%00",
]


def test_unknown_paths_are_json_404(client, alice):
    for path in UNKNOWN_PATHS:
        for headers in ({}, alice.headers):
            assert_error(client.get(path, headers=headers), 404, "not_found", case=path)


def concrete_paths(app) -> list[str]:
    """Every rule of the app with its integer ids filled in (the WebSocket route aside: it has its own tests).

    Rules whose parameters are not plain ids (say, an opaque file id) are left to their own tests.
    """
    adapter = app.url_map.bind("localhost")
    paths = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "events.events"):
            continue
        path = re.sub(r"<[^>]+>", "1", rule.rule)
        if adapter.allowed_methods(path):
            paths.add(path)
    return sorted(paths)


def test_wrong_methods_are_json_405_with_allow_on_every_route(app, client, alice):
    adapter = app.url_map.bind("localhost")
    paths = concrete_paths(app)
    assert len(paths) >= 15
    for path in paths:
        allowed = set(adapter.allowed_methods(path))
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - allowed:
            for headers in ({}, alice.headers):
                r = client.open(path, method=method, headers=headers, json={})
                assert_error(r, 405, "method_not_allowed", case=(method, path))
                assert allowed <= set(r.headers["Allow"].replace(" ", "").split(",")), (method, path)


def test_post_on_healthz_is_405(client):
    assert_error(client.post("/healthz"), 405, "method_not_allowed")


def test_a_body_over_one_mebibyte_is_json_413(client, alice):
    big = b'{"text": "' + b"x" * MAX_JSON_BYTES + b'"}'
    for method, path in [
        ("POST", "/accounts"),
        ("POST", "/sessions"),
        ("POST", "/conversations"),
        ("PATCH", "/me"),
    ]:
        r = client.open(
            API + path, method=method, data=big, content_type="application/json", headers=alice.headers
        )
        assert_error(r, 413, "payload_too_large", case=path)
    assert alice.whoami() == alice.me


def test_a_body_of_exactly_one_mebibyte_is_read(client):
    body = b'{"username": "alice", "password": "' + PASSWORD.encode() + b'"}'
    padded = body + b" " * (MAX_JSON_BYTES - len(body))
    assert len(padded) == MAX_JSON_BYTES
    r = client.post(API + "/accounts", data=padded, content_type="application/json")
    assert r.status_code == 201


def test_a_message_of_the_longest_text_fits_well_under_the_body_limit(alice, bob):
    cid = alice.direct_with(bob)["id"]
    # 10,000 four-byte emoji written as JSON surrogate escapes: 120 kB, still far under 1 MiB.
    escaped = "\\ud83d\\ude00" * 10_000
    body = ('{"client_id": "6f0c1a86-4c1a-4d5e-9b76-1e2f3a4b5c6d", "text": "' + escaped + '"}').encode()
    r = alice.post(f"/conversations/{cid}/messages", data=body, content_type="application/json")
    assert r.status_code == 201
    assert r.json["message"]["text"] == "😀" * 10_000


def test_server_faults_answer_a_generic_json_500(app, client, alice, monkeypatch):
    from server.services import conversations

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail: password=hunter2 at /srv/chatidk/server.py line 12")

    monkeypatch.setattr(conversations, "page_mine", broken)
    r = client.get(API + "/conversations", headers=alice.headers)
    error = assert_error(r, 500, "internal_error")
    assert "hunter2" not in r.get_data(as_text=True)
    assert "RuntimeError" not in r.get_data(as_text=True)
    assert error["message"] == "internal server error"


def test_errors_are_json_even_when_the_client_asks_for_html(client):
    r = client.get(API + "/nope", headers={"Accept": "text/html"})
    assert_error(r, 404, "not_found")
