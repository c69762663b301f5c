"""How a conversation's header reads: presence ("last seen today at 09:41") and who is typing."""

from __future__ import annotations

from desktop.domain.presence import AWAY, ONLINE, Presence
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


def group_subtitle(member_count: int, others_online: int, *, me_online: bool = True) -> str:
    """ "3 members, 1 online": I am one of the members and, while connected, one of those online."""
    online = others_online + (1 if me_online else 0)
    members = f"{member_count} member" + ("" if member_count == 1 else "s")
    return f"{members}, {online} online" if online else members


def header_typing_text(typing: str, *, is_group: bool) -> str:
    """The header's line for ``typing`` (the list's "Bob is typing…"): in a 1:1 the header already names
    the other person, so "typing…" says it all."""
    if not typing:
        return ""
    return typing if is_group else "typing…"
