"""SQL for failed-login counting (shared by every server process, so throttling holds behind a proxy)."""

from __future__ import annotations


def lock_key(cur, scope: str, key: str) -> None:
    """Serialise attempts on one key until the transaction ends (a hash collision only serialises more)."""
    cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"login:{scope}:{key}",))


def record_failure(cur, scope: str, key: str) -> int:
    cur.execute("INSERT INTO login_failures (scope, key) VALUES (%s, %s) RETURNING id", (scope, key))
    return cur.fetchone()["id"]


def failures_within(cur, scope: str, key: str, window_seconds: int) -> tuple[int, float | None]:
    """How many failures in the window, and how many seconds until the oldest of them leaves it."""
    cur.execute(
        """SELECT count(*) AS n,
                  extract(epoch FROM min(failed_at) + make_interval(secs => %s) - now()) AS frees_in
           FROM login_failures
           WHERE scope = %s AND key = %s AND failed_at > now() - make_interval(secs => %s)""",
        (window_seconds, scope, key, window_seconds),
    )
    row = cur.fetchone()
    return row["n"], (float(row["frees_in"]) if row["frees_in"] is not None else None)


def clear_failures(cur, scope: str, key: str) -> None:
    cur.execute("DELETE FROM login_failures WHERE scope = %s AND key = %s", (scope, key))


def delete_failures(cur, failure_ids: list[int]) -> None:
    cur.execute("DELETE FROM login_failures WHERE id = ANY(%s)", (list(failure_ids),))


def prune_failures(cur, older_than_seconds: int) -> None:
    cur.execute(
        "DELETE FROM login_failures WHERE failed_at < now() - make_interval(secs => %s)",
        (older_than_seconds,),
    )
