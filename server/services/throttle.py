"""Throttling of costly or abusable actions, counted in the database so that every server process shares it.

An attempt is counted *before* the expensive or secret-revealing check it guards (bcrypt, a code
comparison), under a per-key lock, and uncounted when it turns out fine. Checking first and counting
afterwards would let twenty guesses sent at once all pass the check while the counter still read zero.

Logins are special (README, "What an attacker can and cannot do"): failures from anywhere only slow an
account name down, progressively, instead of locking it; and from an address that signed in to the account
successfully before, the account's failures from elsewhere do not count at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from server.config import Config
from server.db import Cursor, Database
from server.db import throttle as throttle_db
from server.errors import TooManyRequests
from server.services import login_names

HOUR = 3600
DAY = 24 * HOUR
LOGIN_ADDRESS_WINDOW = 15 * 60
LOGIN_FAILURE_MEMORY = DAY
LOGIN_FIRST_DELAY_SECONDS = 30
EXPORT_LEASE_SECONDS = 60
PRUNE_EVERY_SECONDS = 60  # spent counts are deleted at most this often per process (accounts.housekeeping)


@dataclass(frozen=True)
class Limit:
    """At most ``count`` attempts per key within ``window_seconds``; 0 means no limit."""

    scope: str
    count: int
    window_seconds: int
    what: str  # "new accounts from this address", for the 429's message


def registrations(config: Config) -> Limit:
    return Limit("register.address", config.registrations_per_hour, HOUR, "new accounts from this address")


def wrong_passwords(config: Config) -> Limit:
    return Limit("password.account", config.wrong_passwords_per_15min, 15 * 60, "wrong passwords")


def code_mails(config: Config, purpose: str) -> Limit:
    return Limit(f"code_mail.{purpose}", config.code_mails_per_hour, HOUR, "codes mailed for this account")


def wrong_codes(config: Config, purpose: str) -> Limit:
    return Limit(f"code_wrong.{purpose}", config.wrong_codes_per_day, DAY, "wrong codes for this account")


def code_requests_from(config: Config) -> Limit:
    return Limit("code_mail.address", config.code_requests_per_address_hour, HOUR, "codes asked from here")


def wrong_codes_from(config: Config) -> Limit:
    return Limit("code_wrong.address", config.wrong_codes_per_address_hour, HOUR, "wrong codes from here")


def groups_created(config: Config) -> Limit:
    return Limit("group.create", config.groups_per_hour, HOUR, "new groups")


def searches(config: Config) -> Limit:
    """Message searches per account: each one reads many index pages, and clients search while typing."""
    return Limit("search.user", config.searches_per_minute, 60, "searches")


def exports(config: Config) -> Limit:
    """Exports under way at once per account; each renews its attempt while it runs (services/export.py),
    and one whose server died frees its place after EXPORT_LEASE_SECONDS."""
    return Limit("export.running", config.exports_at_once, EXPORT_LEASE_SECONDS, "exports under way")


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


def address_key(address: str | None) -> str:
    """The key of a client address (IPv6 by its /64, login_names.address_key)."""
    return f"addr:{login_names.address_key(address) or 'unknown'}"


def login_key(folded_name: str) -> str:
    return f"login:{folded_name}"


def too_many(what: str, wait: float | None, fallback: int) -> TooManyRequests:
    seconds = max(1, math.ceil(wait if wait is not None else fallback))
    return TooManyRequests(f"too many {what}; try again in {seconds} seconds", retry_after=seconds)


def take(cur: Cursor, limit: Limit, key: str) -> int | None:
    """Count one attempt, in the caller's transaction; 429 (and nothing counted) when the window is full.

    Returns the attempt's id for :func:`refund`, None when the limit is off.
    """
    if limit.count <= 0:
        return None
    event_id, frees_in = throttle_db.take_txn(cur, limit.scope, key, limit.count, limit.window_seconds)
    if event_id is None:
        raise too_many(limit.what, frees_in, limit.window_seconds)
    return event_id


def take_now(db: Database, limit: Limit, key: str) -> int | None:
    """:func:`take` in a transaction of its own, committed before the guarded work starts."""
    with db.transaction() as cur:
        return take(cur, limit, key)


def is_full(cur: Cursor, limit: Limit, key: str) -> bool:
    """Whether the window is full, without counting anything."""
    if limit.count <= 0:
        return False
    count, _, _ = throttle_db.count_within(cur, limit.scope, key, limit.window_seconds)
    return count >= limit.count


def refund(db: Database, event_ids: list[int | None]) -> None:
    """The attempts turned out fine: they no longer count."""
    if any(i is not None for i in event_ids):
        with db.transaction() as cur:
            throttle_db.forget(cur, event_ids)


# ---- logins ------------------------------------------------------------------------------------------


def login_delay(failures: int, config: Config) -> float:
    """How long the next attempt on a name must wait after its latest failure: none for the first
    ``login_free_failures`` in a day, then 30 s, doubling with each failure, at most the configured cap."""
    return _progressive_delay(failures, config.login_free_failures, config.login_max_delay_seconds)


def _progressive_delay(failures: int, free: int, cap: float) -> float:
    """None for the first ``free`` failures, then 30 s, doubling with each failure, at most ``cap``."""
    extra = failures - free
    if extra < 0:
        return 0.0
    return float(min(cap, LOGIN_FIRST_DELAY_SECONDS * 2 ** min(extra, 30)))


def begin_login_txn(
    cur: Cursor, config: Config, folded_name: str, address: str | None, trusted: bool
) -> list[int]:
    """Count a login attempt as failed until it succeeds; 429 while it must wait. Run under the name's lock.

    The same for names that exist and names that don't. ``trusted``: the account signed in successfully
    from this address before, so the failures that count are only those of this name from this address.
    """
    name_key = login_key(folded_name)
    addr_key = address_key(address)
    account_scope, account_key = (
        ("login.trusted", f"{name_key}|{addr_key}") if trusted else ("login", name_key)
    )
    count, frees_in, _ = throttle_db.count_within(cur, "login.address", addr_key, LOGIN_ADDRESS_WINDOW)
    if count >= config.login_failures_per_address:
        raise too_many("failed logins from this address", frees_in, LOGIN_ADDRESS_WINDOW)
    failures, _, since_last = throttle_db.count_within(cur, account_scope, account_key, LOGIN_FAILURE_MEMORY)
    wait = login_delay(failures, config) - (since_last or 0.0)
    if wait > 0:
        raise too_many("failed logins for this name", wait, LOGIN_FIRST_DELAY_SECONDS)
    return throttle_db.record(
        cur,
        [
            ("login.address", addr_key, LOGIN_ADDRESS_WINDOW),
            (account_scope, account_key, LOGIN_FAILURE_MEMORY),
        ],
    )


def lock_login(cur: Cursor, folded_name: str, address: str | None) -> None:
    """Name before address, always, so two attempts never wait on each other's locks crosswise."""
    throttle_db.lock_keys(cur, login_key(folded_name), address_key(address))


