"""How a conversation's header reads: presence ("last seen today at 09:41") and who is typing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from desktop.domain.presence import AWAY, ONLINE, Presence
from desktop.domain.records import Conversation
from desktop.models.time_labels import clock_time, day_label


def presence_text(presence: Presence | None) -> str:
    """For a 1:1 header: "online", "away", "last seen today at 09:41", or "offline" if the time is hidden."""
    if presence is None:
        return ""
    if presence.state == ONLINE:
        return "online"
    if presence.state == AWAY:
        return "away"
    if presence.last_seen is None:
        return "offline"
    day = day_label(presence.last_seen.astimezone().date())
    when = clock_time(presence.last_seen)
    if day in ("Today", "Yesterday"):
        return f"last seen {day.lower()} at {when}"
    return f"last seen {day} at {when}"


def typing_text(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return f"{names[0]} is typing…"
    if len(names) == 2:
        return f"{names[0]} and {names[1]} are typing…"
    if len(names) == 3:
        return f"{names[0]}, {names[1]} and {names[2]} are typing…"
    return f"{names[0]}, {names[1]} and {len(names) - 2} others are typing…"


@dataclass(frozen=True)
class Header:
    """What the open conversation's header shows (the arguments of ChatPanel.set_header)."""

    title: str
    subtitle: str
    is_group: bool
    presence: str = ""
    typing: bool = False
    blocked: bool | None = None  # a 1:1 with someone not deleted: whether I blocked them; else None


def conversation_header(
    conversation: Conversation,
    my_id: int,
    typing: str,
    presence_of: Callable[[int], Presence | None],
    is_blocked: Callable[[int], bool],
) -> Header:
    """A group counts its members and who of them is online; a 1:1 tells the other's presence or handle.
    Someone typing outranks both."""
    title = conversation.display_title(my_id)
    if conversation.kind == "group":
        online = sum(
            1
            for m in conversation.members
            if m.user_id != my_id and (p := presence_of(m.user_id)) is not None and p.state == ONLINE
        )
        subtitle = f"{len(conversation.members)} members" + (f", {online} online" if online else "")
        return Header(title, typing or subtitle, is_group=True, typing=bool(typing))
    other = conversation.other_member(my_id)
    presence = presence_of(other.user_id) if other else None
    handle = f"@{other.username}" if other and other.username else ""
    blocked = is_blocked(other.user_id) if other is not None and not other.deleted else None
    return Header(
        title,
        typing or presence_text(presence) or handle,
        is_group=False,
        presence=presence.state if presence else "",
        typing=bool(typing),
        blocked=blocked,
    )
