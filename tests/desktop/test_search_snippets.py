"""Search hits as shown: ranges in UTF-16 for Qt, a snippet around the first hit, server ranges checked."""

from __future__ import annotations

from desktop.models.search_snippets import hit_ranges, snippet, to_utf16, valid_ranges


def test_ranges_count_utf16_units_past_an_emoji():
    text = "🍕 pizza tonight"
    assert hit_ranges(text, "pizza") == [(2, 7)]  # code points, as the server's highlights
    assert to_utf16(text, [(2, 7)]) == [(3, 8)]  # the emoji takes two units in Qt's layout


def test_a_snippet_starts_shortly_before_the_first_hit_and_keeps_its_ranges():
    text = "word " * 30 + "the meeting is on Saturday\nsee you"
    ranges = hit_ranges(text, "saturday")
    shown, moved = snippet(text, ranges)
    assert shown.startswith("…") and "\n" not in shown
    assert [shown[s:e] for s, e in moved] == ["Saturday"]
    assert snippet("short Saturday", hit_ranges("short Saturday", "sat")) == ("short Saturday", [(6, 9)])


def test_ranges_from_the_server_are_checked_not_trusted():
    text = "hello world"
    assert valid_ranges(text, [[0, 5], [6, 11]]) == [(0, 5), (6, 11)]
    assert valid_ranges(text, [[0, 50], [3, 2], "x", [True, 4], [6, 8], [7, 9]]) == [(6, 8)]
    assert valid_ranges(text, None) == []
