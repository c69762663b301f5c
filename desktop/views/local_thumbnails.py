"""Thumbnails of the user's own files before they are sent (the attachment tray): decoded at the size shown,
on a worker thread, so that staging a folder of 20-megapixel photos never stalls typing.

These are the user's own local files, so decoding them here is no exposure (the server makes the previews
that others see). Video posters come from QtMultimedia when it is there (its decoder runs on its own
threads); without it a video keeps its card's film icon."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QSize, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QImage, QImageReader

from desktop.views.multimedia import multimedia_available

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"}
VIDEO_SUFFIXES = {".mp4", ".webm", ".mov", ".mkv", ".m4v", ".avi"}


def kind_of(path: Path) -> str:
    """ "image", "video" or "file", by name: the card is chosen before anything is read."""
    suffix = path.suffix.lower()
    return "image" if suffix in IMAGE_SUFFIXES else "video" if suffix in VIDEO_SUFFIXES else "file"


def read_scaled(path: Path, size: QSize) -> QImage:
    """The picture cropped to fill ``size`` (a tile), decoded no larger than needed; null on failure."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)  # phone photos stand upright
    full = reader.size()
    if full.isValid() and full.width() > 0 and full.height() > 0:
        scale = max(size.width() / full.width(), size.height() / full.height())
        if scale < 1:
            reader.setScaledSize(
                QSize(max(1, round(full.width() * scale)), max(1, round(full.height() * scale)))
            )
    image = reader.read()
    if image.isNull():
        return image
    image = image.scaled(
        size, Qt.AspectRatioMode.KeepAspectRatioByExpanding, Qt.TransformationMode.SmoothTransformation
    )
    x, y = (image.width() - size.width()) // 2, (image.height() - size.height()) // 2
    return image.copy(x, y, size.width(), size.height())


class _ImageJob(QRunnable):
    def __init__(self, loader: ThumbnailLoader, path: Path, size: QSize) -> None:
        super().__init__()
        self.loader, self.path, self.size = loader, path, size

    def run(self) -> None:
        image = read_scaled(self.path, self.size)
        self.loader.ready.emit(str(self.path), image)  # queued to the loader's (the UI) thread


class ThumbnailLoader(QObject):
    """Signals: ready(str path, QImage) — null when the file could not be decoded. One lives as long as
    the app (``loader()``), so a job that finishes after its card is gone still has someone to tell."""

    ready = Signal(str, QImage)

    def __init__(self) -> None:
        super().__init__()
        self._posters: list[QObject] = []

    def request(self, path: Path, size: QSize) -> None:
        kind = kind_of(path)
        if kind == "image":
            QThreadPool.globalInstance().start(_ImageJob(self, path, size))
        elif kind == "video" and multimedia_available():
            self._poster(path, size)

    def _poster(self, path: Path, size: QSize) -> None:
        from PySide6.QtMultimedia import QMediaPlayer, QVideoFrame, QVideoSink

        player = QMediaPlayer(self)
        sink = QVideoSink(player)
        player.setVideoSink(sink)
        self._posters.append(player)

        def done(image: QImage) -> None:
            if player not in self._posters:
                return
            self._posters.remove(player)
            player.stop()
            player.deleteLater()
            if not image.isNull():
                image = image.scaled(
                    size,
                    Qt.AspectRatioMode.KeepAspectRatioByExpanding,
                    Qt.TransformationMode.SmoothTransformation,
                )
                x, y = (image.width() - size.width()) // 2, (image.height() - size.height()) // 2
                image = image.copy(x, y, size.width(), size.height())
            self.ready.emit(str(path), image)

        def on_frame(frame: QVideoFrame) -> None:
            if frame.isValid():
                done(frame.toImage())

        def on_error(*_: object) -> None:
            log.info("no poster frame for %s: %s", path.name, player.errorString())
            done(QImage())

        sink.videoFrameChanged.connect(on_frame)
        player.errorOccurred.connect(on_error)
        player.mediaStatusChanged.connect(
            lambda status: done(QImage()) if status == QMediaPlayer.MediaStatus.InvalidMedia else None
        )
        player.setSource(QUrl.fromLocalFile(str(path)))  # no audio output set: it plays silently
        player.play()


_loader: ThumbnailLoader | None = None


def loader() -> ThumbnailLoader:
    global _loader
    if _loader is None:
        _loader = ThumbnailLoader()
    return _loader
