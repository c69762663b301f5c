"""The history window of the message model: bounded rows, pages at either end, live messages past a window
that does not reach the newest, and moving the window (a jump)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from desktop.domain.coverage import HistoryRun
from desktop.domain.records import SENDING
from desktop.models.messages import MessageListModel
from tests.desktop.factories import message

ME, LAST = 1, 5000


def windowed_model(first: int, last: int, *, cached=range(1, LAST + 1)) -> MessageListModel:
    held = set(cached)

    def before(seq: int, limit: int):
        run = []
        for s in range(seq - 1, max(0, seq - 1 - limit), -1):
            if s not in held:
                break
            run.append(message(s))
        return HistoryRun(run[::-1], run[-1].confirmed_seq if run else seq)

    def after(seq: int, limit: int):
        run = []
        for s in range(seq + 1, seq + 1 + limit):
            if s not in held:
                break
            run.append(message(s))
        return HistoryRun(run, run[-1].confirmed_seq if run else seq)

    model = MessageListModel(my_id=ME)
    model.show_conversation(
        1,
        is_group=False,
        names={2: "Bob"},
        confirmed=[message(s) for s in range(first, last + 1)],
        older_loader=before,
        newer_loader=after,
        latest=lambda: LAST,
    )
    return model


def seqs(model: MessageListModel) -> list[int]:
    return [model.message_at(r).seq for r in range(model.rowCount())]


def test_scrolling_back_keeps_a_bounded_window_and_releases_the_newest(qtmodeltester):
    model = windowed_model(LAST - 99, LAST)
    model.max_rows, model.page_size = 300, 100
    model.set_older_wanted(True)
    for _ in range(10):
        model.fetchMore(QModelIndex())
        assert model.rowCount() <= 300
        shown = seqs(model)
        assert shown == list(range(shown[0], shown[0] + len(shown)))  # unbroken
    assert model.oldest_seq() == LAST - 1099 and model.newest_seq() == LAST - 800
    assert not model.at_newest
    qtmodeltester.check(model)


def test_a_window_after_a_jump_extends_downwards_from_the_cache_then_the_server(qtbot, qtmodeltester):
    model = windowed_model(LAST - 49, LAST, cached=[*range(1, 121), *range(LAST - 49, LAST + 1)])
    model.max_rows = 150
    moved = []
    model.window_moved.connect(moved.append)
    model.show_window([message(s) for s in range(1, 101)], 50)
    assert moved == [50] and seqs(model) == list(range(1, 101)) and not model.at_newest
    model.fetch_newer()  # the cache holds 101..120, then a gap
    assert model.newest_seq() == 120
    with qtbot.waitSignal(model.newer_wanted_from_server, timeout=20000) as asked:
        model.fetch_newer()
    assert asked.args == [120]
    model.fetch_newer()  # already waiting: nothing asked twice
    model.append_newer([message(s) for s in range(121, 221)])
    assert model.rowCount() == 150 and model.oldest_seq() == 71  # the oldest released
    assert model.newest_seq() == 220
    qtmodeltester.check(model)


def test_live_messages_past_a_window_that_ends_earlier_wait_for_the_scroll(qtbot):
    model = windowed_model(LAST - 9, LAST)
    pending = message(None, sender_id=ME, text="hello", state=SENDING, client_id="c-1")
    model.add_pending(pending)
    model.show_window([message(s) for s in range(10, 20)], 15)
    assert seqs(model)[-1] is None  # what is sending stays at the end
    model.merge([message(LAST + 1), message(15, text="edited")])
    assert seqs(model)[:-1] == list(range(10, 20))  # the new one is not glued to the window
    assert model.message_at(model.row_of_seq(15)).text == "edited"  # a change inside it is shown
    model.merge([message(LAST + 2, sender_id=ME, text="hello", client_id="c-1")])
    assert seqs(model) == list(range(10, 20))  # my sent message lives past the window now
    model.show_window([message(s) for s in range(LAST - 9, LAST + 3)])  # back to the newest
    assert model.at_newest and model.newest_seq() == LAST + 2
    model.merge([message(LAST + 3)])
    assert model.newest_seq() == LAST + 3


def test_reaching_the_end_from_the_server_makes_the_window_live_again():
    model = windowed_model(LAST - 9, LAST)
    model.show_window([message(s) for s in range(10, 20)], 15)
    model.append_newer([message(s) for s in range(20, 30)], reached_end=True)
    assert model.at_newest
    model.merge([message(30)])
    assert model.newest_seq() == 30


def test_a_server_with_nothing_older_is_not_asked_again(qtbot):
    model = windowed_model(3, 40, cached=range(3, 41))  # 1 and 2: deleted for me, never in a page
    model.set_older_wanted(True)
    with qtbot.waitSignal(model.older_wanted_from_server, timeout=20000):
        model.fetchMore(QModelIndex())
    model.prepend_older([], reached_start=True)
    assert not model.has_older() and not model.canFetchMore(QModelIndex())
    model.show_window([message(s) for s in range(10, 20)], 15)
    assert model.has_older()  # another window: its start is not known to be the conversation's
