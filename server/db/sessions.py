"""SQL for sessions: one row per signed-in device, keyed by the hash of its bearer token."""

from __future__ import annotations


def insert_session(cur, user_id: int, token_hash: bytes, device_name: str, client_address: str | None) -> int:
    cur.execute(
        """INSERT INTO sessions (user_id, token_hash, device_name, client_address) VALUES (%s, %s, %s, %s)
           RETURNING id""",
        (user_id, token_hash, device_name, client_address),
    )
    return cur.fetchone()["id"]


def get_session(cur, token_hash: bytes) -> dict | None:
    """The session and its user, touching last_used_at at most once a minute (not a write per request)."""
    cur.execute(
        """WITH s AS (SELECT id, user_id, last_used_at FROM sessions WHERE token_hash = %s),
                touched AS (UPDATE sessions SET last_used_at = now()
                            WHERE id = (SELECT id FROM s) AND last_used_at < now() - interval '60 seconds')
           SELECT s.id AS session_id, s.user_id FROM s JOIN users u ON u.id = s.user_id
           WHERE u.deleted_at IS NULL""",
        (token_hash,),
    )
    return cur.fetchone()


def delete_session(cur, session_id: int) -> None:
    cur.execute("DELETE FROM sessions WHERE id = %s", (session_id,))


def delete_user_sessions(cur, user_id: int) -> list[int]:
    cur.execute("DELETE FROM sessions WHERE user_id = %s RETURNING id", (user_id,))
    return [row["id"] for row in cur.fetchall()]
