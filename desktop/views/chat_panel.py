"""The right-hand side: who you are talking to, the messages, and the composer."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.views import palette_colors
from desktop.views.back_button import BackButton
from desktop.views.composer import Composer
from desktop.views.elided_label import ElidedLabel
from desktop.views.empty_states import EMPTY_CONVERSATION, EmptyViewHint
from desktop.views.find_bar import FindBar
from desktop.views.jump_to_latest import JumpToLatest
from desktop.views.message_list_view import MessageListView
from desktop.views.pinned_bar import PinnedBar
from desktop.views.symbols import IconButton


class HeaderButton(QFrame):
    """The header's avatar and titles as one control: click, Enter or Space opens the profile panel, and
    it shows focus like any other control."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName("Conversation info")
        self.setToolTip("Profile and members (Enter)")
        self.setFrameShape(QFrame.Shape.NoFrame)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.hasFocus():
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 2)
            painter.setPen(pen)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 6, 6)
            painter.end()


class ChatPanel(QWidget):
    """Signals: send_requested(str), members_requested(), profile_requested() — the header was clicked or
    Enter pressed on it, composing(), block_requested(), unblock_requested(), and the message view's own
    signals (edit, delete, retry, reveal)."""

    send_requested = Signal(str)
    members_requested = Signal()
    profile_requested = Signal()
    composing = Signal()
    block_requested = Signal()
    unblock_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = ElidedLabel(parent=self, mode=Qt.TextElideMode.ElideRight)
        title_font = QFont(self.title_label.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
        self.title_label.setFont(title_font)
        self.subtitle_label = ElidedLabel(parent=self, mode=Qt.TextElideMode.ElideRight)
        self.subtitle_label.setStyleSheet(self._subtitle_style(typing=False))  # quieter, still ≥ 4.5:1
        self.subtitle_label.setAccessibleName("Status")
        self.presence_dot = QLabel(self)
        self.avatar_label = QLabel(self)  # the profile picture (or initials), set by set_avatar
        self.avatar_label.hide()
        self.presence_dot.hide()
        self.members_button = IconButton("members", "Members: add, remove, rename", "Members", self)
        self.members_button.clicked.connect(self.members_requested)
        self.more_button = IconButton("more", "More (block or unblock)", "Conversation menu", self)
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.header_menu = QMenu(self)
        self.block_action = self.header_menu.addAction("Block…")
        self.block_action.triggered.connect(self.block_requested)
        self.unblock_action = self.header_menu.addAction("Unblock")
        self.unblock_action.triggered.connect(self.unblock_requested)
        self.more_button.setMenu(self.header_menu)

        header = QFrame(self)
        header.setFrameShape(QFrame.Shape.NoFrame)
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(14, 8, 8, 8)
        self.back_button = BackButton(self)  # shown by the window's one-pane layout only
        self.back_button.hide()
        header_layout.addWidget(self.back_button)
        self.profile_button = HeaderButton(self)  # the avatar and titles: click or Enter opens the profile
        self.profile_button.clicked.connect(self.profile_requested)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        status_row = QHBoxLayout()
        status_row.setSpacing(6)
        status_row.addWidget(self.presence_dot)
        status_row.addWidget(self.subtitle_label, 1)
        titles.addLayout(status_row)
        button_layout = QHBoxLayout(self.profile_button)
        button_layout.setContentsMargins(4, 2, 4, 2)
        button_layout.addWidget(self.avatar_label)
        button_layout.addLayout(titles, 1)
        header_layout.addWidget(self.profile_button, 1)
        header_layout.addWidget(self.members_button)
        header_layout.addWidget(self.more_button)

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)

        self.find_bar = FindBar(self)  # Ctrl+F; hidden until then
        self.pinned_bar = PinnedBar(self)  # hidden while nothing is pinned
        self.messages = MessageListView(self)
        self.jump = JumpToLatest(self.messages, self)  # ↓ and "N new messages" over the list, Alt+End
        self.empty_hint = EmptyViewHint(self.messages, EMPTY_CONVERSATION)  # "No messages yet, say hi 👋"
        self._hint_model: object | None = None
        self._model_signals = ("modelReset", "rowsInserted", "rowsRemoved")
        self.composer = Composer(self)
        self.composer.send_requested.connect(self.send_requested)
        self.composer.composing.connect(self.composing)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(line)
        layout.addWidget(self.pinned_bar)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.messages, 1)
        layout.addWidget(self.composer)
        self.setTabOrder(self.composer.edit, self.composer.send_button)
        self.setTabOrder(self.composer.send_button, self.messages)

    def set_header(
        self,
        title: str,
        subtitle: str,
        *,
        is_group: bool,
        presence: str = "",
        typing: bool = False,
        blocked: bool | None = None,
    ) -> None:
        """``presence`` "online"/"away" shows a dot; ``typing`` sets the subtitle apart; ``blocked`` (1:1s)
        chooses between Block… and Unblock in the menu, None hides the menu."""
        self.title_label.setText(title)
        self.subtitle_label.setText(subtitle)
        font = QFont(self.subtitle_label.font())
        font.setItalic(typing)
        self.subtitle_label.setFont(font)
        # presence stays quiet; typing stands out in the accent colour
        self.subtitle_label.setStyleSheet(self._subtitle_style(typing=typing))
        if presence in ("online", "away"):
            self.presence_dot.setPixmap(self._dot(presence))
            self.presence_dot.setToolTip(presence)
            self.presence_dot.show()
        else:
            self.presence_dot.hide()
        self.members_button.setVisible(is_group)
        self.more_button.setVisible(blocked is not None)
        self.block_action.setVisible(blocked is False)
        self.unblock_action.setVisible(blocked is True)
        name = title.replace("&", "&&")  # an action's "&" would be a shortcut marker, not the name's
        self.block_action.setText(f"Block {name}…")
        self.unblock_action.setText(f"Unblock {name}")

    def _subtitle_style(self, *, typing: bool) -> str:
        palette = self.palette()
        color = palette_colors.typing_color(palette) if typing else palette_colors.secondary_text(palette)
        return f"color: {color.name()}"

    def set_empty_known(self, empty: bool) -> None:
        """The open conversation has no messages at all (not merely none loaded yet): while no row shows,
        the list invites to say hi."""
        model = self.messages.model()
        if model is not None and model is not self._hint_model:
            for name in self._model_signals:
                getattr(model, name).connect(self._update_empty_hint)
            self._hint_model = model
        self.empty_hint.wanted = empty
        self._update_empty_hint()

    def _update_empty_hint(self, *_: object) -> None:
        model = self.messages.model()
        self.empty_hint.update(model.rowCount() if model is not None else 0)

    def set_avatar(self, picture: QPixmap | None) -> None:
        """A finished disc (views.avatars.avatar_pixmap) beside the title; None hides it."""
        if picture is None:
            self.avatar_label.hide()
        else:
            self.avatar_label.setPixmap(picture)
            self.avatar_label.show()

    def _dot(self, state: str) -> QPixmap:
        size = max(8, self.subtitle_label.fontMetrics().height() // 2)
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(size * ratio), int(size * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette_colors.presence_color(state))
        painter.drawEllipse(QRectF(0, 0, size, size))
        painter.end()
        return pixmap
