"""An uploaded body streamed to a staging file under a size limit and a quota: for files and avatars alike."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO, Protocol

from server.errors import ApiError, PayloadTooLarge, QuotaExceeded
from server.files.sniff import SNIFF_BYTES
from server.files.store import FileStore
from server.offload import run_blocking

CHUNK_BYTES = 256 * 1024


class Body(Protocol):
    """The request body as the api layer hands it over: ``read`` raises :class:`OverLimit` when the
    transport's own size guard stops a body that declared no length."""

    def read(self, size: int = -1, /) -> bytes: ...


class OverLimit(Exception):
    """The body passed the transport's size guard (werkzeug's, in the api layer)."""


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size} bytes"


def too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"a file may be at most {megabytes(limit)}")


def over_quota(room: int) -> QuotaExceeded:
    return QuotaExceeded(f"this file does not fit in your storage quota ({megabytes(max(room, 0))} left)")


def check_declared(declared: int | None, limit: int, room: int | None) -> None:
    """Refuse a body by its Content-Length, before a byte of it is read."""
    if declared is None:
        return
    if declared > limit:
        raise too_large(limit)
    if room is not None and declared > room:
        raise over_quota(room)


def receive(
    stream: Body, target: Path, limit: int, room: int | None, declared: int | None
) -> tuple[int, bytes, bytes]:
    """Copy the body to ``target`` in chunks, refusing it as soon as it passes ``limit`` or ``room``:
    (size, SHA-256, the first bytes for sniffing).

    A body shorter than its Content-Length is a client that went away (a cancelled upload): gunicorn ends
    such a stream quietly, so without this check half a file would be kept as if it were whole. The socket
    is read on the event loop (cooperative); hashing and writing each chunk go to the thread pool, which
    also makes every chunk a point where the worker's other sockets get their turn."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    with open(target, "wb") as out:
        while True:
            try:
                chunk = stream.read(CHUNK_BYTES)
            except OverLimit:
                raise too_large(limit) from None
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            if room is not None and size > room:
                raise over_quota(room)
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            run_blocking(_hash_and_write, digest, out, chunk)
    if declared is not None and size < declared:
        raise ApiError(f"the upload ended after {size} of its {declared} bytes; nothing was kept")
    return size, digest.digest(), head


def _hash_and_write(digest: hashlib._Hash, out: BinaryIO, chunk: bytes) -> None:
    digest.update(chunk)
    out.write(chunk)


def put(store: FileStore, staged: Path, key: str) -> None:
    """``store.put`` (fsync, rename, folder fsync) in the thread pool: an fsync can take many milliseconds."""
    run_blocking(store.put, staged, key)
