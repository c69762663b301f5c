"""Creating an account reads well: human messages from the server's own limits, "Create account" enabled only
once the server would accept it, one "ChatIDK" in the title, focus on the name, a visible focus everywhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.controller.errors import describe_error
from desktop.net.http import ApiError
from desktop.views.login_window import MIN_PASSWORD_CHARS, LoginWindow


def login_window(qtbot) -> LoginWindow:
    window = LoginWindow("http://127.0.0.1:1")
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    return window


def test_sign_up_title_focus_and_the_password_length_before_sending(qtbot):
    window = login_window(qtbot)
    assert window.windowTitle() == "Sign in"
    qtbot.waitUntil(lambda: window.focusWidget() is window.username_edit, timeout=10000)
    window.switch_button.click()
    # the system appends the application's name: the title itself must not carry it again
    assert window.windowTitle() == "Sign up" and "ChatIDK" not in window.windowTitle()
    window.focus_first_empty()
    assert window.focusWidget() is window.username_edit
    qtbot.keyClicks(window.username_edit, "newcomer")
    qtbot.keyClicks(window.password_edit, "12345")
    assert not window.submit_button.isEnabled()
    assert window.password_hint.isVisible() and "3 more" in window.password_hint.text()
    qtbot.keyClicks(window.password_edit, "678"[: MIN_PASSWORD_CHARS - 5])
    assert window.submit_button.isEnabled() and "Long enough" in window.password_hint.text()
    window.switch_button.click()  # signing in: any password may be tried
    window.password_edit.setText("12345")
    assert window.submit_button.isEnabled() and not window.password_hint.isVisible()
    assert window.windowTitle() == "Sign in"


def test_link_style_buttons_show_keyboard_focus(qtbot):
    window = login_window(qtbot)
    for button in (window.switch_button, window.forgot_button):
        window.username_edit.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda: window.username_edit.hasFocus(), timeout=10000)
        unfocused = button.grab().toImage()
        button.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(button.hasFocus, timeout=10000)
        focused = button.grab().toImage()
        assert focused != unfocused, f"{button.text()} looks the same with and without focus"
    # every control is reachable with Tab, link buttons included
    reached = set()
    window.username_edit.setText("someone")
    window.password_edit.setText("a password")  # so that Sign in is enabled, and takes focus
    window.username_edit.setFocus(Qt.FocusReason.TabFocusReason)
    for _ in range(12):
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
        reached.add(window.focusWidget())
    assert {window.switch_button, window.forgot_button, window.submit_button, window.keep_check} <= reached


@pytest.mark.parametrize(
    ("field", "message", "shown"),
    [
        ("password", "password: must be at least 8 characters", "The password must be at least 8 characters"),
        ("new_password", "new_password: must be at most 1024 characters", "The new password must be at most"),
        ("username", "username: is required", "The username is required."),
    ],
)
def test_validation_errors_read_as_sentences(field, message, shown):
    text = describe_error(ApiError(400, "invalid_field", message, field=field), signing_in=True)
    assert text.startswith(shown) and ":" not in text and "String should" not in text


@pytest.mark.slow
def test_a_refused_sign_up_shows_the_servers_limit_in_words(live_server, desktop_client, qtbot):
    client = desktop_client("newcomer", live_server.url)
    client.app.start()
    login = client.login
    login.set_registering(True)
    login.username_edit.setText("ab")  # the server wants 3–32 characters
    login.password_edit.setText("long enough password")
    login.submit_button.click()
    qtbot.waitUntil(lambda: login.error_label.isVisible(), timeout=30000)
    text = login.error_label.text()
    assert text.startswith("The username must be 3–32 characters"), text
    assert "username:" not in text and "String should" not in text
