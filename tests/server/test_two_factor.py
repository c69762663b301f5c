"""Two-factor sign-in (TOTP, RFC 6238): enrolment, the code step, replay, expiry, recovery codes, turning it
off, and that a password reset by mail does not switch it off. Mails go through a real SMTP server.

Time is the app context's clock (``Clock`` below), moved instead of slept for; throttle counts are moved
into the past in the database, as tests/server/test_login_throttle.py does.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest

from server.api.routing import ENDPOINTS
from server.config import Config
from tests.server.conftest import API, PASSWORD, assert_error, login
from tests.server.test_login_throttle import let_time_pass
from tests.support.smtp import code_in

T0 = 30 * 63_333_334.0  # the start of a 30-second time step, in 2030
HOME, ELSEWHERE = "10.0.0.1", "203.0.113.9"
NEW_PASSWORD = "a brand new passphrase"
DEFAULTS = Config()


class Clock:
    """The app's wall clock, moved by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def app(mailing_app):
    return mailing_app


@pytest.fixture
def clock(app) -> Clock:
    clock = Clock(T0)
    app.extensions["chatidk"].clock = clock
    return clock


def code_at(secret: str, unix_time: float) -> str:
    return pyotp.TOTP(secret).at(unix_time)


def wrong_code(secret: str, clock: Clock) -> str:
    """Six digits that are no code of the steps around now."""
    near = {code_at(secret, clock.now + offset) for offset in (-30, 0, 30)}
    return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 7919)) if c not in near)


def enrol(user, clock: Clock) -> tuple[str, list[str]]:
    """Turn 2FA on for ``user`` with the current step's code: (secret, recovery codes)."""
    r = user.post("/me/two-factor", {"password": user.password})
    assert r.status_code == 201, r.json
    secret = r.json["secret"]
    r = user.post("/me/two-factor/enable", {"code": code_at(secret, clock.now)})
    assert r.status_code == 200, r.json
    return secret, r.json["recovery_codes"]


def password_step(client, username: str, password: str = PASSWORD, address: str = HOME, **extra) -> str:
    r = login(client, username, password, environ_base={"REMOTE_ADDR": address}, **extra)
    assert r.status_code == 202, r.json
    assert r.json["two_factor_required"] is True and "token" not in r.json
    return r.json["challenge"]


def code_step(client, challenge: str, address: str = HOME, **factor):
    return client.post(
        f"{API}/sessions/two-factor",
        json={"challenge": challenge, **factor},
        environ_base={"REMOTE_ADDR": address},
    )


def mail_titled(inbox, address: str, count: int, subject: str):
    """The one mail of that subject once `count` mails reached the address: mails go out in the background,
    so two sent close together (2FA turned on, then a code used) may arrive in either order."""
    [mail] = [m for m in inbox.wait_for(address, count=count) if m["Subject"] == subject]
    return mail


def confirm_email(user, inbox, address: str) -> None:
    assert user.request("PUT", "/me/email", {"email": address}).status_code == 202
    assert user.post("/me/email/confirm", {"code": code_in(inbox.wait_for(address)[-1])}).status_code == 200


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# ---- enrolment ------------------------------------------------------------------------------------------


def test_enrolment_turns_on_only_after_a_right_code(client, alice, clock):
    assert alice.get("/me/two-factor").json == {
        "enabled": False,
        "enabled_at": None,
        "pending": False,
        "recovery_codes_left": 0,
    }
    assert_error(
        alice.post("/me/two-factor", {"password": "wrong password"}), 401, "unauthorized", "password"
    )
    assert_error(alice.post("/me/two-factor/enable", {"code": "123456"}), 409, "conflict")  # nothing started
    r = alice.post("/me/two-factor", {"password": PASSWORD})
    assert r.status_code == 201
    secret = r.json["secret"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert r.json["otpauth_uri"].startswith("otpauth://totp/ChatIDK:alice?")
    assert f"secret={secret}" in r.json["otpauth_uri"] and "issuer=ChatIDK" in r.json["otpauth_uri"]
    assert (r.json["algorithm"], r.json["digits"], r.json["period"]) == ("SHA1", 6, 30)
    assert alice.get("/me/two-factor").json["pending"] is True
    right, wrong = code_at(secret, clock.now), wrong_code(secret, clock)
    assert_error(alice.post("/me/two-factor/enable", {"code": wrong}), 400, "invalid_field", "code")
    assert alice.get("/me/two-factor").json["enabled"] is False
    assert login(client, "alice").status_code == 201  # still a plain sign-in
    r = alice.post("/me/two-factor/enable", {"code": right})
    assert r.status_code == 200
    codes = r.json["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[2-9a-hjkmnp-z]{5}-[2-9a-hjkmnp-z]{5}", c) for c in codes), codes
    status = alice.get("/me/two-factor").json
    assert status["enabled"] is True and status["pending"] is False and status["recovery_codes_left"] == 10
    assert login(client, "alice").status_code == 202
    assert_error(alice.post("/me/two-factor", {"password": PASSWORD}), 409, "conflict")
    assert_error(alice.post("/me/two-factor/enable", {"code": right}), 409, "conflict")


