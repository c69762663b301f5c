"""Files: streamed uploads under a size limit and a quota, attachments, access, previews, avatars, cleanup.

Who may fetch a file: its uploader, and the members of a conversation in which a (not deleted) message
carries it. Everyone else gets the very 404 an unknown id gets. A file lives as long as its message: deleting
the message, or the account, removes it from disk. An upload that is never sent is removed after
``Config.unsent_upload_seconds``, by a purge that uploads trigger (at most every few minutes per process).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import secrets
import shutil
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from werkzeug.exceptions import RequestEntityTooLarge

from server import render
from server.context import AppContext
from server.db import files as files_db
from server.errors import ApiError, Conflict, Forbidden, InvalidField, NotFound
from server.files import previews
from server.files.names import clean_filename
from server.files.sniff import SNIFF_BYTES, sniff
from server.files.store import FileStore, open_store
from server.offload import run_blocking
from server.services import events

log = logging.getLogger(__name__)

NOT_FOUND = "no such file"
CHUNK_BYTES = 256 * 1024
MAX_AVATAR_BYTES = 10 * 1024 * 1024
PURGE_EVERY_SECONDS = 600
_FILE_ID = re.compile(r"[0-9a-f]{32}")


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"


class QuotaExceeded(ApiError):
    status = 413
    code = "quota_exceeded"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "unsupported_media_type"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size} bytes"


# ---- the store -----------------------------------------------------------------------------------------

_stores: dict[Path, FileStore] = {}
_stores_lock = threading.Lock()


def store_for(app: AppContext) -> FileStore:
    """One store object per data directory, made on first use."""
    with _stores_lock:
        store = _stores.get(app.config.data_dir)
        if store is None:
            store = _stores[app.config.data_dir] = open_store(app.config.data_dir)
        return store


def remove_from_store(app: AppContext, keys: list[str]) -> None:
    """After the commit that deleted their rows: remove the bytes, then forget the trash entries.

    A failure here is only logged; the keys stay in ``file_trash`` and the next purge retries them.
    """
    if not keys:
        return
    try:
        run_blocking(store_for(app).delete, keys)  # unlinks and folder fsyncs: off the event loop
        with app.db.autocommit() as cur:
            files_db.forget_trash(cur, keys)
    except Exception:
        log.exception("could not remove %d stored objects; the next purge retries", len(keys))


_last_purge: dict[Path, float] = {}


def purge(app: AppContext) -> int:
    """Remove unsent uploads past their grace period and bytes a crash left behind; how many objects went."""
    with app.db.transaction() as cur:
        keys = files_db.delete_expired_uploads_txn(cur, app.config.unsent_upload_seconds)
    remove_from_store(app, keys)
    with app.db.autocommit() as cur:
        # Give a concurrent remove_from_store a minute to finish before taking its keys over.
        leftovers = files_db.take_trash(cur, older_than_seconds=60)
    remove_from_store(app, leftovers)
    swept = run_blocking(store_for(app).sweep_staging, 24 * 3600)
    return len(keys) + len(leftovers) + swept


def _purge_now_and_then(app: AppContext) -> None:
    now = time.monotonic()
    with _stores_lock:
        last = _last_purge.get(app.config.data_dir)
        if last is not None and now - last < PURGE_EVERY_SECONDS:
            return
        _last_purge[app.config.data_dir] = now
    try:
        purge(app)
    except Exception:
        log.exception("purging expired uploads failed")


# ---- uploads -------------------------------------------------------------------------------------------


def _receive(
    stream: BinaryIO, target: Path, limit: int, room: int | None, declared: int | None
) -> tuple[int, bytes, bytes]:
    """Copy the body to ``target`` in chunks, refusing it as soon as it passes ``limit`` or ``room``.

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
            except RequestEntityTooLarge:  # werkzeug's own guard on a body without Content-Length
                raise PayloadTooLarge(f"a file may be at most {_megabytes(limit)}") from None
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"a file may be at most {_megabytes(limit)}")
            if room is not None and size > room:
                raise QuotaExceeded(_quota_message(room))
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            run_blocking(_hash_and_write, digest, out, chunk)
    if declared is not None and size < declared:
        raise ApiError(f"the upload ended after {size} of its {declared} bytes; nothing was kept")
    return size, digest.digest(), head


