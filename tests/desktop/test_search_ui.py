"""Search in the desktop client against a real server: the list's search field (and Ctrl+Shift+F) finds
messages in every conversation, the cache's at once and the server's merged in, grouped by conversation;
Enter or a click jumps there. Ctrl+F finds in the open conversation and steps between its hits."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.models.search_results import SearchRole
from desktop.views import palette_colors
from tests.desktop.history_seed import bulk_messages
from tests.desktop.pairs import signed_in_with_two_chats


def _rows(model) -> list[tuple[bool, str]]:
    return [
        (bool(model.index(r).data(SearchRole.IS_HEADER)), model.index(r).data())
        for r in range(model.rowCount())
    ]


def test_global_search_groups_the_cache_and_the_server_and_jumps_to_a_hit(
    live_server, database_url, desktop_client, qtbot
):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    assert bob.send(direct, "Meeting on Saturday at the Café").status_code == 201
    assert bob.send(group, "saturday climbing? 🧗").status_code == 201
    history = alice.chat.state.history
    qtbot.waitUntil(
        lambda: history.count_messages(direct) == 2 and history.count_messages(group) == 2, timeout=30000
    )
    # far back in the 1:1, on the server only: 400 messages this device never loaded
    bulk_messages(database_url, direct, bob.id, 400, words="saturday archive")
    window = alice.session.window
    wiring = alice.session.search
    qtbot.keyClick(
        window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.filter_edit.hasFocus()
    qtbot.keyClicks(window.filter_edit, "SATURDAY")
    panel = wiring.panel
    # the cache's two at once, then the server's: each message once, newest first, grouped by conversation
    qtbot.waitUntil(lambda: panel.isVisible() and wiring.results.hit_count == 2 + 50, timeout=30000)
    rows = _rows(wiring.results)
    headers = [text for is_header, text in rows if is_header]
    assert headers == ["Climbing", "Bob"]  # the group holds the newest hit
    snippets = [text for is_header, text in rows if not is_header]
    assert len(set(snippets)) == len(snippets) and "Meeting on Saturday at the Café" in snippets
    cafe = next(r for r in range(wiring.results.rowCount()) if wiring.results.index(r).data() == snippets[-1])
    index = wiring.results.index(cafe)
    assert index.data(SearchRole.SENDER) == "Bob" and index.data(SearchRole.DATE)
    assert panel.status_label.text() == "Messages: 52"

    # a hit the cache does not hold, far back: a click jumps there, the window loads around it
    found = wiring.results
    hit = next(r for r in range(found.rowCount()) if found.index(r).data() == "saturday archive 360")
    view = panel.results_view
    view.scrollTo(wiring.results.index(hit))
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(wiring.results.index(hit)).center()
    )
    messages = alice.session.panel.messages
    qtbot.waitUntil(lambda: messages.flashed_row() is not None, timeout=30000)
    assert alice.chat.open_conversation_id == direct
    assert alice.chat.messages.message_at(messages.flashed_row()).text == "saturday archive 360"

    # the keyboard: Enter in the field goes to the first (newest) hit, in the group
    window.filter_edit.setFocus()
    window.filter_edit.clear()
    qtbot.keyClicks(window.filter_edit, "climbing")
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: alice.chat.open_conversation_id == group, timeout=30000)
    qtbot.waitUntil(lambda: messages.flashed_row() is not None, timeout=30000)

    window.filter_edit.clear()
    qtbot.keyClicks(window.filter_edit, "zebra")
    qtbot.waitUntil(lambda: panel.status_label.text() == "Nothing found for “zebra”", timeout=30000)
    assert not panel.results_view.isVisible()
    window.filter_edit.clear()
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=10000)
    bob.session.close()


def test_search_offline_shows_what_the_cache_holds(live_server, desktop_client, qtbot):
    alice, bob, direct, _group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    assert bob.send(direct, "明日の会議は10時").status_code == 201
    qtbot.waitUntil(lambda: alice.chat.state.history.count_messages(direct) == 2, timeout=30000)
    live_server.stop()
    window = alice.session.window
    window.focus_filter()
    window.filter_edit.setText("会議")  # as an input method commits it (QTest types no CJK keys)
    wiring = alice.session.search
    qtbot.waitUntil(lambda: wiring.panel.status_label.text() == "Messages: 1", timeout=30000)
    index = wiring.results.index(wiring.results.first_hit_row())
    assert index.data() == "明日の会議は10時" and index.data(SearchRole.RANGES) == [(3, 5)]
    bob.session.close()


def test_find_in_the_conversation_steps_between_hits_and_marks_them(
    live_server, database_url, desktop_client, qtbot
):
    alice, bob, direct, _group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    for text in ("pizza tonight?", "no, pasta", "pizza it is", "the pizza was great"):
        assert bob.send(direct, text).status_code == 201
    qtbot.waitUntil(lambda: alice.chat.state.history.count_messages(direct) == 5, timeout=30000)
    alice.chat.open_conversation(direct)
    window = alice.session.window
    bar = window.chat_panel.find_bar
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert bar.isVisible() and bar.edit.hasFocus()
    qtbot.keyClicks(bar.edit, "pizza")
    qtbot.waitUntil(lambda: bar.count_label.text() == "1 of 3", timeout=30000)
    view = window.chat_panel.messages
    model = alice.chat.messages
    qtbot.waitUntil(lambda: view.flashed_row() is not None, timeout=30000)
    assert model.message_at(view.flashed_row()).text == "the pizza was great"
    marks = view.bubble_delegate.highlight_ranges
    assert marks is not None and marks(model.index(view.flashed_row())) == [(4, 9)]
    assert marks(model.index(model.row_of_seq(3))) == []  # "no, pasta"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)  # older
    qtbot.waitUntil(lambda: bar.count_label.text() == "2 of 3", timeout=10000)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: bar.count_label.text() == "3 of 3", timeout=10000)
    qtbot.waitUntil(
        lambda: model.message_at(view.currentIndex().row()).text == "pizza tonight?", timeout=10000
    )
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # newer
    qtbot.waitUntil(lambda: bar.count_label.text() == "2 of 3", timeout=10000)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: bar.count_label.text() == "1 of 3", timeout=10000)
    bar.edit.clear()
    qtbot.keyClicks(bar.edit, "sushi")
    qtbot.waitUntil(lambda: bar.count_label.text() == "No results", timeout=30000)
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and alice.session.search.find.query == ""
    assert marks(model.index(model.row_of_seq(2))) == []
    bob.session.close()


def _marker_pixels(view, row: int, colour) -> int:
    """How many pixels of ``colour`` the row's bubble shows (the marker behind its hits)."""
    image = view.viewport().grab(view.visualRect(view.model().index(row, 0))).toImage()
    wanted = colour.rgb()
    return sum(1 for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) == wanted)


