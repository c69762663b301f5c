"""The Settings window (Ctrl+, or the account menu): the pages listed on the left, the one picked on the
right (a SideSplitter, as the main window's list and chat: the list can be dragged wider, and shows only its
icons when the window is narrow). Appearance is the app's; the other pages are the account's whose menu
opened it. Esc closes it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.views.settings_pages import (
    AppearancePage,
    BlockedPage,
    DataPage,
    IconPushButton,
    NotificationsPage,
    PrivacyPage,
    SecurityPage,
)
from desktop.views.side_splitter import MIN_SIDE_WIDTH, SideSplitter
from desktop.views.symbols import symbol

NAV_WIDTH = 180
COMPACT_NAV_WIDTH = 52  # the page list's icons alone
NARROW_BELOW = 540  # below this the page list shows only its icons (names in tooltips)
MAX_NAV_WIDTH = 480  # a stored width past this only takes the page's room (the window opens at its own size)


class SettingsWindow(QDialog):
    """Signals: the pages' (appearance.theme_chosen …) and, from the buttons, change_password_requested(),
    two_factor_requested(), devices_requested(), blocked_requested(), export_requested(),
    shortcuts_requested(), about_requested()."""

    change_password_requested = Signal()
    two_factor_requested = Signal()
    devices_requested = Signal()
    blocked_requested = Signal()
    export_requested = Signal()
    shortcuts_requested = Signal()
    about_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumSize(340, 360)
        self.resize(720, 520)
        self.appearance = AppearancePage(self)
        self.notifications = NotificationsPage(self)
        self.privacy = PrivacyPage(self)
        self.security = SecurityPage(self)
        self.blocked = BlockedPage(self)
        self.data = DataPage(self)
        self.security.password_button.clicked.connect(self.change_password_requested)
        self.security.two_factor_button.clicked.connect(self.two_factor_requested)
        self.security.devices_button.clicked.connect(self.devices_requested)
        self.blocked.blocked_button.clicked.connect(self.blocked_requested)
        self.data.export_button.clicked.connect(self.export_requested)

        self.nav = QListWidget(self)
        self.nav.setAccessibleName("Settings pages")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.pages = QStackedWidget(self)
        self._entries: list[tuple[str, str]] = []
        for symbol_name, name, page in (
            ("appearance", "Appearance", self.appearance),
            ("notifications", "Notifications", self.notifications),
            ("privacy", "Privacy", self.privacy),
            ("security", "Security", self.security),
            ("blocked", "Blocked people", self.blocked),
            ("export", "My data", self.data),
        ):
            item = QListWidgetItem(name, self.nav)
            item.setToolTip(name)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, name)  # also when only the icon shows
            self._entries.append((symbol_name, name))
            self.pages.addWidget(page)
        self._tint_nav()
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)

        self.shortcuts_button = IconPushButton("keyboard", "Keyboard shortcuts", self)
        self.shortcuts_button.clicked.connect(self.shortcuts_requested)
        self.about_button = IconPushButton("info", "About ChatIDK", self)
        self.about_button.clicked.connect(self.about_requested)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 8)
        side.addWidget(self.nav, 1)
        side.addWidget(self.shortcuts_button)
        side.addWidget(self.about_button)
        self.side = QWidget(self)
        self.side.setLayout(side)
        self.splitter = SideSplitter(self.side, self.pages, NAV_WIDTH, self)  # the main window's split
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 8, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.splitter)
        self.compact = False
        self._apply_width(self.width())

    @property
    def nav_width(self) -> int:
        """The page list's own width (a drag, Ctrl+[ / Ctrl+]): what the next run brings back."""
        return self.splitter.side_width

    def set_nav_width(self, width: int) -> None:
        """A width kept from an earlier run, clamped between MIN_SIDE_WIDTH and MAX_NAV_WIDTH."""
        self.splitter.side_width = max(MIN_SIDE_WIDTH, min(MAX_NAV_WIDTH, int(width)))

    def show_page(self, name: str) -> None:
        """By its name in the list ("Privacy"), for the tests and for links from elsewhere."""
        for row, (_, entry) in enumerate(self._entries):
            if entry == name:
                self.nav.setCurrentRow(row)

    def page_names(self) -> list[str]:
        return [name for _, name in self._entries]

    def present(self) -> None:
        """Shows it (non-modal: the chat stays usable beside it) and gives it the focus."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.nav.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def _tint_nav(self) -> None:
        palette = self.nav.palette()
        for row, (symbol_name, _) in enumerate(self._entries):
            item = self.nav.item(row)
            if item is not None:
                item.setIcon(symbol(symbol_name, palette))

    def _apply_width(self, width: int) -> None:
        compact = width < NARROW_BELOW
        self.compact = compact
        for row, (_, name) in enumerate(self._entries):
            item = self.nav.item(row)
            if item is not None:
                item.setText("" if compact else name)
        for button, text in (
            (self.shortcuts_button, "Keyboard shortcuts"),
            (self.about_button, "About ChatIDK"),
        ):
            button.setText("" if compact else text)
            button.setToolTip(text if compact else "")
            button.setAccessibleName(text)
        if compact:
            self.splitter.fix_side(COMPACT_NAV_WIDTH)
        else:
            self.splitter.free_side()
        # icons alone are centred in the narrow column (the padding leaves no room for an empty text's frame)
        padding = "6px 12px" if compact else "6px 4px"
        self.nav.setStyleSheet(f"QListWidget::item {{ padding: {padding}; }}")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if (event.size().width() < NARROW_BELOW) != self.compact:
            self._apply_width(event.size().width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._tint_nav()
