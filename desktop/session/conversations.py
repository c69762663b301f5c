"""The session's wiring of conversation management: the list's context menu and the header's profile panel
to the conversation controller (pin, mute, read or unread, delete for me, leave)."""

from __future__ import annotations

from PySide6.QtCore import QObject

from desktop.controller.chat import ChatController
from desktop.views.main_window import MainWindow
from desktop.views.profile_panel import ProfilePanel


class ConversationManagement(QObject):
    def __init__(self, chat: ChatController, window: MainWindow) -> None:
        super().__init__(window)
        self.chat = chat
        self.window = window
        self.profile_panel: ProfilePanel | None = None
        actions = chat.conversation_actions
        menu = window.conversation_menu
        menu.pin_requested.connect(actions.set_pinned)
        menu.mute_requested.connect(actions.set_muted)
        menu.mentions_when_muted_requested.connect(actions.set_mentions_when_muted)
        menu.mark_read_requested.connect(actions.mark_read)
        menu.mark_unread_requested.connect(actions.mark_unread)
        menu.delete_requested.connect(actions.delete_for_me)
        menu.leave_requested.connect(chat.leave_group)
        window.chat_panel.profile_requested.connect(self.show_profile)
        chat.conversation_changed.connect(self._refresh_profile)
        chat.header_changed.connect(lambda: self._refresh_profile(chat.open_conversation_id or 0))
        chat.conversation_closed.connect(self._close_profile)

    def show_profile(self) -> ProfilePanel | None:
        info = self.chat.open_profile()
        if info is None:
            return None
        self._close_profile()
        panel = ProfilePanel(info, self.window)
        panel.mute_toggled.connect(self.chat.conversation_actions.set_muted)
        panel.leave_requested.connect(
            lambda conversation_id: self.window.conversation_menu.ask_leave(conversation_id, panel.info.title)
        )
        self.profile_panel = panel
        panel.open()
        return panel

    def _refresh_profile(self, conversation_id: int) -> None:
        panel = self.profile_panel
        if panel is None or not panel.isVisible() or panel.info.conversation_id != conversation_id:
            return
        info = self.chat.open_profile()
        if info is not None and info.conversation_id == conversation_id:
            panel.set_info(info)

    def _close_profile(self) -> None:
        if self.profile_panel is not None:
            self.profile_panel.close()
            self.profile_panel = None

    def close_all(self) -> None:
        self._close_profile()
        question = self.window.conversation_menu.question
        if question is not None:
            question.close()
