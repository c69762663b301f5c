"""Failed-login throttling: brute force stays slow, nobody can lock the owner out, one folding of names.

Failures slow an account name down progressively (5 free a day, then 30 s, 60 s, … at most 15 minutes
between attempts) instead of locking it; an address that signed in to the account before is not slowed by
failures from elsewhere; 30 failures lock the address that made them; and names that do not exist are
treated exactly like names that do.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.config import Config
from server.services import throttle
from tests.server.conftest import assert_error, login, register

DEFAULTS = Config()
FREE = DEFAULTS.login_free_failures
HOME, PHONE = "10.0.0.1", "10.0.0.2"


def fail(client, username: str, times: int, address: str = "127.0.0.1") -> None:
    for _ in range(times):
        r = login(client, username, "wrong password", environ_base={"REMOTE_ADDR": address})
        assert_error(r, 401, "unauthorized")


def fail_from_many(client, username: str, times: int) -> None:
    """An attacker spread over addresses, so that no address reaches its own limit."""
    for n in range(times):
        fail(client, username, 1, address=f"198.51.100.{n % 250 + 1}")


def attack(client, username: str, attempts: int) -> None:
    """Wrong passwords from many addresses, as fast as the server answers (401 or 429)."""
    for n in range(attempts):
        r = login(
            client, username, "wrong password", environ_base={"REMOTE_ADDR": f"203.0.113.{n % 250 + 1}"}
        )
        assert r.status_code in (401, 429), r.json


def assert_throttled(response) -> int:
    error = assert_error(response, 429, "too_many_requests")
    retry_after = error["retry_after"]
    assert isinstance(retry_after, int) and 1 <= retry_after <= DEFAULTS.login_max_delay_seconds
    assert response.headers["Retry-After"] == str(retry_after)
    return retry_after


def let_time_pass(app, seconds: float) -> None:
    """Move every counted attempt ``seconds`` into the past, as if that long had gone by."""
    with app.extensions["chatidk"].db.transaction() as cur:
        cur.execute(
            "UPDATE throttle_events SET at = at - make_interval(secs => %s), "
            "expires_at = expires_at - make_interval(secs => %s)",
            (seconds, seconds),
        )


def test_limits_are_the_documented_ones():
    assert (DEFAULTS.login_free_failures, DEFAULTS.login_max_delay_seconds) == (5, 15 * 60)
    assert DEFAULTS.login_failures_per_address == 30
    assert [throttle.login_delay(n, DEFAULTS) for n in range(4, 13)] == [
        0,
        30,
        60,
        120,
        240,
        480,
        900,
        900,
        900,
    ]


def test_failures_from_elsewhere_do_not_lock_out_the_owner_at_home(client):
    """The attack as found: 5 wrong passwords from anywhere made the owner's right one answer 429."""
    register(client, "alice")
    assert login(client, "alice", environ_base={"REMOTE_ADDR": HOME}).status_code == 201
    attack(client, "alice", 3 * FREE)
    assert login(client, "alice", environ_base={"REMOTE_ADDR": HOME}).status_code == 201
    # From an address that never signed in, the name is slowed down, not locked.
    assert assert_throttled(login(client, "alice", environ_base={"REMOTE_ADDR": PHONE})) <= 900


def test_failures_slow_a_name_down_progressively_instead_of_locking_it(app, client):
    register(client, "alice")
    fail_from_many(client, "alice", FREE)
    waits = []
    for _ in range(7):
        wait = assert_throttled(login(client, "alice", environ_base={"REMOTE_ADDR": PHONE}))
        waits.append(wait)
        let_time_pass(app, wait)
        fail(client, "alice", 1, address=PHONE)  # the attempt the wait allowed, wrong again
    assert waits == [30, 60, 120, 240, 480, 900, 900]
    wait = assert_throttled(login(client, "alice", environ_base={"REMOTE_ADDR": PHONE}))
    let_time_pass(app, wait)
    assert login(client, "alice", environ_base={"REMOTE_ADDR": PHONE}).status_code == 201


def test_the_free_failures_come_back_after_a_day(app, client):
    register(client, "alice")
    fail_from_many(client, "alice", FREE)
    assert_throttled(login(client, "alice"))
    let_time_pass(app, throttle.LOGIN_FAILURE_MEMORY + 1)
    fail(client, "alice", FREE)
    assert_throttled(login(client, "alice"))