def test_a_new_enrolment_replaces_a_pending_one(alice, clock):
    first = alice.post("/me/two-factor", {"password": PASSWORD}).json["secret"]
    second = alice.post("/me/two-factor", {"password": PASSWORD}).json["secret"]
    assert first != second
    stale = code_at(first, clock.now)
    if stale != code_at(second, clock.now):
        assert_error(alice.post("/me/two-factor/enable", {"code": stale}), 400, "invalid_field", "code")
    assert alice.post("/me/two-factor/enable", {"code": code_at(second, clock.now)}).status_code == 200


def test_wrong_enrolment_codes_are_throttled(alice, clock, configure):
    configure(wrong_codes_per_day=3)
    secret = alice.post("/me/two-factor", {"password": PASSWORD}).json["secret"]
    wrong = wrong_code(secret, clock)
    for _ in range(3):
        assert_error(alice.post("/me/two-factor/enable", {"code": wrong}), 400, "invalid_field", "code")
    r = alice.post("/me/two-factor/enable", {"code": code_at(secret, clock.now)})
    error = assert_error(r, 429, "too_many_requests")
    assert r.headers["Retry-After"] == str(error["retry_after"])


def test_secrets_and_recovery_codes_are_never_stored_in_clear_or_shown_again(app, alice, clock):
    secret, codes = enrol(alice, clock)
    assert secret not in str(alice.get("/me/two-factor").json) + str(alice.get("/me").json)
    with app.extensions["chatidk"].db.transaction() as cur:
        cur.execute("SELECT code_hash FROM recovery_codes WHERE user_id = %s", (alice.id,))
        stored = [bytes(row["code_hash"]) for row in cur.fetchall()]
    assert len(stored) == 10
    assert not any(code.replace("-", "").encode() in b"".join(stored) for code in codes)


# ---- signing in -----------------------------------------------------------------------------------------


def test_sign_in_trades_the_challenge_and_a_code_for_a_session(client, alice, clock):
    secret, _ = enrol(alice, clock)
    clock.advance(30)
    challenge = password_step(client, "alice", device_name="Laptop")
    r = code_step(client, challenge, code=code_at(secret, clock.now))
    assert r.status_code == 201, r.json
    assert set(r.json) == {"token", "session_id", "user"} and r.json["user"]["id"] == alice.id
    token = r.json["token"]
    assert client.get(f"{API}/me", headers=bearer(token)).status_code == 200
    devices = {s["id"]: s for s in alice.get("/sessions").json["sessions"]}
    assert devices[r.json["session_id"]]["second_factor"] == "totp"
    assert devices[r.json["session_id"]]["device_name"] == "Laptop"
    assert [s["second_factor"] for s in devices.values() if s["current"]] == [None]  # signed in before


def test_codes_of_adjacent_steps_are_accepted_and_no_others(client, alice, clock):
    secret, _ = enrol(alice, clock)
    clock.advance(300)
    for offset in (-90, -60, 60, 90):
        challenge = password_step(client, "alice")
        assert_error(
            code_step(client, challenge, code=code_at(secret, clock.now + offset)), 401, "unauthorized"
        )
    assert (
        code_step(client, password_step(client, "alice"), code=code_at(secret, clock.now - 30)).status_code
        == 201
    )
    assert (
        code_step(client, password_step(client, "alice"), code=code_at(secret, clock.now + 30)).status_code
        == 201
    )


