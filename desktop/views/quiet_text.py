"""Quiet (secondary) label text that still reads at 4.5:1, instead of a disabled label's faint grey."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel

from desktop.views import palette_colors


def make_quiet(label: QLabel) -> None:
    """Secondary text that stays readable (≥ 4.5:1): disabling a label would give Fusion's 1.6:1 grey. The
    colour follows the window's palette when that changes (light ↔ dark)."""
    keeper = _QuietKeeper(label)
    label.installEventFilter(keeper)
    keeper.apply()


class _QuietKeeper(QObject):
    def __init__(self, label: QLabel) -> None:
        super().__init__(label)
        self.label = label
        self._applying = False

    def apply(self) -> None:
        parent = self.label.parentWidget()
        source = parent.palette() if parent is not None else QApplication.palette()
        color = palette_colors.secondary_text(source)
        palette = self.label.palette()
        self._applying = True
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.WindowText, color)
            palette.setColor(group, QPalette.ColorRole.Text, color)
        self.label.setPalette(palette)
        self._applying = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange and not self._applying:
            self.apply()
        return False
