"""The shortcut sheet (Ctrl+/): every key the client answers to, by where it works, in one dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.views.shortcuts import RANGE, SHEET_SECTIONS, shown_keys

GAP = 6  # between the rows of a section; a section's heading gets three times as much above it


def keys_text(keys: tuple[str, ...]) -> str:
    """The ways of a row apart ("Ctrl+Tab · Alt+↓"), a range as one ("Ctrl+1 … Ctrl+5")."""
    text = "   ·   ".join(shown_keys(k) if k != RANGE else k for k in keys)
    return text.replace(f"   ·   {RANGE}   ·   ", f" {RANGE} ")


def _label(text: str, *, wraps: bool = False, font: QFont | None = None) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wraps)
    if font is not None:
        label.setFont(font)
    return label


class ShortcutSheet(QDialog):
    """Read-only; Esc or Enter closes it. ``lines()`` is what it lists, for tests and screen readers.

    A grid of labels: a description too long for the width wraps onto more lines (labels lay out height
    for width; the rows of a tree view keep one height and cut the text with "…"), and the dialog opens
    as wide as its longest row where the screen allows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        bold = QFont(self.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.05)
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(16, 8, 16, 12)
        grid.setHorizontalSpacing(32)
        grid.setVerticalSpacing(GAP)
        grid.setColumnStretch(1, 1)
        self._rows: list[tuple[QLabel, QLabel | None]] = []
        row = 0
        for number, (section, entries) in enumerate(SHEET_SECTIONS):
            if number:
                grid.setRowMinimumHeight(row, 2 * GAP)  # a gap between sections
                row += 1
            heading = _label(section, font=bold)
            grid.addWidget(heading, row, 0, 1, 2)
            self._rows.append((heading, None))
            row += 1
            for keys, what in entries:
                key_label, what_label = _label(keys_text(keys)), _label(what, wraps=True)
                grid.addWidget(key_label, row, 0, Qt.AlignmentFlag.AlignTop)
                grid.addWidget(what_label, row, 1, Qt.AlignmentFlag.AlignTop)
                self._rows.append((key_label, what_label))
                row += 1
        grid.setRowStretch(row, 1)
        self.area = QScrollArea(self)
        self.area.setWidget(page)
        self.area.setWidgetResizable(True)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setFrameShape(QFrame.Shape.StyledPanel)
        self.area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # scrolls with the arrows and Page keys
        self.area.setAccessibleName("Keyboard shortcuts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.area)
        layout.addWidget(buttons)
        chrome = self.area.verticalScrollBar().sizeHint().width() + 2 * self.area.frameWidth()
        outside = layout.contentsMargins()
        chrome += outside.left() + outside.right() + 4
        # Never narrower than the keys beside the longest word: the page would be cut at the right.
        self.setMinimumWidth(page.minimumSizeHint().width() + chrome)
        self.resize(self._fitting_width(grid, chrome), 600)

    def _fitting_width(self, grid: QGridLayout, chrome: int) -> int:
        """As wide as the widest keys and the longest description side by side, within the screen."""
        keys = max(k.sizeHint().width() for k, what in self._rows if what is not None)
        whats = max(what.fontMetrics().horizontalAdvance(what.text()) for _, what in self._rows if what)
        margins = grid.contentsMargins()
        wanted = keys + grid.horizontalSpacing() + whats + margins.left() + margins.right() + chrome
        screen = self.screen()
        room = int(screen.availableGeometry().width() * 0.9) if screen is not None else wanted
        return max(self.minimumWidth(), min(wanted, room))

    def lines(self) -> list[str]:
        return [f"{first.text()}\t{what.text()}" if what else first.text() for first, what in self._rows]
