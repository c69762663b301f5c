"""Email confirmation and password reset by one-time codes sent by mail.

Codes are 8 random digits, stored as SHA-256, valid 15 minutes, single use, and die after 5 wrong guesses. A
reset request answers the same way whether or not the account exists or has a confirmed address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from server import render
from server.context import AppContext
from server.db import codes as codes_db
from server.db import sessions as sessions_db
from server.db import throttle as throttle_db
from server.db import users as users_db
from server.errors import Conflict, InvalidField
from server.services import events, mail, passwords

CODE_TTL_SECONDS = 15 * 60
MAX_ATTEMPTS = 5
_BAD_CODE = "the code is wrong, expired or already used"


def _new_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


def _hash(user_id: int, purpose: str, code: str) -> bytes:
    return hashlib.sha256(f"{user_id}:{purpose}:{code}".encode()).digest()


def _issue(app: AppContext, cur, user_id: int, purpose: str, email: str) -> str:
    code = _new_code()
    codes_db.replace_code(cur, user_id, purpose, _hash(user_id, purpose, code), email, CODE_TTL_SECONDS)
    return code


def _check(cur, user_id: int, purpose: str, code: str) -> dict | None:
    """The live code row if ``code`` matches it; a wrong guess is counted (and kills it at the limit)."""
    row = codes_db.live_code(cur, user_id, purpose)
    if row is None:
        return None
    if not hmac.compare_digest(bytes(row["code_hash"]), _hash(user_id, purpose, code.strip())):
        codes_db.count_attempt(cur, row["id"], MAX_ATTEMPTS)
        return None
    codes_db.use_code(cur, row["id"])
    return row


def request_email(app: AppContext, user_id: int, email: str) -> dict:
    """Set an unconfirmed address and mail it a confirmation code; it is used for nothing until confirmed."""
    with app.db.transaction() as cur:
        users_db.set_pending_email(cur, user_id, email)
        code = _issue(app, cur, user_id, "confirm_email", email)
        user = users_db.get_user(cur, user_id)
    mail.send_later(
        app.config,
        email,
        "Confirm your ChatIDK email address",
        f"Your confirmation code is {code}\n\n"
        "It expires in 15 minutes. If you did not ask for it, ignore this mail.",
    )
    return render.me(user)


def confirm_email(app: AppContext, user_id: int, code: str) -> dict:
    # The code is checked (and a wrong guess counted) in its own transaction, so a failure still counts.
    with app.db.transaction() as cur:
        row = _check(cur, user_id, "confirm_email", code)
    if row is None:
        raise InvalidField(_BAD_CODE, field="code")
    with app.db.transaction() as cur:
        if not users_db.confirm_email(cur, user_id, row["email"]):
            raise Conflict(
                "that address is already confirmed on another account, or was changed", field="code"
            )
        return render.me(users_db.get_user(cur, user_id))


def remove_email(app: AppContext, user_id: int) -> dict:
    with app.db.transaction() as cur:
        users_db.set_pending_email(cur, user_id, None)
        return render.me(users_db.get_user(cur, user_id))


def request_reset(app: AppContext, login: str) -> None:
    """Mail a reset code to the account's confirmed address, if there is one. Never says which case it was."""
    with app.db.transaction() as cur:
        user = users_db.find_for_recovery(cur, login)
        if user is None or user["email_confirmed_at"] is None:
            return
        live = codes_db.live_code(cur, user["id"], "reset_password")
        code = _issue(app, cur, user["id"], "reset_password", user["email"])
    if live is not None and live["attempts"] >= MAX_ATTEMPTS:  # pragma: no cover - dead codes are not live
        return
    mail.send_later(
        app.config,
        user["email"],
        "Reset your ChatIDK password",
        f"Someone asked to reset the password of the ChatIDK account {user['username']}.\n\n"
        f"Your reset code is {code}\n\nIt expires in 15 minutes and works once. "
        "If it was not you, ignore this "
        "mail: your password stays as it is.",
    )


def reset_password(app: AppContext, login: str, code: str, new_password: str) -> None:
    """Set a new password with a valid code; every session of the account is signed out."""
    with app.db.transaction() as cur:
        user = users_db.find_for_recovery(cur, login)
        row = _check(cur, user["id"], "reset_password", code) if user else None
    if row is None:
        raise InvalidField(_BAD_CODE, field="code")
    password_hash = passwords.hash_password(new_password, app.config.bcrypt_rounds)
    with app.db.transaction() as cur:
        users_db.set_password_hash(cur, user["id"], password_hash)
        revoked = sessions_db.delete_user_sessions(cur, user["id"])
        throttle_db.clear_failures(cur, "account", user["username"].lower())
        app.broker.publish(cur, events.sessions_revoked(revoked))
