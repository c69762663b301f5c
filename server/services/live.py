"""The live-event hub of one server process: which sockets are open here, and what each must receive.

Events arrive from the broker as ids and become frames in server/services/live_dispatch.py. Each socket has
a bounded queue of frames; a socket that falls too far behind is closed, and its client reconnects and
catches up. When events may have been missed (the LISTEN connection broke), every socket is closed with 1012.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import threading
from dataclasses import dataclass, field

from server.db import Database
from server.services import events, presence
from server.services.broker import Broker
from server.services.live_dispatch import CLOSE_REVOKED, LiveDispatch

log = logging.getLogger(__name__)

__all__ = ["CLOSE_REVOKED", "Connection", "Hub"]

_QUEUE_LIMIT = 5000


@dataclass(eq=False)
class Connection:
    """One open WebSocket: its owner, and the frames waiting to be sent to it."""

    user_id: int
    session_id: int
    socket_id: int = 0  # its presence row
    frames: queue.Queue = field(default_factory=lambda: queue.Queue(maxsize=_QUEUE_LIMIT))
    close_code: int | None = None

    def push(self, frame: str) -> bool:
        try:
            self.frames.put_nowait(frame)
            return True
        except queue.Full:
            return False

    def close(self, code: int = 1000) -> None:
        """Ask the socket's sender loop to close; never blocks."""
        if self.close_code is None:
            self.close_code = code
        # When the queue is full the sender loop still sees close_code after the next frame.
        with contextlib.suppress(queue.Full):
            self.frames.put_nowait(None)


def _frame(payload: dict) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


class Hub(LiveDispatch):
    def __init__(self, db: Database, broker: Broker, instance: str = "local") -> None:
        super().__init__()
        self._db = db
        self._broker = broker
        self._by_user: dict[int, set[Connection]] = {}
        self._lock = threading.Lock()
        # Forked by the gunicorn master (the parent): its presence sweep recognises these rows as its own.
        self.process_key = presence.process_key(instance, os.getppid(), os.getpid())
        self._typing = presence.TypingThrottle()
        self._stop = threading.Event()
        self._heartbeats: threading.Thread | None = None

    # ---- sockets --------------------------------------------------------------------------------------

    def _start(self) -> None:
        self._broker.start(self.dispatch, self.drop_everyone)
        with self._lock:
            if self._heartbeats is None:
                self._heartbeats = threading.Thread(
                    target=presence.run_heartbeats,
                    args=(self._db, self._broker, self.process_key, self._stop),
                    name="presence-heartbeats",
                    daemon=True,
                )
                self._heartbeats.start()

    def connect(self, user_id: int, session_id: int) -> Connection:
        """Register a socket; returns once this process is listening, so nothing committed later is missed.

        Registered first and then waiting for the listener: should the LISTEN connection break in between,
        the socket is either closed with 1012 or waits for the new LISTEN, never silently deaf. Nothing is
        left registered when this raises.
        """
        conn = Connection(user_id, session_id)
        with self._lock:
            self._by_user.setdefault(user_id, set()).add(conn)
        try:
            self._start()
            conn.socket_id = presence.socket_opened(
                self._db, self._broker, user_id, session_id, self.process_key
            )
        except BaseException:
            self._unregister(conn)
            raise
        return conn

    def _unregister(self, conn: Connection) -> None:
        with self._lock:
            conns = self._by_user.get(conn.user_id)
            if conns is not None:
                conns.discard(conn)
                if not conns:
                    del self._by_user[conn.user_id]

    def disconnect(self, conn: Connection) -> None:
        self._unregister(conn)
        if conn.socket_id:
            try:
                presence.socket_closed(self._db, self._broker, conn.user_id, conn.socket_id)
            except Exception:
                log.exception("could not record a closed socket; the heartbeat sweep will")

    def stop(self) -> None:
        self._stop.set()
        self._broker.stop()

    def client_frame(self, conn: Connection, frame: dict) -> None:
        """What a client may say on its socket: typing in a conversation, and whether it is idle."""
        kind = frame.get("type")
        if kind == "ping":
            conn.push(_frame({"type": "pong"}))
        elif kind == "typing":
            conversation_id = frame.get("conversation_id")
            if not isinstance(conversation_id, int) or isinstance(conversation_id, bool):
                return
            if not self._typing.allow(conn.user_id, conversation_id):
                return
            with self._db.autocommit() as cur:
                if conn.user_id in self._members_of(cur, conversation_id):
                    self._broker.publish(cur, events.typing(conversation_id, conn.user_id))
        elif kind == "presence" and frame.get("state") in ("away", "online"):
            presence.socket_idle(
                self._db, self._broker, conn.user_id, conn.socket_id, frame["state"] == "away"
            )

    def connection_count(self) -> int:
        with self._lock:
            return sum(len(c) for c in self._by_user.values())

    def drop_everyone(self) -> None:
        """Events may have been missed: close every socket so each client reconnects and catches up."""
        with self._lock:
            everyone = [c for conns in self._by_user.values() for c in conns]
        for conn in everyone:
            conn.close(1012)  # "service restart": reconnect
        with self._members_lock:
            self._members.clear()

    def _local(self, user_ids) -> list[Connection]:
        with self._lock:
            return [c for uid in user_ids for c in self._by_user.get(uid, ())]

    def _send(self, user_ids, payload: dict) -> None:
        targets = self._local(user_ids)
        if not targets:
            return
        frame = _frame(payload)
        for conn in targets:
            if not conn.push(frame):
                log.warning(
                    "closing a socket of user %s that fell %d events behind", conn.user_id, _QUEUE_LIMIT
                )
                conn.close(1013)  # "try again later": reconnect and catch up
