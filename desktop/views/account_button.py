"""The account button on top of the list: my own avatar (picture or initials, in my colour) and my name,
the avatar alone in the narrow list; it opens the account menu."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QToolButton, QWidget

from desktop.models.plain_text import plain_tooltip
from desktop.views.avatars import avatar_pixmap

AVATAR_SIZE = 28
GAP = 6  # air between the disc and my name, inside the icon (the style's own gap is a hair)
NAME_PX = 180


class AccountButton(QToolButton):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setAutoRaise(True)
        self.setAccessibleName("Account")
        self.setIconSize(QSize(AVATAR_SIZE + GAP, AVATAR_SIZE))
        self.setStyleSheet("QToolButton::menu-indicator { image: none; }")  # the avatar says it all
        self.name = ""
        self.user_id = 0
        self.picture: QPixmap | None = None
        self.compact = False

    def set_user(self, user: dict) -> None:
        self.name = user.get("display_name") or user.get("username") or ""
        self.user_id = int(user.get("id") or 0)
        self._refresh()

    def set_picture(self, picture: QPixmap | None) -> None:
        """My profile picture once it is here (the file wiring fetches it); None: my initials."""
        self.picture = picture
        self._refresh()

    def set_compact(self, compact: bool) -> None:
        self.compact = compact
        self.setToolButtonStyle(
            Qt.ToolButtonStyle.ToolButtonIconOnly if compact else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        )
        self._refresh()

    def avatar(self) -> QPixmap:
        return avatar_pixmap(
            AVATAR_SIZE, self.picture, self.name, self.user_id, self.font(), self.devicePixelRatioF()
        )

    def _icon(self) -> QIcon:
        disc = self.avatar()
        if self.compact:
            return QIcon(disc)
        ratio = disc.devicePixelRatio()
        padded = QPixmap(int((AVATAR_SIZE + GAP) * ratio), int(AVATAR_SIZE * ratio))
        padded.setDevicePixelRatio(ratio)
        padded.fill(Qt.GlobalColor.transparent)
        painter = QPainter(padded)
        painter.drawPixmap(0, 0, disc)
        painter.end()
        return QIcon(padded)

    def _refresh(self) -> None:
        self.setIconSize(QSize(AVATAR_SIZE + (0 if self.compact else GAP), AVATAR_SIZE))
        self.setIcon(self._icon())
        shown = self.fontMetrics().elidedText(self.name, Qt.TextElideMode.ElideRight, NAME_PX)
        self.setText(shown.replace("&", "&&"))  # "&" in a name is no shortcut marker
        self.setToolTip(plain_tooltip(self.name) if self.compact or shown != self.name else "")
