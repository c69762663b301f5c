"""One account's own settings (an INI file in its folder): what differs between accounts — the conversation
open last, whether its notifications show the message text, the width of its conversation list (each
account's window is its own page, sized on its own). What belongs to the app (window geometry, the
folder files are attached from, the account list) stays in AppSettings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from desktop.settings import positive_int


class AccountSettings:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._qsettings = QSettings(str(path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._qsettings.sync()

    @property
    def last_conversation(self) -> int | None:
        value = self._qsettings.value("conversations/last")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    @last_conversation.setter
    def last_conversation(self, conversation_id: int | None) -> None:
        if conversation_id is None:
            self._qsettings.remove("conversations/last")
        else:
            self._qsettings.setValue("conversations/last", conversation_id)

    @property
    def notification_text(self) -> bool:
        """Whether this account's notifications show the message's text (else only who wrote)."""
        return str(self._qsettings.value("notifications/show_text", "true")).lower() == "true"

    @notification_text.setter
    def notification_text(self, show: bool) -> None:
        self._qsettings.setValue("notifications/show_text", "true" if show else "false")

    @property
    def list_width(self) -> int | None:
        """The conversation list's own width (the last drag or Ctrl+[ / Ctrl+]); None: never set for this
        account (the app-wide value of older versions then stands in, AppSettings.list_width)."""
        return positive_int(self._qsettings, "window/list_width")

    @list_width.setter
    def list_width(self, width: int) -> None:
        self._qsettings.setValue("window/list_width", int(width))
