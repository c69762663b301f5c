"""Back to the newest messages from anywhere up the history: the list's floating ↓ (MessageListView's
newest_button) gets a badge with the conversation's unread count, a "↓ N new messages" pill counts what
arrives while the reader is up in older messages, and Alt+End goes to the newest from anywhere in the chat
(Ctrl+End is the list's own key; in the text box it moves the cursor, as in any text box)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from desktop.models.roles import MessageRole
from desktop.views import failure_note
from desktop.views.message_list_view import MessageListView
from desktop.views.shortcuts import NEWEST, add_shortcut

MARGIN = 14
GAP = 8


def new_messages_text(count: int) -> str:
    return f"↓ {count} new message" + ("" if count == 1 else "s")


class JumpToLatest(QObject):
    """Owned by the message view; ``set_unread`` is told the open conversation's unread count."""

    def __init__(self, view: MessageListView, shortcut_parent: QWidget) -> None:
        super().__init__(view)
        self.view = view
        self.unread = 0
        self.new_count = 0  # messages from others that arrived since the reader left the bottom
        self.button = view.newest_button  # the list's own ↓ (shown while not at the newest)
        self.badge = QLabel(view)
        self.badge.setTextFormat(Qt.TextFormat.PlainText)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # a click is the ↓'s
        self.pill = QPushButton(view)
        self.pill.setAccessibleName("New messages")
        self.pill.setCursor(Qt.CursorShape.PointingHandCursor)
        self.pill.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys do it; Tab stays on the text and list
        self.pill.clicked.connect(self.jump)
        self.badge.hide()
        self.pill.hide()
        self._style()
        for keys in NEWEST:
            shortcut = add_shortcut(keys, shortcut_parent, self.jump)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.button.installEventFilter(self)
        view.viewport().installEventFilter(self)
        view.at_bottom_changed.connect(lambda _: self._refresh())

    def watch(self, model) -> None:
        """The view's model (set once by the session)."""
        model.rowsInserted.connect(self._on_rows_inserted)
        model.modelReset.connect(self._on_reset)

    def set_unread(self, count: int) -> None:
        self.unread = count
        self._refresh()

    def jump(self) -> None:
        self.view.go_to_newest()
        self.new_count = 0
        self._refresh()

    def _on_reset(self) -> None:
        self.new_count = 0
        self._refresh()

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        model = self.view.model()
        if self.view.is_at_bottom() or first == 0 or last != model.rowCount() - 1:
            return  # seen as it comes, or older history loading above
        for row in range(first, last + 1):
            if not model.index(row, 0).data(MessageRole.IS_MINE):
                self.new_count += 1
        self._refresh()

    def _refresh(self) -> None:
        up = not self.view.is_at_bottom()
        if not up:
            self.new_count = 0
        self.badge.setText(f"{self.unread:,}" if self.unread < 1000 else "999+")
        self.button.setToolTip(
            (f"{self.unread} unread · " if self.unread else "") + "Newest messages (Alt+End)"
        )
        self.button.setAccessibleName(
            f"Newest messages, {self.unread} unread" if self.unread else "Newest messages"
        )
        self.pill.setText(new_messages_text(self.new_count))
        self.pill.setVisible(up and self.new_count > 0)
        self._place()

    def _place(self) -> None:
        button = self.button
        shown = not button.isHidden()
        self.badge.setVisible(shown and self.unread > 0)
        self.badge.adjustSize()
        side = max(self.badge.sizeHint().height(), 18)
        self.badge.resize(max(side, self.badge.sizeHint().width()), side)
        # on the ↓'s top right corner, as the unread badge on Telegram's
        self.badge.move(
            button.geometry().right() - self.badge.width() + 6, button.geometry().top() - side // 2
        )
        self.badge.raise_()
        self.pill.adjustSize()
        area = self.view.viewport().geometry()
        pill_x = max(area.left() + MARGIN, area.center().x() - self.pill.width() // 2)
        pill_y = area.bottom() - MARGIN - self.pill.height()
        room = button.x() - GAP  # a narrow list: beside the ↓ if it fits there, else above it
        if shown and pill_x + self.pill.width() > room:
            if room - self.pill.width() >= area.left() + MARGIN:
                pill_x = room - self.pill.width()
            else:
                pill_y = button.y() - GAP - self.pill.height()
        self.pill.move(pill_x, pill_y)
        self.pill.raise_()

    def _style(self) -> None:
        """Filled from the palette (light and dark): the accent, deepened just enough for its words to read
        at 4.5:1 (Fusion's blue under white does not)."""
        palette = self.view.palette()
        on_accent_color = palette.color(QPalette.ColorRole.HighlightedText)
        deeper = QColor("#000000") if on_accent_color.lightness() > 127 else QColor("#ffffff")
        accent = failure_note.readable(palette.color(QPalette.ColorRole.Highlight), on_accent_color, deeper)
        self.pill.setStyleSheet(
            f"QPushButton {{ background: {accent.name()}; color: {on_accent_color.name()}; border: none;"
            " border-radius: 14px; padding: 6px 14px; font-weight: bold; }"
        )
        self.badge.setStyleSheet(
            f"QLabel {{ background: {accent.name()}; color: {on_accent_color.name()}; border-radius: 9px;"
            " padding: 0px 5px; font-weight: bold; }"
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Show, QEvent.Type.Hide, QEvent.Type.Move, QEvent.Type.Resize):
            self._place()
        elif kind in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._style()
        return False
