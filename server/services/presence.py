"""Presence (online / away / offline with last seen) and typing: who sees what, and when it changes.

A user is online while any of their sockets is open and active, away when every open socket reports idle,
offline otherwise; last seen is when the last socket closed. Only people who share a conversation see it, and
someone who hides their last-seen time sees nobody else's either. Someone who hides it is shown to others
as offline with no time, always, and none of their transitions is sent: a live "offline" would tell the
very moment the setting hides.
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
from server.errors import TooManyRequests
from server.services import events

log = logging.getLogger(__name__)

TYPING_EXPIRES_MS = 6000
TYPING_MIN_INTERVAL = 3.0
HEARTBEAT_SECONDS = 30
SOCKET_RETRY_SECONDS = 30  # the Retry-After of a socket over the cap: about how soon a stale one is noticed


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
        if row["hide_last_seen"]:
            state = "offline"
        result.append(
            _entry(row["user_id"], state, row["last_seen_at"], not (i_hide or row["hide_last_seen"]))
        )
    return result


def check_socket_room(app: AppContext, user_id: int, session_id: int) -> None:
    """429 when the session or the account already holds its cap of open sockets (before the upgrade)."""
    with app.db.autocommit() as cur:
        _check_room(app.config, cur, user_id, session_id)


def _check_room(config: Config, cur: Cursor, user_id: int, session_id: int) -> None:
    account, session = presence_db.count_sockets(cur, user_id, session_id)
    if config.sockets_per_session and session >= config.sockets_per_session:
        what = f"this device has {session} live sockets open (at most {config.sockets_per_session})"
    elif config.sockets_per_account and account >= config.sockets_per_account:
        what = f"this account has {account} live sockets open (at most {config.sockets_per_account})"
    else:
        return
    raise TooManyRequests(f"{what}; close one first", retry_after=SOCKET_RETRY_SECONDS)


def socket_opened(app: AppContext, user_id: int, session_id: int, process_key: str) -> int:
    """Record an open socket; 429 (and nothing recorded) over the session's or the account's cap, counted
    under the user's lock, so that sockets opened all at once cannot slip past it together."""
    with app.db.transaction() as cur:
        presence_db.lock_user_sockets(cur, user_id)
        _check_room(app.config, cur, user_id, session_id)
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


def presence_frames(
    cur: Cursor, user_id: int, recipients: list[int], announce: bool = False
) -> list[tuple[list[int], dict]]:
    """The presence frame per recipient group: with last seen, and without it for those who hide theirs.

    Nothing for a user who hides their last seen, unless ``announce`` (they just turned it on: everyone
    gets "offline" once, at the moment of the setting, not of a transition)."""
    seen = presence_db.last_seen(cur, user_id)
    if seen is None:
        return []
    if seen["hide_last_seen"]:
        if not announce:
            return []
        return [(recipients, {"type": "presence", **_entry(user_id, "offline", None, False)})]
    state = presence_db.state_of(cur, user_id)
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
