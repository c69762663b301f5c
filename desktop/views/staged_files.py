"""Files picked, dropped or pasted, shown above the composer until sent (the text becomes their caption)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.models.file_labels import human_size

MAX_SHOWN = 4


class StagedFiles(QWidget):
    """Hidden while empty. Signals: changed()."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths: list[Path] = []
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAccessibleName("Files to send")
        self.clear_button = QToolButton(self)
        self.clear_button.setText("✕")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip("Don't send these files")
        self.clear_button.setAccessibleName("Remove files")
        self.clear_button.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 0)
        layout.addWidget(QLabel("📎", self))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.clear_button)
        self.hide()

    def add(self, paths: list[Path]) -> None:
        known = set(self.paths)
        self.paths.extend(p for p in map(Path, paths) if p not in known and p.is_file())
        self._refresh()

    def clear(self) -> None:
        self.paths = []
        self._refresh()

    def _refresh(self) -> None:
        if self.paths:
            names = [p.name for p in self.paths[:MAX_SHOWN]]
            more = len(self.paths) - len(names)
            total = sum(p.stat().st_size for p in self.paths if p.is_file())
            text = ", ".join(names) + (f" and {more} more" if more else "")
            self.label.setText(f"{text} ({human_size(total)}) · Enter sends, the text is the caption")
            self.label.setToolTip("\n".join(str(p) for p in self.paths))
        self.setVisible(bool(self.paths))
        self.changed.emit()
