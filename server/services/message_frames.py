"""The frames that carry messages to sockets, shaped in one place.

A new message's ``message.created`` frame is made once, by the process that stored it, and travels in the
broker event (server/services/events.py's ``messages_created``), so that no process loads or renders the
message again: the live dispatch of every process pushes that same text to its local members' sockets.
"""

from __future__ import annotations

from server.services.live_sockets import encode_frame


def message_frame(kind: str, message: dict) -> dict:
    """``message.<kind>`` for a rendered message (server/render.py); a change also says its version."""
    frame = {
        "type": f"message.{kind}",
        "conversation_id": message["conversation_id"],
        "seq": message["seq"],
        "message": message,
    }
    if kind != "created":  # a change of an old message: its place in the change stream
        frame["version"] = message["version"]
    return frame


def created_frame(message: dict) -> str:
    """The ``message.created`` frame of a message just stored, as it goes on the wire."""
    return encode_frame(message_frame("created", message))
