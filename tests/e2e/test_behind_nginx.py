"""The shipped nginx sample, for real, in front of two server processes sharing one database."""

from __future__ import annotations

import shutil
import socket
import ssl
import uuid

import psycopg2
import pytest
import requests
import websocket
from requests.adapters import HTTPAdapter
from urllib3 import PoolManager

from tests.support.nginx import Nginx, nginx_binary

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        nginx_binary() is None, reason="nginx is not installed (./test.sh installs it as root)"
    ),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed for the test certificate"),
]
PASSWORD = "correct horse battery"


class _FromAddress(HTTPAdapter):
    """Connect from a chosen loopback address, so nginx sees distinct clients."""

    def __init__(self, address: str) -> None:
        self._address = address
        super().__init__()

    def init_poolmanager(self, connections, maxsize, block=False, **kwargs):
        self.poolmanager = PoolManager(
            num_pools=connections, maxsize=maxsize, block=block, source_address=(self._address, 0), **kwargs
        )


class Client:
    def __init__(
        self, proxy: Nginx, username: str, address: str = "127.0.0.1", register: bool = True
    ) -> None:
        self.http = requests.Session()
        self.http.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment overrides verify
        self.http.verify = str(proxy.cert)
        self.http.mount("https://", _FromAddress(address))
        self.api = proxy.url + "/api/v1"
        if register:
            assert (
                self.http.post(
                    self.api + "/accounts", json={"username": username, "password": PASSWORD}
                ).status_code
                == 201
            )
        r = self.http.post(self.api + "/sessions", json={"username": username, "password": PASSWORD})
        assert r.status_code == 201, r.text
        self.token, self.id = r.json()["token"], r.json()["user"]["id"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"


@pytest.fixture
def proxy(server_factory, tmp_path, live_server):
    # live_server is one process already; a second one, both trusting one proxy hop.
    first = server_factory(extra_env={"CHATIDK_PROXY_HOPS": "1"})
    second = server_factory(extra_env={"CHATIDK_PROXY_HOPS": "1"})
    run_dir = tmp_path / "nginx-run"
    run_dir.mkdir()
    nginx = Nginx(run_dir, [first.port, second.port]).start()
    yield nginx
    nginx.stop()


def test_clients_on_either_process_see_each_others_messages_live(proxy, database_url):
    alice, bob = Client(proxy, "alice"), Client(proxy, "bob")
    conversation = alice.http.post(
        alice.api + "/conversations", json={"kind": "direct", "user_id": bob.id}
    ).json()["conversation"]["id"]
    sslopt = {"ca_certs": str(proxy.cert)}
    # Several sockets each, so that nginx's round robin lands them on both processes.
    sockets = {
        name: [
            websocket.create_connection(
                proxy.ws_url, header=[f"Authorization: Bearer {c.token}"], sslopt=sslopt, timeout=30
            )
            for _ in range(3)
        ]
        for name, c in (("alice", alice), ("bob", bob))
    }
    try:
        for sockets_of in sockets.values():
            for ws in sockets_of:
                assert '"hello"' in ws.recv()
        conn = psycopg2.connect(database_url)
        with conn, conn.cursor() as cur:
            cur.execute("SELECT count(DISTINCT process_key) FROM presence_sockets")
            assert cur.fetchone()[0] == 2, "the sockets should be spread over both processes"
        conn.close()
        sent = alice.http.post(
            f"{alice.api}/conversations/{conversation}/messages",
            json={"client_id": str(uuid.uuid4()), "text": "through nginx"},
        )
        assert sent.status_code == 201
        for ws in sockets["bob"]:
            while True:
                frame = ws.recv()
                if '"message.created"' in frame:
                    assert "through nginx" in frame
                    break
    finally:
        for sockets_of in sockets.values():
            for ws in sockets_of:
                ws.close()
        alice.http.close()
        bob.http.close()


def test_server_records_the_real_client_address_and_ignores_spoofed_headers(proxy):
    Client(proxy, "alice").http.close()
    carol = Client(proxy, "alice", address="127.0.0.7", register=False)
    spoofed = carol.http.get(carol.api + "/sessions", headers={"X-Forwarded-For": "6.6.6.6"}).json()
    addresses = {s["client_address"] for s in spoofed["sessions"]}
    assert "127.0.0.7" in addresses and "6.6.6.6" not in addresses
    r = carol.http.post(
        carol.api + "/sessions",
        json={"username": "alice", "password": PASSWORD},
        headers={"X-Forwarded-For": "6.6.6.6"},
    )
    assert r.status_code == 201
    sessions = carol.http.get(carol.api + "/sessions").json()["sessions"]
    assert "6.6.6.6" not in {s["client_address"] for s in sessions}
    carol.http.close()


def test_oversized_bodies_are_refused_by_nginx(proxy):
    context = ssl.create_default_context(cafile=str(proxy.cert))
    with (
        socket.create_connection(("127.0.0.1", proxy.https_port), timeout=30) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        tls.sendall(
            b"POST /api/v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 104857601\r\n\r\n{"
        )
        assert tls.recv(200).startswith(b"HTTP/1.1 413")


def test_plain_http_is_redirected_to_https(proxy):
    r = requests.get(f"http://127.0.0.1:{proxy.http_port}/healthz", allow_redirects=False, timeout=30)
    assert r.status_code == 301 and r.headers["Location"].startswith("https://")
