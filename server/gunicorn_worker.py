"""gunicorn's gevent worker with a graceful stop that does not wait for connections nobody is using.

Told to stop (SIGTERM: `systemctl stop` or `restart`, the old workers of a HUP reload), gunicorn's worker
stops accepting and then waits up to graceful_timeout for every connection to end. A connection idle in
keep-alive (a browser or a client's pool between two requests) does not end by itself before the keep-alive
timeout (30 s), and an open WebSocket never does: so every stop took the whole graceful_timeout (10 s) and
then cut the WebSockets off without a close frame. Here, when the stop begins:

- a connection waiting for its next request after a first one is closed at once, the way its keep-alive
  timeout would close it (and so is one that comes back to that wait later, after its last response);
- a new connection waiting for its first request gets NEW_CONNECTION_GRACE seconds from its opening to
  send it, as Go's http.Server.Shutdown gives: the worker still accepts for up to a second after the
  signal, and a request on its way over a connection just opened is answered, not dropped;
- every WebSocket is closed with 1001 ("going away", server.stop_serving), so its client reconnects to
  this process's successor or another process and catches up;
- a request in progress (an upload, a long response) runs to its end within graceful_timeout as before,
  and its connection closes after the response.
"""

from __future__ import annotations

import time
from types import FrameType, TracebackType
from typing import Any

import gevent
from gevent.hub import get_hub
from gunicorn.workers.ggevent import GeventWorker

from server import stop_serving

NEW_CONNECTION_GRACE = 5.0


def delay_before_closing(first_request: bool, waited: float) -> float:
    """Seconds a connection that has waited ``waited`` s for a request may wait on once the stop begins."""
    return max(0.0, NEW_CONNECTION_GRACE - waited) if first_request else 0.0


class RequestLineWait:
    """One connection's wait for its next request: gunicorn's keep-alive timeout (``AsyncWorker.handle``
    reads each request inside ``timeout_ctx()``, a ``gevent.Timeout(keepalive, False)``), which a stopping
    worker makes expire early.

    Expiring early raises the same Timeout, so gunicorn sees an expired keep-alive: no request, the
    connection closed. The raise comes from the event loop and only while the connection is still in the
    wait: one that has read a request meanwhile goes on to serve it.
    """

    def __init__(
        self, seconds: float, waiting: set[RequestLineWait], *, first_request: bool, stopping: bool
    ) -> None:
        # False: expiry raises nothing past the with block (gevent documents it; its hints omit it).
        self._timeout = gevent.Timeout(seconds, False)  # type: ignore[arg-type]
        self._waiting = waiting
        self._first_request = first_request
        self._stopping = stopping
        self._greenlet: Any = None
        self._started = 0.0
        self._closer: Any = None  # the event loop's timer that ends the wait for the stop

    def __enter__(self) -> RequestLineWait:
        self._greenlet = gevent.getcurrent()
        self._started = time.monotonic()
        self._timeout.start()
        self._waiting.add(self)
        if self._stopping:
            self.stop_waiting()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> bool:
        self._waiting.discard(self)
        if self._closer is not None:
            self._closer.close()
        # gevent.Timeout's own exit: it closes the timer and swallows its own expiry (exception False).
        return bool(self._timeout.__exit__(kind, value, tb))

    def stop_waiting(self) -> None:
        """The worker is stopping: expire now, or a new connection once its grace is over. Never blocks."""
        if self._closer is not None:
            return
        delay = delay_before_closing(self._first_request, time.monotonic() - self._started)
        self._closer = get_hub().loop.timer(delay)
        self._closer.start(self._expire_if_waiting)

    def _expire_if_waiting(self) -> None:
        if self in self._waiting:  # its greenlet is still parked in the wait (nothing runs beside the loop)
            self._greenlet.throw(self._timeout)


class ChatWorker(GeventWorker):
    """The gevent worker of `python -m server` and of packaging/server/gunicorn.conf.py."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request_line_waits: set[RequestLineWait] = set()
        self._new_connections: set[Any] = set()  # the greenlets of connections yet to wait for a request

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        connection = gevent.getcurrent()
        self._new_connections.add(connection)
        try:
            super().handle(listener, client, addr)
        finally:
            self._new_connections.discard(connection)

    def timeout_ctx(self) -> RequestLineWait:  # type: ignore[override]  # gunicorn hints it as None
        connection = gevent.getcurrent()
        first_request = connection in self._new_connections
        self._new_connections.discard(connection)
        return RequestLineWait(
            self.cfg.keepalive, self._request_line_waits, first_request=first_request, stopping=not self.alive
        )

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)  # alive = False: the run loop stops accepting within a second
        # Out of the signal handler, as GeventWorker.handle_quit does.
        gevent.spawn(self._stop_idle_and_live)

    def _stop_idle_and_live(self) -> None:
        waiting = list(self._request_line_waits)
        for wait in waiting:
            wait.stop_waiting()
        app = getattr(self, "wsgi", None)  # set once the app is loaded
        sockets = stop_serving(app) if app is not None else 0
        self.log.info(
            "Stopping: closing %d connections waiting for a request and %d WebSockets (1001)",
            len(waiting),
            sockets,
        )
