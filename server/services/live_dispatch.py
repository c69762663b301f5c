"""How broker events become frames for the sockets of this process: one handler per event kind.

A new message comes framed by the process that stored it (server/services/message_frames.py): its text is
queued as it is on the sockets of the members here, with no query and no rendering. Any other message of a
batch is loaded once (not once per socket, and only where a member has a socket here), and each frame is
serialised once and queued on every concerned socket. An event that cannot be
delivered closes, with 1012, the local sockets it may have been for. A new kind of event (server/services/
events.py) is one more entry in ``LiveDispatch.handlers``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from server import render
from server.context import AppContext
from server.db import Cursor
from server.db import conversations as conversations_db
from server.db import hides as hides_db
from server.db import messages as messages_db
from server.db import presence as presence_db
from server.db import users as users_db
from server.services import presence
from server.services.live_members import MemberCache
from server.services.live_sockets import QUEUE_LIMIT, LocalSockets, encode_frame
from server.services.message_frames import message_frame

log = logging.getLogger(__name__)

CLOSE_REVOKED = 4401
# Events of these kinds concern the members of their conversation ("c") only.
_CONVERSATION_SCOPED = ("message", "conversation", "read", "typing")


@dataclass
class Batch:
    """What the handlers of one batch share: a cursor, opened on first use (a batch of new messages, framed
    and for cached members, needs none), its messages loaded in one query (those a frame did not come with,
    and only where a member has a socket here), and who hid the changed ones (their changes never reach
    those members)."""

    open_cursor: Callable[[], Cursor]
    messages: dict[int, dict] = field(default_factory=dict)
    hiders: dict[int, set[int]] = field(default_factory=dict)
    _cur: Cursor | None = field(default=None, init=False, repr=False)

    @property
    def cur(self) -> Cursor:
        if self._cur is None:
            self._cur = self.open_cursor()
        return self._cur


Handler = Callable[[Batch, dict], None]


class LiveDispatch:
    def __init__(
        self,
        app: AppContext,
        sockets: LocalSockets,
        members: MemberCache,
        drop_everyone: Callable[[], None],
    ) -> None:
        self._app = app
        self._sockets = sockets
        self._members = members
        self._drop_everyone = drop_everyone
        self.handlers: dict[str, Handler] = {
            "message": self._message,
            "conversation": self._conversation,
            "member": self._member,
            "read": self._read,
            "member_state": self._member_state,
            "hidden": self._hidden,
            "user": self._user,
            "presence": self._presence,
            "typing": self._typing,
            "sessions_revoked": self._sessions_revoked,
        }

    def deliver(self, events: list[dict]) -> None:
        """Deliver a batch of broker events to the sockets of this process.

        An event that cannot be delivered (the database failed while loading it) closes, with 1012, every
        local socket it may have been for: their clients reconnect and catch up instead of missing it.
        """
        events = _one_per_message(events)
        if self._sockets.is_empty():
            # Nobody here: only keep the membership cache honest.
            for event in events:
                if event.get("t") == "member":
                    self._members.forget(event["c"])
            return
        delivered = 0
        try:
            with contextlib.ExitStack() as stack:
                batch = Batch(lambda: stack.enter_context(self._app.db.autocommit()))
                # A new message's frame came with its event (message_frames.py): nothing to load. Others
                # are loaded only where one of their conversation's members has a socket here, unless
                # the batch changes memberships (a member added by it must not miss a message after it).
                moved = any(e.get("t") == "member" for e in events)
                to_load = [
                    e["m"]
                    for e in events
                    if e.get("t") == "message"
                    and e.get("f") is None
                    and (moved or self._here(self._members.get(batch, e["c"])))
                ]
                if to_load:
                    batch.messages = messages_db.get_messages_by_id(batch.cur, to_load)
                # A new message cannot be hidden yet: the send path pays nothing for "delete for me".
                changed = [e["m"] for e in events if e.get("t") == "message" and e["k"] != "created"]
                if changed:
                    batch.hiders = hides_db.hiders(batch.cur, changed)
                for event in events:
                    handler = self.handlers.get(event.get("t", ""))
                    if handler is None:
                        log.error("unknown event %r", event)
                    else:
                        handler(batch, event)
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
            if event.get("t") in ("member_state", "hidden"):  # for its member's own sessions only
                concerned.add(event["u"])
                continue
            members = None
            if event.get("t") in _CONVERSATION_SCOPED:
                members = self._members.cached(event.get("c", 0))
            if members is None:
                self._drop_everyone()
                return
            concerned |= members
        for conn in self._sockets.of_users(concerned):
            conn.close(1012)

    def _here(self, user_ids: Iterable[int]) -> bool:
        return bool(self._sockets.of_users(user_ids))

    def _send(self, user_ids: Iterable[int], payload: dict) -> None:
        self._push(user_ids, None, payload)

    def _push(self, user_ids: Iterable[int], frame: str | None, payload: dict | None = None) -> None:
        """Queue ``frame`` (or ``payload``, encoded once if anyone here is to get it) on the sockets here
        of ``user_ids``."""
        targets = self._sockets.of_users(user_ids)
        if not targets:
            return
        if frame is None:
            frame = encode_frame(payload or {})
        for conn in targets:
            if not conn.push(frame):
                log.warning(
                    "closing a socket of user %s that fell %d events behind", conn.user_id, QUEUE_LIMIT
                )
                conn.close(1013)  # "try again later": reconnect and catch up

    def _conversation_payload(self, cur: Cursor, conversation_id: int) -> dict | None:
        row = conversations_db.get_public(cur, conversation_id)
        if row is None:
            return None
        members = conversations_db.members_of(cur, [conversation_id])[conversation_id]
        return render.conversation_public(row, members)

    # ---- the handlers, one per event kind --------------------------------------------------------------

    def _message(self, batch: Batch, event: dict) -> None:
        members = self._members.get(batch, event["c"])
        if event.get("f") is not None:  # a new message, framed by the process that stored it
            self._push(members, event["f"])
            return
        row = batch.messages.get(event["m"])
        if row is None:
            return
        message = render.message(row)
        frame = message_frame(event["k"], message)
        if "r" in event:  # a reaction: whose and which, so each client keeps its own "my_reactions"
            user_id, emoji, added = event["r"]
            frame["reaction"] = {"user_id": user_id, "emoji": emoji, "added": added}
        hiders = batch.hiders.get(message["id"])
        self._send(members - hiders if hiders else members, frame)

    def _conversation(self, batch: Batch, event: dict) -> None:
        members = self._members.get(batch, event["c"])
        if not self._here(members):
            return
        conversation = self._conversation_payload(batch.cur, event["c"])
        if conversation is not None:
            self._send(
                members,
                {
                    "type": f"conversation.{event['k']}",
                    "conversation_id": event["c"],
                    "conversation": conversation,
                },
            )

    def _member(self, batch: Batch, event: dict) -> None:
        conversation_id = event["c"]
        self._members.forget(conversation_id)
        members = self._members.get(batch, conversation_id)
        conversation = self._conversation_payload(batch.cur, conversation_id) if self._here(members) else None
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

    def _read(self, batch: Batch, event: dict) -> None:
        """To every member: my other devices clear their badge, the others update "seen"."""
        self._send(
            self._members.get(batch, event["c"]),
            {"type": "read", "conversation_id": event["c"], "user_id": event["u"], "seq": event["s"]},
        )

    def _member_state(self, batch: Batch, event: dict) -> None:
        """Pinned, muted, marked unread or hidden: to the member's own sessions, loaded as it is now."""
        if not self._here([event["u"]]):
            return
        state = conversations_db.member_state(batch.cur, event["c"], event["u"])
        if state is not None:
            self._send(
                [event["u"]],
                {
                    "type": "conversation.member_updated",
                    "conversation_id": event["c"],
                    "me": render.member_state(state),
                },
            )

    def _hidden(self, batch: Batch, event: dict) -> None:
        """A message I deleted for me: to my own sessions, which drop it (docs/protocol.md)."""
        self._send(
            [event["u"]],
            {
                "type": "message.hidden",
                "conversation_id": event["c"],
                "seq": event["s"],
                "version": event["v"],
            },
        )

    def _user(self, batch: Batch, event: dict) -> None:
        """A changed name or picture: to the user's own sessions and everyone sharing a conversation."""
        user_id = event["u"]
        audience = [user_id, *presence_db.all_contact_ids(batch.cur, user_id)]
        if not self._here(audience):
            return
        row = users_db.get_user(batch.cur, user_id)
        if row is not None:
            self._send(audience, {"type": "user.updated", "user": render.user(row)})

    def _presence(self, batch: Batch, event: dict) -> None:
        user_id = event["u"]
        audience = [u for u in presence_db.contact_ids(batch.cur, user_id) if self._here([u])]
        if audience:
            frames = presence.presence_frames(batch.cur, user_id, audience, announce=bool(event.get("v")))
            for recipients, frame in frames:
                self._send(recipients, frame)

    def _typing(self, batch: Batch, event: dict) -> None:
        members = self._members.get(batch, event["c"])
        audience = [u for u in members if u != event["u"] and self._here([u])]
        if audience:
            audience = list(set(audience) - presence_db.blockers_of(batch.cur, event["u"], audience))
        self._send(
            audience,
            {
                "type": "typing",
                "conversation_id": event["c"],
                "user_id": event["u"],
                "expires_in_ms": presence.TYPING_EXPIRES_MS,
            },
        )

    def _sessions_revoked(self, batch: Batch, event: dict) -> None:
        session_ids = set(event["s"])
        for conn in self._sockets.all():
            if conn.session_id in session_ids:
                conn.close(CLOSE_REVOKED)


def _one_per_message(events: list[dict]) -> list[dict]:
    """A batch's ``messages`` event (server/services/events.py) as the ``message`` events it stands for,
    each with its frame (``f``) when one came along."""
    if not any(e.get("t") == "messages" for e in events):
        return events
    flat: list[dict] = []
    for event in events:
        if event.get("t") == "messages":
            frames = event.get("f") or [None] * len(event["m"])
            flat.extend(
                {"t": "message", "k": event["k"], "c": c, "m": m, "f": f}
                for c, m, f in zip(event["c"], event["m"], frames, strict=True)
            )
        else:
            flat.append(event)
    return flat
