"""Remembered between runs (QSettings, an INI file in the data dir): server address, window geometry, last
conversation per account, the folder files were last attached from. Kept in the data dir so a second
client with its own data dir has its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


class AppSettings:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self._qsettings = QSettings(str(data_dir / "settings.ini"), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._qsettings.sync()

    @property
    def server_url(self) -> str | None:
        value = self._qsettings.value("server/url")
        return str(value) if value else None

    @server_url.setter
    def server_url(self, url: str) -> None:
        self._qsettings.setValue("server/url", url)

    @property
    def notification_text(self) -> bool:
        """Whether notifications show the message's text (else only who wrote)."""
        return str(self._qsettings.value("notifications/show_text", "true")).lower() == "true"

    @notification_text.setter
    def notification_text(self, show: bool) -> None:
        self._qsettings.setValue("notifications/show_text", "true" if show else "false")

    @property
    def last_username(self) -> str:
        return str(self._qsettings.value("server/last_username") or "")

    @last_username.setter
    def last_username(self, username: str) -> None:
        self._qsettings.setValue("server/last_username", username)

    @property
    def attach_folder(self) -> Path:
        """Where the 📎 picker opens: the folder files were last attached from, the home folder at first."""
        value = self._qsettings.value("files/attach_folder")
        folder = Path(str(value)) if value else Path.home()
        return folder if folder.is_dir() else Path.home()

    @attach_folder.setter
    def attach_folder(self, folder: Path) -> None:
        self._qsettings.setValue("files/attach_folder", str(folder))

    @property
    def recent_emoji(self) -> list[str]:
        """The emoji picker's "Recent" row, most recent first (stored as one string, each emoji on a line)."""
        value = self._qsettings.value("emoji/recent")
        return [e for e in str(value).split("\n") if e] if value else []

    @recent_emoji.setter
    def recent_emoji(self, emoji: list[str]) -> None:
        self._qsettings.setValue("emoji/recent", "\n".join(emoji))

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        geometry = self._qsettings.value("window/geometry")
        splitter = self._qsettings.value("window/splitter")
        return (
            geometry if isinstance(geometry, QByteArray) else None,
            splitter if isinstance(splitter, QByteArray) else None,
        )

    def save_window_state(self, geometry: QByteArray, splitter: QByteArray) -> None:
        self._qsettings.setValue("window/geometry", geometry)
        self._qsettings.setValue("window/splitter", splitter)

    @staticmethod
    def _account_key(server_url: str, user_id: int) -> str:
        safe = "".join(c if c.isalnum() else "_" for c in server_url)
        return f"accounts/{safe}_{user_id}"

    def last_conversation(self, server_url: str, user_id: int) -> int | None:
        value = self._qsettings.value(self._account_key(server_url, user_id) + "/last_conversation")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def set_last_conversation(self, server_url: str, user_id: int, conversation_id: int | None) -> None:
        key = self._account_key(server_url, user_id) + "/last_conversation"
        if conversation_id is None:
            self._qsettings.remove(key)
        else:
            self._qsettings.setValue(key, conversation_id)
