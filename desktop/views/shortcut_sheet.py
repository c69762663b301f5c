"""The shortcut sheet (Ctrl+/): every key the client answers to, by where it works, in one dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.views.shortcuts import RANGE, SHEET_SECTIONS, shown_keys


def keys_text(keys: tuple[str, ...]) -> str:
    """The ways of a row apart ("Ctrl+Tab · Alt+↓"), a range as one ("Ctrl+1 … Ctrl+5")."""
    text = "   ·   ".join(shown_keys(k) if k != RANGE else k for k in keys)
    return text.replace(f"   ·   {RANGE}   ·   ", f" {RANGE} ")


class ShortcutSheet(QDialog):
    """Read-only; Esc or Enter closes it. ``lines()`` is what it lists, for tests and screen readers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Keys", "Does"])
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setHeaderHidden(True)  # the sections say what the rows are
        self.tree.setIndentation(0)
        self.tree.setUniformRowHeights(False)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # still scrolls with the arrows
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 8px; }")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        bold = QFont(self.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.05)
        for number, (section, rows) in enumerate(SHEET_SECTIONS):
            if number:  # a gap between sections
                QTreeWidgetItem(self.tree, ["", ""]).setFlags(
                    Qt.ItemFlag.NoItemFlags
                )  # a gap between sections
            heading = QTreeWidgetItem(self.tree, [section, ""])
            heading.setFont(0, bold)
            heading.setFirstColumnSpanned(True)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            for keys, what in rows:
                item = QTreeWidgetItem(self.tree, [keys_text(keys), what])
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(720, 600)  # wide enough that the longest descriptions are not cut

    def lines(self) -> list[str]:
        return [
            f"{item.text(0).strip()}\t{item.text(1)}".rstrip()
            for item in (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
            if item is not None and item.text(0)
        ]
