"""The session's Settings window: opened by Ctrl+, or the account menu, its pages connected to the
controllers — appearance to the app's AppearanceController, notification text to this account's settings,
mute to the conversation actions, privacy to the profile and security controllers, the buttons to the
existing security dialogs (SecurityMenu). The page list's width is the app's (AppSettings), kept across
runs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt

from desktop.accounts.account_settings import AccountSettings
from desktop.controller.appearance import AppearanceController
from desktop.controller.chat import ChatController
from desktop.models.roles import ConversationRole
from desktop.session.security_menu import SecurityMenu
from desktop.settings import AppSettings
from desktop.views.main_window import MainWindow
from desktop.views.settings_window import SettingsWindow


class SettingsWiring(QObject):
    """``window`` is made on first use and kept (reopening shows the page last looked at)."""

    def __init__(
        self,
        chat: ChatController,
        main_window: MainWindow,
        security: SecurityMenu,
        account_settings: AccountSettings,
        appearance: AppearanceController,
        tray,
        settings: AppSettings,
    ) -> None:
        """``tray``: the account's notifier (told whether to show the text); ``settings``: the app's (the
        page list's width); nothing here holds the session, which must go as soon as it is signed out."""
        super().__init__(main_window)
        self.chat = chat
        self.main_window = main_window
        self.security = security
        self.account_settings = account_settings
        self.appearance = appearance
        self.tray = tray
        self.settings = settings
        self.window: SettingsWindow | None = None
        self.about: Callable[[], object] = lambda: None  # the app's About dialog (set by DesktopApp)
        main_window.settings_requested.connect(self.show)
        main_window.installEventFilter(self)  # another account came to the front: its settings close
        chat.profile_changed.connect(self._on_profile)
        for signal in (chat.conversations.dataChanged, chat.conversations.modelReset):
            signal.connect(lambda *_: self._refresh_mute_list())
        chat.conversations.rowsInserted.connect(lambda *_: self._refresh_mute_list())
        chat.conversations.rowsRemoved.connect(lambda *_: self._refresh_mute_list())

    def show(self) -> SettingsWindow:
        window = self.window or self._make()
        window.appearance.set_theme(self.appearance.theme)
        window.appearance.set_text_size(self.appearance.text_size)
        window.notifications.set_show_text(self.account_settings.notification_text)
        window.privacy.set_user(self.chat.user)
        window.notifications.set_conversations(self.mute_rows())
        window.present()
        return window

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.save_width()

    def save_width(self) -> None:
        """The page list's width for the next run (when the window closes, and when the app does)."""
        if self.window is not None:
            self.settings.settings_nav_width = self.window.nav_width
            self.settings.sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # not a spontaneous hide (the app window minimised): only the page itself going behind another
        if watched is self.main_window and event.type() == QEvent.Type.Hide and not event.spontaneous():
            self.close()
        return super().eventFilter(watched, event)

    def _make(self) -> SettingsWindow:
        window = SettingsWindow(self.main_window)
        stored = self.settings.settings_nav_width
        if stored is not None:
            window.set_nav_width(stored)
        window.finished.connect(lambda _result: self.save_width())
        security = self.security
        appearance = self.appearance
        window.appearance.theme_chosen.connect(appearance.set_theme)
        window.appearance.text_size_chosen.connect(appearance.set_text_size)
        window.notifications.show_text_toggled.connect(self._set_show_text)
        window.notifications.mute_toggled.connect(self.chat.conversation_actions.set_muted)
        window.privacy.visible_toggled.connect(lambda visible: self.chat.update_profile(visible=visible))
        window.privacy.hide_last_seen_toggled.connect(
            lambda hide: self.chat.security.set_hide_last_seen(hide, self._privacy_refused)
        )
        window.change_password_requested.connect(lambda: security.show_change_password(window))
        window.two_factor_requested.connect(lambda: security.show_two_factor(window))
        window.devices_requested.connect(lambda: security.show_devices(window))
        window.blocked_requested.connect(lambda: security.show_blocked(window))
        window.export_requested.connect(lambda: security.show_export(window))
        window.shortcuts_requested.connect(self.main_window.show_shortcuts)
        window.about_requested.connect(lambda: self.about())
        self.window = window
        return window

    def _set_show_text(self, show: bool) -> None:
        self.account_settings.notification_text = show
        self.account_settings.sync()
        self.tray.set_show_text(show)

    def _privacy_refused(self, text: str) -> None:
        """Not saved (offline, refused): the box goes back to what the server holds, the toast says why."""
        if self.window is not None:
            self.window.privacy.set_user(self.chat.user)
        self.main_window.show_toast(text, 8000)

    def _on_profile(self, user: dict) -> None:
        if self.window is not None:
            self.window.privacy.set_user(user)

    def mute_rows(self) -> list[tuple[int, str, bool]]:
        """Every conversation of this account, by title: (id, title, muted)."""
        model = self.chat.conversations
        rows = []
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            rows.append(
                (
                    int(index.data(ConversationRole.ID)),
                    str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
                    bool(index.data(ConversationRole.MUTED)),
                )
            )
        return sorted(rows, key=lambda r: (r[1].casefold(), r[0]))

    def _refresh_mute_list(self) -> None:
        if self.window is not None and self.window.isVisible():
            self.window.notifications.set_conversations(self.mute_rows())
