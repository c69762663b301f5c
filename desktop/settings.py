"""Remembered between runs for the whole app (QSettings, an INI file in the data dir): the signed-in accounts
in switcher order and the one in front, the last server address and username typed, window geometry, the
folder files were last attached from, the theme and the text size (Settings → Appearance). Each account's
own settings are in its folder (AccountSettings). Kept in the data dir so a second client with its own data
dir has its own."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings


def positive_int(qsettings: QSettings, key: str) -> int | None:
    """A width or count kept under ``key``: None when never set, zero or unreadable (a hand-edited file)."""
    try:
        value = int(qsettings.value(key) or 0)
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


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

    @property
    def theme(self) -> str:
        """``system``, ``light`` or ``dark``: the same for every account, as the window is shared."""
        value = str(self._qsettings.value("appearance/theme") or "system")
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, theme: str) -> None:
        self._qsettings.setValue("appearance/theme", theme)

    @property
    def text_size(self) -> float | None:
        """The point size of messages and lists; None: the app's base size."""
        try:
            value = float(self._qsettings.value("appearance/text_size") or 0)
        except (TypeError, ValueError):
            return None
        return value if 6 <= value <= 30 else None

    @text_size.setter
    def text_size(self, points: float | None) -> None:
        if points is None:
            self._qsettings.remove("appearance/text_size")
        else:
            self._qsettings.setValue("appearance/text_size", points)

    def window_geometry(self) -> QByteArray | None:
        geometry = self._qsettings.value("window/geometry")
        return geometry if isinstance(geometry, QByteArray) else None

    @property
    def list_width(self) -> int | None:
        """The conversation list's width as versions before per-account widths kept it, for every account:
        read for an account that has no width of its own yet (AccountSettings.list_width), no longer
        written (the account closed last overwrote the others'). A width rather than the splitter's state:
        a state saved while the window was narrow would bring back an avatar-only or one-pane split."""
        return positive_int(self._qsettings, "window/list_width")

    @list_width.setter
    def list_width(self, width: int) -> None:
        self._qsettings.setValue("window/list_width", int(width))

    @property
    def settings_nav_width(self) -> int | None:
        """The Settings window's page list width: app-wide, as the window is the app's whichever account
        opens it (the window clamps it: SettingsWindow.set_nav_width). None: never changed, or unreadable."""
        return positive_int(self._qsettings, "settings_window/nav_width")

    @settings_nav_width.setter
    def settings_nav_width(self, width: int) -> None:
        self._qsettings.setValue("settings_window/nav_width", int(width))

    def save_geometry(self, geometry: QByteArray) -> None:
        self._qsettings.setValue("window/geometry", geometry)

    # the signed-in accounts
    @property
    def accounts(self) -> list[tuple[str, int]]:
        """(server address, user id) of each account kept signed in, in the switcher's order."""
        try:
            stored = json.loads(str(self._qsettings.value("accounts/signed_in") or "[]"))
            return [(str(url), int(user_id)) for url, user_id in stored]
        except (TypeError, ValueError):
            return []

    @accounts.setter
    def accounts(self, accounts: list[tuple[str, int]]) -> None:
        self._qsettings.setValue("accounts/signed_in", json.dumps([[url, uid] for url, uid in accounts]))

    @property
    def current_account(self) -> tuple[str, int] | None:
        """The account in front when the app was closed."""
        try:
            url, user_id = json.loads(str(self._qsettings.value("accounts/current") or "null"))
            return str(url), int(user_id)
        except (TypeError, ValueError):
            return None

    @current_account.setter
    def current_account(self, account: tuple[str, int] | None) -> None:
        self._qsettings.setValue("accounts/current", json.dumps(list(account) if account else None))

    @property
    def layout_version(self) -> int:
        """1 (or nothing): a data dir of the single-account client; 2: one folder per account."""
        try:
            return int(self._qsettings.value("layout/version") or 1)
        except (TypeError, ValueError):
            return 1

    @layout_version.setter
    def layout_version(self, version: int) -> None:
        self._qsettings.setValue("layout/version", version)

    # what the single-account client kept here, read once when its data dir is adopted
    @property
    def legacy_notification_text(self) -> bool:
        return str(self._qsettings.value("notifications/show_text", "true")).lower() == "true"

    @staticmethod
    def _account_key(server_url: str, user_id: int) -> str:
        safe = "".join(c if c.isalnum() else "_" for c in server_url)
        return f"accounts/{safe}_{user_id}"

    def legacy_last_conversation(self, server_url: str, user_id: int) -> int | None:
        value = self._qsettings.value(self._account_key(server_url, user_id) + "/last_conversation")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    def forget_legacy(self) -> None:
        for key in self._qsettings.allKeys():
            if key.startswith("notifications/") or (
                key.startswith("accounts/") and key.endswith("/last_conversation")
            ):
                self._qsettings.remove(key)
