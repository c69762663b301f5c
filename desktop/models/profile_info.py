"""What the profile panel shows for the open conversation: a person (name, @username, last seen) or a group
(its title and members, each with their presence)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from desktop.domain.presence import Presence
from desktop.domain.records import Conversation
from desktop.models.header_text import presence_text


@dataclass(frozen=True)
class MemberLine:
    user_id: int
    name: str  # "Alice Liddell", "Alice Liddell (you)"
    detail: str  # "@alice · owner · online"


@dataclass(frozen=True)
class ProfileInfo:
    conversation_id: int
    is_group: bool
    title: str
    handle: str  # "@alice" for a person, "" for a group
    status: str  # "online", "last seen today at 09:41", "3 members"
    muted: bool
    members: list[MemberLine] = field(default_factory=list)
    avatar_key: int = 0  # Conversation.avatar_key: the colour of the big disc, as in the list and header


def profile_info(
    conversation: Conversation, my_id: int, presence_of: Callable[[int], Presence | None]
) -> ProfileInfo:
    title = conversation.display_title(my_id)
    if conversation.kind != "group":
        other = conversation.other_member(my_id)
        handle = f"@{other.username}" if other is not None and other.username else ""
        status = "" if other is None else ("account deleted" if other.deleted else "")
        if other is not None and not other.deleted:
            status = presence_text(presence_of(other.user_id)) or "last seen a while ago"
        return ProfileInfo(
            conversation.id,
            False,
            title,
            handle,
            status,
            conversation.me.muted,
            avatar_key=conversation.avatar_key(my_id),
        )
    lines = []
    for member in conversation.members:
        mine = member.user_id == my_id
        parts = [f"@{member.username}"] if member.username else []
        if member.role == "owner":
            parts.append("owner")
        presence = "" if mine else presence_text(presence_of(member.user_id))
        if presence:
            parts.append(presence)
        name = f"{member.display_name} (you)" if mine else member.display_name
        lines.append(MemberLine(member.user_id, name, " · ".join(parts)))
    count = len(conversation.members)
    status = f"{count} member" + ("" if count == 1 else "s")
    return ProfileInfo(
        conversation.id,
        True,
        title,
        "",
        status,
        conversation.me.muted,
        lines,
        avatar_key=conversation.avatar_key(my_id),
    )
