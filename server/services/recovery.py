"""Email confirmation and password reset by one-time codes sent by mail.

Codes are 8 random digits, stored as SHA-256, valid 15 minutes, single use, and die after 5 wrong guesses.
Guessing is bounded across codes too (README, "What an attacker can and cannot do"): per account, at most
``code_mails_per_hour`` codes are mailed and ``wrong_codes_per_day`` wrong ones count before every code of
the account dies; per client address, requests and wrong codes are throttled with a 429.

A reset request answers the same way, in the same time, whether or not the account exists or has a
confirmed address: the request is only counted and queued; the account is looked up, and the code issued
and mailed, by a background job after the answer. Checking a reset code runs the same statements whether
or not the login names an account.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from server import render
from server.context import AppContext
from server.db import Cursor
from server.db import codes as codes_db
from server.db import sessions as sessions_db
from server.db import throttle as throttle_db
from server.db import two_factor as two_factor_db
from server.db import users as users_db
from server.errors import Conflict, InvalidField
from server.services import mail, passwords, session_cache, throttle
from server.services.background import jobs
from server.services.login_names import fold

CODE_TTL_SECONDS = 15 * 60
MAX_ATTEMPTS = 5
_BAD_CODE = "the code is wrong, expired or already used"
_NOBODY = 0  # the user id of an unknown login: no account has it, so no code matches


def _new_code() -> str:
    return f"{secrets.randbelow(10**8):08d}"


def _hash(user_id: int, purpose: str, code: str) -> bytes:
    return hashlib.sha256(f"{user_id}:{purpose}:{code}".encode()).digest()


def _issue(cur: Cursor, user_id: int, purpose: str, email: str) -> str:
    code = _new_code()
    codes_db.replace_code(cur, user_id, purpose, _hash(user_id, purpose, code), email, CODE_TTL_SECONDS)
    return code


def _check(cur: Cursor, user_id: int, purpose: str, code: str, budget: throttle.Limit | None) -> dict | None:
    """The live code row if ``code`` matches it, else None; the same statements run either way.

    A wrong guess at a live code is counted on the code (it dies at MAX_ATTEMPTS). With a ``budget`` it is
    counted on the account too, and the guess that spends the account's budget kills the code; no new one
    is issued until the budget has room again (``_mail_reset_code``), so guessing across codes gets
    nowhere either, and nothing in the answer differs.
    """
    key = throttle.user_key(user_id)
    row = codes_db.live_code(cur, user_id, purpose)
    spent = 0
    if budget is not None:
        spent, _, _ = throttle_db.count_within(cur, budget.scope, key, budget.window_seconds)
    right = (
        row is not None
        and (budget is None or spent < budget.count)
        and hmac.compare_digest(bytes(row["code_hash"]), _hash(user_id, purpose, code.strip()))
    )
    codes_db.settle_guess_txn(
        cur,
        row["id"] if row else None,
        right=right,
        kill=budget is not None and spent + 1 >= budget.count,
        max_attempts=MAX_ATTEMPTS,
        wrong_event=(budget.scope, key, budget.window_seconds) if budget and row else None,
    )
    return row if right else None


# ---- email confirmation --------------------------------------------------------------------------------


def request_email(app: AppContext, user_id: int, email: str, address: str | None) -> dict:
    """Set an unconfirmed address and mail it a confirmation code; it is used for nothing until confirmed.

    At most ``code_mails_per_hour`` such mails per account, and ``code_requests_per_address_hour`` per
    client address: 429 beyond (the caller is signed in, so this tells nobody anything).
    """
    with app.db.transaction() as cur:
        throttle.take(cur, throttle.code_requests_from(app.config), throttle.address_key(address))
        throttle.take(cur, throttle.code_mails(app.config, "confirm_email"), throttle.user_key(user_id))
        users_db.set_pending_email(cur, user_id, email)
        code = _issue(cur, user_id, "confirm_email", email)
        user = users_db.get_known_user(cur, user_id)
    mail.send_later(
        app.config,
        email,
        "Confirm your ChatIDK email address",
        f"Your confirmation code is {code}\n\n"
        "It expires in 15 minutes. If you did not ask for it, ignore this mail.",
    )
    return render.me(user)


def confirm_email(app: AppContext, user_id: int, code: str, address: str | None) -> dict:
    """429 once the account (or the client address) has guessed wrong too often; a right code is uncounted."""
    with app.db.transaction() as cur:
        attempts = [
            throttle.take(cur, throttle.wrong_codes_from(app.config), throttle.address_key(address)),
            throttle.take(cur, throttle.wrong_codes(app.config, "confirm_email"), throttle.user_key(user_id)),
        ]
    # The code is checked (and a wrong guess counted) in its own transaction, so a failure still counts.
    with app.db.transaction() as cur:
        row = _check(cur, user_id, "confirm_email", code, None)  # the account's budget: taken above
    if row is None:
        raise InvalidField(_BAD_CODE, field="code")
    throttle.refund(app.db, attempts)
    with app.db.transaction() as cur:
        if not users_db.confirm_email(cur, user_id, row["email"]):
            raise Conflict(
                "that address is already confirmed on another account, or was changed", field="code"
            )
        return render.me(users_db.get_known_user(cur, user_id))


def remove_email(app: AppContext, user_id: int) -> dict:
    with app.db.transaction() as cur:
        users_db.set_pending_email(cur, user_id, None)
        return render.me(users_db.get_known_user(cur, user_id))


# ---- password reset ------------------------------------------------------------------------------------


def request_reset(app: AppContext, login: str, address: str | None) -> None:
    """Count the request per client address (429 beyond the limit) and queue the rest; never says more."""
    throttle.take_now(app.db, throttle.code_requests_from(app.config), throttle.address_key(address))
    jobs.submit(_mail_reset_code, app, login)


def _mail_reset_code(app: AppContext, login: str) -> None:
    """The background half of a reset request: a code by mail if the account has a confirmed address and
    has neither had ``code_mails_per_hour`` codes this hour nor spent its daily budget of wrong codes."""
    with app.db.transaction() as cur:
        user = users_db.find_for_recovery(cur, fold(login), login)
        if user is None or user["email_confirmed_at"] is None:
            return
        key = throttle.user_key(user["id"])
        if throttle.is_full(cur, throttle.wrong_codes(app.config, "reset_password"), key):
            return
        limit = throttle.code_mails(app.config, "reset_password")
        if throttle_db.take_txn(cur, limit.scope, key, limit.count, limit.window_seconds)[0] is None:
            return
        code = _issue(cur, user["id"], "reset_password", user["email"])
        two_factor = two_factor_db.is_enabled(cur, user["id"])
    stays = (
        "\n\nTwo-factor sign-in stays on: the reset signs you out everywhere, and signing in again still "
        "needs a code from your authenticator app or one of your recovery codes."
        if two_factor
        else ""
    )
    # Delivered here, in the background job, one mail at a time: the answer went out long ago.
    mail.deliver(
        app.config,
        mail.build_message(
            app.config,
            user["email"],
            "Reset your ChatIDK password",
            f"Someone asked to reset the password of the ChatIDK account {user['username']}.\n\n"
            f"Your reset code is {code}\n\nIt expires in 15 minutes and works once. "
            "If it was not you, ignore this mail: your password stays as it is." + stays,
        ),
    )


def reset_password(app: AppContext, login: str, code: str, new_password: str, address: str | None) -> None:
    """Set a new password with a valid code; every session of the account is signed out. Two-factor
    sign-in is not switched off: a mailbox alone must not be enough to take the account over."""
    attempt = throttle.take_now(app.db, throttle.wrong_codes_from(app.config), throttle.address_key(address))
    with app.db.transaction() as cur:
        user = users_db.find_for_recovery(cur, fold(login), login)
        budget = throttle.wrong_codes(app.config, "reset_password")
        row = _check(cur, user["id"] if user else _NOBODY, "reset_password", code, budget)
    if row is None or user is None:
        raise InvalidField(_BAD_CODE, field="code")
    throttle.refund(app.db, [attempt])
    password_hash = passwords.hash_password(new_password, app.config.bcrypt_rounds)
    with app.db.transaction() as cur:
        users_db.set_password_hash(cur, user["id"], password_hash)
        revoked = sessions_db.delete_user_sessions(cur, user["id"])
        # Two-factor sign-in stays on (the mail said so): signing in again still needs a code.
        two_factor_db.delete_user_challenges(cur, user["id"])
        # The mailed code proved the owner: failed logins from elsewhere no longer slow the name down.
        throttle_db.clear(cur, "login", throttle.login_key(fold(user["username"])))
        session_cache.announce_revoked(app, cur, revoked)
