"""The one people picker of "New chat" and "Add members": a search box, the people found, and the picks as
removable chips. A pick is marked "✓" in the text, not by a tick box (a style's tick box was faint in dark
palettes); the text has the list's own contrast in every theme."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from desktop.views.quiet_text import make_quiet

USER_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
NAME_ROLE = int(Qt.ItemDataRole.UserRole) + 2
PICKED_MARK = "✓ "


class PeopleList(QListView):
    """A list of people: plain click/Enter opens one (``opened``); Ctrl+click/Space picks (``toggled``); in
    ``group_mode`` every click and Enter picks."""

    opened = Signal(QModelIndex)
    toggled = Signal(QModelIndex)
    leave_top = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group_mode = False

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        super().mouseReleaseEvent(event)
        if not index.isValid() or event.button() != Qt.MouseButton.LeftButton:
            return
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        (self.toggled if ctrl or self.group_mode else self.opened).emit(index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            (self.toggled if self.group_mode else self.opened).emit(index)
            return
        if key == Qt.Key.Key_Space and index.isValid():
            self.toggled.emit(index)
            return
        if key == Qt.Key.Key_Up and (not index.isValid() or index.row() == 0):
            self.leave_top.emit()
            return
        super().keyPressEvent(event)


class PeoplePicker(QWidget):
    """Signals: search_requested(str) after typing pauses, selection_changed() — a pick came or went,
    opened(int user_id) — a plain click or Enter outside ``group_mode`` (New chat's 1:1), search_entered() —
    Enter in the search box (it never closes the dialog by accident). ``exclude`` are never listed (me; the
    members already in)."""

    search_requested = Signal(str)
    selection_changed = Signal()
    opened = Signal(int)
    search_entered = Signal()

    def __init__(self, parent: QWidget | None = None, *, exclude: set[int] | None = None) -> None:
        super().__init__(parent)
        self.exclude = exclude or set()
        self._picked: dict[int, str] = {}  # kept across searches, in the order picked
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search people by name")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.installEventFilter(self)
        self.model = QStandardItemModel(self)
        self.list_view = PeopleList(self)
        self.list_view.setModel(self.model)
        self.list_view.setAccessibleName("People")
        self.hint = QLabel(self)
        make_quiet(self.hint)  # quieter than the text, still ≥ 4.5:1 (a disabled label is 1.6:1)
        self.hint.setWordWrap(True)
        self.chips = QListWidget(self)  # the picks, as removable chips that wrap (never widen the dialog)
        self.chips.setAccessibleName("Picked people")
        self.chips.setFlow(QListView.Flow.LeftToRight)
        self.chips.setWrapping(True)
        self.chips.setResizeMode(QListView.ResizeMode.Adjust)
        self.chips.setSpacing(3)
        self.chips.setMaximumHeight(64)
        self.chips.hide()
        self.chips.itemActivated.connect(self._unpick_chip)
        self.chips.itemClicked.connect(self._unpick_chip)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.search_requested.emit(self.search_edit.text().strip()))
        self.search_edit.textChanged.connect(lambda _: self._debounce.start())
        self.list_view.opened.connect(lambda index: self.opened.emit(int(index.data(USER_ID_ROLE))))
        self.list_view.toggled.connect(self.toggle)
        self.list_view.leave_top.connect(self.search_edit.setFocus)
        self.usage = "Type a name to find people who are visible to others."
        self.hint.setText(self.usage)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.chips)

    @property
    def group_mode(self) -> bool:
        return self.list_view.group_mode

    @group_mode.setter
    def group_mode(self, on: bool) -> None:
        self.list_view.group_mode = on

    def set_usage(self, text: str) -> None:
        """How to pick, under the list (replaced by "Nobody found" while a search finds nobody)."""
        self.usage = text
        if self.model.rowCount() or not self.search_edit.text().strip():
            self.hint.setText(text)

    def set_results(self, users: list[dict]) -> None:
        self.model.clear()
        for user in users:
            if user["id"] in self.exclude:
                continue
            name = user.get("display_name") or user.get("username") or "?"
            item = QStandardItem(f"{name}  (@{user.get('username')})")
            item.setEditable(False)
            item.setData(user["id"], USER_ID_ROLE)
            item.setData(name, NAME_ROLE)
            item.setData(name, Qt.ItemDataRole.AccessibleTextRole)
            self.model.appendRow(item)
        self._mark_picked()
        query = self.search_edit.text().strip()
        self.hint.setText("Nobody found by that name." if query and not self.model.rowCount() else self.usage)

    def selected_ids(self) -> list[int]:
        return list(self._picked)

    def pick(self, user_id: int, name: str) -> None:
        self._picked[user_id] = name
        self._refresh_picks()

    def clear_picks(self) -> None:
        self._picked.clear()
        self._refresh_picks()

    def check_user(self, user_id: int) -> None:
        """Pick a person listed now (by id)."""
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.data(USER_ID_ROLE) == user_id:
                self.pick(user_id, str(item.data(NAME_ROLE)))

    def toggle(self, index: QModelIndex) -> None:
        user_id = int(index.data(USER_ID_ROLE))
        if user_id in self._picked:
            del self._picked[user_id]
        else:
            self._picked[user_id] = str(index.data(NAME_ROLE))
        self._refresh_picks()

    def _mark_picked(self) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            user_id = item.data(USER_ID_ROLE)
            label = item.text().removeprefix(PICKED_MARK)
            item.setText(f"{PICKED_MARK}{label}" if user_id in self._picked else label)
            name = str(item.data(NAME_ROLE))
            spoken = f"{name}, picked" if user_id in self._picked else name
            item.setData(spoken, Qt.ItemDataRole.AccessibleTextRole)

    def _unpick_chip(self, item: QListWidgetItem) -> None:
        self._picked.pop(int(item.data(USER_ID_ROLE)), None)
        self._refresh_picks()

    def _refresh_picks(self) -> None:
        self.chips.clear()
        for user_id, name in self._picked.items():
            chip = QListWidgetItem(f"{name}  ✕", self.chips)
            chip.setData(USER_ID_ROLE, user_id)
            chip.setToolTip(f"Remove {name}")
        self.chips.setVisible(bool(self._picked))
        self._mark_picked()
        self.selection_changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self.list_view.setFocus()
                self.list_view.setCurrentIndex(self.model.index(0, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.search_entered.emit()
                return True  # Enter in the search field never closes the dialog by accident
        return super().eventFilter(watched, event)
