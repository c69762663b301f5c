"""Typed records of the wire objects (docs/protocol.md, "Objects"), shared by cache, models and net."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import overload

from desktop.domain.attachments import Attachment, attachments_from_json

SENT = "sent"
SENDING = "sending"
FAILED = "failed"


@overload
def parse_time(value: str) -> datetime: ...
@overload
def parse_time(value: str | None) -> datetime | None: ...
def parse_time(value: str | None) -> datetime | None:
    """An ISO 8601 time from the wire or the cache; a column that is never empty gives a datetime."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def format_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_now() -> datetime:
    return datetime.now(UTC)


_ZONES: dict[tuple, tzinfo] = {}


def _shared_zone(zone: tzinfo | None) -> tzinfo | None:
    """astimezone() makes a new fixed-offset zone (with its name and offset) on every call: with a long
    history loaded that is three objects per message, so zones of equal offset and name are shared."""
    if zone is None:
        return None
    return _ZONES.setdefault((zone.utcoffset(None), zone.tzname(None)), zone)


FORWARDED_UNKNOWN = 0  # Message.forwarded_from of a forward whose first sender is not visible: "Forwarded"


def forwarded_from_json(data: object) -> int | None:
    """``forwarded_from`` on the wire (null, or ``{"sender_id": id or null}``) as Message.forwarded_from."""
    if not isinstance(data, dict):
        return None
    sender = data.get("sender_id")
    return sender if isinstance(sender, int) and sender > 0 else FORWARDED_UNKNOWN


def forwarded_from_wire(value: int | None) -> dict | None:
    if value is None:
        return None
    return {"sender_id": value or None}


@dataclass(frozen=True, slots=True)
class ReplyTo:
    """The quote a reply carries (docs/protocol.md, "Replies"): the server keeps it true, clients never
    derive it; ``snippet`` is None once the original was deleted. ``hidden``: the original is one I deleted
    for me, which the quote, the same for everyone, cannot say; the cache sets it (HistoryCache), it never
    goes on the wire nor into the cache's copy of the quote."""

    seq: int
    sender_id: int
    snippet: str | None
    deleted: bool = False
    hidden: bool = False

    @property
    def gone(self) -> bool:
        """Shown as "Deleted message": deleted for everyone, or for me."""
        return self.deleted or self.hidden

    @classmethod
    def from_json(cls, data: object) -> ReplyTo | None:
        if not isinstance(data, dict) or not isinstance(data.get("seq"), int):
            return None
        snippet = data.get("snippet")
        return cls(
            seq=data["seq"],
            sender_id=int(data.get("sender_id") or 0),
            snippet=snippet if isinstance(snippet, str) else None,
            deleted=bool(data.get("deleted")),
        )

    def to_json(self) -> dict:
        return {
            "seq": self.seq,
            "sender_id": self.sender_id,
            "snippet": self.snippet,
            "deleted": self.deleted,
        }


@dataclass(frozen=True, slots=True)
class Reaction:
    """One emoji on a message: how many reacted with it and the first few who did (for the tooltip)."""

    emoji: str
    count: int
    user_ids: tuple[int, ...] = ()

    @classmethod
    def from_json(cls, data: object) -> Reaction | None:
        if not isinstance(data, dict) or not isinstance(data.get("emoji"), str):
            return None
        users = data.get("user_ids") or []
        return cls(
            emoji=data["emoji"],
            count=max(1, int(data.get("count") or 1)),
            user_ids=tuple(u for u in users if isinstance(u, int)),
        )

    def to_json(self) -> dict:
        return {"emoji": self.emoji, "count": self.count, "user_ids": list(self.user_ids)}


def reactions_from_json(data: object) -> list[Reaction]:
    items = data if isinstance(data, list) else []
    return [r for r in (Reaction.from_json(item) for item in items) if r is not None]


