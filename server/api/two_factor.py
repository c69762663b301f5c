"""Routes for two-factor sign-in: the sign-in code step, enrolment, recovery codes, turning it off."""

from __future__ import annotations

from flask import g, request

from server.api import schemas as s
from server.api.context import ctx
from server.api.routing import blueprint, endpoint
from server.services import sign_in, two_factor

bp = blueprint("two_factor", __name__)


@endpoint(
    bp,
    "/sessions/two-factor",
    "POST",
    summary="Log in, second step: a sign-in challenge and a code for the session and its token",
    tag="accounts",
    auth=False,
    body=s.SignInCode,
    responses={201: s.SessionCreated},
    errors=(400, 401, 429),
)
def sign_in_code(body: s.SignInCode):
    return sign_in.complete(ctx(), body.challenge, body.code, body.recovery_code, request.remote_addr), 201


@endpoint(
    bp,
    "/me/two-factor",
    "GET",
    summary="Whether two-factor sign-in is on, and how many recovery codes are left",
    tag="safety",
    responses={200: s.TwoFactorStatus},
    errors=(401,),
)
def two_factor_status():
    return two_factor.status(ctx(), g.user_id)


@endpoint(
    bp,
    "/me/two-factor",
    "POST",
    summary="Start turning two-factor sign-in on: a new secret (password required)",
    tag="safety",
    body=s.StartTwoFactor,
    responses={201: s.TwoFactorEnrolment},
    errors=(400, 401, 409, 429),
)
def start_two_factor(body: s.StartTwoFactor):
    return two_factor.start(ctx(), g.user_id, body.password), 201


@endpoint(
    bp,
    "/me/two-factor/enable",
    "POST",
    summary="Turn two-factor sign-in on with a first right code; the recovery codes, shown once",
    tag="safety",
    body=s.EnableTwoFactor,
    responses={200: s.RecoveryCodes},
    errors=(400, 401, 409, 429),
)
def enable_two_factor(body: s.EnableTwoFactor):
    return {"recovery_codes": two_factor.enable(ctx(), g.user_id, body.code, request.remote_addr)}


@endpoint(
    bp,
    "/me/two-factor/recovery-codes",
    "POST",
    summary="New recovery codes, voiding the old ones (password required)",
    tag="safety",
    body=s.NewRecoveryCodes,
    responses={200: s.RecoveryCodes},
    errors=(400, 401, 409, 429),
)
def new_recovery_codes(body: s.NewRecoveryCodes):
    return {"recovery_codes": two_factor.replace_recovery_codes(ctx(), g.user_id, body.password)}


@endpoint(
    bp,
    "/me/two-factor",
    "DELETE",
    summary="Turn two-factor sign-in off (password and a code required)",
    tag="safety",
    body=s.DisableTwoFactor,
    responses={204: None},
    errors=(400, 401, 409, 429),
)
def disable_two_factor(body: s.DisableTwoFactor):
    two_factor.disable(ctx(), g.user_id, body.password, body.code, body.recovery_code, request.remote_addr)
    return "", 204
