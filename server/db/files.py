"""SQL for files: uploads with a per-user quota, attachments to messages, who may fetch what, deletion.

Deleting a file row and queueing its store keys in ``file_trash`` happen in one transaction; the bytes are
removed after the commit (``take_trash`` / ``forget_trash``), so a crash leaves a key to retry, never a row
pointing at missing bytes.
"""

from __future__ import annotations

from server.db import Cursor, Row
from server.db import users as users_db

FILE_COLUMNS = (
    "f.id, f.uploader_id, f.name, f.size, f.content_type, f.sha256, f.width, f.height, f.duration_ms, "
    "f.thumbnail_type, f.thumbnail_width, f.thumbnail_height, f.created_at, f.attached_at"
)
_QUOTA_LOCK = 0x66696C65  # with the user id: one upload of a user at a time passes the quota check


def thumbnail_key(file_id: str) -> str:
    return f"{file_id}.thumb"


def avatar_key(user_id: int, version: int, size: str) -> str:
    return f"avatar.{user_id}.{version}.{size}"


def _keys(rows: list[Row]) -> list[str]:
    keys = []
    for row in rows:
        keys.append(row["id"])
        if row["thumbnail_type"] is not None:
            keys.append(thumbnail_key(row["id"]))
    return keys


def _trash(cur: Cursor, keys: list[str]) -> list[str]:
    if keys:
        cur.execute(
            "INSERT INTO file_trash (key) SELECT unnest(%s::text[]) ON CONFLICT (key) DO NOTHING", (keys,)
        )
    return keys


# ---- uploads -------------------------------------------------------------------------------------------


def used_bytes(cur: Cursor, user_id: int) -> int:
    cur.execute("SELECT coalesce(sum(size), 0) AS used FROM files WHERE uploader_id = %s", (user_id,))
    return int(cur.one()["used"])


def insert_file_txn(cur: Cursor, file: dict, quota_bytes: int | None) -> Row | None:
    """Store the row unless it would take the uploader past ``quota_bytes`` (None: no quota); None then.

    The advisory lock makes concurrent uploads of one user take turns at the check (the sum is taken by the
    next statement, with a snapshot taken after the lock), so together they can never exceed the quota.
    """
    cur.execute(
        f"""SELECT pg_advisory_xact_lock(%(lock)s, hashtext(%(uploader)s::text));
            WITH used AS (SELECT coalesce(sum(size), 0) AS bytes FROM files WHERE uploader_id = %(uploader)s)
            INSERT INTO files AS f (id, uploader_id, name, size, content_type, sha256, width, height,
                                    duration_ms, thumbnail_type, thumbnail_width, thumbnail_height)
            SELECT %(id)s, %(uploader)s, %(name)s, %(size)s, %(content_type)s, %(sha256)s, %(width)s,
                   %(height)s, %(duration_ms)s, %(thumbnail_type)s, %(thumbnail_width)s, %(thumbnail_height)s
            FROM used WHERE %(quota)s::bigint IS NULL OR used.bytes + %(size)s <= %(quota)s::bigint
            RETURNING {FILE_COLUMNS}""",
        {**file, "quota": quota_bytes, "lock": _QUOTA_LOCK},
    )
    return cur.fetchone()


# ---- reading -------------------------------------------------------------------------------------------


def get_visible(cur: Cursor, file_id: str, viewer_id: int) -> Row | None:
    """The file, if the viewer uploaded it or is a member of a conversation where a message carries it."""
    cur.execute(
        f"""SELECT {FILE_COLUMNS} FROM files f
            WHERE f.id = %(id)s AND (f.uploader_id = %(viewer)s OR EXISTS (
                SELECT 1 FROM message_attachments a
                JOIN messages x ON x.id = a.message_id
                JOIN conversation_members m ON m.conversation_id = x.conversation_id
                WHERE a.file_id = f.id AND m.user_id = %(viewer)s))""",
        {"id": file_id, "viewer": viewer_id},
    )
    return cur.fetchone()


