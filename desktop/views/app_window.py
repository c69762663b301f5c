"""The one window of the app: the account switcher column beside the window of the account in front (each
signed-in account's MainWindow is a page here). The title carries every account's unread messages."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QMainWindow, QStackedWidget, QWidget

from desktop.views.account_column import AccountColumn, AccountEntry
from desktop.views.icons import app_icon
from desktop.views.main_window import MIN_HEIGHT, MIN_WIDTH
from desktop.views.shortcuts import SWITCH_ACCOUNT, add_shortcut


class AppWindow(QMainWindow):
    """Signals: the column's (chosen → switch_requested(int), add_requested, sign_out_requested(int),
    remove_requested(int)), active_changed(bool) — the window was activated or left (the page inside is
    not told by Qt), closing()."""

    closing = Signal()
    active_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("ChatIDK")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)
        self.resize(1000, 680)
        self.column = AccountColumn(self)
        self.column.hide()  # one account: its own account button is the switcher's menu
        self.rule = QFrame(self)  # a quiet 1 px line in the palette's mid tone, light and dark alike
        self.rule.setFixedWidth(1)
        self.rule.setStyleSheet("background: palette(mid);")
        self.rule.hide()
        self.pages = QStackedWidget(self)
        central = QWidget(self)
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.column)
        row.addWidget(self.rule)
        row.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.switch_requested = self.column.chosen
        self.add_requested = self.column.add_requested
        self.sign_out_requested = self.column.sign_out_requested
        self.remove_requested = self.column.remove_requested
        for index, keys in enumerate(SWITCH_ACCOUNT):
            add_shortcut(keys, self, lambda i=index: self.switch_requested.emit(i))

    def add_page(self, page: QWidget) -> None:
        self.pages.addWidget(page)

    def show_page(self, page: QWidget) -> None:
        """Only the page in front is visible (a page that showed itself on starting is hidden again)."""
        self.pages.setCurrentWidget(page)
        for index in range(self.pages.count()):
            other = self.pages.widget(index)
            if other is not None and other is not page:
                other.hide()
        page.show()

    def remove_page(self, page: QWidget) -> None:
        self.pages.removeWidget(page)

    def set_accounts(self, entries: list[AccountEntry], current: int, *, can_add: bool) -> None:
        self.column.set_accounts(entries, current, can_add=can_add)
        several = len(entries) > 1
        self.column.setVisible(several)
        self.rule.setVisible(several)

    def set_total_unread(self, count: int) -> None:
        self.setWindowTitle(f"({count}) ChatIDK" if count else "ChatIDK")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange:
            self.active_changed.emit(self.isActiveWindow())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closing.emit()
        super().closeEvent(event)
