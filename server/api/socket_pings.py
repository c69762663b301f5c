"""One thread paces the pings of every open WebSocket of the process: reading a socket is a plain ``recv``.

simple-websocket pings from each socket's reading thread, which therefore waits for data through a selector
with the next ping as its timeout: under gevent that selector costs ≈15 µs a received frame, data ready or
not (a socket pair: send + select + recv 18.4 µs against send + recv 3.9). Here one thread wakes every
``TICK_SECONDS`` and, for each socket whose ``ping_interval`` has passed since its last ping, starts a
thread (a greenlet) that pings it, or closes it with 1008 when its last ping went unanswered meanwhile, as
simple-websocket does: a client that stopped reading blocks only its own ping. A ping is due
``ping_interval`` after the previous one, as there, and may go out up to a tick late.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any

from wsproto.events import Ping

from server.api.socket_lock import close_from_here, write_lock

TICK_SECONDS = 1.0
CLOSE_SEND_SECONDS = 5.0
_UNANSWERED = "Ping/Pong timeout"  # simple-websocket's words
POLICY_VIOLATION = 1008


class Pings:
    def __init__(self, tick: float = TICK_SECONDS) -> None:
        self._tick = tick
        self._due: dict[Any, float] = {}  # simple-websocket Server -> when its next ping is due
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, ws: Any) -> None:
        """Ping ``ws`` (a simple-websocket Server with a ``ping_interval``) from now on."""
        with self._lock:
            self._due[ws] = time.monotonic() + ws.ping_interval
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ws-pings", daemon=True)
                self._thread.start()

    def forget(self, ws: Any) -> None:
        with self._lock:
            self._due.pop(ws, None)

    def _run(self) -> None:
        while True:
            time.sleep(self._tick)
            now = time.monotonic()
            with self._lock:
                due = [ws for ws, at in self._due.items() if at <= now]
                for ws in due:  # not due again until this ping has had its interval
                    self._due[ws] = max(now, self._due[ws]) + ws.ping_interval
            for ws in due:
                # A thread each (a greenlet under gevent): a socket whose client stopped reading blocks
                # only its own ping, not every other socket's.
                threading.Thread(target=self._ping, args=(ws,), name="ws-ping", daemon=True).start()

    def _ping(self, ws: Any) -> None:
        if not ws.connected:
            self.forget(ws)
            return
        if not ws.pong_received:
            self.forget(ws)
            close_unanswered(ws)
            return
        ws.pong_received = False
        try:
            with write_lock(ws):
                ws.sock.sendall(ws.ws.send(Ping()))
        except OSError:
            self.forget(ws)  # the reading thread finds the socket gone and ends it


def close_unanswered(ws: Any) -> None:
    """Close ``ws`` (1008) for a ping it did not answer; its reading thread's ``recv`` then returns.

    A client that stopped reading may have filled the socket's buffer: the close frame gets
    ``CLOSE_SEND_SECONDS`` to wait for the write lock and as long to go (the socket is being closed, so
    its timeout may change), then the connection is shut down whatever happened, which also ends any
    write still blocked on it."""
    ws.sock.settimeout(CLOSE_SEND_SECONDS)
    close_from_here(ws, POLICY_VIOLATION, _UNANSWERED, wait=CLOSE_SEND_SECONDS)  # not behind a stuck write
    with contextlib.suppress(OSError):
        ws.sock.shutdown(socket.SHUT_RDWR)


PINGS = Pings()
