"""The composition root: settings, credentials, the sign-in window, and one ChatSession per signed-in
account (up to five, on one server or several) side by side in one app window."""

from __future__ import annotations

import logging
import os
import signal
import sys
import weakref
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.accounts.account_set import AccountSet, account_key
from desktop.accounts.adoption import adopt_single_account_data
from desktop.accounts.layout import AccountPaths, credential_key
from desktop.accounts.menu_items import add_account_items
from desktop.accounts.notifier import AccountNotifier
from desktop.accounts.sign_in_flow import wire_sign_in
from desktop.accounts.switcher import AccountSwitcher
from desktop.config import APP_NAME, DEFAULT_SERVER_URL, ClientConfig
from desktop.controller.appearance import AppearanceController
from desktop.controller.password_reset import PasswordResetController
from desktop.controller.sign_in import SignInController, default_rest_factory
from desktop.credentials import make_credential_store
from desktop.domain.account import Account
from desktop.net.events import EventListener
from desktop.net.rest_worker import RestDispatcher
from desktop.net.worker_thread import shutdown_deadline
from desktop.session import ChatSession
from desktop.settings import AppSettings
from desktop.version import __version__
from desktop.views.about_dialog import AboutDialog
from desktop.views.add_account_dialog import AddAccountDialog
from desktop.views.app_style import apply_app_style
from desktop.views.app_window import AppWindow
from desktop.views.icons import app_icon
from desktop.views.login_window import LoginWindow
from desktop.views.password_reset_dialog import PasswordResetDialog
from desktop.views.themes import ThemeApplier
from desktop.views.tray import TrayNotifier

log = logging.getLogger(__name__)
ListenerFactory = Callable[[str, str], QObject]
ALREADY_SIGNED_IN = "You are already signed in to that account here."


def weakly(session: ChatSession, method: Callable[..., object]) -> Callable[..., None]:
    """``method(session, *args)`` for as long as the session lives, holding it only weakly."""
    ref = weakref.ref(session)

    def call(*args: object) -> None:
        alive = ref()
        if alive is not None:
            method(alive, *args)

    return call