def uploaded_by(cur: Cursor, user_id: int, after_id: str, limit: int) -> list[Row]:
    """A page of the user's stored uploads in id order (for the data export)."""
    cur.execute(
        f"SELECT {FILE_COLUMNS} FROM files f WHERE f.uploader_id = %s AND f.id > %s ORDER BY f.id LIMIT %s",
        (user_id, after_id, limit),
    )
    return cur.fetchall()


def avatar_version(cur: Cursor, user_id: int) -> int | None:
    cur.execute("SELECT avatar_version FROM users WHERE id = %s", (user_id,))
    row = cur.fetchone()
    return row["avatar_version"] if row else None


# ---- attaching -----------------------------------------------------------------------------------------


def lock_for_attaching(cur: Cursor, uploader_id: int, file_ids: list[str]) -> dict[str, dict]:
    """The caller's own files among ``file_ids``, locked until commit (so a purge cannot take them)."""
    cur.execute(
        f"""SELECT {FILE_COLUMNS} FROM files f WHERE f.id = ANY(%s) AND f.uploader_id = %s
            ORDER BY f.id FOR UPDATE""",
        (list(file_ids), uploader_id),
    )
    return {row["id"]: row for row in cur.fetchall()}


def attach_txn(cur: Cursor, message_id: int, file_ids: list[str]) -> None:
    cur.execute(
        """WITH a AS (
               INSERT INTO message_attachments (message_id, position, file_id)
               SELECT %s, ord - 1, id FROM unnest(%s::text[]) WITH ORDINALITY AS t (id, ord))
           UPDATE files SET attached_at = now() WHERE id = ANY(%s)""",
        (message_id, list(file_ids), list(file_ids)),
    )


# ---- deleting ------------------------------------------------------------------------------------------


def _delete_files(cur: Cursor, where: str, params: tuple[object, ...]) -> list[str]:
    cur.execute(
        f"""WITH doomed AS (SELECT f.id FROM files f WHERE {where} FOR UPDATE),
                detached AS (DELETE FROM message_attachments a USING doomed WHERE a.file_id = doomed.id)
            DELETE FROM files f USING doomed WHERE f.id = doomed.id
            RETURNING f.id, f.thumbnail_type""",
        params,
    )
    return _trash(cur, _keys(cur.fetchall()))


def _delete_uncarried(cur: Cursor, file_ids: list[str]) -> list[str]:
    """Of these files, delete those no message carries any more (forwards share files by reference).

    The rows are locked first, in a statement of their own: a deletion that waited for another one sees,
    once it has the lock, what that one committed, so a file two deletions let go of at once still goes."""
    if not file_ids:
        return []
    cur.execute("SELECT id FROM files WHERE id = ANY(%s) ORDER BY id FOR UPDATE", (list(file_ids),))
    return _delete_files(
        cur,
        "f.id = ANY(%s) AND NOT EXISTS (SELECT 1 FROM message_attachments a WHERE a.file_id = f.id)",
        (list(file_ids),),
    )


def delete_message_files_txn(cur: Cursor, message_id: int) -> list[str]:
    """A message is being deleted: it lets go of its files, and those no other message carries (a forward)
    go with it. Returns the store keys queued for removal."""
    cur.execute("DELETE FROM message_attachments WHERE message_id = %s RETURNING file_id", (message_id,))
    return _delete_uncarried(cur, [row["file_id"] for row in cur.fetchall()])


def delete_user_files_txn(cur: Cursor, user_id: int) -> list[str]:
    """The account is being deleted (its messages are tombstones by now): they let go of their files, and
    every file the user uploaded goes, sent or not, but those that other people's forwards still carry."""
    cur.execute(
        """DELETE FROM message_attachments a USING messages x
           WHERE a.message_id = x.id AND x.sender_id = %s""",
        (user_id,),
    )
    cur.execute("SELECT id FROM files WHERE uploader_id = %s", (user_id,))
    return _delete_uncarried(cur, [row["id"] for row in cur.fetchall()])


def share_txn(cur: Cursor, message_id: int, file_ids: list[str]) -> None:
    """A forward carries the original's files by reference: the same rows, no copy of the bytes."""
    cur.execute(
        """INSERT INTO message_attachments (message_id, position, file_id)
           SELECT %s, ord - 1, id FROM unnest(%s::text[]) WITH ORDINALITY AS t (id, ord)""",
        (message_id, list(file_ids)),
    )


