"""Settings → Appearance for the whole app (every account's page shares the window): the theme and the
text size of messages and lists, kept in AppSettings and announced so each window follows at once."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.settings import AppSettings

THEMES = ("system", "light", "dark")
TEXT_SIZES = (9.0, 10.0, 10.5, 12.0, 13.5, 15.0)  # points; 10.5 is the app's base (views/app_style.py)
DEFAULT_TEXT_SIZE = 10.5


class AppearanceController(QObject):
    """Signals: theme_changed(str), text_size_changed(float)."""

    theme_changed = Signal(str)
    text_size_changed = Signal(float)

    def __init__(self, settings: AppSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings

    @property
    def theme(self) -> str:
        return self.settings.theme

    @property
    def text_size(self) -> float:
        return self.settings.text_size or DEFAULT_TEXT_SIZE

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES or theme == self.settings.theme:
            return
        self.settings.theme = theme
        self.settings.sync()
        self.theme_changed.emit(theme)

    def set_text_size(self, points: float) -> None:
        if points not in TEXT_SIZES or points == self.text_size:
            return
        self.settings.text_size = None if points == DEFAULT_TEXT_SIZE else points
        self.settings.sync()
        self.text_size_changed.emit(points)
