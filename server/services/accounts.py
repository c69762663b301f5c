"""Accounts and sessions: registering, logging in and out, profiles, search, deleting an account."""

from __future__ import annotations

import psycopg2.errors

from server import render
from server.context import AppContext
from server.db import conversations as conversations_db
from server.db import messages as messages_db
from server.db import sessions as sessions_db
from server.db import users as users_db
from server.errors import Conflict, NotFound, Unauthorized
from server.services import events, files, passwords, throttle, tokens

_BAD_LOGIN = "wrong username or password"


def register(app: AppContext, username: str, password: str, display_name: str | None) -> dict:
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
    """A new session, or 401 with the same message whether the name exists or not (and in the same time)."""
    attempt = throttle.begin_attempt(app.db, username, address)
    with app.db.transaction() as cur:
        row = users_db.get_login(cur, username)
    if row is None:
        passwords.burn_verify_time(password, app.config.bcrypt_rounds)
        ok = False
    else:
        ok = passwords.verify_password(password, row["password_hash"])
    if not ok:
        throttle.attempt_failed(app.db)
        raise Unauthorized(_BAD_LOGIN)
    throttle.attempt_succeeded(app.db, username, attempt)
    token = tokens.new_token()
    with app.db.transaction() as cur:
        session_id = sessions_db.insert_session(
            cur, row["id"], tokens.token_hash(token), device_name or "unknown device", address
        )
    return {"token": token, "session_id": session_id, "user": render.me(row)}


def authenticate(app: AppContext, token: str) -> dict:
    """The session behind a bearer token: {session_id, user_id}, or 401."""
    with app.db.autocommit() as cur:
        session = sessions_db.get_session(cur, tokens.token_hash(token))
        if session is not None and session["stale"]:
            sessions_db.touch_session(cur, session["session_id"])
    if session is None:
        raise Unauthorized("missing, unknown or revoked token")
    return session


def logout(app: AppContext, session_id: int) -> None:
    with app.db.transaction() as cur:
        sessions_db.delete_session(cur, session_id)
        app.broker.publish(cur, events.sessions_revoked([session_id]))


def get_me(app: AppContext, user_id: int) -> dict:
    with app.db.transaction() as cur:
        return render.me(users_db.get_user(cur, user_id))


def update_me(
    app: AppContext, user_id: int, display_name: str | None, visible: bool | None, hide_last_seen: bool | None
) -> dict:
    with app.db.transaction() as cur:
        row = users_db.update_profile(cur, user_id, display_name, visible, hide_last_seen)
        app.broker.publish(cur, events.user_updated(user_id))
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


def delete_account(app: AppContext, user_id: int, password: str) -> None:
    """Password-confirmed: revoke every session, tombstone my messages, leave my groups, erase the profile."""
    with app.db.transaction() as cur:
        stored = users_db.get_password_hash(cur, user_id)
    if stored is None or not passwords.verify_password(password, stored):
        raise Unauthorized("wrong password", field="password")
    with app.db.transaction() as cur:
        session_ids = sessions_db.delete_user_sessions(cur, user_id)
        for row in messages_db.tombstone_all_from(cur, user_id):
            app.broker.publish(cur, events.message("deleted", row["conversation_id"], row["id"]))
        for conversation_id in conversations_db.group_ids_of(cur, user_id):
            conversations_db.remove_member_txn(cur, conversation_id, user_id)
            app.broker.publish(cur, events.member_removed(conversation_id, user_id))
        doomed_files = files.delete_user_files_txn(cur, user_id)
        users_db.erase_user_txn(cur, user_id)
        app.broker.publish(cur, events.sessions_revoked(session_ids))
    files.remove_from_store(app, doomed_files)