@dataclass(slots=True)
class Message:
    """A message as shown: confirmed ones have a ``seq``; ones still in the outbox have ``seq`` None."""

    conversation_id: int
    seq: int | None
    sender_id: int
    client_id: str
    text: str | None
    created_at: datetime
    id: int | None = None
    edited_at: datetime | None = None
    deleted: bool = False
    state: str = SENT
    error: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    version: int = 0  # the change version of its last change (docs/protocol.md, "the change stream")
    reply_to: ReplyTo | None = None
    reactions: list[Reaction] = field(default_factory=list)
    # My own reactions (sent beside messages, not in them): None when the source did not say (an event,
    # an edit's answer), so the cached ones are kept.
    my_reactions: list[str] | None = None
    # A forward: its first sender's user id, or FORWARDED_UNKNOWN when not visible here; None: not a forward.
    forwarded_from: int | None = None
    mentions: list[int] = field(default_factory=list)  # the members its text names as @username
    pinned_at: datetime | None = None  # when it was pinned (None: not pinned), by ``pinned_by`` (a user id)
    pinned_by: int | None = None

    @property
    def confirmed_seq(self) -> int:
        """The seq of a confirmed message; asking a pending one (no seq yet) is a bug."""
        if self.seq is None:
            raise ValueError(f"message {self.client_id} is still pending: it has no seq")
        return self.seq

    _local_time: datetime | None = field(default=None, repr=False, compare=False)
    layout_key: tuple | None = field(default=None, repr=False, compare=False)  # the model's, see LAYOUT_KEY

    @property
    def local_time(self) -> datetime:
        """created_at in the user's time zone, computed once (day separators ask for it on every layout)."""
        if self._local_time is None:
            local = self.created_at.astimezone()
            self._local_time = local.replace(tzinfo=_shared_zone(local.tzinfo))
        return self._local_time

    @classmethod
    def from_json(cls, data: dict) -> Message:
        pinned_at, pinned_by = data.get("pinned_at"), data.get("pinned_by")
        return cls(
            conversation_id=data["conversation_id"],
            seq=data["seq"],
            sender_id=data["sender_id"],
            client_id=data["client_id"],
            text=data.get("text"),
            created_at=parse_time(data["created_at"]) or utc_now(),
            id=data.get("id"),
            edited_at=parse_time(data.get("edited_at")),
            deleted=bool(data.get("deleted")),
            attachments=attachments_from_json(data.get("attachments")),
            version=int(data.get("version") or 0),
            reply_to=ReplyTo.from_json(data.get("reply_to")),
            reactions=reactions_from_json(data.get("reactions")),
            my_reactions=[] if data.get("deleted") else None,
            forwarded_from=forwarded_from_json(data.get("forwarded_from")),
            mentions=[m for m in data.get("mentions") or [] if isinstance(m, int)],
            pinned_at=parse_time(pinned_at) if isinstance(pinned_at, str) else None,
            pinned_by=pinned_by if isinstance(pinned_by, int) else None,
        )

    @property
    def pending(self) -> bool:
        return self.seq is None


@dataclass
class MemberState:
    """My own handling of a conversation, the same on all my devices (docs/protocol.md, ``me``)."""

    pinned_at: datetime | None = None
    muted: bool = False
    marked_unread: bool = False
    hidden_through_seq: int | None = None
    mentions_when_muted: bool = True  # a mention of me notifies even while muted

    @classmethod
    def from_json(cls, data: dict) -> MemberState:
        hidden = data.get("hidden_through_seq")
        return cls(
            pinned_at=parse_time(data.get("pinned_at")),
            muted=bool(data.get("muted")),
            marked_unread=bool(data.get("marked_unread")),
            hidden_through_seq=hidden if isinstance(hidden, int) else None,
            mentions_when_muted=data.get("mentions_when_muted") is not False,
        )

    def to_json(self) -> dict:
        return {
            "pinned_at": format_time(self.pinned_at),
            "muted": self.muted,
            "marked_unread": self.marked_unread,
            "hidden_through_seq": self.hidden_through_seq,
            "mentions_when_muted": self.mentions_when_muted,
        }


@dataclass
class Member:
    user_id: int
    display_name: str
    username: str | None
    role: str = "member"
    deleted: bool = False
    last_read_seq: int = 0
    avatar: int | None = None  # the version of their profile picture, None when they have none


CHANGES_APPLIED = "changes_applied"  # the client's own key in a cached conversation