def delete_unattached_txn(cur: Cursor, uploader_id: int, file_id: str) -> list[str] | None:
    """The uploader takes back an upload not yet sent: its keys, or None if it is attached (or not theirs)."""
    keys = _delete_files(
        cur, "f.id = %s AND f.uploader_id = %s AND f.attached_at IS NULL", (file_id, uploader_id)
    )
    return keys or None


def delete_expired_uploads_txn(cur: Cursor, older_than_seconds: int, limit: int = 500) -> list[str]:
    """Uploads that were never sent within the grace period."""
    cur.execute(
        """WITH doomed AS (
                SELECT f.id FROM files f
                WHERE f.attached_at IS NULL AND f.created_at < now() - make_interval(secs => %s)
                ORDER BY f.created_at LIMIT %s FOR UPDATE SKIP LOCKED)
            DELETE FROM files f USING doomed WHERE f.id = doomed.id AND f.attached_at IS NULL
            RETURNING f.id, f.thumbnail_type""",
        (older_than_seconds, limit),
    )
    return _trash(cur, _keys(cur.fetchall()))


def intend_keys(cur: Cursor, keys: list[str], grace_seconds: int) -> None:
    """Keys about to be stored, queued as trash that falls due only after ``grace_seconds``: the commit of
    the row that owns them forgets them; after a crash before that commit, a purge removes the bytes."""
    if keys:
        cur.execute(
            """INSERT INTO file_trash (key, queued_at)
               SELECT unnest(%s::text[]), now() + make_interval(secs => %s)
               ON CONFLICT (key) DO NOTHING""",
            (list(keys), grace_seconds),
        )


def take_trash(cur: Cursor, older_than_seconds: int, limit: int = 1000) -> list[str]:
    """Keys left in the trash by a process that did not get to remove them (crash, store outage), and keys
    of uploads whose row never came (their ``queued_at`` lies ``intend_keys``' grace in the future)."""
    cur.execute(
        "SELECT key FROM file_trash WHERE queued_at < now() - make_interval(secs => %s) ORDER BY queued_at "
        "LIMIT %s",
        (older_than_seconds, limit),
    )
    return [row["key"] for row in cur.fetchall()]


def forget_trash(cur: Cursor, keys: list[str]) -> None:
    if keys:
        cur.execute("DELETE FROM file_trash WHERE key = ANY(%s)", (list(keys),))


# ---- avatars -------------------------------------------------------------------------------------------


def next_avatar_version(cur: Cursor) -> int:
    """A version for a new picture, taken before its bytes are stored (sequences never hand one out twice)."""
    cur.execute("SELECT nextval('avatar_versions') AS version")
    return cur.one()["version"]


def set_avatar_txn(cur: Cursor, user_id: int, version: int, sizes: list[str]) -> list[str]:
    """Make ``version`` the user's picture: the keys of the previous one, queued for removal."""
    cur.execute(
        """UPDATE users n SET avatar_version = %s
           FROM (SELECT id, avatar_version FROM users WHERE id = %s FOR UPDATE) o
           WHERE n.id = o.id RETURNING o.avatar_version AS old""",
        (version, user_id),
    )
    row = cur.fetchone()
    old = [avatar_key(user_id, row["old"], size) for size in sizes] if row and row["old"] else []
    return _trash(cur, old)


def clear_avatar_txn(cur: Cursor, user_id: int, sizes: list[str]) -> list[str]:
    cur.execute(
        """UPDATE users n SET avatar_version = NULL
           FROM (SELECT id, avatar_version FROM users WHERE id = %s FOR UPDATE) o
           WHERE n.id = o.id RETURNING o.avatar_version AS old""",
        (user_id,),
    )
    row = cur.fetchone()
    if row is None or row["old"] is None:
        return []
    return _trash(cur, [avatar_key(user_id, row["old"], size) for size in sizes])


def avatar_version_visible_to(cur: Cursor, viewer_id: int, user_id: int) -> int | None:
    """The user's avatar version if the viewer may see the user (the rule of GET /users/{id}); else None."""
    row = users_db.get_user_visible_to(cur, viewer_id, user_id)
    return row["avatar_version"] if row else None
