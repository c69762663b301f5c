"""The tray icon: unread count, desktop notifications for conversations not in front, click to open."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.models.plain_text import notification_body
from desktop.views.icons import app_icon

PREVIEW_LIMIT = 200
# Where notifications go through org.freedesktop.Notifications (or Qt's X11 balloon): both read markup.
READS_MARKUP = sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd"))


class TrayNotifier(QObject):
    """Signals: open_conversation_requested(int), show_window_requested(), quit_requested().

    Notifications are recorded in ``shown`` (as written) and ``sent`` (as handed to the platform, where the
    body is escaped if the platform reads markup); with no tray (or in tests) they go no further."""

    open_conversation_requested = Signal(int)
    show_window_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None, *, enabled: bool = True) -> None:
        super().__init__(parent)
        self.shown: list[tuple[int, str, str]] = []
        self.sent: list[tuple[str, str]] = []
        self._last_conversation: int | None = None
        self._unread = 0
        self.tray: QSystemTrayIcon | None = None
        if enabled and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(app_icon(), self)
            menu = QMenu()
            menu.addAction("Open ChatIDK").triggered.connect(self.show_window_requested)
            menu.addSeparator()
            menu.addAction("Quit").triggered.connect(self.quit_requested)
            self._menu = menu
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(self._on_activated)
            self.tray.messageClicked.connect(self._on_message_clicked)
            self.tray.setToolTip("ChatIDK")
            self.tray.show()

    def notify(self, conversation_id: int, title: str, text: str) -> None:
        body = " ".join(text.split())
        if len(body) > PREVIEW_LIMIT:
            body = body[: PREVIEW_LIMIT - 1] + "…"
        self.shown.append((conversation_id, title, body))
        self._last_conversation = conversation_id
        platform_body = notification_body(body, reads_markup=READS_MARKUP)
        self.sent.append((title, platform_body))
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(title, platform_body, app_icon(), 6000)

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
            self.open_conversation_requested.emit(self._last_conversation)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_window_requested.emit()

    def click_last_notification(self) -> None:
        """What a click on the notification does (also used by tests, which have no tray)."""
        self._on_message_clicked()

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()
