"""Conversations: 1:1s and groups, membership, read positions. Outsiders see only "not found"."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from server import render
from server.context import AppContext
from server.db import Cursor
from server.db import conversations as conversations_db
from server.db import users as users_db
from server.errors import Conflict, Forbidden, InvalidField, NotFound
from server.limits import MAX_GROUP_MEMBERS
from server.services import events, throttle

NOT_FOUND = "no such conversation"


def require_member(cur: Cursor, conversation_id: int, user_id: int, *, lock: bool = False) -> dict:
    """The caller's membership, or the very same 404 a conversation that does not exist gets."""
    member = conversations_db.membership(cur, conversation_id, user_id, lock=lock)
    if member is None:
        raise NotFound(NOT_FOUND)
    return member


def _view(cur: Cursor, user_id: int, conversation_id: int) -> dict:
    rows = conversations_db.list_for_user(cur, user_id, conversation_id)
    if not rows:
        raise NotFound(NOT_FOUND)
    members = conversations_db.members_of(cur, [conversation_id])[conversation_id]
    return render.conversation(rows[0], members)


def page_mine(app: AppContext, user_id: int, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
    """A page of the user's conversations, most recent activity first, and the cursor of the next page
    (None after the last). The cursor is where the page ended, so a conversation that gets a message while
    a client pages moves to the front, onto a page it already has; its message reaches the client's socket."""
    before = _decode_cursor(cursor) if cursor is not None else None
    with app.db.transaction() as cur:
        rows = conversations_db.page_for_user(cur, user_id, before, limit + 1)
        more, rows = len(rows) > limit, rows[:limit]
        members = conversations_db.members_of(cur, [r["id"] for r in rows]) if rows else {}
    following = _encode_cursor(rows[-1]["last_activity_at"], rows[-1]["id"]) if more else None
    return [render.conversation(row, members[row["id"]]) for row in rows], following


def _encode_cursor(at: datetime, conversation_id: int) -> str:
    raw = f"{at.astimezone(UTC).isoformat()}|{conversation_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    """A cursor this server handed out; anything else is a 400 naming the field."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, conversation_id = raw.partition("|")
        moment, number = datetime.fromisoformat(at), int(conversation_id)
    except (ValueError, UnicodeDecodeError):
        raise InvalidField(
            "cursor: must be a cursor a previous page returned as next", field="cursor"
        ) from None
    if moment.tzinfo is None or not 0 < number < 2**63:
        raise InvalidField("cursor: must be a cursor a previous page returned as next", field="cursor")
    return moment, number


def get(app: AppContext, user_id: int, conversation_id: int) -> dict:
    with app.db.transaction() as cur:
        return _view(cur, user_id, conversation_id)


def open_direct(app: AppContext, user_id: int, other_id: int) -> tuple[dict, bool]:
    """The 1:1 with ``other_id``, made on first request: (conversation, created)."""
    if other_id == user_id:
        raise InvalidField("a 1:1 conversation needs another person", field="user_id")
    with app.db.transaction() as cur:
        # Checked first: a deleted account gets no 1:1 opened, even one that existed (its history stays
        # in the list), and an invisible stranger looks exactly like an unknown id.
        _require_reachable(cur, user_id, [other_id], "user_id")
        existing = conversations_db.find_direct(cur, user_id, other_id)
        if existing is not None:
            return _view(cur, user_id, existing), False
        conversation_id, created = conversations_db.create_direct_txn(cur, user_id, other_id)
        if created:
            app.broker.publish(cur, events.conversation("created", conversation_id))
        return _view(cur, user_id, conversation_id), created


def _require_reachable(cur: Cursor, viewer_id: int, user_ids: list[int], field: str) -> None:
    """404 for ids that are unknown, deleted, or invisible to the caller: the three look alike."""
    missing = set(user_ids) - users_db.reachable_user_ids(cur, viewer_id, user_ids)
    if missing:
        raise NotFound("no such user" if len(user_ids) == 1 else f"no such user: {min(missing)}", field=field)


def create_group(app: AppContext, owner_id: int, title: str, member_ids: list[int]) -> dict:
    if len(set(member_ids) | {owner_id}) > MAX_GROUP_MEMBERS:
        raise InvalidField(
            f"a group has at most {MAX_GROUP_MEMBERS} members, you included", field="member_ids"
        )
    with app.db.transaction() as cur:
        _require_reachable(cur, owner_id, member_ids, "member_ids")
        # Counted in this transaction: a group that is refused (404, 400) does not count.
        throttle.take(cur, throttle.groups_created(app.config), throttle.user_key(owner_id))
        conversation_id = conversations_db.create_group_txn(cur, title, owner_id, member_ids)
        app.broker.publish(cur, events.conversation("created", conversation_id))
        return _view(cur, owner_id, conversation_id)


def _require_group(member: dict) -> None:
    if member["kind"] != "group":
        raise Conflict("only a group can do that; this is a 1:1 conversation")


def rename(app: AppContext, user_id: int, conversation_id: int, title: str) -> dict:
    with app.db.transaction() as cur:
        _require_group(require_member(cur, conversation_id, user_id))
        conversations_db.set_title(cur, conversation_id, title)
        app.broker.publish(cur, events.conversation("updated", conversation_id))
        return _view(cur, user_id, conversation_id)


def add_members(app: AppContext, user_id: int, conversation_id: int, user_ids: list[int]) -> dict:
    with app.db.transaction() as cur:
        _require_group(require_member(cur, conversation_id, user_id, lock=True))
        _require_reachable(cur, user_id, user_ids, "user_ids")
        new = [u for u in set(user_ids) if conversations_db.membership(cur, conversation_id, u) is None]
        if conversations_db.count_members(cur, conversation_id) + len(new) > MAX_GROUP_MEMBERS:
            raise Conflict(f"a group has at most {MAX_GROUP_MEMBERS} members", field="user_ids")
        added = conversations_db.add_members(cur, conversation_id, new)
        if added:
            app.broker.publish(cur, events.members_added(conversation_id, added))
        return _view(cur, user_id, conversation_id)


def remove_member(app: AppContext, user_id: int, conversation_id: int, target_id: int) -> None:
    """Leave (target is me) or remove someone (owners only)."""
    with app.db.transaction() as cur:
        member = require_member(cur, conversation_id, user_id, lock=True)
        _require_group(member)
        if target_id != user_id:
            if member["role"] != "owner":
                raise Forbidden("only the group's owner can remove other members")
            if conversations_db.membership(cur, conversation_id, target_id) is None:
                raise NotFound("that user is not a member", field="user_id")
        conversations_db.remove_member_txn(cur, conversation_id, target_id)
        app.broker.publish(cur, events.member_removed(conversation_id, target_id))


def mark_read(app: AppContext, user_id: int, conversation_id: int, seq: int) -> dict:
    with app.db.transaction() as cur:
        before = require_member(cur, conversation_id, user_id)
        position = conversations_db.mark_read(cur, conversation_id, user_id, seq)
        if position is None:  # left (or was removed) at this very moment: no longer a member
            raise NotFound(NOT_FOUND)
        if position["last_read_seq"] != before["last_read_seq"]:
            app.broker.publish(cur, events.read(conversation_id, user_id, position["last_read_seq"]))
        return position
