"""The message menu's row of quick reactions (👍 ❤️ 😂 😮 😢 🙏): one click, or ←/→ and Enter from the
keyboard once ↓ reached the row; the ones I already gave are shown pressed (choosing one takes it back)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

from desktop.models.emoji_catalog import QUICK_REACTIONS, name_of


class QuickReactionRow(QWidget):
    """Signals: picked(str emoji)."""

    picked = Signal(str)

    def __init__(self, mine: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Quick reactions")
        self.setFocusPolicy(
            Qt.FocusPolicy.StrongFocus
        )  # the menu hands the focus to the row; it passes it on
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.setSpacing(2)
        self.buttons: list[QToolButton] = []
        for emoji in QUICK_REACTIONS:
            button = QToolButton(self)
            button.setText(emoji)
            button.setAutoRaise(True)
            button.setCheckable(True)
            button.setChecked(emoji in mine)
            font = QFont(button.font())
            font.setPointSizeF(max(font.pointSizeF(), 9) * 1.5)
            button.setFont(font)
            taken = "take back" if emoji in mine else "react with"
            button.setToolTip(f"{name_of(emoji).capitalize()}")
            button.setAccessibleName(f"{taken} {name_of(emoji)}")
            button.clicked.connect(lambda _=False, e=emoji: self.picked.emit(e))
            button.installEventFilter(self)  # before the button and the menu: a QMenu takes ←/→ itself
            layout.addWidget(button)
            self.buttons.append(button)
        self.setFocusProxy(self.buttons[0])

    def focused(self) -> int:
        return next((n for n, b in enumerate(self.buttons) if b.hasFocus()), -1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        at = self.buttons.index(watched) if watched in self.buttons else -1
        step = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(Qt.Key(event.key()))
        if step is not None and at >= 0:
            self.buttons[(at + step) % len(self.buttons)].setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and at >= 0:
            self.picked.emit(QUICK_REACTIONS[at])
            return True
        return False  # ↑/↓ and Esc go on to the menu
