"""Where a conversation with unread messages opens: at the first message of someone else's after my read
position, marked by an "Unread messages" divider that stays put while the conversation is open (reading
does not move it; opening the conversation again does)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from desktop.domain.records import Message

DIVIDER_TEXT = "Unread messages"


def first_unread_seq(
    rows: Sequence[Message], seqs: Sequence[int], after: int | None, my_id: int
) -> int | None:
    """The seq of the first loaded message after ``after`` that someone else wrote, or None.

    ``rows`` starts with the confirmed messages in ``seqs`` order (pending ones follow, and are mine)."""
    if after is None:
        return None
    for position in range(bisect.bisect_right(seqs, after), len(seqs)):
        if rows[position].sender_id != my_id:
            return seqs[position]
    return None
