"""Blocking: a blocked person cannot open a 1:1 with me, message me in one, add me to groups, or find me."""

from __future__ import annotations

from server import render
from server.context import AppContext
from server.db import blocks as blocks_db
from server.db import users as users_db
from server.errors import InvalidField, NotFound


def block(app: AppContext, user_id: int, target_id: int, hide_in_groups: bool) -> dict:
    if target_id == user_id:
        raise InvalidField("you cannot block yourself", field="user_id")
    with app.db.transaction() as cur:
        target = users_db.get_user_visible_to(cur, user_id, target_id)
        if target is None:
            raise NotFound("no such user")
        blocks_db.block(cur, user_id, target_id, hide_in_groups)
    return {"user": render.user(target), "hide_in_groups": hide_in_groups}


def unblock(app: AppContext, user_id: int, target_id: int) -> None:
    with app.db.transaction() as cur:
        if not blocks_db.unblock(cur, user_id, target_id):
            raise NotFound("you have not blocked that user")


def list_mine(app: AppContext, user_id: int) -> list[dict]:
    with app.db.autocommit() as cur:
        rows = blocks_db.blocked_by(cur, user_id)
    return [
        {
            "user": render.user(row),
            "hide_in_groups": row["hide_in_groups"],
            "blocked_at": render.timestamp(row["blocked_at"]),
        }
        for row in rows
    ]
