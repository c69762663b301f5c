"""Search hits as text to show: the highlighted ranges of a message, in UTF-16 units for Qt's text layout,
and a short one-line snippet around the first of them. Plain text throughout: the ranges are positions,
never markup, so nothing from the network is ever parsed."""

from __future__ import annotations

from functools import lru_cache

from desktop.domain.search_hits import Ranges
from shared.search_text import highlights

SNIPPET_BEFORE = 20  # characters kept before the first hit: it stays in sight in a narrow list
SNIPPET_LENGTH = 160


@lru_cache(maxsize=2048)
def _found(text: str, query: str) -> tuple[tuple[int, int], ...]:
    return tuple(highlights(text, query))


def hit_ranges(text: str, query: str) -> Ranges:
    """Where ``query`` matches ``text``, as ``[start, end)`` code points (the server's ``highlights``)."""
    return list(_found(text, query)) if text and query.strip() else []


def to_utf16(text: str, ranges: Ranges) -> Ranges:
    """Code-point ranges as UTF-16 positions (QTextLayout counts those): characters beyond the BMP (emoji)
    take two units each."""
    if text.isascii():
        return list(ranges)
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + (2 if ord(char) > 0xFFFF else 1))
    limit = len(text)
    return [(offsets[min(s, limit)], offsets[min(e, limit)]) for s, e in ranges if s < e]


def valid_ranges(text: str, ranges: object) -> Ranges:
    """Ranges from the server, checked: pairs of ints inside the text, in order; anything else dropped."""
    kept: Ranges = []
    if not isinstance(ranges, list):
        return kept
    for pair in ranges:
        if (
            isinstance(pair, list | tuple)
            and len(pair) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
            and 0 <= pair[0] < pair[1] <= len(text)
            and (not kept or pair[0] >= kept[-1][1])
        ):
            kept.append((pair[0], pair[1]))
    return kept


def snippet(text: str, ranges: Ranges) -> tuple[str, Ranges]:
    """One line of the message around its first hit (line breaks as spaces, "…" where it was cut) and the
    hit ranges moved into it, still in code points."""
    flat = text.replace("\n", " ").replace("\r", " ")  # as long as the text: the ranges still fit
    start = 0
    if ranges and ranges[0][0] > SNIPPET_BEFORE:
        start = ranges[0][0] - SNIPPET_BEFORE
        space = flat.find(" ", start, ranges[0][0])
        start = space + 1 if space >= 0 else start
    end = min(len(flat), start + SNIPPET_LENGTH)
    shown = ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
    shift = 1 if start else 0
    moved = [
        (max(s, start) - start + shift, min(e, end) - start + shift)
        for s, e in ranges
        if e > start and s < end
    ]
    return shown, moved
