"""Small builders of wire-shaped records for unit tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from desktop.domain.records import Conversation, Message

BASE_TIME = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def message(
    seq: int | None,
    *,
    conversation_id: int = 1,
    sender_id: int = 2,
    text: str | None = None,
    minutes: float | None = None,
    **extra,
) -> Message:
    when = BASE_TIME + timedelta(minutes=minutes if minutes is not None else (seq or 0))
    return Message(
        conversation_id=conversation_id,
        seq=seq,
        sender_id=sender_id,
        client_id=extra.pop("client_id", str(uuid.uuid4())),
        text=text if text is not None else f"message {seq}",
        created_at=when,
        id=seq,
        **extra,
    )


def user_json(user_id: int, name: str) -> dict:
    return {"id": user_id, "username": name.lower(), "display_name": name, "deleted": False}


def conversation(
    conversation_id: int = 1,
    *,
    kind: str = "direct",
    title: str | None = None,
    members: tuple[tuple[int, str], ...] = ((1, "Me"), (2, "Bob")),
    last_seq: int = 0,
    unread: int = 0,
    minutes: float = 0,
) -> Conversation:
    data = {
        "id": conversation_id,
        "kind": kind,
        "title": title,
        "created_at": "2026-11-20T09:00:00.000000Z",
        "members": [
            {"user": user_json(uid, name), "role": "owner" if i == 0 else "member"}
            for i, (uid, name) in enumerate(members)
        ],
        "last_seq": last_seq,
        "last_read_seq": last_seq - unread,
        "unread_count": unread,
        "last_message": None,
        "last_activity_at": (BASE_TIME + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }
    return Conversation.from_json(data)
