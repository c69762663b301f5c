"""A stop (SIGTERM, as systemd sends it) waits only for work in progress (server/gunicorn_worker.py).

Before, a connection idle in keep-alive held every stop for the whole graceful timeout (10 s), and open
WebSockets were then cut off without a close frame. The test asserts the order of events and the reason
the server gives for its exit, not times: the idle connection and the WebSocket are closed while a request
is still waiting for its body, that request is then answered, a connection that never sent a request is
closed after its grace, and the worker exits without reaching its graceful timeout.
"""

from __future__ import annotations

import json
import socket

from tests.support.api import PASSWORD, ApiClient
from tests.support.events import EventStream
from tests.support.server_process import ServerProcess

GENEROUS = 60  # seconds; a busy machine is slower, a broken stop never sends what is awaited


def _read_until(conn: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = conn.recv(65536)
        assert chunk, f"closed before {marker!r}; got {data!r}"
        data += chunk
    return data


def _read_to_end(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


def _idle_keep_alive_connection(server: ServerProcess) -> socket.socket:
    """A connection answered once and open for its next request, as a client's pool keeps it."""
    conn = socket.create_connection(("127.0.0.1", server.port), timeout=GENEROUS)
    conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: chatidk\r\n\r\n")
    head, _, body = _read_until(conn, b"\r\n\r\n").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and b"connection: close" not in head.lower()
    lines = head.lower().split(b"\r\n")
    (length,) = [int(line[15:]) for line in lines if line.startswith(b"content-length:")]
    while len(body) < length:
        body += conn.recv(65536)
    return conn


def test_a_stop_closes_idle_connections_and_sockets_at_once_and_lets_a_request_in_flight_finish(
    server_factory,
):
    server = server_factory(extra_env={"CHATIDK_LOG_LEVEL": "info"})
    alice = ApiClient(server.url, "alice")
    alice.session.close()
    stream = EventStream(server.ws_url, alice.token)
    idle = _idle_keep_alive_connection(server)
    unused = socket.create_connection(("127.0.0.1", server.port), timeout=GENEROUS)  # never sends a request
    body = json.dumps({"username": "bob", "password": PASSWORD}).encode()
    in_flight = socket.create_connection(("127.0.0.1", server.port), timeout=GENEROUS)
    in_flight.sendall(
        b"POST /api/v1/accounts HTTP/1.1\r\nHost: chatidk\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n".encode()
    )
    # Sent once the server has read the headers and begun the request: it is in progress from here.
    assert _read_until(in_flight, b"\r\n\r\n").startswith(b"HTTP/1.1 100 Continue")
    try:
        server.terminate()
        assert idle.recv(1) == b""  # closed, not left to the end of the graceful timeout
        assert stream.closed.wait(GENEROUS)
        assert stream.close_code == 1001  # going away: reconnect and catch up
        in_flight.sendall(body)  # only now: the request was still waiting for its body
        answer = _read_to_end(in_flight)  # and its connection closes after the answer
        assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
        assert unused.recv(1) == b""  # after its grace for a first request (NEW_CONNECTION_GRACE)
        assert server.wait(GENEROUS) == 0
    finally:
        for conn in (idle, unused, in_flight):
            conn.close()
        stream.close()
    log = server.log()
    assert "Stopping: closing 2 connections waiting for a request and 1 WebSockets (1001)" in log
    assert "graceful timeout" not in log, log
