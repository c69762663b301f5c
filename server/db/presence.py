"""SQL for presence: one row per open socket, heartbeats per process, and each user's combined state."""

from __future__ import annotations

from server.db import Cursor, Row, prepared

STALE_SECONDS = 90


def lock_user_sockets(cur: Cursor, user_id: int) -> None:
    """Serialise socket openings of one user until the transaction ends, so a cap holds under a rush."""
    cur.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"sockets:{user_id}",))


def count_sockets(cur: Cursor, user_id: int, session_id: int) -> tuple[int, int]:
    """(live sockets of the user, of which of this session), on every server process."""
    cur.execute(
        """SELECT count(*) AS account, count(*) FILTER (WHERE session_id = %s) AS session
           FROM presence_sockets
           WHERE user_id = %s AND heartbeat_at > now() - make_interval(secs => %s)""",
        (session_id, user_id, STALE_SECONDS),
    )
    row = cur.one()
    return row["account"], row["session"]


def open_socket(cur: Cursor, user_id: int, session_id: int, process_key: str) -> int:
    cur.execute(
        "INSERT INTO presence_sockets (user_id, session_id, process_key) VALUES (%s, %s, %s) RETURNING id",
        (user_id, session_id, process_key),
    )
    return cur.one()["id"]


def close_socket(cur: Cursor, socket_id: int) -> None:
    cur.execute("DELETE FROM presence_sockets WHERE id = %s", (socket_id,))


def set_away(cur: Cursor, socket_id: int, away: bool) -> None:
    cur.execute("UPDATE presence_sockets SET away = %s WHERE id = %s", (away, socket_id))


def heartbeat(cur: Cursor, process_key: str) -> None:
    cur.execute("UPDATE presence_sockets SET heartbeat_at = now() WHERE process_key = %s", (process_key,))


def sweep_stale(cur: Cursor) -> list[int]:
    """Remove sockets of processes that stopped beating (crashed); returns the users concerned."""
    cur.execute(
        """DELETE FROM presence_sockets WHERE heartbeat_at < now() - make_interval(secs => %s)
           RETURNING user_id""",
        (STALE_SECONDS,),
    )
    return sorted({row["user_id"] for row in cur.fetchall()})


def sweep_instance(cur: Cursor, instance_prefix: str, own_prefix: str) -> list[int]:
    """Remove the sockets whose process key starts with ``instance_prefix`` but not ``own_prefix``."""
    cur.execute(
        """DELETE FROM presence_sockets
           WHERE starts_with(process_key, %s) AND NOT starts_with(process_key, %s) RETURNING user_id""",
        (instance_prefix, own_prefix),
    )
    return sorted({row["user_id"] for row in cur.fetchall()})


def state_of(cur: Cursor, user_id: int) -> str:
    """online if any live socket is active, away if all are idle, offline with none."""
    cur.execute(
        """SELECT count(*) AS sockets, bool_or(NOT away) AS active FROM presence_sockets
           WHERE user_id = %s AND heartbeat_at > now() - make_interval(secs => %s)""",
        (user_id, STALE_SECONDS),
    )
    row = cur.one()
    if not row["sockets"]:
        return "offline"
    return "online" if row["active"] else "away"


def contacts_presence(cur: Cursor, user_id: int) -> list[Row]:
    """State and last-seen of everyone sharing a conversation with ``user_id`` (not themselves)."""
    cur.execute(
        """WITH contacts AS (
               SELECT DISTINCT b.user_id FROM conversation_members a
               JOIN conversation_members b ON a.conversation_id = b.conversation_id
               WHERE a.user_id = %(me)s AND b.user_id <> %(me)s
                 AND NOT EXISTS (SELECT 1 FROM blocks k WHERE (k.blocker_id, k.blocked_id)
                                 IN ((b.user_id, %(me)s), (%(me)s, b.user_id))))
           SELECT u.id AS user_id, u.last_seen_at, u.hide_last_seen,
                  count(p.id) AS sockets, bool_or(NOT p.away) AS active
           FROM contacts c JOIN users u ON u.id = c.user_id AND u.deleted_at IS NULL
           LEFT JOIN presence_sockets p ON p.user_id = u.id
                AND p.heartbeat_at > now() - make_interval(secs => %(stale)s)
           GROUP BY u.id ORDER BY u.id""",
        {"me": user_id, "stale": STALE_SECONDS},
    )
    return cur.fetchall()


# Prepared: every process with sockets runs it for each presence change (a reconnect storm after a restart
# is thousands at once), and planning it cost PostgreSQL ≈0.2 ms a call (pg_stat_statements), more than
# running it.
_CONTACT_IDS = prepared(
    "contact_ids",
    """SELECT DISTINCT b.user_id FROM conversation_members a
       JOIN conversation_members b ON a.conversation_id = b.conversation_id
       WHERE a.user_id = %s AND b.user_id <> %s
         AND NOT EXISTS (SELECT 1 FROM blocks k WHERE (k.blocker_id, k.blocked_id)
                         IN ((a.user_id, b.user_id), (b.user_id, a.user_id)))""",
)


def contact_ids(cur: Cursor, user_id: int) -> list[int]:
    """Who shares a conversation with ``user_id``, minus blocks either way: their presence's audience."""
    cur.execute_prepared(_CONTACT_IDS, (user_id, user_id))
    return [row["user_id"] for row in cur.fetchall()]


def last_seen(cur: Cursor, user_id: int) -> Row | None:
    """None for an erased account: it has no presence to tell anyone."""
    cur.execute(
        "SELECT last_seen_at, hide_last_seen FROM users WHERE id = %s AND deleted_at IS NULL", (user_id,)
    )
    return cur.fetchone()


def all_contact_ids(cur: Cursor, user_id: int) -> list[int]:
    """Everyone sharing a conversation with ``user_id`` (they see the user's name and picture there)."""
    cur.execute(
        """SELECT DISTINCT b.user_id FROM conversation_members a
           JOIN conversation_members b ON a.conversation_id = b.conversation_id
           WHERE a.user_id = %s AND b.user_id <> %s""",
        (user_id, user_id),
    )
    return [row["user_id"] for row in cur.fetchall()]


def blockers_of(cur: Cursor, user_id: int, among: list[int]) -> set[int]:
    """Which of ``among`` have blocked ``user_id`` (they get neither its presence nor its typing)."""
    cur.execute(
        "SELECT blocker_id FROM blocks WHERE blocked_id = %s AND blocker_id = ANY(%s)", (user_id, list(among))
    )
    return {row["blocker_id"] for row in cur.fetchall()}


def hides_last_seen(cur: Cursor, user_ids: list[int]) -> set[int]:
    cur.execute("SELECT id FROM users WHERE id = ANY(%s) AND hide_last_seen", (list(user_ids),))
    return {row["id"] for row in cur.fetchall()}
