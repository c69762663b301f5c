"""Profile pictures: an uploaded image cropped to a square, stored in every size, shown to who can see me."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from server.context import AppContext
from server.db import files as files_db
from server.errors import InvalidField, NotFound, UnsupportedMediaType
from server.files import previews
from server.files.sniff import sniff
from server.offload import run_blocking
from server.services import events, file_purge, upload_body
from server.services.upload_body import Body

MAX_AVATAR_BYTES = 10 * 1024 * 1024


def set_avatar(
    app: AppContext, user_id: int, open_body: Callable[[], Body], declared_length: int | None
) -> None:
    """Crop the uploaded image to a square and store it in every size; the previous picture goes."""
    limit = min(MAX_AVATAR_BYTES, app.config.max_upload_bytes)
    upload_body.check_declared(declared_length, limit, None)
    store = app.store
    sizes = list(previews.AVATAR_SIZES)
    with store.staging() as staged:
        _, _, head = upload_body.receive(open_body(), staged, limit, None, declared_length)
        content_type = sniff(head)
        try:
            with app.preview_slots.slot():
                images = run_blocking(previews.avatar_images, staged, content_type)
        except previews.NotAnImage as exc:
            raise UnsupportedMediaType(str(exc)) from None
    with app.db.autocommit() as cur:
        version = files_db.next_avatar_version(cur)
    new_keys = [files_db.avatar_key(user_id, version, size) for size in images]
    file_purge.intend(app, new_keys)
    try:
        for size, data in images.items():
            with store.staging() as staged:
                staged.write_bytes(data)
                upload_body.put(store, staged, files_db.avatar_key(user_id, version, size))
        with app.db.transaction() as cur:
            old_keys = files_db.set_avatar_txn(cur, user_id, version, sizes)
            files_db.forget_trash(cur, new_keys)
            app.broker.publish(cur, events.user_updated(user_id))
    except BaseException:
        run_blocking(store.delete, new_keys)
        raise
    file_purge.remove_from_store(app, old_keys)


def clear_avatar(app: AppContext, user_id: int) -> None:
    with app.db.transaction() as cur:
        keys = files_db.clear_avatar_txn(cur, user_id, list(previews.AVATAR_SIZES))
        app.broker.publish(cur, events.user_updated(user_id))
    file_purge.remove_from_store(app, keys)


def open_avatar(app: AppContext, viewer_id: int, user_id: int, size: str) -> tuple[int, Path]:
    """(version, path) of a user's picture, for viewers who can see the user; 404 otherwise or if none."""
    if size not in previews.AVATAR_SIZES:
        raise InvalidField(f"size: must be one of {', '.join(previews.AVATAR_SIZES)}", field="size")
    with app.db.autocommit() as cur:
        version = files_db.avatar_version_visible_to(cur, viewer_id, user_id)
    path = app.store.local_path(files_db.avatar_key(user_id, version, size)) if version else None
    if version is None or path is None:
        raise NotFound("no such profile picture")
    return version, path
