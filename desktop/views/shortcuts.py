"""Window-wide keyboard shortcuts, connected the typed way (QShortcut's ``activated=`` keyword is untyped)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def add_shortcut(
    keys: QKeySequence | QKeySequence.StandardKey, parent: QWidget, action: Callable
) -> QShortcut:
    """The shortcut lives as long as ``parent`` (its Qt owner)."""
    shortcut = QShortcut(keys if isinstance(keys, QKeySequence) else QKeySequence(keys), parent)
    shortcut.activated.connect(action)
    return shortcut
