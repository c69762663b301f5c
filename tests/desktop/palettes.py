"""Palettes the contrast tests and screenshots hold the client to: Fusion's light one (what Qt gives without
a desktop theme), a dark one like the dark themes of GNOME, KDE and Windows, and KDE Breeze's light one,
whose pale accent is the hardest case for white text."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyleFactory


def _palette(colors: dict[QPalette.ColorRole, str], disabled_text: str) -> QPalette:
    palette = QPalette()
    for role, name in colors.items():
        palette.setColor(role, QColor(name))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled_text))
    return palette


def light_palette() -> QPalette:
    style = QStyleFactory.create("Fusion")
    return style.standardPalette()


def dark_palette() -> QPalette:
    r = QPalette.ColorRole
    return _palette(
        {
            r.Window: "#202124",
            r.WindowText: "#e8eaed",
            r.Base: "#17181a",
            r.AlternateBase: "#2a2b2e",
            r.Text: "#e8eaed",
            r.Button: "#2d2e31",
            r.ButtonText: "#e8eaed",
            r.Highlight: "#2f7de1",
            r.HighlightedText: "#ffffff",
            r.Link: "#2a82da",
            r.ToolTipBase: "#2d2e31",
            r.ToolTipText: "#e8eaed",
            r.PlaceholderText: "#9aa0a6",
            r.Light: "#3c3d40",
            r.Midlight: "#333437",
            r.Mid: "#28292c",
            r.Dark: "#111214",
            r.Shadow: "#000000",
        },
        "#6b6e72",
    )


def breeze_light_palette() -> QPalette:
    r = QPalette.ColorRole
    return _palette(
        {
            r.Window: "#eff0f1",
            r.WindowText: "#232627",
            r.Base: "#fcfcfc",
            r.AlternateBase: "#eff0f1",
            r.Text: "#232627",
            r.Button: "#eff0f1",
            r.ButtonText: "#232627",
            r.Highlight: "#3daee9",
            r.HighlightedText: "#fcfcfc",
            r.Link: "#2980b9",
            r.PlaceholderText: "#7f8c8d",
        },
        "#a0a2a4",
    )


PALETTES = {"light": light_palette, "dark": dark_palette, "breeze-light": breeze_light_palette}
