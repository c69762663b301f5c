"""The one lock every write to a WebSocket takes, so that frames from different threads never interleave.

A socket is written by its writer (the events it is sent, server/api/socket_writer.py), by its reading
thread (pongs, a close in answer; server/api/socket_reader.py) and by the ping threads
(server/api/socket_pings.py). A frame too big for the socket's buffer goes out in several writes, and
another thread's ping written between two of them would land inside that frame and garble the stream. Each
of them therefore writes a frame whole while holding this lock.
"""

from __future__ import annotations

import threading
from typing import Any


def write_lock(ws: Any) -> threading.Lock:
    """The write lock of ``ws`` (a simple-websocket Server), made on first use."""
    lock = ws.__dict__.get("chatidk_write_lock")
    if lock is None:
        # setdefault is atomic: two threads asking at once get the same lock.
        lock = ws.__dict__.setdefault("chatidk_write_lock", threading.Lock())
    return lock