# ---- second factors (two-factor sign-in, turning it off) -----------------------------------------------


def two_factor_delay(failures: int, config: Config) -> float:
    """The login rule for wrong second-factor codes: ``two_factor_free_failures`` a day, then 30 s,
    doubling, at most ``two_factor_max_delay_seconds``: never a lock, so the owner's next code gets in."""
    return _progressive_delay(failures, config.two_factor_free_failures, config.two_factor_max_delay_seconds)


def begin_two_factor_txn(
    cur: Cursor, config: Config, user_id: int, address: str | None, trusted: bool
) -> list[int | None]:
    """Count a second-factor code as wrong until it proves right; 429 while it must wait, or when this
    address sent too many wrong codes (``wrong_codes_per_address_hour``, shared with mailed codes).

    As for logins, ``trusted`` (the account completed a sign-in from this address before) counts only
    this address's failures on the account, so someone holding the password elsewhere cannot hold the
    owner's codes back.
    """
    key = user_key(user_id)
    throttle_db.lock_keys(cur, key)
    scope, account_key = (
        ("two_factor.trusted", f"{key}|{address_key(address)}") if trusted else ("two_factor", key)
    )
    failures, _, since_last = throttle_db.count_within(cur, scope, account_key, LOGIN_FAILURE_MEMORY)
    wait = two_factor_delay(failures, config) - (since_last or 0.0)
    if wait > 0:
        raise too_many("wrong two-factor codes for this account", wait, LOGIN_FIRST_DELAY_SECONDS)
    from_here = take(cur, wrong_codes_from(config), address_key(address))
    return [*throttle_db.record(cur, [(scope, account_key, LOGIN_FAILURE_MEMORY)]), from_here]
