"""The divider beside the list from the keyboard: Ctrl+] and Ctrl+[ widen and narrow the conversation list
(and the Settings window's page list) a step at a time between its bounds, Ctrl+\\ puts it back at its
default width, the shortcut sheet lists them; the width is each account's own, kept across a restart, an
account without one starting at the app-wide width older versions kept."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QTextEdit, QVBoxLayout, QWidget

from desktop.accounts.account_settings import AccountSettings
from desktop.views.responsive import WIDE_LIST_WIDTH
from desktop.views.settings_window import NAV_WIDTH, SettingsWindow
from desktop.views.shortcut_sheet import ShortcutSheet
from desktop.views.shortcuts import SIDE_DEFAULT, SIDE_NARROWER, SIDE_WIDER, SWITCH_ACCOUNT, shown_keys
from desktop.views.side_splitter import MIN_SIDE_WIDTH, SIDE_STEP, SideSplitter
from tests.desktop.conftest import ClientHandle
from tests.desktop.test_responsive_layout import active, resized
from tests.support.api import PASSWORD, register

CTRL = Qt.KeyboardModifier.ControlModifier
WIDER, NARROWER, DEFAULT = Qt.Key.Key_BracketRight, Qt.Key.Key_BracketLeft, Qt.Key.Key_Backslash


def shown_split(qtbot, main_minimum: int = 300) -> tuple[QWidget, SideSplitter, QTextEdit]:
    """A window of a side column and a text box (where the focus usually is: the keys are not typed)."""
    window = QWidget()
    qtbot.addWidget(window)
    text = QTextEdit(window)
    text.setMinimumWidth(main_minimum)
    splitter = SideSplitter(QLabel("side", window), text, 300, window)
    QVBoxLayout(window).addWidget(splitter)
    window.resize(1000, 600)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=10000)
    text.setFocus()
    qtbot.waitUntil(text.hasFocus, timeout=10000)
    return window, splitter, text


def test_keys_step_the_column_between_its_bounds_and_back_to_the_default(qtbot):
    window, splitter, text = shown_split(qtbot)
    assert splitter.sizes()[0] == 300
    qtbot.keyClick(text, WIDER, CTRL)
    assert splitter.sizes()[0] == splitter.side_width == 300 + SIDE_STEP
    for _ in range(30):  # as far as the text box's minimum lets it, no further
        qtbot.keyClick(text, WIDER, CTRL)
    widest = 1000 - 300 - splitter.handleWidth() - 2 * window.layout().contentsMargins().left()
    assert splitter.sizes()[0] == splitter.side_width == widest
    assert text.width() == 300
    for _ in range(30):
        qtbot.keyClick(text, NARROWER, CTRL)
    assert splitter.sizes()[0] == splitter.side_width == MIN_SIDE_WIDTH
    qtbot.keyClick(text, DEFAULT, CTRL)
    assert splitter.sizes()[0] == splitter.side_width == 300
    assert text.toPlainText() == ""  # none of them typed a character


def test_an_avatar_only_or_lone_column_does_not_move_and_the_default_waits_for_it(qtbot):
    _window, splitter, text = shown_split(qtbot)
    qtbot.keyClick(text, WIDER, CTRL)
    splitter.fix_side(80)  # the avatar-only list: no divider to move
    qtbot.keyClick(text, WIDER, CTRL)
    assert splitter.sizes()[0] == 80 and splitter.side_width == 300 + SIDE_STEP
    qtbot.keyClick(text, DEFAULT, CTRL)  # remembered for when the list is its own width again
    assert splitter.sizes()[0] == 80 and splitter.side_width == 300
    splitter.free_side()
    qtbot.keyClick(text, WIDER, CTRL)
    splitter.side.hide()  # one pane
    qtbot.keyClick(text, NARROWER, CTRL)
    assert splitter.side_width == 300 + SIDE_STEP


def test_the_settings_page_list_answers_the_same_keys(qtbot):
    settings = SettingsWindow()
    qtbot.addWidget(settings)
    settings.resize(760, 520)
    settings.present()
    qtbot.waitUntil(settings.isActiveWindow, timeout=10000)
    qtbot.waitUntil(lambda: settings.side.width() == NAV_WIDTH, timeout=10000)
    qtbot.keyClick(settings.nav, WIDER, CTRL)
    assert settings.side.width() == NAV_WIDTH + SIDE_STEP
    qtbot.keyClick(settings.nav, DEFAULT, CTRL)
    assert settings.side.width() == NAV_WIDTH
    assert settings.nav.currentRow() == 0  # the page list did not take them as a search


def test_the_shortcut_sheet_lists_them(qtbot):
    sheet = ShortcutSheet()
    qtbot.addWidget(sheet)
    lines = sheet.lines()
    steps = f"{shown_keys(SIDE_NARROWER)}   ·   {shown_keys(SIDE_WIDER)}"
    assert f"{steps}\tNarrow or widen the list (Settings: the pages)" in lines
    assert f"{shown_keys(SIDE_DEFAULT)}\tThe list back at its default width" in lines


def list_width_of(session) -> int | None:
    """As kept on disk in the account's own settings file."""
    return AccountSettings(session.paths.settings_file).list_width


