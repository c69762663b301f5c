"""The client's one icon language: Phosphor icons (MIT, through qtawesome's bundled font) tinted from the
palette, so every button, dialog and menu draws the same line icons in light and dark alike.

Views ask for an icon by what it means (``symbol("send", palette)``), never by a font glyph name, so that the
set can change in one place. IconButton re-tints itself when the palette changes (a theme switch)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_API", "pyside6")  # qtawesome goes through QtPy: the binding we ship, not another

import qtawesome
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QToolButton, QWidget

ICON_SET = "Phosphor 1.3.0 (MIT licence), bundled with qtawesome"

# meaning → Phosphor glyph ("ph." prefix: qtawesome's name for the Phosphor font)
GLYPHS: dict[str, str] = {
    "send": "ph.paper-plane-right-fill",
    "save": "ph.check-bold",
    "attach": "ph.paperclip",
    "emoji": "ph.smiley",
    "more": "ph.dots-three-vertical-bold",
    "members": "ph.users-three",
    "new_chat": "ph.note-pencil",
    "close": "ph.x-bold",
    "clear": "ph.x-circle-fill",
    "back": "ph.arrow-left",
    "forward": "ph.arrow-right",
    "up": "ph.arrow-up",
    "down": "ph.arrow-down",
    "file": "ph.file",
    "image": "ph.image",
    "video": "ph.film-strip",
    "folder": "ph.folder",
    "warning": "ph.warning",
    "error": "ph.warning-circle",
    "question": "ph.question",
    "info": "ph.info",
    "ok": "ph.check",
    "trash": "ph.trash",
    "plus": "ph.plus",
    "search": "ph.magnifying-glass",
    "account": "ph.user-circle",
    "settings": "ph.gear",
    "sign_out": "ph.sign-out",
    "retry": "ph.arrow-clockwise",
    "play": "ph.play-fill",
    "pause": "ph.pause-fill",
    "zoom_in": "ph.magnifying-glass-plus",
    "zoom_out": "ph.magnifying-glass-minus",
    "fit": "ph.arrows-in",
    "actual_size": "ph.frame-corners",
    "download": "ph.download-simple",
    "copy": "ph.copy",
    "home": "ph.house",
    "computer": "ph.desktop",
    "drive": "ph.hard-drives",
    "lock": "ph.lock",
    # the Settings window's pages and buttons
    "appearance": "ph.palette",
    "notifications": "ph.bell",
    "muted": "ph.bell-slash",
    "privacy": "ph.eye-slash",
    "security": "ph.shield-check",
    "blocked": "ph.prohibit",
    "export": "ph.archive-box",
    "keyboard": "ph.keyboard",
    "key": "ph.key",
    "email": "ph.envelope",
    # the strips above the composer and under the chat's header (composer_strip.py)
    "reply": "ph.arrow-bend-up-left",
    "edit": "ph.pencil-simple",
    "pin": "ph.push-pin",
}


def symbol(name: str, palette: QPalette, color: QColor | None = None) -> QIcon:
    """The icon for ``name``, drawn in ``color`` (default: the palette's button text), greyed when disabled
    and in the highlighted text colour when selected (menus)."""
    normal = color or palette.color(QPalette.ColorRole.ButtonText)
    disabled = QColor(palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText))
    disabled.setAlphaF(0.45)
    return qtawesome.icon(
        GLYPHS[name],
        color=normal,
        color_active=normal,
        color_disabled=disabled,
        color_selected=palette.color(QPalette.ColorRole.HighlightedText),
    )


def accent(palette: QPalette) -> QColor:
    """The colour of an action that is ready (send): the palette's accent."""
    return palette.color(QPalette.ColorRole.Highlight)


class IconButton(QToolButton):
    """A flat, round-hover icon button with a tooltip and an accessible name (screen readers have no icon
    to read). ``accented`` draws the icon in the accent colour (the send button)."""

    def __init__(
        self,
        name: str,
        tooltip: str,
        accessible_name: str,
        parent: QWidget | None = None,
        *,
        size: int = 22,
        accented: bool = False,
    ) -> None:
        super().__init__(parent)
        self._name = name
        self._accented = accented
        self._color: QColor | None = None
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.setIconSize(QSize(size, size))
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(tooltip)
        self.setAccessibleName(accessible_name)
        self.setText(accessible_name)  # not shown (icon only), but what text() and accessibility report
        self.setStyleSheet("QToolButton::menu-indicator { image: none; }")  # the icon says it opens a menu
        self._tint()

    @property
    def symbol_name(self) -> str:
        return self._name

    def set_symbol(
        self, name: str, *, accented: bool | None = None, color: QColor | Qt.GlobalColor | None = None
    ) -> None:
        """Another icon (or colour): ``color`` fixes it (a ✕ over a picture is white in any theme)."""
        self._name = name
        if accented is not None:
            self._accented = accented
        if color is not None:
            self._color = QColor(color)
        self._tint()

    def _tint(self) -> None:
        palette = self.palette()
        self.setIcon(
            symbol(self._name, palette, self._color or (accent(palette) if self._accented else None))
        )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._tint()
