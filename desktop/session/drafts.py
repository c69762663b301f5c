"""Each conversation keeps its own draft: the composer's text and staged files are put aside when another
conversation opens, brought back when it opens again, saved in the cache (so they outlive a restart), and
shown as "Draft: …" in the conversation list while the conversation is not the open one. A draft's reply bar
follows its original: its new words once it is edited, "Deleted message" once it is deleted or deleted for
me (session/reply_target.py)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from desktop.cache import DraftStore
from desktop.controller.chat import ChatController
from desktop.domain.drafts import Draft
from desktop.domain.records import Message
from desktop.session.reply_target import as_it_is_now, edited, gone
from desktop.views.composer import Composer

SAVE_DELAY_MS = 500  # typing saves at most twice a second; switching, closing and quitting save at once


class DraftKeeper(QObject):
    def __init__(self, chat: ChatController, composer: Composer, store: DraftStore) -> None:
        super().__init__(composer)
        self.chat = chat
        self.composer = composer
        self.store = store
        self.current: int | None = None  # whose draft the composer holds
        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(SAVE_DELAY_MS)
        self.save_timer.timeout.connect(self.save)
        composer.draft_changed.connect(self._on_changed)
        chat.conversation_opened.connect(self._on_opened)
        chat.conversation_closed.connect(self._on_closed)
        chat.messages_gone.connect(self._on_gone)
        chat.messages_edited.connect(self._on_edited)
        for conversation_id, draft in store.all().items():
            chat.conversations.set_draft(conversation_id, draft.preview())

    def files_in_use(self) -> set[str]:
        """Staged files of every draft (a pasted picture's copy must not be cleared away)."""
        drafts = [*self.store.all().values(), self.composer.draft()]
        return {str(path) for draft in drafts for path in draft.files}

    def _on_changed(self) -> None:
        if self.current is not None:
            self.save_timer.start()

    def save(self) -> None:
        """The composer's draft goes to the cache under the conversation it belongs to."""
        self.save_timer.stop()
        if self.current is not None:
            self.store.put(self.current, self.composer.draft())

    def _put_aside(self) -> None:
        leaving = self.current
        if leaving is None:
            return
        self.save()
        if self.chat.conversations.get(leaving) is None:  # left or deleted: its draft goes with it
            self.store.put(leaving, Draft())
        self.chat.conversations.set_draft(leaving, self.store.get(leaving).preview())
        self.current = None

    def put_back(self, conversation_id: int, text: str) -> None:
        """A discarded message's text joins that conversation's draft (the composer's, when it is open)."""
        if conversation_id == self.current:
            self.composer.put_back_text(text)  # draft_changed saves it
            return
        draft = self.store.get(conversation_id)
        draft.text = f"{draft.text}\n{text}" if draft.text.strip() else text
        self.store.put(conversation_id, draft)
        self.chat.conversations.set_draft(conversation_id, draft.preview())

    def _on_opened(self, conversation_id: int) -> None:
        if conversation_id == self.current:
            return
        self._put_aside()
        self.current = conversation_id
        draft = self.store.get(conversation_id)
        if draft.reply_to is not None:  # its original may have gone while the draft waited (or the app slept)
            history = self.chat.state.history
            draft.reply_to = as_it_is_now(history, conversation_id, draft.reply_to)
        self.composer.set_draft(draft)
        self.chat.conversations.set_draft(conversation_id, "")  # the open one shows its draft in the composer

    def _on_closed(self) -> None:
        self._put_aside()
        self.composer.set_draft(Draft())

    def _on_gone(self, conversation_id: int, seqs: list[int], for_me: bool) -> None:
        """The open draft's original was deleted (or deleted for me) while it is shown: the bar says so."""
        reply_to = self.composer.draft().reply_to
        if conversation_id != self.current or reply_to is None or reply_to.seq not in seqs or reply_to.gone:
            return
        self.composer.follow_reply(gone(reply_to, for_me=for_me))
        self.save_timer.start()

    def _on_edited(self, conversation_id: int, messages: list[Message]) -> None:
        """The open draft's original was edited while it is shown: the bar shows its new words."""
        reply_to = self.composer.draft().reply_to
        if conversation_id != self.current or reply_to is None or reply_to.gone:
            return
        original = next((m for m in messages if m.confirmed_seq == reply_to.seq), None)
        if original is None:
            return
        now = edited(reply_to, original)
        if now != reply_to:
            self.composer.follow_reply(now)
            self.save_timer.start()
