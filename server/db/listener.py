"""The LISTEN side of LISTEN/NOTIFY: one connection that finds out within seconds when it is dead.

select() on an idle socket never notices a silent network cut, a hung server or a backend that was stopped:
nothing arrives, so nothing happens. So the connection is asynchronous (psycopg2 ``async_``: every wait has
a deadline, with or without gevent), a quiet connection is probed with ``SELECT 1`` that must answer within
``probe_timeout`` seconds, and TCP keepalives are on for connections over the network. A connection that
fails in any way raises :class:`ListenerGone`; the caller reconnects.
"""

from __future__ import annotations

import json
import os
import select
import time
from typing import Any

import psycopg2
import psycopg2.extensions

from server.db import Cursor

APPLICATION_NAME = "chatidk-listener"

# TCP only (libpq ignores them on Unix sockets): a peer that vanished is noticed after ~5 + 3 × 2 s of
# silence, and data unacknowledged for 10 s breaks the connection too.
_TCP_OPTIONS: dict[str, Any] = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}


class ListenerGone(Exception):
    """The LISTEN connection could not be opened, broke, or stopped answering."""


_PAYLOAD_ENCODER = json.JSONEncoder(separators=(",", ":"))  # one for all: json.dumps makes one a call


def notify_txn(cur: Cursor, channel: str, payload: dict) -> None:
    """NOTIFY ``payload`` on ``channel`` with the cursor's COMMIT (delivered only if that commit succeeds)."""
    cur.defer("SELECT pg_notify(%s, %s)", (channel, _PAYLOAD_ENCODER.encode(payload)))


class Listener:
    def __init__(
        self, url: str, channel: str, *, probe_every: float, probe_timeout: float, connect_timeout: float = 10
    ) -> None:
        self._url = url
        self._channel = channel
        self._probe_every = probe_every
        self._probe_timeout = probe_timeout
        self._connect_timeout = connect_timeout
        self._conn: psycopg2.extensions.connection | None = None
        self._heard = 0.0  # monotonic time the server last said anything

    def open(self) -> None:
        """Connect and LISTEN; returns once listening."""
        try:
            self._conn = psycopg2.connect(
                self._url,
                async_=True,
                application_name=f"{APPLICATION_NAME} {os.getpid()}",
                connect_timeout=int(self._connect_timeout),
                **_TCP_OPTIONS,
            )
            self._wait(self._connect_timeout, "connecting")
            self._run(f'LISTEN "{self._channel}"', self._connect_timeout)
        except psycopg2.Error as exc:
            raise ListenerGone(str(exc).strip() or type(exc).__name__) from exc

    def receive(self) -> list[str]:
        """The payloads that arrived, waiting up to ``probe_every`` seconds; a quiet connection is probed."""
        conn = self._connection()
        try:
            ready, _, _ = select.select([conn], [], [], self._probe_every)
            if ready:
                conn.poll()  # reads what came; raises if the server closed the connection
                self._heard = time.monotonic()
            elif time.monotonic() - self._heard >= self._probe_every:
                self._run("SELECT 1", self._probe_timeout)
            payloads = [note.payload for note in conn.notifies]
            conn.notifies.clear()
            return payloads
        except (psycopg2.Error, OSError, ValueError) as exc:  # ValueError: select() on a closed socket
            raise ListenerGone(str(exc).strip() or type(exc).__name__) from exc

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> psycopg2.extensions.connection:
        if self._conn is None or self._conn.closed:
            raise ListenerGone("not connected")
        return self._conn

    def _run(self, sql: str, timeout: float) -> None:
        conn = self._connection()
        with conn.cursor() as cur:
            cur.execute(sql)
            self._wait(timeout, sql)

    def _wait(self, timeout: float, doing: str) -> None:
        """Drive the asynchronous connection until the current step is done, within ``timeout`` seconds."""
        conn = self._connection()
        deadline = time.monotonic() + timeout
        while True:
            state = conn.poll()
            if state == psycopg2.extensions.POLL_OK:
                self._heard = time.monotonic()
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ListenerGone(f"no answer within {timeout:g} s ({doing})")
            if state == psycopg2.extensions.POLL_READ:
                select.select([conn], [], [], remaining)
            elif state == psycopg2.extensions.POLL_WRITE:
                select.select([], [conn], [], remaining)
            else:  # pragma: no cover - psycopg2 documents no other state
                raise ListenerGone(f"unexpected connection state {state}")
