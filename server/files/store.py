"""Where the bytes of files live: a small interface, and the local-directory store behind it.

Keys are chosen by the server (random ids plus a suffix), never taken from a user's file name. Uploads are
first written to a staging file on local disk (sniffed, hashed and previewed there), then handed to the
store with ``put``. An S3-compatible store implements the same five methods: ``put`` becomes an upload of
the staged file (multipart for large ones), ``open`` a ranged GET, ``local_path`` returns None (the download
route then streams from ``open``), ``delete`` a DeleteObjects call; staging stays on local disk.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

_KEY = re.compile(r"[0-9a-z][0-9a-z.-]{1,127}")


def check_key(key: str) -> str:
    """Keys are short, lower-case, dot-separated: never a path, so never a way out of the store."""
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"bad file store key {key!r}")
    return key


class FileStore(ABC):
    """Bytes by key. Every method is safe to call from several processes at once."""

    @abstractmethod
    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        """A fresh local file to write an upload into; removed when the block ends unless ``put`` took it."""

    @abstractmethod
    def put(self, staged: Path, key: str) -> None:
        """Make the staged file durable under ``key`` (the staged file is consumed)."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A seekable binary reader of the object; FileNotFoundError when it is missing."""

    @abstractmethod
    def local_path(self, key: str) -> Path | None:
        """A path on this machine to serve from (sendfile, Range), or None when the store is remote."""

    @abstractmethod
    def delete(self, keys: Iterable[str]) -> None:
        """Remove objects; keys already gone are fine (deletes are retried after a crash)."""

    def sweep_staging(self, older_than_seconds: float) -> int:
        """Remove staging files left by a crashed upload; returns how many. Optional."""
        return 0


class LocalFileStore(FileStore):
    """A directory (``$CHATIDK_DATA_DIR/files``) with objects in two-character shard folders.

    ``put`` is fsync of the data, an atomic rename on the same file system, then fsync of the folder: after a
    crash an object is either whole or absent, never half written.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._staging = self.root / "staging"
        self._staging.mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o700)

    def _path(self, key: str) -> Path:
        key = check_key(key)
        return self.root / key[:2] / key

    @contextlib.contextmanager
    def staging(self) -> Iterator[Path]:
        path = self._staging / f"upload-{secrets.token_hex(16)}.part"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        try:
            yield path
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def put(self, staged: Path, key: str) -> None:
        target = self._path(key)
        target.parent.mkdir(exist_ok=True)
        with open(staged, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(staged, target)
        _fsync_dir(target.parent)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def delete(self, keys: Iterable[str]) -> None:
        folders = set()
        for key in keys:
            path = self._path(key)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                folders.add(path.parent)
        for folder in folders:
            _fsync_dir(folder)

    def sweep_staging(self, older_than_seconds: float) -> int:
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self._staging.glob("upload-*.part"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
        return removed

    def keys(self) -> list[str]:
        """Every stored key (tests and maintenance)."""
        return sorted(p.name for p in self.root.glob("??/*") if p.is_file())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_store(data_dir: Path) -> FileStore:
    """The store the configuration asks for; only the local one exists today."""
    return LocalFileStore(Path(data_dir) / "files")
