"""Routes for accounts, sessions, profiles and user search."""

from __future__ import annotations

from flask import g, request

from server.api import schemas as s
from server.api.context import ctx
from server.api.routing import blueprint, endpoint
from server.services import accounts

bp = blueprint("accounts", __name__)


@endpoint(
    bp,
    "/accounts",
    "POST",
    summary="Create an account",
    tag="accounts",
    auth=False,
    body=s.Register,
    responses={201: s.MeEnvelope},
    errors=(400, 409, 429),
)
def register(body: s.Register):
    user = accounts.register(ctx(), body.username, body.password, body.display_name, request.remote_addr)
    return {"user": user}, 201


@endpoint(
    bp,
    "/sessions",
    "POST",
    summary="Log in: a new session and its bearer token, or a two-factor challenge (202)",
    tag="accounts",
    auth=False,
    body=s.Login,
    responses={201: s.SessionCreated, 202: s.TwoFactorChallenge},
    errors=(400, 401, 429),
)
def login(body: s.Login):
    answer = accounts.login(ctx(), body.username, body.password, body.device_name, request.remote_addr)
    return answer, 202 if answer.get("two_factor_required") else 201


@endpoint(
    bp,
    "/sessions/current",
    "DELETE",
    summary="Log out (revoke this token)",
    tag="accounts",
    responses={204: None},
    errors=(401,),
)
def logout():
    accounts.logout(ctx(), g.session_id)
    return "", 204


@endpoint(
    bp, "/me", "GET", summary="My account", tag="accounts", responses={200: s.MeEnvelope}, errors=(401,)
)
def get_me():
    return {"user": accounts.get_me(ctx(), g.user_id)}


@endpoint(
    bp,
    "/me",
    "PATCH",
    summary="Change my display name or visibility",
    tag="accounts",
    body=s.UpdateMe,
    responses={200: s.MeEnvelope},
    errors=(400, 401),
)
def update_me(body: s.UpdateMe):
    return {
        "user": accounts.update_me(ctx(), g.user_id, body.display_name, body.visible, body.hide_last_seen)
    }


@endpoint(
    bp,
    "/me",
    "DELETE",
    summary="Delete my account (password required)",
    tag="accounts",
    body=s.DeleteMe,
    responses={204: None},
    errors=(400, 401, 429),
)
def delete_me(body: s.DeleteMe):
    accounts.delete_account(ctx(), g.user_id, body.password)
    return "", 204


@endpoint(
    bp,
    "/users",
    "GET",
    summary="Find visible people by name prefix",
    tag="accounts",
    query=s.UserSearch,
    responses={200: s.UserList},
    errors=(400, 401),
)
def search_users(query: s.UserSearch):
    return {"users": accounts.search(ctx(), g.user_id, query.q, query.limit)}


@endpoint(
    bp,
    "/users/<id:user_id>",
    "GET",
    summary="One person I can see",
    tag="accounts",
    responses={200: s.UserEnvelope},
    errors=(401, 404),
)
def get_user(user_id: int):
    return {"user": accounts.get_user(ctx(), g.user_id, user_id)}
