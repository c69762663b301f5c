"""Reacting to a message of the open conversation: the row changes at once, the server's answer decides."""

from __future__ import annotations

from collections.abc import Callable

from desktop.controller.state import ChatState
from desktop.domain.my_reaction import with_my_reaction
from desktop.domain.records import Message
from desktop.net.rest_worker import Rest


class MessageReactions:
    """The shown row takes my change before the server answers; the cache only ever holds what the server
    said (its answer, or the message.updated that others get), so a refusal or a failed call puts the cached
    message back, and the live event after the answer counts nothing twice (its counts are absolute). A
    state of the message that arrives before the answer (someone else's reaction) is shown with my change
    still on it (ChatState.pending_reactions)."""

    def __init__(self, state: ChatState, rest: Rest, report: Callable[[Exception], None]) -> None:
        self.state = state
        self.rest = rest
        self._report = report

    def react(self, conversation_id: int, seq: int, emoji: str, on: bool) -> None:
        """Adds (``on``) or takes back my reaction; the answer holds the message and my reactions as the
        server now has them (others see it live as message.updated)."""
        model = self.state.messages
        row = model.row_of_seq(seq)
        shown = model.message_at(row) if row is not None else None
        if shown is not None and shown.conversation_id == conversation_id and not shown.deleted:
            optimistic = with_my_reaction(shown, emoji, on, self.state.my_id)
            if optimistic is not None:
                model.merge([optimistic])  # the row only: never the cache
        # Until the answer, any other state of the message that arrives is shown with this change too.
        change = (emoji, on)
        key = (conversation_id, seq)
        self.state.pending_reactions.setdefault(key, []).append(change)

        def answered() -> None:
            waiting = self.state.pending_reactions.get(key, [])
            if change in waiting:
                waiting.remove(change)
            if not waiting:
                self.state.pending_reactions.pop(key, None)

        def done(answer: dict) -> None:
            answered()
            message = Message.from_json(answer["message"])
            mine = answer.get("my_reactions")
            message.my_reactions = [e for e in mine if isinstance(e, str)] if isinstance(mine, list) else None
            self.state.store_and_show([message])

        def failed(error: Exception) -> None:
            answered()
            held = self.state.history.message(conversation_id, seq)
            if held is not None:
                # As the server last said (with any other change of mine still waiting).
                self.state.messages.merge([self.state.with_pending_reactions(held)])
            self._report(error)

        self.rest.call(lambda api: api.set_reaction(conversation_id, seq, emoji, on), done, failed)
