"""Failed-login throttling per account name and per client address, shared by all server processes.

An attempt is counted *before* its password is checked, under a per-key lock, and uncounted when it
succeeds. Checking first and counting afterwards would let twenty guesses sent at once all pass the check
while the counter still read zero.
"""

from __future__ import annotations

import math

from server.db import Database
from server.db import throttle as throttle_db
from server.errors import TooManyRequests

WINDOW_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 30


def _scopes(username: str, address: str | None) -> list[tuple[str, str, int]]:
    scopes = [("account", username.lower(), ACCOUNT_LIMIT)]
    if address:
        scopes.append(("address", address, ADDRESS_LIMIT))
    return scopes


def begin_attempt(db: Database, username: str, address: str | None) -> list[int]:
    """Count a login attempt as failed until it succeeds; 429 while either counter is full.

    The same for names that exist and names that don't. Returns the ids of the rows recorded, for
    :func:`attempt_succeeded`.
    """
    with db.transaction() as cur:
        recorded = []
        # Always account before address, so two attempts never wait on each other's locks crosswise.
        for scope, key, limit in _scopes(username, address):
            throttle_db.lock_key(cur, scope, key)
            count, frees_in = throttle_db.failures_within(cur, scope, key, WINDOW_SECONDS)
            if count >= limit:
                wait = max(1, math.ceil(frees_in or WINDOW_SECONDS))
                raise TooManyRequests(
                    f"too many failed logins; try again in {wait} seconds", retry_after=wait
                )
            recorded.append(throttle_db.record_failure(cur, scope, key))
        return recorded


def attempt_failed(db: Database) -> None:
    """The attempt stays counted; old rows are pruned now and then."""
    with db.transaction() as cur:
        throttle_db.prune_failures(cur, WINDOW_SECONDS)


def attempt_succeeded(db: Database, username: str, attempt: list[int]) -> None:
    """A right password clears the account's counter and uncounts this attempt from the address's."""
    with db.transaction() as cur:
        throttle_db.clear_failures(cur, "account", username.lower())
        throttle_db.delete_failures(cur, attempt)