def test_a_trusted_address_is_slowed_only_by_its_own_failures(client):
    """Someone behind the owner's own address (a shared NAT) is slowed down like anyone else."""
    register(client, "alice")
    assert login(client, "alice", environ_base={"REMOTE_ADDR": HOME}).status_code == 201
    fail(client, "alice", FREE, address=HOME)
    assert assert_throttled(login(client, "alice", environ_base={"REMOTE_ADDR": HOME})) == 30
    # Failures at home do not slow the name down elsewhere.
    assert login(client, "alice", environ_base={"REMOTE_ADDR": PHONE}).status_code == 201


def test_a_name_that_does_not_exist_is_throttled_the_same_way(app, client):
    register(client, "alice")

    def answers(name: str) -> list[tuple[int, int | None]]:
        seen = []
        fail_from_many(client, name, FREE)
        for _ in range(3):
            r = login(client, name, "wrong password", environ_base={"REMOTE_ADDR": PHONE})
            seen.append((r.status_code, r.json["error"].get("retry_after")))
            let_time_pass(app, r.json["error"].get("retry_after") or 0)
            fail(client, name, 1, address=PHONE)
        return seen

    existing, missing = answers("alice"), answers("nobody")
    assert existing == missing == [(429, 30), (429, 60), (429, 120)]


def test_thirty_failures_from_one_address_lock_that_address(client):
    register(client, "alice")
    limit = DEFAULTS.login_failures_per_address
    # Failures spread over names so that no single account reaches its own limit.
    for i in range(limit // 3):
        fail(client, f"guess{i}", 3, address="10.0.0.7")
    assert_throttled(login(client, "alice", environ_base={"REMOTE_ADDR": "10.0.0.7"}))
    # Another address is not affected, and neither is the account itself.
    assert login(client, "alice", environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 201


def test_twenty_nine_failures_from_one_address_are_still_allowed(client):
    register(client, "alice")
    limit = DEFAULTS.login_failures_per_address
    for i in range(limit // 3 - 1):
        fail(client, f"guess{i}", 3, address="10.0.0.7")
    fail(client, "guess-last", 2, address="10.0.0.7")
    assert login(client, "alice", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 201


def test_an_ipv6_client_is_one_address_for_its_whole_prefix(client):
    """A /64 holds 2⁶⁴ addresses: counted one by one, the address limit would be no limit."""
    register(client, "alice")
    limit = DEFAULTS.login_failures_per_address
    for n in range(limit):
        fail(client, f"guess{n}", 1, address=f"2001:db8:1:2::{n + 1:x}")
    assert_throttled(login(client, "alice", environ_base={"REMOTE_ADDR": "2001:db8:1:2:ffff::9"}))
    assert login(client, "alice", environ_base={"REMOTE_ADDR": "2001:db8:1:3::1"}).status_code == 201


def test_refused_input_is_not_counted(client):
    register(client, "alice")
    for _ in range(FREE + 1):
        assert login(client, "alice", "").status_code == 400
    assert login(client, "alice").status_code == 201


def test_parallel_guesses_get_no_more_tries_than_sequential_ones(app, client):
    """Counting happens before the password check, under a lock: 20 guesses at once still get only 5 tries."""
    register(client, "alice")
    barrier = threading.Barrier(20)

    def guess(_: int) -> int:
        own_client = app.test_client()
        barrier.wait()
        return login(own_client, "alice", "wrong password").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = sorted(pool.map(guess, range(20)))
    assert statuses == [401] * FREE + [429] * (20 - FREE)
    assert_throttled(login(client, "alice"))


def test_successful_logins_do_not_fill_the_address_counter(client):
    register(client, "alice")
    for _ in range(DEFAULTS.login_failures_per_address + 5):
        assert login(client, "alice").status_code == 201
    fail(client, "alice", FREE - 1)


# ---- one folding of names (Python's lower() and PostgreSQL's lower() disagree on "İ") -------------------


@pytest.mark.parametrize("variant", ["İiiii", "iiİii", "İİİİİ", "IIİII"])
def test_a_dotted_capital_i_is_no_fresh_counter_for_the_same_account(client, variant):
    """The attack as found: the throttle keyed str.lower() while the lookup used PostgreSQL's lower(), so
    each spelling with "İ" for "i" reached the account with a counter of its own (2ⁿ of them)."""
    register(client, "iiiii")
    fail_from_many(client, "iiiii", FREE)
    assert_throttled(login(client, "IIIII"))  # ASCII case variants share the account's counter
    r = login(client, variant)  # the right password under another spelling
    assert_error(r, 401, "unauthorized")  # no account: never a way in past the throttle


def test_names_fold_in_ascii_only():
    from server.services.login_names import fold

    assert fold("AlIcE") == "alice"
    assert fold("İ") == "İ" and fold("\u212a") == "\u212a"  # not "i", not "k" (Kelvin): no account
