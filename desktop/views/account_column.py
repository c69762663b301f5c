"""The account switcher: a column of avatars, one per signed-in account, each with its unread count, and a
"+" to add one. Shown beside the conversation list while more than one account is signed in."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QAbstractButton, QMenu, QVBoxLayout, QWidget

from desktop.models.plain_text import plain_tooltip
from desktop.views import palette_colors
from desktop.views.avatars import paint_initials, paint_picture
from desktop.views.symbols import IconButton

AVATAR_PX = 36
BUTTON_PX = 48


@dataclass(frozen=True)
class AccountEntry:
    """What the column shows for one account; ``picture`` is None until (or unless) it is loaded."""

    name: str
    username: str
    server: str
    unread: int
    color_key: int  # the initials disc's colour (two servers' user 1 must not look alike)
    picture: QPixmap | None = None


class AccountButton(QAbstractButton):
    """One avatar: a bar beside the account in front, its unread count as a badge on the disc."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setFixedSize(BUTTON_PX, BUTTON_PX)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.entry: AccountEntry | None = None

    def set_entry(self, entry: AccountEntry, index: int) -> None:
        self.entry = entry
        unread = f", {entry.unread} unread" if entry.unread else ""
        self.setAccessibleName(f"{entry.name} (@{entry.username}){unread}")
        self.setToolTip(
            plain_tooltip(f"{entry.name} (@{entry.username})\n{entry.server}{unread}\nCtrl+{index + 1}")
        )
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(BUTTON_PX, BUTTON_PX)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.entry is None:
            return
        entry, palette = self.entry, self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        disc = QRectF((BUTTON_PX - AVATAR_PX) / 2, (BUTTON_PX - AVATAR_PX) / 2, AVATAR_PX, AVATAR_PX)
        if self.isChecked():
            painter.fillRect(QRectF(0, disc.top() + 4, 3, AVATAR_PX - 8), palette.highlight())
        if self.hasFocus() or self.underMouse() or self.isChecked():
            ring = disc.adjusted(-3, -3, 3, 3)
            painter.setPen(palette.highlight().color() if self.hasFocus() else palette.mid().color())
            painter.drawEllipse(ring)
        if entry.picture is not None and not entry.picture.isNull():
            paint_picture(painter, disc, entry.picture)
        else:
            paint_initials(painter, disc, entry.name, entry.color_key, self.font())
        if entry.unread:
            label = "99+" if entry.unread > 99 else str(entry.unread)
            font = QFont(self.font())
            font.setBold(True)
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
            painter.setFont(font)
            height = painter.fontMetrics().height() + 2.0
            width = max(height, painter.fontMetrics().horizontalAdvance(label) + 8.0)
            badge = QRectF(BUTTON_PX - width - 1, 1, width, height)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette_colors.badge_color(palette))
            painter.drawRoundedRect(badge, height / 2, height / 2)
            painter.setPen(Qt.GlobalColor.white)
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, label)
        painter.end()


class AccountColumn(QWidget):
    """Signals: chosen(int index), add_requested(), sign_out_requested(int index),
    remove_requested(int index) — the avatar's context menu."""

    chosen = Signal(int)
    add_requested = Signal()
    sign_out_requested = Signal(int)
    remove_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Accounts")
        self.buttons: list[AccountButton] = []
        self.add_button = IconButton("plus", "Add an account", "Add an account", self, size=18)
        self.add_button.setFixedSize(BUTTON_PX - 8, BUTTON_PX - 8)
        self.add_button.clicked.connect(self.add_requested)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(2, 8, 2, 8)
        self._layout.setSpacing(2)
        self._layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self._layout.addStretch(1)
        self.setFixedWidth(BUTTON_PX + 4)

    def set_accounts(self, entries: list[AccountEntry], current: int, *, can_add: bool) -> None:
        while len(self.buttons) > len(entries):
            self.buttons.pop().deleteLater()
        while len(self.buttons) < len(entries):
            button = AccountButton(self)
            button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            index = len(self.buttons)
            button.clicked.connect(lambda _=False, i=index: self._on_clicked(i))
            button.customContextMenuRequested.connect(lambda at, i=index: self._menu(i, at))
            self._layout.insertWidget(index, button, 0, Qt.AlignmentFlag.AlignHCenter)
            self.buttons.append(button)
        for index, (button, entry) in enumerate(zip(self.buttons, entries, strict=True)):
            button.set_entry(entry, index)
            button.setChecked(index == current)
        self.add_button.setEnabled(can_add)
        self.add_button.setToolTip(
            "Add an account" if can_add else "Five accounts is the most one client holds"
        )

    def _on_clicked(self, index: int) -> None:
        self.buttons[index].setChecked(True)  # a click on the one in front keeps it in front
        self.chosen.emit(index)

    def _menu(self, index: int, at: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction("Sign out").triggered.connect(lambda: self.sign_out_requested.emit(index))
        menu.addAction("Remove from this computer…").triggered.connect(
            lambda: self.remove_requested.emit(index)
        )
        menu.popup(self.buttons[index].mapToGlobal(at))
