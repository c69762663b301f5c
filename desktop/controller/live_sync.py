"""Applies live events and catches up after every (re)connect, merging both by (conversation_id, seq)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from desktop.controller.state import ChatState
from desktop.domain import coverage
from desktop.domain.coverage import SeqRange
from desktop.domain.records import Conversation, MemberState, Message, messages_from_page
from desktop.models.file_labels import one_line
from desktop.net.rest_worker import Rest

log = logging.getLogger(__name__)
CATCH_UP_PAGE = 200


class LiveSync(QObject):
    """Signals: caught_up(), notify(int conversation_id, str title, str text), conversation_changed(int),
    conversation_left(int), conversation_hidden(int) — the open one was deleted for me, user_updated(dict
    user) — someone's name or picture changed, messages_gone(int conversation_id, list seqs, bool for_me)
    — deleted for everyone (``for_me`` False) or by me for me: a draft's reply bar says so,
    messages_edited(int conversation_id, list messages) — changed, not deleted (a draft's reply bar shows
    the new words)."""

    caught_up = Signal()
    notify = Signal(int, str, str)
    conversation_changed = Signal(int)
    conversation_left = Signal(int)
    conversation_hidden = Signal(int)
    user_updated = Signal(dict)
    messages_gone = Signal(int, list, bool)
    messages_edited = Signal(int, list)

    def __init__(self, state: ChatState, rest: Rest, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.rest = rest
        self._fetches_running = 0
        self._catching_up = False
        self._active_since_catch_up: set[int] = set()
        self._reading_changes: set[int] = set()

    # catch-up (docs/protocol.md, "Catch-up")
    def catch_up(self) -> None:
        """Called once the socket said hello: everything committed from now on arrives as events."""
        self._catching_up = True
        self._active_since_catch_up = set()
        self._fetches_running += 1
        known_before = {c.id for c in self.state.conversations.all()}
        self.rest.call(
            lambda api: api.conversations(),
            lambda payload: self._on_conversations(payload, known_before),
            self._on_fetch_error,
        )

    def _on_conversations(self, payload: list[dict], known_before: set[int]) -> None:
        """The list is a snapshot from when it was asked for: events may have brought newer news since."""
        self._fetches_running -= 1
        state = self.state
        conversations = [Conversation.from_json(data) for data in payload]
        previous = {c.id: c for c in state.conversations.all()}
        for conversation in conversations:
            old = previous.get(conversation.id)
            if old is not None and (
                old.last_seq > conversation.last_seq or conversation.last_message is None
            ):
                conversation.last_seq = max(old.last_seq, conversation.last_seq)
                conversation.last_message = old.last_message
                conversation.last_activity_at = old.last_activity_at or conversation.last_activity_at
                conversation.unread_count = max(old.unread_count, conversation.unread_count)
                conversation.unread_mentions = max(old.unread_mentions, conversation.unread_mentions)
            conversation.changes_applied = old.changes_applied if old is not None else 0
            state.conversations.upsert(conversation)
        # Missing from the list means left, unless an event came for it meanwhile: the list is paged by
        # activity, so a conversation that got a message while it was paged moved to a page already read.
        listed = {c.id for c in conversations}
        for gone in (known_before & set(previous)) - listed - self._active_since_catch_up:
            self.leave(gone)
        conversations = state.conversations.all()
        state.history.save_conversations(conversations)
        self._show_open_read_positions()  # reads while we were away
        for conversation in conversations:
            # After the end of the newest island of cached history: older islands (left by jumps) are read
            # again only when scrolled into, never re-downloaded here.
            held = state.history.newest_covered(conversation.id)
            if held is None:
                # Nothing held that could be out of date: whatever is loaded from now on is current.
                self._set_changes_applied(conversation.id, conversation.change_version)
                if conversation.id == state.open_conversation_id and conversation.last_seq:
                    self.fetch_latest(conversation.id)
                continue
            if conversation.last_seq > held:
                self.fetch_after(conversation.id, held)
            if conversation.change_version > conversation.changes_applied:
                self.read_changes(conversation.id, conversation.changes_applied)
        self._maybe_done()

    # the change stream (docs/protocol.md, "Changes to old messages: the change stream")
    def read_changes(self, conversation_id: int, after: int, after_seq: int | None = None) -> None:
        """Edits, deletions and reactions of messages this device holds, made while it was away;
        ``after_seq``: where in version ``after`` the previous page ended."""
        if conversation_id in self._reading_changes:
            return
        self._reading_changes.add(conversation_id)
        self._fetches_running += 1
        self.rest.call(
            lambda api: api.changes(conversation_id, after, limit=CATCH_UP_PAGE, after_seq=after_seq),
            lambda page: self._on_changes(conversation_id, page),
            lambda error: self._on_changes_error(conversation_id, error),
        )

    def _on_changes(self, conversation_id: int, page: dict) -> None:
        self._fetches_running -= 1
        self._reading_changes.discard(conversation_id)
        # Only messages already held, in any island: newer ones come with the seq catch-up, the others when
        # scrolled or jumped to (as they are then).
        changes = messages_from_page(page)
        held = self.state.history.held_seqs(conversation_id, (m.confirmed_seq for m in changes))
        changed = [m for m in changes if m.confirmed_seq in held]
        if changed:
            self._store_confirmed(changed, live=False)
        self.tell_changed(changes)  # held or not: a draft may answer one
        hidden = [
            h["seq"]
            for h in page.get("hidden") or []
            if isinstance(h, dict) and isinstance(h.get("seq"), int)
        ]
        self.drop_hidden(conversation_id, hidden)  # deleted for me on another device while this one was away
        # A page that ended inside a version (``next_seq``) applied only the versions before it whole.
        next_seq = page.get("next_seq")
        self._set_changes_applied(conversation_id, int(page["next"]) - (1 if next_seq else 0))
        if page.get("has_more"):
            self.read_changes(conversation_id, int(page["next"]), int(next_seq) if next_seq else None)
        self._maybe_done()

    def _on_changes_error(self, conversation_id: int, error: Exception) -> None:
        self._reading_changes.discard(conversation_id)
        self._on_fetch_error(error)

    def _set_changes_applied(self, conversation_id: int, version: int) -> None:
        conversation = self.state.conversations.get(conversation_id)
        if conversation is None or version <= conversation.changes_applied:
            return
        conversation.changes_applied = version
        self.state.history.save_conversations([conversation])

    def drop_hidden(self, conversation_id: int, seqs: list[int]) -> None:
        """Messages I deleted for me (here or on another device): out of the cache, the open view and the
        list's preview (the newest one still held stands in), and the quotes of them read "Deleted message";
        the server recounts the badges."""
        if not seqs:
            return
        state = self.state
        state.history.remove_messages(conversation_id, seqs)
        state.messages.remove_seqs(seqs)
        state.messages.hide_quotes_of(conversation_id, seqs)  # a reply's quote of one: "Deleted message"
        self.messages_gone.emit(conversation_id, list(seqs), True)  # a draft's reply bar too
        conversation = state.conversations.get(conversation_id)
        if conversation is None:
            return
        latest = conversation.last_message
        if latest is not None and latest.seq in seqs:
            newest = state.history.latest_messages(conversation_id, 1)
            conversation.last_message = newest[0] if newest else None
            state.conversations.upsert(conversation)
            state.history.save_conversations([conversation])
        self.refresh_conversation(conversation_id)  # unread_count and unread_mentions leave it out now

    def apply_hidden(self, hidden: dict) -> None:
        """``message.hidden`` (or my own hide's answer): dropped, and the change cursor moved past it."""
        conversation_id, seq, version = (
            hidden.get("conversation_id"),
            hidden.get("seq"),
            hidden.get("version"),
        )
        if not isinstance(conversation_id, int) or not isinstance(seq, int):
            return
        self.drop_hidden(conversation_id, [seq])
        self._follow_version(conversation_id, version)

    def _follow_version(self, conversation_id: int, version: object) -> None:
        """A live change's version: the cursor moves on, or the stream is read when one was skipped."""
        conversation = self.state.conversations.get(conversation_id)
        if not isinstance(version, int) or conversation is None:
            return
        if version > conversation.changes_applied + 1:
            self.read_changes(conversation_id, conversation.changes_applied)
        elif conversation_id not in self._reading_changes:
            self._set_changes_applied(conversation_id, version)

    def _on_changed_message(self, event: dict) -> None:
        """A live change: applied at once; one that skips a version says a change was missed."""
        conversation_id = event["conversation_id"]
        message = Message.from_json(event["message"])
        reaction = event.get("reaction") if isinstance(event.get("reaction"), dict) else None
        if reaction is not None and reaction.get("user_id") == self.state.my_id and not message.deleted:
            message.my_reactions = self._my_reactions_after(message, reaction)  # from another device of mine
        self.tell_changed([message])
        if self.state.history.held_seqs(conversation_id, [message.confirmed_seq]):
            # Not held: storing it would make an island of one, or end the newest island past messages
            # still to be fetched (a gap catch-up would skip). It comes as it is now when it is read.
            self._store_confirmed([message], live=False)
        if reaction is not None:
            self._maybe_notify_reaction(message, reaction)
        self._follow_version(conversation_id, event.get("version"))

    def tell_changed(self, messages: list[Message]) -> None:
        """Changed ``messages`` (all of one conversation), as they are now: the tombstones go out as
        messages_gone, the others as messages_edited."""
        seqs = [m.confirmed_seq for m in messages if m.deleted]
        if seqs:
            self.messages_gone.emit(messages[0].conversation_id, seqs, False)
        edited = [m for m in messages if not m.deleted]
        if edited:
            self.messages_edited.emit(edited[0].conversation_id, edited)

    def _my_reactions_after(self, message: Message, reaction: dict) -> list[str]:
        held = self.state.history.message(message.conversation_id, message.confirmed_seq)
        mine = list(held.my_reactions or []) if held is not None else []
        emoji = str(reaction.get("emoji") or "")
        if reaction.get("added") and emoji not in mine:
            mine.append(emoji)
        elif not reaction.get("added") and emoji in mine:
            mine.remove(emoji)
        return mine

    def _maybe_notify_reaction(self, message: Message, reaction: dict) -> None:
        """Someone else reacted to one of my messages: worth a notification, unless muted or in front."""
        state = self.state
        user_id = reaction.get("user_id")
        if not reaction.get("added") or user_id == state.my_id or message.sender_id != state.my_id:
            return
        conversation = state.conversations.get(message.conversation_id)
        if conversation is None or conversation.me.muted or state.is_in_front(message.conversation_id):
            return
        if isinstance(user_id, int) and user_id in state.conversations.hidden_senders:
            return
        who = conversation.member_name(user_id) if isinstance(user_id, int) else "Someone"
        title = f"{who} reacted {reaction.get('emoji', '')}"
        if conversation.kind == "group":
            title += f" in {conversation.display_title(state.my_id)}"
        text = one_line(message.text, message.attachments)
        self.notify.emit(
            message.conversation_id, title, f"to your message: {text}" if text else "to your message"
        )

    def _known_last(self, conversation_id: int) -> int:
        """A seq known to exist now (taken when a page is asked for): the answer covers up to it."""
        conversation = self.state.conversations.get(conversation_id)
        return conversation.last_seq if conversation is not None else 0

    def fetch_after(self, conversation_id: int, after_seq: int) -> None:
        self._fetches_running += 1
        known_last = self._known_last(conversation_id)
        self.rest.call(
            lambda api: api.messages(conversation_id, after_seq=after_seq, limit=CATCH_UP_PAGE),
            lambda page: self._on_page_after(conversation_id, after_seq, known_last, page),
            self._on_fetch_error,
        )

    def _on_page_after(self, conversation_id: int, after_seq: int, known_last: int, page: dict) -> None:
        self._fetches_running -= 1
        messages = messages_from_page(page)
        seqs = [m.confirmed_seq for m in messages]
        covered = coverage.after_page(after_seq, seqs, bool(page.get("has_more")), known_last)
        self._store_page(conversation_id, messages, covered)
        if page.get("has_more") and messages:
            self.fetch_after(conversation_id, messages[-1].confirmed_seq)
        self._maybe_done()

    def fetch_latest(self, conversation_id: int, limit: int = 50) -> None:
        """A conversation never cached: its last page is enough (``limit``: more, to reach its first unread
        message), older pages come on scrolling."""
        self._fetches_running += 1
        known_last = self._known_last(conversation_id)
        self.rest.call(
            lambda api: api.messages(conversation_id, limit=limit),
            lambda page: self._on_latest(conversation_id, known_last, page),
            self._on_fetch_error,
        )

    def _on_latest(self, conversation_id: int, known_last: int, page: dict) -> None:
        self._fetches_running -= 1
        messages = messages_from_page(page)
        seqs = [m.confirmed_seq for m in messages]
        self._store_page(
            conversation_id, messages, coverage.latest_page(seqs, bool(page.get("has_more")), known_last)
        )
        self._maybe_done()

    def _on_fetch_error(self, error: Exception) -> None:
        self._fetches_running -= 1
        log.info("catch-up fetch failed (the next connect retries): %s", error)
        self._maybe_done()

    def _maybe_done(self) -> None:
        if self._fetches_running == 0 and self._catching_up:
            self._catching_up = False
            self.caught_up.emit()

    @property
    def busy(self) -> bool:
        return self._fetches_running > 0

    # live events (docs/protocol.md, "WebSocket: live events")
    def apply_event(self, event: dict) -> None:
        kind = event.get("type")
        conversation_id = event.get("conversation_id")
        if isinstance(conversation_id, int) and kind != "member.removed":
            self._active_since_catch_up.add(conversation_id)
        if kind == "message.created":
            message = Message.from_json(event["message"])
            self._on_new_message(message)
        elif kind in ("message.edited", "message.deleted", "message.updated"):
            self._on_changed_message(event)
        elif kind == "message.hidden":
            self.apply_hidden(event)
        elif kind in ("conversation.created", "conversation.updated", "member.added"):
            self.upsert_conversation(event["conversation"])
        elif kind == "member.removed" and conversation_id is not None:
            if event.get("user_id") == self.state.my_id or "conversation" not in event:
                self.leave(conversation_id)
            else:
                self.upsert_conversation(event["conversation"])
        elif kind == "conversation.member_updated" and isinstance(event.get("me"), dict):
            self.apply_member_state(event["conversation_id"], event["me"])
        elif kind == "user.updated" and isinstance(event.get("user"), dict):
            self.apply_user(event["user"])
        elif kind == "read" and conversation_id is not None and event.get("user_id") == self.state.my_id:
            self._on_read(
                conversation_id, int(event["seq"])
            )  # another device of mine read it: clear the badge
        elif kind == "read" and conversation_id is not None and isinstance(event.get("user_id"), int):
            self._on_member_read(conversation_id, event["user_id"], int(event["seq"]))

    def _on_new_message(self, message: Message) -> None:
        state = self.state
        if state.conversations.get(message.conversation_id) is None:
            self.refresh_conversation(message.conversation_id)
        newest = state.history.newest_covered(message.conversation_id)
        if newest is not None and message.confirmed_seq > newest + 1:
            self.fetch_after(message.conversation_id, newest)  # a gap: fill it, the merge drops overlaps
        # Behind a gap it is shown, counted and held at once but not covered (HistoryCache.store_live): were
        # the fill to fail, the next catch-up still starts at the gap, which cannot hide behind this one.
        self._store_confirmed([message], live=True)

    def _store_page(self, conversation_id: int, messages: list[Message], covered: SeqRange | None) -> None:
        """A page of catch-up: held with the seqs it covers."""
        self._acknowledge(messages)
        self.state.store_page_and_show(conversation_id, messages, covered)

    def _acknowledge(self, messages: list[Message]) -> None:
        for message in messages:
            if message.sender_id == self.state.my_id:
                self.state.outbox.remove(message.client_id)  # acknowledged through another path: never resend

    def _store_confirmed(self, messages: list[Message], *, live: bool) -> None:
        state = self.state
        self._acknowledge(messages)
        if not live:
            state.store_and_show(messages, counts_as_unread=False)  # GET /conversations counted them
            return
        for message in messages:
            in_front = state.is_in_front(message.conversation_id)
            state.store_and_show([message], counts_as_unread=not in_front, live=True)
            if message.sender_id != state.my_id and not in_front and not message.deleted:
                conversation = state.conversations.get(message.conversation_id)
                hidden = state.conversations.hidden_senders
                if conversation is not None and conversation.kind == "group" and message.sender_id in hidden:
                    continue  # blocked and hidden in groups: no notification either
                # Muted by me (on any of my devices): silent, unless it mentions me and mentions still notify.
                mentioned = state.my_id in message.mentions
                if (
                    conversation is not None
                    and conversation.me.muted
                    and not (mentioned and conversation.me.mentions_when_muted)
                ):
                    continue
                title = conversation.display_title(state.my_id) if conversation else "New message"
                if conversation is not None and conversation.kind == "group":
                    title = f"{conversation.member_name(message.sender_id)} in {title}"
                self.notify.emit(message.conversation_id, title, one_line(message.text, message.attachments))

    def _on_read(self, conversation_id: int, seq: int) -> None:
        conversation = self.state.conversations.get(conversation_id)
        if conversation is None:
            return
        if seq >= conversation.last_seq:
            self.state.conversations.set_read(conversation_id, seq, 0)
        else:
            self.refresh_conversation(conversation_id)

    def _on_member_read(self, conversation_id: int, user_id: int, seq: int) -> None:
        """Someone else read up to ``seq``: my messages up to it now read "seen"."""
        conversation = self.state.conversations.set_member_read(conversation_id, user_id, seq)
        if conversation is None:
            return
        self.state.history.save_conversations([conversation])
        if conversation_id == self.state.open_conversation_id:
            self.state.messages.set_read_positions(conversation.read_positions(self.state.my_id))

    def _show_open_read_positions(self) -> None:
        conversation = self.state.conversations.get(self.state.open_conversation_id or 0)
        if conversation is not None:
            self.state.messages.set_read_positions(conversation.read_positions(self.state.my_id))

    def refresh_conversation(self, conversation_id: int) -> None:
        self.rest.call(
            lambda api: api.conversation(conversation_id),
            lambda data: self.upsert_conversation(data, with_caller_fields=True),
            lambda error: log.info("could not refresh conversation %s: %s", conversation_id, error),
        )

    def upsert_conversation(self, data: dict, *, with_caller_fields: bool = False) -> None:
        state = self.state
        previous = state.conversations.get(data["id"])
        conversation = Conversation.from_json(data, None if with_caller_fields else previous)
        if previous is not None:
            conversation.changes_applied = previous.changes_applied
        if previous is not None and conversation.last_message is None:
            conversation.last_message = previous.last_message
        state.conversations.upsert(conversation)
        state.history.save_conversations([conversation])
        if conversation.id == state.open_conversation_id:
            state.messages.set_names(state.names_for(conversation))
            state.messages.set_read_positions(conversation.read_positions(state.my_id))
        self.conversation_changed.emit(conversation.id)

    def apply_member_state(self, conversation_id: int, me: dict) -> None:
        """My pin, mute, marked-unread or hidden state, from an event or an answer to my own change."""
        conversation = self.state.conversations.set_member_state(conversation_id, MemberState.from_json(me))
        if conversation is None:
            return
        self.state.history.save_conversations([conversation])
        if conversation.hidden and conversation_id == self.state.open_conversation_id:
            self.conversation_hidden.emit(conversation_id)  # deleted for me (maybe on another device)
        self.conversation_changed.emit(conversation_id)

    def apply_user(self, user: dict) -> None:
        """A new display name or picture version: the list, the open chat's names and header follow."""
        state = self.state
        changed = state.conversations.apply_user(user)
        if changed:
            state.history.save_conversations(changed)
        for conversation in changed:
            if conversation.id == state.open_conversation_id:
                state.messages.set_names(state.names_for(conversation))
            self.conversation_changed.emit(conversation.id)
        self.user_updated.emit(user)

    def leave(self, conversation_id: int) -> None:
        self.state.conversations.remove(conversation_id)
        self.state.history.forget_conversation(conversation_id)
        self.conversation_left.emit(conversation_id)
