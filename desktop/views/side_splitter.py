"""The side column and the main pane of a window, side by side with a divider that moves with the mouse or
the keyboard: the main window's conversation list beside the chat, the Settings window's page list beside the
page. The column keeps the width the user gave it through a spell as an avatar-only (or icon-only) strip, a
spell as one pane, a window squeezed narrow, and (through ``side_width``) a restart, as Telegram's and
Signal's lists do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget

from desktop.views.shortcuts import SIDE_DEFAULT, SIDE_NARROWER, SIDE_WIDER, add_shortcut

UNBOUNDED = 16777215  # QWIDGETSIZE_MAX
MIN_SIDE_WIDTH = 160  # a dragged or stored width below this is not a list any more
SIDE_STEP = 40  # one Ctrl+[ or Ctrl+]: about a word of a name more or less; min to max in a dozen presses


class SideSplitter(QSplitter):
    """``side`` on the left, ``main`` taking what the window gains. ``fix_side(w)`` pins the column at w px
    (the avatar-only list, the icon-only page list); ``free_side()`` gives it back its own width. A drag,
    Ctrl+] / Ctrl+[ (``step_side``) and Ctrl+\\ (``reset_side``, back to ``default_width``) set
    ``side_width``, between MIN_SIDE_WIDTH and what the main pane's minimum leaves. Signals: QSplitter's."""

    def __init__(self, side: QWidget, main: QWidget, side_width: int, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.side = side
        self.main = main
        self.addWidget(side)
        self.addWidget(main)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setChildrenCollapsible(False)
        self.default_width = side_width
        self._side_width = side_width
        self._fixed: int | None = None
        self.setSizes([side_width, max(1, self.width() - side_width)])
        self.splitterMoved.connect(self._on_moved)
        # the splitter's window's keys: only the splitter shown (the account in front, the Settings window
        # that is active) answers them
        add_shortcut(SIDE_WIDER, self, lambda: self.step_side(1))
        add_shortcut(SIDE_NARROWER, self, lambda: self.step_side(-1))
        add_shortcut(SIDE_DEFAULT, self, self.reset_side)

    @property
    def side_width(self) -> int:
        """The column's own width: the default, the last drag or key, or what was stored from the last run."""
        return self._side_width

    @side_width.setter
    def side_width(self, width: int) -> None:
        self._side_width = max(MIN_SIDE_WIDTH, int(width))
        if self._fixed is None:
            self.free_side()

    @property
    def resizable(self) -> bool:
        """Both panes show and the column is its own width: what a drag or a key can change."""
        return self._fixed is None and not self.side.isHidden() and not self.main.isHidden()

    def step_side(self, steps: int) -> None:
        """Wider (steps > 0) or narrower by SIDE_STEP a step, as far as the bounds allow. An avatar-only
        column or a single pane has no divider to move: nothing changes, as no drag could."""
        if self.resizable:
            self._put_side(self.sizes()[0] + steps * SIDE_STEP)

    def reset_side(self) -> None:
        """Back to the default width (kept for later while the column is pinned or alone)."""
        if self.resizable:
            self._put_side(self.default_width)
        else:
            self._side_width = self.default_width

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

    def _put_side(self, width: int) -> None:
        """As a drag to ``width`` would leave it: the splitter keeps the main pane at its minimum, and the
        column's width is what it then shows (a key pressed at the bound changes nothing)."""
        width = max(MIN_SIDE_WIDTH, width)
        self.setSizes([width, max(1, self.width() - self.handleWidth() - width)])
        self._side_width = max(MIN_SIDE_WIDTH, self.sizes()[0])

    def _on_moved(self, _pos: int, _index: int) -> None:
        if self.resizable:
            self._side_width = max(MIN_SIDE_WIDTH, self.sizes()[0])
