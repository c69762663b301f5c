"""Forwarded client addresses count only when the operator says a proxy is in front (CHATIDK_PROXY_HOPS)."""

from __future__ import annotations

import pytest

from server import create_app
from server.config import Config

PASSWORD = "correct horse battery"


@pytest.fixture
def make_client(database_url, tmp_path):
    apps = []

    def make(proxy_hops: int):
        app = create_app(
            Config(
                database_url=database_url,
                data_dir=tmp_path,
                bcrypt_rounds=4,
                db_pool_size=2,
                proxy_hops=proxy_hops,
            )
        )
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        app.extensions["chatidk"].db.close()


def _login(client, password, forwarded_for):
    return client.post(
        "/api/v1/sessions",
        json={"username": "alice", "password": password},
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )


def _recorded_address(client, token) -> str:
    sessions = client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {token}"}).json["sessions"]
    return next(s["client_address"] for s in sessions if s["current"])


def test_without_trust_the_header_is_ignored_for_addresses_and_throttling(make_client):
    client = make_client(0)
    client.post("/api/v1/accounts", json={"username": "alice", "password": PASSWORD})
    assert _recorded_address(client, _login(client, PASSWORD, "9.9.9.9").json["token"]) == "10.0.0.1"
    # Failures claiming many addresses all count against the one real address.
    for n in range(Config().login_failures_per_address):
        client.post(
            "/api/v1/sessions",
            json={"username": f"nobody{n}", "password": "wrong password"},
            headers={"X-Forwarded-For": f"9.9.9.{n}"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        )
    assert _login(client, PASSWORD, "8.8.8.8").status_code == 429


def test_with_one_trusted_hop_the_forwarded_address_is_the_client(make_client):
    client = make_client(1)
    client.post("/api/v1/accounts", json={"username": "alice", "password": PASSWORD})
    assert _recorded_address(client, _login(client, PASSWORD, "9.9.9.9").json["token"]) == "9.9.9.9"
    for n in range(Config().login_failures_per_address):
        client.post(
            "/api/v1/sessions",
            json={"username": f"nobody{n}", "password": "wrong password"},
            headers={"X-Forwarded-For": "7.7.7.7"},
            environ_base={"REMOTE_ADDR": "10.0.0.1"},
        )
    assert _login(client, "wrong password", "7.7.7.7").status_code == 429  # that client is throttled
    assert _login(client, PASSWORD, "8.8.8.8").status_code == 201  # another behind the same proxy is not
