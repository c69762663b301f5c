"""The receiving side of one live WebSocket: the client's frames off the wire, without wsproto's parser.

simple-websocket (under Flask-Sock) reads each socket in a thread of its own and hands every received byte to
wsproto. That thread (wsproto's generator-based parser, its per-frame event objects and unmasking in
Python, and a selector wait per frame, server/api/socket_pings.py) was ≈18 % of a worker's CPU under
WebSocket sends (yappi, CPU clock, group commit on); parsing a send frame took 15.6 µs, and takes 3.3
here. With no extension negotiated (permessage-deflate is off unless ``CHATIDK_WS_DEFLATE``,
server/api/events.py), a client's frames are simple enough to read here: a header of 2 to 14 bytes, a
mask, the payload. :class:`FrameReader` does it and checks everything RFC 6455 asks of a server (masking,
no reserved bits or opcodes, control frames whole and short, fragments in order, UTF-8 text, valid close
codes), with the same size limit.

:class:`ReadingThread` is the thread class given to simple-websocket (its ``thread_class`` option): it runs
:func:`read_frames` for the socket in place of simple-websocket's own loop, with the same outcome for the
rest of the server: messages in ``input_buffer`` with ``event`` set, pings answered, a close answered and
recorded in ``close_reason``. The pings the server sends every ``ping_interval`` (and the 1008 close when
one goes unanswered) come from one thread for all sockets (server/api/socket_pings.py). The frames the
server sends from here (pongs, closes) are still made by wsproto.
"""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wsproto.events import CloseConnection, Pong
from wsproto.frame_protocol import CloseReason
from wsproto.utilities import LocalProtocolError

from server.api.socket_lock import close_from_here, write_lock
from server.api.socket_pings import PINGS

RECEIVE_BYTES = 4096  # as simple-websocket reads

TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA
_DATA = (TEXT, BINARY)
_CONTROL = (CLOSE, PING, PONG)

PROTOCOL_ERROR, INVALID_DATA, TOO_BIG = 1002, 1007, 1009
NO_STATUS = 1005


class ProtocolViolation(Exception):
    """The client broke RFC 6455 (or the size limit): the connection closes with ``code``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(slots=True)
class Received:
    """One whole thing the client said: a message (``data``: str for text, bytes for binary), a ping or pong
    (``payload``), or a close (``code``, ``reason``)."""

    opcode: int
    data: str | bytes = b""
    payload: bytes = b""
    code: int = NO_STATUS
    reason: str = ""


def unmask(payload: bytes, key: bytes) -> bytes:
    """``payload`` XOR the repeated 4-byte ``key``, as one big-integer operation (in C) instead of a loop."""
    n = len(payload)
    if not n:
        return b""
    mask = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(mask, "big")).to_bytes(n, "big")


def _valid_close_code(code: int) -> bool:
    """Codes a peer may send (RFC 6455 §7.4): the defined ones but 1004-1006 and 1015, and 3000-4999."""
    return (1000 <= code <= 1014 and code not in (1004, 1005, 1006)) or 3000 <= code <= 4999


class FrameReader:
    """Client-to-server frames from a byte stream, fed as it arrives; whole messages come out of :meth:`feed`.

    ``max_message``: the most bytes a message (all its fragments) may carry; a frame whose header announces
    more is refused before its payload is buffered."""

    def __init__(self, max_message: int | None) -> None:
        self._max = max_message
        self._buffer = bytearray()
        self._opcode: int | None = None  # of the fragmented message in progress
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, data: bytes) -> list[Received]:
        """What ``data`` completes; raises :class:`ProtocolViolation` at the first frame breaking a rule."""
        buffer = self._buffer
        buffer += data
        received: list[Received] = []
        at = 0
        end = len(buffer)
        while end - at >= 2:
            first, second = buffer[at], buffer[at + 1]
            fin, opcode, length = first & 0x80, first & 0x0F, second & 0x7F
            if first & 0x70:
                raise ProtocolViolation(PROTOCOL_ERROR, "reserved bits set with no extension negotiated")
            if not second & 0x80:
                raise ProtocolViolation(PROTOCOL_ERROR, "a client's frames must be masked")
            header = 2
            if length == 126:
                if end - at < 4:
                    break
                (length,) = struct.unpack_from("!H", buffer, at + 2)
                header = 4
            elif length == 127:
                if end - at < 10:
                    break
                (length,) = struct.unpack_from("!Q", buffer, at + 2)
                if length >> 63:
                    raise ProtocolViolation(PROTOCOL_ERROR, "the payload length's top bit is set")
                header = 10
            self._check_frame(fin, opcode, length)
            if end - at < header + 4 + length:
                break
            key = bytes(buffer[at + header : at + header + 4])
            start = at + header + 4
            payload = unmask(bytes(buffer[start : start + length]), key)
            at = start + length
            message = self._frame(fin, opcode, payload)
            if message is not None:
                received.append(message)
                if message.opcode == CLOSE:
                    break  # nothing after a close is read
        del buffer[:at]
        return received

    def _check_frame(self, fin: int, opcode: int, length: int) -> None:
        """The rules a frame's header alone decides, before its payload is waited for."""
        if opcode in _CONTROL:
            if not fin:
                raise ProtocolViolation(PROTOCOL_ERROR, "a control frame must not be fragmented")
            if length > 125:
                raise ProtocolViolation(PROTOCOL_ERROR, "a control frame carries at most 125 bytes")
            return
        if opcode == CONTINUATION:
            if self._opcode is None:
                raise ProtocolViolation(PROTOCOL_ERROR, "a continuation frame with no message to continue")
        elif opcode in _DATA:
            if self._opcode is not None:
                raise ProtocolViolation(PROTOCOL_ERROR, "a new message before the last one was finished")
        else:
            raise ProtocolViolation(PROTOCOL_ERROR, f"unknown opcode {opcode:#x}")
        if self._max is not None and self._size + length > self._max:
            raise ProtocolViolation(TOO_BIG, "Message is too big")

    def _frame(self, fin: int, opcode: int, payload: bytes) -> Received | None:
        if opcode == CLOSE:
            return self._close(payload)
        if opcode in (PING, PONG):
            return Received(opcode, payload=payload)
        if opcode != CONTINUATION:
            self._opcode = opcode
        if payload:  # an empty fragment adds nothing, not even a slot: endless ones cost no memory
            self._parts.append(payload)
        self._size += len(payload)
        if not fin:
            return None
        kind = self._opcode
        whole = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
        self._opcode, self._parts, self._size = None, [], 0
        if kind == BINARY:
            return Received(BINARY, whole)
        try:
            return Received(TEXT, whole.decode("utf-8"))
        except UnicodeDecodeError:
            raise ProtocolViolation(INVALID_DATA, "a text message that is not UTF-8") from None

    @staticmethod
    def _close(payload: bytes) -> Received:
        if not payload:
            return Received(CLOSE, code=NO_STATUS)
        if len(payload) == 1:
            raise ProtocolViolation(PROTOCOL_ERROR, "a close frame's code takes two bytes")
        (code,) = struct.unpack_from("!H", payload)
        if not _valid_close_code(code):
            raise ProtocolViolation(PROTOCOL_ERROR, f"close code {code} is not one a peer may send")
        try:
            reason = payload[2:].decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolViolation(INVALID_DATA, "a close reason that is not UTF-8") from None
        return Received(CLOSE, code=code, reason=reason)


