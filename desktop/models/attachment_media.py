"""What the bubble painter needs to draw files beyond the model: previews, download and playback progress."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QPixmap


@dataclass
class AudioState:
    file_id: str
    playing: bool
    position_ms: int
    duration_ms: int


class AttachmentMedia(QObject):
    """Shared by the delegate (reads) and the file controller and players (write). Signals: changed() —
    something visible moved, repaint the messages."""

    changed = Signal()

    def __init__(self, thumbnails=None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails  # an ImageStore keyed by file id, or None (nothing fetched)
        self.downloads: dict[str, float] = {}  # file id -> fraction done, while downloading
        self.audio: AudioState | None = None
        if thumbnails is not None:
            thumbnails.ready.connect(self._on_ready)

    def _on_ready(self, _key: str) -> None:
        self.changed.emit()

    def thumbnail(self, file_id: str) -> QPixmap | None:
        return self.thumbnails.pixmap(file_id) if self.thumbnails is not None else None

    def set_download(self, file_id: str, fraction: float | None) -> None:
        if fraction is None:
            self.downloads.pop(file_id, None)
        else:
            self.downloads[file_id] = fraction
        self.changed.emit()

    def set_audio(self, state: AudioState | None) -> None:
        self.audio = state
        self.changed.emit()

    def audio_for(self, file_id: str) -> AudioState | None:
        return self.audio if self.audio is not None and self.audio.file_id == file_id else None
