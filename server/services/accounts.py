"""Accounts and sessions: registering, logging in and out, profiles, search, deleting an account."""

from __future__ import annotations

import psycopg2.errors

from server import render
from server.context import AppContext
from server.db import blocks as blocks_db
from server.db import codes as codes_db
from server.db import conversations as conversations_db
from server.db import hides as hides_db
from server.db import messages as messages_db
from server.db import sessions as sessions_db
from server.db import throttle as throttle_db
from server.db import two_factor as two_factor_db
from server.db import users as users_db
from server.errors import UNAUTHORIZED, Conflict, NotFound, Unauthorized
from server.services import (
    attachments,
    events,
    file_purge,
    passwords,
    session_cache,
    sign_in,
    throttle,
    tokens,
)
from server.services.login_names import address_key, fold

_BAD_LOGIN = "wrong username or password"


def register(
    app: AppContext, username: str, password: str, display_name: str | None, address: str | None
) -> dict:
    """A new account. Counted per client address before the bcrypt work, taken names included: hashing is
    the expensive part, and a name that is taken cost as much as one that was free."""
    throttle.take_now(app.db, throttle.registrations(app.config), throttle.address_key(address))
    password_hash = passwords.hash_password(password, app.config.bcrypt_rounds)
    try:
        with app.db.transaction() as cur:
            row = users_db.insert_user(cur, username, display_name or username, password_hash)
    except psycopg2.errors.UniqueViolation:
        raise Conflict("that username is taken", field="username") from None
    return render.me(row)


def login(
    app: AppContext, username: str, password: str, device_name: str | None, address: str | None
) -> dict:
    """A new session, or 401 with the same message whether the name exists or not (and in the same time).
    With two-factor sign-in on, a right password answers a challenge instead (sign_in.py).

    The attempt is counted before the password is checked and uncounted when it was right (throttle.py).
    """
    name, where = fold(username), address_key(address)
    with app.db.transaction() as cur:
        throttle.lock_login(cur, name, where)
        row = users_db.get_login(cur, name, where, app.config.session_idle_days)
        attempt = throttle.begin_login_txn(cur, app.config, name, where, trusted=bool(row and row["trusted"]))
    if row is None:
        passwords.burn_verify_time(password, app.config.bcrypt_rounds)
        ok = False
    else:
        ok = passwords.verify_password(password, row["password_hash"])
    housekeeping(app)
    if row is None or not ok:
        raise Unauthorized(_BAD_LOGIN)
    device = device_name or "unknown device"
    if row["two_factor"]:
        # The password was right, so it is uncounted; the address becomes a trusted one only once the
        # second factor is right too (sign_in.complete).
        with app.db.transaction() as cur:
            throttle_db.forget(cur, attempt)
        return sign_in.issue_challenge(app, row["id"], device, address)
    with app.db.transaction() as cur:
        throttle_db.forget(cur, attempt)
        token, session_id = sign_in.open_session_txn(cur, row["id"], device, address)
    return {"token": token, "session_id": session_id, "user": render.me(row)}


def housekeeping(app: AppContext) -> None:
    """Now and then (at most once a minute per process): forget spent throttle counts, expired sessions
    addresses not signed in from for a session's lifetime, and expired sign-in challenges."""
    if not app.prune_schedule.due():
        return
    with app.db.autocommit() as cur:
        throttle_db.prune(cur)
        sessions_db.delete_expired(cur, app.config.session_idle_seconds)
        sessions_db.forget_stale_login_addresses(cur, app.config.session_idle_days)
        two_factor_db.delete_expired_challenges(cur, app.clock())


def authenticate(app: AppContext, token: str) -> dict:
    """The session behind a bearer token: {session_id, user_id}, or 401 (also once it expired unused).

    Looked up in the database at most once per CHATIDK_SESSION_CACHE_SECONDS per process
    (server/services/session_cache.py): revocations reach that cache when they commit.
    """
    return authenticate_hash(app, tokens.token_hash(token))


def authenticate_hash(app: AppContext, token_hash: bytes) -> dict:
    """:func:`authenticate` for a token already hashed."""
    cached = cached_session(app, token_hash)
    if cached is not None:
        return cached
    cache = app.session_cache
    generation = cache.generation()
    with app.db.autocommit() as cur:
        session = sessions_db.get_session(cur, token_hash, app.config.session_idle_seconds)
        if session is not None and session["stale"]:
            sessions_db.touch_session(cur, session["session_id"])
    if session is None:
        raise Unauthorized(UNAUTHORIZED)
    cache.put(token_hash, session["session_id"], session["user_id"], generation)
    return session


