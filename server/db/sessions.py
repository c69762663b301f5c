"""SQL for sessions: one row per signed-in device, keyed by the hash of its bearer token."""

from __future__ import annotations

from server.db import prepared


def insert_session(cur, user_id: int, token_hash: bytes, device_name: str, client_address: str | None) -> int:
    cur.execute(
        """INSERT INTO sessions (user_id, token_hash, device_name, client_address) VALUES (%s, %s, %s, %s)
           RETURNING id""",
        (user_id, token_hash, device_name, client_address),
    )
    return cur.fetchone()["id"]


_GET_SESSION = prepared(
    "get_session",
    """SELECT s.id AS session_id, s.user_id, s.last_used_at < now() - interval '60 seconds' AS stale
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = %s AND u.deleted_at IS NULL""",
)


def get_session(cur, token_hash: bytes) -> dict | None:
    """The live session of a token: {session_id, user_id, stale}; stale when last used over a minute ago.

    Runs on every request, so it is a prepared statement.
    """
    cur.execute_prepared(_GET_SESSION, (token_hash,))
    return cur.fetchone()


def touch_session(cur, session_id: int) -> None:
    """Record use at most once a minute (see get_session), not a write per request."""
    cur.execute("UPDATE sessions SET last_used_at = now() WHERE id = %s", (session_id,))


def delete_session(cur, session_id: int) -> None:
    cur.execute("DELETE FROM sessions WHERE id = %s", (session_id,))


def delete_user_sessions(cur, user_id: int) -> list[int]:
    cur.execute("DELETE FROM sessions WHERE user_id = %s RETURNING id", (user_id,))
    return [row["id"] for row in cur.fetchall()]


def list_sessions(cur, user_id: int) -> list[dict]:
    cur.execute(
        """SELECT id, device_name, client_address, created_at, last_used_at FROM sessions
           WHERE user_id = %s ORDER BY last_used_at DESC, id DESC""",
        (user_id,),
    )
    return cur.fetchall()


def delete_user_session(cur, user_id: int, session_id: int) -> bool:
    cur.execute("DELETE FROM sessions WHERE id = %s AND user_id = %s", (session_id, user_id))
    return cur.rowcount == 1


def delete_other_sessions(cur, user_id: int, keep_session_id: int) -> list[int]:
    cur.execute(
        "DELETE FROM sessions WHERE user_id = %s AND id <> %s RETURNING id", (user_id, keep_session_id)
    )
    return [row["id"] for row in cur.fetchall()]
