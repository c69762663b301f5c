"""What one account's session sees as "the tray": its notifications go to the app's one tray labelled with
the account they belong to (when several are signed in) and carry its key back on a click; its unread count
is kept here for the app to add up."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.views.tray import TrayNotifier


class AccountNotifier(QObject):
    """Signals: unread_changed(int) — this account's unread count; unavailable(str) — the tray's."""

    unread_changed = Signal(int)
    unavailable = Signal(str)

    def __init__(self, tray: TrayNotifier, key: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tray = tray
        self.key = key
        self.label = ""  # "@alice": set by the account set while more than one account is signed in
        self.show_text = True
        self.unread = 0
        tray.unavailable.connect(self.unavailable)

    @property
    def unavailable_reason(self) -> str:
        return self.tray.unavailable_reason

    def notify(self, conversation_id: int, title: str, text: str) -> None:
        shown = f"{title} · {self.label}" if self.label else title
        self.tray.notify(conversation_id, shown, text, account=self.key, show_text=self.show_text)

    def set_show_text(self, show: bool) -> None:
        self.show_text = show

    def set_unread(self, count: int) -> None:
        if count != self.unread:
            self.unread = count
            self.unread_changed.emit(count)
