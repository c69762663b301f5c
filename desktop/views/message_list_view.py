"""The message list: bubbles via the delegate; stays at the bottom only if it was there; older on top."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QStyleOptionViewItem, QWidget

from desktop.domain.records import FAILED
from desktop.models.messages import MessageListModel
from desktop.models.roles import MessageRole
from desktop.views.bubble_delegate import BubbleDelegate

NEAR_TOP_PX = 300
AT_BOTTOM_PX = 24


class MessageListView(QListView):
    """Signals: edit_requested(int seq, str text), delete_requested(int seq), retry_requested(str client_id),
    discard_requested(str client_id), reveal_requested(int row), at_bottom_changed(bool),
    attachment_activated(int row, int file index, str part) — a click on a file (part as in
    attachment_painter: "preview", "play", "cancel", "card"), or "save"/"open" from the context menu."""

    edit_requested = Signal(int, str)
    delete_requested = Signal(int)
    retry_requested = Signal(str)
    discard_requested = Signal(str)
    reveal_requested = Signal(int)
    at_bottom_changed = Signal(bool)
    attachment_activated = Signal(int, int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bubble_delegate = BubbleDelegate(self)
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
        self._anchor_from_bottom: int | None = None
        self._adjusting = False
        self._at_bottom = True
        self.customContextMenuRequested.connect(self._show_context_menu)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)

    def setModel(self, model) -> None:
        super().setModel(model)
        model.rowsAboutToBeInserted.connect(self._before_insert)
        model.modelReset.connect(self._after_reset)

    # scrolling rules
    def _before_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        if first == 0 and self.model().rowCount() > 0 and not self._stick_to_bottom:
            bar = self.verticalScrollBar()
            self._anchor_from_bottom = (
                bar.maximum() - bar.value()
            )  # older rows above: keep the reader in place

    def _after_reset(self) -> None:
        self._stick_to_bottom = True
        self._anchor_from_bottom = None
        self.bubble_delegate.clear_caches()
        QTimer.singleShot(0, self, self._follow_bottom)

    def _follow_bottom(self) -> None:
        if self._stick_to_bottom:
            self.scrollToBottom()

    def _on_range_changed(self, minimum: int, maximum: int) -> None:
        bar = self.verticalScrollBar()
        self._adjusting = True
        try:
            if self._stick_to_bottom:
                bar.setValue(maximum)
            elif self._anchor_from_bottom is not None:
                bar.setValue(maximum - self._anchor_from_bottom)
        finally:
            self._adjusting = False
        if self.model() is not None and self.model().rowCount() and maximum == 0:
            self._arm_older()  # everything fits: there is room for older messages

    def _on_scrolled(self, value: int) -> None:
        """Only the reader's own scrolling decides whether to follow new messages; our corrections do not."""
        bar = self.verticalScrollBar()
        at_bottom = bar.maximum() - value <= AT_BOTTOM_PX
        if not self._adjusting:
            self._stick_to_bottom = at_bottom
            self._anchor_from_bottom = None
        if at_bottom != self._at_bottom:
            self._at_bottom = at_bottom
            self.at_bottom_changed.emit(at_bottom)
        if value <= NEAR_TOP_PX and not self._adjusting:
            self._arm_older()

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

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if self.attachment_at(event.position().toPoint()) is not None:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)  # files open, play or cancel
        else:
            self.viewport().unsetCursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        on_file = self.attachment_at(event.position().toPoint())
        if on_file is not None and on_file[0].data(MessageRole.STATE) != FAILED:  # a failed one: retry
            self.attachment_activated.emit(on_file[0].row(), on_file[1], on_file[2])
            return
        index, on_bubble = self._message_at(event.position().toPoint())
        if on_bubble and index.data(MessageRole.STATE) == FAILED:
            self.retry_requested.emit(index.data(MessageRole.CLIENT_ID))
        elif on_bubble and index.data(MessageRole.HIDDEN):
            self.reveal_requested.emit(index.row())

    def keyPressEvent(self, event) -> None:
        index = self.currentIndex()
        if index.isValid() and event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(index.data() or "")
            return
        if (
            index.isValid()
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
            and index.data(MessageRole.HIDDEN)
        ):
            self.reveal_requested.emit(index.row())
            return
        super().keyPressEvent(event)

    def _show_context_menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        menu = self.build_context_menu(index)
        on_file = self.attachment_at(pos)
        files = index.data(MessageRole.ATTACHMENTS) or []
        chosen = on_file[1] if on_file is not None else (0 if len(files) == 1 else None)
        if chosen is not None and files[chosen].uploaded:
            first = menu.actions()[0] if menu.actions() else None
            save = QAction("Save as…", menu)
            save.triggered.connect(lambda: self.attachment_activated.emit(index.row(), chosen, "save"))
            open_ = QAction("Open with system app", menu)
            open_.triggered.connect(lambda: self.attachment_activated.emit(index.row(), chosen, "open"))
            if first is None:
                menu.addActions([save, open_])
            else:
                menu.insertActions(first, [save, open_])
                menu.insertSeparator(first)
        if not menu.isEmpty():
            menu.exec(self.viewport().mapToGlobal(pos))

    def build_context_menu(self, index: QModelIndex) -> QMenu:
        menu = QMenu(self)
        deleted = bool(index.data(MessageRole.DELETED))
        mine = bool(index.data(MessageRole.IS_MINE))
        state = index.data(MessageRole.STATE)
        seq = index.data(MessageRole.SEQ)
        client_id = index.data(MessageRole.CLIENT_ID)
        if index.data(MessageRole.HIDDEN):
            menu.addAction("Show message").triggered.connect(lambda: self.reveal_requested.emit(index.row()))
            return menu
        if not deleted:
            copy = menu.addAction("Copy text")
            copy.triggered.connect(lambda: QGuiApplication.clipboard().setText(index.data() or ""))
        if state == FAILED:
            menu.addAction("Retry sending").triggered.connect(lambda: self.retry_requested.emit(client_id))
            menu.addAction("Discard").triggered.connect(lambda: self.discard_requested.emit(client_id))
        elif mine and not deleted and seq is not None:
            text = index.data()
            menu.addAction("Edit…").triggered.connect(lambda: self.edit_requested.emit(seq, text))
            menu.addAction("Delete").triggered.connect(lambda: self.delete_requested.emit(seq))
        return menu
