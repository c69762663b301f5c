"""Small images from the server (file thumbnails, profile pictures) kept on disk and in memory.

The delegates ask for a picture while painting; a miss answers None at once and asks ``fetch`` for the bytes
(off the UI thread, through the controller's transfer queue), and ``ready`` tells the views to repaint when
they arrive. Everything fetched is checked to be a small image before it is kept or decoded."""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QSize, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

log = logging.getLogger(__name__)

MAX_SIDE = 1024  # the server's previews fit in 512×512; anything bigger is not one of them
RETRY_AFTER = 30.0  # seconds before a fetch that failed (offline) is tried again
Fetch = Callable[[str, Callable[[bytes | None], None], Callable[[Exception], None]], None]


def decode_small_image(data: bytes, max_side: int = MAX_SIDE) -> QImage | None:
    """Decodes only if the header says the image is small: a hostile "thumbnail" is never fully decoded."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size: QSize = reader.size()
    if not size.isValid() or size.width() > max_side or size.height() > max_side:
        return None
    image = reader.read()
    return None if image.isNull() else image


class ImageStore(QObject):
    """Pictures by key, each a file in ``directory``. Signals: ready(str key)."""

    ready = Signal(str)

    def __init__(self, directory: Path, fetch: Fetch, *, memory_bytes: int = 96 * 1024 * 1024) -> None:
        super().__init__()
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._fetch = fetch
        self._memory: OrderedDict[str, QPixmap] = OrderedDict()
        self._memory_bytes = memory_bytes  # decoded pixels kept in memory, the least recently used go first
        self._memory_used = 0
        self._asked: dict[str, float] = {}  # key -> when it was asked for (or failed)
        self._missing: set[str] = set()  # the server has none (404): not asked again this session
        self.fetches = 0  # how many times the server was asked (tests check the disk cache is used)

    def _path(self, key: str) -> Path:
        return self.directory / key

    def cached(self, key: str) -> QPixmap | None:
        """Memory, then disk; never the network."""
        pixmap = self._memory.get(key)
        if pixmap is not None:
            self._memory.move_to_end(key)
            return pixmap
        path = self._path(key)
        if not path.is_file():
            return None
        image = decode_small_image(path.read_bytes())
        if image is None:
            path.unlink(missing_ok=True)
            return None
        return self._remember(key, QPixmap.fromImage(image))

    def pixmap(self, key: str) -> QPixmap | None:
        """The picture if it is here; otherwise None now, a fetch, and ``ready(key)`` once it came."""
        pixmap = self.cached(key)
        if pixmap is not None or key in self._missing:
            return pixmap
        asked = self._asked.get(key)
        if asked is not None and time.monotonic() - asked < RETRY_AFTER:
            return None
        self._asked[key] = time.monotonic()
        self.fetches += 1
        self._fetch(key, lambda data: self._arrived(key, data), lambda error: self._failed(key, error))
        return None

    def _remember(self, key: str, pixmap: QPixmap) -> QPixmap:
        old = self._memory.pop(key, None)
        if old is not None:
            self._memory_used -= _cost(old)
        self._memory[key] = pixmap
        self._memory_used += _cost(pixmap)
        while self._memory_used > self._memory_bytes and len(self._memory) > 1:
            _, dropped = self._memory.popitem(last=False)
            self._memory_used -= _cost(dropped)
        return pixmap

    def _arrived(self, key: str, data: bytes | None) -> None:
        image = decode_small_image(data) if data else None
        if image is None or data is None:
            self._missing.add(key)
            return
        path = self._path(key)
        partial = path.with_name(path.name + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)
        self._asked.pop(key, None)
        self._remember(key, QPixmap.fromImage(image))
        self.ready.emit(key)

    def _failed(self, key: str, error: Exception) -> None:
        log.info("could not fetch picture %s: %s", key, error)
        self._asked[key] = time.monotonic()  # try again after RETRY_AFTER

    def forget(self, key: str) -> None:
        dropped = self._memory.pop(key, None)
        if dropped is not None:
            self._memory_used -= _cost(dropped)
        self._missing.discard(key)
        self._asked.pop(key, None)
        self._path(key).unlink(missing_ok=True)


def _cost(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * 4


def prune_directory(directory: Path, keep_bytes: int) -> None:
    """Oldest files first until the directory holds at most ``keep_bytes`` (a cache of whole files)."""
    if not directory.is_dir():
        return
    files = [(p.stat().st_mtime, p.stat().st_size, p) for p in directory.iterdir() if p.is_file()]
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= keep_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size


def remove_tree(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