def cached_session(app: AppContext, token_hash: bytes) -> dict | None:
    """{session_id, user_id} when this process vouched for the token lately, else None (not a refusal: the
    database has not been asked)."""
    cached = app.session_cache.get(token_hash)
    if cached is None:
        return None
    return {"session_id": cached.session_id, "user_id": cached.user_id}


def logout(app: AppContext, session_id: int) -> None:
    with app.db.transaction() as cur:
        sessions_db.delete_session(cur, session_id)
        session_cache.announce_revoked(app, cur, [session_id])


def get_me(app: AppContext, user_id: int) -> dict:
    with app.db.transaction() as cur:
        return render.me(users_db.get_known_user(cur, user_id))


def update_me(
    app: AppContext, user_id: int, display_name: str | None, visible: bool | None, hide_last_seen: bool | None
) -> dict:
    with app.db.transaction() as cur:
        row = users_db.update_profile(cur, user_id, display_name, visible, hide_last_seen)
        app.broker.publish(cur, events.user_updated(user_id))
        if hide_last_seen is not None:
            app.broker.publish(cur, events.presence(user_id, visibility=True))
        return render.me(row)


def search(app: AppContext, viewer_id: int, prefix: str, limit: int) -> list[dict]:
    with app.db.transaction() as cur:
        return [render.user(row) for row in users_db.search_visible(cur, prefix, limit, viewer_id)]


def get_user(app: AppContext, viewer_id: int, user_id: int) -> dict:
    with app.db.transaction() as cur:
        row = users_db.get_user_visible_to(cur, viewer_id, user_id)
    if row is None:
        raise NotFound("no such user")
    return render.user(row)


def check_password(app: AppContext, user_id: int, password: str, field: str) -> None:
    """A signed-in user's password, for what needs it again (password change, account deletion); 401 if
    wrong. Wrong ones are counted per account, so a stolen token is no unlimited password oracle."""
    attempt = throttle.take_now(app.db, throttle.wrong_passwords(app.config), throttle.user_key(user_id))
    with app.db.autocommit() as cur:
        stored = users_db.get_password_hash(cur, user_id)
    if stored is None or not passwords.verify_password(password, stored):
        raise Unauthorized("wrong password", field=field)
    throttle.refund(app.db, [attempt])


def delete_account(app: AppContext, user_id: int, password: str) -> None:
    """Password-confirmed: revoke every session, tombstone my messages, leave my groups, erase the profile
    and everything else that names me (codes, blocks, throttle counts, sign-in addresses, send budget, the
    TOTP secret, recovery codes, sign-in challenges and the messages it deleted for itself)."""
    check_password(app, user_id, password, "password")
    with app.db.transaction() as cur:
        session_ids = sessions_db.delete_user_sessions(cur, user_id)
        for row in messages_db.tombstone_all_from(cur, user_id):
            kind = "deleted" if row["deleted_at"] is not None else "updated"  # else a reply's quote
            app.broker.publish(cur, events.message(kind, row["conversation_id"], row["id"]))
        for conversation_id in conversations_db.group_ids_of(cur, user_id):
            conversations_db.remove_member_txn(cur, conversation_id, user_id)
            app.broker.publish(cur, events.member_removed(conversation_id, user_id))
        doomed_files = attachments.delete_user_files_txn(cur, user_id)
        erased = users_db.erase_user_txn(cur, user_id)
        codes_db.delete_user_codes(cur, user_id)
        two_factor_db.delete_all(cur, user_id)
        blocks_db.delete_user_blocks(cur, user_id)
        hides_db.delete_user_hides(cur, user_id)
        sessions_db.forget_login_addresses(cur, user_id)
        throttle_db.erase_user(cur, user_id, erasure_keys(user_id, erased))
        session_cache.announce_revoked(app, cur, session_ids)
    file_purge.remove_from_store(app, doomed_files)


def erasure_keys(user_id: int, erased: dict | None) -> list[str]:
    """The throttle keys that name an account: its id and its login name."""
    keys = [throttle.user_key(user_id)]
    if erased and erased["username"]:
        keys.append(throttle.login_key(fold(erased["username"])))
    return keys
