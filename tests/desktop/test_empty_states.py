"""Empty states against a real server: a new account is welcomed with "Find people" and "New group" (both
reached with Tab and pressed with Space), an empty conversation invites to say hi until someone does, and a
filter that matches nothing says so."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from desktop.views.empty_states import EMPTY_CONVERSATION, WELCOME_TITLE
from tests.support.api import PASSWORD, ApiClient, register


def signed_in(desktop_client, live_server, qtbot, name: str):
    client = desktop_client(name, live_server.url)
    client.sign_in(name, PASSWORD)
    client.wait_online()
    return client


def active(qtbot, window) -> None:
    top = window.window()  # the app's one window, the account's window a page of it
    top.show()
    top.raise_()
    top.activateWindow()
    qtbot.waitUntil(top.isActiveWindow, timeout=10000)


def test_a_new_account_is_welcomed_with_two_ways_to_start_both_on_the_keyboard(
    live_server, desktop_client, qtbot
):
    register(live_server.url, "nina", display_name="Nina")
    nina = signed_in(desktop_client, live_server, qtbot, "nina")
    window, session = nina.session.window, nina.session
    active(qtbot, window)
    pane = window.empty_pane
    qtbot.waitUntil(lambda: window.list_stack.currentWidget() is pane, timeout=10000)
    assert pane.welcoming and pane.title.text() == WELCOME_TITLE
    assert pane.find_button.isVisible() and pane.group_button.isVisible()

    window.filter_edit.setFocus()
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pane.find_button, timeout=10000)
    qtbot.keyClick(pane.find_button, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: session.new_chat_dialog is not None and session.new_chat_dialog.isVisible(), timeout=10000
    )
    dialog = session.new_chat_dialog
    assert not dialog.group_button.isChecked()
    dialog.reject()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10000)

    pane.find_button.setFocus()
    qtbot.keyClick(pane.find_button, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pane.group_button, timeout=10000)
    qtbot.keyClick(pane.group_button, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: session.new_chat_dialog is not dialog and session.new_chat_dialog.isVisible(), timeout=10000
    )
    assert session.new_chat_dialog.group_button.isChecked()  # "New group" starts picking several people
    session.new_chat_dialog.reject()


def test_an_empty_conversation_invites_to_say_hi_until_a_message_is_there(live_server, desktop_client, qtbot):
    register(live_server.url, "nina", display_name="Nina")
    register(live_server.url, "omar", display_name="Omar")
    nina = signed_in(desktop_client, live_server, qtbot, "nina")
    omar = ApiClient(live_server.url, "omar", register_first=False)
    try:
        window = nina.session.window
        conversation_id = omar.direct_with(ApiClient(live_server.url, "nina", register_first=False))
        qtbot.waitUntil(lambda: nina.chat.conversations.get(conversation_id) is not None, timeout=20000)
        qtbot.waitUntil(lambda: window.list_stack.currentWidget() is window.conversation_view, timeout=10000)
        nina.chat.open_conversation(conversation_id)
        hint = nina.session.panel.empty_hint.label
        qtbot.waitUntil(hint.isVisible, timeout=10000)
        assert hint.text() == EMPTY_CONVERSATION == "No messages yet, say hi 👋"
        assert hint.textFormat() == Qt.TextFormat.PlainText

        composer = nina.session.panel.composer
        composer.edit.setPlainText("hi 👋")
        composer.submit()
        qtbot.waitUntil(lambda: not hint.isVisible(), timeout=20000)
        qtbot.waitUntil(lambda: nina.chat.conversations.get(conversation_id).last_seq == 1, timeout=20000)
        nina.chat.close_conversation()
        nina.chat.open_conversation(conversation_id)  # it has a message now: no invitation any more
        assert not hint.isVisible() and not nina.session.panel.empty_hint.wanted
    finally:
        omar.session.close()


def test_a_conversation_with_messages_does_not_invite_to_say_hi(live_server, desktop_client, qtbot):
    register(live_server.url, "nina", display_name="Nina")
    register(live_server.url, "omar", display_name="Omar")
    omar = ApiClient(live_server.url, "omar", register_first=False)
    try:
        conversation_id = omar.direct_with(ApiClient(live_server.url, "nina", register_first=False))
        omar.send(conversation_id, "hello there")
        nina = signed_in(desktop_client, live_server, qtbot, "nina")
        qtbot.waitUntil(lambda: nina.chat.conversations.get(conversation_id) is not None, timeout=20000)
        nina.chat.open_conversation(conversation_id)
        qtbot.waitUntil(lambda: nina.chat.messages.rowCount() == 1, timeout=20000)
        assert not nina.session.panel.empty_hint.label.isVisible()
        assert not nina.session.panel.empty_hint.wanted
    finally:
        omar.session.close()


def test_a_filter_that_matches_nothing_says_so_and_clearing_it_brings_the_list_back(
    live_server, desktop_client, qtbot
):
    register(live_server.url, "nina", display_name="Nina")
    register(live_server.url, "omar", display_name="Omar")
    omar = ApiClient(live_server.url, "omar", register_first=False)
    try:
        conversation_id = omar.direct_with(ApiClient(live_server.url, "nina", register_first=False))
        nina = signed_in(desktop_client, live_server, qtbot, "nina")
        window = nina.session.window
        qtbot.waitUntil(lambda: nina.chat.conversations.get(conversation_id) is not None, timeout=20000)
        qtbot.waitUntil(lambda: window.list_stack.currentWidget() is window.conversation_view, timeout=10000)

        window.filter_edit.setText("<b>zebra</b>")
        pane = window.empty_pane
        assert window.list_stack.currentWidget() is pane
        assert pane.text.text() == "Nothing found for “<b>zebra</b>”"  # the user's text, literally
        assert pane.text.textFormat() == Qt.TextFormat.PlainText
        assert not pane.welcoming and not pane.find_button.isVisibleTo(pane)

        window.filter_edit.setText("oma")
        assert window.list_stack.currentWidget() is window.conversation_view
        window.filter_edit.setText("nobody")
        assert window.list_stack.currentWidget() is pane
        window.filter_edit.clear()
        assert window.list_stack.currentWidget() is window.conversation_view
    finally:
        omar.session.close()
