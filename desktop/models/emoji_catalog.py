"""The emoji the picker offers, from the maintained ``emoji`` package (the same table the server validates
reactions with): fully-qualified sequences only (what the server accepts), without skin-tone variants, in
categories, searchable by their CLDR names and aliases."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import emoji as emoji_table

RECENT = "Recent"
CATEGORIES = (
    ("Smileys & emotion", "😀"),
    ("People & body", "👋"),
    ("Animals & nature", "🐻"),
    ("Food & drink", "🍔"),
    ("Activities", "⚽"),
    ("Travel & places", "✈️"),
    ("Objects", "💡"),
    ("Symbols", "🔣"),
    ("Flags", "🏁"),
)
QUICK_REACTIONS = ("👍", "❤️", "😂", "😮", "😢", "🙏")  # the message menu's row
SEARCH_LIMIT = 240
# Where each category's list begins (its main Unicode block), the older code points after it.
_LEADS = {
    "Smileys & emotion": 0x1F600,
    "People & body": 0x1F44B,
    "Animals & nature": 0x1F400,
    "Food & drink": 0x1F345,
    "Activities": 0x1F380,
    "Travel & places": 0x1F680,
    "Objects": 0x1F4A1,
    "Symbols": 0x1F500,
    "Flags": 0x1F1E6,
}

# First code point → category (first range that holds it wins; anything else is a symbol). The emoji table
# has no groups, so these follow the Unicode blocks the way the CLDR groups mostly do.
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x1F1E6, 0x1F1FF, "Flags"),
    (0x1F3F3, 0x1F3F4, "Flags"),
    (0x1F3C1, 0x1F3C1, "Flags"),
    (0x1F6A9, 0x1F6A9, "Flags"),
    (0x1F38C, 0x1F38C, "Flags"),
    (0x1F645, 0x1F64F, "People & body"),
    (0x1F600, 0x1F64F, "Smileys & emotion"),
    (0x1F910, 0x1F917, "Smileys & emotion"),
    (0x1F918, 0x1F91F, "People & body"),
    (0x1F920, 0x1F925, "Smileys & emotion"),
    (0x1F926, 0x1F926, "People & body"),
    (0x1F927, 0x1F92F, "Smileys & emotion"),
    (0x1F970, 0x1F97A, "Smileys & emotion"),
    (0x1F9D0, 0x1F9D0, "Smileys & emotion"),
    (0x1FAE0, 0x1FAEF, "Smileys & emotion"),
    (0x1F479, 0x1F480, "Smileys & emotion"),
    (0x1F47A, 0x1F47D, "Smileys & emotion"),
    (0x1F48B, 0x1F49F, "Smileys & emotion"),
    (0x1F4A2, 0x1F4AB, "Smileys & emotion"),
    (0x1F4AD, 0x1F4AD, "Smileys & emotion"),
    (0x1F5E8, 0x1F5EF, "Smileys & emotion"),
    (0x1F90D, 0x1F90F, "Smileys & emotion"),
    (0x1F9E1, 0x1F9E1, "Smileys & emotion"),
    (0x1FA75, 0x1FA77, "Smileys & emotion"),
    (0x2763, 0x2764, "Smileys & emotion"),
    (0x2639, 0x263A, "Smileys & emotion"),
    (0x1F440, 0x1F450, "People & body"),
    (0x1F463, 0x1F487, "People & body"),
    (0x1F574, 0x1F57A, "People & body"),
    (0x1F590, 0x1F596, "People & body"),
    (0x1F6B4, 0x1F6B6, "People & body"),
    (0x1F6C0, 0x1F6CC, "People & body"),
    (0x1F930, 0x1F939, "People & body"),
    (0x1F93C, 0x1F93E, "People & body"),
    (0x1F9B0, 0x1F9B9, "People & body"),
    (0x1F9BB, 0x1F9BB, "People & body"),
    (0x1F9CD, 0x1F9DF, "People & body"),
    (0x1F9E0, 0x1F9E0, "People & body"),
    (0x1FAC0, 0x1FAC5, "People & body"),
    (0x1FAF0, 0x1FAF8, "People & body"),
    (0x261D, 0x261D, "People & body"),
    (0x26F7, 0x26F9, "People & body"),
    (0x270A, 0x270D, "People & body"),
    (0x1F3C2, 0x1F3C4, "People & body"),
    (0x1F3C7, 0x1F3C7, "People & body"),
    (0x1F3CA, 0x1F3CC, "People & body"),
    (0x1F300, 0x1F320, "Travel & places"),
    (0x1F330, 0x1F344, "Animals & nature"),
    (0x1F345, 0x1F37F, "Food & drink"),
    (0x1F380, 0x1F393, "Activities"),
    (0x1F396, 0x1F3F0, "Activities"),
    (0x1F3F5, 0x1F3FA, "Objects"),
    (0x1F400, 0x1F43F, "Animals & nature"),
    (0x1F54A, 0x1F54A, "Animals & nature"),
    (0x1F577, 0x1F578, "Animals & nature"),
    (0x1F980, 0x1F9AE, "Animals & nature"),
    (0x1FAB0, 0x1FABF, "Animals & nature"),
    (0x1FAD0, 0x1FADF, "Food & drink"),
    (0x1F950, 0x1F96F, "Food & drink"),
    (0x1F9C0, 0x1F9CB, "Food & drink"),
    (0x2615, 0x2615, "Food & drink"),
    (0x1F93A, 0x1F94F, "Activities"),
    (0x1F9E9, 0x1F9FF, "Objects"),
    (0x1FA80, 0x1FAAF, "Objects"),
    (0x26BD, 0x26BE, "Activities"),
    (0x26F3, 0x26F3, "Activities"),
    (0x26F8, 0x26F8, "Activities"),
    (0x1F680, 0x1F6FF, "Travel & places"),
    (0x1F5FA, 0x1F5FF, "Travel & places"),
    (0x1F3D4, 0x1F3F0, "Travel & places"),
    (0x26E9, 0x26FF, "Travel & places"),
    (0x2600, 0x2604, "Travel & places"),
    (0x26C4, 0x26C5, "Travel & places"),
    (0x2708, 0x2708, "Travel & places"),
    (0x1F4A0, 0x1F4FF, "Objects"),
    (0x1F500, 0x1F5FF, "Objects"),
    (0x1F9E2, 0x1F9E8, "Objects"),
    (0x231A, 0x231B, "Objects"),
    (0x2328, 0x2328, "Objects"),
    (0x23F0, 0x23F3, "Objects"),
    (0x260E, 0x260E, "Objects"),
    (0x2692, 0x2697, "Objects"),
    (0x2699, 0x269B, "Objects"),
    (0x2702, 0x2702, "Objects"),
    (0x2709, 0x2709, "Objects"),
    (0x270F, 0x2712, "Objects"),
)


@dataclass(frozen=True, slots=True)
class EmojiEntry:
    emoji: str
    name: str  # "thumbs up"
    keywords: tuple[str, ...]  # the words of its name and aliases, lower case


def _category(sequence: str) -> str:
    first = ord(sequence[0])
    for low, high, name in _RANGES:
        if low <= first <= high:
            return name
    return "Symbols"


def _words(name: str) -> tuple[str, ...]:
    return tuple(w for w in name.strip(":").lower().replace("_", " ").replace("-", " ").split() if w)


@functools.cache
def catalog() -> dict[str, tuple[EmojiEntry, ...]]:
    """Category name → its emoji in code point order (made once, on first use)."""
    fully_qualified = emoji_table.STATUS["fully_qualified"]
    grouped: dict[str, list[EmojiEntry]] = {name: [] for name, _ in CATEGORIES}
    for sequence, data in emoji_table.EMOJI_DATA.items():
        if data.get("status") != fully_qualified or any(0x1F3FB <= ord(c) <= 0x1F3FF for c in sequence):
            continue  # skin tones: the plain one stands for them (a reaction is about the gesture)
        name = " ".join(_words(str(data.get("en", ""))))
        keywords = set(_words(str(data.get("en", ""))))
        for alias in data.get("alias", []):
            keywords.update(_words(alias))
        grouped[_category(sequence)].append(EmojiEntry(sequence, name, tuple(sorted(keywords))))
    return {name: tuple(sorted(entries, key=_order)) for name, entries in grouped.items()}


def _order(entry: EmojiEntry) -> tuple[bool, list[int]]:
    """Code point order from the category's main block on (😀 … for smileys), then the ones before it."""
    lead = _LEADS.get(_category(entry.emoji), 0x1F000)
    return ord(entry.emoji[0]) < lead, [ord(c) for c in entry.emoji]


@functools.cache
def by_emoji() -> dict[str, EmojiEntry]:
    return {entry.emoji: entry for entries in catalog().values() for entry in entries}


def name_of(sequence: str) -> str:
    entry = by_emoji().get(sequence)
    return entry.name if entry is not None else sequence


def search(query: str, limit: int = SEARCH_LIMIT) -> list[EmojiEntry]:
    """Every word of ``query`` begins a word of the name or an alias ("thu up" finds 👍); names that
    begin with the query first."""
    words = _words(query)
    if not words:
        return []
    found = [
        entry
        for entries in catalog().values()
        for entry in entries
        if all(any(k.startswith(w) for k in entry.keywords) for w in words)
    ]
    joined = " ".join(words)
    found.sort(key=lambda e: (not e.name.startswith(joined), len(e.name)))
    return found[:limit]


def remember(recent: list[str], chosen: str, keep: int = 24) -> list[str]:
    """The recently used list after ``chosen`` was used: it goes first, once."""
    return [chosen, *[e for e in recent if e != chosen]][:keep]
