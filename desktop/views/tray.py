"""The tray icon and desktop notifications for conversations not in front (click to open): through the tray
where there is one, else through the freedesktop notification service on D-Bus."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.models.plain_text import notification_body
from desktop.views.freedesktop_notifier import FreedesktopNotifier
from desktop.views.icons import app_icon

PREVIEW_LIMIT = 200
# Where notifications go through org.freedesktop.Notifications (or Qt's X11 balloon): both read markup.
READS_MARKUP = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


HIDDEN_TEXT = "New message"
# Where notifications go: the tray, the freedesktop service over D-Bus, or nowhere (tests, or neither exists).
TRAY, DBUS, NONE = "tray", "dbus", "none"


def notification_route(enabled: bool, tray_available: bool) -> str:
    """The tray where there is one; else D-Bus (the service is looked for on its thread); else none."""
    if not enabled:
        return NONE
    return TRAY if tray_available else DBUS


class TrayNotifier(QObject):
    """Signals: open_conversation_requested(str account, int conversation_id) — a notification was clicked
    (``account`` is the key it was shown for, "" when none was given), show_window_requested(),
    account_requested(str account) — an account was picked in the tray menu (listed from two accounts on,
    each with its unread count, as Telegram's tray menu lists them, the one in front checked),
    quit_requested(), unavailable(str reason) — neither a tray nor a notification service: nothing will show.

    Every notification is recorded in ``shown`` (what was shown, text hidden or not), whatever the route, and
    in ``sent`` as handed to the tray (the body escaped where the platform reads markup; the D-Bus route
    escapes by the service's own capabilities)."""

    open_conversation_requested = Signal(str, int)
    show_window_requested = Signal()
    account_requested = Signal(str)
    quit_requested = Signal()
    unavailable = Signal(str)

    def __init__(self, parent: QObject | None = None, *, enabled: bool = True) -> None:
        super().__init__(parent)
        self.shown: list[tuple[int, str, str]] = []
        self.show_text = True  # off: notifications say who wrote, not what
        self.unavailable_reason = ""  # set when neither a tray nor a notification service exists
        self.sent: list[tuple[str, str]] = []
        self._last_conversation: tuple[str, int] | None = None
        self._unread = 0
        self.tray: QSystemTrayIcon | None = None
        # the tray's menu, built whatever the route (a test, or a tray that comes later, reads the same one)
        self.menu = QMenu()
        self.menu.setSeparatorsCollapsible(True)  # one account: the two separators show as one
        self.menu.addAction("Open ChatIDK").triggered.connect(self.show_window_requested)
        self.menu.addSeparator()
        self._accounts_end = self.menu.addSeparator()
        self.menu.addAction("Quit").triggered.connect(self.quit_requested)
        self.account_actions: list[QAction] = []
        # one of them is in front: an exclusive group, drawn as Qt draws a choice of one (a radio mark or a
        # check by the style), and a pick of the checked one keeps it checked
        self.account_group = QActionGroup(self.menu)
        self.account_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.Exclusive)
        self.desktop: FreedesktopNotifier | None = None
        self.route = notification_route(enabled, QSystemTrayIcon.isSystemTrayAvailable())
        if self.route == DBUS:
            self.desktop = FreedesktopNotifier(self)
            self.desktop.clicked.connect(self.open_conversation_requested)
            self.desktop.ready.connect(self._on_desktop_ready)
            self.desktop.start()
        if self.route == TRAY:
            self.tray = QSystemTrayIcon(app_icon(), self)
            self.tray.setContextMenu(self.menu)
            self.tray.activated.connect(self._on_activated)
            self.tray.messageClicked.connect(self._on_message_clicked)
            self.tray.setToolTip("ChatIDK")
            self.tray.show()

    def notify(
        self, conversation_id: int, title: str, text: str, *, account: str = "", show_text: bool = True
    ) -> None:
        """``account``: whose conversation it is (a click hands it back); ``show_text``: that account's own
        choice, on top of the app's."""
        body = " ".join(text.split()) if self.show_text and show_text else HIDDEN_TEXT
        if len(body) > PREVIEW_LIMIT:
            body = body[: PREVIEW_LIMIT - 1] + "…"
        self.shown.append((conversation_id, title, body))
        self._last_conversation = (account, conversation_id)
        platform_body = notification_body(body, reads_markup=READS_MARKUP)
        self.sent.append((title, platform_body))
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(title, platform_body, app_icon(), 6000)
        elif self.desktop is not None and self.desktop.available is not False:
            self.desktop.notify(account, conversation_id, title, body)

    def set_accounts(self, accounts: list[tuple[str, str, int]], current: str | None = None) -> None:
        """(key, label, unread) per signed-in account, in switcher order, ``current`` the key of the one in
        front (checked); one account lists none (Open ChatIDK is that one). Labels are plain text: "&" is
        no mnemonic."""
        for action in self.account_actions:
            self.menu.removeAction(action)
            self.account_group.removeAction(action)
            action.deleteLater()
        self.account_actions = []
        if len(accounts) < 2:
            return
        for key, label, unread in accounts:
            text = f"{label} — {unread} unread" if unread else label
            action = QAction(text.replace("&", "&&"), self.menu)
            action.setData(key)
            action.setCheckable(True)
            action.setChecked(key == current)
            self.account_group.addAction(action)
            action.triggered.connect(lambda _checked=False, key=key: self.account_requested.emit(key))
            self.menu.insertAction(self._accounts_end, action)
            self.account_actions.append(action)

    def set_show_text(self, show: bool) -> None:
        self.show_text = show

    def _on_desktop_ready(self, available: bool, reason: str) -> None:
        if not available:
            self.route = NONE
            self.unavailable_reason = f"Desktop notifications are off: no system tray, and {reason}."
            self.unavailable.emit(self.unavailable_reason)

    def set_unread(self, count: int) -> None:
        if count == self._unread:
            return
        self._unread = count
        if self.tray is not None:
            self.tray.setIcon(app_icon(count))
            self.tray.setToolTip(f"ChatIDK — {count} unread" if count else "ChatIDK")
        app = QGuiApplication.instance()
        if app is not None and hasattr(app, "setBadgeNumber"):
            app.setBadgeNumber(count)  # dock / taskbar badge where the platform has one

    def _on_message_clicked(self) -> None:
        if self._last_conversation is not None:
            self.open_conversation_requested.emit(*self._last_conversation)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window_requested.emit()

    def click_last_notification(self) -> None:
        """What a click on the notification does (also used by tests, which have no tray)."""
        self._on_message_clicked()

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()
        if self.desktop is not None:
            self.desktop.stop()
