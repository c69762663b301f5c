"""Mentions: the @usernames a message's text names, as candidates the database resolves to members."""

from __future__ import annotations

import re

# A username (schemas._USERNAME) after an @ that does not follow a word character or another @ (so an
# e-mail address mentions nobody).
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{3,32})")
MAX_NAMES = 50  # distinct names looked up per message; a text naming more mentions only the first ones


def names(text: str | None) -> str:
    """The lower-cased usernames the text may mention, space-separated ("" for none: the send path's
    usual case, which costs one ``in`` test). A name may end a sentence ("@alice."), so the name without
    its trailing dots and dashes is a candidate too."""
    if not text or "@" not in text:
        return ""
    found: dict[str, None] = {}
    for match in _MENTION.finditer(text):
        name = match.group(1).lower()
        for candidate in (name, name.rstrip(".-")):
            if len(candidate) >= 3:
                found.setdefault(candidate)
        if len(found) >= MAX_NAMES:
            break
    return " ".join(list(found)[:MAX_NAMES])
