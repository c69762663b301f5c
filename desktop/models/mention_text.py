"""Mentions in plain text, by the server's rule (docs/protocol.md, "Mentions"): ``@username`` after no word
character or ``@``; a trailing ``.`` or ``-`` may end the sentence. Used to mark mentions of me in a bubble
and to find the name being typed after ``@`` in the composer."""

from __future__ import annotations

import re

_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{1,32})")
_TYPING = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{0,32})$")


def mention_ranges(text: str, username: str) -> list[tuple[int, int]]:
    """Where ``@username`` (any case) stands in ``text``, as (start, end) ranges of the characters."""
    if not username or "@" not in text:
        return []
    wanted = username.casefold()
    ranges = []
    for match in _MENTION.finditer(text):
        name = match.group(1)
        for candidate in (name, name.rstrip(".-")):
            if candidate.casefold() == wanted:
                ranges.append((match.start(), match.start(1) + len(candidate)))
                break
    return ranges


def typed_mention(text_before_cursor: str) -> str | None:
    """The name typed so far after an ``@`` right before the cursor ("" just after the ``@``), or None when
    the cursor is not in a mention."""
    match = _TYPING.search(text_before_cursor)
    return match.group(1) if match else None
