"""The composer's "@" list: the open group's other members, with their pictures."""

from __future__ import annotations

from desktop.controller.chat import ChatController
from desktop.views.avatars import avatar_pixmap
from desktop.views.chat_panel import ChatPanel
from desktop.views.mention_popup import MentionCandidate, MentionPopup

AVATAR = 24


def attach_mention_popup(chat: ChatController, panel: ChatPanel) -> MentionPopup:
    def candidates() -> list[MentionCandidate]:
        conversation = chat.open_conversation_record()
        if conversation is None or conversation.kind != "group":
            return []  # a 1:1 has no mentions
        picture_of = panel.messages.bubble_delegate.avatar_source
        ratio = panel.devicePixelRatioF()
        found = []
        for member in conversation.members:
            if member.user_id == chat.my_id or member.deleted or not member.username:
                continue
            picture = picture_of(member.user_id) if picture_of is not None else None
            disc = avatar_pixmap(AVATAR, picture, member.display_name, member.user_id, panel.font(), ratio)
            found.append(MentionCandidate(member.user_id, member.display_name, member.username, disc))
        return sorted(found, key=lambda c: c.display_name.casefold())

    return MentionPopup(panel.composer.edit, candidates, panel)
