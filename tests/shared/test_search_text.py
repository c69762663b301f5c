"""The shared search normaliser: a table of texts and the terms indexed for them, in several scripts, then
queries, prefixes and highlight spans (code point offsets into the original text)."""

from __future__ import annotations

import pytest

from shared.search_text import MAX_TERM_CHARS, QueryTerm, highlights, index_terms, query_terms, tokens


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        # Latin: case, accents, compatibility forms (ligatures, full width), ß
        ("Café au LAIT", ["au", "cafe", "lait"]),
        ("Crème Brûlée, naïve façade", ["brulee", "creme", "facade", "naive"]),
        ("cafe\u0301 decomposed", ["cafe", "decomposed"]),
        ("ﬁle Straße ＡＢＣ", ["abc", "file", "strasse"]),
        ("don't stop-me now!", ["don", "me", "now", "stop", "t"]),
        # Cyrillic and Greek (final sigma folds to sigma)
        ("Встреча в СУББОТУ", ["в", "встреча", "субботу"]),
        ("Ἀθῆναι ΟΔΟΣ", ["αθηναι", "οδοσ"]),
        # Arabic: harakat dropped; Hebrew points dropped
        ("مَرْحَبًا بالعالم", ["بالعالم", "مرحبا"]),
        ("שָׁלוֹם", ["שלום"]),
        # Chinese and Japanese: overlapping bigrams and each run's last character
        ("明日の会議は10時", ["10", "の会", "は", "会議", "日の", "明日", "時", "議は"]),
        ("会议", ["会议", "议"]),
        ("字", ["字"]),
        ("ｶﾀｶﾅ", ["カタ", "カナ", "タカ", "ナ"]),  # half width katakana, NFKC
        ("がっこう", ["う", "がっ", "こう", "っこ"]),  # voicing marks stay: が is not か
        # Korean: Hangul syllables as bigrams too, so a word is found with its particle attached
        ("회의는 내일", ["내일", "는", "의는", "일", "회의"]),
        # Emoji: each a word; skin tones and variation selectors dropped
        ("party 🎉🎉 👍🏽 ❤️", ["party", "❤", "🎉", "👍"]),
        # Mixed, digits, nothing to index
        ("Meet at 10:30 in Zürich", ["10", "30", "at", "in", "meet", "zurich"]),
        ("  ...!!  ", []),
        ("", []),
    ],
)
def test_index_terms_by_script(text, terms):
    assert index_terms(text) == terms


def test_none_indexes_nothing():
    assert index_terms(None) == []


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("cafe", [QueryTerm("cafe", True)]),
        ("CAFÉ meet", [QueryTerm("cafe", False), QueryTerm("meet", True)]),
        ("会議", [QueryTerm("会議", False)]),
        ("会議室", [QueryTerm("会議", False), QueryTerm("議室", False)]),
        ("会", [QueryTerm("会", True)]),
        ("회의", [QueryTerm("회의", False)]),
        ("суббота встреча", [QueryTerm("суббота", False), QueryTerm("встреча", True)]),
        ("🎉", [QueryTerm("🎉", False)]),
        ("party 🎉", [QueryTerm("party", False), QueryTerm("🎉", False)]),
        ("meet meet", [QueryTerm("meet", False)]),
        ("a", [QueryTerm("a", False)]),  # one letter is not yet a prefix
        ("plan a", [QueryTerm("plan", False), QueryTerm("a", False)]),
        ("ab", [QueryTerm("ab", True)]),
        ("?!", []),
    ],
)
def test_query_terms(query, terms):
    assert query_terms(query) == terms


def test_every_occurrence_of_a_cjk_character_starts_a_term():
    # A one-character query is a prefix: each character but a run's last starts a bigram, the last is a term.
    text = "明日の会議は"
    terms = index_terms(text)
    for char in text:
        assert any(term.startswith(char) for term in terms)


def test_long_words_are_cut_alike_on_both_sides():
    word = "a" * (MAX_TERM_CHARS + 30)
    assert index_terms(word) == ["a" * MAX_TERM_CHARS]
    assert query_terms(word) == [QueryTerm("a" * MAX_TERM_CHARS, True)]


def test_token_spans_point_into_the_original_text():
    text = "Ça va, Zoë?"
    assert [(t.text, text[t.start : t.end]) for t in tokens(text)] == [
        ("ca", "Ça"),
        ("va", "va"),
        ("zoe", "Zoë"),
    ]


@pytest.mark.parametrize(
    ("text", "query", "spans"),
    [
        ("Café meeting", "cafe meet", [(0, 4), (5, 9)]),
        ("Meeting, meet, MEETS", "meet", [(0, 4), (9, 13), (15, 19)]),
        ("cafe\u0301!", "cafe", [(0, 5)]),  # the combining accent belongs to the highlighted letter
        ("明日の会議は10時", "会議", [(3, 5)]),
        ("会議と会議", "会議", [(0, 2), (3, 5)]),
        ("会議室の予約", "会議室", [(0, 3)]),
        ("議室で会議", "会議室", [(0, 2), (3, 5)]),  # not whole: its bigrams, where they are
        ("明日の会議", "会", [(3, 4)]),
        ("내일 회의는", "회의", [(3, 5)]),
        ("Встреча в субботу", "суб", [(10, 13)]),
        ("🎉 done 🎉", "🎉", [(0, 1), (7, 8)]),
        ("nothing here", "cafe", []),
    ],
)
def test_highlights(text, query, spans):
    assert highlights(text, query) == spans


@pytest.mark.parametrize(
    "text",
    ["Hello, World! 10:30", "a_b-c.d'e", "tab\there\nline", "^`$+<=>|~ only", "x" * 100, "MiXeD 42abc"],
)
def test_the_ascii_shortcut_gives_what_the_general_path_gives(text):
    assert index_terms(text) == sorted({t.text for t in tokens(text)})
