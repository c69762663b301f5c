"""Opening a session, and the second step of signing in while two-factor sign-in is on.

With 2FA on, a right password opens no session: it earns a challenge (256 random bits, stored as SHA-256,
living ``two_factor_challenge_seconds``), which the code step trades, once, with a TOTP code or a recovery
code for the session. A challenge is no credential anywhere else: it is not a session token, so every
other route answers it 401 like any unknown token.
"""

from __future__ import annotations

from datetime import UTC, datetime

from server import render
from server.context import AppContext
from server.db import Cursor
from server.db import sessions as sessions_db
from server.db import throttle as throttle_db
from server.db import two_factor as two_factor_db
from server.db import users as users_db
from server.errors import ChallengeExpired
from server.services import notices, second_factor, throttle, tokens
from server.services.login_names import address_key

LIVE_CHALLENGES_PER_ACCOUNT = 10  # older ones die when more are issued
_GONE = "this sign-in has expired, was used or had too many wrong codes; sign in with your password again"
_WRONG_AND_GONE = "wrong code, and one too many for this sign-in; sign in with your password again"


def open_session_txn(
    cur: Cursor, user_id: int, device_name: str, address: str | None, second: str | None = None
) -> tuple[str, int]:
    """A new session (token, session id); the address becomes one the account signed in from."""
    token = tokens.new_token()
    sessions_db.remember_login_address(cur, user_id, address_key(address))
    session_id = sessions_db.insert_session(
        cur, user_id, tokens.token_hash(token), device_name, address, second
    )
    return token, session_id


def issue_challenge(app: AppContext, user_id: int, device_name: str, address: str | None) -> dict:
    """The answer to a right password while 2FA is on."""
    challenge = tokens.new_token()
    expires = app.clock() + app.config.two_factor_challenge_seconds
    with app.db.transaction() as cur:
        two_factor_db.insert_challenge(
            cur,
            user_id,
            tokens.token_hash(challenge),
            device_name,
            address,
            expires,
            LIVE_CHALLENGES_PER_ACCOUNT,
        )
    return {
        "two_factor_required": True,
        "challenge": challenge,
        "expires_at": render.timestamp(datetime.fromtimestamp(expires, UTC)),
        "methods": ["totp", "recovery_code"],
    }


def complete(
    app: AppContext, challenge: str, code: str | None, recovery_code: str | None, address: str | None
) -> dict:
    """Trade a live challenge and a right code for a session (as ``POST /sessions`` answers one).

    401 ``challenge_expired`` for a challenge that is unknown, expired, used, or killed by its
    ``two_factor_codes_per_challenge``-th wrong code; 401 with the code's field for a wrong or already used
    code; 429 while the account's wrong codes make it wait (throttle.begin_two_factor_txn).
    """
    challenge_hash = tokens.token_hash(challenge)
    with app.db.autocommit() as cur:
        found = two_factor_db.live_challenge(cur, challenge_hash, app.clock())
    if found is None:
        raise ChallengeExpired(_GONE)
    attempts = second_factor.begin_attempt(app, found["user_id"], address)
    with app.db.transaction() as cur:
        row = two_factor_db.live_challenge(cur, challenge_hash, app.clock(), lock=True)
        if row is None:  # used up by a request a moment earlier: no guess was made
            method, died = None, True
        else:
            method = second_factor.verify_txn(app, cur, row["user_id"], code, recovery_code)
            died = method is None and two_factor_db.count_wrong_code(
                cur, row["id"], app.config.two_factor_codes_per_challenge
            )
        if row is not None and method is not None:
            two_factor_db.delete_challenge(cur, row["id"])
            token, session_id = open_session_txn(cur, row["user_id"], row["device_name"], address, method)
            throttle_db.forget(cur, attempts)
            user = users_db.get_known_user(cur, row["user_id"])
    if row is None:
        throttle.refund(app.db, attempts)
        raise ChallengeExpired(_GONE)
    if method is None:
        if died:
            raise ChallengeExpired(_WRONG_AND_GONE)
        raise second_factor.wrong_code(code)
    if method == "recovery_code":
        notices.recovery_code_used(app, row["user_id"], row["device_name"])
    return {"token": token, "session_id": session_id, "user": render.me(user)}
