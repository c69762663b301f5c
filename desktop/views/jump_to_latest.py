"""Back to the newest messages from anywhere up the history: a floating ↓ (with the conversation's unread
count) while the reader is scrolled up, a "↓ N new messages" pill when messages arrive meanwhile, and
Alt+End / Ctrl+End from the keyboard (Ctrl+End in the text box moves its cursor, as in any text box)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QPushButton, QToolButton, QWidget

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
        viewport = view.viewport()
        self.button = QToolButton(viewport)
        self.button.setText("↓")
        self.button.setAccessibleName("Newest messages")
        self.button.setToolTip("Newest messages (Alt+End)")
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(self.jump)
        self.pill = QPushButton(viewport)
        self.pill.setAccessibleName("New messages")
        self.pill.setCursor(Qt.CursorShape.PointingHandCursor)
        self.pill.clicked.connect(self.jump)
        self._style()
        for widget in (self.button, self.pill):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys do it; Tab stays on the text and list
            widget.hide()
        for keys in NEWEST:
            shortcut = add_shortcut(keys, shortcut_parent, self.jump)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        viewport.installEventFilter(self)
        view.at_bottom_changed.connect(lambda _: self._refresh())
        view.verticalScrollBar().rangeChanged.connect(lambda *_: self._refresh())

    def watch(self, model) -> None:
        """The view's model (set once by the session)."""
        model.rowsInserted.connect(self._on_rows_inserted)
        model.modelReset.connect(self._on_reset)

    def set_unread(self, count: int) -> None:
        self.unread = count
        self._refresh()

    def jump(self) -> None:
        self.view.scroll_to_end()
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
            index = model.index(row, 0)
            if not index.data(MessageRole.IS_MINE):
                self.new_count += 1
        self._refresh()

    def _refresh(self) -> None:
        model = self.view.model()
        up = model is not None and model.rowCount() > 0 and not self.view.is_at_bottom()
        if not up:
            self.new_count = 0
        self.button.setText(f"↓ {self.unread}" if self.unread else "↓")
        self.button.setToolTip(
            (f"{self.unread} unread · " if self.unread else "") + "Newest messages (Alt+End)"
        )
        self.pill.setText(new_messages_text(self.new_count))
        self.button.setVisible(up)
        self.pill.setVisible(up and self.new_count > 0)
        self._place()

    def _place(self) -> None:
        area = self.view.viewport().rect()
        for widget in (self.button, self.pill):
            widget.adjustSize()
        self.button.move(
            area.right() - MARGIN - self.button.width(), area.bottom() - MARGIN - self.button.height()
        )
        pill_x = max(MARGIN, area.center().x() - self.pill.width() // 2)
        pill_y = area.bottom() - MARGIN - self.pill.height()
        room = self.button.x() - GAP  # a narrow list: beside the ↓ if it fits there, else above it
        if not self.button.isHidden() and pill_x + self.pill.width() > room:
            if room - self.pill.width() >= MARGIN:
                pill_x = room - self.pill.width()
            else:
                pill_y = self.button.y() - GAP - self.pill.height()
        self.pill.move(pill_x, pill_y)
        self.button.raise_()
        self.pill.raise_()

    def _style(self) -> None:
        """Round, filled from the palette (light and dark): the accent for the pill, the base for ↓."""
        palette = self.view.palette()
        base = palette.color(QPalette.ColorRole.Base).name()
        text = palette.color(QPalette.ColorRole.Text).name()
        mid = palette.color(QPalette.ColorRole.Mid).name()
        on_accent_color = palette.color(QPalette.ColorRole.HighlightedText)
        deeper = QColor("#000000") if on_accent_color.lightness() > 127 else QColor("#ffffff")
        # the accent deepened just enough for its words to read at 4.5:1 (Fusion's blue under white does not)
        accent = failure_note.readable(
            palette.color(QPalette.ColorRole.Highlight), on_accent_color, deeper
        ).name()
        on_accent = on_accent_color.name()
        self.button.setStyleSheet(
            f"QToolButton {{ background: {base}; color: {text}; border: 1px solid {mid};"
            " border-radius: 17px; min-width: 22px; min-height: 22px; padding: 5px 8px; font-weight: bold; }"
        )
        self.pill.setStyleSheet(
            f"QPushButton {{ background: {accent}; color: {on_accent}; border: none;"
            " border-radius: 14px; padding: 6px 14px; font-weight: bold; }"
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        elif event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._style()
        return False
