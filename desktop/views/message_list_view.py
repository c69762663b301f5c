"""The message list: bubbles via the delegate; stays at the bottom only if it was there; older on top.

Text in a bubble is selectable by dragging (Ctrl+C or "Copy selection" copies it) and its http(s) and mailto
links open in the system's browser or mail app on a click: both hit-tested on the delegate's own layout, so
no row ever becomes a widget."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QFocusEvent,
    QGuiApplication,
    QHelpEvent,
    QKeySequence,
    QMouseEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QMenu,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
    QWidgetAction,
)

from desktop.domain.records import FAILED
from desktop.models import message_text
from desktop.models.messages import MessageListModel
from desktop.models.plain_text import plain_tooltip
from desktop.models.reactions_text import ReactionChip
from desktop.models.roles import MessageRole
from desktop.views.bubble_delegate import BubbleDelegate
from desktop.views.reaction_row import QuickReactionRow
from desktop.views.shortcuts import DELETE_FOR_ME, REPLY
from desktop.views.symbols import IconButton

NEAR_TOP_PX = 300
NEAR_BOTTOM_PX = 300  # a window that does not reach the newest message loads more this close to its end
AT_BOTTOM_PX = 24
FLASH_MS = 1500  # how long a message jumped to stays highlighted
DRAG_START_PX = 4  # a press that moves less than this is a click (a link opens), more starts a selection


def open_link(url: str) -> bool:
    """Opens an http(s) or mailto link with the system's app; any other scheme is never opened."""
    safe = message_text.safe_url(url)
    if safe is None:
        return False
    qurl = QUrl(safe, QUrl.ParsingMode.TolerantMode)
    if not qurl.isValid() or qurl.scheme().lower() not in message_text.LINK_SCHEMES:
        return False
    return QDesktopServices.openUrl(qurl)


