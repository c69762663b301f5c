"""Rows to the JSON shapes of docs/protocol.md, in one place so every route and event agrees."""

from __future__ import annotations

from datetime import UTC, datetime


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def user(row: dict) -> dict:
    deleted = row["deleted_at"] is not None
    return {
        "id": row["id"],
        "username": row["username"],
        "display_name": row["display_name"],
        "deleted": deleted,
        # The version of the profile picture (GET /users/{id}/avatar), null when there is none.
        "avatar": row.get("avatar_version"),
    }


def me(row: dict) -> dict:
    """My own account: public fields plus settings and my email (never shown to anyone else)."""
    return {
        **user(row),
        "visible": row["visible"],
        "created_at": timestamp(row["created_at"]),
        "email": row["email"],
        "email_confirmed": row["email_confirmed_at"] is not None,
        "hide_last_seen": row["hide_last_seen"],
    }


def message(row: dict, prefix: str = "") -> dict:
    """A Message; ``prefix``: the row's message columns are named so (a conversation's last message)."""
    if prefix:
        row = {name[len(prefix) :]: value for name, value in row.items() if name.startswith(prefix)}
    return {
        "id": row["id"],
        "conversation_id": row["conversation_id"],
        "seq": row["seq"],
        "sender_id": row["sender_id"],
        "client_id": str(row["client_id"]),
        "text": row["body"],
        "created_at": timestamp(row["created_at"]),
        "edited_at": timestamp(row["edited_at"]),
        "deleted": row["deleted_at"] is not None,
        # File objects as rendered by ``file`` when the message was sent (files never change).
        "attachments": row["attachments"],
        # The conversation's change version of this message's last change (0: unchanged since sent).
        "version": row["version"],
        "reply_to": row["reply_to"],
        # Aggregated: emoji, count and the first three reactors' ids, in order of each emoji's first use.
        "reactions": row["reactions"],
        "pinned_at": timestamp(row["pinned_at"]),
        "pinned_by": row["pinned_by"],
        # The members the text mentions as @username (a group's only), resolved by the server.
        "mentions": row["mentions"],
        # A forward: {"sender_id"} of whom it came from (null when not visible here); else null.
        "forwarded_from": row["forwarded_from"],
    }


def file(row: dict) -> dict:
    """A File of docs/protocol.md ("Files"); messages store these as sent."""
    thumbnail = None
    if row["thumbnail_type"] is not None:
        thumbnail = {"width": row["thumbnail_width"], "height": row["thumbnail_height"]}
    return {
        "id": row["id"],
        "name": row["name"],
        "size": row["size"],
        "content_type": row["content_type"],
        "sha256": bytes(row["sha256"]).hex(),
        "width": row["width"],
        "height": row["height"],
        "duration_ms": row["duration_ms"],
        "thumbnail": thumbnail,
        "uploader_id": row["uploader_id"],
        "created_at": timestamp(row["created_at"]),
    }


def conversation_public(row: dict, members: list[dict]) -> dict:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "created_at": timestamp(row["created_at"]),
        "members": [
            {"user": user(m), "role": m["role"], "last_read_seq": m["last_read_seq"]} for m in members
        ],
        "last_seq": row["last_seq"],
        "change_version": row["change_version"],
        "last_activity_at": timestamp(row["last_activity_at"]),
    }


def member_state(row: dict) -> dict:
    """The caller's own handling of a conversation, the same on every device of theirs."""
    return {
        "pinned_at": timestamp(row["pinned_at"]),
        "muted": row["muted"],
        "marked_unread": row["marked_unread"],
        "hidden_through_seq": row["hidden_through_seq"],
        # Whether messages that mention me notify me while the conversation is muted (they do by default).
        "mentions_when_muted": row["mentions_when_muted"],
    }


def exported_conversation(row: dict) -> dict:
    """A conversation in my data export: its id, kind and group title, and my own membership of it."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": row["title"],
        "created_at": timestamp(row["created_at"]),
        "my_role": row["role"],
        "joined_at": timestamp(row["joined_at"]),
        "last_read_seq": row["last_read_seq"],
    }


def conversation(row: dict, members: list[dict]) -> dict:
    """The caller's view: public fields plus read position, unread count, the last message and ``me``."""
    result = conversation_public(row, members)
    result["last_read_seq"] = row["last_read_seq"]
    result["unread_count"] = row["unread_count"]
    result["unread_mentions"] = row["unread_mentions"]
    result["me"] = member_state(row)
    result["last_message"] = message(row, "lm_") if row["lm_id"] is not None else None
    return result
