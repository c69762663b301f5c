"""Plays one audio file at a time inside its bubble: play/pause and progress are painted by the delegate from
the AttachmentMedia state this object keeps up to date."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal

from desktop.models.attachment_media import AttachmentMedia, AudioState
from desktop.views.multimedia import multimedia_available


class InlineAudioPlayer(QObject):
    """Signals: failed(str file_id, str message) — the backend could not play it (open it elsewhere)."""

    failed = Signal(str, str)

    def __init__(self, media: AttachmentMedia, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.media = media
        self.available = multimedia_available()
        self.file_id: str | None = None
        self._player = None
        self._output = None
        if self.available:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            self._player = QMediaPlayer(self)
            self._output = QAudioOutput(self)
            self._player.setAudioOutput(self._output)
            self._player.positionChanged.connect(self._publish)
            self._player.durationChanged.connect(self._publish)
            self._player.playbackStateChanged.connect(self._publish)
            self._player.mediaStatusChanged.connect(self._on_status)
            self._player.errorOccurred.connect(self._on_error)

    def toggle(self, file_id: str, path: Path) -> None:
        """Play ``path`` (file ``file_id``), or pause/resume it if it is the one loaded."""
        if self._player is None:
            self.failed.emit(file_id, "Audio playback is not available here.")
            return
        from PySide6.QtMultimedia import QMediaPlayer

        if self.file_id == file_id:
            if self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
                self._player.pause()
            else:
                self._player.play()
            return
        self._player.stop()
        self.file_id = file_id
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()
        self._publish()

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())
        self.file_id = None
        self.media.set_audio(None)

    def _publish(self, *_args) -> None:
        if self._player is None or self.file_id is None:
            return
        from PySide6.QtMultimedia import QMediaPlayer

        self.media.set_audio(
            AudioState(
                self.file_id,
                self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState,
                int(self._player.position()),
                int(self._player.duration()),
            )
        )

    def _on_status(self, status) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if status == QMediaPlayer.MediaStatus.EndOfMedia and self._player is not None:
            self._player.setPosition(0)
            self._player.pause()
            self._publish()

    def _on_error(self, _error, message: str) -> None:
        file_id = self.file_id or ""
        self.stop()
        self.failed.emit(file_id, message or "This audio could not be played.")
