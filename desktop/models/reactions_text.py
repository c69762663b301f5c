"""How replies' quotes and reactions read in a bubble: who is quoted, the quote's line, and "Alice, Bob and
3 others" for a reaction's tooltip. Plain strings; the delegate paints them as plain text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from desktop.domain.records import Message
from desktop.models.file_labels import quote_line


@dataclass(frozen=True, slots=True)
class Quote:
    seq: int
    sender_id: int
    sender: str
    line: str
    deleted: bool


@dataclass(frozen=True, slots=True)
class ReactionChip:
    emoji: str
    count: int
    mine: bool
    who: str  # for the tooltip: "Alice, Bob and 3 others reacted with 👍"


def quote_of(message: Message, names: Mapping[int, str], my_id: int) -> Quote | None:
    reply = message.reply_to
    if reply is None or message.deleted:
        return None
    sender = "You" if reply.sender_id == my_id else names.get(reply.sender_id, "Former member")
    # Deleted for everyone, or for me (ReplyTo.hidden): the same "Deleted message".
    return Quote(reply.seq, reply.sender_id, sender, quote_line(reply.snippet, reply.gone), reply.gone)


def who_reacted(user_ids: tuple[int, ...], count: int, names: Mapping[int, str], my_id: int) -> list[str]:
    return ["You" if u == my_id else names.get(u, "Former member") for u in user_ids][:count]


def people_line(people: list[str], count: int) -> str:
    """ "Alice", "Alice and Bob", "Alice, Bob and Carol", "Alice, Bob, Carol and 2 others"."""
    others = max(0, count - len(people))
    if others:
        return f"{', '.join(people)} and {others} other{'s' if others > 1 else ''}" if people else f"{count}"
    if len(people) <= 1:
        return people[0] if people else ""
    return f"{', '.join(people[:-1])} and {people[-1]}"


def chips_of(message: Message, names: Mapping[int, str], my_id: int) -> list[ReactionChip]:
    if message.deleted:
        return []
    mine = set(message.my_reactions or [])
    chips = []
    for reaction in message.reactions:
        people = who_reacted(reaction.user_ids, reaction.count, names, my_id)
        if reaction.emoji in mine and "You" not in people:
            people = ["You", *people[: max(0, min(len(people), reaction.count - 1))]]
        who = f"{people_line(people, reaction.count)} reacted with {reaction.emoji}"
        chips.append(ReactionChip(reaction.emoji, reaction.count, reaction.emoji in mine, who))
    return chips