def test_a_used_code_is_refused_and_so_are_earlier_ones(client, alice, clock):
    secret, _ = enrol(alice, clock)
    # The code that turned 2FA on is spent: the same step cannot sign in (a code seen over a shoulder).
    challenge = password_step(client, "alice")
    assert_error(code_step(client, challenge, code=code_at(secret, clock.now)), 401, "unauthorized", "code")
    clock.advance(30)
    assert code_step(client, challenge, code=code_at(secret, clock.now)).status_code == 201
    # Replayed at once, and still in the accepted window half a minute later: refused.
    used = code_at(secret, clock.now)
    assert_error(code_step(client, password_step(client, "alice"), code=used), 401, "unauthorized", "code")
    clock.advance(30)
    assert_error(code_step(client, password_step(client, "alice"), code=used), 401, "unauthorized", "code")
    # Once a later step signed in, the earlier adjacent one is spent too.
    clock.advance(30)
    assert (
        code_step(client, password_step(client, "alice"), code=code_at(secret, clock.now + 30)).status_code
        == 201
    )
    assert_error(
        code_step(client, password_step(client, "alice"), code=code_at(secret, clock.now)),
        401,
        "unauthorized",
    )


def test_the_same_code_sent_at_once_signs_in_once(client, alice, clock):
    secret, _ = enrol(alice, clock)
    clock.advance(30)
    challenges = [password_step(client, "alice") for _ in range(4)]
    code = code_at(secret, clock.now)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda c: code_step(client, c, code=code), challenges))
    assert sorted(r.status_code for r in answers) == [201, 401, 401, 401], [r.json for r in answers]


def test_an_expired_challenge_is_refused(client, alice, clock):
    secret, _ = enrol(alice, clock)
    challenge = password_step(client, "alice")
    clock.advance(DEFAULTS.two_factor_challenge_seconds + 1)
    assert_error(code_step(client, challenge, code=code_at(secret, clock.now)), 401, "challenge_expired")
    # Just inside its lifetime, one works.
    challenge = password_step(client, "alice")
    clock.advance(DEFAULTS.two_factor_challenge_seconds - 1)
    assert code_step(client, challenge, code=code_at(secret, clock.now)).status_code == 201


def test_a_challenge_works_once(client, alice, clock):
    secret, _ = enrol(alice, clock)
    clock.advance(30)
    challenge = password_step(client, "alice")
    assert code_step(client, challenge, code=code_at(secret, clock.now)).status_code == 201
    clock.advance(30)
    assert_error(code_step(client, challenge, code=code_at(secret, clock.now)), 401, "challenge_expired")
    assert_error(code_step(client, "no such challenge", code="123456"), 401, "challenge_expired")


def test_a_challenge_dies_after_too_many_wrong_codes(client, alice, clock):
    secret, _ = enrol(alice, clock)
    clock.advance(30)
    challenge = password_step(client, "alice")
    wrong = wrong_code(secret, clock)
    for _ in range(DEFAULTS.two_factor_codes_per_challenge - 1):
        assert_error(code_step(client, challenge, code=wrong), 401, "unauthorized", "code")
    assert_error(code_step(client, challenge, code=wrong), 401, "challenge_expired")
    assert_error(code_step(client, challenge, code=code_at(secret, clock.now)), 401, "challenge_expired")


def test_the_code_step_validates_its_body(client, alice, clock):
    enrol(alice, clock)
    challenge = password_step(client, "alice")
    for body, field in [
        ({"challenge": challenge}, None),
        ({"challenge": challenge, "code": "123456", "recovery_code": "abcde-fghjk"}, None),
        ({"challenge": challenge, "code": "12345"}, "code"),
        ({"challenge": challenge, "code": "١٢٣٤٥٦"}, "code"),  # digits, but not ASCII ones
        ({"challenge": challenge, "recovery_code": "not-a-code!"}, "recovery_code"),
        ({"code": "123456"}, "challenge"),
        ({"challenge": "", "code": "123456"}, "challenge"),
    ]:
        r = client.post(f"{API}/sessions/two-factor", json=body)
        assert_error(r, 400, "invalid_field", field, case=body)


def test_a_challenge_is_no_credential_on_any_other_route(client, alice, clock):
    enrol(alice, clock)
    challenge = password_step(client, "alice")
    tried = 0
    for ep in ENDPOINTS:
        if not ep.auth or ep.path.endswith("/events"):  # the socket: tests/e2e/test_two_factor_sign_in.py
            continue
        path = re.sub(r"<file_id:\w+>", "0" * 32, ep.path)
        path = re.sub(r"<(?:\w+:)?\w+>", "1", path)
        body = {} if ep.method != "get" else None
        r = client.open(path, method=ep.method.upper(), headers=bearer(challenge), json=body)
        assert_error(r, 401, "unauthorized", case=(ep.method, ep.path))
        tried += 1
    assert tried >= 30
    # And it still works for what it is for.
    assert login(client, "alice").status_code == 202


