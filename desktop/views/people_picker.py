"""A search box and a checkable list of people: shared by "New chat" and "Add members"."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from desktop.views.quiet_text import make_quiet

USER_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class PeoplePicker(QWidget):
    """Signals: search_requested(str) after typing pauses, selection_changed()."""

    search_requested = Signal(str)
    selection_changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, exclude: set[int] | None = None) -> None:
        super().__init__(parent)
        self.exclude = exclude or set()
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search people by name")
        self.search_edit.setClearButtonEnabled(True)
        self.model = QStandardItemModel(self)
        self.list_view = QListView(self)
        self.list_view.setModel(self.model)
        self.list_view.setAccessibleName("People")
        self.hint = QLabel("Type a name to find people who are visible to others.", self)
        make_quiet(self.hint)  # quieter than the text, still ≥ 4.5:1 (a disabled label is 1.6:1)
        self.hint.setWordWrap(True)
        self._selected: dict[int, str] = {}
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.search_requested.emit(self.search_edit.text().strip()))
        self.search_edit.textChanged.connect(lambda _: self._debounce.start())
        self.model.itemChanged.connect(self._on_item_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.hint)

    def set_results(self, users: list[dict]) -> None:
        self.model.blockSignals(True)
        self.model.clear()
        for user in users:
            if user["id"] in self.exclude:
                continue
            name = user.get("display_name") or user.get("username") or "?"
            item = QStandardItem(f"{name}  (@{user.get('username')})")
            item.setEditable(False)
            item.setCheckable(True)
            item.setCheckState(
                Qt.CheckState.Checked if user["id"] in self._selected else Qt.CheckState.Unchecked
            )
            item.setData(user["id"], USER_ID_ROLE)
            item.setData(name, Qt.ItemDataRole.AccessibleTextRole)
            self.model.appendRow(item)
        self.model.blockSignals(False)
        self.list_view.reset()
        query = self.search_edit.text().strip()
        self.hint.setText("Nobody found by that name." if query and not users else self.hint.text())

    def _on_item_changed(self, item: QStandardItem) -> None:
        user_id = int(item.data(USER_ID_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self._selected[user_id] = item.data(Qt.ItemDataRole.AccessibleTextRole)
        else:
            self._selected.pop(user_id, None)
        self.selection_changed.emit()

    def selected_ids(self) -> list[int]:
        return list(self._selected)

    def check_user(self, user_id: int) -> None:
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            if item.data(USER_ID_ROLE) == user_id:
                item.setCheckState(Qt.CheckState.Checked)