def _hash_and_write(digest, out: BinaryIO, chunk: bytes) -> None:
    digest.update(chunk)
    out.write(chunk)


def _put(store: FileStore, staged: Path, key: str) -> None:
    """``store.put`` (fsync, rename, folder fsync) in the thread pool: an fsync can take many milliseconds."""
    run_blocking(store.put, staged, key)


def _quota_message(room: int) -> str:
    return f"this file does not fit in your storage quota ({_megabytes(max(room, 0))} left)"


class PreviewSlots:
    """How many previews one worker process makes at once; the others wait their turn, in order.

    A preview may cost hundreds of megabytes (an image just under the pixel cap, decoded whole) and seconds
    of CPU, so uploads arriving together queue here instead of multiplying that. ``running`` and
    ``waiting`` are for the log and the tests.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self.running = 0
        self.waiting = 0

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            self.waiting += 1
        self._slots.acquire()
        with self._lock:
            self.waiting -= 1
            self.running += 1
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1
            self._slots.release()


_preview_slots: dict[int, PreviewSlots] = {}


def preview_slots(app: AppContext) -> PreviewSlots:
    """This process's slots for the configured CHATIDK_PREVIEW_JOBS (one set per size, made on first use)."""
    size = app.config.preview_jobs
    with _stores_lock:
        slots = _preview_slots.get(size)
        if slots is None:
            slots = _preview_slots[size] = PreviewSlots(size)
        return slots


def _describe(app: AppContext, path: Path, content_type: str) -> previews.Preview:
    if not (previews.can_preview_image(content_type) or previews.can_probe_media(content_type)):
        return previews.Preview()
    with preview_slots(app).slot():
        if previews.can_preview_image(content_type):
            # Pillow holds the GIL-free C decoder for a while: off the event loop under gevent.
            return run_blocking(previews.image_preview, path, content_type)
        # ffmpeg runs as a subprocess (cooperative under gevent, bounded in memory and CPU time); decoding
        # its poster frame is offloaded.
        return previews.media_preview(
            path, content_type, app.config.preview_memory_mb * 1024 * 1024, offload=run_blocking
        )


def _check_declared(declared: int | None, limit: int, room: int | None) -> None:
    if declared is None:
        return
    if declared > limit:
        raise PayloadTooLarge(f"a file may be at most {_megabytes(limit)}")
    if room is not None and declared > room:
        raise QuotaExceeded(_quota_message(room))


def _room(app: AppContext, user_id: int) -> int | None:
    quota = app.config.user_quota_bytes
    if quota is None:
        return None
    with app.db.autocommit() as cur:
        return quota - files_db.used_bytes(cur, user_id)


def upload(
    app: AppContext,
    user_id: int,
    raw_name: str | None,
    open_body: Callable[[], BinaryIO],
    declared_length: int | None,
) -> dict:
    """Stream a body to the store and record it: the File. Nothing is kept when any check fails.

    ``open_body`` is called only once the declared length has passed the limits, so an oversized upload is
    refused before a byte of it is read.
    """
    _purge_now_and_then(app)
    limit = app.config.max_upload_bytes
    room = _room(app, user_id)
    _check_declared(declared_length, limit, room)
    store = store_for(app)
    file_id = secrets.token_hex(16)
    stored: list[str] = []
    try:
        with store.staging() as staged:
            size, sha256, head = _receive(open_body(), staged, limit, room, declared_length)
            content_type = sniff(head)
            preview = _describe(app, staged, content_type)
            keys = [file_id] if preview.thumbnail is None else [file_id, files_db.thumbnail_key(file_id)]
            # Before a byte is stored: should the process die before the row exists, a purge removes them.
            _intend(app, keys)
            stored.append(file_id)  # before put: a put that fails half way is cleaned up too
            _put(store, staged, file_id)
        if preview.thumbnail is not None:
            with store.staging() as staged:
                staged.write_bytes(preview.thumbnail)
                stored.append(files_db.thumbnail_key(file_id))
                _put(store, staged, files_db.thumbnail_key(file_id))
        with app.db.transaction() as cur:
            row = files_db.insert_file_txn(
                cur,
                {
                    "id": file_id,
                    "uploader": user_id,
                    "name": clean_filename(raw_name),
                    "size": size,
                    "content_type": content_type,
                    "sha256": sha256,
                    "width": preview.width,
                    "height": preview.height,
                    "duration_ms": preview.duration_ms,
                    "thumbnail_type": preview.thumbnail_type,
                    "thumbnail_width": preview.thumbnail_width,
                    "thumbnail_height": preview.thumbnail_height,
                },
                app.config.user_quota_bytes,
            )
            if row is not None:
                files_db.forget_trash(cur, keys)  # the row owns the bytes now
        if row is None:  # another upload of the same user took the room while this one streamed
            raise QuotaExceeded(_quota_message(_room(app, user_id) or 0))
    except BaseException:
        run_blocking(store.delete, stored)
        raise
    return render.file(row)


