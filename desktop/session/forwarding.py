"""What the Forward… dialog lists: my conversations in the list's order, each with its picture."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt

from desktop.models.roles import ConversationRole
from desktop.views.avatars import avatar_pixmap
from desktop.views.forward_dialog import ForwardChoice
from desktop.views.main_window import MainWindow

AVATAR = 28


def forward_choices(listed: QSortFilterProxyModel, my_id: int, window: MainWindow) -> list[ForwardChoice]:
    """``listed``: the chat's conversation list (its order, without those deleted for me)."""
    picture_of = window.conversation_delegate.avatar_source
    ratio = window.devicePixelRatioF()
    choices = []
    for row in range(listed.rowCount()):
        index = listed.index(row, 0)
        conversation = index.data(ConversationRole.CONVERSATION)
        title = index.data(Qt.ItemDataRole.DisplayRole) or ""
        others = " ".join(m.display_name for m in conversation.members if m.user_id != my_id)
        picture = picture_of(conversation) if picture_of is not None else None
        key = int(index.data(ConversationRole.AVATAR_KEY) or 0)
        disc = avatar_pixmap(AVATAR, picture, title, key, window.font(), ratio)
        choices.append(ForwardChoice(conversation.id, title, others, disc))
    return choices
