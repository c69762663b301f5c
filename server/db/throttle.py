"""SQL for throttling: counted attempts per scope and key, in the database so that every server process and
worker shares them (a limit holds behind a proxy spreading clients over processes)."""

from __future__ import annotations

from collections.abc import Sequence

from server.db import Cursor, prepared
from server.db.sessions import LIVE_SESSION


def lock_keys(cur: Cursor, *names: str) -> None:
    """Serialise attempts on these keys until the transaction ends (a hash collision only serialises more).

    Taken in the order given, one statement each, so two callers that name keys in the same order never
    wait on each other crosswise.
    """
    for name in names:
        cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"throttle:{name}",))


def take_txn(
    cur: Cursor, scope: str, key: str, limit: int, window_seconds: int
) -> tuple[int | None, float | None]:
    """Count one attempt unless ``limit`` attempts lie in the window: (event id or None, seconds until the
    oldest leaves the window).

    The key's lock comes first, in the same round trip; the count's snapshot is taken after it, so
    concurrent attempts on one key are counted one after the other, never all against the same old count.
    """
    cur.execute(
        """SELECT pg_advisory_xact_lock(hashtextextended(%(lock)s, 0));
           WITH seen AS (
               SELECT count(*) AS n, min(at) AS oldest FROM throttle_events
               WHERE scope = %(scope)s AND key = %(key)s AND at > now() - make_interval(secs => %(window)s)),
           ins AS (
               INSERT INTO throttle_events (scope, key, expires_at)
               SELECT %(scope)s, %(key)s, now() + make_interval(secs => %(window)s) FROM seen
               WHERE seen.n < %(limit)s
               RETURNING id)
           SELECT (SELECT id FROM ins) AS id,
                  extract(epoch FROM seen.oldest + make_interval(secs => %(window)s) - now()) AS frees_in
           FROM seen""",
        {
            "lock": f"throttle:{scope}:{key}",
            "scope": scope,
            "key": key,
            "limit": limit,
            "window": window_seconds,
        },
    )
    row = cur.one()
    return row["id"], (float(row["frees_in"]) if row["frees_in"] is not None else None)


def count_within(
    cur: Cursor, scope: str, key: str, window_seconds: int
) -> tuple[int, float | None, float | None]:
    """(attempts in the window, seconds until the oldest leaves it, seconds since the newest).

    "Since the newest" is measured from the wall clock, not from now(): now() is when this transaction
    began, and an attempt that took the key's lock first and committed meanwhile may be younger than that,
    which made an attempt racing it wait a spurious second.
    """
    cur.execute(
        """SELECT count(*) AS n,
                  extract(epoch FROM min(at) + make_interval(secs => %s) - now()) AS frees_in,
                  extract(epoch FROM clock_timestamp() - max(at)) AS since_last
           FROM throttle_events
           WHERE scope = %s AND key = %s AND at > now() - make_interval(secs => %s)""",
        (window_seconds, scope, key, window_seconds),
    )
    row = cur.one()
    frees_in = float(row["frees_in"]) if row["frees_in"] is not None else None
    since_last = float(row["since_last"]) if row["since_last"] is not None else None
    return row["n"], frees_in, since_last


def record(cur: Cursor, events: list[tuple[str, str, int]]) -> list[int]:
    """Count attempts without a check: (scope, key, window seconds) each; their ids."""
    if not events:
        return []
    cur.execute(
        """INSERT INTO throttle_events (scope, key, expires_at)
           SELECT scope, key, now() + make_interval(secs => window_seconds)
           FROM unnest(%s::text[], %s::text[], %s::int[]) AS e (scope, key, window_seconds)
           RETURNING id""",
        ([e[0] for e in events], [e[1] for e in events], [e[2] for e in events]),
    )
    return [row["id"] for row in cur.fetchall()]


def forget(cur: Cursor, event_ids: Sequence[int | None]) -> None:
    """Uncount attempts that turned out fine (a right password, a right code)."""
    ids = [i for i in event_ids if i is not None]
    if ids:
        cur.execute("DELETE FROM throttle_events WHERE id = ANY(%s)", (ids,))


def renew(cur: Cursor, event_id: int, window_seconds: int) -> None:
    """An attempt that is still under way (an export) counts from now again."""
    cur.execute(
        """UPDATE throttle_events SET at = now(), expires_at = now() + make_interval(secs => %s)
           WHERE id = %s""",
        (window_seconds, event_id),
    )


