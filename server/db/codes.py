"""SQL for one-time codes (email confirmation, password reset): stored hashed, expiring, single use."""

from __future__ import annotations


def replace_code(cur, user_id: int, purpose: str, code_hash: bytes, email: str, ttl_seconds: int) -> None:
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


def live_code(cur, user_id: int, purpose: str) -> dict | None:
    """The unused, unexpired code of this purpose, locked for the check."""
    cur.execute(
        """SELECT id, code_hash, email, attempts FROM one_time_codes
           WHERE user_id = %s AND purpose = %s AND used_at IS NULL AND expires_at > now()
           ORDER BY id DESC LIMIT 1 FOR UPDATE""",
        (user_id, purpose),
    )
    return cur.fetchone()


def count_attempt(cur, code_id: int, max_attempts: int) -> None:
    """One more wrong guess; the code dies at ``max_attempts``."""
    cur.execute(
        """UPDATE one_time_codes SET attempts = attempts + 1,
               used_at = CASE WHEN attempts + 1 >= %s THEN now() ELSE used_at END
           WHERE id = %s""",
        (max_attempts, code_id),
    )


def use_code(cur, code_id: int) -> None:
    cur.execute("UPDATE one_time_codes SET used_at = now() WHERE id = %s", (code_id,))
