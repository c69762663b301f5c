"""What the chat controllers share: who I am, the cache, the models, and which conversation is in front."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.cache import HistoryCache, Outbox
from desktop.domain.coverage import SeqRange
from desktop.domain.my_reaction import with_my_reaction
from desktop.domain.records import Conversation, Message
from desktop.models.conversations import ConversationListModel
from desktop.models.messages import MessageListModel


@dataclass
class ChatState:
    my_id: int
    history: HistoryCache
    outbox: Outbox
    conversations: ConversationListModel
    messages: MessageListModel
    open_conversation_id: int | None = None
    viewing: bool = False  # the window is active and the open conversation is scrolled to its end
    # My reaction changes the server has not answered yet, by (conversation id, seq), in the order made:
    # shown over any state of the message that arrives meanwhile (controller/reactions.py).
    pending_reactions: dict[tuple[int, int], list[tuple[str, bool]]] = field(default_factory=dict)

    def is_in_front(self, conversation_id: int) -> bool:
        return self.viewing and self.open_conversation_id == conversation_id

    def names_for(self, conversation: Conversation | None) -> dict[int, str]:
        return {m.user_id: m.display_name for m in conversation.members} if conversation else {}

    def store_and_show(
        self, messages: list[Message], *, counts_as_unread: bool = False, live: bool = False
    ) -> None:
        """Confirmed messages from anywhere: cache, the open view, the list's preview. ``live``: as they
        happen (they extend the covered seqs only where they join them); else states of messages, which
        cover nothing by themselves."""
        if not messages:
            return
        # As held: a stale state never replaces a newer one.
        stored = self.history.store_live(messages) if live else self.history.store_messages(messages)
        self._show(stored, counts_as_unread)

    def store_page_and_show(
        self, conversation_id: int, messages: list[Message], covered: SeqRange | None
    ) -> None:
        """A page of history from the server and the seqs it covers (desktop/domain/coverage.py)."""
        self._show(self.history.store_page(conversation_id, messages, covered))

    def _show(self, messages: list[Message], counts_as_unread: bool = False) -> None:
        self.messages.merge(self.with_pending_reactions(m) for m in messages)
        for message in messages:
            conversation = self.conversations.apply_message(message, counts_as_unread=counts_as_unread)
            if conversation is not None:
                self.history.save_conversations([conversation])

    def with_pending_reactions(self, message: Message) -> Message:
        """``message`` as the open view shows it: with my reaction changes still waiting for their answer.
        A state the server sent before it applied them lacks them; one sent after it has them already,
        which changes nothing here."""
        pending = self.pending_reactions.get((message.conversation_id, message.confirmed_seq))
        if not pending or message.deleted:
            return message
        for emoji, on in pending:
            message = with_my_reaction(message, emoji, on, self.my_id) or message
        return message
