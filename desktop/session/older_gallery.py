"""The media viewer's ← past the first loaded picture or video: older history, page after page, until one
holds media (or the conversation's start), prepended to the gallery the viewer steps through."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from desktop.controller.older_media import OlderMedia
from desktop.domain.attachments import Attachment
from desktop.domain.gallery import gallery_of
from desktop.views.media_viewer import MediaItem, MediaViewer

OFFLINE = "Older pictures and videos cannot be loaded while offline."


class OlderGallery(QObject):
    """``gallery``: the session's list (oldest first), extended in place; ``item_for``: its viewer item."""

    def __init__(
        self, older: OlderMedia, gallery: list[Attachment], item_for: Callable[[Attachment], MediaItem]
    ) -> None:
        super().__init__(older)
        self.older = older
        self.gallery = gallery
        self.item_for = item_for
        self.viewer: MediaViewer | None = None
        self.conversation_id: int | None = None
        self.next_before = 1
        older.page_loaded.connect(self._on_page)
        older.unavailable.connect(self._on_unavailable)

    def attach(self, viewer: MediaViewer) -> None:
        if self.viewer is not viewer:
            self.viewer = viewer
            viewer.older_wanted.connect(self._load)

    def start(self, conversation_id: int | None, before_seq: int | None) -> bool:
        """A new gallery of ``conversation_id`` whose oldest loaded message is ``before_seq``; whether
        anything older may exist."""
        self.conversation_id = conversation_id
        self.next_before = before_seq or 1
        return conversation_id is not None and self.next_before > 1

    def _load(self) -> None:
        if self.conversation_id is not None:
            self.older.load_before(self.conversation_id, self.next_before)

    def _wanted(self, conversation_id: int, before_seq: int) -> bool:
        """Still asked for: not closed, not another gallery, not an answer a newer one made stale."""
        viewer = self.viewer
        return (
            viewer is not None
            and viewer.isVisible()
            and viewer.loading_older
            and (conversation_id, before_seq) == (self.conversation_id, self.next_before)
        )

    def _on_page(
        self, conversation_id: int, before_seq: int, messages: list, next_before: int, at_start: bool
    ) -> None:
        if not self._wanted(conversation_id, before_seq) or self.viewer is None:
            return  # closed, or another gallery meanwhile
        self.next_before = next_before
        media = gallery_of(messages)
        if media:
            self.gallery[0:0] = media
            self.viewer.more_before = not at_start
            self.viewer.prepend_items([self.item_for(a) for a in media])
        elif at_start:
            self.viewer.older_ended()
        else:  # a page of text only: the next one, after the event loop had its turn
            QTimer.singleShot(0, self._load)

    def _on_unavailable(self, conversation_id: int, before_seq: int) -> None:
        if self._wanted(conversation_id, before_seq) and self.viewer is not None:
            self.viewer.older_failed(OFFLINE)