class MessageListView(QListView):
    """Signals: edit_requested(int seq, str text), delete_requested(int seq), retry_requested(str client_id),
    discard_requested(str client_id), reveal_requested(int row), at_bottom_changed(bool),
    link_opened(str url) — after a link was handed to the system, attachment_activated(int row, int file
    index, str part) — a click on a file (part as in attachment_painter: "preview", "play", "cancel",
    "card"), or "save"/"open" from the context menu; reply_requested(int seq) — Reply in the menu or
    Ctrl+R on the focused message; quote_activated(int seq) — a click on a reply's quote, or Enter on a
    focused reply: the original's seq (to jump there); reaction_toggled(int seq, str emoji, bool on) — a
    click on a reaction chip or the menu's quick reactions (on: add mine, off: take mine back);
    reaction_picker_requested(int seq) — "More reactions…" in the menu; hide_requested(int seq) — "Delete
    for me…" in the menu or Delete on the focused message; forward_requested(int seq) — "Forward…" in the
    menu; pin_requested(int seq, bool pinned) — "Pin" or "Unpin" in the menu; newest_requested() — the
    "newest" button or Ctrl+End while the window of history does not reach the newest message."""

    edit_requested = Signal(int, str)
    delete_requested = Signal(int)
    hide_requested = Signal(int)
    forward_requested = Signal(int)
    pin_requested = Signal(int, bool)
    retry_requested = Signal(str)
    discard_requested = Signal(str)
    reveal_requested = Signal(int)
    at_bottom_changed = Signal(bool)
    attachment_activated = Signal(int, int, str)
    link_opened = Signal(str)
    newest_requested = Signal()
    reply_requested = Signal(int)
    quote_activated = Signal(int)
    reaction_toggled = Signal(int, str, bool)
    reaction_picker_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.is_pinned: Callable[[int], bool] = lambda _seq: False  # the session's: the chat's pins
        # Rows come and go with the window: heights of released rows need not be kept for long.
        self.bubble_delegate = BubbleDelegate(self, size_cache_limit=5_000)
        self.setItemDelegate(self.bubble_delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformItemSizes(False)
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setMouseTracking(True)
        self.verticalScrollBar().setSingleStep(24)
        self.setAccessibleName("Messages")
        self._stick_to_bottom = True
        # While rows come and go above the reader: the top visible row and its offset, kept in place.
        self._anchor: tuple[QPersistentModelIndex, int] | None = None
        self._adjusting = False
        self._at_bottom = True
        self._anchor_pending = False  # just opened: the first unread message may still be on its way
        # a left press: its row, the text position under it (None off the text), where it was
        self._press: tuple[QPersistentModelIndex, int | None, QPoint] | None = None
        self._selecting = False
        self.menu: QMenu | None = None  # the open message menu, if any
        self.customContextMenuRequested.connect(self._show_context_menu)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)
        # back to the newest messages, however far back: a round button floating over the messages
        self.newest_button = IconButton("down", "Newest messages (Ctrl+End)", "Newest messages", self)
        self.newest_button.setAutoRaise(False)
        self.newest_button.setStyleSheet(  # a disc of the button colour, 36 px (_place_newest_button)
            "QToolButton { border-radius: 18px; background: palette(button);"
            " border: 1px solid palette(mid); }"
            "QToolButton::menu-indicator { image: none; }"
        )
        self.newest_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.newest_button.clicked.connect(self.go_to_newest)
        self.newest_button.hide()
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.setInterval(FLASH_MS)
        self._flash_timer.timeout.connect(self._end_flash)

    def setModel(self, model) -> None:
        super().setModel(model)
        model.rowsAboutToBeInserted.connect(self._before_insert)
        model.rowsAboutToBeRemoved.connect(self._before_remove)
        if isinstance(model, MessageListModel):
            model.first_unread_found.connect(self._on_first_unread_found)
        model.modelReset.connect(self._after_reset)
        if isinstance(model, MessageListModel):
            model.window_moved.connect(self.show_message)
            model.at_newest_changed.connect(lambda _: self._update_newest_button())

    # scrolling rules
    def _before_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        if self.model().rowCount() == 0 or self._stick_to_bottom:
            return
        if first == 0 or self._anchor is None:
            # Older rows above, or newer ones below that release rows above: keep the reader in place.
            # Taken now, while the rows are laid out as the reader sees them.
            self._remember_anchor()

    def _before_remove(self, parent: QModelIndex, first: int, last: int) -> None:
        if not self._stick_to_bottom and self._anchor is None:
            self._remember_anchor()  # rows released above (or below): the reader stays where they are

    def _remember_anchor(self) -> None:
        index = self.indexAt(QPoint(self.viewport().width() // 2, 0))
        if index.isValid():
            self._anchor = (QPersistentModelIndex(index), self.visualRect(index).top())

    def _restore_anchor(self) -> None:
        anchor = self._anchor
        if anchor is None or not anchor[0].isValid():
            return
        rect = self.visualRect(self.model().index(anchor[0].row(), 0))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - anchor[1])

    def updateGeometries(self) -> None:
        """After every layout: rows released at one end while as many arrived at the other leave the range
        as it was (no rangeChanged), so the reader is kept in place here too."""
        super().updateGeometries()
        if getattr(self, "_anchor", None) is not None and not self._stick_to_bottom and not self._adjusting:
            self._adjusting = True
            try:
                self._restore_anchor()
            finally:
                self._adjusting = False

    def _after_reset(self) -> None:
        self._anchor = None
        self.bubble_delegate.clear_caches()
        self._end_flash()
        model = self.model()
        opening = isinstance(model, MessageListModel) and model.opening  # not a jump's new window
        unread = self._first_unread_row() if opening else None
        self._stick_to_bottom = unread is None
        self._anchor_pending = opening and unread is None
        if unread is not None:
            self._at_bottom = False  # until it is placed there: nothing counts as read before it is seen
        QTimer.singleShot(0, self, self._place_on_open)
        self._update_newest_button()

    def _on_first_unread_found(self) -> None:
        """The first page of a conversation never opened before came from the server, unread messages in it:
        open there, as if it had been cached, unless the reader has scrolled meanwhile."""
        if not self._anchor_pending or not self._stick_to_bottom or self._first_unread_row() is None:
            return
        self._anchor_pending = False
        self._stick_to_bottom = False
        self._at_bottom = False
        self.at_bottom_changed.emit(False)  # now, before anything marks them read
        self._update_newest_button()
        QTimer.singleShot(0, self, self._place_on_open)

    def _first_unread_row(self) -> int | None:
        model = self.model()
        return model.first_unread_row() if isinstance(model, MessageListModel) else None

    def _place_on_open(self) -> None:
        """A conversation opens at its first unread message (the divider on top), else at the newest."""
        model = self.model()
        row = self._first_unread_row() if isinstance(model, MessageListModel) and model.opening else None
        if row is None or self._stick_to_bottom:
            self._follow_bottom()  # (after a jump: nothing, the jump placed the view)
            return
        model.opening = False  # type: ignore[attr-defined]  # a MessageListModel (checked above)
        self.executeDelayedItemsLayout()
        self.scrollTo(self.model().index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self._on_scrolled(self.verticalScrollBar().value())
        self.at_bottom_changed.emit(self._at_bottom)  # settled: the reader sees the newest, or not
        self._update_newest_button()

    def show_message(self, seq: int) -> bool:
        """Scrolls to the loaded message ``seq`` (a jump landed), makes it current and highlights it for a
        moment; False when it is not loaded."""
        model = self.model()
        row = model.row_of_seq(seq) if isinstance(model, MessageListModel) else None
        if row is None:
            return False
        self._stick_to_bottom = False
        index = model.index(row, 0)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self._anchor = (QPersistentModelIndex(index), self.visualRect(index).top())
        self.setCurrentIndex(index)
        self.bubble_delegate.flash = QPersistentModelIndex(index)
        self._flash_timer.start()
        self.viewport().update()
        self._update_newest_button()
        return True

    def flashed_row(self) -> int | None:
        """The row highlighted after a jump, while it is."""
        flash = self.bubble_delegate.flash
        return flash.row() if flash is not None and flash.isValid() else None

    def _end_flash(self) -> None:
        if self.bubble_delegate.flash is not None:
            self.bubble_delegate.flash = None
            self.viewport().update()

    def go_to_newest(self) -> None:
        """The newest messages: scrolled to when loaded, else the window is asked to move there."""
        model = self.model()
        if isinstance(model, MessageListModel) and not model.at_newest:
            self.newest_requested.emit()
        else:
            self.scroll_to_end()

    def _update_newest_button(self) -> None:
        model = self.model()
        far = isinstance(model, MessageListModel) and not model.at_newest
        self.newest_button.setVisible(far or not self._at_bottom)
        self._place_newest_button()

    def _place_newest_button(self) -> None:
        button = self.newest_button
        button.adjustSize()
        side = max(button.sizeHint().width(), button.sizeHint().height(), 36)
        button.resize(side, side)
        area = self.viewport().geometry()
        button.move(area.right() - side - 14, area.bottom() - side - 12)
        button.raise_()

    def _follow_bottom(self) -> None:
        if self._stick_to_bottom:
            self.scrollToBottom()

    def _on_range_changed(self, minimum: int, maximum: int) -> None:
        bar = self.verticalScrollBar()
        self._adjusting = True
        try:
            if self._stick_to_bottom:
                bar.setValue(maximum)
            elif self._anchor is not None:
                self._restore_anchor()
        finally:
            self._adjusting = False
        if self.model() is not None and self.model().rowCount() and maximum == 0:
            self._arm_older()  # everything fits: there is room for older messages
            self._arm_newer()

    def _on_scrolled(self, value: int) -> None:
        """Only the reader's own scrolling decides whether to follow new messages; our corrections do not."""
        bar = self.verticalScrollBar()
        model = self.model()
        window_ends_here = not isinstance(model, MessageListModel) or model.at_newest
        at_bottom = bar.maximum() - value <= AT_BOTTOM_PX and window_ends_here
        if not self._adjusting:
            self._stick_to_bottom = at_bottom
            self._anchor = None
        if at_bottom != self._at_bottom:
            self._at_bottom = at_bottom
            self.at_bottom_changed.emit(at_bottom)
            self._update_newest_button()
        if value <= NEAR_TOP_PX and not self._adjusting:
            self._arm_older()
        if bar.maximum() - value <= NEAR_BOTTOM_PX and not self._adjusting:
            self._arm_newer()

    def _arm_newer(self) -> None:
        model = self.model()
        if isinstance(model, MessageListModel) and not model.at_newest:
            model.fetch_newer()

    def _arm_older(self) -> None:
        model = self.model()
        if not isinstance(model, MessageListModel):
            return
        model.set_older_wanted(True)
        if model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
        model.set_older_wanted(False)

    def is_at_bottom(self) -> bool:
        return self._at_bottom

    def scroll_to_end(self) -> None:
        self._stick_to_bottom = True
        self.scrollToBottom()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.bubble_delegate.clear_caches()  # sizes are cached without the font in the key
            self.scheduleDelayedItemsLayout()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        keep_bottom = self._stick_to_bottom
        super().resizeEvent(event)  # may clamp the scroll value, which is no decision of the reader's
        self._stick_to_bottom = keep_bottom
        self._place_newest_button()
        if keep_bottom:
            QTimer.singleShot(0, self, self._follow_bottom)

    # actions on a message
    def _option_for(self, index: QModelIndex) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = self.visualRect(index)
        return option

    def attachment_at(self, pos: QPoint) -> tuple[QModelIndex, int, str] | None:
        """The file under ``pos`` (viewport coordinates): its row's index, its position, the part hit."""
        index = self.indexAt(pos)
        if not index.isValid():
            return None
        found = self.bubble_delegate.attachment_at(self._option_for(index), index, pos.toPointF())
        return (index, *found) if found is not None else None

    def _message_at(self, pos: QPoint) -> tuple[QModelIndex, bool]:
        index = self.indexAt(pos)
        if not index.isValid():
            return index, False
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = self.visualRect(index)
        return index, self.bubble_delegate.bubble_rect(option, index).contains(pos.toPointF())

    def quote_at(self, pos: QPoint) -> int | None:
        """The seq of the original when ``pos`` (viewport coordinates) is on a reply's quote."""
        index = self.indexAt(pos)
        if not index.isValid() or not self.bubble_delegate.quote_at(
            self._option_for(index), index, pos.toPointF()
        ):
            return None
        quote = index.data(MessageRole.QUOTE)
        return quote.seq if quote is not None else None

    def chip_at(self, pos: QPoint) -> ReactionChip | None:
        index = self.indexAt(pos)
        if not index.isValid() or index.data(MessageRole.SEQ) is None:
            return None
        return self.bubble_delegate.chip_at(self._option_for(index), index, pos.toPointF())

    def viewportEvent(self, event: QEvent) -> bool:
        """A reaction chip's tooltip says who reacted (the row's own tooltip says when it was sent)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            chip = self.chip_at(event.pos())
            if chip is not None:
                QToolTip.showText(event.globalPos(), plain_tooltip(chip.who), self.viewport())
                return True
        return super().viewportEvent(event)

    # selecting text and following links
    def link_at(self, pos: QPoint) -> message_text.Link | None:
        index = self.indexAt(pos)
        if not index.isValid():
            return None
        return self.bubble_delegate.link_at(self._option_for(index), index, pos.toPointF())

    def _text_position(self, index: QModelIndex, pos: QPoint, *, clamp: bool = False) -> int | None:
        return self.bubble_delegate.text_position(self._option_for(index), index, pos.toPointF(), clamp=clamp)

    def select_text(self, row: int, start: int, end: int) -> None:
        """Selects ``start``..``end`` (UTF-16 positions in the laid-out text) of one message; empty clears."""
        low, high = min(start, end), max(start, end)
        index = self.model().index(row, 0) if self.model() is not None else QModelIndex()
        self.bubble_delegate.selection = (QPersistentModelIndex(index), low, high) if high > low else None
        self.viewport().update()

    def clear_text_selection(self) -> None:
        if self.bubble_delegate.selection is not None:
            self.bubble_delegate.selection = None
            self.viewport().update()

    def selected_text(self) -> str:
        """The selected part of a message, line breaks as typed; "" when nothing is selected."""
        selection = self.bubble_delegate.selection
        if selection is None or not selection[0].isValid():
            return ""
        index = self.model().index(selection[0].row(), 0)
        shown = self.bubble_delegate.layout_text(self._option_for(index), index)
        return message_text.copied_text(message_text.utf16_slice(shown, selection[1], selection[2]))

    def _open_link(self, url: str) -> None:
        if open_link(url):
            self.link_opened.emit(url)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._selecting = False
        self._press = None
        if event.button() == Qt.MouseButton.LeftButton:
            pos = event.position().toPoint()
            index = self.indexAt(pos)
            if index.isValid():
                self._press = (QPersistentModelIndex(index), self._text_position(index, pos), pos)
            self.clear_text_selection()
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """A double click on text selects the whole message's text (then Ctrl+C copies it)."""
        pos = event.position().toPoint()
        index = self.indexAt(pos)
        if index.isValid() and self._text_position(index, pos) is not None:
            shown = self.bubble_delegate.layout_text(self._option_for(index), index)
            self.select_text(index.row(), 0, len(shown.encode("utf-16-le")) // 2)
            return
        super().mouseDoubleClickEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position().toPoint()
        press = self._press
        dragging = press is not None and bool(event.buttons() & Qt.MouseButton.LeftButton)
        if (
            dragging
            and press is not None
            and press[1] is not None
            and (self._selecting or (pos - press[2]).manhattanLength() >= DRAG_START_PX)
        ):
            self._selecting = True
            index = self.model().index(press[0].row(), 0)
            here = self._text_position(index, pos, clamp=True)
            if here is not None:
                self.select_text(index.row(), press[1], here)
            return  # the list's own drag (moving the current row) would fight the selection
        super().mouseMoveEvent(event)
        if (
            self.attachment_at(pos) is not None
            or self.link_at(pos) is not None
            or self.quote_at(pos) is not None
            or self.chip_at(pos) is not None
        ):
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)  # files open, play or cancel
        elif (index := self.indexAt(pos)).isValid() and self._text_position(index, pos) is not None:
            self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        else:
            self.viewport().unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        selecting, self._selecting, self._press = self._selecting, False, None
        if selecting:
            return  # the end of a selection, not a click
        link = self.link_at(event.position().toPoint())
        if link is not None:
            self._open_link(link.url)
            return
        quoted = self.quote_at(event.position().toPoint())
        if quoted is not None:
            self.quote_activated.emit(quoted)
            return
        chip = self.chip_at(event.position().toPoint())
        if chip is not None:
            index = self.indexAt(event.position().toPoint())
            self.reaction_toggled.emit(index.data(MessageRole.SEQ), chip.emoji, not chip.mine)
            return
        on_file = self.attachment_at(event.position().toPoint())
        if on_file is not None and on_file[0].data(MessageRole.STATE) != FAILED:  # a failed one: retry
            self.attachment_activated.emit(on_file[0].row(), on_file[1], on_file[2])
            return
        index, on_bubble = self._message_at(event.position().toPoint())
        if on_bubble and index.data(MessageRole.STATE) == FAILED:
            if index.data(MessageRole.RETRYABLE):
                self.retry_requested.emit(index.data(MessageRole.CLIENT_ID))
            else:  # a retry would be refused again: what can be done instead (Copy text, Discard)
                self.open_menu(index, event.position().toPoint())
        elif on_bubble and index.data(MessageRole.HIDDEN):
            self.reveal_requested.emit(index.row())

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Tabbing in lands on the newest message, so ↑ and ↓ move from there."""
        had_current = self.currentIndex().isValid()
        super().focusInEvent(event)  # which would pick the first (oldest) row
        model = self.model()
        if model is not None and model.rowCount() and not had_current:
            last = model.index(model.rowCount() - 1, 0)
            self.setCurrentIndex(last)
            self.scrollTo(last)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_End and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
            self.go_to_newest()
            event.accept()
            return
        shift_f10 = event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
        if event.key() == Qt.Key.Key_Menu or shift_f10:
            self.open_menu_for_current()
            event.accept()
            return
        index = self.currentIndex()
        if index.isValid() and QKeySequence(event.keyCombination()) == QKeySequence(REPLY):
            seq = index.data(MessageRole.SEQ)
            if seq is not None and not index.data(MessageRole.DELETED) and not index.data(MessageRole.HIDDEN):
                self.reply_requested.emit(seq)
            event.accept()
            return
        if index.isValid() and QKeySequence(event.keyCombination()) == QKeySequence(DELETE_FOR_ME):
            if index.data(MessageRole.SEQ) is not None:
                self.hide_requested.emit(index.data(MessageRole.SEQ))
            event.accept()
            return
        quote = index.data(MessageRole.QUOTE) if index.isValid() else None
        if quote is not None and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.quote_activated.emit(quote.seq)  # Enter on a reply: to the message it answers
            return
        if event.matches(QKeySequence.StandardKey.Copy) and (self.selected_text() or index.isValid()):
            QGuiApplication.clipboard().setText(self.selected_text() or index.data() or "")
            return
        if (
            index.isValid()
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
            and index.data(MessageRole.HIDDEN)
        ):
            self.reveal_requested.emit(index.row())
            return
        files = index.data(MessageRole.ATTACHMENTS) or [] if index.isValid() else []
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and len(files) == 1 and files[0].uploaded:
            self.attachment_activated.emit(index.row(), 0, "card")  # as a click on it: view, play or open
            return
        super().keyPressEvent(event)

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if index.isValid():
            self.setCurrentIndex(index)
            self.open_menu(index, pos)

    def open_menu_for_current(self) -> QMenu | None:
        """The Menu key or Shift+F10: the focused message's menu (a right-click's) at its bubble."""
        index = self.currentIndex()
        if not index.isValid():
            return None
        self.scrollTo(index)
        bubble = self.bubble_delegate.bubble_rect(self._option_for(index), index).toRect()
        visible = self.viewport().rect()
        at = QPoint(bubble.left() + 12, min(bubble.bottom(), visible.bottom()))  # under it, text uncovered
        return self.open_menu(index, at if visible.contains(at) else visible.center(), from_keyboard=True)

    def open_menu(self, index: QModelIndex, pos: QPoint, *, from_keyboard: bool = False) -> QMenu | None:
        """The message's menu at ``pos`` (viewport coordinates). From the mouse, the link and the file under
        the pointer get their items; from the keyboard, the message's first link and its only file."""
        menu = self.build_context_menu(index)
        first = menu.actions()[0] if menu.actions() else None
        extra = []
        selected = self.selected_text()
        if selected:
            copy_selection = QAction("Copy selection", menu)
            copy_selection.triggered.connect(lambda: QGuiApplication.clipboard().setText(selected))
            extra.append(copy_selection)
        link = self._first_link(index) if from_keyboard else self.link_at(pos)
        if link is not None and not index.data(MessageRole.HIDDEN):
            url = link.url
            open_action = QAction("Open link", menu)
            open_action.triggered.connect(lambda: self._open_link(url))
            copy_link = QAction("Copy link", menu)
            copy_link.triggered.connect(lambda: QGuiApplication.clipboard().setText(url))
            extra += [open_action, copy_link]
        if extra and first is None:
            menu.addActions(extra)
        elif extra and first is not None:
            menu.insertActions(first, extra)
            menu.insertSeparator(first)
        on_file = None if from_keyboard else self.attachment_at(pos)
        files = index.data(MessageRole.ATTACHMENTS) or []
        chosen = on_file[1] if on_file is not None else (0 if len(files) == 1 else None)
        if chosen is not None and files[chosen].uploaded and not index.data(MessageRole.HIDDEN):
            row = index.row()
            first = menu.actions()[0] if menu.actions() else None
            view = QAction("Open", menu)  # what a click does: view, play or open
            view.triggered.connect(lambda: self.attachment_activated.emit(row, chosen, "card"))
            save = QAction("Save as…", menu)
            save.triggered.connect(lambda: self.attachment_activated.emit(row, chosen, "save"))
            open_ = QAction("Open with system app", menu)
            open_.triggered.connect(lambda: self.attachment_activated.emit(row, chosen, "open"))
            if first is None:
                menu.addActions([view, save, open_])
            else:
                menu.insertActions(first, [view, save, open_])
                menu.insertSeparator(first)
        if menu.isEmpty():
            menu.deleteLater()
            return None
        if self.menu is not None:
            self.menu.close()
        self.menu = menu
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.aboutToHide.connect(lambda: setattr(self, "menu", None) if self.menu is menu else None)
        menu.popup(self.viewport().mapToGlobal(pos))
        return menu

    def _add_reactions(self, menu: QMenu, seq: int, mine: list[str]) -> None:
        """The quick-reaction row on top (↓ reaches it, ←/→ and Enter choose), then "More reactions…"."""
        row = QuickReactionRow(mine, menu)
        quick = QWidgetAction(menu)
        quick.setText("Quick reactions")
        quick.setDefaultWidget(row)

        def picked(emoji: str) -> None:
            menu.close()
            self.reaction_toggled.emit(seq, emoji, emoji not in mine)

        row.picked.connect(picked)
        menu.addAction(quick)
        menu.addAction("More reactions…").triggered.connect(lambda: self.reaction_picker_requested.emit(seq))
        menu.addSeparator()

    def _first_link(self, index: QModelIndex) -> message_text.Link | None:
        links = message_text.find_links(message_text.display_text(index.data() or ""))
        return links[0] if links else None

    def build_context_menu(self, index: QModelIndex) -> QMenu:
        menu = QMenu(self)
        deleted = bool(index.data(MessageRole.DELETED))
        mine = bool(index.data(MessageRole.IS_MINE))
        state = index.data(MessageRole.STATE)
        seq = index.data(MessageRole.SEQ)
        client_id = index.data(MessageRole.CLIENT_ID)
        row = index.row()
        text = index.data() or ""
        if index.data(MessageRole.HIDDEN):
            menu.addAction("Show message").triggered.connect(lambda: self.reveal_requested.emit(row))
            return menu
        if not deleted and seq is not None:
            message = index.data(MessageRole.MESSAGE)
            self._add_reactions(menu, seq, list(message.my_reactions or []))
            reply = menu.addAction("Reply")
            reply.setShortcut(QKeySequence(REPLY))  # shown beside it; the list's own Ctrl+R replies
            reply.triggered.connect(lambda: self.reply_requested.emit(seq))
        if not deleted and seq is not None:
            menu.addAction("Forward…").triggered.connect(lambda: self.forward_requested.emit(seq))
            pinned = self.is_pinned(seq)
            menu.addAction("Unpin" if pinned else "Pin").triggered.connect(
                lambda: self.pin_requested.emit(seq, not pinned)
            )
        if not deleted and text.strip():  # a message of files alone has no text to copy
            copy = menu.addAction("Copy text")
            copy.setShortcut(QKeySequence.StandardKey.Copy)  # shown beside it; the list's own Ctrl+C copies
            copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(text))
        if state == FAILED:
            if index.data(MessageRole.RETRYABLE):  # not for a refusal that a retry would only repeat
                retry = menu.addAction("Retry sending")
                retry.triggered.connect(lambda: self.retry_requested.emit(client_id))
            files = index.data(MessageRole.ATTACHMENTS)
            discard = menu.addAction("Discard" if files else "Discard (the text goes back to the composer)")
            discard.triggered.connect(lambda: self.discard_requested.emit(client_id))
        elif mine and not deleted and seq is not None:
            menu.addAction("Edit").triggered.connect(lambda: self.edit_requested.emit(seq, text))
        if seq is not None:  # a tombstone too: it can be cleared away for me
            hide = menu.addAction("Delete for me…")
            hide.setShortcut(QKeySequence(DELETE_FOR_ME))  # shown beside it; the list's own key
            hide.triggered.connect(lambda: self.hide_requested.emit(seq))
        if mine and not deleted and seq is not None and state != FAILED:
            menu.addAction("Delete for everyone…").triggered.connect(lambda: self.delete_requested.emit(seq))
        return menu
