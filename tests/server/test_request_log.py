"""The request log: one structured line per request, and never a secret."""

from __future__ import annotations

import logging


def test_one_line_per_request_without_tokens_passwords_or_queries(client, caplog):
    caplog.set_level(logging.INFO, logger="server.access")
    client.post("/api/v1/accounts", json={"username": "alice", "password": "secret password 1"})
    token = client.post("/api/v1/sessions", json={"username": "alice", "password": "secret password 1"}).json[
        "token"
    ]
    client.get("/api/v1/users?q=private-search", headers={"Authorization": f"Bearer {token}"})
    lines = [r.getMessage() for r in caplog.records if r.name == "server.access"]
    assert len(lines) == 3
    assert lines[0].startswith("request method=POST path=/api/v1/accounts status=201 ms=")
    assert "path=/api/v1/users status=200" in lines[2]
    everything = "\n".join(lines)
    for secret in (token, "secret password 1", "private-search"):
        assert secret not in everything
