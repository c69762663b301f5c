"""Feedback without layout jumps (issue 13 item 6): notices float as toasts over the content and move
nothing; the sign-in window shows the product, and its form keeps its place across modes and errors."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QStatusBar

from desktop.models.conversations import ConversationFilterModel, ConversationListModel
from desktop.views import palette_colors
from desktop.views.login_window import LoginWindow
from desktop.views.main_window import MainWindow
from desktop.views.toast import toast_colors
from tests.desktop.factories import conversation

HOSTILE = "<b>not bold</b> & /home/me/export.zip"


def open_window(qtbot, width: int = 900) -> MainWindow:
    source = ConversationListModel(my_id=1)
    source.reset([conversation(1)])
    proxy = ConversationFilterModel()
    proxy.setSourceModel(source)
    window = MainWindow(proxy)
    qtbot.addWidget(window)
    window.resize(width, 600)
    window.show()
    qtbot.waitExposed(window)
    window.select_conversation(1)
    QApplication.processEvents()
    return window


def test_a_toast_floats_over_the_messages_and_moves_nothing(qtbot):
    window = open_window(qtbot)
    composer = window.chat_panel.composer
    messages = window.chat_panel.messages
    before = (composer.mapTo(window, QPoint(0, 0)), composer.size(), messages.size())
    window.show_toast(HOSTILE)
    toast = window.toast
    assert toast.isVisible() and toast.text() == HOSTILE  # plain text: the markup is shown as typed
    assert toast.textFormat() == Qt.TextFormat.PlainText
    QApplication.processEvents()
    assert (composer.mapTo(window, QPoint(0, 0)), composer.size(), messages.size()) == before
    assert window.findChild(QStatusBar) is None  # no status bar to push the composer up
    top_of_composer = composer.mapTo(window, QPoint(0, 0)).y()
    bottom_of_toast = toast.mapTo(window, QPoint(0, toast.height())).y()
    assert bottom_of_toast <= top_of_composer  # over the messages, never over what is being written
    left = toast.mapTo(window, QPoint(0, 0)).x()
    assert window.stack.mapTo(window, QPoint(0, 0)).x() <= left
    assert left + toast.width() <= window.width()
    window.resize(520, 600)
    qtbot.waitUntil(lambda: toast.x() + toast.width() <= window.stack.width(), timeout=10000)  # follows
    qtbot.mouseClick(toast, Qt.MouseButton.LeftButton)
    assert not toast.isVisible()  # a click dismisses it


def test_a_toast_goes_by_itself_and_a_new_one_replaces_it(qtbot):
    window = open_window(qtbot)
    window.show_toast("first", 1000)
    window.show_toast("second", 1000)
    assert window.toast.text() == "second"
    qtbot.waitUntil(lambda: not window.toast.isVisible(), timeout=15000)


def test_toast_text_reads_in_light_and_dark(qtbot):
    window = open_window(qtbot)
    fill, text = toast_colors(window.toast)
    assert palette_colors.contrast_ratio(fill, text) >= 4.5


def positions(login: LoginWindow) -> dict[str, int]:
    return {
        name: (widget.mapTo(login, QPoint(0, 0)), widget.width())
        for name, widget in {
            "logo": login.logo,
            "server": login.server_edit,
            "username": login.username_edit,
            "password": login.password_edit,
        }.items()
    }


def test_the_sign_in_form_keeps_its_place_across_modes_and_errors(qtbot):
    login = LoginWindow("http://127.0.0.1:8000")
    qtbot.addWidget(login)
    login.show()
    qtbot.waitExposed(login)
    assert login.product_name.text() == "ChatIDK" and not login.logo.pixmap().isNull()
    signing_in = positions(login)
    size = login.size()
    submit = login.submit_button.mapTo(login, QPoint(0, 0)).y()
    login.set_registering(True)
    QApplication.processEvents()
    assert login.display_name_edit.isVisible()
    assert positions(login) == signing_in and login.size() == size
    login.set_registering(False)
    QApplication.processEvents()
    assert positions(login) == signing_in and login.size() == size
    login.show_error("Wrong username or password.")
    QApplication.processEvents()
    assert login.error_label.isVisible()
    assert login.submit_button.mapTo(login, QPoint(0, 0)).y() == submit  # its line was kept for it
    login.show_error("")
    QApplication.processEvents()
    assert login.submit_button.mapTo(login, QPoint(0, 0)).y() == submit
