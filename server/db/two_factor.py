"""SQL for two-factor sign-in: TOTP secrets, recovery codes (hashed) and sign-in challenges (hashed)."""

from __future__ import annotations

from server.db import Cursor, Row

# ---- the TOTP secret -----------------------------------------------------------------------------------


def start_enrolment(cur: Cursor, user_id: int, secret: str) -> bool:
    """A new pending secret, replacing an earlier pending one; False (nothing changed) if 2FA is on."""
    cur.execute(
        """INSERT INTO totp_secrets (user_id, secret) VALUES (%s, %s)
           ON CONFLICT (user_id) DO UPDATE SET secret = EXCLUDED.secret, created_at = now(),
               last_used_step = NULL
           WHERE totp_secrets.enabled_at IS NULL""",
        (user_id, secret),
    )
    return cur.rowcount == 1


def lock_secret(cur: Cursor, user_id: int) -> Row | None:
    """{secret, enabled_at, last_used_step}, locked until the transaction ends, so that two requests with
    the same code are checked one after the other (the second sees the step the first used)."""
    cur.execute(
        "SELECT secret, enabled_at, last_used_step FROM totp_secrets WHERE user_id = %s FOR UPDATE",
        (user_id,),
    )
    return cur.fetchone()


def use_step(cur: Cursor, user_id: int, step: int) -> None:
    """A code of ``step`` was accepted: it and every earlier step are spent."""
    cur.execute("UPDATE totp_secrets SET last_used_step = %s WHERE user_id = %s", (step, user_id))


def enable(cur: Cursor, user_id: int, step: int) -> None:
    cur.execute(
        "UPDATE totp_secrets SET enabled_at = now(), last_used_step = %s WHERE user_id = %s",
        (step, user_id),
    )


def status(cur: Cursor, user_id: int) -> Row:
    """{enabled_at, pending, recovery_codes_left} (enabled_at NULL when off)."""
    cur.execute(
        """SELECT (SELECT enabled_at FROM totp_secrets WHERE user_id = %(u)s) AS enabled_at,
                  EXISTS (SELECT 1 FROM totp_secrets WHERE user_id = %(u)s AND enabled_at IS NULL) AS pending,
                  (SELECT count(*) FROM recovery_codes WHERE user_id = %(u)s AND used_at IS NULL)
                      AS recovery_codes_left""",
        {"u": user_id},
    )
    return cur.one()


def is_enabled(cur: Cursor, user_id: int) -> bool:
    cur.execute(
        "SELECT EXISTS (SELECT 1 FROM totp_secrets WHERE user_id = %s AND enabled_at IS NOT NULL) AS on",
        (user_id,),
    )
    return bool(cur.one()["on"])


def delete_all(cur: Cursor, user_id: int) -> None:
    """Turning 2FA off, or erasing the account: the secret, the recovery codes and the live challenges."""
    cur.execute("DELETE FROM totp_secrets WHERE user_id = %s", (user_id,))
    cur.execute("DELETE FROM recovery_codes WHERE user_id = %s", (user_id,))
    delete_user_challenges(cur, user_id)


# ---- recovery codes ------------------------------------------------------------------------------------


def replace_recovery_codes(cur: Cursor, user_id: int, code_hashes: list[bytes]) -> None:
    """New codes void every earlier one, used or not."""
    cur.execute("DELETE FROM recovery_codes WHERE user_id = %s", (user_id,))
    cur.execute(
        """INSERT INTO recovery_codes (user_id, code_hash)
           SELECT %s, h FROM unnest(%s::bytea[]) AS h""",
        (user_id, code_hashes),
    )


def use_recovery_code(cur: Cursor, user_id: int, code_hash: bytes) -> bool:
    """Spend an unused recovery code; False if no unused code has this hash."""
    cur.execute(
        """UPDATE recovery_codes SET used_at = now()
           WHERE id = (SELECT id FROM recovery_codes
                       WHERE user_id = %s AND code_hash = %s AND used_at IS NULL LIMIT 1 FOR UPDATE)""",
        (user_id, code_hash),
    )
    return cur.rowcount == 1


# ---- sign-in challenges --------------------------------------------------------------------------------


def insert_challenge(
    cur: Cursor,
    user_id: int,
    challenge_hash: bytes,
    device_name: str,
    client_address: str | None,
    expires_at: float,
    keep: int,
) -> None:
    """A challenge expiring at ``expires_at`` (Unix time); the account keeps at most ``keep`` live ones
    (the oldest go), so a password known to someone else cannot pile rows up."""
    cur.execute(
        """INSERT INTO login_challenges (user_id, challenge_hash, device_name, client_address, expires_at)
           VALUES (%s, %s, %s, %s, to_timestamp(%s))""",
        (user_id, challenge_hash, device_name, client_address, expires_at),
    )
    cur.execute(
        """DELETE FROM login_challenges WHERE user_id = %s AND id NOT IN (
               SELECT id FROM login_challenges WHERE user_id = %s ORDER BY id DESC LIMIT %s)""",
        (user_id, user_id, keep),
    )


def live_challenge(cur: Cursor, challenge_hash: bytes, now: float, lock: bool = False) -> Row | None:
    """{id, user_id, device_name, client_address, wrong_codes} of an unexpired challenge at ``now``."""
    cur.execute(
        f"""SELECT id, user_id, device_name, client_address, wrong_codes FROM login_challenges
            WHERE challenge_hash = %s AND expires_at > to_timestamp(%s)
            {"FOR UPDATE" if lock else ""}""",
        (challenge_hash, now),
    )
    return cur.fetchone()


def count_wrong_code(cur: Cursor, challenge_id: int, max_wrong: int) -> bool:
    """One more wrong code on this challenge; it dies at ``max_wrong``. True if it died."""
    cur.execute(
        "UPDATE login_challenges SET wrong_codes = wrong_codes + 1 WHERE id = %s RETURNING wrong_codes",
        (challenge_id,),
    )
    row = cur.fetchone()
    if row is not None and row["wrong_codes"] >= max_wrong:
        delete_challenge(cur, challenge_id)
        return True
    return False


def delete_challenge(cur: Cursor, challenge_id: int) -> None:
    cur.execute("DELETE FROM login_challenges WHERE id = %s", (challenge_id,))


def delete_user_challenges(cur: Cursor, user_id: int) -> None:
    """Every challenge of the account: its password changed, or 2FA went off, or the account goes."""
    cur.execute("DELETE FROM login_challenges WHERE user_id = %s", (user_id,))


def delete_expired_challenges(cur: Cursor, now: float, limit: int = 1000) -> int:
    cur.execute(
        """DELETE FROM login_challenges WHERE id IN (
               SELECT id FROM login_challenges WHERE expires_at < to_timestamp(%s) LIMIT %s)""",
        (now, limit),
    )
    return cur.rowcount
