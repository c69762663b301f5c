"""Files in messages: what a new message may carry, and what goes when its sender's account does.

Called by the messages and accounts services inside their transactions.
"""

from __future__ import annotations

from server import render
from server.db import Cursor
from server.db import files as files_db
from server.errors import Conflict, NotFound
from server.files import previews
from server.services.file_access import NOT_FOUND


def lock_for_attaching(cur: Cursor, user_id: int, file_ids: list[str]) -> list[dict]:
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


def delete_user_files_txn(cur: Cursor, user_id: int) -> list[str]:
    """The account is being deleted: every file it uploaded and its profile picture. Pass the keys to
    ``file_purge.remove_from_store`` after the commit."""
    keys = files_db.delete_user_files_txn(cur, user_id)
    return keys + files_db.clear_avatar_txn(cur, user_id, list(previews.AVATAR_SIZES))
