"""Two-factor sign-in for tests: enrol a user over HTTP and make right and wrong codes with pyotp."""

from __future__ import annotations

import time

import pyotp

from tests.support.api import PASSWORD


def turn_on_two_factor(user) -> tuple[pyotp.TOTP, list[str], str]:
    """Enrols ``user`` (a tests.support.api.ApiClient): the code generator, the recovery codes, and the
    enabling code (its time step is spent)."""
    secret = user.post("/me/two-factor", {"password": PASSWORD}).json()["secret"]
    totp = pyotp.TOTP(secret)
    enabling = totp.now()
    answer = user.post("/me/two-factor/enable", {"code": enabling})
    assert answer.status_code == 200, answer.text
    return totp, answer.json()["recovery_codes"], enabling


def unused_code(totp: pyotp.TOTP) -> str:
    """A code the server takes now: the next step's (the current one may be the enabling code's)."""
    return totp.at(time.time() + 30)


def wrong_code(totp: pyotp.TOTP) -> str:
    near = {totp.at(time.time() + shift) for shift in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c not in near)
