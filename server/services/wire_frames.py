"""Frames as they go on the wire, made once however many sockets a frame is queued on.

A live event is encoded to JSON once and the same string queued on every recipient's socket
(live_dispatch.py), but framing it per socket through wsproto cost ≈20 µs each (≈45 µs with
permessage-deflate, which also keeps a compressor per socket). A server's frames are never masked, so a
text frame's bytes are the same for every recipient: they are made here on first send and reused for the
other sockets. The server does not negotiate permessage-deflate unless CHATIDK_WS_DEFLATE is on
(server/api/events.py); an uncompressed frame stays valid on a connection that did negotiate it.
"""

from __future__ import annotations

import struct

_RECENT = 256  # frames remembered: those being sent to many sockets at once

_made: dict[int, tuple[str, bytes]] = {}


def text_frame(text: str) -> bytes:
    """One unfragmented, unmasked RFC 6455 text frame carrying ``text``."""
    payload = text.encode("utf-8")
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x81, length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, length)
    else:
        header = struct.pack("!BBQ", 0x81, 127, length)
    return header + payload


def wire_bytes(text: str) -> bytes:
    """``text_frame(text)``, made once for the same string object queued on many sockets. Keyed by the
    object's identity and holding the object itself, so a recycled id never returns another's frame.

    No lock: each dict operation is atomic on its own, and two threads interleaving here at worst make one
    frame twice or forget one early (the entry found is checked against the string itself)."""
    key = id(text)
    made = _made.get(key)
    if made is not None and made[0] is text:
        return made[1]
    frame = text_frame(text)
    if len(_made) >= _RECENT:
        _made.clear()
    _made[key] = (text, frame)
    return frame