# ---- recovery codes -------------------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_and_says_so_by_mail(client, alice, clock, inbox):
    confirm_email(alice, inbox, "alice@example.org")
    _, codes = enrol(alice, clock)
    r = code_step(
        client, password_step(client, "alice", device_name="Borrowed phone"), recovery_code=codes[0]
    )
    assert r.status_code == 201, r.json
    devices = {s["id"]: s for s in alice.get("/sessions").json["sessions"]}
    assert devices[r.json["session_id"]]["second_factor"] == "recovery_code"
    assert alice.get("/me/two-factor").json["recovery_codes_left"] == 9
    # Confirmation, 2FA on, this: mails go out in the background, so not necessarily in that order.
    mail = mail_titled(inbox, "alice@example.org", 3, "A ChatIDK recovery code was used")
    assert (
        "Borrowed phone" in mail.get_content() and "9 of your recovery codes are left" in mail.get_content()
    )
    again = code_step(client, password_step(client, "alice"), recovery_code=codes[0])
    assert_error(again, 401, "unauthorized", "recovery_code")
    # Typed back in capitals, without the dash: the same code.
    typed = codes[1].replace("-", "").upper()
    assert code_step(client, password_step(client, "alice"), recovery_code=typed).status_code == 201
    inbox.wait_for("alice@example.org", count=4)  # every mail delivered before the inbox stops


def test_new_recovery_codes_void_the_old_ones(client, alice, clock, inbox):
    assert_error(alice.post("/me/two-factor/recovery-codes", {"password": PASSWORD}), 409, "conflict")
    confirm_email(alice, inbox, "alice@example.org")
    _, old = enrol(alice, clock)
    r = alice.post("/me/two-factor/recovery-codes", {"password": "wrong password"})
    assert_error(r, 401, "unauthorized", "password")
    r = alice.post("/me/two-factor/recovery-codes", {"password": PASSWORD})
    assert r.status_code == 200
    new = r.json["recovery_codes"]
    assert len(new) == 10 and not set(new) & set(old)
    assert mail_titled(inbox, "alice@example.org", 3, "New ChatIDK recovery codes")
    assert_error(code_step(client, password_step(client, "alice"), recovery_code=old[0]), 401, "unauthorized")
    assert code_step(client, password_step(client, "alice"), recovery_code=new[0]).status_code == 201
    assert mail_titled(inbox, "alice@example.org", 4, "A ChatIDK recovery code was used")


# ---- throttling -----------------------------------------------------------------------------------------


def assert_throttled(response) -> int:
    error = assert_error(response, 429, "too_many_requests")
    assert response.headers["Retry-After"] == str(error["retry_after"])
    return error["retry_after"]


def test_wrong_codes_slow_the_account_down_without_locking_the_owner_out(
    app, client, alice, clock, configure
):
    configure(two_factor_codes_per_challenge=100)
    secret, _ = enrol(alice, clock)
    clock.advance(30)
    wrong = wrong_code(secret, clock)
    challenge = password_step(client, "alice", address=ELSEWHERE)
    for _ in range(DEFAULTS.two_factor_free_failures):
        assert_error(code_step(client, challenge, ELSEWHERE, code=wrong), 401, "unauthorized")
    waits = []
    for _ in range(3):
        waits.append(
            assert_throttled(code_step(client, challenge, ELSEWHERE, code=code_at(secret, clock.now)))
        )
        let_time_pass(app, waits[-1])
        assert_error(code_step(client, challenge, ELSEWHERE, code=wrong), 401, "unauthorized")
    assert waits == [30, 60, 120]
    # Never a lock: once the wait is over the right code gets in.
    let_time_pass(app, assert_throttled(code_step(client, challenge, ELSEWHERE, code=wrong)))
    assert code_step(client, challenge, ELSEWHERE, code=code_at(secret, clock.now)).status_code == 201


