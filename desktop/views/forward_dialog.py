"""Forward…: tick one or more of my conversations and send the message to them, keyboard only if you like:
type to filter, ↑/↓ to move, Enter (or Space in the list) ticks, Ctrl+Enter forwards."""

from __future__ import annotations

from typing import NamedTuple, cast

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeyEvent, QKeySequence, QPainter, QPixmap, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

HINT = "Enter ticks a conversation, Ctrl+Enter forwards"
SEND_KEYS = ("Ctrl+Return", "Ctrl+Enter")


class ForwardChoice(NamedTuple):
    conversation_id: int
    title: str
    names: str  # the other members' names: typing one finds the conversation too
    avatar: QPixmap | None = None


class _TickDelegate(QStyledItemDelegate):
    """The style's row, with the tick box outlined in the palette's text colour: Fusion's own outline all but
    vanishes on a dark base."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().paint(painter, option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is None:
            return
        box = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, opt, widget)
        outline = QColor(opt.palette.color(opt.palette.ColorRole.Text))
        outline.setAlphaF(0.55)
        painter.save()
        painter.setPen(outline)
        painter.drawRect(box.adjusted(1, 1, -2, -2))
        painter.restore()


class ForwardDialog(QDialog):
    """``choices`` in the list's order; titles and names are shown and matched as plain text. Signals:
    chosen(list conversation ids) — the ticked ones, in the order shown."""

    chosen = Signal(list)

    def __init__(self, choices: list[ForwardChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Forward message")
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search conversations")
        self.search_edit.setAccessibleName("Search conversations")
        self.list_widget = QListWidget(self)
        self.list_widget.setAccessibleName("Conversations to forward to")
        self.list_widget.setItemDelegate(_TickDelegate(self.list_widget))
        self.list_widget.setIconSize(QSize(28, 28))
        self.list_widget.setSpacing(2)
        for conversation_id, title, names, avatar in choices:
            item = QListWidgetItem(title, self.list_widget)
            if avatar is not None:
                icon = QIcon(avatar)
                icon.addPixmap(avatar, QIcon.Mode.Selected)  # not tinted on the current row
                item.setIcon(icon)
            item.setData(Qt.ItemDataRole.UserRole, conversation_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, f"{title} {names}".casefold())
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
            )
            item.setCheckState(Qt.CheckState.Unchecked)
        self.hint = QLabel(HINT, self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setEnabled(False)  # the quiet colour
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.forward_button = QPushButton("Forward", self)
        self.forward_button.setAutoDefault(False)  # Enter ticks; it never sends by surprise
        buttons.addButton(self.forward_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        self.forward_button.clicked.connect(self._send)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list_widget)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.search_edit.textChanged.connect(self._filter)
        self.search_edit.installEventFilter(self)
        self.list_widget.installEventFilter(self)
        self.list_widget.itemChanged.connect(lambda _item: self._update_button())
        self.list_widget.itemActivated.connect(self._toggle)
        for keys in SEND_KEYS:
            QShortcut(QKeySequence(keys), self, self._send)
        self.resize(400, 420)
        self._filter("")
        self._update_button()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.activateWindow()
        self.search_edit.setFocus(Qt.FocusReason.PopupFocusReason)  # typing filters at once

    def _items(self) -> list[QListWidgetItem]:
        return [self.list_widget.item(row) for row in range(self.list_widget.count())]

    def _visible(self) -> list[QListWidgetItem]:
        return [item for item in self._items() if not item.isHidden()]

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for item in self._items():
            item.setHidden(bool(needle) and needle not in str(item.data(Qt.ItemDataRole.UserRole + 1)))
        visible = self._visible()
        current = self.list_widget.currentItem()
        if visible and (current is None or current.isHidden()):
            self.list_widget.setCurrentItem(visible[0])

    def _move(self, step: int) -> None:
        visible = self._visible()
        if not visible:
            return
        current = self.list_widget.currentItem()
        at = visible.index(current) if current in visible else -1
        self.list_widget.setCurrentItem(visible[max(0, min(len(visible) - 1, at + step))])

    def _toggle(self, item: QListWidgetItem | None) -> None:
        if item is None or item.isHidden():
            return
        ticked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key_event = cast(QKeyEvent, event)
        key, plain = key_event.key(), key_event.modifiers() == Qt.KeyboardModifier.NoModifier
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and watched is self.search_edit:
            self._move(1 if key == Qt.Key.Key_Down else -1)
            return True
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if plain and (enter or (key == Qt.Key.Key_Space and watched is self.list_widget)):
            self._toggle(self.list_widget.currentItem())
            if watched is self.search_edit:
                self.search_edit.selectAll()  # the next name typed replaces this one
            return True
        return super().eventFilter(watched, event)

    def ticked(self) -> list[int]:
        return [
            int(item.data(Qt.ItemDataRole.UserRole))
            for item in self._items()
            if item.checkState() == Qt.CheckState.Checked
        ]

    def _update_button(self) -> None:
        count = len(self.ticked())
        self.forward_button.setEnabled(count > 0)
        self.forward_button.setText(f"Forward to {count}" if count > 1 else "Forward")

    def _send(self) -> None:
        chosen = self.ticked()
        if chosen:
            self.chosen.emit(chosen)
            self.accept()
