"""SQL for one-time codes (email confirmation, password reset): stored hashed, expiring, single use."""

from __future__ import annotations

from server.db import Cursor, Row


def replace_code(
    cur: Cursor, user_id: int, purpose: str, code_hash: bytes, email: str, ttl_seconds: int
) -> None:
    """A new code voids any earlier unused one of the same purpose: only the latest mail works."""
    cur.execute(
        "UPDATE one_time_codes SET used_at = now() WHERE user_id = %s AND purpose = %s AND used_at IS NULL",
        (user_id, purpose),
    )
    cur.execute(
        """INSERT INTO one_time_codes (user_id, purpose, code_hash, email, expires_at)
           VALUES (%s, %s, %s, %s, now() + make_interval(secs => %s))""",
        (user_id, purpose, code_hash, email, ttl_seconds),
    )


def live_code(cur: Cursor, user_id: int, purpose: str) -> Row | None:
    """The unused, unexpired code of this purpose, locked for the check."""
    cur.execute(
        """SELECT id, code_hash, email, attempts FROM one_time_codes
           WHERE user_id = %s AND purpose = %s AND used_at IS NULL AND expires_at > now()
           ORDER BY id DESC LIMIT 1 FOR UPDATE""",
        (user_id, purpose),
    )
    return cur.fetchone()


def settle_guess_txn(
    cur: Cursor,
    code_id: int | None,
    *,
    right: bool,
    kill: bool,
    max_attempts: int,
    wrong_event: tuple[str, str, int] | None,
) -> None:
    """Book a guess at a code in one statement, whatever it was: a right one uses the code up; a wrong one
    counts an attempt (the code dies at ``max_attempts``, or at once with ``kill``) and, with
    ``wrong_event`` = (scope, key, window seconds), a throttle event. ``code_id`` None changes no code, but
    the statement is the same, so that guessing for an unknown login takes the same time."""
    scope, key, window = wrong_event or (None, None, 0)
    cur.execute(
        """WITH code AS (
               UPDATE one_time_codes SET
                   attempts = attempts + CASE WHEN %(right)s THEN 0 ELSE 1 END,
                   used_at = CASE WHEN %(right)s OR %(kill)s OR attempts + 1 >= %(max)s THEN now()
                                  ELSE used_at END
               WHERE id = %(code)s RETURNING id),
           wrong AS (
               INSERT INTO throttle_events (scope, key, expires_at)
               SELECT %(scope)s, %(key)s, now() + make_interval(secs => %(window)s)
               WHERE NOT %(right)s AND %(key)s::text IS NOT NULL
               RETURNING id)
           SELECT (SELECT count(*) FROM code) AS codes, (SELECT count(*) FROM wrong) AS wrong""",
        {
            "right": right,
            "kill": kill,
            "max": max_attempts,
            "code": code_id,
            "scope": scope,
            "key": key,
            "window": window,
        },
    )


def delete_user_codes(cur: Cursor, user_id: int) -> None:
    """Account erasure: the codes, and the addresses they were mailed to, go."""
    cur.execute("DELETE FROM one_time_codes WHERE user_id = %s", (user_id,))