def test_an_address_that_completed_a_sign_in_is_not_held_back_by_failures_elsewhere(client, alice, clock):
    secret, _ = enrol(alice, clock)
    clock.advance(30)
    assert (
        code_step(client, password_step(client, "alice"), HOME, code=code_at(secret, clock.now)).status_code
        == 201
    )
    clock.advance(30)
    wrong = wrong_code(secret, clock)
    for n in range(3 * DEFAULTS.two_factor_free_failures):
        address = f"198.51.100.{n + 1}"
        r = code_step(client, password_step(client, "alice", address=address), address, code=wrong)
        assert r.status_code in (401, 429), r.json
    assert_throttled(
        code_step(client, password_step(client, "alice", address=ELSEWHERE), ELSEWHERE, code=wrong)
    )
    r = code_step(client, password_step(client, "alice"), HOME, code=code_at(secret, clock.now))
    assert r.status_code == 201, r.json


def test_wrong_codes_from_one_address_are_limited_across_accounts(client, auth, clock, configure):
    configure(wrong_codes_per_address_hour=3)
    secrets = {name: enrol(auth(name), clock)[0] for name in ("alice", "bob")}
    clock.advance(30)
    for name in ("alice", "bob", "alice"):
        wrong = wrong_code(secrets[name], clock)
        assert_error(
            code_step(client, password_step(client, name, address=ELSEWHERE), ELSEWHERE, code=wrong),
            401,
            "unauthorized",
        )
    r = code_step(
        client,
        password_step(client, "bob", address=ELSEWHERE),
        ELSEWHERE,
        code=code_at(secrets["bob"], clock.now),
    )
    assert "from here" in r.json["error"]["message"]
    assert_throttled(r)
    # Another address is not held back.
    assert (
        code_step(
            client, password_step(client, "bob"), HOME, code=code_at(secrets["bob"], clock.now)
        ).status_code
        == 201
    )


def test_a_right_password_with_2fa_on_does_not_count_as_a_failed_login(client, alice, clock):
    enrol(alice, clock)
    for _ in range(DEFAULTS.login_free_failures + 2):
        password_step(client, "alice", address=ELSEWHERE)


# ---- turning it off, passwords --------------------------------------------------------------------------


def test_turning_off_needs_the_password_and_a_code(client, alice, clock, inbox):
    assert_error(alice.delete("/me/two-factor", {"password": PASSWORD, "code": "123456"}), 409, "conflict")
    confirm_email(alice, inbox, "alice@example.org")
    secret, _ = enrol(alice, clock)
    assert mail_titled(inbox, "alice@example.org", 2, "Two-factor sign-in is on")
    clock.advance(30)
    code, wrong = code_at(secret, clock.now), wrong_code(secret, clock)
    r = alice.delete("/me/two-factor", {"password": "wrong password", "code": code})
    assert_error(r, 401, "unauthorized", "password")
    assert_error(alice.delete("/me/two-factor", {"password": PASSWORD}), 400, "invalid_field")
    assert_error(
        alice.delete("/me/two-factor", {"password": PASSWORD, "code": wrong}), 401, "unauthorized", "code"
    )
    assert alice.get("/me/two-factor").json["enabled"] is True
    assert alice.delete("/me/two-factor", {"password": PASSWORD, "code": code}).status_code == 204
    assert alice.get("/me/two-factor").json == {
        "enabled": False,
        "enabled_at": None,
        "pending": False,
        "recovery_codes_left": 0,
    }
    assert mail_titled(inbox, "alice@example.org", 3, "Two-factor sign-in is off")
    assert login(client, "alice").status_code == 201


def test_turning_off_with_a_recovery_code_also_ends_pending_challenges(client, alice, clock):
    _, codes = enrol(alice, clock)
    challenge = password_step(client, "alice")
    r = alice.delete("/me/two-factor", {"password": PASSWORD, "recovery_code": codes[3]})
    assert r.status_code == 204, r.json
    assert_error(code_step(client, challenge, recovery_code=codes[4]), 401, "challenge_expired")