class DesktopApp(QObject):
    """One client: tests build several in one process, each with its own ClientConfig (data dir).

    ``accounts`` holds a ChatSession per signed-in account; ``chat_session`` is the one in front.
    ``sign_in`` drives the login window; Add account has its own controller (``add_sign_in``)."""

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
        self.data_dir = self.config.ensure_data_dir()
        self.settings = AppSettings(self.data_dir)
        self.appearance = AppearanceController(self.settings, self)  # theme and text size, every account
        self.themes = ThemeApplier.for_app()
        self.appearance.theme_changed.connect(self.themes.apply)
        self.credentials = make_credential_store(self.config.credential_backend, self.data_dir)
        self.rest_factory = rest_factory
        self.sign_in = SignInController(rest_factory)
        self.sign_in.signed_in.connect(lambda account: self._on_signed_in(account, self.sign_in))
        self.listener_factory = listener_factory
        self.tray = TrayNotifier(self, enabled=tray_enabled and self.config.notifications)
        self.accounts = AccountSet(self)
        self.window = AppWindow()
        self.window.closing.connect(self.save_window_state)
        self.window.add_requested.connect(self.show_add_account)
        self.window.sign_out_requested.connect(lambda i: self.sign_out(self.accounts.sessions[i]))
        self.window.remove_requested.connect(lambda i: self.confirm_remove(self.accounts.sessions[i]))
        self.switcher = AccountSwitcher(self.accounts, self.window, self.tray, self.settings)
        self.login_window: LoginWindow | None = None
        self.password_reset = PasswordResetController(self.sign_in.rest_for, self)
        self.reset_dialog: PasswordResetDialog | None = None
        self.add_dialog: AddAccountDialog | None = None
        self.add_sign_in: SignInController | None = None
        self.about_dialog: AboutDialog | None = None
        self._closing_rests: list[RestDispatcher] = []  # signed out: their logout still going out
        self._shut_down = False
        self.tray.open_conversation_requested.connect(self._open_from_notification)
        self.tray.show_window_requested.connect(self._raise_window)
        self.tray.account_requested.connect(self._show_account)
        self.tray.quit_requested.connect(QApplication.quit)

    @property
    def chat_session(self) -> ChatSession | None:
        """The account in front (None while nobody is signed in)."""
        return self.accounts.current

    @property
    def server_url(self) -> str:
        return self.config.server_url or self.settings.server_url or DEFAULT_SERVER_URL

    def start(self) -> None:
        """Adopt an older single-account data dir, then open every account kept signed in, offline-first
        (each on its cached history at once; a 401 signs that one out)."""
        self.themes.apply(self.appearance.theme)  # before any window shows: no flash of the other theme
        current = self.settings.current_account  # read first: opening the accounts moves it
        remembered = adopt_single_account_data(
            self.data_dir,
            self.settings,
            self.credentials,
            [self.settings.server_url, self.config.server_url, DEFAULT_SERVER_URL],
        )
        for server_url, user_id in remembered:
            stored = self.credentials.load(credential_key(server_url, user_id))
            if stored and stored.get("token") and isinstance(stored.get("user"), dict):
                account = Account(server_url, stored["token"], stored["user"])
                rest = self.rest_factory(server_url)
                rest.call(lambda api, token=account.token: setattr(api, "token", token))
                self._open(account, rest)
        self._forget_missing()
        current = current or self.settings.current_account  # an adopted account: the one it adopted
        chosen = self.accounts.find(*current) if current else None
        if chosen is not None:
            self.accounts.switch_to(chosen)
        if not self.accounts.sessions:
            self._login().show()

    def _forget_missing(self) -> None:
        """The account list keeps only accounts that were really opened (a token lost from the keyring)."""
        self.settings.accounts = [
            (s.account.server_url, s.account.user_id) for s in self.accounts.sessions if s.account.remembered
        ]
        self.settings.sync()

    def _login(self) -> LoginWindow:
        if self.login_window is None:
            self.login_window = LoginWindow(self.server_url)
            self.login_window.username_edit.setText(self.settings.last_username)
            wire_sign_in(self.login_window, self.sign_in, self.show_password_reset)
        return self.login_window

    # adding accounts
    def show_add_account(self) -> AddAccountDialog | None:
        """The sign-in form in a dialog (two-factor code step included); the accounts signed in stay."""
        if self.accounts.full:
            self._status("Five accounts are signed in: sign out of one to add another.")
            return None
        if self.add_dialog is not None:
            self.add_dialog.raise_()
            return self.add_dialog
        in_front = self.chat_session
        dialog = AddAccountDialog(in_front.account.server_url if in_front else self.server_url, self.window)
        controller = SignInController(self.rest_factory)
        wire_sign_in(
            dialog.form, controller, lambda url, who: self.show_password_reset(url, who, dialog.form)
        )
        controller.signed_in.connect(lambda account: self._on_signed_in(account, controller))
        dialog.finished.connect(lambda _: self._add_dialog_closed(controller))
        self.add_dialog, self.add_sign_in = dialog, controller
        dialog.open()
        dialog.form.focus_first_empty()
        return dialog

    def _add_dialog_closed(self, controller: SignInController) -> None:
        controller.close_rest()  # a sign-in still on its way comes to nothing
        self.add_dialog, self.add_sign_in = None, None

    def _on_signed_in(self, account: Account, controller: SignInController) -> None:
        rest = controller.take_rest()
        assert rest is not None
        self.settings.server_url = account.server_url
        self.settings.last_username = account.user.get("username") or ""
        existing = self.accounts.find(account.server_url, account.user_id)
        if existing is not None:  # the new token is not needed: revoked again, the old session stays
            rest.call(lambda api: api.logout(), None, lambda error: None)
            rest.close(finish_queued=True)
            self._closing_rests.append(rest)
            self.accounts.switch_to(existing)
            self._status(ALREADY_SIGNED_IN)
        else:
            key = credential_key(account.server_url, account.user_id)
            if account.remembered:
                self.credentials.save(key, account.to_credentials())
            else:
                self.credentials.forget(key)
            self._open(account, rest)
            self._forget_missing()
            self.accounts.switch_to(self.accounts.sessions[-1])
        self.settings.sync()
        if self.add_dialog is not None and controller is self.add_sign_in:
            self.add_dialog.accept()
        if self.login_window is not None and controller is self.sign_in:
            self.login_window.hide()
            self.login_window.password_edit.clear()

    def _open(self, account: Account, rest: RestDispatcher) -> ChatSession:
        """A session of its own: folder, cache, outbox, dispatcher, live connection, notifier."""
        paths = AccountPaths.of(self.data_dir, account.server_url, account.user_id)
        key = credential_key(account.server_url, account.user_id)
        notifier = AccountNotifier(self.tray, key, self)
        listener = self.listener_factory(account.server_url, account.token)
        session = ChatSession(account, rest, listener, self.settings, paths, notifier, self.appearance)
        session.settings_wiring.about = self.show_about
        # Through a weak reference: a lambda holding the session would keep it (and its controller's timers)
        # alive after it is signed out and its window is gone.
        session.log_out_requested.connect(weakly(session, self.sign_out))
        session.ended.connect(weakly(session, self._ended))
        session.user_changed.connect(weakly(session, self._user_changed))
        session.window.quit_requested.connect(self.quit)
        add_account_items(
            session.window.account_menu,
            add_account=self.show_add_account,
            remove_account=weakly(session, self.confirm_remove),
        )
        self.switcher.add(session)  # a page of the app window before it shows
        self.accounts.add(session, notifier)
        session.start()
        if self.accounts.current is None:
            self.accounts.switch_to(session)
        else:  # it showed its window on starting: behind the one in front it goes
            self.window.show_page(self.accounts.current.window)
        self._show_window()
        return session

    def _show_window(self) -> None:
        if not self.window.isVisible():
            geometry = self.settings.window_geometry()
            if geometry is not None:
                self.window.restoreGeometry(geometry)
            self.window.show()

    def _user_changed(self, session: ChatSession, user: dict) -> None:
        """The profile changed (name, picture, email): the stored copy follows, so the next start shows it
        before the server answers."""
        account = session.account
        account.user = dict(user)
        if account.remembered:
            self.credentials.save(account_key(session), account.to_credentials())
        self.switcher.refresh()

    # signing out, removing
    def sign_out(
        self, session: ChatSession, reason: str = "", *, revoke: bool = True, erase: bool = False
    ) -> None:
        """This account only: its token revoked on the server if it answers and forgotten here either way;
        the other accounts go on. ``erase``: its folder (history, outbox, drafts, files) goes too."""
        if session not in self.accounts.sessions:
            return
        if revoke:
            session.rest.call(lambda api: api.logout(), None, lambda error: None)
        self.credentials.forget(account_key(session))
        session.erase_local_data = session.erase_local_data or erase
        session.rest.close(finish_queued=True)  # told first: the logout still goes out
        self._closing_rests.append(session.rest)
        self.switcher.remove(session)
        self.accounts.remove(session)
        session.shutdown()
        self._forget_missing()
        if not self.accounts.sessions:
            self.window.hide()
            self.tray.set_unread(0)
            login = self._login()
            login.reset_for(reason)
            login.show()
        elif reason:
            name = session.account.user.get("username") or session.account.server_url
            self._status(f"@{name}: {reason}")

    def _ended(self, session: ChatSession, reason: str) -> None:
        """The server refused the token (revoked elsewhere, account deleted)."""
        self.sign_out(session, reason, revoke=False)

    def confirm_remove(self, session: ChatSession) -> None:
        user = session.account.user
        answer = QMessageBox.question(
            self.window,
            "Remove account",
            f"Remove @{user.get('username', '')} ({session.account.server_url}) from this computer? It is"
            " signed out, and its history, unsent messages and drafts kept here are deleted. Your other"
            " accounts stay signed in.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.sign_out(session, erase=True)

    def _status(self, text: str) -> None:
        if self.chat_session is not None:
            self.chat_session.show_status(text)

    # the password reset, about, raising
    def show_password_reset(
        self, server_url: str, login: str = "", form: LoginWindow | None = None
    ) -> PasswordResetDialog:
        """The forgot-password dialogs; on success, back to the sign-in form with the username filled in."""
        form = form or self._login()
        dialog = PasswordResetDialog(login, form)
        url = server_url or self.server_url
        reset = self.password_reset
        dialog.code_requested.connect(lambda who: reset.request_code(url, who))
        dialog.reset_requested.connect(lambda *args: reset.confirm(url, *args))
        connections = [
            reset.code_sent.connect(dialog.show_code_page),
            reset.failed.connect(dialog.show_error),
            reset.reset_done.connect(lambda who: self._password_was_reset(dialog, who, form)),
        ]
        dialog.finished.connect(lambda _: [QObject.disconnect(c) for c in connections])
        self.reset_dialog = dialog
        dialog.open()
        return dialog

    def _password_was_reset(self, dialog: PasswordResetDialog, login: str, form: LoginWindow) -> None:
        dialog.accept()
        if "@" not in login:
            form.username_edit.setText(login)
        form.password_edit.clear()
        form.show_notice(
            "Your password was changed and every device was signed out. Sign in with the new password"
            + ("." if "@" not in login else " and the username named in the mail.")
        )
        form.password_edit.setFocus()

    @staticmethod
    def quit() -> None:
        """Ctrl+Q: the whole app ends (shutdown runs on aboutToQuit), not just the window."""
        QApplication.quit()

    def show_about(self) -> AboutDialog:
        if self.about_dialog is not None:
            self.about_dialog.deleteLater()
        session = self.chat_session
        parent = self.window if session else self.login_window
        self.about_dialog = AboutDialog(session.account.server_url if session else self.server_url, parent)
        self.about_dialog.open()
        return self.about_dialog

    def _raise_window(self) -> None:
        window = self.window if self.accounts.sessions else self.login_window
        if window is not None:
            window.showNormal()
            window.raise_()
            window.activateWindow()

    def _show_account(self, key: str) -> None:
        """An account picked in the tray menu: the window comes up with that account in front."""
        session = self.accounts.by_key(key)
        if session is not None:
            self.accounts.switch_to(session)
            self._raise_window()

    def _open_from_notification(self, key: str, conversation_id: int) -> None:
        """A click on a notification: its own account comes to the front with that conversation open."""
        session = self.accounts.by_key(key) if key else self.chat_session
        if session is not None:
            self.accounts.switch_to(session)
            self._raise_window()
            session.open_conversation(conversation_id)

    def save_window_state(self) -> None:
        if self.accounts.sessions:
            self.settings.save_geometry(self.window.saveGeometry())
        for session in self.accounts.sessions:
            session.save_window_state()
        self.settings.sync()

    def shutdown(self) -> None:
        """Every worker thread of every account is told to stop and waited for until one shared deadline,
        SHUTDOWN_WAIT (two seconds) from now: a call to a server that stopped answering is left behind,
        never waited out. The caches close; the tray icon goes away. Once: a second call does nothing."""
        if self._shut_down:
            return
        self._shut_down = True
        deadline = shutdown_deadline()
        self.save_window_state()
        sessions = list(self.accounts.sessions)
        rests = [s.rest for s in sessions] + self._closing_rests
        for rest in rests:  # told first: their threads are waited for last, on the same deadline
            rest.close(finish_queued=True)
        for session in sessions:
            self.switcher.remove(session)
            self.accounts.remove(session)
            session.shutdown(deadline)
        for rest in rests:
            rest.shutdown(deadline, finish_queued=True)
        self.sign_in.close_rest(deadline)
        if self.add_sign_in is not None:
            self.add_sign_in.close_rest(deadline)
        self._closing_rests.clear()
        self.tray.set_unread(0)
        self.tray.hide()
        for window in (self.login_window, self.add_dialog):
            if window is not None:
                window.close()
                window.deleteLater()
        self.login_window = self.add_dialog = None
        self.window.hide()
        self.window.deleteLater()


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
