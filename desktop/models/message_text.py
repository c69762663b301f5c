"""A message's plain text as the bubbles show it: line breaks, links found in it, and emoji-only messages.

Everything here works on plain text: links are found by a regular expression, never by parsing markup, and
their positions are in UTF-16 code units because that is how Qt's text layout counts."""

from __future__ import annotations

import re
from dataclasses import dataclass

LINE_SEPARATOR = "\u2028"  # QTextLayout breaks a line here; it ignores "\n"
LINK_SCHEMES = ("http", "https", "mailto")  # the only ones ever opened; anything else stays text
MAX_EMOJI = 3  # messages of one to three emoji (and nothing else) are shown large

_LINK = re.compile(
    r"(?<![\w@/])(?:(?:https?://|www\.)[^\s<>\"]+|mailto:[^\s<>\"/]+@[^\s<>\"]+)",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"…»"
_PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, slots=True)
class Link:
    """A link in the displayed text: ``start`` and ``end`` in UTF-16 units, ``url`` as it will be opened."""

    start: int
    end: int
    url: str


def display_text(text: str) -> str:
    """The text as laid out: every line break (\\n, \\r\\n, \\r) becomes the separator QTextLayout honours,
    so paragraphs, blank lines and code keep their shape. Same length as the text with CRLFs folded."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\n", LINE_SEPARATOR) if "\n" in text else text


def copied_text(displayed: str) -> str:
    """Back from the displayed form, for the clipboard."""
    return displayed.replace(LINE_SEPARATOR, "\n")


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_slice(text: str, start: int, end: int) -> str:
    """``text[start:end]`` where start and end count UTF-16 units (as QTextLayout cursor positions do)."""
    data = text.encode("utf-16-le")
    return data[2 * max(0, start) : 2 * max(0, end)].decode("utf-16-le", errors="ignore")


def _trim(candidate: str) -> str:
    """Leaves out of the link the punctuation that ends a sentence and a closing bracket opened outside it."""
    while candidate:
        last = candidate[-1]
        unbalanced = last in _PAIRS and candidate.count(last) > candidate.count(_PAIRS[last])
        if last not in _TRAILING and not unbalanced:
            break
        candidate = candidate[:-1]
    return candidate


def safe_url(candidate: str) -> str | None:
    """The URL to open for a link's text, or None unless its scheme is http, https or mailto."""
    if candidate.lower().startswith("www."):
        candidate = "https://" + candidate
    scheme, colon, rest = candidate.partition(":")
    if not colon or scheme.lower() not in LINK_SCHEMES or not rest.strip("/"):
        return None
    return candidate


def find_links(displayed: str) -> list[Link]:
    """Links in the displayed text, in order; positions in UTF-16 units."""
    if "." not in displayed and ":" not in displayed:
        return []
    links: list[Link] = []
    for match in _LINK.finditer(displayed):
        candidate = _trim(match.group(0))
        url = safe_url(candidate)
        if url is None:
            continue
        start = utf16_length(displayed[: match.start()])
        links.append(Link(start, start + utf16_length(candidate), url))
    return links


def _is_pictographic(code: int) -> bool:
    return (
        0x1F000 <= code <= 0x1FAFF  # pictographs, emoticons, transport, flags' letters, skin tones
        or 0x2600 <= code <= 0x27BF  # symbols and dingbats (☀ ✂ ❤)
        or 0x2300 <= code <= 0x23FF  # ⌚ ⏰
        or 0x2B00 <= code <= 0x2BFF  # ⬆ ⭐
        or 0x2190 <= code <= 0x21FF  # arrows
        or 0x25A0 <= code <= 0x25FF  # ▶ ◀
        or code in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x3030, 0x303D, 0x3297, 0x3299)
    )


def _joins(code: int) -> bool:
    """Parts of an emoji sequence that never stand alone: joiner, variation selector, keycap, tags."""
    return code in (0x200D, 0xFE0F, 0xFE0E, 0x20E3) or 0xE0020 <= code <= 0xE007F


def emoji_count(text: str) -> int:
    """How many emoji the text holds if it holds nothing else (whitespace aside) and at most MAX_EMOJI of
    them; 0 otherwise. A ZWJ family, a flag or a keycap counts as one."""
    stripped = "".join(text.split())
    if not stripped or len(stripped) > 12 * MAX_EMOJI:
        return 0
    count = 0
    previous_joiner = True  # the start behaves like "after a joiner": a new emoji may begin
    regional = 0
    for char in stripped:
        code = ord(char)
        if _joins(code):
            previous_joiner = code == 0x200D
            if code == 0x20E3 and count == 0:
                return 0
            continue
        if 0x1F1E6 <= code <= 0x1F1FF:  # two regional indicators make one flag
            regional += 1
            if regional % 2 == 1:
                count += 1
            previous_joiner = False
            continue
        if 0x1F3FB <= code <= 0x1F3FF and count:  # a skin tone modifies the emoji before it
            continue
        if char in "#*0123456789":  # a keycap's base: counted, and must be followed by U+20E3
            count += 1
            previous_joiner = False
            continue
        if not _is_pictographic(code):
            return 0
        if not previous_joiner or count == 0:
            count += 1
        previous_joiner = False
        if count > MAX_EMOJI:
            return 0
    if any(c in "#*0123456789" for c in stripped) and "\u20e3" not in stripped:
        return 0
    return count if count <= MAX_EMOJI else 0
