"""A socket's sending loop: frames already queued go out in one write, intact and in order; a client gone
under the write is a closed connection, not an error."""

from __future__ import annotations

import socket
import threading

import gevent.socket
import pytest
from flask_sock import ConnectionClosed
from wsproto import WSConnection
from wsproto.events import TextMessage

from server.api.socket_writer import send_framed, write_frames
from server.services.live_sockets import Connection
from tests.support.ws_reader import client_reading


class _RecordingSocket:
    """A real socket that remembers what each write (``send`` or ``sendall``) carried."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.writes: list[bytes] = []

    def send(self, data: bytes) -> int:
        sent = self._sock.send(data)
        self.writes.append(bytes(data[:sent]))
        return sent

    def sendall(self, data: bytes) -> None:
        self.writes.append(bytes(data))
        self._sock.sendall(data)


class _ServerSocket:
    """What the loop uses of simple-websocket's Server: ``connected``, ``sock``, ``send`` (deflate path)."""

    def __init__(self, sock) -> None:
        self.sock = sock
        self.connected = True
        self.close_reason = 1006
        self.close_message = None
        self.sent: list[str] = []

    def send(self, text: str) -> None:
        self.sent.append(text)


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    yield _RecordingSocket(ours), theirs
    ours.close()
    theirs.close()


def _read_texts(client: WSConnection, data: bytes) -> list[str]:
    client.receive_data(data)
    return [e.data for e in client.events() if isinstance(e, TextMessage)]


def _received(theirs: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        data += theirs.recv(size - len(data))
    return data


def _queued(*frames: str | None) -> Connection:
    conn = Connection(user_id=1, session_id=1)
    for frame in frames:
        conn.frames.put_nowait(frame)
    return conn


def test_frames_queued_together_go_in_one_write_intact_and_in_order(pair):
    ours, theirs = pair
    texts = ['{"type":"ack","n":1}', '{"text":"ü 👋 <b>"}', "x" * 126, "y" * 70000, "{}"]
    conn = _queued(*texts, None)
    write_frames(_ServerSocket(ours), conn, framed_once=True)
    assert len(ours.writes) == 1
    assert _read_texts(client_reading(), _received(theirs, len(ours.writes[0]))) == texts


def test_a_long_queue_drains_in_bounded_writes_in_order(pair):
    ours, theirs = pair
    texts = [f'{{"n":{n}}}' for n in range(10)]
    write_frames(_ServerSocket(ours), _queued(*texts, None), framed_once=True, batch=4)
    assert len(ours.writes) == 3  # 4 + 4 + 2
    data = _received(theirs, sum(len(w) for w in ours.writes))
    assert _read_texts(client_reading(), data) == texts


def test_batch_one_writes_each_frame_alone(pair):
    ours, theirs = pair
    texts = ['{"n":1}', '{"n":2}', '{"n":3}']
    write_frames(_ServerSocket(ours), _queued(*texts, None), framed_once=True, batch=1)
    assert len(ours.writes) == 3
    assert _read_texts(client_reading(), _received(theirs, sum(map(len, ours.writes)))) == texts


def test_nothing_queued_after_a_close_is_sent(pair):
    ours, theirs = pair
    conn = _queued('{"n":1}', '{"n":2}', None, '{"n":3}')
    write_frames(_ServerSocket(ours), conn, framed_once=True)
    assert _read_texts(client_reading(), _received(theirs, len(ours.writes[0]))) == ['{"n":1}', '{"n":2}']
    assert conn.frames.get_nowait() == '{"n":3}'  # left where it was, never written


def test_a_socket_closed_by_the_server_sends_nothing_more(pair):
    ours, _ = pair
    conn = _queued('{"n":1}', '{"n":2}')
    conn.close(1013)  # fell behind: its client reconnects and catches up
    write_frames(_ServerSocket(ours), conn, framed_once=True)
    assert ours.writes == []


def test_with_deflate_each_frame_goes_through_the_websocket_library(pair):
    ours, _ = pair
    ws = _ServerSocket(ours)
    write_frames(ws, _queued('{"n":1}', '{"n":2}', None), framed_once=False)
    assert ws.sent == ['{"n":1}', '{"n":2}'] and ours.writes == []


def test_a_client_gone_mid_write_is_a_closed_connection(pair):
    ours, theirs = pair
    read_some = threading.Event()

    def read_a_little_then_leave() -> None:
        theirs.recv(1024)
        read_some.set()
        theirs.close()

    reader = threading.Thread(target=read_a_little_then_leave)
    reader.start()
    # Far more than a socket buffer holds: the write is under way when the client leaves.
    conn = _queued('{"n":1}', "z" * (16 * 1024 * 1024), None)
    with pytest.raises(ConnectionClosed):
        write_frames(_ServerSocket(ours), conn, framed_once=True)
    reader.join()
    assert read_some.is_set()


def test_a_write_to_a_socket_already_closed_is_a_closed_connection(pair):
    ours, _ = pair
    ws = _ServerSocket(ours)
    ws.connected = False
    with pytest.raises(ConnectionClosed):
        send_framed(ws, b"\x81\x00")
    assert ours.writes == []


def test_a_frame_bigger_than_the_socket_buffer_arrives_whole():
    """On a gevent socket (as deployed) the first send takes what the buffer holds; the rest follows."""
    ours, theirs = socket.socketpair()
    green = gevent.socket.socket(fileno=ours.detach())
    recording = _RecordingSocket(green)
    frame = b"\x82\x7f" + (4 * 1024 * 1024).to_bytes(8, "big") + bytes(range(256)) * 16384
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(_received(theirs, len(frame))))
    reader.start()
    try:
        send_framed(_ServerSocket(recording), frame)
        reader.join()
    finally:
        green.close()
        theirs.close()
    assert got == [frame]
    assert len(recording.writes) == 2 and b"".join(recording.writes) == frame  # partly sent, then the rest
