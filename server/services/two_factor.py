"""Turning two-factor sign-in on and off, and the recovery codes (sign_in.py does the sign-in step).

Enrolment: a password-confirmed request makes a pending secret (shown once, with its otpauth:// URI for a
QR code); the first right code turns 2FA on and answers the 10 recovery codes, shown once and stored as
SHA-256. New recovery codes (voiding the old ones) need the password, as deleting the account does: the
signed-in owner who lost the authenticator can still get fresh ones. Turning 2FA off needs the password and
a code (or a recovery code). A password change or a reset by mail leaves 2FA on.
"""

from __future__ import annotations

from server import render
from server.context import AppContext
from server.db import two_factor as two_factor_db
from server.db import users as users_db
from server.errors import Conflict, InvalidField
from server.services import accounts, notices, second_factor, throttle, totp

_NOT_ON = "two-factor sign-in is not on"


def _hashes(user_id: int, codes: list[str]) -> list[bytes]:
    return [totp.recovery_code_hash(user_id, code) for code in codes]


def status(app: AppContext, user_id: int) -> dict:
    with app.db.autocommit() as cur:
        row = two_factor_db.status(cur, user_id)
    return {
        "enabled": row["enabled_at"] is not None,
        "enabled_at": render.timestamp(row["enabled_at"]),
        "pending": row["pending"],
        "recovery_codes_left": row["recovery_codes_left"] if row["enabled_at"] is not None else 0,
    }


def start(app: AppContext, user_id: int, password: str) -> dict:
    """A new pending secret (replacing an earlier pending one); 409 while 2FA is on."""
    accounts.check_password(app, user_id, password, "password")
    secret = totp.new_secret()
    with app.db.transaction() as cur:
        if not two_factor_db.start_enrolment(cur, user_id, secret):
            raise Conflict("two-factor sign-in is already on; turn it off first")
        user = users_db.get_known_user(cur, user_id)
    return {
        "secret": secret,
        "otpauth_uri": totp.provisioning_uri(secret, user["username"]),
        "algorithm": "SHA1",
        "digits": totp.DIGITS,
        "period": totp.PERIOD_SECONDS,
    }


def enable(app: AppContext, user_id: int, code: str, address: str | None) -> list[str]:
    """Turn 2FA on with the first right code of the pending secret; the recovery codes, once.

    Wrong codes count per account (``wrong_codes_per_day``) and per address, like mailed codes.
    """
    with app.db.autocommit() as cur:
        state = two_factor_db.status(cur, user_id)
    if state["enabled_at"] is not None:
        raise Conflict("two-factor sign-in is already on")
    if not state["pending"]:
        raise Conflict("no enrolment to finish; start one first (POST /me/two-factor)")
    with app.db.transaction() as cur:
        attempts = [
            throttle.take(cur, throttle.wrong_codes_from(app.config), throttle.address_key(address)),
            throttle.take(cur, throttle.wrong_codes(app.config, "totp_enable"), throttle.user_key(user_id)),
        ]
    codes = totp.new_recovery_codes()
    with app.db.transaction() as cur:
        row = two_factor_db.lock_secret(cur, user_id)
        step = None
        if row is not None and row["enabled_at"] is None:
            step = totp.matching_step(row["secret"], code, app.clock(), row["last_used_step"])
        if step is not None:
            two_factor_db.enable(cur, user_id, step)
            two_factor_db.replace_recovery_codes(
                cur, user_id, [totp.recovery_code_hash(user_id, c) for c in codes]
            )
    if step is None:
        raise InvalidField("wrong code; check that your device's clock is right", field="code")
    throttle.refund(app.db, attempts)
    notices.two_factor_on(app, user_id)
    return codes


def replace_recovery_codes(app: AppContext, user_id: int, password: str) -> list[str]:
    """Ten new codes; the earlier ones, used or not, stop working."""
    accounts.check_password(app, user_id, password, "password")
    codes = totp.new_recovery_codes()
    with app.db.transaction() as cur:
        if not two_factor_db.is_enabled(cur, user_id):
            raise Conflict(_NOT_ON)
        two_factor_db.replace_recovery_codes(
            cur, user_id, [totp.recovery_code_hash(user_id, c) for c in codes]
        )
    notices.recovery_codes_replaced(app, user_id)
    return codes


def disable(
    app: AppContext,
    user_id: int,
    password: str,
    code: str | None,
    recovery_code: str | None,
    address: str | None,
) -> None:
    """The password and a second factor; then the secret, the recovery codes and any challenges go."""
    accounts.check_password(app, user_id, password, "password")
    with app.db.autocommit() as cur:
        if not two_factor_db.is_enabled(cur, user_id):
            raise Conflict(_NOT_ON)
    attempts = second_factor.begin_attempt(app, user_id, address)
    with app.db.transaction() as cur:
        method = second_factor.verify_txn(app, cur, user_id, code, recovery_code)
        if method is not None:
            two_factor_db.delete_all(cur, user_id)
    if method is None:
        raise second_factor.wrong_code(code)
    throttle.refund(app.db, attempts)
    notices.two_factor_off(app, user_id)
