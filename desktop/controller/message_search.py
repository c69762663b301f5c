"""Message search for the views: the cache's results at once, the server's merged in when it answers."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from desktop.controller.state import ChatState
from desktop.domain.records import Message
from desktop.domain.search_hits import SearchHit
from desktop.models.search_snippets import hit_ranges, valid_ranges
from desktop.net.rest_worker import Rest

log = logging.getLogger(__name__)
LOCAL_LIMIT = 100
SERVER_LIMIT = 50
MAX_QUERY = 500  # the server's own limit on q


class MessageSearch(QObject):
    """``search(query, conversation_id=None)`` answers through ``results(query, hits, complete)``: first
    from the cache (complete False while the server is asked), then merged with the server's answer, each
    message once, newest first. A newer search makes an older one's late answer moot.

    Signals: results(str query, list[SearchHit] hits, bool complete)."""

    results = Signal(str, list, bool)

    def __init__(self, state: ChatState, rest: Rest, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.rest = rest
        self._token = 0

    def search(self, query: str, conversation_id: int | None = None) -> None:
        self._token += 1
        token = self._token
        query = query.strip()[:MAX_QUERY]
        if not query:
            self.results.emit(query, [], True)
            return
        cached = self.state.history.search_messages(query, conversation_id, limit=LOCAL_LIMIT)
        local = [SearchHit(m, hit_ranges(m.text or "", query)) for m in cached if not self._hidden(m)]
        self.results.emit(query, local, False)

        def done(page: dict) -> None:
            if token != self._token:
                return
            self.results.emit(query, self._merged(local, page.get("results") or []), True)

        def failed(error: Exception) -> None:
            log.info("server search unavailable, the cache's results stand: %s", error)
            if token == self._token:
                self.results.emit(query, local, True)

        self.rest.call(
            lambda api: api.search_messages(query, conversation_id=conversation_id, limit=SERVER_LIMIT),
            done,
            failed,
        )

    def cancel(self) -> None:
        """The search field was emptied or closed: an answer still on its way is dropped."""
        self._token += 1

    def _hidden(self, message: Message) -> bool:
        """Messages I would not see in the conversation: deleted, or from someone I hide in groups."""
        if message.deleted:
            return True
        conversation = self.state.conversations.get(message.conversation_id)
        if conversation is None:
            return True  # left: nothing of it is shown
        through = conversation.me.hidden_through_seq
        if through is not None and message.confirmed_seq <= through:
            return True  # deleted for me
        hidden = self.state.conversations.hidden_senders
        return conversation.kind == "group" and message.sender_id in hidden

    def _merged(self, local: list[SearchHit], results: list[dict]) -> list[SearchHit]:
        hits = {hit.key: hit for hit in local}
        for result in results:
            try:
                message = Message.from_json(result["message"])
            except (KeyError, TypeError, ValueError):
                continue  # not a message: nothing to show
            if message.seq is None or self._hidden(message):
                continue
            key = (message.conversation_id, message.confirmed_seq)
            if key not in hits:  # the cache's copy of it is as good, and already shown
                hits[key] = SearchHit(message, valid_ranges(message.text or "", result.get("highlights")))
        return sorted(hits.values(), key=lambda hit: (hit.created_at, hit.key), reverse=True)
