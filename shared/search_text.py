"""Search tokens from message text, the same on the server (PostgreSQL) and the client (SQLite FTS5).

Matching people expect, without pg_trgm, unaccent or an ICU locale: NFKC, casefold and accents dropped
(``cafe`` finds "Café"), words of letters and digits, each emoji a word of its own, and CJK (Han, kana,
Hangul), which has no spaces between words, as overlapping bigrams plus the last character of each run, so
that a one-character query (a prefix) finds every occurrence and a two-character word, the common case in
Chinese and Japanese, is one term. The last word of a query is a prefix, so results come while typing.

Every token keeps the span of the original text it came from (code point offsets), for highlighting.
Pure standard library on purpose: both runtime venvs import it.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

# Longer words are cut to this many characters, on both sides alike (a PostgreSQL lexeme holds 2 KiB).
MAX_TERM_CHARS = 64
# Combining marks that are accents to search (Latin, Greek, Cyrillic diacritics; Hebrew points; Arabic
# harakat; emoji variation selectors). Others carry meaning (kana voicing marks, Indic vowel signs) and stay.
_ACCENT_RANGES = (
    (0x0300, 0x036F),
    (0x0483, 0x0489),
    (0x0591, 0x05C7),
    (0x0610, 0x061A),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE00, 0xFE0F),
    (0xFE20, 0xFE2F),
)
# Scripts written without spaces between words (and Hangul, whose particles stick to the word).
_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2FDF),  # CJK radicals
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x31FF),  # Bopomofo, Hangul compatibility Jamo, Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xA960, 0xA97F),  # Hangul Jamo extended A
    (0xAC00, 0xD7FF),  # Hangul syllables, Jamo extended B
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x323AF),  # CJK extensions B to H
)

WORD, CJK, SYMBOL = "word", "cjk", "symbol"


@dataclass(frozen=True)
class Token:
    """A search term and the original text's ``[start, end)`` it stands for."""

    text: str
    start: int
    end: int
    kind: str  # WORD, CJK (a bigram, or one character) or SYMBOL (an emoji)


@dataclass(frozen=True)
class QueryTerm:
    """One term every hit must hold; ``prefix``: a stored term that starts with it matches too."""

    text: str
    prefix: bool


def _in(ranges: tuple[tuple[int, int], ...], char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in ranges)


@functools.lru_cache(maxsize=8192)
def _fold(cluster: str) -> str:
    """One character with its combining marks, as search sees it: NFKC, casefolded, accents dropped."""
    folded = unicodedata.normalize("NFKC", cluster).casefold()
    bare = "".join(c for c in unicodedata.normalize("NFD", folded) if not _in(_ACCENT_RANGES, c))
    return unicodedata.normalize("NFC", bare)


@functools.lru_cache(maxsize=8192)
def _kind(char: str) -> str | None:
    if _in(_CJK_RANGES, char):
        return CJK
    category = unicodedata.category(char)
    if category[0] in "LN" or category in ("Mn", "Mc"):
        return WORD
    if category == "So":
        return SYMBOL
    return None


def folded_chars(text: str) -> list[tuple[str, int, int]]:
    """The text folded character by character: (char, start, end) with the original span each came from
    (a base character and its combining marks are folded together; "ﬁ" gives two chars of one span)."""
    out: list[tuple[str, int, int]] = []
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and unicodedata.category(text[j])[0] == "M":
            j += 1
        out.extend((c, i, j) for c in _fold(text[i:j]))
        i = j
    return out


def _runs(text: str) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """Maximal runs of one kind (each symbol a run of its own), characters of no kind dropped."""
    runs: list[tuple[str, list[tuple[str, int, int]]]] = []
    for char, start, end in folded_chars(text):
        kind = _kind(char)
        if kind is None:
            runs.append(("", []))
        elif runs and runs[-1][0] == kind and kind != SYMBOL:
            runs[-1][1].append((char, start, end))
        else:
            runs.append((kind, [(char, start, end)]))
    return [(kind, chars) for kind, chars in runs if chars]


