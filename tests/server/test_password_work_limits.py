"""bcrypt work is throttled: registrations per client address, and wrong passwords of a signed-in account.

As found: registration ran at 8 accounts/s from one client with both cores busy hashing, and the password
checks of POST /me/password and DELETE /me answered a stolen token's guesses without end.
"""

from __future__ import annotations

from server.config import Config
from tests.server.conftest import API, PASSWORD, assert_error

DEFAULTS = Config()
NEW_PASSWORD = "a brand new passphrase"


def register_from(client, name: str, address: str):
    body = {"username": name, "password": PASSWORD}
    return client.post(f"{API}/accounts", json=body, environ_base={"REMOTE_ADDR": address})


def test_registrations_are_limited_per_client_address(client):
    limit = DEFAULTS.registrations_per_hour
    assert limit == 30
    for n in range(limit - 1):
        assert register_from(client, f"user{n}", "10.1.1.1").status_code == 201
    # A taken name cost the same bcrypt work: it counts too.
    assert_error(register_from(client, "user0", "10.1.1.1"), 409, "conflict", "username")
    r = register_from(client, "one-more", "10.1.1.1")
    error = assert_error(r, 429, "too_many_requests")
    assert 1 <= error["retry_after"] <= 3600 and r.headers["Retry-After"] == str(error["retry_after"])
    # Nothing was created, and another address is not affected.
    assert register_from(client, "one-more", "10.1.1.2").status_code == 201


def test_refused_registration_input_is_not_counted(client):
    for _ in range(DEFAULTS.registrations_per_hour + 1):
        assert register_from(client, "x", "10.1.1.1").status_code == 400  # too short: no bcrypt
    assert register_from(client, "alice", "10.1.1.1").status_code == 201


def test_wrong_current_passwords_are_limited_per_account(auth):
    alice = auth("alice")
    laptop = auth("alice", register_first=False)  # another session of the same account shares the count
    for session in [alice, laptop] * 2 + [alice]:
        r = session.post("/me/password", {"current_password": "guess!!!", "new_password": NEW_PASSWORD})
        assert_error(r, 401, "unauthorized", "current_password")
    r = alice.post("/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    error = assert_error(r, 429, "too_many_requests")
    assert 1 <= error["retry_after"] <= 15 * 60
    # Deleting the account asks for the same password: the same count.
    assert_error(laptop.delete("/me", {"password": PASSWORD}), 429, "too_many_requests")
    assert alice.get("/me").status_code == 200  # nothing changed


def test_a_wrong_password_before_account_deletion_counts_and_a_right_one_is_uncounted(auth):
    alice = auth("alice")
    for _ in range(DEFAULTS.wrong_passwords_per_15min - 1):
        assert_error(alice.delete("/me", {"password": "not it at all"}), 401, "unauthorized", "password")
    r = alice.post("/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert r.status_code == 200  # the right one passes, and is not counted
    assert_error(alice.delete("/me", {"password": "not it at all"}), 401, "unauthorized", "password")
    assert_error(alice.delete("/me", {"password": NEW_PASSWORD}), 429, "too_many_requests")
