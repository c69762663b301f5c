"""Getting files to the user: server previews (disk cache keyed by file id), profile pictures (keyed by user
and avatar version), whole files for viewing and playing (a size-bounded media cache) and "Save as…" copies,
all through the transfer queues with progress shown in the bubbles."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.cache.images import ImageStore, prune_directory
from desktop.controller.errors import describe_error
from desktop.domain.attachments import Attachment
from desktop.models.attachment_media import AttachmentMedia
from desktop.net.http import TransferCancelled
from desktop.net.transfers import TransferService

log = logging.getLogger(__name__)
MEDIA_CACHE_BYTES = 1024 * 1024 * 1024  # whole files kept for viewing and playing, oldest dropped first
SMALL = "small"  # the profile picture size the client shows (the server also has "large")


def avatar_key(user_id: int, version: int, size: str = SMALL) -> str:
    return f"{int(user_id)}-{int(version)}-{size}"


def _media_name(attachment: Attachment) -> str:
    """The id plus a tame extension (system players go by it); never the sender's file name as a path."""
    suffix = Path(attachment.name).suffix.lower()
    return attachment.file_id + (suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else "")


class FileAccess(QObject):
    """Signals: saved(str path), failed(str message)."""

    saved = Signal(str)
    failed = Signal(str)

    def __init__(self, transfers: TransferService, files_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.transfers = transfers
        self.files_dir = Path(files_dir)
        self.thumbnails = ImageStore(self.files_dir / "thumbnails", self._fetch_thumbnail)
        self.avatars = ImageStore(self.files_dir / "avatars", self._fetch_avatar)
        self.media = AttachmentMedia(self.thumbnails, self)
        self.media_dir = self.files_dir / "media"
        self.media_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        prune_directory(self.media_dir, MEDIA_CACHE_BYTES)
        self._waiting: dict[str, list[Callable[[Path], None]]] = {}  # file id -> who wants the whole file
        transfers.progress.connect(self._on_progress)

    # previews and profile pictures
    def _fetch_thumbnail(self, key: str, done, failed) -> None:
        self.transfers.call(lambda api: api.thumbnail(key), done, failed)

    def _fetch_avatar(self, key: str, done, failed) -> None:
        user_id, _version, size = key.split("-")
        self.transfers.call(lambda api: api.avatar(int(user_id), size), done, failed)

    def avatar(self, user_id: int, version: int | None, size: str = SMALL):
        """The profile picture, or None (none set, or still coming: ``avatars.ready`` follows)."""
        if not version:
            return None
        return self.avatars.pixmap(avatar_key(user_id, version, size))

    # whole files
    def media_path(self, attachment: Attachment) -> Path:
        return self.media_dir / _media_name(attachment)

    def local_copy(self, attachment: Attachment, on_ready: Callable[[Path], None]) -> None:
        """The whole file in the media cache (downloaded once, with progress in its bubble)."""
        path = self.media_path(attachment)
        if path.is_file() and path.stat().st_size == attachment.size:
            path.touch()
            on_ready(path)
            return
        file_id = attachment.file_id
        waiting = self._waiting.setdefault(file_id, [])
        waiting.append(on_ready)
        if len(waiting) > 1:
            return  # already on its way
        self.media.set_download(file_id, 0.0)
        self.transfers.download(
            f"dl:{file_id}",
            file_id,
            path,
            lambda _size: self._downloaded(file_id, path),
            lambda error: self._download_failed(file_id, error),
        )

    def _downloaded(self, file_id: str, path: Path) -> None:
        self.media.set_download(file_id, None)
        for callback in self._waiting.pop(file_id, []):
            callback(path)

    def _download_failed(self, file_id: str, error: Exception) -> None:
        self.media.set_download(file_id, None)
        self._waiting.pop(file_id, None)
        if not isinstance(error, TransferCancelled):
            self.failed.emit(f"The download failed: {describe_error(error)}")

    @Slot(str, int, int)
    def _on_progress(self, key: str, done: int, total: int) -> None:
        if key.startswith("dl:"):
            file_id = key[3:]
            if file_id in self.media.downloads:
                self.media.set_download(file_id, done / total if total else 0.0)

    def save_as(self, attachment: Attachment, destination: Path) -> None:
        """The exact bytes at ``destination``: copied from the media cache, downloaded into it first if
        need be (the copy runs on the download thread, so a big file never stalls the window)."""
        destination = Path(destination)

        def copy(source: Path) -> None:
            self.transfers.call(
                lambda _api: shutil.copyfile(source, destination),
                lambda _: self.saved.emit(str(destination)),
                lambda error: self.failed.emit(f"Could not save {destination.name}: {error}"),
                queue="downloads",
            )

        self.local_copy(attachment, copy)
