"""Find in the open conversation (Ctrl+F): its hits newest first, the one gone to, and the words to mark."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.controller.chat import ChatController
from desktop.controller.message_search import MAX_QUERY, MessageSearch
from desktop.domain.search_hits import SearchHit
from desktop.models import message_text
from desktop.models.search_snippets import hit_ranges, to_utf16


class ConversationFind(QObject):
    """``find(query)`` searches the open conversation (the cache at once, the server merged in); the newest
    hit is gone to as soon as there is one; ``step(+1)`` goes to the next older hit, ``step(-1)`` to the next
    newer, each through ChatController.jump_to_message. Signals: position_changed(int current — 1 for the
    newest hit, 0 for none —, int total, bool searching), marks_changed() — the words to mark changed."""

    position_changed = Signal(int, int, bool)
    marks_changed = Signal()

    def __init__(self, chat: ChatController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chat = chat
        self.search = MessageSearch(chat.state, chat.rest, self)
        self.search.results.connect(self._on_results)
        self.query = ""
        self.hits: list[SearchHit] = []
        self.current: int | None = None  # index into hits
        self._complete = True
        chat.conversation_opened.connect(lambda _: self.close())

    def find(self, query: str) -> None:
        query = query.strip()[:MAX_QUERY]
        self.query = query
        self.hits, self.current, self._complete = [], None, not query
        self.marks_changed.emit()
        conversation_id = self.chat.open_conversation_id
        if not query or conversation_id is None:
            self.search.cancel()
            self.position_changed.emit(0, 0, False)
            return
        self.search.search(query, conversation_id)

    def close(self) -> None:
        if self.query or self.hits:
            self.find("")

    def _on_results(self, query: str, hits: list, complete: bool) -> None:
        if query != self.query:
            return
        kept = self.hits[self.current].key if self.current is not None else None
        self.hits = [h for h in hits if h.message.conversation_id == self.chat.open_conversation_id]
        self._complete = complete
        keys = [h.key for h in self.hits]
        if kept is not None and kept in keys:
            self.current = keys.index(kept)
        elif self.hits and self.current is None:
            self.current = 0
            self._go()
        self._report()

    def step(self, direction: int) -> None:
        if not self.hits:
            return
        current = -1 if self.current is None else self.current
        self.current = min(max(current + direction, 0), len(self.hits) - 1)
        self._go()
        self._report()

    def _go(self) -> None:
        if self.current is not None:
            conversation_id, seq = self.hits[self.current].key
            self.chat.jump_to_message(conversation_id, seq)

    def _report(self) -> None:
        position = 0 if self.current is None else self.current + 1
        self.position_changed.emit(position, len(self.hits), not self._complete)

    def is_current(self, conversation_id: int | None, seq: int | None) -> bool:
        """Whether this message is the hit gone to (its marks are drawn apart from the other hits')."""
        return self.current is not None and self.hits[self.current].key == (conversation_id, seq)

    def marks_in(self, text: str) -> list[tuple[int, int]]:
        """Where the query matches a bubble's text, as UTF-16 ranges of the text as laid out."""
        if not self.query or not text:
            return []
        shown = message_text.display_text(text)
        return to_utf16(shown, hit_ranges(shown, self.query))
