"""The main window's width never follows its content (staged files, long names), and every string from the
network reads literally where Qt would guess at rich text: tooltips, the "Open file" question,
notifications."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from desktop.models.conversations import ConversationFilterModel, ConversationListModel
from desktop.models.plain_text import notification_body
from desktop.views.main_window import MIN_WIDTH, MainWindow
from desktop.views.open_file_prompt import open_file_box
from desktop.views.tray import TrayNotifier
from tests.desktop.factories import conversation

ME = 1
HOSTILE = "<b>x</b>&lt;i&gt;&amp;"


def shown_as_rich_text(markup: str) -> str:
    """What Qt's rich-text engine displays for ``markup``."""
    document = QTextDocument()
    document.setHtml(markup)
    return document.toPlainText()


def main_window(qtbot, width: int, conversations=None) -> tuple[MainWindow, ConversationListModel]:
    source = ConversationListModel(my_id=ME)
    source.reset(conversations or [conversation(1), conversation(2, kind="group", title="Climbing")])
    proxy = ConversationFilterModel()
    proxy.setSourceModel(source)
    window = MainWindow(proxy)
    qtbot.addWidget(window)
    window.resize(width, 600)
    window.show()
    qtbot.waitExposed(window)
    window.select_conversation(1)
    return window, source


def test_staging_files_with_long_names_neither_widens_the_window_nor_locks_its_width(qtbot, tmp_path):
    window, _ = main_window(qtbot, 560)
    minimum_before = window.minimumSize()
    names = [
        "quarterly-report-final-final-v3-with-all-the-appendices-" + "x" * 120 + f"-{n}.pdf" for n in range(3)
    ]
    paths = []
    for name in names:
        path = Path(tmp_path) / name
        path.write_bytes(b"%PDF-1.4\n")
        paths.append(path)
    composer = window.chat_panel.composer
    composer.stage_files(paths)
    qtbot.waitUntil(composer.staged.isVisible, timeout=10000)
    QApplication.processEvents()
    assert window.width() == 560
    assert window.minimumSize() == minimum_before
    assert window.minimumSizeHint().width() <= MIN_WIDTH or window.minimumSize().width() == MIN_WIDTH
    # Send and ✕ stay on screen
    for button in (composer.send_button, composer.staged.clear_button):
        right = button.mapTo(window, button.rect().topRight()).x()
        assert 0 < right <= window.width()
    shown = composer.staged.cards[0].name_label.shown_text()
    assert "…" in shown and shown.startswith(names[0][:8])  # elided on its card, not cut off
    assert composer.staged.summary.text().startswith("3 files · ")
    window.resize(500, 600)
    qtbot.waitUntil(lambda: window.width() == 500, timeout=10000)  # and it can still be made narrow


def test_a_long_group_title_or_name_does_not_widen_the_window(qtbot):
    long_title = "The group with the longest title anyone ever typed " * 6
    window, _ = main_window(qtbot, 520, [conversation(1, kind="group", title=long_title)])
    window.chat_panel.set_header(long_title, "3 members", is_group=True)
    window.set_profile({"display_name": "Bartholomew " * 12, "username": "bart"})
    QApplication.processEvents()
    assert window.width() == 520 and window.minimumSize().width() == MIN_WIDTH
    assert window.chat_panel.title_label.text() == long_title


def test_the_conversation_tooltip_shows_display_names_literally(qtbot):
    group = conversation(1, kind="group", title="G", members=((1, "Me"), (2, HOSTILE), (3, "Ann & Bo")))
    model = ConversationListModel(my_id=ME)
    model.reset([group])
    tooltip = model.index(0).data(Qt.ItemDataRole.ToolTipRole)
    assert shown_as_rich_text(tooltip) == f"Me, {HOSTILE}, Ann & Bo"
    proxy = ConversationFilterModel()
    proxy.setSourceModel(model)
    proxy.set_filter_text("style")  # the tooltip's markup is not searched
    assert proxy.rowCount() == 0
    proxy.set_filter_text("Ann & Bo")
    assert proxy.rowCount() == 1


def test_the_open_file_question_shows_the_file_name_literally(qtbot):
    box = open_file_box(None, f"{HOSTILE}.bat")
    qtbot.addWidget(box)
    box.show()
    assert box.textFormat() == Qt.TextFormat.PlainText
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert label is not None and label.textFormat() == Qt.TextFormat.PlainText
    assert f"“{HOSTILE}.bat”" in label.text()
    assert [box.buttonRole(b) for b in box.buttons()].count(QMessageBox.ButtonRole.AcceptRole) == 1
    assert box.buttonRole(box.defaultButton()) == QMessageBox.ButtonRole.RejectRole  # Enter does not open


def test_notification_bodies_read_literally_where_the_platform_reads_markup(qtbot):
    assert shown_as_rich_text(notification_body(HOSTILE, reads_markup=True)) == HOSTILE
    assert notification_body(HOSTILE, reads_markup=False) == HOSTILE
    notifier = TrayNotifier(enabled=False)
    notifier.notify(1, "Bob", HOSTILE)
    assert notifier.shown[-1] == (1, "Bob", HOSTILE)
    _title, sent = notifier.sent[-1]
    assert shown_as_rich_text(sent) == HOSTILE or sent == HOSTILE