INTENT_GRACE_SECONDS = 15 * 60


def _intend(app: AppContext, keys: list[str]) -> None:
    """Record store keys about to be written, as trash due in INTENT_GRACE_SECONDS unless the row that owns
    them is committed first (which forgets them). So the store and the rows converge after any crash."""
    with app.db.autocommit() as cur:
        files_db.intend_keys(cur, keys, INTENT_GRACE_SECONDS)


def delete_upload(app: AppContext, user_id: int, file_id: str) -> None:
    """The uploader takes back an upload before sending it. Sent files go with their message."""
    with app.db.transaction() as cur:
        row = _visible(cur, user_id, file_id)
        if row["uploader_id"] != user_id:
            raise Forbidden("only the uploader can delete a file")
        if row["attached_at"] is not None:
            raise Conflict("this file was sent in a message; delete the message instead")
        keys = files_db.delete_unattached_txn(cur, user_id, file_id) or []
    remove_from_store(app, keys)


# ---- attachments (called by the messages service inside its transaction) -----------------------------


def lock_for_attaching(cur, user_id: int, file_ids: list[str]) -> list[dict]:
    """The File objects for a new message, in the given order; 404 unless each is the caller's own upload,
    409 if one was already sent. The rows stay locked until commit, so no purge takes them meanwhile."""
    if not file_ids:
        return []
    rows = files_db.lock_for_attaching(cur, user_id, file_ids)
    for file_id in file_ids:
        row = rows.get(file_id)
        if row is None:
            raise NotFound(f"{NOT_FOUND}: {file_id}", field="file_ids")
        if row["attached_at"] is not None:
            raise Conflict(
                f"file {file_id} was already sent in a message; upload it again to send it again",
                field="file_ids",
            )
    return [render.file(rows[file_id]) for file_id in file_ids]


def attach_txn(cur, message_id: int, file_ids: list[str]) -> None:
    files_db.attach_txn(cur, message_id, file_ids)


def delete_message_files_txn(cur, message_id: int) -> list[str]:
    """The message is being deleted: its files' rows go now; pass the keys to ``remove_from_store``."""
    return files_db.delete_message_files_txn(cur, message_id)


def delete_user_files_txn(cur, user_id: int) -> list[str]:
    """The account is being deleted: every file it uploaded and its profile picture."""
    keys = files_db.delete_user_files_txn(cur, user_id)
    return keys + files_db.clear_avatar_txn(cur, user_id, list(previews.AVATAR_SIZES))


# ---- downloads -----------------------------------------------------------------------------------------


def _visible(cur, user_id: int, file_id: str) -> dict:
    row = files_db.get_visible(cur, file_id, user_id) if _FILE_ID.fullmatch(file_id) else None
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def open_file(app: AppContext, user_id: int, file_id: str) -> tuple[dict, Path]:
    """The file's row and a local path to serve it from, or the 404 of an unknown id."""
    with app.db.autocommit() as cur:
        row = _visible(cur, user_id, file_id)
    path = store_for(app).local_path(file_id)
    if path is None:
        log.error("file %s has a row but no bytes in the store", file_id)
        raise NotFound(NOT_FOUND)
    return row, path


def open_thumbnail(app: AppContext, user_id: int, file_id: str) -> tuple[dict, Path]:
    """The server-made preview (image thumbnail or video poster frame); 404 when the file has none."""
    with app.db.autocommit() as cur:
        row = _visible(cur, user_id, file_id)
    path = store_for(app).local_path(files_db.thumbnail_key(file_id)) if row["thumbnail_type"] else None
    if path is None:
        raise NotFound("this file has no preview")
    return row, path


