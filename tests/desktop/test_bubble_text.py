"""Text in bubbles as typed and interactive: line breaks, links that open (http(s)/mailto only), selecting
and copying part of a message, large emoji-only messages — on a real MessageListView, offscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication

from desktop.models import message_text
from desktop.models.messages import MessageListModel
from desktop.views.bubble_delegate import BubbleDelegate
from desktop.views.message_list_view import MessageListView
from tests.desktop.factories import message

ME = 1


def show_view(qtbot, texts: list[str], width: int = 700) -> MessageListView:
    model = MessageListModel(my_id=ME)
    rows = [message(n + 1, sender_id=2, text=t) for n, t in enumerate(texts)]
    model.show_conversation(1, is_group=False, names={2: "Bob"}, confirmed=rows)
    view = MessageListView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(width, 600)
    view.show()
    qtbot.waitExposed(view)
    view.scrollToTop()
    return view


def geometry(view: MessageListView, row: int):
    index = view.model().index(row, 0)
    return view._option_for(index), index, view.bubble_delegate._geometry(view._option_for(index), index)


def point_of(view: MessageListView, row: int, position: int) -> QPoint:
    """The viewport point just right of UTF-16 ``position`` in row ``row``'s text, mid-line."""
    option, _index, shape = geometry(view, row)
    line = shape.text_layout.lineForTextPosition(position)
    x = line.cursorToX(position)[0] + 2
    origin = QPointF(option.rect.topLeft()) + shape.text_origin
    return QPointF(origin.x() + x, origin.y() + line.y() + line.height() / 2).toPoint()


def mouse(view: MessageListView, kind: QEvent.Type, pos: QPoint, buttons=Qt.MouseButton.LeftButton) -> None:
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else Qt.MouseButton.LeftButton
    if kind == QEvent.Type.MouseButtonRelease:
        buttons = Qt.MouseButton.NoButton
    event = QMouseEvent(
        kind,
        QPointF(pos),
        QPointF(view.viewport().mapToGlobal(pos)),
        button,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view.viewport(), event)


def click(view: MessageListView, pos: QPoint) -> None:
    mouse(view, QEvent.Type.MouseButtonPress, pos)
    mouse(view, QEvent.Type.MouseButtonRelease, pos)


@pytest.fixture
def opened(monkeypatch):
    """URLs handed to the system (never really opened in tests)."""
    urls: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", staticmethod(lambda url: urls.append(url.toString()) or True)
    )
    return urls


