"""One signed-in account on screen: its transports, the ChatController and the main window, wired together.

Everything one account needs hangs off one ChatSession, so several accounts run side by side in one app
(desktop/accounts): each with its own folder (cache, outbox, drafts, files, settings), transports and
window page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox

from desktop.accounts.account_settings import AccountSettings
from desktop.accounts.layout import AccountPaths
from desktop.cache import DraftStore, HistoryCache, Outbox, open_cache_database
from desktop.cache.images import remove_tree
from desktop.controller.appearance import AppearanceController
from desktop.controller.chat import CONNECTING, ONLINE, RECONNECTING, UPDATING, ChatController
from desktop.domain.account import Account
from desktop.net.api import ApiClient
from desktop.net.transfers import TransferService
from desktop.net.worker_thread import shutdown_deadline
from desktop.session.conversations import ConversationManagement
from desktop.session.drafts import DraftKeeper
from desktop.session.files import FileSharing, files_dir_for
from desktop.session.forwarding import forward_choices
from desktop.session.mentions import attach_mention_popup
from desktop.session.search import SearchWiring
from desktop.session.security_menu import SecurityMenu
from desktop.session.settings_wiring import SettingsWiring
from desktop.settings import AppSettings
from desktop.views.account_dialogs import DeleteAccountDialog, ask_display_name
from desktop.views.emoji_picker import EmojiPicker, RecentEmoji
from desktop.views.forward_dialog import ForwardDialog
from desktop.views.icons import app_icon
from desktop.views.idle_watcher import IdleWatcher
from desktop.views.jump_dialog import JumpDialog
from desktop.views.main_window import MainWindow
from desktop.views.members_dialog import MembersDialog
from desktop.views.new_chat_dialog import NewChatDialog

# The controller's connection state → what the banner on top of the list shows.
BANNER_STATE = {ONLINE: "online", CONNECTING: "connecting", UPDATING: "updating", RECONNECTING: "offline"}


def recent_emoji_in(settings: AppSettings) -> RecentEmoji:
    """The picker's recently used emoji, kept in the settings. Closures over the settings alone: a widget
    holding a method of the session would keep the session alive after it ended."""

    def save(emoji: list[str]) -> None:
        settings.recent_emoji = emoji
        settings.sync()

    return RecentEmoji(lambda: settings.recent_emoji, save)


class ChatSession(QObject):
    """Signals: log_out_requested(), ended(str reason) — the server ended this session or the account;
    user_changed(dict) — my account's record is new (the stored account follows it)."""

    log_out_requested = Signal()
    ended = Signal(str)
    user_changed = Signal(dict)

    def __init__(
        self,
        account: Account,
        rest,
        listener,
        settings: AppSettings,
        paths: AccountPaths,
        tray,
        appearance: AppearanceController | None = None,
    ):
        """``settings``: the app's; ``tray``: this account's notifier (desktop/accounts/notifier.py), or a
        TrayNotifier; ``appearance``: the app's theme and text size (one of its own when None)."""
        super().__init__()
        self.account = account
        self.settings = settings
        self.account_settings = AccountSettings(paths.settings_file)
        self.paths = paths
        self.tray = tray
        self.rest = rest  # this account's own REST dispatcher (its token only)
        self.cache_file = paths.cache_file
        self.database = open_cache_database(self.cache_file)
        self.erase_local_data = False  # set before shutdown: the account's folder goes with the session
        self.api = ApiClient(account.server_url, account.token)  # the file transfers' own connection
        self.transfers = TransferService(self.api)
        self.chat = ChatController(
            account.user, rest, listener, HistoryCache(self.database), Outbox(self.database), self.transfers
        )
        self.transfers.refused.connect(self.chat.session_refused)
        self.window = MainWindow(self.chat.conversation_list)
        self.window.setWindowIcon(app_icon())
        self.window.set_profile(account.user)
        self.panel = self.window.chat_panel
        self.panel.messages.setModel(self.chat.messages)
        self.panel.jump.watch(self.chat.messages)
        self.new_chat_dialog: NewChatDialog | None = None
        self.members_dialog: MembersDialog | None = None
        self.delete_dialog: DeleteAccountDialog | None = None
        self.security = SecurityMenu(self.chat, self.window)  # the security dialogs, blocking
        self.appearance = appearance or AppearanceController(settings, self)
        self.settings_wiring = SettingsWiring(  # Ctrl+, and the account menu's Settings…
            self.chat,
            self.window,
            self.security,
            self.account_settings,
            self.appearance,
            tray,
            settings,
        )
        self.management = ConversationManagement(self.chat, self.window)  # context menu, profile panel
        self.search = SearchWiring(self.chat, self.window)  # the search field, Ctrl+F, both to the jump
        self.drafts = DraftKeeper(self.chat, self.panel.composer, DraftStore(self.database))  # one per chat
        self.idle_watcher = IdleWatcher(self)
        self.header_clock = QTimer(self)  # "last seen today at …" becomes "yesterday" at midnight
        self.header_clock.setInterval(60_000)
        self.header_clock.timeout.connect(self._refresh_header)
        self._wire()
        # uploads, previews, viewer, player, profile pictures
        self.files = FileSharing(self.chat, self.window, self.transfers, files_dir_for(self.cache_file))

    def _wire(self) -> None:
        chat, window, panel = self.chat, self.window, self.panel
        window.conversation_selected.connect(chat.open_conversation)
        window.active_changed.connect(lambda _: self._update_viewing())
        window.closing.connect(self.save_window_state)
        window.new_chat_requested.connect(self.show_new_chat)
        window.new_group_requested.connect(self.show_new_group)
        window.back_requested.connect(chat.close_conversation)
        window.jump_requested.connect(self.show_jump)
        window.rename_self_requested.connect(self._rename_self)
        window.log_out_requested.connect(self.log_out_requested)
        window.delete_account_requested.connect(self.show_delete_account)
        panel.send_requested.connect(self._send)
        panel.members_requested.connect(self.show_members)
        panel.messages.at_bottom_changed.connect(lambda _: self._update_viewing())
        panel.messages.edit_requested.connect(self._edit)
        panel.composer.edit_last_requested.connect(self._edit_last)
        panel.composer.edit_submitted.connect(self._save_edit)
        panel.messages.delete_requested.connect(self._delete)
        panel.messages.hide_requested.connect(self._hide)
        panel.messages.forward_requested.connect(self.show_forward)
        panel.messages.is_pinned = chat.pins.is_pinned  # the chat's, never this session's
        panel.messages.pin_requested.connect(chat.pins.set_pinned)
        chat.pins.changed.connect(self._show_pins)
        panel.pinned_bar.jump_requested.connect(self._jump_to_pin)
        chat.forwarding.forwarded.connect(self._on_forwarded)  # a lambda here would keep the session alive
        panel.messages.retry_requested.connect(lambda client_id: self.files.uploads.retry(client_id))
        panel.messages.discard_requested.connect(self._discard)
        chat.limits_changed.connect(panel.composer.set_limits)
        chat.conversations.dataChanged.connect(self._refresh_unread_jump)
        panel.messages.reveal_requested.connect(chat.messages.reveal)
        panel.messages.newest_requested.connect(chat.show_newest)
        panel.messages.reply_requested.connect(self._reply)
        panel.messages.quote_activated.connect(self._show_quoted)
        panel.messages.reaction_toggled.connect(chat.react)
        panel.messages.reaction_picker_requested.connect(self.pick_reaction)
        self.recent_emoji = recent_emoji_in(self.settings)  # held by the composer: never this session's
        panel.composer.emoji_button.recent = self.recent_emoji
        self.reaction_picker: EmojiPicker | None = None
        self.forward_dialog: ForwardDialog | None = None
        self.mention_popup = attach_mention_popup(chat, panel)  # "@" in a group's composer
        panel.composer.name_for = chat.name_in_open  # the chat's, never this session's: no cycle through Qt
        panel.composing.connect(chat.composing)
        chat.header_changed.connect(self._refresh_header)
        self.idle_watcher.idle_changed.connect(chat.set_idle)
        chat.conversation_opened.connect(self._on_opened)
        chat.conversation_closed.connect(window.show_placeholder)
        chat.conversation_changed.connect(self._on_conversation_changed)
        chat.connection_state_changed.connect(lambda state: window.set_connection_state(BANNER_STATE[state]))
        chat.total_unread_changed.connect(self._on_unread)
        chat.notify.connect(self.tray.notify)
        chat.error.connect(self.show_status)
        chat.notice.connect(self.show_status)
        chat.profile_changed.connect(window.set_profile)
        chat.profile_changed.connect(self.user_changed)
        chat.session_ended.connect(self.ended)
        chat.account_deleted.connect(self._on_account_deleted)
        chat.users_found.connect(self._on_users_found)
        chat.caught_up.connect(self._open_last_if_none)
        self.appearance.text_size_changed.connect(window.set_text_size)
        self.tray.unavailable.connect(self.show_status)

    def _on_forwarded(self, count: int) -> None:
        self.show_status("Forwarded" if count == 1 else f"Forwarded to {count} conversations")

    def _remember_attach_folder(self, folder: str) -> None:
        self.settings.attach_folder = Path(folder)
        self.settings.sync()

    def start(self) -> None:
        composer = self.panel.composer
        composer.attach_folder = self.settings.attach_folder
        composer.attach_folder_changed.connect(self._remember_attach_folder)
        # the geometry is the app window's, the list's width this account's (else the app-wide one of old)
        list_width = self.account_settings.list_width or self.settings.list_width
        if list_width is not None:
            self.window.splitter.side_width = list_width
        self.window.set_connection_state(BANNER_STATE[self.chat.connection_state])
        self.tray.set_show_text(self.account_settings.notification_text)
        self.window.set_text_size(self.appearance.text_size)
        self.chat.start()
        self.files.start(self.drafts.files_in_use())
        self._open_last_if_none()
        self.window.show()
        if self.tray.unavailable_reason:  # said once per session, where it is seen
            self.show_status(self.tray.unavailable_reason)
        self.idle_watcher.start()
        self.header_clock.start()

    def _open_last_if_none(self) -> None:
        if self.chat.open_conversation_id is not None:
            return
        last = self.account_settings.last_conversation
        if last is not None and self.chat.conversations.get(last) is not None:
            self.chat.open_conversation(last)

    def shutdown(self, deadline: float | None = None) -> None:
        """Worker threads are waited for until ``deadline`` (time.monotonic(); two seconds from now when
        None) all together: signing out or quitting never waits on a server that stopped answering."""
        deadline = shutdown_deadline() if deadline is None else deadline
        self.idle_watcher.stop()
        self.header_clock.stop()
        self.save_window_state()
        self.drafts.save()
        self.transfers.close()  # told first: the waits below share one deadline
        self.chat.shutdown(deadline)
        # Nothing the chat says from now on (a disconnect queued before the socket closed) may reach this
        # session's window, which is going away, even while a reference keeps this object alive.
        self.chat.blockSignals(True)
        self.files.shutdown()
        self.transfers.shutdown(deadline)
        self.api.close()
        self.security.close_all()
        self.settings_wiring.close()
        self.appearance.text_size_changed.disconnect(self.window.set_text_size)
        self.management.close_all()
        for dialog in (self.new_chat_dialog, self.members_dialog, self.delete_dialog):
            if dialog is not None:
                dialog.close()
        # The chat's models outlive the window by a moment (a read answer, a late event): they must not
        # reach its widgets once it is going.
        self.chat.conversations.dataChanged.disconnect(self._refresh_unread_jump)
        self.chat.header_changed.disconnect(self._refresh_header)
        self.window.hide()
        self.window.deleteLater()
        self.chat.blockSignals(True)  # a timer or a queued answer after this reaches no deleted widget
        self.database.close()
        self.account_settings.sync()
        if self.erase_local_data:  # deleted or removed: no history, outbox or files left on this machine
            remove_tree(self.paths.folder)

    def _on_account_deleted(self) -> None:
        self.erase_local_data = True
        if self.delete_dialog is not None:
            self.delete_dialog.accept()
        self.ended.emit("Your account was deleted.")

    def show_status(self, text: str) -> None:
        """An error or a notice, as a toast over the window for eight seconds (no layout moves)."""
        self.window.show_toast(text, 8000)

    def open_conversation(self, conversation_id: int) -> None:
        """From outside the window (a notification): open it as a click in the list would."""
        self.chat.open_conversation(conversation_id)

    def save_window_state(self) -> None:
        """The list's width is this account's: another account's window, closed after, keeps its own."""
        self.account_settings.list_width = self.window.splitter.side_width
        self.account_settings.sync()
        self.settings_wiring.save_width()  # the Settings window's page list: the app's

    # reactions
    def refresh_viewing(self) -> None:
        """The account came to the front or went behind another: whether its open chat is being read."""
        self._update_viewing()

    def _update_viewing(self) -> None:
        viewing = (
            self.window.isVisible()  # the account in front (the others' pages are hidden)
            and self.window.isActiveWindow()
            and self.window.stack.currentWidget() is self.panel
            and self.panel.messages.is_at_bottom()
        )
        self.chat.set_viewing(viewing)

    def _on_opened(self, conversation_id: int) -> None:
        self.window.select_conversation(conversation_id)
        conversation = self.chat.conversations.get(conversation_id)
        self.panel.set_empty_known(conversation is not None and conversation.last_seq == 0)
        self._refresh_header()
        self._refresh_unread_jump()
        self.panel.composer.focus()
        self.account_settings.last_conversation = conversation_id
        self._update_viewing()

    def _refresh_unread_jump(self, *_: object) -> None:
        """The ↓ over the messages shows the open conversation's unread count."""
        conversation = self.chat.open_conversation_record()
        self.panel.jump.set_unread(conversation.unread_count if conversation is not None else 0)

    def _refresh_header(self) -> None:
        header = self.chat.open_header()
        if header is not None:
            self.panel.set_header(
                header.title,
                header.subtitle,
                is_group=header.is_group,
                presence=header.presence,
                typing=header.typing,
                blocked=header.blocked,
            )

    def _on_conversation_changed(self, conversation_id: int) -> None:
        if conversation_id == self.chat.open_conversation_id:
            self._refresh_header()
            if self.members_dialog is not None and self.members_dialog.isVisible():
                conversation = self.chat.conversations.get(conversation_id)
                if conversation is not None:
                    self.members_dialog.set_conversation(conversation)

    def _on_unread(self, count: int) -> None:
        self.tray.set_unread(count)
        self.window.setWindowTitle(f"({count}) ChatIDK" if count else "ChatIDK")

    def _send(self, text: str) -> None:
        if self.chat.send_text(text, self.panel.composer.reply_to):  # cleared by the composer after this
            self.panel.messages.scroll_to_end()

    # replies
    def _reply(self, seq: int) -> None:
        """Reply (menu or Ctrl+R): the quote bar above the composer, which takes the focus."""
        quote = self.chat.quote_for(seq)
        if quote is not None:
            self.panel.composer.start_reply(quote)

    def _show_quoted(self, seq: int) -> None:
        """A quote was activated: to the message it quotes, however far back (the one jump mechanism)."""
        conversation_id = self.chat.open_conversation_id
        if conversation_id is not None:
            self.chat.jump_to_message(conversation_id, seq)

    # reactions
    def pick_reaction(self, seq: int) -> EmojiPicker | None:
        """ "More reactions…": the emoji picker under the message; choosing one I gave takes it back."""
        row = self.chat.messages.row_of_seq(seq)
        message = self.chat.messages.message_at(row) if row is not None else None
        if message is None:
            return None
        mine = set(message.my_reactions or [])
        picker = EmojiPicker(self.recent_emoji, self.window, title="React with an emoji")
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chat = self.chat  # the lambda holds the chat, not this session
        picker.chosen.connect(lambda emoji: chat.react(seq, emoji, emoji not in mine))
        self.reaction_picker = picker
        view = self.panel.messages
        index = self.chat.messages.index(row, 0) if row is not None else None
        rect = view.visualRect(index) if index is not None else view.viewport().rect()
        anchor = rect.bottomLeft() if view.viewport().rect().contains(rect.bottomLeft()) else rect.center()
        picker.popup_at(view.viewport().mapToGlobal(anchor))
        return picker

    def _discard(self, client_id: str) -> None:
        """A failed message's Discard: a text one goes back into its conversation's draft, to be changed."""
        back = self.chat.discarded_text(client_id)
        self.files.uploads.discard(client_id)
        if back is not None:
            self.drafts.put_back(*back)

    def _edit(self, seq: int, current: str) -> None:
        """Edited in the composer: Enter saves (edit_submitted), Esc cancels."""
        self.panel.composer.start_edit(seq, current)

    def _save_edit(self, seq: int, text: str) -> None:
        """Enter while editing. Refused (deleted meanwhile, offline …): the status bar says why and the
        changed text goes back into the composer, still editing, so nothing typed is lost."""
        composer = self.panel.composer
        conversation_id, original = self.chat.open_conversation_id, composer.editing_original

        def refused(_: Exception) -> None:
            if self.chat.open_conversation_id == conversation_id and not composer.editing:
                composer.start_edit(seq, original, text)

        self.chat.edit_message(seq, text, refused)

    def _edit_last(self) -> None:
        """↑ in an empty composer: my newest message that can be edited, if any."""
        found = self.chat.messages.last_editable()
        if found is not None:
            row, seq, text = found
            self.panel.messages.setCurrentIndex(self.chat.messages.index(row, 0))
            self.panel.messages.scrollTo(self.chat.messages.index(row, 0))
            self._edit(seq, text)

    def _delete(self, seq: int) -> None:
        answer = QMessageBox.question(
            self.window,
            "Delete message",
            "Delete this message for everyone?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.chat.delete_message(seq)

    def _show_pins(self) -> None:
        self.panel.pinned_bar.set_pins(
            [(p.confirmed_seq, p.text, p.attachments) for p in self.chat.pins.pins]
        )

    def _jump_to_pin(self, seq: int) -> None:
        conversation_id = self.chat.open_conversation_id
        if conversation_id is not None:
            self.chat.jump_to_message(conversation_id, seq)

    def _hide(self, seq: int) -> None:
        answer = QMessageBox.question(
            self.window,
            "Delete for me",
            "Delete this message for you, on all your devices? The others still see it.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.chat.hide_message(seq)

    def _rename_self(self) -> None:
        name = ask_display_name(self.window, self.chat.user.get("display_name", ""))
        if name:
            self.chat.update_profile(display_name=name)

    def _on_users_found(self, users: list) -> None:
        if self.members_dialog is not None and self.members_dialog.isVisible():
            self.members_dialog.set_search_results(users)
        elif self.new_chat_dialog is not None:
            self.new_chat_dialog.set_results(users)

    # dialogs
    def show_new_chat(self) -> NewChatDialog:
        dialog = NewChatDialog(self.chat.my_id, self.window)
        dialog.search_requested.connect(self.chat.search_users)
        dialog.direct_requested.connect(self.chat.start_direct)
        dialog.group_requested.connect(self.chat.create_group)
        self.new_chat_dialog = dialog
        dialog.open()
        return dialog

    def show_new_group(self) -> NewChatDialog:
        """The welcome's "New group": the new chat dialog, already picking several people."""
        dialog = self.show_new_chat()
        dialog.group_button.setChecked(True)
        return dialog

    def show_forward(self, seq: int) -> ForwardDialog | None:
        """Forward… on a message of the open conversation: to the ticked ones of my conversations."""
        conversation_id = self.chat.open_conversation_id
        if conversation_id is None:
            return None
        choices = forward_choices(self.chat.conversation_list, self.chat.my_id, self.window)
        if self.forward_dialog is not None:
            self.forward_dialog.deleteLater()  # one at a time; the last one is kept until the next
        dialog = ForwardDialog(choices, self.window)
        forwarding = self.chat.forwarding  # not self: the dialog holds no reference to this session
        dialog.chosen.connect(lambda ids: forwarding.forward(conversation_id, seq, ids))
        dialog.open()
        self.forward_dialog = dialog
        return dialog

    def show_jump(self) -> JumpDialog:
        dialog = JumpDialog(self.chat.conversations, self.window)
        dialog.chosen.connect(self.chat.open_conversation)
        dialog.open()
        return dialog

    def show_members(self) -> MembersDialog | None:
        conversation = self.chat.open_conversation_record()
        if conversation is None or conversation.kind != "group":
            return None
        dialog = MembersDialog(conversation, self.chat.my_id, self.window)
        conversation_id = conversation.id
        dialog.search_requested.connect(self.chat.search_users)
        dialog.rename_requested.connect(lambda title: self.chat.rename_group(conversation_id, title))
        dialog.add_requested.connect(lambda ids: self.chat.add_members(conversation_id, ids))
        dialog.remove_requested.connect(lambda user_id: self.chat.remove_member(conversation_id, user_id))
        self.members_dialog = dialog
        dialog.open()
        return dialog

    def show_delete_account(self) -> DeleteAccountDialog:
        dialog = DeleteAccountDialog(self.window)
        dialog.confirmed.connect(lambda password: self.chat.delete_account(password, dialog.show_error))
        self.delete_dialog = dialog
        dialog.open()
        return dialog
