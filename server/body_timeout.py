"""A deadline on reading request bodies, so a client trickling one byte at a time cannot hold a connection.

A body must arrive at 256 KiB per ``CHATIDK_BODY_TIMEOUT`` seconds on average, with that many seconds of
grace: a JSON body within the timeout, a 100 MB upload within 400 times it (about 9 KB/s at the default of
30 s). A body that falls behind gets ``408 request_timeout`` and its connection is closed. Enforced under
gevent (the deployed server), where each read runs under a ``gevent.Timeout``; elsewhere (Flask's test
client) reads are passed through unchanged. Request headers are bounded by gunicorn's keep-alive timeout.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterable

from server.errors import RequestTimeout

PACE_BYTES = 256 * 1024
_TIMED_OUT = "chatidk.body_timed_out"


def _gevent_timeout():
    try:
        from gevent import Timeout, monkey
    except ImportError:  # pragma: no cover - gevent is a server dependency
        return None
    return Timeout if monkey.is_module_patched("socket") else None


class DeadlineReader:
    """``wsgi.input`` with a deadline that grows with the bytes asked for (see the module docstring)."""

    def __init__(self, stream, environ: dict, seconds: float, timeout_class) -> None:
        self._stream = stream
        self._environ = environ
        self._seconds = seconds
        self._timeout_class = timeout_class
        self._started = time.monotonic()
        self._received = 0

    def _call(self, want: int, read: Callable[[], bytes]) -> bytes:
        deadline = self._started + self._seconds * (1 + (self._received + max(want, 0)) / PACE_BYTES)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            self._give_up()
        timer = self._timeout_class(remaining)
        timer.start()
        try:
            data = read()
        except self._timeout_class as exc:
            if exc is not timer:
                raise
            self._give_up()
        finally:
            timer.close()
        self._received += len(data)
        return data

    def _give_up(self):
        self._environ[_TIMED_OUT] = True
        raise RequestTimeout(
            f"the request body arrived too slowly (at least {PACE_BYTES // 1024} KiB every "
            f"{self._seconds:g} seconds); try again on a better connection"
        )

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            chunks = []
            while chunk := self.read(PACE_BYTES):
                chunks.append(chunk)
            return b"".join(chunks)
        return self._call(size, lambda: self._stream.read(size))

    def readline(self, size: int | None = -1) -> bytes:
        want = size if size is not None and size >= 0 else PACE_BYTES
        return self._call(want, lambda: self._stream.readline(size))

    def readlines(self, hint: int = -1) -> list[bytes]:
        return list(iter(self.readline, b""))

    def __iter__(self):
        return iter(self.readline, b"")


class _CloseAfter:
    """The response, then a closed connection: the rest of a slow body is never waited for."""

    def __init__(self, body: Iterable[bytes], environ: dict) -> None:
        self._body = body
        self._environ = environ

    def __iter__(self):
        return iter(self._body)

    def close(self) -> None:
        if hasattr(self._body, "close"):
            self._body.close()
        sock = self._environ.get("gunicorn.socket")
        if self._environ.get(_TIMED_OUT) and sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class BodyDeadline:
    """WSGI middleware installing :class:`DeadlineReader` on every request with a body."""

    def __init__(self, app: Callable, seconds: float) -> None:
        self._app = app
        self._seconds = seconds

    def __call__(self, environ: dict, start_response: Callable):
        timeout_class = _gevent_timeout()
        if timeout_class is None:
            return self._app(environ, start_response)
        environ["wsgi.input"] = DeadlineReader(environ["wsgi.input"], environ, self._seconds, timeout_class)
        return _CloseAfter(self._app(environ, start_response), environ)
