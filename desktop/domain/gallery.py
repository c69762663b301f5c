"""The pictures and videos of a conversation, in the order of its history: what the media viewer's ← and
→ step through (only what the client holds: the loaded history and the cache, never a server round trip)."""

from __future__ import annotations

from collections.abc import Iterable

from desktop.domain.attachments import IMAGE, VIDEO, Attachment
from desktop.domain.records import Message


def gallery_of(messages: Iterable[Message]) -> list[Attachment]:
    """Oldest first, each message's files in the order it carries them; files still uploading, deleted
    messages and files without a server-made preview (shown as file cards, not media) are left out."""
    return [
        attachment
        for message in messages
        if not message.deleted
        for attachment in message.attachments
        if attachment.uploaded and attachment.kind in (IMAGE, VIDEO)
    ]


def position_of(gallery: list[Attachment], file_id: str) -> int:
    """Where the file clicked sits in the gallery (the first place, should it be shown twice); 0 if absent."""
    for index, attachment in enumerate(gallery):
        if attachment.id == file_id:
            return index
    return 0
