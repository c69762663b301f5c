"""The signed-in accounts of one client, in switcher order, and the one in front: each is a ChatSession
with its own transports, cache and notifier, so nothing of one account reaches another."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.accounts.layout import MAX_ACCOUNTS, credential_key
from desktop.accounts.notifier import AccountNotifier
from desktop.session import ChatSession


def account_key(session: ChatSession) -> str:
    return credential_key(session.account.server_url, session.account.user_id)


class AccountSet(QObject):
    """Signals: changed() — an account came, went or changed name; current_changed(object: the session in
    front, or None); total_unread_changed(int) — every account's unread added up."""

    changed = Signal()
    current_changed = Signal(object)
    total_unread_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sessions: list[ChatSession] = []
        self.notifiers: dict[str, AccountNotifier] = {}
        self.current: ChatSession | None = None
        self.total_unread = 0

    def __len__(self) -> int:
        return len(self.sessions)

    @property
    def full(self) -> bool:
        return len(self.sessions) >= MAX_ACCOUNTS

    def find(self, server_url: str, user_id: int) -> ChatSession | None:
        return self.by_key(credential_key(server_url, user_id))

    def by_key(self, key: str) -> ChatSession | None:
        return next((s for s in self.sessions if account_key(s) == key), None)

    def add(self, session: ChatSession, notifier: AccountNotifier) -> None:
        self.sessions.append(session)
        self.notifiers[account_key(session)] = notifier
        notifier.unread_changed.connect(lambda _: self._count())
        session.user_changed.connect(lambda _: self._relabel())
        self._relabel()
        self.changed.emit()

    def remove(self, session: ChatSession) -> None:
        """Out of the set; the neighbour (the next one, else the one before) comes to the front."""
        if session not in self.sessions:
            return
        index = self.sessions.index(session)
        self.sessions.remove(session)
        notifier = self.notifiers.pop(account_key(session), None)
        if notifier is not None:
            notifier.deleteLater()
        if self.current is session:
            self.current = None
            if self.sessions:
                self.switch_to(self.sessions[min(index, len(self.sessions) - 1)])
            else:
                self.current_changed.emit(None)
        self._relabel()
        self._count()
        self.changed.emit()

    def switch_to(self, session: ChatSession) -> None:
        if session in self.sessions and session is not self.current:
            self.current = session
            self.current_changed.emit(session)

    def switch_to_index(self, index: int) -> None:
        """Ctrl+1 … Ctrl+5 (0-based here): an index with no account does nothing."""
        if 0 <= index < len(self.sessions):
            self.switch_to(self.sessions[index])

    def unread_of(self, session: ChatSession) -> int:
        notifier = self.notifiers.get(account_key(session))
        return notifier.unread if notifier is not None else 0

    def _count(self) -> None:
        total = sum(n.unread for n in self.notifiers.values())
        if total != self.total_unread:
            self.total_unread = total
            self.total_unread_changed.emit(total)
        self.changed.emit()  # each avatar's own count

    def _relabel(self) -> None:
        """Notifications say whose they are once there is more than one account: "@alice", with the
        server's address when two accounts share a username."""
        names = [str(s.account.user.get("username") or s.account.user_id) for s in self.sessions]
        for session, name in zip(self.sessions, names, strict=True):
            label = f"@{name}"
            if names.count(name) > 1:
                label += f" on {session.account.server_url.split('://')[-1]}"
            notifier = self.notifiers.get(account_key(session))
            if notifier is not None:
                notifier.label = label if len(self.sessions) > 1 else ""