def read_frames(ws: Any) -> None:
    """simple-websocket's reading loop (``Base._thread``) for one socket, reading with :class:`FrameReader`
    and leaving its pings to :data:`socket_pings.PINGS`, so that each wait is a plain ``recv``.

    ``ws``: the ``simple_websocket.Server``, past its handshake; its ``ws`` (wsproto) makes the frames sent
    from here."""
    reader = FrameReader(ws.max_message_size)
    sock = ws.sock
    if ws.ping_interval:
        PINGS.watch(ws)
    try:
        while ws.connected:
            data = sock.recv(RECEIVE_BYTES)
            if not data:
                raise OSError("the client closed its end")
            if not ws.connected:
                break  # this side closed meanwhile (Server.close): what the client says now needs no answer
            try:
                received = reader.feed(data)
            except ProtocolViolation as exc:
                close_from_here(ws, exc.code, exc.reason)  # then nothing more is read
                break
            if received:
                _handle(ws, received)
    except (OSError, LocalProtocolError):  # gone, or a frame wsproto may no longer send: as simple-websocket
        ws.connected = False
        ws.event.set()
    finally:
        PINGS.forget(ws)
        sock.close()


def _handle(ws: Any, received: list[Received]) -> None:
    answers = b""
    for item in received:
        if item.opcode in _DATA:
            ws.input_buffer.append(item.data)
            ws.event.set()
        elif item.opcode == PING:
            answers += ws.ws.send(Pong(payload=item.payload))
        elif item.opcode == PONG:
            ws.pong_received = True
        else:  # CLOSE: answered with the same code, as wsproto's response() does (none for none)
            code = CloseReason.NO_STATUS_RCVD if item.code == NO_STATUS else item.code
            answers += ws.ws.send(CloseConnection(code=code, reason=item.reason or None))
            ws.close_reason, ws.close_message = item.code, item.reason or None
            ws.connected = False
            ws.event.set()
    if answers:
        with write_lock(ws):
            ws.sock.sendall(answers)


class ReadingThread(threading.Thread):
    """The ``thread_class`` for simple-websocket's Server: its reading thread runs :func:`read_frames`.

    simple-websocket makes the thread as ``thread_class(target=self._thread)`` once its handshake is done;
    the socket is the target's ``__self__``."""

    def __init__(self, target: Callable[[], None]) -> None:
        ws = getattr(target, "__self__", None)
        if ws is None:  # not simple-websocket's bound method: run it as given
            super().__init__(target=target, daemon=True)
        else:
            super().__init__(target=read_frames, args=(ws,), daemon=True)