def test_the_current_hit_stays_marked_apart_from_the_others_after_its_flash(
    live_server, desktop_client, qtbot
):
    alice, bob, direct, _group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    for text in ("pizza tonight?", "pizza it is"):
        assert bob.send(direct, text).status_code == 201
    qtbot.waitUntil(lambda: alice.chat.state.history.count_messages(direct) == 3, timeout=30000)
    alice.chat.open_conversation(direct)
    window = alice.session.window
    bar = window.chat_panel.find_bar
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(bar.edit, "pizza")
    qtbot.waitUntil(lambda: bar.count_label.text() == "1 of 2", timeout=30000)
    view = window.chat_panel.messages
    model = alice.chat.messages
    qtbot.waitUntil(lambda: view.flashed_row() is not None, timeout=30000)
    qtbot.waitUntil(lambda: view.flashed_row() is None, timeout=30000)  # the flash is over
    newest, older = model.row_of_seq(3), model.row_of_seq(2)
    current = palette_colors.current_search_hit(view.palette())
    other = palette_colors.search_hit(view.palette())
    assert _marker_pixels(view, newest, current) > 0 and _marker_pixels(view, newest, other) == 0
    assert _marker_pixels(view, older, current) == 0 and _marker_pixels(view, older, other) > 0

    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)  # the older hit is current now
    qtbot.waitUntil(lambda: bar.count_label.text() == "2 of 2", timeout=10000)
    qtbot.waitUntil(lambda: view.flashed_row() is None, timeout=30000)
    qtbot.waitUntil(lambda: _marker_pixels(view, older, current) > 0, timeout=10000)
    assert _marker_pixels(view, newest, current) == 0 and _marker_pixels(view, newest, other) > 0
    bob.session.close()
