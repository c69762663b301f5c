"""How a message reads once the server applies my reaction change, shown before it answers (optimistic)."""

from __future__ import annotations

import dataclasses

from desktop.domain.records import Message, Reaction

NAMED_REACTORS = 3  # a reaction names its first three (docs/protocol.md, "Reactions")


def with_my_reaction(message: Message, emoji: str, on: bool, my_id: int) -> Message | None:
    """A copy of ``message`` with my ``emoji`` added (``on``) or taken back: its count one up or down, mine
    or no longer mine; None when that changes nothing (I have it already, or never had it). The server's
    answer replaces it with absolute counts, so nothing here is ever added to what it says."""
    mine = list(message.my_reactions or [])
    if (emoji in mine) == on:
        return None
    reactions = list(message.reactions)
    at = next((i for i, r in enumerate(reactions) if r.emoji == emoji), None)
    if on:
        mine.append(emoji)
        if at is None:
            reactions.append(Reaction(emoji, 1, (my_id,)))
        else:
            held = reactions[at]
            users = held.user_ids
            if my_id not in users and len(users) < NAMED_REACTORS:
                users = (*users, my_id)
            reactions[at] = Reaction(emoji, held.count + 1, users)
    else:
        mine.remove(emoji)
        if at is not None and reactions[at].count <= 1:
            del reactions[at]
        elif at is not None:
            held = reactions[at]
            reactions[at] = Reaction(emoji, held.count - 1, tuple(u for u in held.user_ids if u != my_id))
    return dataclasses.replace(message, reactions=reactions, my_reactions=mine, layout_key=None)
