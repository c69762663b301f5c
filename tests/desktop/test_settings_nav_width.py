"""The Settings window's page list keeps the width a drag or Ctrl+[ / Ctrl+] gave it across a restart, as the
main window's list does: app-wide (the window is the app's, whichever account opens it), clamped between
MIN_SIDE_WIDTH and MAX_NAV_WIDTH when it comes back, against a real server."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from desktop.settings import AppSettings
from desktop.views.settings_window import MAX_NAV_WIDTH, NAV_WIDTH, SettingsWindow
from desktop.views.side_splitter import MIN_SIDE_WIDTH, SIDE_STEP
from tests.desktop.conftest import ClientHandle
from tests.support.api import PASSWORD, register

CTRL = Qt.KeyboardModifier.ControlModifier
WIDER = Qt.Key.Key_BracketRight


def _open(client, qtbot) -> SettingsWindow:
    settings = client.session.settings_wiring.show()
    settings.resize(900, 560)  # wide enough for the page list to be its own width
    qtbot.waitUntil(settings.isActiveWindow, timeout=10000)
    return settings


def test_the_page_list_width_from_the_keys_and_a_drag_is_kept_across_a_restart(
    live_server, desktop_client, qtbot
):
    register(live_server.url, "alice", display_name="Alice")
    alice = desktop_client("alice", live_server.url)
    alice.sign_in("alice", PASSWORD)
    alice.wait_online()
    settings = _open(alice, qtbot)
    qtbot.waitUntil(lambda: settings.side.width() == NAV_WIDTH, timeout=10000)
    for _ in range(2):
        qtbot.keyClick(settings.nav, WIDER, CTRL)
    assert settings.side.width() == settings.nav_width == NAV_WIDTH + 2 * SIDE_STEP
    qtbot.keyClick(settings.nav, Qt.Key.Key_Escape)  # closed: kept at once
    qtbot.waitUntil(lambda: not settings.isVisible(), timeout=10000)
    assert alice.app.settings.settings_nav_width == NAV_WIDTH + 2 * SIDE_STEP

    settings = _open(alice, qtbot)  # reopened, then dragged
    settings.splitter.moveSplitter(NAV_WIDTH + 70, 1)
    qtbot.waitUntil(lambda: settings.side.width() == NAV_WIDTH + 70, timeout=10000)
    assert settings.nav_width == NAV_WIDTH + 70
    alice.close()  # quitting with it open keeps it too

    again = ClientHandle(qtbot, alice.data_dir, live_server.url)
    try:
        again.app.start()
        qtbot.waitUntil(lambda: again.app.chat_session is not None, timeout=30000)
        shown = _open(again, qtbot)
        qtbot.waitUntil(lambda: shown.side.width() == NAV_WIDTH + 70, timeout=10000)
        assert shown.nav_width == NAV_WIDTH + 70
    finally:
        again.close()


def test_a_stored_width_comes_back_within_bounds(qtbot, tmp_path):
    path = tmp_path / "settings.ini"
    raw = QSettings(str(path), QSettings.Format.IniFormat)
    settings = AppSettings(tmp_path)
    for stored, expected in (("5000", MAX_NAV_WIDTH), ("20", MIN_SIDE_WIDTH), ("250", 250)):
        raw.setValue("settings_window/nav_width", stored)
        raw.sync()
        window = SettingsWindow()
        qtbot.addWidget(window)
        width = AppSettings(tmp_path).settings_nav_width
        assert width is not None
        window.set_nav_width(width)
        assert window.nav_width == expected
    for unreadable in ("wide", "-3", ""):
        raw.setValue("settings_window/nav_width", unreadable)
        raw.sync()
        assert AppSettings(tmp_path).settings_nav_width is None  # the default width stays
    settings.settings_nav_width = 300
    settings.sync()
    assert AppSettings(tmp_path).settings_nav_width == 300
