"""A conversation's menu (the list's context menu, the profile panel): pin, mute, read or unread, leave,
delete for me; leaving and deleting ask first."""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Signal
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from desktop.domain.records import Conversation


class ConversationMenu(QObject):
    """Signals: pin_requested(int, bool), mute_requested(int, bool), mentions_when_muted_requested(int,
    bool), mark_read_requested(int),
    mark_unread_requested(int), leave_requested(int), delete_requested(int) — each after any question
    was answered yes."""

    pin_requested = Signal(int, bool)
    mute_requested = Signal(int, bool)
    mentions_when_muted_requested = Signal(int, bool)
    mark_read_requested = Signal(int)
    mark_unread_requested = Signal(int)
    leave_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.menu: QMenu | None = None  # the last one shown (tests trigger its actions)
        self.question: QMessageBox | None = None  # the open "Leave…?" or "Delete…?" question

    def build(self, conversation: Conversation, title: str) -> QMenu:
        menu = QMenu(self._parent)
        menu.setAccessibleName(f"Conversation menu: {title}")
        cid = conversation.id
        pinned = conversation.me.pinned_at is not None
        menu.addAction("Unpin" if pinned else "Pin to top").triggered.connect(
            lambda: self.pin_requested.emit(cid, not pinned)
        )
        muted = conversation.me.muted
        menu.addAction("Unmute" if muted else "Mute notifications").triggered.connect(
            lambda: self.mute_requested.emit(cid, not muted)
        )
        if conversation.kind == "group":  # a 1:1 has no mentions
            mentions = menu.addAction("Notify me of mentions when muted")
            mentions.setCheckable(True)
            mentions.setChecked(conversation.me.mentions_when_muted)
            on = conversation.me.mentions_when_muted
            mentions.triggered.connect(lambda: self.mentions_when_muted_requested.emit(cid, not on))
        if conversation.shows_unread:
            menu.addAction("Mark as read").triggered.connect(lambda: self.mark_read_requested.emit(cid))
        else:
            menu.addAction("Mark as unread").triggered.connect(lambda: self.mark_unread_requested.emit(cid))
        menu.addSeparator()
        if conversation.kind == "group":
            menu.addAction("Leave group…").triggered.connect(lambda: self.ask_leave(cid, title))
        menu.addAction("Delete chat for me…").triggered.connect(lambda: self.ask_delete(cid, title))
        self.menu = menu
        return menu

    def popup(self, conversation: Conversation, title: str, at: QPoint) -> QMenu:
        menu = self.build(conversation, title)
        menu.popup(at)
        return menu

    def ask_leave(self, conversation_id: int, title: str) -> QMessageBox:
        return self._ask(
            "Leave group",
            f"Leave “{title}”? You stop getting its messages; someone in it can add you back.",
            "Leave",
            lambda: self.leave_requested.emit(conversation_id),
        )

    def ask_delete(self, conversation_id: int, title: str) -> QMessageBox:
        return self._ask(
            "Delete chat",
            f"Delete the chat “{title}” from your list, on all your devices? It comes back when a new "
            "message arrives. The others keep it.",
            "Delete for me",
            lambda: self.delete_requested.emit(conversation_id),
        )

    def _ask(self, title: str, text: str, action: str, on_yes) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, self._parent
        )
        box.setTextFormat(box.textFormat().PlainText)
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(yes)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda button: on_yes() if button is yes else None)
        box.finished.connect(lambda _: setattr(self, "question", None))
        self.question = box
        box.open()
        return box
