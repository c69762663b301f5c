"""Requests racing a change committed at the same moment get the answer of the state they lose to."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import psycopg2

from server.db import conversations as conversations_db
from tests.server.conftest import assert_error
from tests.support import wait


def _blocked_on_a_lock(database_url: str) -> bool:
    """Whether some other backend of this database is waiting for a row lock (the racing request)."""
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                """SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                   AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"""
            )
            return cur.fetchone()[0] > 0
    finally:
        conn.close()


def test_marking_read_while_leaving_is_the_404_of_a_non_member(app, database_url, alice, bob):
    group = alice.group("Climbing", bob)
    alice.send(group["id"], "hello")
    db = app.extensions["chatidk"].db
    with ThreadPoolExecutor(1) as pool:
        # Bob leaves in a transaction that is not committed yet; his read, sent now, passes the membership
        # check (the row is still visible to it) and then waits for the row the leave has locked.
        with db.transaction() as cur:
            conversations_db.remove_member_txn(cur, group["id"], bob.id)
            read = pool.submit(bob.post, f"/conversations/{group['id']}/read", {"seq": 1})
            wait.until(
                lambda: _blocked_on_a_lock(database_url), timeout=60, what="the read waiting for the leave"
            )
        # The leave commits: the read finds no membership to move, as if bob had never been in the group.
        response = read.result(timeout=60)
    assert_error(response, 404, "not_found")
    assert response.json == bob.post("/conversations/987654321/read", {"seq": 1}).json