@dataclass
class Conversation:
    """One conversation as the signed-in user sees it; ``raw`` keeps the wire object for the cache."""

    id: int
    kind: str
    title: str | None
    members: list[Member] = field(default_factory=list)
    last_seq: int = 0
    last_read_seq: int = 0
    unread_count: int = 0
    unread_mentions: int = 0  # of the unread ones, those that mention me: the "@" badge
    last_message: Message | None = None
    last_activity_at: datetime | None = None
    me: MemberState = field(default_factory=lambda: MemberState())
    raw: dict = field(default_factory=dict)
    # The server's change version (docs/protocol.md, "the change stream") and the one this device has
    # applied: the cursor, kept in the cache beside the wire object, never sent by the server.
    change_version: int = 0
    changes_applied: int = 0

    @classmethod
    def from_json(cls, data: dict, previous: Conversation | None = None) -> Conversation:
        """Events carry no per-caller fields; those are kept from ``previous`` when given."""
        members = [
            Member(
                user_id=m["user"]["id"],
                display_name=m["user"].get("display_name") or m["user"].get("username") or "?",
                username=m["user"].get("username"),
                role=m.get("role", "member"),
                deleted=bool(m["user"].get("deleted")),
                last_read_seq=int(m.get("last_read_seq") or 0),
                avatar=m["user"].get("avatar"),
            )
            for m in data.get("members", [])
        ]
        last = data.get("last_message")
        conversation = cls(
            id=data["id"],
            kind=data.get("kind", "group"),
            title=data.get("title"),
            members=members,
            last_seq=data.get("last_seq") or 0,
            last_read_seq=data.get("last_read_seq", previous.last_read_seq if previous else 0) or 0,
            unread_count=data.get("unread_count", previous.unread_count if previous else 0) or 0,
            unread_mentions=data.get("unread_mentions", previous.unread_mentions if previous else 0) or 0,
            last_message=Message.from_json(last) if last else (previous.last_message if previous else None),
            last_activity_at=parse_time(data.get("last_activity_at") or data.get("created_at")),
            me=MemberState.from_json(data["me"])
            if isinstance(data.get("me"), dict)
            else (previous.me if previous else MemberState()),
            raw=data,
            change_version=int(data.get("change_version") or 0),
            changes_applied=int(data.get(CHANGES_APPLIED, previous.changes_applied if previous else 0) or 0),
        )
        return conversation

    @property
    def hidden(self) -> bool:
        """Deleted for me: out of the list until a message after the one it was deleted at arrives."""
        return self.me.hidden_through_seq is not None and self.last_seq <= self.me.hidden_through_seq

    @property
    def shows_unread(self) -> bool:
        """A badge: unread messages, or marked as unread by hand."""
        return self.unread_count > 0 or self.me.marked_unread

    def to_json(self) -> dict:
        data = dict(self.raw)
        data["last_seq"] = self.last_seq
        data["last_read_seq"] = self.last_read_seq
        data["unread_count"] = self.unread_count
        data["unread_mentions"] = self.unread_mentions
        data["last_activity_at"] = format_time(self.last_activity_at)
        data["me"] = self.me.to_json()
        data["change_version"] = self.change_version
        data[CHANGES_APPLIED] = self.changes_applied
        if self.last_message is not None and self.last_message.seq is not None:
            data["last_message"] = message_to_json(self.last_message)
        return data

    def member_name(self, user_id: int) -> str:
        for member in self.members:
            if member.user_id == user_id:
                return member.display_name
        return "Former member"

    def display_title(self, my_id: int) -> str:
        if self.kind == "group":
            return self.title or "Untitled group"
        others = [m for m in self.members if m.user_id != my_id]
        return others[0].display_name if others else "Just me"

    def other_member(self, my_id: int) -> Member | None:
        """In a 1:1, the person I am talking to."""
        return next((m for m in self.members if m.user_id != my_id), None)

    def avatar_key(self, my_id: int) -> int:
        """What picks the avatar's colour: a 1:1 wears the other person's (their user id, the same key their
        avatar has in groups, the profile panel and the members list); a group its own (a negative key, so it
        never takes a person's)."""
        if self.kind != "group":
            other = self.other_member(my_id)
            if other is not None:
                return other.user_id
        return -self.id

    def read_positions(self, my_id: int) -> dict[int, int]:
        """Everyone else's read position (a seq), for "seen" on my messages."""
        return {m.user_id: m.last_read_seq for m in self.members if m.user_id != my_id}

    def set_member_read(self, user_id: int, seq: int) -> bool:
        """A `read` event: positions only move forward, the cached wire object with them. True if it moved."""
        for member in self.members:
            if member.user_id == user_id and seq > member.last_read_seq:
                member.last_read_seq = seq
                for raw in self.raw.get("members", []):
                    if raw.get("user", {}).get("id") == user_id:
                        raw["last_read_seq"] = seq
                return True
        return False

    def set_member_user(self, user: dict) -> bool:
        """A `user.updated` event: the member's name and picture version, the cached wire object with them.
        True if this conversation shows them."""
        member = next((m for m in self.members if m.user_id == user.get("id")), None)
        if member is None:
            return False
        member.display_name = user.get("display_name") or user.get("username") or "?"
        member.username = user.get("username")
        member.deleted = bool(user.get("deleted"))
        member.avatar = user.get("avatar")
        for raw in self.raw.get("members", []):
            if raw.get("user", {}).get("id") == member.user_id:
                raw["user"] = dict(user)
        return True

    def is_owner(self, user_id: int) -> bool:
        return any(m.user_id == user_id and m.role == "owner" for m in self.members)


def message_to_json(message: Message) -> dict:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "seq": message.seq,
        "sender_id": message.sender_id,
        "client_id": message.client_id,
        "text": message.text,
        "created_at": format_time(message.created_at),
        "edited_at": format_time(message.edited_at),
        "deleted": message.deleted,
        "attachments": [a.to_json() for a in message.attachments],
        "version": message.version,
        "reply_to": message.reply_to.to_json() if message.reply_to else None,
        "reactions": [r.to_json() for r in message.reactions],
        "forwarded_from": forwarded_from_wire(message.forwarded_from),
        "mentions": list(message.mentions),
        "pinned_at": format_time(message.pinned_at),
        "pinned_by": message.pinned_by,
    }


def messages_from_page(page: dict) -> list[Message]:
    """The messages of a list's answer (``messages`` or ``changes``) with my own reactions set from its
    ``my_reactions`` (by seq; a message missing from it has none of mine)."""
    mine = page.get("my_reactions") if isinstance(page.get("my_reactions"), dict) else {}
    messages = []
    for data in page.get("messages", page.get("changes", [])):
        message = Message.from_json(data)
        emoji = mine.get(str(message.seq)) if mine else None
        message.my_reactions = [e for e in emoji if isinstance(e, str)] if isinstance(emoji, list) else []
        messages.append(message)
    return messages
