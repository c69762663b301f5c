"""The broker payloads, built in one place. Ids, which every process loads what it needs by, except for new
messages: their frames ride along (``messages_created``), so that no process loads a message just stored."""

from __future__ import annotations

import json
from collections.abc import Sequence


def message(kind: str, conversation_id: int, message_id: int) -> dict:
    return {"t": "message", "k": kind, "c": conversation_id, "m": message_id}


# Messages named in one ``messages`` event: ≤ 100 × 41 bytes, under NOTIFY's 8000 whatever the ids.
PER_EVENT = 100
# What one ``messages_created`` event may take as the broker encodes it (ASCII JSON): under NOTIFY's 8000
# bytes with room for its keys, counting each message's two ids and separators as _PER_MESSAGE_BYTES.
PAYLOAD_BYTES = 7500
_PER_MESSAGE_BYTES = 48


def reaction(conversation_id: int, message_id: int, user_id: int, emoji: str, added: bool) -> dict:
    """A reaction added or removed: a ``message.updated`` that also says whose and which (≤ 64 chars)."""
    return {
        "t": "message",
        "k": "updated",
        "c": conversation_id,
        "m": message_id,
        "r": [user_id, emoji, added],
    }


def hidden(conversation_id: int, user_id: int, seq: int, version: int) -> dict:
    """A member hid a message ("delete for me"): for that member's own sessions only."""
    return {"t": "hidden", "c": conversation_id, "u": user_id, "s": seq, "v": version}


def messages(kind: str, stored: list[tuple[int, int]]) -> dict:
    """Several messages' event of one kind as one: (conversation id, message id) each, at most PER_EVENT."""
    return {"t": "messages", "k": kind, "c": [c for c, _ in stored], "m": [m for _, m in stored]}


def messages_created(created: Sequence[tuple[int, int, str | None]]) -> list[dict]:
    """New messages as events of at most PER_EVENT messages and PAYLOAD_BYTES: (conversation id, message
    id, its ``message.created`` frame) each. A frame too big to travel (a long text with many files) goes
    as null, and every process loads that message by its id instead."""
    made: list[dict] = []
    batch: list[tuple[int, int, str | None]] = []
    size = 0
    for conversation_id, message_id, frame in created:
        cost = _PER_MESSAGE_BYTES + (len(json.dumps(frame)) if frame is not None else 0)
        if cost > PAYLOAD_BYTES:
            frame, cost = None, _PER_MESSAGE_BYTES
        if batch and (len(batch) == PER_EVENT or size + cost > PAYLOAD_BYTES):
            made.append(_created(batch))
            batch, size = [], 0
        batch.append((conversation_id, message_id, frame))
        size += cost
    if batch:
        made.append(_created(batch))
    return made


def _created(batch: list[tuple[int, int, str | None]]) -> dict:
    event = messages("created", [(c, m) for c, m, _ in batch])
    event["f"] = [f for _, _, f in batch]
    return event


def conversation(kind: str, conversation_id: int) -> dict:
    return {"t": "conversation", "k": kind, "c": conversation_id}


def members_added(conversation_id: int, user_ids: list[int]) -> dict:
    return {"t": "member", "k": "added", "c": conversation_id, "u": user_ids}


def member_removed(conversation_id: int, user_id: int) -> dict:
    return {"t": "member", "k": "removed", "c": conversation_id, "u": user_id}


def member_state(conversation_id: int, user_id: int) -> dict:
    """The member's own handling of the conversation changed: for their own sessions only."""
    return {"t": "member_state", "c": conversation_id, "u": user_id}


def read(conversation_id: int, user_id: int, seq: int) -> dict:
    return {"t": "read", "c": conversation_id, "u": user_id, "s": seq}


def sessions_revoked(session_ids: list[int]) -> dict:
    return {"t": "sessions_revoked", "s": session_ids}


def presence(user_id: int, visibility: bool = False) -> dict:
    """``visibility``: the user started or stopped hiding their last seen, so contacts get the current view
    once (a hider's own transitions are never sent)."""
    return {"t": "presence", "u": user_id, "v": 1} if visibility else {"t": "presence", "u": user_id}


def typing(conversation_id: int, user_id: int) -> dict:
    return {"t": "typing", "c": conversation_id, "u": user_id}


def user_updated(user_id: int) -> dict:
    return {"t": "user", "u": user_id}
