"""The signed-in chat: user actions in, server calls out; owns the models the main window shows."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.cache import HistoryCache, Outbox, OutboxEntry
from desktop.controller.account_security import AccountSecurity
from desktop.controller.blocking import BlockList
from desktop.controller.conversation_actions import ConversationActions
from desktop.controller.errors import SESSION_ENDED, describe_error
from desktop.controller.forwarding import Forwarding
from desktop.controller.live_room import LiveRoom
from desktop.controller.live_sync import LiveSync
from desktop.controller.outbox_sender import OutboxSender
from desktop.controller.pins import PinnedMessages
from desktop.controller.profile import Profile
from desktop.controller.reactions import MessageReactions
from desktop.controller.state import ChatState
from desktop.domain import coverage
from desktop.domain.records import (
    FAILED,
    SENDING,
    Conversation,
    Message,
    ReplyTo,
    messages_from_page,
    utc_now,
)
from desktop.domain.send_limits import SendLimits
from desktop.models.conversations import ConversationFilterModel, ConversationListModel
from desktop.models.file_labels import reply_snippet
from desktop.models.header_text import Header, conversation_header
from desktop.models.messages import MessageListModel
from desktop.models.profile_info import ProfileInfo, profile_info
from desktop.net.http import ApiError
from desktop.net.rest_worker import RestDispatcher, ScopedRest
from desktop.net.transfers import TransferService
from desktop.net.worker_thread import shutdown_deadline

log = logging.getLogger(__name__)
OPEN_PAGE = 100
# A conversation with unread messages opens at the first of them: up to a window's rows from the newest (a
# few read ones before them for context); more unread than that, a jump to the first one.
OPEN_CONTEXT = 20
SERVER_PAGE_MAX = 200  # GET …/messages answers at most this many at once
OLDER_PAGE = 100
JUMP_WINDOW = 100  # messages loaded around a jump's target

# The connection as the user should know it: connecting (first time), updating (the socket is open and the
# catch-up runs), online, reconnecting (offline, retrying).
ONLINE, CONNECTING, UPDATING, RECONNECTING = "online", "connecting", "updating", "reconnecting"


class ChatController(QObject):
    """``profile`` is my account (name, picture, privacy); ``security`` and ``blocks`` the account menu's
    controllers; ``conversation_actions`` the conversation menu's (pin, mute, read/unread, delete for
    me). Signals: connection_state_changed(str), conversation_opened(int), conversation_closed(),
    notify(int, str, str), error(str), notice(str), profile_changed(dict), session_ended(str),
    users_found(list), account_deleted(); conversation_changed(int) — a conversation's title or members;
    caught_up() — the socket's catch-up is done; header_changed() — presence, typing in the open
    conversation or the block list changed what its header says; total_unread_changed(int);
    jump_failed(int conversation_id, int seq) — the message could not be loaded (offline and not cached);
    limits_changed(SendLimits) — the server stated other limits (GET /limits, read on every connect);
    messages_gone(int conversation_id, list seqs, bool for_me) — deleted for everyone or for me;
    messages_edited(int conversation_id, list messages) — changed, as they are now."""

    connection_state_changed = Signal(str)
    conversation_opened = Signal(int)
    conversation_closed = Signal()
    notify = Signal(int, str, str)
    error = Signal(str)
    notice = Signal(str)
    profile_changed = Signal(dict)
    session_ended = Signal(str)
    users_found = Signal(list)
    account_deleted = Signal()
    conversation_changed = Signal(int)
    caught_up = Signal()
    header_changed = Signal()
    total_unread_changed = Signal(int)
    jump_failed = Signal(int, int)
    limits_changed = Signal(object)
    messages_gone = Signal(int, list, bool)
    messages_edited = Signal(int, list)

    def __init__(
        self,
        user: dict,
        dispatcher: RestDispatcher,
        listener,
        history: HistoryCache,
        outbox: Outbox,
        transfers: TransferService,
    ) -> None:
        super().__init__()
        self.rest = ScopedRest(dispatcher, on_refused=self.session_refused)
        rest = self.rest
        self.listener = listener
        conversations = ConversationListModel(my_id=user["id"], parent=self)
        self.state = ChatState(
            my_id=int(user["id"]),
            history=history,
            outbox=outbox,
            conversations=conversations,
            messages=MessageListModel(my_id=user["id"], parent=self),
        )
        self.conversation_list = ConversationFilterModel(self)
        self.conversation_list.setSourceModel(conversations)
        self.sync = LiveSync(self.state, rest, self)
        self.blocks = BlockList(rest, self)
        self.room = LiveRoom(self.state, rest, listener, self, is_muted=self._is_muted)
        self.blocks.changed.connect(self._on_blocks_changed)
        self.security = AccountSecurity(rest, self)
        self.profile = Profile(user, rest, transfers, self)
        self._wire_profile()
        self.outbox_sender = OutboxSender(rest, outbox, self)
        self.conversation_actions = ConversationActions(self.state, rest, self.sync, self._report, self)
        self.forwarding = Forwarding(self.state, rest, self._report, self)
        self.pins = PinnedMessages(self.state, rest, self._report, self)
        self.reactions = MessageReactions(self.state, rest, self._report)
        self.sync.caught_up.connect(lambda: self.pins.load(self.state.open_conversation_id))  # missed changes
        self.state.messages.my_username = str(user.get("username") or "")
        self.connection_state = CONNECTING
        self.limits = SendLimits()  # the server's defaults until it has said (limits_changed)
        self._ended = False
        self._deleting_account = False
        self.state.messages.older_wanted_from_server.connect(self._fetch_older)
        self.state.messages.newer_wanted_from_server.connect(self._fetch_newer)
        self._jump_token = 0  # the latest jump wins: an earlier one's late answer is not shown
        self._read_timer = QTimer(self)
        self._read_timer.setSingleShot(True)
        self._read_timer.timeout.connect(self._mark_read_if_viewing)
        self.state.messages.rowsInserted.connect(lambda *_: self._read_timer.start(0))
        self.sync.notify.connect(self.notify)
        self.sync.conversation_left.connect(self._on_conversation_left)
        self.sync.conversation_hidden.connect(self._on_conversation_left)
        self.sync.caught_up.connect(self._mark_read_if_viewing)
        self.sync.caught_up.connect(self._on_caught_up)
        self.outbox_sender.delivered.connect(self._on_delivered)
        self.outbox_sender.failed.connect(self.show_failed)
        listener.connected.connect(self._on_connected)
        listener.event_received.connect(self._on_event)
        # Bound methods, never lambdas: a lambda would run on the listener's thread, a method of this object
        # runs queued on the UI thread.
        listener.disconnected.connect(self._on_disconnected)
        listener.unauthorized.connect(self.session_refused)
        self._forward_to_the_session()

    def _wire_profile(self) -> None:
        """Every new Me reaches Profile; what it says reaches the session through this controller."""
        self.profile.changed.connect(self.profile_changed)
        self.profile.error.connect(self.error)
        self.profile.notice.connect(self.notice)
        self.profile.last_seen_privacy_changed.connect(self.room.refresh_presence)
        self.sync.user_updated.connect(self.profile.apply_public)
        self.security.profile_changed.connect(self.profile.apply)

    def _forward_to_the_session(self) -> None:
        """The session hears these from the chat itself, never from its parts."""
        self.sync.caught_up.connect(self.caught_up)
        self.sync.conversation_changed.connect(self.conversation_changed)
        self.sync.messages_gone.connect(self.messages_gone)
        self.sync.messages_edited.connect(self.messages_edited)
        self.state.conversations.total_unread_changed.connect(self.total_unread_changed)
        self.room.presence_changed.connect(lambda _: self.header_changed.emit())
        self.room.typing_changed.connect(self._on_typing_changed)
        self.blocks.changed.connect(self.header_changed)

    @property
    def messages(self) -> MessageListModel:
        return self.state.messages

    @property
    def conversations(self) -> ConversationListModel:
        return self.state.conversations

    @property
    def user(self) -> dict:
        """My account as the server last described it (the Me object)."""
        return self.profile.user

    @property
    def my_id(self) -> int:
        return self.state.my_id

    # lifecycle
    def start(self) -> None:
        """Cached conversations show at once; the socket and the outbox start working in the background."""
        self.state.conversations.reset(self.state.history.conversations())
        self.listener.start()
        self.outbox_sender.kick()
        self.profile.refresh()

    def shutdown(self, deadline: float | None = None) -> None:
        """Nothing more reaches the cache; the listener and any export download are waited for until
        ``deadline`` (time.monotonic(); two seconds from now when None), not for a server that is silent."""
        deadline = shutdown_deadline() if deadline is None else deadline
        self.rest.close()
        self.outbox_sender.stop()
        self.listener.request_stop()  # told first: the waits below share one deadline
        self.security.shutdown(deadline)
        self.listener.stop(deadline)

    def _set_connection(self, state: str) -> None:
        if state != self.connection_state:
            self.connection_state = state
            self.connection_state_changed.emit(state)
            self.header_changed.emit()  # a group's "1 online" counts me while I am connected

    def _on_event(self, event: dict) -> None:
        if not self.rest.closed:  # an event queued just before shutdown must not reach the closed cache
            self.sync.apply_event(event)
            self.room.apply_event(event)
            self.pins.on_event(event)

    def _on_connected(self, hello: dict) -> None:
        if self.rest.closed:
            return
        self._set_connection(UPDATING)
        self._read_limits()
        self.sync.catch_up()
        self.room.on_connected()
        self.blocks.refresh()
        self.outbox_sender.kick()

    def _read_limits(self) -> None:
        """At sign-in and after every reconnect (a restarted server may have been configured anew)."""
        self.rest.call(lambda api: api.limits(), self._on_limits, self._background_failed)

    def _on_limits(self, answer: dict) -> None:
        limits = SendLimits.from_json(answer)
        if limits != self.limits:
            self.limits = limits
            self.state.messages.limits = limits  # whether a failed message's retry can work
            self.limits_changed.emit(limits)

    def _on_caught_up(self) -> None:
        if self.connection_state == UPDATING:
            self._set_connection(ONLINE)

    def _on_disconnected(self, reason: str) -> None:
        log.info("live events disconnected: %s", reason)
        self._set_connection(RECONNECTING)
        self.room.on_disconnected()

    def session_refused(self) -> None:
        """The server no longer takes this session's token (a REST call, a transfer or the socket said so):
        the session ends, once."""
        if self._deleting_account:
            return  # the server closes our socket before answering DELETE /me; that answer decides
        if not self._ended:
            self._ended = True
            self.session_ended.emit(SESSION_ENDED)

    def _report(self, error: Exception) -> None:
        """Where a failed call ends up: in words for the status bar."""
        self.error.emit(describe_error(error))

    def _background_failed(self, error: Exception) -> None:
        """A call the user did not ask for: worth words only when the server refused it, not when offline."""
        if isinstance(error, ApiError):
            self._report(error)
        else:
            log.info("a call failed while offline: %s", error)

    # the open conversation
    @property
    def open_conversation_id(self) -> int | None:
        return self.state.open_conversation_id

    def open_conversation(self, conversation_id: int) -> None:
        state = self.state
        conversation = state.conversations.get(conversation_id)
        if conversation is None:
            return
        state.open_conversation_id = conversation_id
        pending = [entry.as_message() for entry in state.outbox.for_conversation(conversation_id)]
        unread = conversation.unread_count > 0 and conversation.last_seq > conversation.last_read_seq
        span = conversation.last_seq - conversation.last_read_seq if unread else 0
        page = OPEN_PAGE
        if unread:  # from the first unread message on, so the view can open there
            page = min(state.messages.max_rows, max(page, span + OPEN_CONTEXT))
        state.messages.show_conversation(
            conversation_id,
            is_group=conversation.kind == "group",
            names=state.names_for(conversation),
            confirmed=state.history.latest_run(conversation_id, page),
            pending=pending,
            older_loader=lambda before, limit: state.history.run_before(conversation_id, before, limit),
            newer_loader=lambda after, limit: state.history.run_after(conversation_id, after, limit),
            latest=lambda: self._latest_seq(conversation_id),
            read_positions=conversation.read_positions(self.my_id),
            hidden_senders=self.blocks.hidden_in_groups(),
            unread_after=conversation.last_read_seq if unread else None,
        )
        never_cached = state.history.newest_covered(conversation_id) is None
        if never_cached:  # its newest page, if any
            self.sync.fetch_latest(conversation_id, min(SERVER_PAGE_MAX, max(50, span + OPEN_CONTEXT)))
        self.pins.load(conversation_id)
        self.conversation_opened.emit(conversation_id)
        self._mark_read_if_viewing()
        # More unread than a window holds (or than the server's first page brings): go to the first of them.
        if unread and span + OPEN_CONTEXT > (SERVER_PAGE_MAX if never_cached else page):
            self.jump_to_message(conversation_id, conversation.last_read_seq + 1)

    def _known_last(self, conversation_id: int) -> int:
        """A seq known to exist when a page is asked for (the page covers up to it when nothing is after)."""
        conversation = self.state.conversations.get(conversation_id)
        return conversation.last_seq if conversation is not None else 0

    def _latest_seq(self, conversation_id: int) -> int:
        conversation = self.state.conversations.get(conversation_id)
        cached = self.state.history.newest_seq(conversation_id) or 0
        return max(conversation.last_seq if conversation else 0, cached)

    def jump_to_message(self, conversation_id: int, seq: int) -> None:
        """The one way to show a message anywhere in history (a search hit, a reply's original, the first
        unread): the conversation opens if it is not open, a window of history around ``seq`` replaces the
        rows (from the cache when it holds ``seq``, else GET …/messages?around=), and the view scrolls there
        and highlights it (MessageListModel.window_moved)."""
        if self.state.open_conversation_id != conversation_id:
            self.open_conversation(conversation_id)
            if self.state.open_conversation_id != conversation_id:
                return  # not a conversation of mine (any more)
        self._jump_token += 1
        token = self._jump_token
        model = self.state.messages
        if model.row_of_seq(seq) is not None:
            model.point_at(seq)
            return
        if self.state.history.hidden_for_me(conversation_id, [seq]):  # gone for me: nothing to ask
            self.notice.emit("That message was deleted for you.")
            self.jump_failed.emit(conversation_id, seq)
            return
        if self.state.history.covers(conversation_id, seq):  # and held, then
            model.show_window(self.state.history.window_around(conversation_id, seq, JUMP_WINDOW), seq)
            return
        known_last = self._known_last(conversation_id)

        def done(page: dict) -> None:
            messages = messages_from_page(page)
            seqs = [m.confirmed_seq for m in messages]
            more_before, more_after = bool(page.get("has_more")), bool(page.get("has_more_after"))
            covered = coverage.around_page(seq, seqs, more_before, more_after, known_last)
            messages = self.state.history.store_page(conversation_id, messages, covered)
            current = token == self._jump_token and self.state.open_conversation_id == conversation_id
            if current and any(m.seq == seq for m in messages):
                model.show_window(messages, seq)
            elif current:
                self.jump_failed.emit(conversation_id, seq)

        def failed(error: Exception) -> None:
            self._background_failed(error)
            if token == self._jump_token:
                self.notice.emit("That message is not on this device, and the server cannot be reached.")
                self.jump_failed.emit(conversation_id, seq)

        self.rest.call(lambda api: api.messages(conversation_id, around=seq, limit=JUMP_WINDOW), done, failed)

    def show_newest(self) -> None:
        """Back to the newest messages in one step, however far back the window is."""
        conversation_id = self.state.open_conversation_id
        if conversation_id is None:
            return
        self._jump_token += 1
        self.state.messages.show_window(self.state.history.latest_run(conversation_id, OPEN_PAGE))

    def close_conversation(self) -> None:
        self.state.open_conversation_id = None
        self.state.messages.clear()
        self.pins.load(None)
        self.conversation_closed.emit()

    def open_conversation_record(self) -> Conversation | None:
        if self.state.open_conversation_id is None:
            return None
        return self.state.conversations.get(self.state.open_conversation_id)

    def name_in_open(self, user_id: int) -> str:
        """Who someone is in the open conversation ("yourself" for me), for a reply's quote bar."""
        if user_id == self.my_id:
            return "yourself"
        conversation = self.open_conversation_record()
        return conversation.member_name(user_id) if conversation is not None else "Former member"

    def open_header(self) -> Header | None:
        """What the open conversation's header says now; None when no conversation is open."""
        conversation = self.open_conversation_record()
        if conversation is None:
            return None
        return conversation_header(
            conversation,
            self.my_id,
            self.state.conversations.typing_text(conversation.id),
            self.room.presence.get,
            self.blocks.is_blocked,
            me_online=self.connection_state == ONLINE,
        )

    def open_profile(self) -> ProfileInfo | None:
        """What the profile panel of the open conversation shows; None when none is open."""
        conversation = self.open_conversation_record()
        if conversation is None:
            return None
        return profile_info(conversation, self.my_id, self.room.presence.get)

    def _on_typing_changed(self, conversation_id: int) -> None:
        if conversation_id == self.state.open_conversation_id:
            self.header_changed.emit()

    def set_idle(self, idle: bool) -> None:
        """The user is away from the keyboard (or back): others see "away"."""
        self.room.set_idle(idle)

    def set_viewing(self, viewing: bool) -> None:
        """The view reports whether the user sees the newest message (window active, scrolled to the end)."""
        self.state.viewing = viewing
        self._mark_read_if_viewing()

    def _mark_read_if_viewing(self) -> None:
        state = self.state
        conversation_id = state.open_conversation_id
        if conversation_id is None or not state.viewing:
            return
        conversation = state.conversations.get(conversation_id)
        newest = state.messages.newest_seq()
        if conversation is None or newest is None:
            return
        if newest <= conversation.last_read_seq and conversation.unread_count == 0:
            return
        state.conversations.set_read(
            conversation_id, newest, conversation.unread_count if newest < conversation.last_seq else 0
        )
        self.rest.call(
            lambda api: api.mark_read(conversation_id, newest),
            lambda answer: state.conversations.set_read(
                conversation_id, answer["last_read_seq"], answer["unread_count"]
            ),
            self._background_failed,
        )

    def _fetch_older(self, before_seq: int) -> None:
        conversation_id = self.state.open_conversation_id
        if conversation_id is None:  # closed meanwhile: nobody is scrolling back
            return

        def done(page: dict) -> None:
            messages = messages_from_page(page)
            seqs = [m.confirmed_seq for m in messages]
            covered = coverage.before_page(before_seq, seqs, bool(page.get("has_more")))
            messages = self.state.history.store_page(conversation_id, messages, covered)
            if self.state.open_conversation_id == conversation_id:
                self.state.messages.prepend_older(messages, reached_start=not page.get("has_more"))

        def failed(error: Exception) -> None:
            self.state.messages.older_unavailable()
            self._background_failed(error)

        self.rest.call(
            lambda api: api.messages(conversation_id, before_seq=before_seq, limit=OLDER_PAGE), done, failed
        )

    def _fetch_newer(self, after_seq: int) -> None:
        conversation_id = self.state.open_conversation_id
        if conversation_id is None:
            return
        known_last = self._known_last(conversation_id)

        def done(page: dict) -> None:
            messages = messages_from_page(page)
            seqs = [m.confirmed_seq for m in messages]
            covered = coverage.after_page(after_seq, seqs, bool(page.get("has_more")), known_last)
            messages = self.state.history.store_page(conversation_id, messages, covered)
            if self.state.open_conversation_id == conversation_id:
                self.state.messages.append_newer(messages, reached_end=not page.get("has_more"))

        def failed(error: Exception) -> None:
            self.state.messages.newer_unavailable()
            self._background_failed(error)

        self.rest.call(
            lambda api: api.messages(conversation_id, after_seq=after_seq, limit=OLDER_PAGE), done, failed
        )

    # sending
    def send_text(self, text: str, reply_to: ReplyTo | None = None) -> bool:
        """Outbox first (on disk), then shown as "sending", then sent; False if there is nothing to send.
        ``reply_to``: the quote of the message it answers (quote_for)."""
        conversation_id = self.state.open_conversation_id
        if conversation_id is None or not text.strip():
            return False
        if not self.state.messages.at_newest:
            self.show_newest()  # what was sent shows below the newest messages, where the reader now is
        entry = OutboxEntry(
            str(uuid.uuid4()), conversation_id, self.my_id, text, utc_now(), reply_to=reply_to
        )
        self.state.outbox.add(entry)
        self.state.messages.add_pending(entry.as_message())
        self.outbox_sender.kick()
        self.room.message_sent(conversation_id)
        return True

    def quote_for(self, seq: int) -> ReplyTo | None:
        """The quote a reply to the open conversation's message ``seq`` shows until the server sends its
        own (the same words: the text on one line, else "Photo", "Video" or the first file's name)."""
        row = self.state.messages.row_of_seq(seq)
        message = self.state.messages.message_at(row) if row is not None else None
        if message is None or message.deleted:
            return None
        return ReplyTo(seq, message.sender_id, reply_snippet(message.text, message.attachments))

    def kick_outbox(self) -> None:
        """An entry became ready to send (its files are uploaded, or it was retried)."""
        self.outbox_sender.kick()

    def is_being_sent(self, client_id: str) -> bool:
        """The message is on its way to the server: too late to cancel it."""
        return self.outbox_sender.in_flight == client_id

    def message_sent(self, conversation_id: int) -> None:
        """A message (text or files) left the composer: I am no longer typing there."""
        self.room.message_sent(conversation_id)

    def local_files_in_outbox(self) -> set[str]:
        """The paths of files waiting in the outbox to be uploaded or sent."""
        return {a.local_path for e in self.state.outbox.entries() for a in e.attachments if a.local_path}

    def _on_blocks_changed(self) -> None:
        hidden = self.blocks.hidden_in_groups()
        self.state.messages.set_hidden_senders(hidden)
        self.state.conversations.set_hidden_senders(hidden)
        self.room.forget_typing_of(set(self.blocks.entries))

    def _is_muted(self, conversation_id: int, user_id: int) -> bool:
        """No "is typing" from people I blocked: in 1:1s at all, in groups when their messages are hidden."""
        if not self.blocks.is_blocked(user_id):
            return False
        conversation = self.state.conversations.get(conversation_id)
        return (
            conversation is None or conversation.kind == "direct" or user_id in self.blocks.hidden_in_groups()
        )

    def composing(self) -> None:
        """The user is writing in the open conversation."""
        self.room.composing(self.state.open_conversation_id)

    def _on_delivered(self, message: Message) -> None:
        self.state.store_and_show([message], live=True)  # covered only where it joins what is covered

    def retry(self, client_id: str) -> None:
        self.state.outbox.retry(client_id)
        self.state.messages.set_pending_state(client_id, SENDING)
        self.outbox_sender.kick()

    def discard(self, client_id: str) -> None:
        self.state.outbox.remove(client_id)
        self.state.messages.remove_pending(client_id)

    def show_failed(self, client_id: str, reason: str) -> None:
        """The server refused the message (already marked failed in the outbox): its bubble says why, and
        offers a retry only where one could work (MessageRole.RETRYABLE)."""
        self.state.messages.set_pending_state(client_id, FAILED, reason)

    def discarded_text(self, client_id: str) -> tuple[int, str] | None:
        """(conversation, text) of a failed text message about to be discarded, to go back into that
        conversation's draft; None for one with files (their caption goes with them)."""
        entry = self.state.outbox.get(client_id)
        if entry is None or entry.attachments or not entry.text.strip():
            return None
        return entry.conversation_id, entry.text

    def edit_message(self, seq: int, text: str, failed: Callable[[Exception], None] | None = None) -> None:
        """``failed`` hears a refusal after the status bar has its words (the edit goes back to the user)."""
        conversation_id = self.state.open_conversation_id
        if conversation_id is None or not text.strip():
            return

        def refused(error: Exception) -> None:
            self._report(error)
            if failed is not None:
                failed(error)

        self.rest.call(
            lambda api: api.edit_message(conversation_id, seq, text),
            lambda data: self.state.store_and_show([Message.from_json(data)]),
            refused,
        )

    def react(self, seq: int, emoji: str, on: bool) -> None:
        """Adds (``on``) or takes back my reaction to a message of the open conversation: its row at once,
        the cache when the server agrees (controller/reactions.py)."""
        if self.state.open_conversation_id is not None:
            self.reactions.react(self.state.open_conversation_id, seq, emoji, on)

    def delete_message(self, seq: int) -> None:
        conversation_id = self.state.open_conversation_id
        if conversation_id is None:
            return
        self.rest.call(
            lambda api: api.delete_message(conversation_id, seq),
            lambda data: self._store_deleted(Message.from_json(data)),
            self._report,
        )

    def _store_deleted(self, tombstone: Message) -> None:
        self.state.store_and_show([tombstone])
        self.sync.tell_changed([tombstone])

    def hide_message(self, seq: int) -> None:
        """Delete for me: gone here at once the server agrees; my other devices hear message.hidden."""
        conversation_id = self.state.open_conversation_id
        if conversation_id is None:
            return
        self.rest.call(
            lambda api: api.hide_message(conversation_id, seq),
            self.sync.apply_hidden,
            self._report,
        )

    # conversations and people
    def search_users(self, query: str) -> None:
        query = query.strip()
        if not query:
            self.users_found.emit([])
            return
        self.rest.call(lambda api: api.search_users(query[:32]), self.users_found.emit, self._report)

    def _call_then_open(self, operation: Callable) -> None:
        def done(data: dict) -> None:
            self.sync.upsert_conversation(data, with_caller_fields=True)
            self.open_conversation(data["id"])

        self.rest.call(operation, done, self._report)

    def start_direct(self, user_id: int) -> None:
        self._call_then_open(lambda api: api.start_direct(user_id))

    def create_group(self, title: str, member_ids: list[int]) -> None:
        self._call_then_open(lambda api: api.create_group(title, member_ids))

    def rename_group(self, conversation_id: int, title: str) -> None:
        self.rest.call(
            lambda api: api.rename_group(conversation_id, title), self._upsert_with_caller, self._report
        )

    def add_members(self, conversation_id: int, user_ids: list[int]) -> None:
        self.rest.call(
            lambda api: api.add_members(conversation_id, user_ids), self._upsert_with_caller, self._report
        )

    def remove_member(self, conversation_id: int, user_id: int) -> None:
        def done(_: object) -> None:
            if user_id == self.my_id:
                self.sync.leave(conversation_id)
            else:
                self.sync.refresh_conversation(conversation_id)

        self.rest.call(lambda api: api.remove_member(conversation_id, user_id), done, self._report)

    def _upsert_with_caller(self, data: dict) -> None:
        self.sync.upsert_conversation(data, with_caller_fields=True)

    def leave_group(self, conversation_id: int) -> None:
        self.remove_member(conversation_id, self.my_id)

    def _on_conversation_left(self, conversation_id: int) -> None:
        if conversation_id == self.state.open_conversation_id:
            self.close_conversation()

    # account
    def update_profile(self, **fields: object) -> None:
        self.profile.update(**fields)

    def delete_account(self, password: str, on_error: Callable[[str], None]) -> None:
        def failed(error: Exception) -> None:
            self._deleting_account = False
            on_error(describe_error(error))  # WrongPassword: "That password is not right."

        def done(_: object) -> None:
            self._ended = True
            self.account_deleted.emit()

        self._deleting_account = True
        self.rest.call(lambda api: api.delete_me(password), done, failed)