def test_changing_the_password_keeps_2fa(client, alice, clock):
    secret, _ = enrol(alice, clock)
    challenge = password_step(client, "alice")
    r = alice.post("/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 200
    assert alice.get("/me/two-factor").json["enabled"] is True
    clock.advance(30)
    # A challenge the old password earned is gone; the new password still needs a code.
    assert_error(code_step(client, challenge, code=code_at(secret, clock.now)), 401, "challenge_expired")
    challenge = password_step(client, "alice", NEW_PASSWORD)
    assert code_step(client, challenge, code=code_at(secret, clock.now)).status_code == 201


def test_a_password_reset_by_mail_does_not_switch_2fa_off(client, alice, clock, inbox):
    confirm_email(alice, inbox, "alice@example.org")
    secret, _ = enrol(alice, clock)
    challenge = password_step(client, "alice")
    assert client.post(f"{API}/password-reset", json={"login": "alice"}).status_code == 202
    mail = mail_titled(inbox, "alice@example.org", 3, "Reset your ChatIDK password")
    assert "Two-factor sign-in stays on" in mail.get_content()
    r = client.post(
        f"{API}/password-reset/confirm",
        json={"login": "alice", "code": code_in(mail), "new_password": NEW_PASSWORD},
    )
    assert r.status_code == 204
    assert alice.get("/me").status_code == 401  # signed out everywhere
    clock.advance(30)
    assert_error(code_step(client, challenge, code=code_at(secret, clock.now)), 401, "challenge_expired")
    # The new password alone is not enough.
    r = login(client, "alice", NEW_PASSWORD)
    assert r.status_code == 202 and "token" not in r.json
    assert code_step(client, r.json["challenge"], code=code_at(secret, clock.now)).status_code == 201


def test_the_reset_mail_of_an_account_without_2fa_does_not_mention_it(client, alice, inbox):
    confirm_email(alice, inbox, "alice@example.org")
    client.post(f"{API}/password-reset", json={"login": "alice"})
    assert "Two-factor" not in inbox.wait_for("alice@example.org", count=2)[-1].get_content()


# ---- the OpenAPI document -------------------------------------------------------------------------------


def test_two_factor_answers_fit_the_documented_schemas(app, client, auth, clock):
    from tests.server.test_openapi import ResponseChecker

    checker = ResponseChecker(app)  # before the first request: Flask takes no hooks after it
    checker.document = client.get(API + "/openapi.json").json
    alice = auth("alice")
    alice.get("/me/two-factor")
    alice.post("/me/two-factor", {"password": "wrong password"})  # 401
    alice.post("/me/two-factor/enable", {"code": "123456"})  # 409
    secret = alice.post("/me/two-factor", {"password": PASSWORD}).json["secret"]
    alice.post("/me/two-factor/enable", {"code": "12"})  # 400
    codes = alice.post("/me/two-factor/enable", {"code": code_at(secret, clock.now)}).json["recovery_codes"]
    alice.post("/me/two-factor", {"password": PASSWORD})  # 409
    alice.get("/me/two-factor")
    challenge = login(client, "alice").json["challenge"]  # 202
    code_step(client, challenge, code=wrong_code(secret, clock))  # 401
    code_step(client, challenge, recovery_code=codes[0])  # 201
    code_step(client, challenge, recovery_code=codes[1])  # 401 challenge_expired
    code_step(client, challenge)  # 400
    alice.get("/sessions")
    codes = alice.post("/me/two-factor/recovery-codes", {"password": PASSWORD}).json["recovery_codes"]
    alice.delete("/me/two-factor", {"password": PASSWORD, "recovery_code": codes[0]})  # 204
    alice.delete("/me/two-factor", {"password": PASSWORD, "code": "123456"})  # 409
    assert checker.problems == []
    expected = {
        ("post", "/api/v1/sessions", "202"),
        ("post", "/api/v1/sessions/two-factor", "201"),
        ("post", "/api/v1/sessions/two-factor", "401"),
        ("post", "/api/v1/sessions/two-factor", "400"),
        ("post", "/api/v1/me/two-factor/enable", "200"),
        ("post", "/api/v1/me/two-factor/recovery-codes", "200"),
        ("delete", "/api/v1/me/two-factor", "204"),
        ("get", "/api/v1/me/two-factor", "200"),
        ("post", "/api/v1/me/two-factor", "201"),
    }
    assert expected <= checker.checked, expected - checker.checked


def test_expired_challenges_are_pruned(app, client, alice, clock):
    from server.services import accounts
    from server.services.schedule import Schedule

    secret, _ = enrol(alice, clock)
    password_step(client, "alice")
    clock.advance(DEFAULTS.two_factor_challenge_seconds - 1)
    fresh = password_step(client, "alice")
    clock.advance(2)
    context = app.extensions["chatidk"]
    context.prune_schedule = Schedule(60)  # due at its first call
    accounts.housekeeping(context)
    with context.db.transaction() as cur:
        cur.execute("SELECT count(*) AS n FROM login_challenges")
        assert cur.one()["n"] == 1
    assert_error(
        code_step(client, fresh, code=wrong_code(secret, clock)), 401, "unauthorized", "code"
    )  # alive
