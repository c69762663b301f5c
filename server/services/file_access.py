"""Who may fetch a file, and where its bytes are served from.

Its uploader, and the members of a conversation in which a (not deleted) message carries it. Everyone else
gets the very 404 an unknown id gets.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from server.context import AppContext
from server.db import Cursor
from server.db import files as files_db
from server.errors import NotFound

log = logging.getLogger(__name__)

NOT_FOUND = "no such file"
_FILE_ID = re.compile(r"[0-9a-f]{32}")


def visible(cur: Cursor, user_id: int, file_id: str) -> dict:
    """The file's row, or the 404 of an unknown id."""
    row = files_db.get_visible(cur, file_id, user_id) if _FILE_ID.fullmatch(file_id) else None
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


def open_file(app: AppContext, user_id: int, file_id: str) -> tuple[dict, Path]:
    """The file's row and a local path to serve it from, or the 404 of an unknown id."""
    with app.db.autocommit() as cur:
        row = visible(cur, user_id, file_id)
    path = app.store.local_path(file_id)
    if path is None:
        log.error("file %s has a row but no bytes in the store", file_id)
        raise NotFound(NOT_FOUND)
    return row, path


def open_thumbnail(app: AppContext, user_id: int, file_id: str) -> tuple[dict, Path]:
    """The server-made preview (image thumbnail or video poster frame); 404 when the file has none."""
    with app.db.autocommit() as cur:
        row = visible(cur, user_id, file_id)
    path = app.store.local_path(files_db.thumbnail_key(file_id)) if row["thumbnail_type"] else None
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
