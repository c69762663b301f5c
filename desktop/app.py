"""The composition root: settings, credentials, sign-in window, and a ChatSession once signed in."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from desktop.config import APP_NAME, DEFAULT_SERVER_URL, ClientConfig
from desktop.controller.password_reset import PasswordResetController
from desktop.controller.sign_in import SignInController, default_rest_factory
from desktop.credentials import make_credential_store
from desktop.domain.account import Account
from desktop.net.events import EventListener
from desktop.net.worker_thread import shutdown_deadline
from desktop.session import ChatSession
from desktop.settings import AppSettings
from desktop.version import __version__
from desktop.views.about_dialog import AboutDialog
from desktop.views.app_style import apply_app_style
from desktop.views.icons import app_icon
from desktop.views.login_window import LoginWindow
from desktop.views.password_reset_dialog import PasswordResetDialog
from desktop.views.tray import TrayNotifier

log = logging.getLogger(__name__)
ListenerFactory = Callable[[str, str], QObject]


class DesktopApp(QObject):
    """One client: tests build several in one process, each with its own ClientConfig (data dir)."""

    def __init__(
        self,
        config: ClientConfig | None = None,
        *,
        rest_factory=default_rest_factory,
        listener_factory: ListenerFactory = EventListener,
        tray_enabled: bool = True,
    ) -> None:
        super().__init__()
        self.config = config or ClientConfig()
        data_dir = self.config.ensure_data_dir()
        self.settings = AppSettings(data_dir)
        self.credentials = make_credential_store(self.config.credential_backend, data_dir)
        self.sign_in = SignInController(self.credentials, rest_factory)
        self.listener_factory = listener_factory
        self.tray = TrayNotifier(self, enabled=tray_enabled and self.config.notifications)
        self.login_window: LoginWindow | None = None
        self.password_reset = PasswordResetController(self.sign_in.rest_for, self)
        self.reset_dialog: PasswordResetDialog | None = None
        self.chat_session: ChatSession | None = None
        self.about_dialog: AboutDialog | None = None
        self.sign_in.signed_in.connect(self._on_signed_in)
        self.sign_in.sign_in_failed.connect(lambda message: self._login().show_error(message))
        self.sign_in.busy_changed.connect(lambda busy: self._login().set_busy(busy))
        self.sign_in.second_factor_required.connect(lambda _: self._login().show_code_step())
        self.sign_in.code_failed.connect(lambda message, back: self._login().show_code_error(message, back))
        self.sign_in.signed_out.connect(self._on_signed_out)
        self.tray.open_conversation_requested.connect(self._open_from_notification)
        self.tray.show_window_requested.connect(self._raise_window)
        self.tray.quit_requested.connect(QApplication.quit)

    @property
    def server_url(self) -> str:
        return self.config.server_url or self.settings.server_url or DEFAULT_SERVER_URL

    def start(self) -> None:
        if not self.sign_in.try_auto_sign_in(self.server_url):
            self._login().show()

    def _login(self) -> LoginWindow:
        if self.login_window is None:
            self.login_window = LoginWindow(self.server_url)
            self.login_window.username_edit.setText(self.settings.last_username)
            self.login_window.sign_in_requested.connect(
                lambda url, user, password, keep: self.sign_in.sign_in(url, user, password, keep=keep)
            )
            self.login_window.register_requested.connect(
                lambda url, user, password, name, keep: self.sign_in.register(
                    url, user, password, name, keep=keep
                )
            )
            self.login_window.forgot_password_requested.connect(self.show_password_reset)
            self.login_window.code_step.code_submitted.connect(
                lambda code, recovery: self.sign_in.submit_code(code, recovery=recovery)
            )
            self.login_window.code_step.back_requested.connect(self.sign_in.cancel_second_factor)
        return self.login_window

    def show_password_reset(self, server_url: str, login: str = "") -> PasswordResetDialog:
        """The forgot-password dialogs; on success, back to sign-in with the username filled in."""
        dialog = PasswordResetDialog(login, self.login_window)
        url = server_url or self.server_url
        reset = self.password_reset
        dialog.code_requested.connect(lambda who: reset.request_code(url, who))
        dialog.reset_requested.connect(lambda *args: reset.confirm(url, *args))
        connections = [
            reset.code_sent.connect(dialog.show_code_page),
            reset.failed.connect(dialog.show_error),
            reset.reset_done.connect(lambda who: self._password_was_reset(dialog, who)),
        ]
        dialog.finished.connect(lambda _: [QObject.disconnect(c) for c in connections])
        self.reset_dialog = dialog
        dialog.open()
        return dialog

    def _password_was_reset(self, dialog: PasswordResetDialog, login: str) -> None:
        dialog.accept()
        login_window = self._login()
        if "@" not in login:
            login_window.username_edit.setText(login)
        login_window.password_edit.clear()
        login_window.show_notice(
            "Your password was changed and every device was signed out. Sign in with the new password"
            + ("." if "@" not in login else " and the username named in the mail.")
        )
        login_window.password_edit.setFocus()

    def _on_signed_in(self, account: Account) -> None:
        self.settings.server_url = account.server_url
        self.settings.last_username = account.user.get("username") or ""
        self.settings.sync()
        listener = self.listener_factory(account.server_url, account.token)
        self.chat_session = ChatSession(
            account, self.sign_in.rest, listener, self.settings, self.config.data_dir, self.tray
        )
        self.chat_session.log_out_requested.connect(self.sign_in.sign_out)
        self.chat_session.ended.connect(self.sign_in.session_ended)
        self.chat_session.user_changed.connect(self.sign_in.update_user)  # the stored copy too
        self.chat_session.start()
        self.chat_session.window.quit_requested.connect(self.quit)
        account_menu = self.chat_session.window.account_menu
        account_menu.addSeparator()
        account_menu.addAction("About ChatIDK…").triggered.connect(self.show_about)
        if self.login_window is not None:
            self.login_window.hide()
            self.login_window.password_edit.clear()

    def _on_signed_out(self, reason: str) -> None:
        self._close_chat()
        login = self._login()
        login.reset_for(reason)
        login.show()

    def _close_chat(self, deadline: float | None = None) -> None:
        if self.chat_session is not None:
            self.chat_session.shutdown(deadline)
            self.chat_session = None
        self.tray.set_unread(0)

    @staticmethod
    def quit() -> None:
        """Ctrl+Q: the whole app ends (shutdown runs on aboutToQuit), not just the window."""
        QApplication.quit()

    def show_about(self) -> AboutDialog:
        if self.about_dialog is not None:
            self.about_dialog.deleteLater()
        parent = self.chat_session.window if self.chat_session else self.login_window
        self.about_dialog = AboutDialog(self.server_url, parent)
        self.about_dialog.open()
        return self.about_dialog

    def _raise_window(self) -> None:
        window = self.chat_session.window if self.chat_session else self.login_window
        if window is not None:
            window.showNormal()
            window.raise_()
            window.activateWindow()

    def _open_from_notification(self, conversation_id: int) -> None:
        if self.chat_session is not None:
            self._raise_window()
            self.chat_session.open_conversation(conversation_id)

    def shutdown(self) -> None:
        """Every worker thread is told to stop and waited for until one shared deadline, SHUTDOWN_WAIT
        (two seconds) from now: a call to a server that stopped answering is left behind, never waited out.
        The cache closes; the tray icon goes away."""
        deadline = shutdown_deadline()
        if self.sign_in.rest is not None:  # told first: its thread is waited for last, on the same deadline
            self.sign_in.rest.close(finish_queued=True)
        self._close_chat(deadline)
        self.sign_in.close_rest(deadline)
        self.tray.hide()
        if self.login_window is not None:
            self.login_window.close()
            self.login_window.deleteLater()
            self.login_window = None


def run(server_url: str | None = None, data_dir: str | None = None, qt_argv: list[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("CHATIDK_DESKTOP_LOG_LEVEL", "WARNING").upper())
    app = QApplication(qt_argv or sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("chatidk")
    app.setWindowIcon(app_icon())
    apply_app_style(app)
    config = (
        ClientConfig(server_url=server_url) if data_dir is None else ClientConfig(Path(data_dir), server_url)
    )
    desktop = DesktopApp(config)
    app.aboutToQuit.connect(desktop.shutdown)
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    heartbeat = QTimer()  # lets Python see Ctrl+C while Qt's loop runs
    heartbeat.start(250)
    heartbeat.timeout.connect(lambda: None)
    desktop.start()
    return app.exec()
