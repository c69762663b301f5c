"""The one lock every write to a WebSocket takes, so that frames from different threads never interleave;
and the close this server sends itself (a broken rule, an unanswered ping), which takes it.

A socket is written by its writer (the events it is sent, server/api/socket_writer.py), by its reading
thread (pongs, a close in answer; server/api/socket_reader.py) and by the ping threads
(server/api/socket_pings.py). A frame too big for the socket's buffer goes out in several writes, and
another thread's ping written between two of them would land inside that frame and garble the stream. Each
of them therefore writes a frame whole while holding this lock.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from wsproto.events import CloseConnection


def write_lock(ws: Any) -> threading.Lock:
    """The write lock of ``ws`` (a simple-websocket Server), made on first use."""
    lock = ws.__dict__.get("chatidk_write_lock")
    if lock is None:
        # setdefault is atomic: two threads asking at once get the same lock.
        lock = ws.__dict__.setdefault("chatidk_write_lock", threading.Lock())
    return lock


def close_from_here(ws: Any, code: int, reason: str, wait: float | None = None) -> None:
    """Send ``ws`` a close frame (``code``, ``reason``) and mark it closed, as simple-websocket records a
    close. ``wait``: the most seconds to wait for the write lock (None: as long as it takes); past it the
    close frame is not sent, and only the marking is done."""
    lock = write_lock(ws)
    if lock.acquire(timeout=-1 if wait is None else wait):
        try:
            with contextlib.suppress(OSError):
                ws.sock.sendall(ws.ws.send(CloseConnection(code=code, reason=reason)))
        finally:
            lock.release()
    ws.close_reason, ws.close_message = code, reason
    ws.connected = False
    ws.event.set()
