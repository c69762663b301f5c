"""The pages of the Settings window, one small widget each; they only show state and emit what was asked
(SettingsWindow relays it, desktop/session/settings_wiring.py carries it to the controllers)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.views.quiet_text import make_quiet
from desktop.views.symbols import symbol
from desktop.views.themes import THEME_NAMES

TEXT_SIZE_NAMES = {
    9.0: "Smaller",
    10.0: "Small",
    10.5: "Default",
    12.0: "Large",
    13.5: "Larger",
    15.0: "Largest",
}
MUTE_ID = Qt.ItemDataRole.UserRole


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.25)
    label.setFont(font)
    return label


def _note(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    make_quiet(label)
    return label


class IconPushButton(QPushButton):
    """A push button with a palette-tinted symbol that follows a theme switch."""

    def __init__(self, symbol_name: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.symbol_name = symbol_name
        self.setAutoDefault(False)  # Enter in the window never opens a dialog by accident
        self._tint()

    def _tint(self) -> None:
        self.setIcon(symbol(self.symbol_name, self.palette()))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._tint()


class _Page(QWidget):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(20, 16, 20, 16)
        self.column.setSpacing(10)
        self.column.addWidget(_heading(title, self))

    def finish(self) -> None:
        self.column.addStretch(1)

    def button(self, symbol_name: str, text: str, note: str = "") -> IconPushButton:
        button = IconPushButton(symbol_name, text, self)
        self.column.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        if note:
            self.column.addWidget(_note(note, self))
        return button


class AppearancePage(_Page):
    """Signals: theme_chosen(str), text_size_chosen(float). Both for the whole app, every account."""

    theme_chosen = Signal(str)
    text_size_chosen = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Appearance", parent)
        self.column.addWidget(QLabel("Theme", self))
        self.theme_group = QButtonGroup(self)
        self.theme_buttons: dict[str, QRadioButton] = {}
        for theme, name in THEME_NAMES.items():
            radio = QRadioButton(name, self)
            self.theme_buttons[theme] = radio
            self.theme_group.addButton(radio)
            radio.toggled.connect(lambda on, t=theme: self._theme_toggled(on, t))
            self.column.addWidget(radio)
        self.column.addSpacing(8)
        size_label = QLabel("Text size of messages and lists", self)
        self.column.addWidget(size_label)
        self.size_combo = QComboBox(self)
        for points, name in TEXT_SIZE_NAMES.items():
            self.size_combo.addItem(f"{name} ({points:g} pt)", points)
        self.size_combo.setAccessibleName("Text size")
        size_label.setBuddy(self.size_combo)
        self.size_combo.currentIndexChanged.connect(self._size_changed)
        self.column.addWidget(self.size_combo, 0, Qt.AlignmentFlag.AlignLeft)
        self.preview = QLabel("The quick brown fox jumps over the lazy dog.", self)
        self.preview.setWordWrap(True)
        self.column.addWidget(self.preview)
        self.column.addWidget(_note("The same for every account signed in here.", self))
        self.finish()

    def _theme_toggled(self, on: bool, theme: str) -> None:
        if on:
            self.theme_chosen.emit(theme)

    def set_theme(self, theme: str) -> None:
        radio = self.theme_buttons.get(theme)
        if radio is not None and not radio.isChecked():
            radio.blockSignals(True)
            radio.setChecked(True)
            radio.blockSignals(False)

    def set_text_size(self, points: float) -> None:
        index = self.size_combo.findData(points)
        if index >= 0:
            self.size_combo.blockSignals(True)
            self.size_combo.setCurrentIndex(index)
            self.size_combo.blockSignals(False)
        self._show_preview(points)

    def _size_changed(self, index: int) -> None:
        points = float(self.size_combo.itemData(index))
        self._show_preview(points)
        self.text_size_chosen.emit(points)

    def _show_preview(self, points: float) -> None:
        font = QFont(self.font())
        font.setPointSizeF(points)
        self.preview.setFont(font)


class NotificationsPage(_Page):
    """Signals: show_text_toggled(bool), mute_toggled(int conversation_id, bool muted). This account's."""

    show_text_toggled = Signal(bool)
    mute_toggled = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Notifications", parent)
        self.show_text_check = QCheckBox("Show message text in notifications", self)
        self.show_text_check.setChecked(True)
        self.show_text_check.toggled.connect(self.show_text_toggled)
        self.column.addWidget(self.show_text_check)
        self.column.addWidget(_note("Off: a notification says only who wrote, not what.", self))
        self.column.addSpacing(8)
        mute_label = QLabel("Muted conversations (checked: no notifications)", self)
        self.column.addWidget(mute_label)
        self.mute_list = QListWidget(self)
        self.mute_list.setAccessibleName("Muted conversations")
        self.mute_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.mute_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.mute_list.itemChanged.connect(self._item_changed)
        mute_label.setBuddy(self.mute_list)
        self.column.addWidget(self.mute_list, 1)
        self.column.addWidget(_note("Space mutes or unmutes the conversation picked in the list.", self))

    def set_show_text(self, show: bool) -> None:
        self.show_text_check.blockSignals(True)
        self.show_text_check.setChecked(show)
        self.show_text_check.blockSignals(False)

    def set_conversations(self, rows: list[tuple[int, str, bool]]) -> None:
        """(conversation id, title, muted) in the list's order; titles are plain text (never HTML)."""
        current = self.mute_list.currentItem()
        current_id = current.data(MUTE_ID) if current is not None else None
        self.mute_list.blockSignals(True)
        self.mute_list.clear()
        for conversation_id, title, muted in rows:
            item = QListWidgetItem(title, self.mute_list)
            item.setData(MUTE_ID, conversation_id)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setCheckState(Qt.CheckState.Checked if muted else Qt.CheckState.Unchecked)
            item.setToolTip(title)
            self._mark(item)
            if conversation_id == current_id:
                self.mute_list.setCurrentItem(item)
        self.mute_list.blockSignals(False)

    def muted_ids(self) -> list[int]:
        items = [self.mute_list.item(row) for row in range(self.mute_list.count())]
        return [int(i.data(MUTE_ID)) for i in items if i.checkState() == Qt.CheckState.Checked]

    def _mark(self, item: QListWidgetItem) -> None:
        """A bell, struck through when muted: the state reads at a glance in either theme."""
        muted = item.checkState() == Qt.CheckState.Checked
        item.setIcon(symbol("muted" if muted else "notifications", self.mute_list.palette()))
        item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, "muted" if muted else "not muted")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for row in range(self.mute_list.count()):
                item = self.mute_list.item(row)
                if item is not None:
                    self._mark(item)

    def _item_changed(self, item: QListWidgetItem) -> None:
        self.mute_list.blockSignals(True)
        self._mark(item)
        self.mute_list.blockSignals(False)
        self.mute_toggled.emit(int(item.data(MUTE_ID)), item.checkState() == Qt.CheckState.Checked)


