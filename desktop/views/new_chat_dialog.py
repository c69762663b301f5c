"""New chat: click or Enter on a person opens the 1:1; Ctrl+click or Space picks several for a group."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.views.quiet_text import make_quiet

USER_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
NAME_ROLE = int(Qt.ItemDataRole.UserRole) + 2


class PeopleList(QListView):
    """A list of people: plain click/Enter opens one (``opened``); Ctrl+click/Space picks (``toggled``)."""

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


class NewChatDialog(QDialog):
    """Signals: search_requested(str), direct_requested(int user_id), group_requested(str title, list ids)."""

    search_requested = Signal(str)
    direct_requested = Signal(int)
    group_requested = Signal(str, list)

    def __init__(self, my_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New chat")
        self.exclude = {my_id}
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
        self.chips.itemActivated.connect(self._unpick_chip)
        self.chips.itemClicked.connect(self._unpick_chip)
        self.count_label = QLabel(self)
        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("Group title")
        self.title_edit.setAccessibleName("Group title")
        self.title_edit.setMaxLength(100)
        self.group_button = QPushButton("New group…", self)
        self.group_button.setCheckable(True)
        self.group_button.setToolTip("Pick several people with a click each, then name the group")
        self.group_button.toggled.connect(self._set_group_mode)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.addButton(self.group_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button = self.buttons.addButton("Create group", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setAutoDefault(False)
        self.buttons.accepted.connect(self._create_group)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.count_label)
        layout.addWidget(self.chips)
        layout.addWidget(self.title_edit)
        layout.addWidget(self.buttons)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.search_requested.emit(self.search_edit.text().strip()))
        self.search_edit.textChanged.connect(lambda _: self._debounce.start())
        self.list_view.opened.connect(self._open_direct)
        self.list_view.toggled.connect(self._toggle)
        self.list_view.leave_top.connect(self.search_edit.setFocus)
        self.title_edit.textChanged.connect(self._update)
        self.title_edit.returnPressed.connect(self._create_group)
        self.resize(420, 480)
        self._update()

    # results and picks
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
        if query and not self.model.rowCount():
            self.hint.setText("Nobody found by that name.")
        else:
            self.hint.setText(self._usage())

    def selected_ids(self) -> list[int]:
        return list(self._picked)

    def pick(self, user_id: int, name: str) -> None:
        self._picked[user_id] = name
        self._refresh_picks()

    def _mark_picked(self) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            picked = item.data(USER_ID_ROLE) in self._picked
            label = item.text().removeprefix("✓ ")
            item.setText(f"✓ {label}" if picked else label)

    def _toggle(self, index: QModelIndex) -> None:
        user_id = int(index.data(USER_ID_ROLE))
        if user_id in self._picked:
            del self._picked[user_id]
        else:
            self._picked[user_id] = str(index.data(NAME_ROLE))
        self._refresh_picks()

    def _unpick_chip(self, item: QListWidgetItem) -> None:
        self._picked.pop(int(item.data(USER_ID_ROLE)), None)
        self._refresh_picks()

    def _refresh_picks(self) -> None:
        self.chips.clear()
        for user_id, name in self._picked.items():
            chip = QListWidgetItem(f"{name}  ✕", self.chips)
            chip.setData(USER_ID_ROLE, user_id)
            chip.setToolTip(f"Remove {name}")
        self._mark_picked()
        if self._picked and not self.group_button.isChecked():
            self.group_button.setChecked(True)  # picking several is the group mode
        self._update()

    # modes and actions
    def _set_group_mode(self, on: bool) -> None:
        self.list_view.group_mode = on
        if not on:
            self._picked.clear()
            self._refresh_picks()
        self._update()

    def _usage(self) -> str:
        if self.group_button.isChecked():
            return "Click, Enter or Space picks a person; click a chip to take them out."
        return "Click or Enter opens a chat. Ctrl+click or Space picks several for a group."

    def _update(self) -> None:
        group = self.group_button.isChecked()
        if self.model.rowCount() or not self.search_edit.text().strip():
            self.hint.setText(self._usage())
        count = len(self._picked)
        self.count_label.setVisible(group)
        self.count_label.setText(f"{count} selected" if count else "Pick people for the group")
        self.chips.setVisible(count > 0)
        asks_title = count > 1  # a title only once it is a group; never for a 1:1
        self.title_edit.setVisible(asks_title)
        self.start_button.setVisible(group)
        self.start_button.setEnabled(asks_title and bool(self.title_edit.text().strip()))

    def _open_direct(self, index: QModelIndex) -> None:
        self.direct_requested.emit(int(index.data(USER_ID_ROLE)))
        self.accept()

    def _create_group(self) -> None:
        title = self.title_edit.text().strip()
        if len(self._picked) < 2 or not title:
            return
        self.group_requested.emit(title, list(self._picked))
        self.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Down and self.model.rowCount():
                self.list_view.setFocus()
                self.list_view.setCurrentIndex(self.model.index(0, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.model.rowCount() == 1 and not self.group_button.isChecked():
                    self._open_direct(self.model.index(0, 0))  # one match: Enter opens it
                return True  # Enter in the search field never closes the dialog by accident
        return super().eventFilter(watched, event)
