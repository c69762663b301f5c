"""Uploads: a streamed body checked, sniffed and previewed, then stored and recorded; or nothing kept at all.

An upload lives until it is sent in a message (then as long as the message), taken back by its uploader, or
purged unsent after ``Config.unsent_upload_seconds`` (server/services/file_purge.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path

from server import render
from server.context import AppContext
from server.db import Row
from server.db import files as files_db
from server.errors import Conflict, Forbidden
from server.files import previews
from server.files.names import clean_filename
from server.files.sniff import sniff
from server.offload import run_blocking
from server.services import file_purge, upload_body
from server.services.file_access import visible
from server.services.upload_body import Body


def _describe(app: AppContext, path: Path, content_type: str) -> previews.Preview:
    if not (previews.can_preview_image(content_type) or previews.can_probe_media(content_type)):
        return previews.Preview()
    with app.preview_slots.slot():
        if previews.can_preview_image(content_type):
            # Pillow holds the GIL-free C decoder for a while: off the event loop under gevent.
            return run_blocking(previews.image_preview, path, content_type)
        # ffmpeg runs as a subprocess (cooperative under gevent, bounded in memory and CPU time); decoding
        # its poster frame is offloaded.
        return previews.media_preview(
            path, content_type, app.config.preview_memory_mb * 1024 * 1024, offload=run_blocking
        )


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
    open_body: Callable[[], Body],
    declared_length: int | None,
) -> dict:
    """Stream a body to the store and record it: the File. Nothing is kept when any check fails.

    ``open_body`` is called only once the declared length has passed the limits, so an oversized upload is
    refused before a byte of it is read.
    """
    file_purge.purge_now_and_then(app)
    limit = app.config.max_upload_bytes
    room = _room(app, user_id)
    upload_body.check_declared(declared_length, limit, room)
    store = app.store
    file_id = secrets.token_hex(16)
    stored: list[str] = []
    try:
        with store.staging() as staged:
            size, sha256, head = upload_body.receive(open_body(), staged, limit, room, declared_length)
            content_type = sniff(head)
            preview = _describe(app, staged, content_type)
            keys = [file_id] if preview.thumbnail is None else [file_id, files_db.thumbnail_key(file_id)]
            # Before a byte is stored: should the process die before the row exists, a purge removes them.
            file_purge.intend(app, keys)
            stored.append(file_id)  # before put: a put that fails half way is cleaned up too
            upload_body.put(store, staged, file_id)
        if preview.thumbnail is not None:
            with store.staging() as staged:
                staged.write_bytes(preview.thumbnail)
                stored.append(files_db.thumbnail_key(file_id))
                upload_body.put(store, staged, files_db.thumbnail_key(file_id))
        file = {
            "id": file_id,
            "uploader": user_id,
            "name": clean_filename(raw_name),
            "size": size,
            "content_type": content_type,
            "sha256": sha256,
        }
        row = _record(app, file, preview, keys)
        if row is None:
            raise upload_body.over_quota(_room(app, user_id) or 0)
    except BaseException:
        run_blocking(store.delete, stored)
        raise
    return render.file(row)


def _record(app: AppContext, file: dict, preview: previews.Preview, keys: list[str]) -> Row | None:
    """Insert the file's row, which from then on owns its stored ``keys``; None when it would take the
    uploader past the quota (another upload of theirs took the room while this one streamed)."""
    with app.db.transaction() as cur:
        row = files_db.insert_file_txn(
            cur,
            {
                **file,
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
            files_db.forget_trash(cur, keys)
    return row


def delete_upload(app: AppContext, user_id: int, file_id: str) -> None:
    """The uploader takes back an upload before sending it. Sent files go with their message."""
    with app.db.transaction() as cur:
        row = visible(cur, user_id, file_id)
        if row["uploader_id"] != user_id:
            raise Forbidden("only the uploader can delete a file")
        if row["attached_at"] is not None:
            raise Conflict("this file was sent in a message; delete the message instead")
        keys = files_db.delete_unattached_txn(cur, user_id, file_id) or []
    file_purge.remove_from_store(app, keys)