def clear(cur: Cursor, scope: str, key: str) -> None:
    cur.execute("DELETE FROM throttle_events WHERE scope = %s AND key = %s", (scope, key))


def prune(cur: Cursor, limit: int = 5000) -> int:
    """Drop attempts no window counts any more, a bounded batch at a time."""
    cur.execute(
        """DELETE FROM throttle_events WHERE id IN (
               SELECT id FROM throttle_events WHERE expires_at < now() LIMIT %s)""",
        (limit,),
    )
    return cur.rowcount


def erase_keys(cur: Cursor, keys: list[str]) -> None:
    """Forget every attempt counted for these keys, alone or as the first half of a pair (account erasure)."""
    cur.execute(
        "DELETE FROM throttle_events WHERE key = ANY(%s) OR split_part(key, '|', 1) = ANY(%s)",
        (list(keys), list(keys)),
    )


def erase_user(cur: Cursor, user_id: int, keys: list[str]) -> None:
    """Account erasure: every count keyed by the account, and its send budget."""
    erase_keys(cur, keys)
    cur.execute("DELETE FROM send_buckets WHERE user_id = %s", (user_id,))


# ---- the send budget: a token bucket per user, taken by messages.send_precheck ----------------------

# The tokens in bucket ``b`` now: what it held, plus the refill since, at most full. Parameters: burst, rate.
REFILLED = "LEAST(%s::float8, b.tokens + extract(epoch FROM now() - b.refilled_at)::float8 * %s::float8)"


def send_token_wait(cur: Cursor, user_id: int, burst: int, per_second: float) -> float:
    """Seconds until the user's bucket holds a whole token again."""
    cur.execute(
        f"SELECT (1 - {REFILLED}) / %s::float8 AS wait FROM send_buckets b WHERE b.user_id = %s",
        (burst, per_second, per_second, user_id),
    )
    row = cur.one()
    return max(0.0, float(row["wait"])) if row else 0.0


# Group commit (server/services/send_batch.py) takes a batch's tokens in steps that travel with its other
# statements: the senders' buckets are made (a new one is full) and locked in id order, so batches taking
# tokens for the same users queue rather than deadlock; read with the pre-check; written back with the
# store.
# The senders: the user ids given, and the users of the tokens given (sends authenticated by the pre-check).
# The sessions are found by ``token_hash = ANY(…)``, an index lookup whatever the table's size: joined to
# the unnested tokens, PostgreSQL planned a scan of every recently used session instead.
_SENDERS = f"""SELECT unnest(%s::bigint[]) AS u
               UNION SELECT a.user_id
               FROM ({LIVE_SESSION.format(digest="ANY(%s::bytea[])", idle_seconds="%s")}) AS a"""
# Made and locked in one statement: a new bucket is locked by its insertion, an existing one by ON CONFLICT
# DO UPDATE, which locks the row even when its WHERE lets nothing be written. A bucket inserted by another
# transaction meanwhile is waited for and then locked, never missed.
_LOCK_SEND_BUCKETS = prepared(
    "lock_send_buckets",
    f"""INSERT INTO send_buckets AS b (user_id, tokens, refilled_at)
        SELECT u, %s, now() FROM ({_SENDERS}) AS senders ORDER BY u
        ON CONFLICT (user_id) DO UPDATE SET tokens = b.tokens WHERE false""",
)


def lock_send_buckets_steps(
    user_ids: list[int], burst: int, token_hashes: list[bytes] | None = None, idle_seconds: int = 0
) -> list[tuple[str, tuple]]:
    """The statement that makes and locks these users' buckets (for ``Cursor.execute_prepared_all``), and
    those of the users whose live sessions ``token_hashes`` name (sessions of ``idle_seconds`` lifetime)."""
    ordered = sorted(set(user_ids))
    return [(_LOCK_SEND_BUCKETS, (burst, ordered, list(token_hashes or []), idle_seconds))]


# The store's step (in messages.store_messages_txn, a CTE of its statement, one statement fewer per batch):
# the locked buckets' tokens, less what was taken, as of now. Parameters: user ids, tokens, the user ids
# again (``b.user_id = ANY(…)`` makes the rows an index lookup; see messages._STORE_MESSAGES).
SET_SEND_BUCKETS_CTE = """UPDATE send_buckets b SET tokens = t.tokens, refilled_at = now()
    FROM unnest(%s::bigint[], %s::float8[]) AS t (user_id, tokens)
    WHERE b.user_id = t.user_id AND b.user_id = ANY(%s::bigint[])"""
