"""Ctrl+K: type a few letters of a conversation's name and press Enter to open it."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListView, QVBoxLayout, QWidget

from desktop.models.conversations import ConversationFilterModel
from desktop.models.roles import ConversationRole
from desktop.views.conversation_delegate import ConversationDelegate


class JumpDialog(QDialog):
    """Signals: chosen(int conversation_id)."""

    chosen = Signal(int)

    def __init__(self, source_model, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Jump to conversation")
        self.proxy = ConversationFilterModel(self)
        self.proxy.setSourceModel(source_model)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Jump to…")
        self.list_view = QListView(self)
        self.list_view.setModel(self.proxy)
        self.list_view.setItemDelegate(ConversationDelegate(self.list_view))
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list_view)
        self.search_edit.textChanged.connect(self._filter)
        self.search_edit.returnPressed.connect(self._choose_current)
        self.search_edit.installEventFilter(self)
        self.list_view.activated.connect(lambda index: self._choose(index.data(ConversationRole.ID)))
        self.resize(420, 380)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        if self.proxy.rowCount():
            self.list_view.setCurrentIndex(self.proxy.index(0, 0))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down move through the list while typing."""
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            key = cast(QKeyEvent, event).key()
            if key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                rows = self.proxy.rowCount()
                if rows:
                    row = self.list_view.currentIndex().row() + (1 if key == Qt.Key.Key_Down else -1)
                    self.list_view.setCurrentIndex(self.proxy.index(max(0, min(rows - 1, row)), 0))
                return True
        return super().eventFilter(watched, event)

    def _choose_current(self) -> None:
        index = self.list_view.currentIndex()
        if index.isValid():
            self._choose(index.data(ConversationRole.ID))

    def _choose(self, conversation_id: int | None) -> None:
        if conversation_id is not None:
            self.chosen.emit(int(conversation_id))
            self.accept()
