"""How broker events become frames for the sockets of this process (the dispatch half of the hub).

For each batch it works out which local users are concerned, loads each message or conversation once (not
once per socket), serialises the frame once and queues it on every concerned socket. Membership is cached;
membership events come through the same ordered stream and invalidate it. An event that cannot be
delivered closes, with 1012, the local sockets it may have been for.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from server import render
from server.db import Database
from server.db import conversations as conversations_db
from server.db import messages as messages_db
from server.db import presence as presence_db
from server.db import users as users_db
from server.services import presence

log = logging.getLogger(__name__)

CLOSE_REVOKED = 4401
_MEMBER_CACHE_SIZE = 10_000


class LiveDispatch:
    """Mixed into the Hub, which provides the socket registry: ``_by_user`` under ``_lock``, ``_local``,
    ``_send`` and ``drop_everyone``."""

    _db: Database
    _lock: threading.Lock
    _by_user: dict

    def __init__(self) -> None:
        self._members: OrderedDict[int, frozenset[int]] = OrderedDict()
        self._members_lock = threading.Lock()

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
            if event.get("t") == "member_state":  # for its member's own sessions only
                concerned.add(event["u"])
                continue
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
        elif kind == "member_state":
            self._member_state_event(cur, event)
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

    def _member_state_event(self, cur, event: dict) -> None:
        """Pinned, muted, marked unread or hidden: to the member's own sessions, loaded as it is now."""
        if not self._local([event["u"]]):
            return
        state = conversations_db.member_state(cur, event["c"], event["u"])
        if state is not None:
            self._send(
                [event["u"]],
                {
                    "type": "conversation.member_updated",
                    "conversation_id": event["c"],
                    "me": render.member_state(state),
                },
            )

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
