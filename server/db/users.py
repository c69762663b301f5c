"""SQL for users: accounts, profiles, search and erasure."""

from __future__ import annotations

from server.db import Cursor, Row

USER_COLUMNS = (
    "u.id, u.username, u.display_name, u.visible, u.created_at, u.deleted_at, "
    "u.email, u.email_confirmed_at, u.hide_last_seen, u.last_seen_at, u.avatar_version"
)


def insert_user(cur: Cursor, username: str, display_name: str, password_hash: str) -> Row:
    """Raises psycopg2.errors.UniqueViolation when the name is taken (in any letter case)."""
    cur.execute(
        f"""INSERT INTO users AS u (username, display_name, password_hash) VALUES (%s, %s, %s)
            RETURNING {USER_COLUMNS}""",
        (username, display_name, password_hash),
    )
    return cur.one()


def get_user(cur: Cursor, user_id: int) -> Row | None:
    cur.execute(f"SELECT {USER_COLUMNS} FROM users u WHERE u.id = %s", (user_id,))
    return cur.fetchone()


def get_known_user(cur: Cursor, user_id: int) -> Row:
    """A user whose row exists: the signed-in caller's own (rows outlive even erasure)."""
    cur.execute(f"SELECT {USER_COLUMNS} FROM users u WHERE u.id = %s", (user_id,))
    return cur.one()


def get_login(cur: Cursor, folded_name: str, address_key: str | None, trust_days: int) -> Row | None:
    """The live account with this folded name (login_names.fold) and its password hash, for logging in,
    with ``trusted``: whether it signed in successfully from this address within ``trust_days``."""
    cur.execute(
        f"""SELECT {USER_COLUMNS}, u.password_hash, EXISTS (
                SELECT 1 FROM login_addresses a
                WHERE a.user_id = u.id AND a.address = %s
                  AND a.last_success_at > now() - make_interval(days => %s)) AS trusted
            FROM users u WHERE lower(u.username COLLATE "C") = %s AND u.deleted_at IS NULL""",
        (address_key, trust_days, folded_name),
    )
    return cur.fetchone()


def get_password_hash(cur: Cursor, user_id: int) -> str | None:
    cur.execute("SELECT password_hash FROM users WHERE id = %s AND deleted_at IS NULL", (user_id,))
    row = cur.fetchone()
    return row["password_hash"] if row else None


def update_profile(
    cur: Cursor,
    user_id: int,
    display_name: str | None,
    visible: bool | None,
    hide_last_seen: bool | None = None,
) -> Row:
    cur.execute(
        f"""UPDATE users AS u SET display_name = coalesce(%s, display_name), visible = coalesce(%s, visible),
                hide_last_seen = coalesce(%s, hide_last_seen)
            WHERE id = %s RETURNING {USER_COLUMNS}""",
        (display_name, visible, hide_last_seen, user_id),
    )
    return cur.one()


def set_password_hash(cur: Cursor, user_id: int, password_hash: str) -> None:
    cur.execute(
        "UPDATE users SET password_hash = %s WHERE id = %s AND deleted_at IS NULL", (password_hash, user_id)
    )


def set_pending_email(cur: Cursor, user_id: int, email: str | None) -> None:
    """A new address stays unconfirmed (and unused) until its code comes back."""
    cur.execute("UPDATE users SET email = %s, email_confirmed_at = NULL WHERE id = %s", (email, user_id))


def confirm_email(cur: Cursor, user_id: int, email: str) -> bool:
    """Confirm ``email`` if it is still the pending one; False if another account confirmed it first."""
    cur.execute(
        """SELECT 1 FROM users
           WHERE lower(email) = lower(%s) AND email_confirmed_at IS NOT NULL AND id <> %s""",
        (email, user_id),
    )
    if cur.fetchone():
        return False
    cur.execute(
        """UPDATE users SET email_confirmed_at = now()
           WHERE id = %s AND email = %s AND email_confirmed_at IS NULL""",
        (user_id, email),
    )
    return cur.rowcount == 1


