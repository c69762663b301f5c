"""The emoji picker: a popup with a search field, a tab per category ("Recent" first), and a grid of emoji,
all from the keyboard: type to search, ↓ into the grid, arrows to move, Enter to choose, Ctrl+PgUp/PgDn or
the tabs for another category, Esc to close. It serves the composer (insert at the cursor) and reactions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QListView, QTabBar, QVBoxLayout, QWidget

from desktop.models import emoji_catalog
from desktop.models.emoji_catalog import CATEGORIES, RECENT, EmojiEntry

CELL = 40  # px per emoji in the grid
COLUMNS = 9
ROWS_SHOWN = 6
EMOJI_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class RecentEmoji:
    """The recently used list, read and written through the two callables (the app's settings, or a
    list in memory when none are given)."""

    def __init__(
        self, load: Callable[[], list[str]] | None = None, save: Callable[[list[str]], None] | None = None
    ) -> None:
        self._memory: list[str] = []
        self._load = load or (lambda: list(self._memory))
        self._save = save or (lambda emoji: setattr(self, "_memory", list(emoji)))

    def get(self) -> list[str]:
        known = emoji_catalog.by_emoji()
        return [e for e in self._load() if e in known]

    def use(self, emoji: str) -> None:
        self._save(emoji_catalog.remember(self.get(), emoji))


class EmojiPicker(QFrame):
    """A popup (it closes when focus leaves it). Signals: chosen(str) — an emoji was picked (the picker
    then closes and remembers it as recently used)."""

    chosen = Signal(str)

    def __init__(self, recent: RecentEmoji, parent: QWidget | None = None, *, title: str = "") -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(title or "Emoji picker")
        self.recent = recent
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search emoji")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search emoji")
        self.tabs = QTabBar(self)
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.setAccessibleName("Emoji categories")
        self._categories: list[str] = []
        self.model = QStandardItemModel(self)
        self.grid = QListView(self)
        self.grid.setModel(self.model)
        self.grid.setViewMode(QListView.ViewMode.ListMode)  # a wrapping list on a grid: no icon area
        self.grid.setFlow(QListView.Flow.LeftToRight)
        self.grid.setWrapping(True)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        self.grid.setGridSize(QSize(CELL, CELL))
        self.grid.setAccessibleName("Emoji")
        self.grid.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        font = QFont(self.grid.font())
        font.setPointSizeF(max(font.pointSizeF(), 9) * 1.9)
        self.grid.setFont(font)
        self.grid.setFixedSize(COLUMNS * CELL + 24, ROWS_SHOWN * CELL + 4)
        self.name_label = QLabel(self)  # the focused emoji's name, as Slack and GNOME's picker show it
        self.name_label.setTextFormat(Qt.TextFormat.PlainText)
        self.name_label.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.tabs)
        layout.addWidget(self.grid)
        layout.addWidget(self.name_label)
        self.search.textChanged.connect(self._on_search)
        self.tabs.currentChanged.connect(self._on_tab)
        self.grid.activated.connect(self._choose_index)
        self.grid.clicked.connect(self._choose_index)
        self.grid.selectionModel().currentChanged.connect(self._on_current)
        self.search.installEventFilter(self)
        self.grid.installEventFilter(self)
        self._fill_tabs()

    # contents
    def _fill_tabs(self) -> None:
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        self._categories = []
        if self.recent.get():
            self._add_tab(RECENT, "🕘")
        for name, icon in CATEGORIES:
            self._add_tab(name, icon)
        self.tabs.blockSignals(False)
        self.tabs.setCurrentIndex(0)
        self._on_tab(0)

    def _add_tab(self, name: str, icon: str) -> None:
        index = self.tabs.addTab(icon)
        self.tabs.setTabToolTip(index, name)
        self.tabs.setAccessibleTabName(index, name)
        self._categories.append(name)

    def category(self) -> str:
        """The category shown ("" while searching)."""
        if self.search.text().strip():
            return ""
        index = self.tabs.currentIndex()
        return self._categories[index] if 0 <= index < len(self._categories) else ""

    def shown(self) -> list[str]:
        return [self.model.item(row).data(EMOJI_ROLE) for row in range(self.model.rowCount())]

    def _show(self, entries: list[EmojiEntry]) -> None:
        self.model.clear()
        for entry in entries:
            item = QStandardItem(entry.emoji)
            item.setData(entry.emoji, EMOJI_ROLE)
            item.setToolTip(entry.name)
            item.setData(entry.name, Qt.ItemDataRole.AccessibleTextRole)
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            item.setSizeHint(QSize(CELL, CELL))
            item.setEditable(False)
            self.model.appendRow(item)
        if self.model.rowCount():
            self.grid.setCurrentIndex(self.model.index(0, 0))
        else:
            self.name_label.setText("No emoji found" if self.search.text().strip() else "")

    def _on_tab(self, index: int) -> None:
        if not 0 <= index < len(self._categories):
            return
        if self.search.text():
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        name = self._categories[index]
        if name == RECENT:
            known = emoji_catalog.by_emoji()
            self._show([known[e] for e in self.recent.get()])
        else:
            self._show(list(emoji_catalog.catalog()[name]))

    def _on_search(self, text: str) -> None:
        if text.strip():
            self._show(emoji_catalog.search(text))
        else:
            self._on_tab(self.tabs.currentIndex())

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.name_label.setText(
            str(current.data(Qt.ItemDataRole.ToolTipRole) or "") if current.isValid() else ""
        )

    # choosing
    def _choose_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.choose(str(index.data(EMOJI_ROLE)))

    def choose(self, emoji: str) -> None:
        self.recent.use(emoji)
        self.close()
        self.chosen.emit(emoji)

    def current_emoji(self) -> str | None:
        index = self.grid.currentIndex()
        return str(index.data(EMOJI_ROLE)) if index.isValid() else None

    # showing
    def popup_at(self, point: QPoint, *, right_aligned: bool = False) -> None:
        """Opens with its bottom-left corner (bottom-right when ``right_aligned``) at ``point`` (global), kept
        on screen; the search has focus."""
        self._fill_tabs()  # "Recent" may have changed since last time
        self.search.clear()
        self.adjustSize()
        size = self.sizeHint()
        top_left = QPoint(point.x() - (size.width() if right_aligned else 0), point.y() - size.height())
        screen = self.screen().availableGeometry() if self.screen() is not None else None
        if screen is not None:
            top_left.setX(max(screen.left(), min(top_left.x(), screen.right() - size.width())))
            top_left.setY(max(screen.top(), min(top_left.y(), screen.bottom() - size.height())))
        self.move(top_left)
        self.show()
        self.search.setFocus(Qt.FocusReason.PopupFocusReason)

    # the keyboard
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self._page_tabs(event):
                return True
            if watched is self.search and event.key() in (
                Qt.Key.Key_Down,
                Qt.Key.Key_Return,
                Qt.Key.Key_Enter,
            ):
                if event.key() == Qt.Key.Key_Down:
                    self.grid.setFocus(Qt.FocusReason.OtherFocusReason)
                else:
                    current = self.current_emoji()  # Enter in the search picks the first (or focused) hit
                    if current is not None:
                        self.choose(current)
                return True
            if (
                watched is self.grid
                and event.key() == Qt.Key.Key_Up
                and self.grid.currentIndex().row() < COLUMNS
            ):
                self.search.setFocus(Qt.FocusReason.OtherFocusReason)  # from the first row back to the search
                return True
            if watched is self.grid and event.text().isprintable() and event.text().strip():
                self.search.setFocus(Qt.FocusReason.OtherFocusReason)  # typing in the grid searches
                self.search.insert(event.text())
                return True
        return super().eventFilter(watched, event)

    def _page_tabs(self, event: QKeyEvent) -> bool:
        control = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        step = {Qt.Key.Key_PageDown: 1, Qt.Key.Key_PageUp: -1}.get(Qt.Key(event.key())) if control else None
        if step is None:
            return False
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % max(1, self.tabs.count()))
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._page_tabs(event):
            return
        super().keyPressEvent(event)  # Esc closes a popup
