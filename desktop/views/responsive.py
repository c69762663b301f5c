"""The main window's panes by width, as Telegram and Signal do it: both panes when wide, an avatar-only list
at medium widths, one pane at a time (the list, or the chat with a back button) below ~640 px."""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QWidget

from desktop.views.conversation_delegate import COMPACT_WIDTH, ConversationDelegate
from desktop.views.side_splitter import SideSplitter

SINGLE_BELOW = 640  # narrower than this: one pane at a time
COMPACT_BELOW = 860  # narrower than this (and not single): the list shows avatars only
COMPACT_LIST_WIDTH = COMPACT_WIDTH + 4
WIDE_LIST_WIDTH = 300  # the list's width until the user drags the divider


class PaneMode(Enum):
    WIDE = "wide"
    COMPACT = "compact"
    SINGLE = "single"


def mode_for_width(width: int, *, has_conversations: bool = True) -> PaneMode:
    """The avatar-only list needs conversations to show: an empty list keeps its welcome readable."""
    if width < SINGLE_BELOW:
        return PaneMode.SINGLE
    if width < COMPACT_BELOW and has_conversations:
        return PaneMode.COMPACT
    return PaneMode.WIDE


class PaneSwitcher:
    """Shows and sizes the list pane and the chat pane for the window's width, and which one is up front in
    the single-pane mode. ``full_only`` are the list pane's widgets that make no sense avatar-only (the
    filter box, the "New chat" button); ``back_button`` shows only when one pane is up. The splitter keeps the
    list's own width for when both panes show again."""

    def __init__(
        self,
        splitter: SideSplitter,
        list_pane: QWidget,
        chat_pane: QWidget,
        delegate: ConversationDelegate,
        full_only: list[QWidget],
        back_button: QWidget,
    ) -> None:
        self.splitter = splitter
        self.list_pane = list_pane
        self.chat_pane = chat_pane
        self.delegate = delegate
        self.full_only = full_only
        self.back_button = back_button
        self.mode = PaneMode.WIDE
        self.chat_in_front = False  # single mode: the chat (True) or the list (False) fills the window

    def apply(self, width: int, *, has_conversations: bool) -> None:
        mode = mode_for_width(width, has_conversations=has_conversations)
        self.mode = mode
        self.delegate.compact = mode is PaneMode.COMPACT
        for widget in self.full_only:
            widget.setVisible(mode is not PaneMode.COMPACT)
        self._show_panes()
        if mode is PaneMode.COMPACT:  # the list's slot shrinks with it, the chat takes the rest
            self.splitter.fix_side(COMPACT_LIST_WIDTH)
        else:
            self.splitter.free_side()  # wide: the list at its own width again, however narrow it was
        self.list_pane.update()

    def show_chat(self) -> None:
        self.chat_in_front = True
        self._show_panes()

    def show_list(self) -> None:
        self.chat_in_front = False
        self._show_panes()

    def _show_panes(self) -> None:
        single = self.mode is PaneMode.SINGLE
        self.list_pane.setVisible(not single or not self.chat_in_front)
        self.chat_pane.setVisible(not single or self.chat_in_front)
        self.back_button.setVisible(single)
