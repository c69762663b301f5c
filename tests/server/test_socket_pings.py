"""One thread pings every socket (server/api/socket_pings.py): a client that stopped reading holds up nobody
else's pings, and is itself closed with 1008. Real simple-websocket servers over real socket pairs."""

from __future__ import annotations

import base64
import contextlib
import os
import select
import socket
import threading
import time

from simple_websocket import ConnectionClosed, Server
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Ping, Request, TextMessage

from server.api.socket_pings import Pings
from server.api.socket_reader import ReadingThread
from server.api.socket_writer import send_framed
from server.services.wire_frames import text_frame


def server_over_pair(key: str) -> tuple[Server, socket.socket]:
    """A simple-websocket Server (with this server's reading thread, pinging every second) on one end of a
    socket pair, its handshake done for a client that sent ``key``, and the other end."""
    ours, theirs = socket.socketpair()
    environ = {
        "gunicorn.socket": ours,
        "HTTP_HOST": "chat.example",
        "HTTP_UPGRADE": "websocket",
        "HTTP_CONNECTION": "Upgrade",
        "HTTP_SEC_WEBSOCKET_KEY": key,
        "HTTP_SEC_WEBSOCKET_VERSION": "13",
    }
    return Server(environ, ping_interval=1, max_message_size=64 * 1024, thread_class=ReadingThread), theirs


def client_and_key() -> tuple[WSConnection, str]:
    """A wsproto client that has sent its handshake, and the key it sent (for :func:`server_over_pair`)."""
    client = WSConnection(ConnectionType.CLIENT)
    request = client.send(Request(host="chat.example", target="/")).decode()
    key = next(
        line.split(":", 1)[1].strip()
        for line in request.split("\r\n")
        if line.lower().startswith("sec-websocket-key")
    )
    return client, key


def test_a_client_that_stopped_reading_holds_up_no_other_sockets_pings():
    client, key = client_and_key()
    stuck, stuck_peer = server_over_pair(base64.b64encode(os.urandom(16)).decode())
    healthy, healthy_peer = server_over_pair(key)
    stuck_peer.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)

    def flood() -> None:  # the server writes to the stuck client until its buffers are full, and blocks
        try:
            while True:
                stuck.send("x" * 60_000)
        except (ConnectionClosed, OSError):
            pass

    flooder = threading.Thread(target=flood, daemon=True)
    flooder.start()
    pings = 0
    healthy_peer.settimeout(30)
    deadline = time.monotonic() + 60
    while pings < 3:  # a healthy client, answering each ping as it reads it
        assert time.monotonic() < deadline, "the healthy socket stopped being pinged"
        client.receive_data(healthy_peer.recv(65536))
        for event in client.events():
            if isinstance(event, Ping):
                pings += 1
                healthy_peer.sendall(client.send(event.response()))
            else:
                assert isinstance(event, AcceptConnection)
    assert healthy.connected
    flooder.join(timeout=60)  # the stuck socket, its pings unanswered, was closed: its blocked write ends
    assert not flooder.is_alive()
    assert stuck.close_reason == 1008 and not stuck.connected
    for end in (stuck_peer, healthy_peer):  # (the healthy one, no longer answering, goes the same way)
        end.close()


def test_a_ping_waits_for_a_frame_being_written_and_never_lands_inside_it():
    client, key = client_and_key()
    ws, peer = server_over_pair(key)
    text = "x" * 4_000_000  # far more than the pair's buffers: its write blocks until the client reads
    writer = threading.Thread(target=send_framed, args=(ws, text_frame(text)), daemon=True)
    writer.start()
    peer.setblocking(False)
    handshake = b""
    while b"\r\n\r\n" not in handshake:  # the 101 first; then the frame's first bytes are there too
        with contextlib.suppress(BlockingIOError):
            handshake += peer.recv(1)
    while not select.select([peer], [], [], 30)[0]:
        pass
    pinger = threading.Thread(target=Pings()._ping, args=(ws,), daemon=True)
    pinger.start()  # while the writer is blocked inside its frame
    peer.setblocking(True)
    peer.settimeout(30)
    client.receive_data(handshake)
    received, pinged = [], False
    while not pinged:
        client.receive_data(peer.recv(1 << 20))
        for event in client.events():
            if isinstance(event, TextMessage):
                received.append(event.data)
            elif isinstance(event, Ping):
                pinged = True
                assert "".join(received) == text  # the ping came after the whole frame, not inside it
    writer.join(timeout=30)
    pinger.join(timeout=30)
    ws.close()
    peer.close()
