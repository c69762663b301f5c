"""GET /limits states what the server enforces, and each stated limit is the one that refuses: a client that
checks against these numbers never sends what will be refused, nor refuses what would be accepted."""

from __future__ import annotations

import uuid

from server.api.schemas import Limits
from server.config import MIB
from tests.server.conftest import API, assert_error


def test_limits_need_a_token(client):
    assert_error(client.get(API + "/limits"), 401, "unauthorized")


def test_the_defaults(alice):
    r = alice.get("/limits")
    assert r.status_code == 200
    assert r.json == {
        "max_message_chars": 10_000,
        "max_upload_bytes": 100 * MIB,
        "max_files_per_message": 10,
        "user_quota_bytes": 2048 * MIB,
        "max_group_members": 256,
        "send_burst": 60,
        "send_rate": 20.0,
    }
    Limits.model_validate(r.json)


def test_configured_limits_are_the_ones_stated(alice, configure):
    configure(max_upload_bytes=3 * MIB, user_quota_bytes=None, send_burst=0)
    limits = alice.get("/limits").json
    assert limits["max_upload_bytes"] == 3 * MIB
    assert limits["user_quota_bytes"] is None
    assert limits["send_burst"] == 0


def test_the_stated_text_limit_counts_code_points_as_the_send_does(alice, bob):
    chat = alice.direct_with(bob)["id"]
    limit = alice.get("/limits").json["max_message_chars"]
    at_limit = "😀" * limit  # two UTF-16 units each: the limit is in code points, not units
    body = {"client_id": str(uuid.uuid4()), "text": at_limit}
    assert alice.post(f"/conversations/{chat}/messages", body).status_code == 201
    body = {"client_id": str(uuid.uuid4()), "text": at_limit + "x"}
    error = assert_error(alice.post(f"/conversations/{chat}/messages", body), 400, "invalid_field")
    assert error["message"] == f"text: must be at most {limit} characters"


def test_the_stated_upload_limit_is_the_one_that_refuses(alice, configure):
    configure(max_upload_bytes=1 * MIB)
    limit = alice.get("/limits").json["max_upload_bytes"]
    r = alice.post("/files?name=a.bin", data=b"x" * limit, content_type="application/octet-stream")
    assert r.status_code == 201
    r = alice.post("/files?name=b.bin", data=b"x" * (limit + 1), content_type="application/octet-stream")
    assert_error(r, 413, "payload_too_large")


def test_the_stated_files_per_message_is_the_one_that_refuses(alice, bob):
    chat = alice.direct_with(bob)["id"]
    limit = alice.get("/limits").json["max_files_per_message"]
    ids = [
        alice.post(f"/files?name={i}.txt", data=b"x", content_type="text/plain").json["file"]["id"]
        for i in range(limit + 1)
    ]
    body = {"client_id": str(uuid.uuid4()), "file_ids": ids}
    error = assert_error(alice.post(f"/conversations/{chat}/messages", body), 400, "invalid_field")
    assert error["field"] == "file_ids"
    body = {"client_id": str(uuid.uuid4()), "file_ids": ids[:limit]}
    assert alice.post(f"/conversations/{chat}/messages", body).status_code == 201
