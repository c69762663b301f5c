"""Mails that tell the owner about a change to how their account signs in (when an address is confirmed)."""

from __future__ import annotations

from server.context import AppContext
from server.db import two_factor as two_factor_db
from server.db import users as users_db
from server.services import mail

_NOT_YOU = (
    "If this was not you, someone knows your password: change it now (Settings → Security), and sign out "
    "the devices you do not know (Devices)."
)


def _tell(app: AppContext, user_id: int, subject: str, body: str) -> None:
    with app.db.autocommit() as cur:
        user = users_db.get_user(cur, user_id)
    if user is None or user["email"] is None or user["email_confirmed_at"] is None:
        return
    mail.send_later(app.config, user["email"], subject, f"Hello {user['display_name']},\n\n{body}\n")


def two_factor_on(app: AppContext, user_id: int) -> None:
    _tell(
        app,
        user_id,
        "Two-factor sign-in is on",
        "Two-factor sign-in was turned on for your ChatIDK account: signing in now needs a code from your "
        "authenticator app (or one of your recovery codes) after the password.\n\n" + _NOT_YOU,
    )


def two_factor_off(app: AppContext, user_id: int) -> None:
    _tell(
        app,
        user_id,
        "Two-factor sign-in is off",
        "Two-factor sign-in was turned off for your ChatIDK account: signing in needs only the password "
        "again.\n\n" + _NOT_YOU,
    )


def recovery_codes_replaced(app: AppContext, user_id: int) -> None:
    _tell(
        app,
        user_id,
        "New ChatIDK recovery codes",
        "New recovery codes were made for your ChatIDK account; the earlier ones no longer work.\n\n"
        + _NOT_YOU,
    )


def recovery_code_used(app: AppContext, user_id: int, device_name: str) -> None:
    with app.db.autocommit() as cur:
        left = two_factor_db.status(cur, user_id)["recovery_codes_left"]
    _tell(
        app,
        user_id,
        "A ChatIDK recovery code was used",
        f"A recovery code was used to sign in to your ChatIDK account (device: {device_name}). It works no "
        f"more; {left} of your recovery codes are left.\n\n" + _NOT_YOU,
    )
