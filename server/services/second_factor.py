"""Checking a second factor (a TOTP code or a recovery code): spent when right, throttled when wrong.

Shared by the sign-in code step (sign_in.py) and turning two-factor sign-in off (two_factor.py).
"""

from __future__ import annotations

from server.context import AppContext
from server.db import Cursor
from server.db import sessions as sessions_db
from server.db import two_factor as two_factor_db
from server.errors import Unauthorized
from server.services import login_names, throttle, totp


def verify_txn(
    app: AppContext, cur: Cursor, user_id: int, code: str | None, recovery_code: str | None
) -> str | None:
    """'totp' or 'recovery_code' when it proves the second factor, which is then spent (its time step, or
    the recovery code); None when wrong, already used, or 2FA is off. The secret's row stays locked until
    the transaction ends, so two requests carrying the same code cannot both pass."""
    row = two_factor_db.lock_secret(cur, user_id)
    if row is None or row["enabled_at"] is None:
        return None
    if code is not None:
        step = totp.matching_step(row["secret"], code, app.clock(), row["last_used_step"])
        if step is None:
            return None
        two_factor_db.use_step(cur, user_id, step)
        return "totp"
    if recovery_code is not None and two_factor_db.use_recovery_code(
        cur, user_id, totp.recovery_code_hash(user_id, recovery_code)
    ):
        return "recovery_code"
    return None


def begin_attempt(app: AppContext, user_id: int, address: str | None) -> list[int | None]:
    """Count a code as wrong before checking it (throttle.begin_two_factor_txn), committed at once so that
    a failure stays counted; 429 while the account or the address must wait."""
    with app.db.transaction() as cur:
        trusted = sessions_db.is_login_address(
            cur, user_id, login_names.address_key(address), app.config.session_idle_days
        )
        return throttle.begin_two_factor_txn(cur, app.config, user_id, address, trusted)


def wrong_code(code: str | None) -> Unauthorized:
    """The 401 for a wrong or spent code, naming the field it came in."""
    return Unauthorized("wrong or already used code", field="code" if code is not None else "recovery_code")
