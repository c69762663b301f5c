"""The sending side of one live WebSocket: its queued frames onto the wire, several in one write.

Frames queue together when a socket cannot keep up or a busy group bursts (a sender's ack and its own
``message.created`` mostly do not: the event comes through the broker after the ack): the loop takes
every frame already waiting, up to ``BATCH_FRAMES``, and writes them with one ``sendall`` instead of a
system call and a wake-up each. With 1:1 traffic it measured no different from one write per frame
(bench/server_throughput.py, 0.80 | 0.78 and 0.74 | 0.74 ms server CPU per message, both orders).
Frames made once for all sockets (server/services/wire_frames.py) are concatenated as they are; a
WebSocket reader sees the same frames in the same order. With permessage-deflate (``CHATIDK_WS_DEFLATE``)
each frame still goes through wsproto.
"""

from __future__ import annotations

from flask_sock import ConnectionClosed

from server.api.socket_lock import write_lock
from server.services.live import Connection
from server.services.wire_frames import wire_bytes

BATCH_FRAMES = 64  # frames written together at most: a full queue drains in bounded writes


def send_framed(ws, frame: bytes) -> None:
    """``ws.send`` for bytes already framed (what simple-websocket's send does after framing them). A
    connection that broke under the write is reported as closed, like one that was closed before it."""
    if not ws.connected:
        raise ConnectionClosed(ws.close_reason, ws.close_message)
    try:
        with write_lock(ws):  # whole, never interleaved with a ping or pong (server/api/socket_lock.py)
            # One send() is enough for a frame the socket's buffer takes whole, the usual case; gevent's
            # sendall() would first ask the kernel for the buffer's size (a getsockopt each write).
            sent = ws.sock.send(frame)
            if sent < len(frame):
                ws.sock.sendall(memoryview(frame)[sent:])
    except OSError as exc:
        raise ConnectionClosed(ws.close_reason, ws.close_message) from exc


def write_frames(ws, conn: Connection, framed_once: bool, batch: int = BATCH_FRAMES) -> None:
    """Send ``conn``'s frames until its queue says close (None) or ``conn.close_code`` is set; raises
    ConnectionClosed when the client is gone. ``batch`` 1 writes each frame alone (CHATIDK_WS_BATCH_WRITES
    off, to measure against)."""
    while True:
        frame = conn.frames.get()
        if frame is None or conn.close_code is not None:
            return
        if not framed_once:
            with write_lock(ws):
                ws.send(frame)
            continue
        if batch <= 1:
            send_framed(ws, wire_bytes(frame))
            continue
        frames, closing = conn.take_queued(batch - 1)
        if conn.close_code is not None:
            return  # closed while these waited: as the one-at-a-time loop, send nothing more
        if frames:
            send_framed(ws, b"".join([wire_bytes(frame), *map(wire_bytes, frames)]))
        else:
            send_framed(ws, wire_bytes(frame))
        if closing:
            return