def find_for_recovery(cur: Cursor, folded_name: str, login: str) -> Row | None:
    """The live account named ``folded_name`` (login_names.fold of ``login``), or whose confirmed email is
    ``login``."""
    cur.execute(
        f"""SELECT {USER_COLUMNS} FROM users u
            WHERE u.deleted_at IS NULL AND (lower(u.username COLLATE "C") = %s
                OR (lower(u.email) = lower(%s) AND u.email_confirmed_at IS NOT NULL))
            ORDER BY (lower(u.username COLLATE "C") = %s) DESC LIMIT 1""",
        (folded_name, login, folded_name),
    )
    return cur.fetchone()


def set_last_seen(cur: Cursor, user_id: int) -> None:
    """Never for an erased account, whose last socket may close after the erasure."""
    cur.execute("UPDATE users SET last_seen_at = now() WHERE id = %s AND deleted_at IS NULL", (user_id,))


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern matching names that start with ``prefix`` literally (its % and _ are not wildcards).

    Letter case is folded by PostgreSQL's lower() on both sides, not by Python's: the two disagree on
    letters such as "İ", and a name must always be found by its own first letters.
    """
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def search_visible(cur: Cursor, prefix: str, limit: int, exclude_user_id: int) -> list[Row]:
    pattern = _like_prefix(prefix)
    cur.execute(
        f"""SELECT {USER_COLUMNS} FROM users u
            WHERE u.visible AND u.deleted_at IS NULL AND u.id <> %s
              AND (lower(u.username) LIKE lower(%s) OR lower(u.display_name) LIKE lower(%s))
              AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = u.id AND b.blocked_id = %s)
            ORDER BY lower(u.username) LIMIT %s""",
        (exclude_user_id, pattern, pattern, exclude_user_id, limit),
    )
    return cur.fetchall()


def get_user_visible_to(cur: Cursor, viewer_id: int, user_id: int) -> Row | None:
    """A user the viewer may look up: visible to everyone, or sharing a conversation with the viewer."""
    cur.execute(
        f"""SELECT {USER_COLUMNS} FROM users u
            WHERE u.id = %s AND (
                (u.visible AND u.deleted_at IS NULL) OR u.id = %s OR EXISTS (
                    SELECT 1 FROM conversation_members a JOIN conversation_members b USING (conversation_id)
                    WHERE a.user_id = %s AND b.user_id = u.id))""",
        (user_id, viewer_id, viewer_id),
    )
    return cur.fetchone()


def reachable_user_ids(cur: Cursor, viewer_id: int, user_ids: list[int]) -> set[int]:
    """Of ``user_ids``, the live accounts the viewer may start a conversation with or add to a group.

    The rule of ``get_user_visible_to``: visible users, and anyone already sharing a conversation with the
    viewer — minus those who blocked the viewer. Without it, opening 1:1s with sequential ids would list
    every invisible account's name.
    """
    cur.execute(
        """SELECT u.id FROM users u
           WHERE u.id = ANY(%s) AND u.deleted_at IS NULL AND (
               u.visible OR u.id = %s OR EXISTS (
                   SELECT 1 FROM conversation_members a JOIN conversation_members b USING (conversation_id)
                   WHERE a.user_id = %s AND b.user_id = u.id))
             AND NOT EXISTS (SELECT 1 FROM blocks k WHERE k.blocker_id = u.id AND k.blocked_id = %s)""",
        (list(user_ids), viewer_id, viewer_id, viewer_id),
    )
    return {row["id"] for row in cur.fetchall()}


def erase_user_txn(cur: Cursor, user_id: int) -> Row | None:
    """Forget the profile and credentials; the row stays so that old messages keep a sender. Returns the
    username and email it had, so that what is keyed by them can be erased too."""
    cur.execute(
        """UPDATE users n SET username = NULL, display_name = 'Deleted account', password_hash = NULL,
               visible = false, deleted_at = now(), email = NULL, email_confirmed_at = NULL,
               last_seen_at = NULL, hide_last_seen = false
           FROM (SELECT id, username, email FROM users WHERE id = %s FOR UPDATE) o
           WHERE n.id = o.id
           RETURNING o.username, o.email""",
        (user_id,),
    )
    return cur.fetchone()
