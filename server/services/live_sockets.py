"""The WebSockets open in this process: each one's bounded queue of frames, and who owns which."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

QUEUE_LIMIT = 5000


# One encoder for every frame: json.dumps with settings of its own builds a JSONEncoder per call (≈3 µs).
_FRAME_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def encode_frame(payload: dict) -> str:
    """A frame as it goes on the wire: compact JSON, non-ASCII text as is."""
    return _FRAME_ENCODER.encode(payload)


@dataclass(eq=False)
class Connection:
    """One open WebSocket: its owner, and the frames waiting to be sent to it (None asks to close)."""

    user_id: int
    session_id: int
    socket_id: int = 0  # its presence row
    away: bool = False  # as its client last said (a presence frame that changes nothing is dropped)
    frames: queue.Queue[str | None] = field(default_factory=lambda: queue.Queue(maxsize=QUEUE_LIMIT))
    close_code: int | None = None

    def push(self, frame: str) -> bool:
        try:
            self.frames.put_nowait(frame)
            return True
        except queue.Full:
            return False

    def take_queued(self, limit: int) -> tuple[list[str], bool]:
        """Up to ``limit`` frames already queued, without waiting, and whether a close (None) was among
        them; nothing queued after that close is taken."""
        taken: list[str] = []
        while len(taken) < limit:
            try:
                frame = self.frames.get_nowait()
            except queue.Empty:
                break
            if frame is None:
                return taken, True
            taken.append(frame)
        return taken, False

    def close(self, code: int = 1000) -> None:
        """Ask the socket's sender loop to close; never blocks."""
        if self.close_code is None:
            self.close_code = code
        # When the queue is full the sender loop still sees close_code after the next frame.
        with contextlib.suppress(queue.Full):
            self.frames.put_nowait(None)


class LocalSockets:
    """The registry of this process's open sockets by user; every method is safe from any thread."""

    def __init__(self) -> None:
        self._by_user: dict[int, set[Connection]] = {}
        self._lock = threading.Lock()

    def add(self, conn: Connection) -> None:
        with self._lock:
            self._by_user.setdefault(conn.user_id, set()).add(conn)

    def remove(self, conn: Connection) -> None:
        with self._lock:
            conns = self._by_user.get(conn.user_id)
            if conns is not None:
                conns.discard(conn)
                if not conns:
                    del self._by_user[conn.user_id]

    def is_empty(self) -> bool:
        with self._lock:
            return not self._by_user

    def of_users(self, user_ids: Iterable[int]) -> list[Connection]:
        """The sockets here of any of ``user_ids`` (most users of a batch have none here)."""
        with self._lock:
            return [c for uid in user_ids for c in self._by_user.get(uid, ())]

    def all(self) -> list[Connection]:
        with self._lock:
            return [c for conns in self._by_user.values() for c in conns]
