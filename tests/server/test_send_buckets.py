"""The batch's send budgets are made and locked in one statement (server/db/throttle.py): two transactions
that take tokens for one user queue, whether the bucket exists already or is made by the first of them, and
locking an existing bucket writes nothing."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from server.db import Database
from server.db import throttle as throttle_db
from tests.support.wait import until

BURST = 60


@pytest.fixture
def database(app, database_url: str) -> Iterator[Database]:  # app: a migrated database
    db = Database(database_url, 3)
    yield db
    db.close()


def lock_buckets(
    db: Database, user_id: int, locked: threading.Event | None = None, hold: threading.Event | None = None
) -> None:
    """Make and lock the user's bucket in a transaction; with ``hold``, keep it open until that is set."""
    with db.transaction() as cur:
        cur.execute_prepared_all(throttle_db.lock_send_buckets_steps([user_id], BURST))
        if locked is not None:
            locked.set()
        if hold is not None:
            assert hold.wait(120)


def waiting_on_a_lock(db: Database) -> bool:
    with db.transaction() as cur:
        cur.execute(
            "SELECT count(*) AS waiting FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE '%%EXECUTE lock_send_buckets%%'"
        )
        return cur.one()["waiting"] > 0


def bucket_version(db: Database, user_id: int) -> dict | None:
    with db.transaction() as cur:
        cur.execute("SELECT xmin::text AS version, tokens FROM send_buckets WHERE user_id = %s", (user_id,))
        row = cur.fetchone()
    return dict(row) if row else None


@pytest.mark.parametrize("bucket_exists", [False, True], ids=["new bucket", "existing bucket"])
def test_a_second_transaction_waits_for_the_first_to_commit(database, alice, bucket_exists):
    user_id = alice.me["id"]
    if bucket_exists:
        lock_buckets(database, user_id)
    assert (bucket_version(database, user_id) is not None) == bucket_exists
    locked, hold = threading.Event(), threading.Event()
    first = threading.Thread(target=lock_buckets, args=(database, user_id, locked, hold))
    first.start()
    try:
        assert locked.wait(120)
        second_done = threading.Event()
        second = threading.Thread(target=lambda: (lock_buckets(database, user_id), second_done.set()))
        second.start()
        until(lambda: waiting_on_a_lock(database), timeout=60, what="the second waits for the first")
        assert not second_done.is_set()
    finally:
        hold.set()
        first.join(120)
    second.join(120)
    assert second_done.is_set()
    assert bucket_version(database, user_id) is not None


def test_locking_an_existing_bucket_writes_nothing(database, alice):
    user_id = alice.me["id"]
    lock_buckets(database, user_id)
    made = bucket_version(database, user_id)
    assert made is not None and made["tokens"] == BURST  # a new bucket is full
    lock_buckets(database, user_id)
    assert bucket_version(database, user_id) == made  # the same row version: locked, not updated
