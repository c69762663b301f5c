"""The Settings window against a real server: Ctrl+, opens it and Esc closes it; the theme changes the palette
live and comes back after a restart; the text size reaches the bubbles, the lists and the composer; what
moved out of the account menu (privacy, notification text, mute, security dialogs, blocked people, about)
still works."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QListWidget, QWidget

from desktop.views import palette_colors
from desktop.views.settings_window import COMPACT_NAV_WIDTH, NAV_WIDTH, SettingsWindow
from desktop.views.side_splitter import SideSplitter
from desktop.views.themes import ThemeApplier
from tests.desktop.conftest import ClientHandle
from tests.desktop.pairs import signed_in_with_two_chats
from tests.support.api import PASSWORD

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def two_chats(live_server, desktop_client, qtbot):
    alice, bob, direct, group = signed_in_with_two_chats(live_server, desktop_client, qtbot)
    yield alice, bob, direct, group
    bob.session.close()


@pytest.fixture
def system_theme_after():
    """A theme is the whole process's palette: the next test starts on the system's again."""
    yield
    ThemeApplier.for_app().apply("system")


def open_by_keys(client, qtbot) -> SettingsWindow:
    window = client.session.window
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, CTRL)
    settings = client.session.settings_wiring.window
    assert isinstance(settings, SettingsWindow)
    qtbot.waitUntil(settings.isVisible, timeout=10000)
    qtbot.waitUntil(settings.isActiveWindow, timeout=10000)  # the keys go to it now, not to the chat
    return settings


def test_ctrl_comma_opens_it_esc_closes_it_and_the_account_menu_keeps_the_account(two_chats, qtbot):
    alice, *_ = two_chats
    settings = open_by_keys(alice, qtbot)
    assert settings.page_names() == [
        "Appearance",
        "Notifications",
        "Privacy",
        "Security",
        "Blocked people",
        "My data",
    ]
    assert settings.focusWidget() is settings.nav
    qtbot.keyClick(settings.nav, Qt.Key.Key_Down)  # the keyboard walks the pages
    assert settings.pages.currentWidget() is settings.notifications
    qtbot.keyClick(settings, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not settings.isVisible(), timeout=10000)

    menu = [a.text() for a in alice.session.window.account_menu.actions() if not a.isSeparator()]
    for moved in ("Two-factor sign-in…", "Devices…", "Blocked people…", "Export my data…", "About ChatIDK…"):
        assert moved not in menu
    assert not any("Visible" in text or "last seen" in text or "notifications" in text for text in menu)
    for kept in ("Change display name…", "Email…", "Add account…", "Log out", "Delete account…"):
        assert kept in menu
    settings_action = next(
        a for a in alice.session.window.account_menu.actions() if a.text().startswith("Settings…")
    )
    assert not settings_action.icon().isNull()
    settings_action.trigger()
    qtbot.waitUntil(settings.isVisible, timeout=10000)
    assert settings.pages.currentWidget() is settings.notifications  # the page last looked at
    settings.close()


def test_every_control_is_reachable_from_the_keyboard(two_chats, qtbot):
    alice, *_ = two_chats
    settings = alice.session.settings_wiring.show()
    for page in range(settings.pages.count()):
        widget = settings.pages.widget(page)
        assert isinstance(widget, QWidget)
        controls = [
            c for kind in (QAbstractButton, QComboBox, QListWidget) for c in widget.findChildren(kind)
        ]
        for control in controls:
            assert control.focusPolicy() & Qt.FocusPolicy.TabFocus, control
    for button in (settings.shortcuts_button, settings.about_button):
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus and not button.icon().isNull()
    settings.resize(760, 520)
    qtbot.waitUntil(lambda: settings.side.width() == NAV_WIDTH, timeout=10000)
    assert isinstance(settings.splitter, SideSplitter)  # the main window's split, shared
    settings.splitter.moveSplitter(220, 1)  # the page list can be dragged wider, as the chat list can
    qtbot.waitUntil(lambda: settings.side.width() == 220, timeout=10000)
    settings.resize(380, 500)  # narrow: icons only, the names still in tooltips and for screen readers
    qtbot.waitUntil(lambda: settings.compact, timeout=10000)
    qtbot.waitUntil(lambda: settings.side.width() == COMPACT_NAV_WIDTH, timeout=10000)
    assert settings.nav.item(0).text() == "" and settings.nav.item(0).toolTip() == "Appearance"
    assert settings.about_button.accessibleName() == "About ChatIDK"
    settings.resize(760, 520)
    qtbot.waitUntil(lambda: not settings.compact, timeout=10000)
    assert settings.nav.item(0).text() == "Appearance"
    qtbot.waitUntil(lambda: settings.side.width() == 220, timeout=10000)  # its own width again
    settings.close()


def test_the_theme_changes_the_palette_live_and_is_kept_across_a_restart(
    live_server, desktop_client, qtbot, system_theme_after
):
    from tests.support.api import register

    register(live_server.url, "alice", display_name="Alice")
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    settings = open_by_keys(alice, qtbot)
    appearance = settings.appearance
    assert appearance.theme_buttons["system"].isChecked()
    icon_before = alice.session.window.new_chat_button.icon().pixmap(22, 22).toImage()

    appearance.theme_buttons["dark"].click()
    assert palette_colors.is_dark(QApplication.palette())
    qtbot.waitUntil(lambda: palette_colors.is_dark(alice.session.window.palette()), timeout=10000)
    qtbot.waitUntil(  # the icons re-tint themselves
        lambda: alice.session.window.new_chat_button.icon().pixmap(22, 22).toImage() != icon_before,
        timeout=10000,
    )
    appearance.theme_buttons["light"].click()
    assert not palette_colors.is_dark(QApplication.palette())
    appearance.theme_buttons["dark"].click()
    alice.close()
    ThemeApplier.for_app().apply("system")  # as a fresh process would start
    assert not palette_colors.is_dark(QApplication.palette())

    again = ClientHandle(qtbot, alice.data_dir, live_server.url)
    try:
        again.app.start()
        qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
        assert palette_colors.is_dark(QApplication.palette())  # kept in the app's settings
        shown = again.session.settings_wiring.show()
        assert shown.appearance.theme_buttons["dark"].isChecked()
        shown.appearance.theme_buttons["system"].click()
        assert not palette_colors.is_dark(QApplication.palette())
        assert again.app.settings.theme == "system"
    finally:
        again.close()


def test_text_size_reaches_the_bubbles_and_the_lists_and_is_kept(two_chats, qtbot):
    alice, _bob, direct, _group = two_chats
    alice.chat.open_conversation(direct)
    view = alice.session.panel.messages
    model = alice.chat.messages
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=20000)
    index = model.index(model.rowCount() - 1, 0)
    qtbot.waitUntil(lambda: view.visualRect(index).height() > 0, timeout=10000)
    before = view.visualRect(index).height()
    edit = alice.session.panel.composer.edit
    edit_before = edit.sizeHint().height()
    settings = alice.session.settings_wiring.show()
    combo = settings.appearance.size_combo
    combo.setCurrentIndex(combo.findData(15.0))
    assert view.font().pointSizeF() == 15.0
    assert edit.font().pointSizeF() == 15.0 and edit.sizeHint().height() > edit_before  # live, composer too
    assert alice.session.window.conversation_view.font().pointSizeF() == 15.0
    qtbot.waitUntil(
        lambda: view.visualRect(model.index(model.rowCount() - 1, 0)).height() > before, timeout=10000
    )
    assert settings.appearance.preview.font().pointSizeF() == 15.0
    assert alice.app.settings.text_size == 15.0
    combo.setCurrentIndex(combo.findData(10.5))  # the default again: nothing stored
    assert view.font().pointSizeF() == 10.5 and alice.app.settings.text_size is None
    assert edit.font().pointSizeF() == 10.5 and edit.sizeHint().height() == edit_before
    settings.close()


def test_what_moved_out_of_the_account_menu_still_works(two_chats, qtbot):
    alice, _bob, _direct, group = two_chats
    session = alice.session
    settings = session.settings_wiring.show()

    # notifications: the message text (this account's setting) and the mute list (kept on the server)
    settings.show_page("Notifications")
    page = settings.notifications
    assert page.show_text_check.isChecked()
    page.show_text_check.click()
    assert session.account_settings.notification_text is False
    titles = [page.mute_list.item(row).text() for row in range(page.mute_list.count())]
    assert titles == ["Bob", "Climbing"] and page.muted_ids() == []
    page.mute_list.setCurrentRow(1)
    page.mute_list.setFocus()
    qtbot.keyClick(page.mute_list, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: alice.chat.conversations.get(group).me.muted, timeout=20000)
    assert page.muted_ids() == [group]

    # privacy: on the server, the boxes follow what it answered
    settings.show_page("Privacy")
    settings.privacy.hide_last_seen_check.click()
    qtbot.waitUntil(lambda: alice.chat.user.get("hide_last_seen") is True, timeout=20000)
    settings.privacy.visible_check.click()
    qtbot.waitUntil(lambda: alice.chat.user.get("visible") is False, timeout=20000)
    assert not settings.privacy.visible_check.isChecked()

    # security, blocked people: the existing dialogs, over the Settings window
    settings.show_page("Security")
    settings.security.devices_button.click()
    devices = session.security.account_dialogs["devices"]
    qtbot.waitUntil(devices.isVisible, timeout=10000)
    assert devices.parentWidget() is settings
    devices.close()
    settings.security.two_factor_button.click()
    qtbot.waitUntil(session.security.account_dialogs["two_factor"].isVisible, timeout=10000)
    session.security.account_dialogs["two_factor"].close()
    settings.security.password_button.click()
    qtbot.waitUntil(session.security.account_dialogs["password"].isVisible, timeout=10000)
    session.security.account_dialogs["password"].close()
    settings.show_page("Blocked people")
    settings.blocked.blocked_button.click()
    qtbot.waitUntil(session.security.account_dialogs["blocked"].isVisible, timeout=10000)
    session.security.account_dialogs["blocked"].close()

    # the shortcut sheet and About
    settings.shortcuts_button.click()
    qtbot.waitUntil(
        lambda: session.window.shortcut_sheet is not None and session.window.shortcut_sheet.isVisible(),
        timeout=10000,
    )
    session.window.shortcut_sheet.close()
    settings.about_button.click()
    qtbot.waitUntil(
        lambda: alice.app.about_dialog is not None and alice.app.about_dialog.isVisible(), timeout=10000
    )
    alice.app.about_dialog.close()
    settings.close()


def test_a_refused_privacy_change_puts_the_box_back_and_says_why(two_chats, qtbot, monkeypatch):
    alice, *_ = two_chats
    settings = alice.session.settings_wiring.show()
    errors: list[str] = []
    monkeypatch.setattr(alice.session.window.toast, "show_text", lambda text, *_: errors.append(text))
    monkeypatch.setattr(
        alice.chat.security,
        "set_hide_last_seen",
        lambda hide, on_error: on_error("Could not reach the server."),
    )
    settings.privacy.hide_last_seen_check.click()
    assert errors == ["Could not reach the server."]
    assert not settings.privacy.hide_last_seen_check.isChecked()
    settings.close()


def test_another_account_coming_to_the_front_closes_the_first_ones_settings(two_chats, qtbot):
    alice, *_ = two_chats
    settings = alice.session.settings_wiring.show()
    qtbot.waitUntil(settings.isVisible, timeout=10000)
    alice.session.window.hide()  # what the app window does to the page of an account sent behind
    qtbot.waitUntil(lambda: not settings.isVisible(), timeout=10000)
