"""Failed-login throttling: 5 per username, 30 per client address, and never a hint whether a name exists."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from server.services.throttle import ACCOUNT_LIMIT, ADDRESS_LIMIT, WINDOW_SECONDS
from tests.server.conftest import assert_error, login, register


def fail(client, username: str, times: int, address: str = "127.0.0.1") -> None:
    for _ in range(times):
        r = login(client, username, "wrong password", environ_base={"REMOTE_ADDR": address})
        assert_error(r, 401, "unauthorized")


def assert_throttled(response) -> int:
    error = assert_error(response, 429, "too_many_requests")
    retry_after = error["retry_after"]
    assert isinstance(retry_after, int) and 1 <= retry_after <= WINDOW_SECONDS
    assert response.headers["Retry-After"] == str(retry_after)
    return retry_after


def test_limits_are_the_documented_ones():
    assert (ACCOUNT_LIMIT, ADDRESS_LIMIT, WINDOW_SECONDS) == (5, 30, 15 * 60)


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    register(client, "alice")
    fail(client, "alice", ACCOUNT_LIMIT)
    assert_throttled(login(client, "alice", "wrong password"))
    assert_throttled(login(client, "alice"))
    # The name is the key, in any letter case; other accounts are not affected.
    assert_throttled(login(client, "ALICE"))
    register(client, "bob")
    assert login(client, "bob").status_code == 201


def test_a_name_that_does_not_exist_is_throttled_the_same_way(client):
    register(client, "alice")
    fail(client, "alice", ACCOUNT_LIMIT)
    fail(client, "nobody", ACCOUNT_LIMIT)
    existing = login(client, "alice", "wrong password")
    missing = login(client, "nobody", "wrong password")
    assert_throttled(existing)
    assert_throttled(missing)
    assert existing.status_code == missing.status_code
    assert set(existing.json["error"]) == set(missing.json["error"])
    assert existing.json["error"]["message"].split()[:4] == missing.json["error"]["message"].split()[:4]


def test_four_failures_then_success_clears_the_account_counter(client):
    register(client, "alice")
    fail(client, "alice", ACCOUNT_LIMIT - 1)
    assert login(client, "alice").status_code == 201
    fail(client, "alice", ACCOUNT_LIMIT - 1)
    assert login(client, "alice").status_code == 201
    fail(client, "alice", ACCOUNT_LIMIT)
    assert_throttled(login(client, "alice"))


def test_thirty_failures_from_one_address_lock_that_address(client):
    register(client, "alice")
    # 30 failures spread over names so that no single account reaches its own limit.
    for i in range(ADDRESS_LIMIT // 3):
        fail(client, f"guess{i}", 3, address="10.0.0.7")
    assert_throttled(login(client, "alice", environ_base={"REMOTE_ADDR": "10.0.0.7"}))
    # Another address is not affected, and neither is the account itself.
    assert login(client, "alice", environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 201


def test_twenty_nine_failures_from_one_address_are_still_allowed(client):
    register(client, "alice")
    for i in range(ADDRESS_LIMIT // 3 - 1):
        fail(client, f"guess{i}", 3, address="10.0.0.7")
    fail(client, "guess-last", 2, address="10.0.0.7")
    assert login(client, "alice", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 201


def test_refused_input_is_not_counted(client):
    register(client, "alice")
    for _ in range(ACCOUNT_LIMIT + 1):
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
    assert statuses == [401] * ACCOUNT_LIMIT + [429] * (20 - ACCOUNT_LIMIT)
    assert_throttled(login(client, "alice"))


def test_successful_logins_do_not_fill_the_address_counter(client):
    register(client, "alice")
    for _ in range(ADDRESS_LIMIT + 5):
        assert login(client, "alice").status_code == 201
    fail(client, "alice", ACCOUNT_LIMIT - 1)
