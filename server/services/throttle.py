"""Failed-login throttling per account name and per client address, shared by all server processes."""

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


def check(db: Database, username: str, address: str | None) -> None:
    """Refuse with 429 while either counter is full; the same for names that exist and names that don't."""
    with db.transaction() as cur:
        for scope, key, limit in _scopes(username, address):
            count, frees_in = throttle_db.failures_within(cur, scope, key, WINDOW_SECONDS)
            if count >= limit:
                wait = max(1, math.ceil(frees_in or WINDOW_SECONDS))
                raise TooManyRequests(
                    f"too many failed logins; try again in {wait} seconds", retry_after=wait
                )


def record_failure(db: Database, username: str, address: str | None) -> None:
    with db.transaction() as cur:
        for scope, key, _ in _scopes(username, address):
            throttle_db.record_failure(cur, scope, key)
        throttle_db.prune_failures(cur, WINDOW_SECONDS)


def record_success(db: Database, username: str) -> None:
    with db.transaction() as cur:
        throttle_db.clear_failures(cur, "account", username.lower())
