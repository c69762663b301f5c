"""SQL for sessions: one row per signed-in device, keyed by the hash of its bearer token."""

from __future__ import annotations

from server.db import Cursor, PlainRow, Row, prepared


def insert_session(
    cur: Cursor,
    user_id: int,
    token_hash: bytes,
    device_name: str,
    client_address: str | None,
    second_factor: str | None = None,
) -> int:
    """``second_factor``: how the sign-in went beyond the password (None, 'totp' or 'recovery_code')."""
    cur.execute(
        """INSERT INTO sessions (user_id, token_hash, device_name, client_address, second_factor)
           VALUES (%s, %s, %s, %s, %s) RETURNING id""",
        (user_id, token_hash, device_name, client_address, second_factor),
    )
    return cur.one()["id"]


# The live session of a token: the account not erased, the session used within its idle lifetime. An SQL
# fragment for the token hash and idle seconds expressions given, so that the send path can authenticate
# in its own pre-check (server/db/messages.py) rather than in a round trip of its own. The age is written as
# ``now() - last_used_at < …``, which no index matches, so that a session is always found by its token: as
# ``last_used_at > …`` PostgreSQL could plan a range scan of every session used lately instead.
LIVE_SESSION = """SELECT s.id AS session_id, s.user_id,
                         s.last_used_at < now() - interval '60 seconds' AS stale
                  FROM sessions s JOIN users u ON u.id = s.user_id
                  WHERE s.token_hash = {digest} AND u.deleted_at IS NULL
                    AND now() - s.last_used_at < make_interval(secs => {idle_seconds})"""

_GET_SESSION = prepared("get_session", LIVE_SESSION.format(digest="%s", idle_seconds="%s"))


def get_session(cur: Cursor, token_hash: bytes, idle_seconds: int) -> PlainRow | None:
    """The live session of a token: {session_id, user_id, stale}; stale when last used over a minute ago.
    A session unused for ``idle_seconds`` is expired: as if it did not exist.

    Runs on every request, so it is a prepared statement.
    """
    cur.execute_prepared(_GET_SESSION, (token_hash, idle_seconds))
    return cur.fetchone_plain()


def touch_session(cur: Cursor, session_id: int) -> None:
    """Record use at most once a minute (see get_session), not a write per request."""
    cur.execute("UPDATE sessions SET last_used_at = now() WHERE id = %s", (session_id,))


def touch_sessions(cur: Cursor, session_ids: list[int]) -> None:
    """:func:`touch_session` for the stale sessions a batch of sends authenticated."""
    cur.execute("UPDATE sessions SET last_used_at = now() WHERE id = ANY(%s)", (session_ids,))


def delete_session(cur: Cursor, session_id: int) -> None:
    cur.execute("DELETE FROM sessions WHERE id = %s", (session_id,))


def delete_user_sessions(cur: Cursor, user_id: int) -> list[int]:
    cur.execute("DELETE FROM sessions WHERE user_id = %s RETURNING id", (user_id,))
    return [row["id"] for row in cur.fetchall()]


def list_sessions(cur: Cursor, user_id: int, idle_seconds: int) -> list[Row]:
    """The user's live sessions, each with ``expires_at``: when it stops working unless used again."""
    cur.execute(
        """SELECT id, device_name, client_address, created_at, last_used_at, second_factor,
                  last_used_at + make_interval(secs => %s) AS expires_at
           FROM sessions
           WHERE user_id = %s AND last_used_at > now() - make_interval(secs => %s)
           ORDER BY last_used_at DESC, id DESC""",
        (idle_seconds, user_id, idle_seconds),
    )
    return cur.fetchall()


def delete_user_session(cur: Cursor, user_id: int, session_id: int) -> bool:
    cur.execute("DELETE FROM sessions WHERE id = %s AND user_id = %s", (session_id, user_id))
    return cur.rowcount == 1


def delete_other_sessions(cur: Cursor, user_id: int, keep_session_id: int) -> list[int]:
    cur.execute(
        "DELETE FROM sessions WHERE user_id = %s AND id <> %s RETURNING id", (user_id, keep_session_id)
    )
    return [row["id"] for row in cur.fetchall()]


def delete_expired(cur: Cursor, idle_seconds: int, limit: int = 1000) -> int:
    """Sessions unused past their idle lifetime: already refused, now forgotten (a bounded batch)."""
    cur.execute(
        """DELETE FROM sessions WHERE id IN (
               SELECT id FROM sessions WHERE last_used_at < now() - make_interval(secs => %s) LIMIT %s)""",
        (idle_seconds, limit),
    )
    return cur.rowcount


def remember_login_address(cur: Cursor, user_id: int, address_key: str | None) -> None:
    """The account signed in successfully from here: a right password from here is trusted (throttle.py)."""
    if address_key is None:
        return
    cur.execute(
        """INSERT INTO login_addresses (user_id, address) VALUES (%s, %s)
           ON CONFLICT (user_id, address) DO UPDATE SET last_success_at = now()""",
        (user_id, address_key[:64]),
    )


def is_login_address(cur: Cursor, user_id: int, address_key: str | None, within_days: int) -> bool:
    """Whether the account signed in successfully from this address within ``within_days``."""
    if address_key is None:
        return False
    cur.execute(
        """SELECT EXISTS (SELECT 1 FROM login_addresses WHERE user_id = %s AND address = %s
                              AND last_success_at > now() - make_interval(days => %s)) AS known""",
        (user_id, address_key[:64], within_days),
    )
    return bool(cur.one()["known"])


def forget_stale_login_addresses(cur: Cursor, older_than_days: int) -> None:
    cur.execute(
        "DELETE FROM login_addresses WHERE last_success_at < now() - make_interval(days => %s)",
        (older_than_days,),
    )


def forget_login_addresses(cur: Cursor, user_id: int) -> None:
    cur.execute("DELETE FROM login_addresses WHERE user_id = %s", (user_id,))
