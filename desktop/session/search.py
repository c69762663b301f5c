"""The session's wiring of search: the list's search field (and Ctrl+Shift+F) to global message search,
Ctrl+F to the open conversation's find bar, and both to the one jump."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QTimer

from desktop.controller.chat import ChatController
from desktop.controller.conversation_find import ConversationFind
from desktop.controller.message_search import MessageSearch
from desktop.models.roles import MessageRole
from desktop.models.search_results import SearchResultsModel, SearchRole
from desktop.views.main_window import MainWindow

TYPING_PAUSE_MS = 250  # one search per pause in typing, not one per key


class SearchWiring(QObject):
    def __init__(self, chat: ChatController, window: MainWindow) -> None:
        super().__init__(window)
        self.chat = chat
        self.window = window
        self.global_search = MessageSearch(chat.state, chat.rest, self)
        self.results = SearchResultsModel(chat.my_id, chat.conversations.get, self)
        self.panel = window.set_search_results(self.results)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._search_now)
        window.filter_edit.textChanged.connect(self._on_filter_text)
        self.panel.results_view.hit_activated.connect(self.jump)
        window.filter_submitted.connect(self._on_filter_submitted)
        self.global_search.results.connect(self._on_results)

        self.find = ConversationFind(chat, self)
        bar = window.chat_panel.find_bar
        bar.query_changed.connect(self.find.find)
        bar.step_requested.connect(self.find.step)
        bar.closed.connect(self.find.close)
        self.find.position_changed.connect(bar.set_position)
        self.find.marks_changed.connect(window.chat_panel.messages.viewport().update)
        self.find.position_changed.connect(self._repaint_marks)
        chat.conversation_opened.connect(lambda _: bar.close_bar() if bar.isVisible() else None)
        window.chat_panel.messages.bubble_delegate.highlight_ranges = self._marks
        window.chat_panel.messages.bubble_delegate.current_hit = self._is_current_hit

    # global search
    def _on_filter_text(self, text: str) -> None:
        if text.strip():
            self._pause.start()
        else:
            self._pause.stop()
            self.global_search.cancel()
            self.results.clear()
            self.window.show_search_results(False)

    def _search_now(self) -> None:
        query = self.window.filter_edit.text()
        if query.strip():
            self.global_search.search(query)

    def _on_filter_submitted(self) -> None:
        """Enter in the search field: the search runs now, and the first hit is gone to once it is there."""
        if self._pause.isActive():
            self._pause.stop()
            self._search_now()
        if not self.panel.select_first():
            return
        index = self.panel.results_view.currentIndex()
        self.jump(int(index.data(SearchRole.CONVERSATION_ID)), int(index.data(SearchRole.SEQ)))

    def _on_results(self, query: str, hits: list, complete: bool) -> None:
        if query != self.window.filter_edit.text().strip()[:500]:
            return  # typed on since
        self.results.set_results(query, hits)
        self.panel.show_state(query, complete)
        self.window.show_search_results(True)

    def jump(self, conversation_id: int, seq: int) -> None:
        self.chat.jump_to_message(conversation_id, seq)

    # find in the conversation
    def _marks(self, index: QModelIndex | QPersistentModelIndex) -> list[tuple[int, int]]:
        if not self.find.query or index.data(MessageRole.DELETED) or index.data(MessageRole.HIDDEN):
            return []
        return self.find.marks_in(str(index.data() or ""))

    def _repaint_marks(self, *_: object) -> None:
        """The current hit moved: its marks change colour (a method, so no lambda holds the window)."""
        self.window.chat_panel.messages.viewport().update()

    def _is_current_hit(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        return self.find.is_current(self.chat.open_conversation_id, index.data(MessageRole.SEQ))
