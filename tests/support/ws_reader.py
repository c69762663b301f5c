"""A wsproto client past its handshake: reads back the frames a server wrote, for byte-level socket tests."""

from __future__ import annotations

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request


def client_reading() -> WSConnection:
    """A wsproto client past its handshake with a server, ready to read the server's frames."""
    client, server = WSConnection(ConnectionType.CLIENT), WSConnection(ConnectionType.SERVER)
    server.receive_data(client.send(Request(host="chat.example", target="/api/v1/events")))
    list(server.events())
    client.receive_data(server.send(AcceptConnection()))
    list(client.events())
    return client