class PrivacyPage(_Page):
    """Signals: visible_toggled(bool), hide_last_seen_toggled(bool). Kept on the server (PATCH /me)."""

    visible_toggled = Signal(bool)
    hide_last_seen_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Privacy", parent)
        self.visible_check = QCheckBox("Visible to others in search", self)
        self.visible_check.toggled.connect(self.visible_toggled)
        self.column.addWidget(self.visible_check)
        self.column.addWidget(
            _note("Off: only people who share a conversation with you can find you by name.", self)
        )
        self.hide_last_seen_check = QCheckBox("Hide my last seen", self)
        self.hide_last_seen_check.toggled.connect(self.hide_last_seen_toggled)
        self.column.addWidget(self.hide_last_seen_check)
        self.column.addWidget(
            _note("Others don't see when you were last online, and you don't see theirs.", self)
        )
        self.finish()

    def set_user(self, user: dict) -> None:
        for check, value in (
            (self.visible_check, bool(user.get("visible", True))),
            (self.hide_last_seen_check, bool(user.get("hide_last_seen", False))),
        ):
            check.blockSignals(True)
            check.setChecked(value)
            check.blockSignals(False)


class SecurityPage(_Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Security", parent)
        self.password_button = self.button(
            "key", "Change password…", "Changing it signs out every other device."
        )
        self.two_factor_button = self.button(
            "security", "Two-factor sign-in…", "A code from an authenticator app as well as your password."
        )
        self.devices_button = self.button(
            "computer", "Devices…", "Where this account is signed in; sign out the ones you don't know."
        )
        self.finish()


class BlockedPage(_Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Blocked people", parent)
        self.blocked_button = self.button(
            "blocked",
            "Blocked people…",
            "People you blocked can't write to you in a 1:1. Block someone from their conversation's menu.",
        )
        self.finish()


class DataPage(_Page):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("My data", parent)
        self.export_button = self.button(
            "export",
            "Export my data…",
            "A zip archive of your profile, conversations, messages and files, saved where you choose.",
        )
        self.finish()