def test_paragraphs_blank_lines_and_code_keep_their_lines_and_the_height_is_what_is_painted(qtbot):
    paragraphs = "First paragraph.\n\nSecond paragraph"
    code = "def f(x):\n    if x:\n\treturn 1\r\n    return 2"
    address = "Alice Example\n12 High Street\nSpringfield"
    view = show_view(qtbot, [paragraphs, code, address, "one line"], width=1000)
    delegate = view.bubble_delegate
    single = geometry(view, 3)[2]
    for row, expected_lines in ((0, 3), (1, 4), (2, 3)):
        option, index, shape = geometry(view, row)
        layout = shape.text_layout
        assert layout.lineCount() == expected_lines  # no line ran into the next, the blank one stayed
        line_height = single.text_layout.lineAt(0).height()
        assert shape.bubble.height() >= single.bubble.height() + (expected_lines - 1) * line_height - 1
        # heights asked for by the list are measured by the routine that paints
        fresh = BubbleDelegate()
        assert fresh.sizeHint(option, index).height() == delegate.sizeHint(option, index).height()
        assert abs(delegate.sizeHint(option, index).height() - shape.height) < 1
    code_layout = geometry(view, 1)[2].text_layout
    second = code_layout.lineAt(1)
    shown = code_layout.text()[second.textStart() : second.textStart() + second.textLength()]
    assert shown.startswith("    if x:")  # indentation as pasted
    assert code_layout.lineAt(2).naturalTextWidth() > 0  # the tab line is there
    # painting draws each line below the previous one
    option, index, shape = geometry(view, 0)
    assert shape.text_layout.lineAt(2).y() > shape.text_layout.lineAt(1).y() > shape.text_layout.lineAt(0).y()
    image = QImage(1000, int(shape.height) + 4, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()


def test_copying_a_multi_line_message_gives_its_line_breaks_back(qtbot):
    view = show_view(qtbot, ["one\n\ntwo"])
    view.setCurrentIndex(view.model().index(0, 0))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "one\n\ntwo"


def test_http_and_mailto_links_open_on_click_and_other_schemes_never(qtbot, opened):
    text = (
        "see https://example.com/a_(b)). or mail mailto:bob@example.com, not javascript:alert(1) file:///etc"
    )
    view = show_view(qtbot, [text])
    links = geometry(view, 0)[2].links
    assert [link.url for link in links] == ["https://example.com/a_(b)", "mailto:bob@example.com"]
    click(view, point_of(view, 0, links[0].start + 3))
    assert opened == ["https://example.com/a_(b)"]
    click(view, point_of(view, 0, links[1].start + 3))
    assert opened[-1] == "mailto:bob@example.com"
    shown = geometry(view, 0)[2].text_layout.text()
    for other in ("javascript", "file:///"):
        click(view, point_of(view, 0, shown.index(other) + 2))
    click(view, point_of(view, 0, 1))  # plain text
    assert len(opened) == 2


def test_link_positions_count_utf16_units_after_emoji(qtbot, opened):
    view = show_view(qtbot, ["😀😀 www.example.org/x"])
    (link,) = geometry(view, 0)[2].links
    assert link.start == 5 and link.url == "https://www.example.org/x"
    click(view, point_of(view, 0, link.start + 4))
    assert opened == ["https://www.example.org/x"]


def test_markup_and_unsafe_urls_are_never_links():
    assert message_text.find_links('<a href="javascript:x">y</a>') == []
    assert message_text.safe_url("javascript:alert(1)") is None
    assert message_text.safe_url("file:///etc/passwd") is None
    assert message_text.safe_url("https://") is None


def test_dragging_selects_part_of_a_message_and_ctrl_c_copies_only_that(qtbot):
    view = show_view(qtbot, ["alpha beta gamma\ndelta", "other"])
    start, end = point_of(view, 0, 6), point_of(view, 0, 19)  # from "beta" into the second line
    mouse(view, QEvent.Type.MouseButtonPress, start)
    mouse(view, QEvent.Type.MouseMove, start + QPoint(6, 0))
    mouse(view, QEvent.Type.MouseMove, end)
    mouse(view, QEvent.Type.MouseButtonRelease, end)
    selected = view.selected_text()
    assert selected.startswith("beta") and selected.endswith("\ndel") and "alpha" not in selected
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == selected
    menu = view.build_context_menu(view.model().index(0, 0))
    assert menu.actions()  # the usual actions stay
    # a plain click elsewhere clears the selection
    click(view, point_of(view, 1, 1))
    assert view.selected_text() == ""


def test_dragging_over_a_link_selects_instead_of_opening(qtbot, opened):
    view = show_view(qtbot, ["go https://example.com now"])
    (link,) = geometry(view, 0)[2].links
    start, end = point_of(view, 0, link.start + 1), point_of(view, 0, link.end - 1)
    mouse(view, QEvent.Type.MouseButtonPress, start)
    mouse(view, QEvent.Type.MouseMove, end)
    mouse(view, QEvent.Type.MouseButtonRelease, end)
    assert opened == [] and view.selected_text().startswith("ttps://example.co")


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("👍", 1),
        ("❤️", 1),
        ("👨‍👩‍👧", 1),
        ("🇫🇷🇩🇪", 2),
        ("👍🏽 😀 🎉", 3),
        ("1️⃣", 1),
        ("😀😀😀😀", 0),
        ("ok 👍", 0),
        ("1", 0),
        ("", 0),
    ],
)
def test_emoji_only_messages_are_counted(text, count):
    assert message_text.emoji_count(text) == count


def test_one_to_three_emoji_are_enlarged_and_nothing_else(qtbot):
    view = show_view(qtbot, ["👍", "😀🎉🔥", "ok 👍", "😀😀😀😀"])
    heights = [geometry(view, row)[2].text_layout.lineAt(0).height() for row in range(4)]
    base_font = view.font().pointSizeF()
    fonts = [geometry(view, row)[2].text_layout.font().pointSizeF() for row in range(4)]
    assert fonts[0] > fonts[1] > base_font * 1.5
    assert fonts[2] == fonts[3] == base_font
    assert heights[0] > heights[2] * 1.5
