"""My signed-in devices, signing them out, and changing my password (which signs out the others)."""

from __future__ import annotations

from server import render
from server.context import AppContext
from server.db import sessions as sessions_db
from server.db import two_factor as two_factor_db
from server.db import users as users_db
from server.errors import NotFound
from server.services import accounts, passwords, session_cache


def list_mine(app: AppContext, user_id: int, current_session_id: int) -> list[dict]:
    with app.db.autocommit() as cur:
        rows = sessions_db.list_sessions(cur, user_id, app.config.session_idle_seconds)
    return [
        {
            "id": row["id"],
            "device_name": row["device_name"],
            "client_address": row["client_address"],
            "created_at": render.timestamp(row["created_at"]),
            "last_used_at": render.timestamp(row["last_used_at"]),
            # A session stops working when unused for CHATIDK_SESSION_IDLE_DAYS; each use moves this on.
            "expires_at": render.timestamp(row["expires_at"]),
            "current": row["id"] == current_session_id,
            # How the sign-in went beyond the password: null, "totp" or "recovery_code".
            "second_factor": row["second_factor"],
        }
        for row in rows
    ]


def revoke(app: AppContext, user_id: int, session_id: int) -> None:
    with app.db.transaction() as cur:
        if not sessions_db.delete_user_session(cur, user_id, session_id):
            raise NotFound("no such session")
        session_cache.announce_revoked(app, cur, [session_id])


def revoke_others(app: AppContext, user_id: int, current_session_id: int) -> int:
    with app.db.transaction() as cur:
        revoked = sessions_db.delete_other_sessions(cur, user_id, current_session_id)
        if revoked:
            session_cache.announce_revoked(app, cur, revoked)
    return len(revoked)


def change_password(app: AppContext, user_id: int, session_id: int, current: str, new: str) -> int:
    """Check the current password, set the new one, sign out every other device; returns how many.
    Two-factor sign-in stays as it is; sign-in challenges the old password earned die."""
    accounts.check_password(app, user_id, current, "current_password")
    new_hash = passwords.hash_password(new, app.config.bcrypt_rounds)
    with app.db.transaction() as cur:
        users_db.set_password_hash(cur, user_id, new_hash)
        revoked = sessions_db.delete_other_sessions(cur, user_id, session_id)
        two_factor_db.delete_user_challenges(cur, user_id)
        if revoked:
            session_cache.announce_revoked(app, cur, revoked)
    return len(revoked)
