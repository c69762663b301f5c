"""Frames made once for many sockets: byte for byte what a WebSocket client reads as the text sent."""

from __future__ import annotations

from wsproto.events import TextMessage

from server.services.wire_frames import text_frame, wire_bytes
from tests.support.ws_reader import client_reading


def test_each_length_class_reads_back_as_the_text_sent():
    client = client_reading()
    # 125 / 126 / 65535 / 65536 bytes: the three header sizes and their edges; non-ASCII counts in bytes.
    for text in ("", "x" * 125, "x" * 126, "ü" * 63, "y" * 65535, "z" * 65536, '{"text":"hello 👋 <b>"}'):
        client.receive_data(text_frame(text))
        received = "".join(e.data for e in client.events() if isinstance(e, TextMessage))
        assert received == text


def test_one_string_is_framed_once_and_another_equal_one_gets_its_own():
    text = '{"type":"message.created","seq":1}'
    first = wire_bytes(text)
    assert wire_bytes(text) is first
    twin = "".join(['{"type":"message.created",', '"seq":1}'])
    assert twin == text and twin is not text
    assert wire_bytes(twin) == first and wire_bytes(twin) is not first
