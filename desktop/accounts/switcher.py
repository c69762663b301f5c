"""Keeps the app window in step with the account set: the page of the account in front, the avatar column
with each account's unread count, the total in the title and the tray, the tray menu's accounts (the one in
front checked), and the server named in each account menu once the accounts are on more than one."""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop.accounts.account_set import AccountSet, account_key
from desktop.domain.server_address import server_host
from desktop.session import ChatSession
from desktop.settings import AppSettings
from desktop.views.account_column import AccountEntry
from desktop.views.app_window import AppWindow
from desktop.views.tray import TrayNotifier


class AccountSwitcher(QObject):
    def __init__(self, accounts: AccountSet, window: AppWindow, tray: TrayNotifier, settings: AppSettings):
        super().__init__(window)
        self.accounts = accounts
        self.window = window
        self.tray = tray
        self.settings = settings
        accounts.changed.connect(self.refresh)
        accounts.current_changed.connect(self._on_current)
        accounts.total_unread_changed.connect(self._on_total)
        window.switch_requested.connect(accounts.switch_to_index)
        window.active_changed.connect(lambda _: self._refresh_viewing())

    def add(self, session: ChatSession) -> None:
        """The session's window becomes a page of the app window (before it is shown: never a window of
        its own); its profile picture, once loaded, shows in its avatar."""
        self.window.add_page(session.window)
        session.files.access.avatars.ready.connect(lambda _: self.refresh())

    def remove(self, session: ChatSession) -> None:
        self.window.remove_page(session.window)

    def entry(self, session: ChatSession) -> AccountEntry:
        user = session.chat.user
        username = str(user.get("username") or "")
        avatar = user.get("avatar")
        return AccountEntry(
            name=str(user.get("display_name") or username),
            username=username,
            server=session.account.server_url,
            unread=self.accounts.unread_of(session),
            color_key=self.accounts.sessions.index(session) + 1,  # neighbours never share a colour
            picture=session.files.access.avatar(
                session.account.user_id, avatar if isinstance(avatar, int) else None
            ),
        )

    def refresh(self) -> None:
        sessions = self.accounts.sessions
        current = sessions.index(self.accounts.current) if self.accounts.current in sessions else -1
        entries = [self.entry(s) for s in sessions]
        self.window.set_accounts(entries, current, can_add=not self.accounts.full)
        hosts = [server_host(entry.server) for entry in entries]
        several_servers = len(set(hosts)) > 1
        for session, host in zip(sessions, hosts, strict=True):
            session.window.set_server_shown(host if several_servers else None)
        self.tray.set_accounts(
            [
                (
                    account_key(session),
                    f"{entry.name} (@{entry.username})" + (f" on {host}" if several_servers else ""),
                    entry.unread,
                )
                for session, entry, host in zip(sessions, entries, hosts, strict=True)
            ],
            account_key(self.accounts.current) if self.accounts.current is not None else None,
        )

    def _on_current(self, session: ChatSession | None) -> None:
        if session is not None:
            self.window.show_page(session.window)
            account = session.account
            self.settings.current_account = (account.server_url, account.user_id)
            self.settings.sync()
        self._refresh_viewing()  # the one behind stops being read, the one in front may be
        if session is not None and session.chat.open_conversation_id is not None:
            session.panel.composer.focus()
        elif session is not None:
            session.window.conversation_view.setFocus()
        self.refresh()

    def _refresh_viewing(self) -> None:
        for session in self.accounts.sessions:
            session.refresh_viewing()

    def _on_total(self, count: int) -> None:
        self.window.set_total_unread(count)
        self.tray.set_unread(count)
