"""What each form of GET …/messages covers (desktop/domain/coverage.py): seqs the server leaves out for me
inside the stretch a page answers for are covered, and nothing beyond what the page could have held."""

from __future__ import annotations

from desktop.domain import coverage


def test_before_pages_cover_down_to_their_first_message_or_to_1():
    assert coverage.before_page(100, [60, 61, 99], has_more=True) == (60, 99)
    assert coverage.before_page(100, [3, 50], has_more=False) == (1, 99)  # 1 and 2 are not for me
    assert coverage.before_page(100, [], has_more=False) == (1, 99)
    assert coverage.before_page(1, [], has_more=False) is None


def test_after_pages_cover_up_to_their_last_message_or_the_newest_seq_known():
    assert coverage.after_page(10, [11, 15], has_more=True, known_last=40) == (11, 15)
    assert coverage.after_page(10, [11, 15], has_more=False, known_last=17) == (11, 17)
    assert coverage.after_page(10, [], has_more=False, known_last=12) == (11, 12)  # 11, 12 deleted for me
    assert coverage.after_page(10, [], has_more=False, known_last=10) is None


def test_latest_and_around_pages():
    assert coverage.latest_page([8, 9], has_more=True, known_last=10) == (8, 10)
    assert coverage.latest_page([2, 3], has_more=False, known_last=3) == (1, 3)
    assert coverage.latest_page([], has_more=False, known_last=0) is None
    assert coverage.around_page(50, [40, 49, 50, 60], True, True, 99) == (40, 60)
    assert coverage.around_page(50, [49, 50], False, False, 70) == (1, 70)
    assert coverage.around_page(50, [50], True, True, 99) == (50, 50)  # nothing asked for before it
    assert coverage.around_page(50, [48], False, False, 0) == (1, 49)  # 50 itself is not for me


def test_ranges_that_touch_are_merged():
    assert coverage.merged([(5, 6), (1, 3), (4, 4), (9, 12), (10, 11)]) == [(1, 6), (9, 12)]
