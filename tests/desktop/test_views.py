"""Views without a server: bubble layout (plain text, wrapping), a 10,000-row list, composer keys, Ctrl+K."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from desktop.cache import HistoryCache, open_cache_database
from desktop.models.conversations import ConversationFilterModel, ConversationListModel
from desktop.models.messages import MessageListModel
from desktop.models.roles import ConversationRole, MessageRole
from desktop.views.bubble_delegate import PADDING_H, BubbleDelegate
from desktop.views.composer import Composer
from desktop.views.jump_dialog import JumpDialog
from desktop.views.main_window import MainWindow
from desktop.views.message_list_view import MessageListView
from tests.desktop.factories import conversation, message

ME = 1


def model_with(texts: list[str], sender_id: int = 2) -> MessageListModel:
    model = MessageListModel(my_id=ME)
    rows = [message(n + 1, sender_id=sender_id, text=t) for n, t in enumerate(texts)]
    model.show_conversation(1, is_group=False, names={2: "Bob"}, confirmed=rows)
    return model


def option_for(width: int) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, width, 100)
    return option


def test_html_looking_text_is_laid_out_as_typed(qtbot):
    model = model_with(["<b>hi</b>", "hi"])
    delegate = BubbleDelegate()
    option = option_for(800)
    markup = delegate._geometry(option, model.index(0))
    plain = delegate._geometry(option, model.index(1))
    assert markup.text_layout.text() == "<b>hi</b>"
    metrics = QFontMetricsF(option.font)
    assert markup.bubble.width() - 2 * PADDING_H >= metrics.horizontalAdvance("<b>hi</b>") - 1
    assert markup.bubble.width() > plain.bubble.width()
    image = QImage(800, 100, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(0))  # paints without complaint
    painter.end()


def test_long_messages_wrap_inside_the_bubble(qtbot):
    long_text = "word " * 400
    model = model_with([long_text, "x" * 3000])  # a word break, and one unbreakable run
    delegate = BubbleDelegate()
    for row in (0, 1):
        narrow = delegate.sizeHint(option_for(400), model.index(row))
        wide = delegate.sizeHint(option_for(1200), model.index(row))
        assert narrow.height() > wide.height() > 100
        geometry = delegate._geometry(option_for(400), model.index(row))
        assert geometry.bubble.right() <= 400
        assert geometry.text_layout.lineCount() > 10


def test_mine_right_theirs_left_and_sizes_are_cached(qtbot):
    model = model_with(["theirs"])
    model.add_pending(message(None, sender_id=ME, text="mine"))
    delegate = BubbleDelegate()
    theirs = delegate._geometry(option_for(800), model.index(0)).bubble
    mine = delegate._geometry(option_for(800), model.index(1)).bubble
    assert theirs.left() < 100 and mine.right() > 700
    delegate.sizeHint(option_for(800), model.index(0))
    cached = len(delegate._sizes)
    delegate.sizeHint(option_for(800), model.index(0))
    assert len(delegate._sizes) == cached


def test_ten_thousand_messages_scroll_both_ways_through_a_bounded_window(qtbot, tmp_path):
    database = open_cache_database(tmp_path / "cache.sqlite3")
    history = HistoryCache(database)
    history.store_page(
        1, [message(n, text=f"message number {n}", minutes=n / 10) for n in range(1, 10_001)], (1, 10_000)
    )
    model = MessageListModel(my_id=ME)
    model.show_conversation(
        1,
        is_group=False,
        names={2: "Bob"},
        confirmed=history.latest_run(1, 100),
        older_loader=lambda before, limit: history.run_before(1, before, limit),
        newer_loader=lambda after, limit: history.run_after(1, after, limit),
        latest=lambda: 10_000,
    )
    model.page_size = 300
    model.max_rows = 900
    view = MessageListView()
    view.setModel(model)
    view.resize(500, 600)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=20000)
    assert view.indexAt(view.viewport().rect().bottomLeft() - view.viewport().rect().topLeft()).isValid()
    middle = view.viewport().rect().center()
    while model.oldest_seq() != 1:
        oldest = model.oldest_seq()
        bar.setValue(0)
        qtbot.waitUntil(lambda o=oldest: model.oldest_seq() < o, timeout=20000)
        # the rows above arrive without moving what the reader sees: the scroll bar leaves the top
        qtbot.waitUntil(lambda: bar.value() > 0, timeout=20000)
        assert model.rowCount() <= 900  # the newest rows were released on the way
    assert not model.at_newest
    top, bottom = QPoint(100, 2), QPoint(100, view.viewport().height() - 2)
    view.scrollToTop()
    qtbot.waitUntil(lambda: view.indexAt(top).data(MessageRole.SEQ) == 1, timeout=20000)
    while not model.at_newest:
        newest = model.newest_seq()
        bar.setValue(bar.maximum() - 1)
        bar.setValue(bar.maximum())
        qtbot.waitUntil(lambda n=newest: model.newest_seq() > n, timeout=20000)
        # the rows released above moved nothing: the reader is not thrown to the window's new end
        qtbot.waitUntil(lambda: view.indexAt(middle).isValid(), timeout=20000)
        assert view.indexAt(middle).data(MessageRole.SEQ) < model.newest_seq() - 100
        assert model.rowCount() <= 900
    view.scroll_to_end()
    qtbot.waitUntil(lambda: view.indexAt(bottom).data(MessageRole.SEQ) == 10_000, timeout=20000)
    database.close()


def test_prepending_keeps_the_reader_in_place_and_new_messages_only_follow_at_the_bottom(qtbot):
    model = model_with([f"m{n}" for n in range(200)])
    view = MessageListView()
    view.setModel(model)
    view.resize(400, 300)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=20000)
    bottom = QPoint(100, view.viewport().height() - 2)
    model.merge([message(201, text="new at the bottom")])
    # was at the bottom: follows
    qtbot.waitUntil(lambda: view.indexAt(bottom).data(MessageRole.SEQ) == 201, timeout=20000)
    bar.setValue(bar.maximum() // 2)
    middle = view.viewport().rect().center()
    qtbot.waitUntil(lambda: view.indexAt(middle).isValid(), timeout=20000)
    reading = view.indexAt(middle).data(MessageRole.SEQ)
    model.merge([message(202, text="another")])
    qtbot.waitUntil(lambda: view.indexAt(middle).isValid() and model.rowCount() == 202, timeout=20000)
    assert view.indexAt(middle).data(MessageRole.SEQ) == reading  # scrolled up: stays put
    assert not view.is_at_bottom()
    model.prepend_older([])  # nothing older: nothing moves
    assert view.indexAt(middle).data(MessageRole.SEQ) == reading


def test_composer_enter_sends_shift_enter_breaks_and_empty_disables(qtbot):
    composer = Composer()
    qtbot.addWidget(composer)
    sent: list[str] = []
    composer.send_requested.connect(sent.append)
    assert not composer.send_button.isEnabled()
    qtbot.keyClicks(composer.edit, "   ")
    assert not composer.send_button.isEnabled()
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    assert sent == []
    composer.edit.clear()
    qtbot.keyClicks(composer.edit, "line one")
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(composer.edit, "line two")
    assert composer.send_button.isEnabled()
    qtbot.keyClick(composer.edit, Qt.Key.Key_Return)
    assert sent == ["line one\nline two"]
    assert composer.edit.toPlainText() == ""
    assert not composer.send_button.isEnabled()


def test_jump_dialog_filters_and_opens_with_enter(qtbot):
    model = ConversationListModel(my_id=ME)
    model.reset(
        [
            conversation(1, members=((1, "Me"), (2, "Bob"))),
            conversation(2, kind="group", title="Climbing", members=((1, "Me"), (3, "Carol")), minutes=3),
        ]
    )
    dialog = JumpDialog(model)
    qtbot.addWidget(dialog)
    chosen: list[int] = []
    dialog.chosen.connect(chosen.append)
    qtbot.keyClicks(dialog.search_edit, "bo")
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    assert chosen == [1]


def test_main_window_ctrl_k_and_selection(qtbot):
    source = ConversationListModel(my_id=ME)
    source.reset([conversation(1), conversation(2, kind="group", title="Climbing", minutes=3)])
    proxy = ConversationFilterModel()
    proxy.setSourceModel(source)
    window = MainWindow(proxy)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    with qtbot.waitSignal(window.jump_requested, timeout=20000):
        qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.conversation_selected, timeout=20000) as blocker:
        window.conversation_view.setCurrentIndex(proxy.index(1, 0))
    assert blocker.args == [proxy.index(1, 0).data(ConversationRole.ID)]
    window.select_conversation(2)
    assert window.stack.currentWidget() is window.chat_panel
    assert window.conversation_view.currentIndex().data(ConversationRole.ID) == 2