def add_same_server_account(client: ClientHandle, username: str):
    from tests.desktop.test_accounts import add_account

    return add_account(client, client.server_url, username)


def test_each_account_keeps_its_own_list_width_set_by_the_keys(live_server, desktop_client, qtbot):
    register(live_server.url, "alice", display_name="Alice")
    register(live_server.url, "carol", display_name="Carol")
    client = desktop_client("me", live_server.url)
    # a data dir of a version that kept one width for the whole app
    old = QSettings(str(client.data_dir / "settings.ini"), QSettings.Format.IniFormat)
    old.setValue("window/list_width", 360)
    old.sync()
    client.sign_in("alice", PASSWORD)
    client.wait_online()
    alice = client.session
    active(qtbot, alice.window)
    resized(qtbot, alice.window, 1300)
    qtbot.waitUntil(lambda: alice.window.list_pane.width() == 360, timeout=10000)  # the old width
    qtbot.keyClick(alice.window.conversation_view, WIDER, CTRL)
    qtbot.waitUntil(lambda: alice.window.list_pane.width() == 360 + SIDE_STEP, timeout=10000)

    carol = add_same_server_account(client, "carol")
    assert client.app.chat_session is carol
    active(qtbot, carol.window)
    qtbot.waitUntil(lambda: carol.window.isVisible() and carol.window.width() > 900, timeout=10000)
    qtbot.waitUntil(lambda: carol.window.list_pane.width() == 360, timeout=10000)  # none of her own yet
    for _ in range(2):
        qtbot.keyClick(carol.window.conversation_view, NARROWER, CTRL)
    qtbot.waitUntil(lambda: carol.window.list_pane.width() == 360 - 2 * SIDE_STEP, timeout=10000)
    assert alice.window.splitter.side_width == 360 + SIDE_STEP  # behind, untouched
    client.app.window.switch_requested.emit(0)  # Ctrl+1: the keys go to the account in front only
    qtbot.waitUntil(lambda: alice.window.isVisible(), timeout=10000)
    qtbot.keyClick(alice.window.conversation_view, DEFAULT, CTRL)
    qtbot.waitUntil(lambda: alice.window.list_pane.width() == WIDE_LIST_WIDTH, timeout=10000)
    qtbot.keyClick(alice.window.conversation_view, WIDER, CTRL)
    assert carol.window.splitter.side_width == 360 - 2 * SIDE_STEP
    client.close()  # Alice's window closes after Carol's: each keeps its own
    assert list_width_of(alice) == WIDE_LIST_WIDTH + SIDE_STEP
    assert list_width_of(carol) == 360 - 2 * SIDE_STEP

    again = ClientHandle(qtbot, client.data_dir, live_server.url)
    try:
        again.app.start()
        alice2, carol2 = again.app.accounts.sessions
        assert alice2.window.splitter.side_width == WIDE_LIST_WIDTH + SIDE_STEP
        assert carol2.window.splitter.side_width == 360 - 2 * SIDE_STEP
        again.app.window.resize(1300, 700)
        for session in (alice2, carol2):
            again.app.accounts.switch_to(session)
            active(qtbot, session.window)
            qtbot.waitUntil(
                lambda s=session: s.window.list_pane.width() == s.window.splitter.side_width, timeout=10000
            )
    finally:
        again.close()


def test_the_sheet_writes_a_run_of_keys_as_a_range(qtbot):
    sheet = ShortcutSheet()
    qtbot.addWidget(sheet)
    first, last = shown_keys(SWITCH_ACCOUNT[0]), shown_keys(SWITCH_ACCOUNT[-1])
    assert f"{first} … {last}\tSwitch to the first … fifth account" in sheet.lines()
