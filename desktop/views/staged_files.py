"""Files picked, dropped or pasted, shown above the composer until sent (the text becomes their caption)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from desktop.models.file_labels import human_size
from desktop.models.plain_text import plain_tooltip
from desktop.views.elided_label import ElidedLabel
from desktop.views.quiet_text import make_quiet

MAX_SHOWN = 4


class StagedFiles(QWidget):
    """Hidden while empty. Signals: changed()."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths: list[Path] = []
        self.label = ElidedLabel(parent=self)  # the names: a long one elides, it never widens the window
        self.label.setAccessibleName("Files to send")
        self.summary = QLabel(self)  # "3 files · 2.6 KB", short, always whole
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        make_quiet(self.summary)  # quieter than the text, still ≥ 4.5:1 (a disabled label is 1.6:1)
        self.summary.setToolTip("Enter sends them; the text you write is their caption")
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
        layout.addWidget(self.summary)
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
            # one name keeps its extension (elided in the middle); a list keeps its start
            self.label.set_elide_mode(
                Qt.TextElideMode.ElideMiddle if len(self.paths) == 1 else Qt.TextElideMode.ElideRight
            )
            self.label.setText(", ".join(names) + (f" and {more} more" if more else ""))
            count = f"{len(self.paths)} files · " if len(self.paths) > 1 else ""
            self.summary.setText(f"{count}{human_size(total)}")
            self.label.setToolTip(plain_tooltip("\n".join(str(p) for p in self.paths)))
        self.setVisible(bool(self.paths))
        self.changed.emit()
