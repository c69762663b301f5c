"""The live-event hub of one server process: which sockets are open here, and what each must receive.

Events arrive from the broker (ids, and the frames of new messages) and become frames for the sockets here
in server/services/live_dispatch.py. Each socket has
a bounded queue of frames (server/services/live_sockets.py); a socket that falls too far behind is closed,
and its client reconnects and catches up. When events may have been missed (the LISTEN connection broke),
every socket is closed with 1012. When the process stops, every socket is closed with 1001.
"""

from __future__ import annotations

import logging
import os
import threading

from server.context import AppContext
from server.db import Cursor
from server.db import conversations as conversations_db
from server.services import events, presence
from server.services.live_dispatch import CLOSE_REVOKED, LiveDispatch
from server.services.live_members import MemberCache
from server.services.live_sockets import Connection, LocalSockets, encode_frame
from server.services.live_throttle import ChatterThrottle

log = logging.getLogger(__name__)

__all__ = ["CLOSE_GOING_AWAY", "CLOSE_REVOKED", "Connection", "Hub"]

CLOSE_GOING_AWAY = 1001  # RFC 6455: the server is going down


class Hub:
    def __init__(self, app: AppContext, instance: str = "local") -> None:
        self._app = app
        self.sockets = LocalSockets()
        self._members = MemberCache()
        self._dispatch = LiveDispatch(app, self.sockets, self._members, self.drop_everyone)
        # Forked by the gunicorn master (the parent): its presence sweep recognises these rows as its own.
        self.process_key = presence.process_key(instance, os.getppid(), os.getpid())
        self._typing = presence.TypingThrottle()
        self._chatter = ChatterThrottle(lambda: app.config)
        self._stop = threading.Event()
        self._heartbeats: threading.Thread | None = None
        self._lock = threading.Lock()
        self._going_away = False

    def _start(self) -> None:
        self._app.broker.start(self.dispatch, self.drop_everyone)
        with self._lock:
            if self._heartbeats is None:
                self._heartbeats = threading.Thread(
                    target=presence.run_heartbeats,
                    args=(self._app, self.process_key, self._stop),
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
        self.sockets.add(conn)
        try:
            self._start()
            conn.socket_id = presence.socket_opened(self._app, user_id, session_id, self.process_key)
        except BaseException:
            self.sockets.remove(conn)
            raise
        if self._going_away:  # upgraded while the process began to stop: closed like the others
            conn.close(CLOSE_GOING_AWAY)
        return conn

    def disconnect(self, conn: Connection) -> None:
        self.sockets.remove(conn)
        self._chatter.socket_closed(id(conn))
        if conn.socket_id:
            try:
                presence.socket_closed(self._app, conn.user_id, conn.socket_id)
            except Exception:
                log.exception("could not record a closed socket; the heartbeat sweep will")

    def going_away(self) -> int:
        """This process is stopping: close every socket with 1001, and each one opened from now on, so their
        clients reconnect (to its successor or another process) and catch up. Returns how many were open."""
        self._going_away = True
        open_now = self.sockets.all()
        for conn in open_now:
            conn.close(CLOSE_GOING_AWAY)
        return len(open_now)

    def stop(self) -> None:
        self._stop.set()
        self._app.broker.stop()

    def dispatch(self, batch: list[dict]) -> None:
        """Deliver a batch of broker events to the sockets of this process (live_dispatch.py), and forget
        the tokens of revoked sessions (session_cache.py) whether or not any of their sockets is here."""
        for event in batch:
            if event.get("t") == "sessions_revoked":
                self._app.session_cache.forget_sessions(event["s"])
        self._dispatch.deliver(batch)

    def client_frame(self, conn: Connection, frame: dict) -> None:
        """What a client may say on its socket: typing in a conversation, and whether it is idle.

        Typing and presence frames beyond the socket's and the user's budget (live_throttle.py) are
        dropped before they cost a query, and so is a presence frame that changes nothing.
        """
        kind = frame.get("type")
        if kind == "ping":
            conn.push(encode_frame({"type": "pong"}))
        elif kind == "typing":
            conversation_id = frame.get("conversation_id")
            if not isinstance(conversation_id, int) or isinstance(conversation_id, bool):
                return
            if not self._typing.allow(conn.user_id, conversation_id):
                return
            if not self._chatter.allow(id(conn), conn.user_id):
                return
            with self._app.db.autocommit() as cur:
                if self._is_member(cur, conversation_id, conn.user_id):
                    self._app.broker.publish(cur, events.typing(conversation_id, conn.user_id))
        elif kind == "presence" and frame.get("state") in ("away", "online"):
            away = frame["state"] == "away"
            if away == conn.away or not self._chatter.allow(id(conn), conn.user_id):
                return
            conn.away = away
            presence.socket_idle(self._app, conn.user_id, conn.socket_id, away)

    def _is_member(self, cur: Cursor, conversation_id: int, user_id: int) -> bool:
        """From the member cache when it holds the conversation; otherwise asked without filling the cache,
        so typing into ids one is not in (or that do not exist) never pushes real conversations out of it."""
        members = self._members.cached(conversation_id)
        if members is not None:
            return user_id in members
        return conversations_db.membership(cur, conversation_id, user_id) is not None

    def drop_everyone(self) -> None:
        """Events may have been missed: close every socket so each client reconnects and catches up."""
        for conn in self.sockets.all():
            conn.close(1012)  # "service restart": reconnect
        self._members.clear()
        self._app.session_cache.clear()  # a revocation may have been among them
