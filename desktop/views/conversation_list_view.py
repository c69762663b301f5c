"""The conversation list: a QListView that asks for a row's menu from the mouse and from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QKeyEvent
from PySide6.QtWidgets import QListView, QWidget


class ConversationListView(QListView):
    """Signals: menu_requested(QModelIndex row, QPoint global position) — right-click on a row, the Menu
    key or Shift+F10 on the current one."""

    menu_requested = Signal(QModelIndex, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            index = self.indexAt(event.pos())
            if index.isValid():
                self.setCurrentIndex(index)
                self.menu_requested.emit(index, event.globalPos())
        else:
            self._menu_for_current()
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        shift_f10 = event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        if event.key() == Qt.Key.Key_Menu or shift_f10:
            self._menu_for_current()
            event.accept()
            return
        super().keyPressEvent(event)

    def _menu_for_current(self) -> None:
        index = self.currentIndex()
        if index.isValid():
            rect = self.visualRect(index)
            self.menu_requested.emit(index, self.viewport().mapToGlobal(rect.center()))
