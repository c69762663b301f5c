"""The side column and the main pane of a window, side by side with a draggable divider: the main window's
conversation list beside the chat, the Settings window's page list beside the page. The column keeps the
width the user dragged it to through a spell as an avatar-only (or icon-only) strip, a spell as one pane, a
window squeezed narrow, and (through ``side_width``) a restart, as Telegram's and Signal's lists do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget

UNBOUNDED = 16777215  # QWIDGETSIZE_MAX
MIN_SIDE_WIDTH = 160  # a dragged or stored width below this is not a list any more


class SideSplitter(QSplitter):
    """``side`` on the left, ``main`` taking what the window gains. ``fix_side(w)`` pins the column at w px
    (the avatar-only list, the icon-only page list); ``free_side()`` gives it back its own width. Signals:
    QSplitter's; ``splitterMoved`` (a drag) sets ``side_width``."""

    def __init__(self, side: QWidget, main: QWidget, side_width: int, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.side = side
        self.main = main
        self.addWidget(side)
        self.addWidget(main)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setChildrenCollapsible(False)
        self._side_width = side_width
        self._fixed: int | None = None
        self.setSizes([side_width, max(1, self.width() - side_width)])
        self.splitterMoved.connect(self._on_moved)

    @property
    def side_width(self) -> int:
        """The column's own width: the default, the last drag, or what was stored from the last run."""
        return self._side_width

    @side_width.setter
    def side_width(self, width: int) -> None:
        self._side_width = max(MIN_SIDE_WIDTH, int(width))
        if self._fixed is None:
            self.free_side()

    def fix_side(self, width: int) -> None:
        """The column at exactly ``width`` px, the main pane taking the rest (no drag can change it)."""
        self._fixed = width
        self.side.setMinimumWidth(width)
        self.side.setMaximumWidth(width)
        self.setSizes([width, max(1, self.width() - width)])

    def free_side(self) -> None:
        """The column at its own width again (as much of it as the main pane's minimum leaves room for)."""
        self._fixed = None
        self.side.setMinimumWidth(0)
        self.side.setMaximumWidth(UNBOUNDED)
        if self.side.isHidden() or self.main.isHidden():
            return  # one pane: nothing to share out (free_side again when both show)
        self.setSizes([self._side_width, max(1, self.width() - self._side_width)])

    def _on_moved(self, _pos: int, _index: int) -> None:
        if self._fixed is None and not self.side.isHidden() and not self.main.isHidden():
            self._side_width = max(MIN_SIDE_WIDTH, self.sizes()[0])
