"""The live-event hub of one server process: which sockets are open here, and what each must receive.

Events arrive from the broker as ids. For each batch the hub works out which local users are concerned,
loads each message or conversation once (not once per socket), serialises the frame once, and queues it on
every concerned socket. A socket that falls too far behind is closed; its client reconnects and catches up.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from server import render
from server.db import Database
from server.db import conversations as conversations_db
from server.db import messages as messages_db
from server.db import presence as presence_db
from server.db import users as users_db
from server.services import events, presence
from server.services.broker import Broker

log = logging.getLogger(__name__)

CLOSE_REVOKED = 4401
_QUEUE_LIMIT = 5000
_MEMBER_CACHE_SIZE = 10_000


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


class Hub:
    def __init__(self, db: Database, broker: Broker, instance: str = "local") -> None:
        self._db = db
        self._broker = broker
        self._by_user: dict[int, set[Connection]] = {}
        self._lock = threading.Lock()
        self._members: OrderedDict[int, frozenset[int]] = OrderedDict()
        self._members_lock = threading.Lock()
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

    # ---- membership cache ----------------------------------------------------------------------------

    def _members_of(self, cur, conversation_id: int) -> frozenset[int]:
        """Member ids, cached; membership events come through the same ordered stream and invalidate it."""
        with self._members_lock:
            members = self._members.get(conversation_id)
            if members is not None:
                self._members.move_to_end(conversation_id)
                return members
        members = frozenset(conversations_db.member_ids(cur, conversation_id))
        with self._members_lock:
            self._members[conversation_id] = members
            while len(self._members) > _MEMBER_CACHE_SIZE:
                self._members.popitem(last=False)
        return members

    def _forget_members(self, conversation_id: int) -> None:
        with self._members_lock:
            self._members.pop(conversation_id, None)

    # ---- dispatch ------------------------------------------------------------------------------------

    def dispatch(self, events: list[dict]) -> None:
        """Deliver a batch of broker events to the sockets of this process.

        An event that cannot be delivered (the database failed while loading it) closes, with 1012, every
        local socket it may have been for: their clients reconnect and catch up instead of missing it.
        """
        with self._lock:
            if not self._by_user:
                # Nobody here: only keep the membership cache honest.
                for event in events:
                    if event.get("t") == "member":
                        self._forget_members(event["c"])
                return
        delivered = 0
        try:
            with self._db.autocommit() as cur:
                message_ids = [e["m"] for e in events if e.get("t") == "message"]
                loaded = messages_db.get_messages_by_id(cur, message_ids) if message_ids else {}
                for event in events:
                    self._deliver(cur, event, loaded)
                    delivered += 1
        except Exception:
            missed = events[delivered:]
            log.exception("could not deliver %d live events; closing the sockets they were for", len(missed))
            self._close_concerned(missed)

    def _close_concerned(self, missed: list[dict]) -> None:
        """Close with 1012 the local sockets that may be owed one of ``missed``, known without the database:
        the cached members of the conversations concerned, else everyone here."""
        concerned: set[int] = set()
        for event in missed:
            members = None
            if event.get("t") in ("message", "conversation", "read", "typing"):
                with self._members_lock:
                    members = self._members.get(event.get("c", 0))
            if members is None:
                self.drop_everyone()
                return
            concerned |= members
        for conn in self._local(concerned):
            conn.close(1012)

    def _deliver(self, cur, event: dict, loaded: dict[int, dict]) -> None:
        kind = event.get("t")
        if kind == "message":
            self._message_event(cur, event, loaded.get(event["m"]))
        elif kind == "conversation":
            self._conversation_event(cur, event)
        elif kind == "member":
            self._member_event(cur, event)
        elif kind == "read":
            # Every member: my other devices clear their badge, the others update "seen".
            self._send(
                self._members_of(cur, event["c"]),
                {"type": "read", "conversation_id": event["c"], "user_id": event["u"], "seq": event["s"]},
            )
        elif kind == "user":
            self._user_event(cur, event["u"])
        elif kind == "presence":
            self._presence_event(cur, event["u"])
        elif kind == "typing":
            self._typing_event(cur, event)
        elif kind == "sessions_revoked":
            self._revoke(set(event["s"]))
        else:
            log.error("unknown event %r", event)

    def _typing_event(self, cur, event: dict) -> None:
        audience = [u for u in self._members_of(cur, event["c"]) if u != event["u"] and self._local([u])]
        if audience:
            audience = list(set(audience) - presence_db.blockers_of(cur, event["u"], audience))
        self._send(
            audience,
            {
                "type": "typing",
                "conversation_id": event["c"],
                "user_id": event["u"],
                "expires_in_ms": presence.TYPING_EXPIRES_MS,
            },
        )

    def _message_event(self, cur, event: dict, row: dict | None) -> None:
        if row is None:
            return
        members = self._members_of(cur, event["c"])
        self._send(
            members,
            {
                "type": f"message.{event['k']}",
                "conversation_id": row["conversation_id"],
                "seq": row["seq"],
                "message": render.message(row),
            },
        )

    def _conversation_payload(self, cur, conversation_id: int) -> dict | None:
        row = conversations_db.get_public(cur, conversation_id)
        if row is None:
            return None
        members = conversations_db.members_of(cur, [conversation_id])[conversation_id]
        return render.conversation_public(row, members)

    def _conversation_event(self, cur, event: dict) -> None:
        members = self._members_of(cur, event["c"])
        if not self._local(members):
            return
        conversation = self._conversation_payload(cur, event["c"])
        if conversation is not None:
            self._send(
                members,
                {
                    "type": f"conversation.{event['k']}",
                    "conversation_id": event["c"],
                    "conversation": conversation,
                },
            )

    def _member_event(self, cur, event: dict) -> None:
        conversation_id = event["c"]
        self._forget_members(conversation_id)
        members = self._members_of(cur, conversation_id)
        conversation = self._conversation_payload(cur, conversation_id) if self._local(members) else None
        if event["k"] == "added":
            if conversation is not None:
                self._send(
                    members,
                    {
                        "type": "member.added",
                        "conversation_id": conversation_id,
                        "user_ids": event["u"],
                        "conversation": conversation,
                    },
                )
            return
        removed = event["u"]
        base = {"type": "member.removed", "conversation_id": conversation_id, "user_id": removed}
        if conversation is not None:
            self._send(members, {**base, "conversation": conversation})
        self._send([removed], base)

    def _user_event(self, cur, user_id: int) -> None:
        """A changed name or picture: to the user's own sessions and everyone sharing a conversation."""
        audience = [user_id, *presence_db.all_contact_ids(cur, user_id)]
        if not self._local(audience):
            return
        row = users_db.get_user(cur, user_id)
        if row is not None:
            self._send(audience, {"type": "user.updated", "user": render.user(row)})

    def _presence_event(self, cur, user_id: int) -> None:
        audience = [u for u in presence_db.contact_ids(cur, user_id) if self._local([u])]
        if audience:
            for recipients, frame in presence.presence_frames(cur, user_id, audience):
                self._send(recipients, frame)

    def _revoke(self, session_ids: set[int]) -> None:
        with self._lock:
            doomed = [c for conns in self._by_user.values() for c in conns if c.session_id in session_ids]
        for conn in doomed:
            conn.close(CLOSE_REVOKED)
