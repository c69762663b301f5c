"""Presence (online / away / offline with last seen) and typing: who sees what, and when it changes.

A user is online while any of their sockets is open and active, away when every open socket reports idle,
offline otherwise; last seen is when the last socket closed. Only people who share a conversation see it, and
someone who hides their last-seen time sees nobody else's either.
"""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time
from datetime import datetime
from typing import Any

from server import render
from server.config import Config
from server.context import AppContext
from server.db import Cursor
from server.db import presence as presence_db
from server.db import users as users_db
from server.services import events

log = logging.getLogger(__name__)

TYPING_EXPIRES_MS = 6000
TYPING_MIN_INTERVAL = 3.0
HEARTBEAT_SECONDS = 30


def _entry(user_id: int, state: str, last_seen: datetime | None, show_last_seen: bool) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "state": state,
        "last_seen": render.timestamp(last_seen) if show_last_seen and state == "offline" else None,
    }


def contacts(app: AppContext, user_id: int) -> list[dict]:
    with app.db.autocommit() as cur:
        rows = presence_db.contacts_presence(cur, user_id)
        i_hide = bool(presence_db.hides_last_seen(cur, [user_id]))
    result = []
    for row in rows:
        state = "offline" if not row["sockets"] else ("online" if row["active"] else "away")
        result.append(
            _entry(row["user_id"], state, row["last_seen_at"], not (i_hide or row["hide_last_seen"]))
        )
    return result


def socket_opened(app: AppContext, user_id: int, session_id: int, process_key: str) -> int:
    with app.db.transaction() as cur:
        socket_id = presence_db.open_socket(cur, user_id, session_id, process_key)
        app.broker.publish(cur, events.presence(user_id))
    return socket_id


def socket_closed(app: AppContext, user_id: int, socket_id: int) -> None:
    with app.db.transaction() as cur:
        presence_db.close_socket(cur, socket_id)
        _gone(app, cur, [user_id])


def socket_idle(app: AppContext, user_id: int, socket_id: int, away: bool) -> None:
    with app.db.transaction() as cur:
        presence_db.set_away(cur, socket_id, away)
        app.broker.publish(cur, events.presence(user_id))


def presence_frames(cur: Cursor, user_id: int, recipients: list[int]) -> list[tuple[list[int], dict]]:
    """The presence frame per recipient group: with last seen, and without it for those who hide theirs."""
    state = presence_db.state_of(cur, user_id)
    seen = presence_db.last_seen(cur, user_id)
    if seen is None:
        return []
    hiders = presence_db.hides_last_seen(cur, recipients)
    frame = {"type": "presence", **_entry(user_id, state, seen["last_seen_at"], not seen["hide_last_seen"])}
    plain = {**frame, "last_seen": None}
    return [
        ([r for r in recipients if r not in hiders], frame),
        ([r for r in recipients if r in hiders], plain),
    ]


class TypingThrottle:
    """At most one typing event per user and conversation every few seconds, whatever the client sends."""

    def __init__(self) -> None:
        self._last: dict[tuple[int, int], float] = {}
        self._lock = threading.Lock()

    def allow(self, user_id: int, conversation_id: int) -> bool:
        now = time.monotonic()
        key = (user_id, conversation_id)
        with self._lock:
            if now - self._last.get(key, 0.0) < TYPING_MIN_INTERVAL:
                return False
            self._last[key] = now
            if len(self._last) > 50_000:  # forget old entries now and then
                self._last = {k: t for k, t in self._last.items() if now - t < TYPING_MIN_INTERVAL}
            return True


def instance_of(config: Config) -> str:
    """This server instance, as one host's address and port: only one master can listen there at a time."""
    return f"{socket.gethostname()}/{config.host}:{config.port}"


def process_key(instance: str, master_pid: int, pid: int) -> str:
    """The key of one worker's socket rows: its instance, its master, itself (and a nonce)."""
    return f"{instance}/{master_pid}/{pid}/{secrets.token_hex(4)}"


def _gone(app: AppContext, cur: Cursor, user_ids: list[int]) -> None:
    """Sockets of these users were removed: record last seen for those now offline, tell their contacts."""
    for user_id in user_ids:
        if presence_db.state_of(cur, user_id) == "offline":
            users_db.set_last_seen(cur, user_id)
        app.broker.publish(cur, events.presence(user_id))


def sweep_predecessors(app: AppContext, instance: str, master_pid: int) -> int:
    """Remove the socket rows of earlier runs of this instance (another master on this host, address and
    port), which cannot be alive since this master holds the port: after a crash or a restart their users
    are offline now, not 90 s later. Run by the master before its first worker. Returns how many users."""
    with app.db.transaction() as cur:
        user_ids = presence_db.sweep_instance(cur, f"{instance}/", f"{instance}/{master_pid}/")
        _gone(app, cur, user_ids)
    return len(user_ids)


def run_heartbeats(app: AppContext, process_key: str, stop: threading.Event) -> None:
    """Keep this process's sockets alive in the table and sweep those of processes that died."""
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            with app.db.transaction() as cur:
                presence_db.heartbeat(cur, process_key)
                _gone(app, cur, presence_db.sweep_stale(cur))
        except Exception:
            log.exception("presence heartbeat failed")
