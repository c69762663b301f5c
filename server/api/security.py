"""Routes for account safety: email, password change and reset, signed-in devices, blocking, presence."""

from __future__ import annotations

from flask import Response, g, request

from server.api import schemas as s
from server.api.context import ctx
from server.api.routing import blueprint, endpoint
from server.services import blocks, export, presence, recovery, sessions

bp = blueprint("security", __name__)

_RESET_ANSWER = {"status": "if that account has a confirmed email address, a reset code is on its way"}


@endpoint(
    bp,
    "/me/email",
    "PUT",
    summary="Set my email address (mails a confirmation code)",
    tag="safety",
    body=s.SetEmail,
    responses={202: s.MeEnvelope},
    errors=(400, 401, 429),
)
def set_email(body: s.SetEmail):
    return {"user": recovery.request_email(ctx(), g.user_id, body.email, request.remote_addr)}, 202


@endpoint(
    bp,
    "/me/email/confirm",
    "POST",
    summary="Confirm my email address with the mailed code",
    tag="safety",
    body=s.ConfirmEmail,
    responses={200: s.MeEnvelope},
    errors=(400, 401, 409, 429),
)
def confirm_email(body: s.ConfirmEmail):
    return {"user": recovery.confirm_email(ctx(), g.user_id, body.code, request.remote_addr)}


@endpoint(
    bp,
    "/me/email",
    "DELETE",
    summary="Remove my email address",
    tag="safety",
    responses={200: s.MeEnvelope},
    errors=(401,),
)
def remove_email():
    return {"user": recovery.remove_email(ctx(), g.user_id)}


@endpoint(
    bp,
    "/me/password",
    "POST",
    summary="Change my password (signs out my other devices)",
    tag="safety",
    body=s.ChangePassword,
    responses={200: s.Revoked},
    errors=(400, 401, 429),
)
def change_password(body: s.ChangePassword):
    revoked = sessions.change_password(
        ctx(), g.user_id, g.session_id, body.current_password, body.new_password
    )
    return {"revoked": revoked}


@endpoint(
    bp,
    "/password-reset",
    "POST",
    summary="Ask for a password reset code by mail",
    tag="safety",
    auth=False,
    body=s.RequestReset,
    responses={202: s.Accepted},
    errors=(400, 429),
)
def request_password_reset(body: s.RequestReset):
    recovery.request_reset(ctx(), body.login, request.remote_addr)
    return _RESET_ANSWER, 202


@endpoint(
    bp,
    "/password-reset/confirm",
    "POST",
    summary="Set a new password with the mailed code",
    tag="safety",
    auth=False,
    body=s.ResetPassword,
    responses={204: None},
    errors=(400, 429),
)
def confirm_password_reset(body: s.ResetPassword):
    recovery.reset_password(ctx(), body.login, body.code, body.new_password, request.remote_addr)
    return "", 204


@endpoint(
    bp,
    "/sessions",
    "GET",
    summary="My signed-in devices",
    tag="safety",
    responses={200: s.SessionList},
    errors=(401,),
)
def list_sessions():
    return {"sessions": sessions.list_mine(ctx(), g.user_id, g.session_id)}


@endpoint(
    bp,
    "/sessions/<id:session_id>",
    "DELETE",
    summary="Sign out one of my devices",
    tag="safety",
    responses={204: None},
    errors=(401, 404),
)
def revoke_session(session_id: int):
    sessions.revoke(ctx(), g.user_id, session_id)
    return "", 204


@endpoint(
    bp,
    "/sessions/revoke-others",
    "POST",
    summary="Sign out all my other devices",
    tag="safety",
    responses={200: s.Revoked},
    errors=(401,),
)
def revoke_other_sessions():
    return {"revoked": sessions.revoke_others(ctx(), g.user_id, g.session_id)}


@endpoint(
    bp,
    "/blocks",
    "GET",
    summary="People I blocked",
    tag="safety",
    responses={200: s.BlockList},
    errors=(401,),
)
def list_blocks():
    return {"blocks": blocks.list_mine(ctx(), g.user_id)}


@endpoint(
    bp,
    "/blocks/<id:user_id>",
    "PUT",
    summary="Block someone (or change hide_in_groups)",
    tag="safety",
    body=s.Block,
    responses={200: s.BlockEntry},
    errors=(400, 401, 404),
)
def block_user(user_id: int, body: s.Block):
    return blocks.block(ctx(), g.user_id, user_id, body.hide_in_groups)


@endpoint(
    bp,
    "/blocks/<id:user_id>",
    "DELETE",
    summary="Unblock someone",
    tag="safety",
    responses={204: None},
    errors=(401, 404),
)
def unblock_user(user_id: int):
    blocks.unblock(ctx(), g.user_id, user_id)
    return "", 204


@endpoint(
    bp,
    "/presence",
    "GET",
    summary="Presence of everyone I share a conversation with",
    tag="live",
    responses={200: s.PresenceList},
    errors=(401,),
)
def list_presence():
    return {"presence": presence.contacts(ctx(), g.user_id)}


@endpoint(
    bp,
    "/me/export",
    "GET",
    summary="Everything the server holds about me, as a zip archive",
    tag="safety",
    responses={200: None},
    errors=(401, 429),
)
def export_my_data():
    """Streamed as it is made (chunked): the server stages nothing, and one export runs per account."""
    archive = export.start(ctx(), g.user_id, g.session_id)
    return Response(
        archive,
        mimetype="application/zip",
        headers={"Content-Disposition": f"attachment; filename={archive.name}"},
    )
