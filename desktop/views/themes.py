"""The light and dark palettes of Settings → Appearance, and putting one on the whole app live.

"System" is the palette the app had when it started (the desktop's own theme); light is Fusion's standard
palette and dark one like the dark themes of GNOME, KDE and Windows — both held to 4.5:1 by the contrast
tests. Every view that tints itself listens for the palette change, so a switch needs no restart."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEME_NAMES = {"system": "Same as the system", "light": "Light", "dark": "Dark"}

_DARK = {
    QPalette.ColorRole.Window: "#202124",
    QPalette.ColorRole.WindowText: "#e8eaed",
    QPalette.ColorRole.Base: "#17181a",
    QPalette.ColorRole.AlternateBase: "#2a2b2e",
    QPalette.ColorRole.Text: "#e8eaed",
    QPalette.ColorRole.Button: "#2d2e31",
    QPalette.ColorRole.ButtonText: "#e8eaed",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#2f7de1",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#2a82da",
    QPalette.ColorRole.ToolTipBase: "#2d2e31",
    QPalette.ColorRole.ToolTipText: "#e8eaed",
    QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    QPalette.ColorRole.Light: "#3c3d40",
    QPalette.ColorRole.Midlight: "#333437",
    QPalette.ColorRole.Mid: "#28292c",
    QPalette.ColorRole.Dark: "#111214",
    QPalette.ColorRole.Shadow: "#000000",
}
_DARK_DISABLED_TEXT = "#6b6e72"


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, name in _DARK.items():
        palette.setColor(role, QColor(name))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(_DARK_DISABLED_TEXT))
    return palette


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    return style.standardPalette() if style is not None else QPalette()


class ThemeApplier:
    """Remembers the system's palette on creation (before any theme is put on), to go back to it. One per
    QApplication (``for_app``): a second client in the same process (the tests) shares what the first saw."""

    _made: ClassVar[dict[int, ThemeApplier]] = {}

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.system_palette = QPalette(app.palette())
        self.current = "system"

    @classmethod
    def for_app(cls) -> ThemeApplier:
        app = QApplication.instance()
        assert isinstance(app, QApplication), "a QApplication comes first"
        made = cls._made.get(id(app))
        if made is None or made.app is not app:
            made = cls._made[id(app)] = cls(app)
        return made

    def apply(self, theme: str) -> None:
        if theme == self.current:
            return
        self.current = theme
        if theme == "dark":
            palette = dark_palette()
        elif theme == "light":
            palette = light_palette()
        else:
            palette = self.system_palette
        self.app.setPalette(palette)
        # A widget under a style sheet keeps the palette it was polished with: polished again, it follows.
        for widget in self.app.allWidgets():
            style = widget.style()
            if style.metaObject().className() == "QStyleSheetStyle":
                style.unpolish(widget)
                style.polish(widget)