def tokens(text: str) -> list[Token]:
    """The search tokens of a text, in order: what an index stores for it (see :func:`index_terms`)."""
    found: list[Token] = []
    for kind, chars in _runs(text):
        if kind == CJK:
            for a, b in itertools.pairwise(chars):
                found.append(Token(a[0] + b[0], a[1], b[2], CJK))
            last = chars[-1]
            found.append(Token(last[0], last[1], last[2], CJK))
        else:
            word = "".join(c for c, _, _ in chars)[:MAX_TERM_CHARS]
            found.append(Token(word, chars[0][1], chars[-1][2], kind))
    return found


_ASCII_WORD = re.compile(r"[a-z0-9]+")


def index_terms(text: str | None) -> list[str]:
    """The distinct terms to index for a message text, sorted (empty for none). Run for every message
    sent, so plain ASCII, where all of the above comes down to lower case, takes a shortcut."""
    text = text or ""
    if text.isascii():
        return sorted({word[:MAX_TERM_CHARS] for word in _ASCII_WORD.findall(text.lower())})
    return sorted({t.text for t in tokens(text)})


def query_terms(query: str) -> list[QueryTerm]:
    """What a search for ``query`` asks for: every term must be present. A CJK run of two or more
    characters gives its bigrams; one CJK character, and the last word from its second letter, are
    prefixes."""
    terms: list[QueryTerm] = []
    runs = _runs(query)
    for index, (kind, chars) in enumerate(runs):
        text = "".join(c for c, _, _ in chars)
        if kind == CJK:
            if len(chars) == 1:
                terms.append(QueryTerm(text, True))
            else:
                terms.extend(QueryTerm(text[k : k + 2], False) for k in range(len(text) - 1))
        else:
            last = index == len(runs) - 1
            # One letter as a prefix would ask for every word that starts with it: wait for a second.
            terms.append(QueryTerm(text[:MAX_TERM_CHARS], kind == WORD and last and len(text) >= 2))
    unique: dict[str, QueryTerm] = {}
    for term in terms:
        # The same word twice is asked once; a prefix and an exact form of it: the exact one is stricter.
        if term.text not in unique or not term.prefix:
            unique[term.text] = term
    return list(unique.values())


def highlights(text: str, query: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` spans of ``text`` (code points) that ``query`` matched, sorted and merged.

    A word is highlighted as far as the query's word reaches into it (``meet`` in "meeting": four
    letters); a CJK query run wherever the text holds it whole, else wherever its bigrams are."""
    chars = folded_chars(text)
    folded = "".join(c for c, _, _ in chars)
    spans: list[tuple[int, int]] = []
    text_tokens = tokens(text)
    for kind, qchars in _runs(query):
        word = "".join(c for c, _, _ in qchars)[:MAX_TERM_CHARS]
        if kind == CJK:
            whole = _occurrences(folded, word, chars)
            if whole or len(word) == 1:
                spans.extend(whole)
                continue
            bigrams = {word[k : k + 2] for k in range(len(word) - 1)}
            spans.extend((t.start, t.end) for t in text_tokens if t.kind == CJK and t.text in bigrams)
            continue
        for token in text_tokens:
            if token.kind == kind and token.text.startswith(word):
                spans.append((token.start, _span_end(chars, token, len(word))))
    return _merged(spans)


def _occurrences(folded: str, needle: str, chars: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    found = []
    at = folded.find(needle)
    while at >= 0:
        found.append((chars[at][1], chars[at + len(needle) - 1][2]))
        at = folded.find(needle, at + 1)
    return found


def _span_end(chars: list[tuple[str, int, int]], token: Token, length: int) -> int:
    """Where, in the original text, the first ``length`` folded characters of ``token`` end."""
    if length >= len(token.text):
        return token.end
    first = next(k for k, (_, start, _) in enumerate(chars) if start == token.start)
    return chars[first + length - 1][2]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