def shown_inline(app: AppContext, row: dict) -> bool:
    """Only media on the configured allowlist is ever shown inline; all else is a download. An image the
    server could not decode within its bounds (a decompression bomb, a truncated file) is a download too,
    so no client is led into decoding what the server refused to."""
    content_type = row["content_type"]
    if content_type not in app.config.inline_types:
        return False
    return not content_type.startswith("image/") or row["thumbnail_type"] is not None


def export_user_files(app: AppContext, user_id: int, archive: zipfile.ZipFile) -> None:
    """Every file the user uploaded that is still kept, as files/<id>-<name>, and the profile picture as
    files/avatar.jpg: the file part of GET /me/export. Copied in chunks and stored uncompressed (media does
    not compress), a page of rows at a time."""
    store = store_for(app)
    after = ""
    while True:
        with app.db.autocommit() as cur:
            rows = files_db.uploaded_by(cur, user_id, after, 500)
        for row in rows:
            # Copying (and CRC-32ing) a large file into the zip takes a while: off the event loop.
            run_blocking(
                _copy_into, archive, store, row["id"], f"files/{row['id']}-{row['name']}", row["size"]
            )
        if len(rows) < 500:
            break
        after = rows[-1]["id"]
    with app.db.autocommit() as cur:
        version = files_db.avatar_version(cur, user_id)
    if version is not None:
        key = files_db.avatar_key(user_id, version, "large")
        run_blocking(_copy_into, archive, store, key, "files/avatar.jpg", 0)


def _copy_into(archive: zipfile.ZipFile, store: FileStore, key: str, name: str, size: int) -> None:
    try:
        source = store.open(key)
    except FileNotFoundError:  # removed since the row was read: it is gone for the user too
        return
    info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    with source, archive.open(info, "w", force_zip64=size >= 2**31) as out:
        shutil.copyfileobj(source, out, CHUNK_BYTES)


# ---- profile pictures ----------------------------------------------------------------------------------


def set_avatar(
    app: AppContext, user_id: int, open_body: Callable[[], BinaryIO], declared_length: int | None
) -> None:
    """Crop the uploaded image to a square and store it in every size; the previous picture goes."""
    limit = min(MAX_AVATAR_BYTES, app.config.max_upload_bytes)
    _check_declared(declared_length, limit, None)
    store = store_for(app)
    sizes = list(previews.AVATAR_SIZES)
    with store.staging() as staged:
        _, _, head = _receive(open_body(), staged, limit, None, declared_length)
        content_type = sniff(head)
        try:
            with preview_slots(app).slot():
                images = run_blocking(previews.avatar_images, staged, content_type)
        except previews.NotAnImage as exc:
            raise UnsupportedMediaType(str(exc)) from None
    with app.db.autocommit() as cur:
        version = files_db.next_avatar_version(cur)
    new_keys = [files_db.avatar_key(user_id, version, size) for size in images]
    _intend(app, new_keys)
    try:
        for size, data in images.items():
            with store.staging() as staged:
                staged.write_bytes(data)
                _put(store, staged, files_db.avatar_key(user_id, version, size))
        with app.db.transaction() as cur:
            old_keys = files_db.set_avatar_txn(cur, user_id, version, sizes)
            files_db.forget_trash(cur, new_keys)
            app.broker.publish(cur, events.user_updated(user_id))
    except BaseException:
        run_blocking(store.delete, new_keys)
        raise
    remove_from_store(app, old_keys)


def clear_avatar(app: AppContext, user_id: int) -> None:
    with app.db.transaction() as cur:
        keys = files_db.clear_avatar_txn(cur, user_id, list(previews.AVATAR_SIZES))
        app.broker.publish(cur, events.user_updated(user_id))
    remove_from_store(app, keys)


def open_avatar(app: AppContext, viewer_id: int, user_id: int, size: str) -> tuple[int, Path]:
    """(version, path) of a user's picture, for viewers who can see the user; 404 otherwise or if none."""
    if size not in previews.AVATAR_SIZES:
        raise InvalidField(f"size: must be one of {', '.join(previews.AVATAR_SIZES)}", field="size")
    with app.db.autocommit() as cur:
        version = files_db.avatar_version_visible_to(cur, viewer_id, user_id)
    path = store_for(app).local_path(files_db.avatar_key(user_id, version, size)) if version else None
    if path is None:
        raise NotFound("no such profile picture")
    return version, path
