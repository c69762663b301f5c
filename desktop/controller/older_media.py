"""Older history for the media viewer: pages before a seq from the cache, else from the server (kept in the
cache), apart from the chat's own window so that stepping back in the viewer never moves the chat."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.cache import HistoryCache
from desktop.domain import coverage
from desktop.domain.records import Message, messages_from_page
from desktop.net.rest_worker import ScopedRest

PAGE = 200  # the most GET …/messages gives at once: a long run of text costs the fewest requests


class OlderMedia(QObject):
    """Signals: page_loaded(int conversation_id, int before_seq, list messages ascending, int next_before,
    bool at_start) — ``next_before`` is where the next page ends; unavailable(int conversation_id, int
    before_seq) — the cache ends there and the server could not be asked (offline). The server is asked on
    the REST worker: nothing here waits on the network."""

    page_loaded = Signal(int, int, list, int, bool)
    unavailable = Signal(int, int)

    def __init__(self, history: HistoryCache, rest: ScopedRest, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self.rest = rest

    def load_before(self, conversation_id: int, before_seq: int) -> None:
        if before_seq <= 1:
            self.page_loaded.emit(conversation_id, before_seq, [], 1, True)
            return
        run = self.history.run_before(conversation_id, before_seq, PAGE)
        if run.messages or run.edge == 1:  # the cache holds this stretch (edge 1: nothing older for me)
            self.page_loaded.emit(conversation_id, before_seq, run.messages, run.edge, run.edge <= 1)
            return

        def done(page: dict) -> None:
            messages: list[Message] = messages_from_page(page)
            has_more = bool(page.get("has_more"))
            covered = coverage.before_page(before_seq, [m.confirmed_seq for m in messages], has_more)
            kept = self.history.store_page(conversation_id, messages, covered)
            next_before = covered[0] if covered is not None else 1  # none, yet more: nothing to page by
            at_start = not has_more or next_before <= 1
            self.page_loaded.emit(conversation_id, before_seq, kept, next_before, at_start)

        self.rest.call(
            lambda api: api.messages(conversation_id, before_seq=before_seq, limit=PAGE),
            done,
            lambda _error: self.unavailable.emit(conversation_id, before_seq),
        )
