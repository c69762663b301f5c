"""The server's own reader of client frames: what a real client library sends reads back as sent, however the
bytes arrive, and every frame RFC 6455 forbids a client closes the socket with the code it names."""

from __future__ import annotations

import os
import struct

import pytest
from wsproto.events import BytesMessage, CloseConnection, Ping, Pong, TextMessage
from wsproto.frame_protocol import XorMaskerSimple

from server.api.socket_reader import (
    BINARY,
    CLOSE,
    INVALID_DATA,
    NO_STATUS,
    PING,
    PONG,
    PROTOCOL_ERROR,
    TEXT,
    TOO_BIG,
    FrameReader,
    ProtocolViolation,
    Received,
    unmask,
)
from tests.support.ws_reader import client_reading

LIMIT = 64 * 1024


def frame(
    opcode: int, payload: bytes, *, fin: bool = True, masked: bool = True, first: int | None = None
) -> bytes:
    """One hand-made client frame (for what no client library would send)."""
    head = first if first is not None else (0x80 if fin else 0) | opcode
    key = b"\x01\x02\x03\x04"
    n = len(payload)
    mask_bit = 0x80 if masked else 0
    if n < 126:
        header = struct.pack("!BB", head, mask_bit | n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", head, mask_bit | 126, n)
    else:
        header = struct.pack("!BBQ", head, mask_bit | 127, n)
    return header + (key + unmask(payload, key) if masked else payload)


def refusal(data: bytes, limit: int | None = LIMIT) -> ProtocolViolation:
    with pytest.raises(ProtocolViolation) as caught:
        FrameReader(limit).feed(data)
    return caught.value


def test_text_of_each_length_class_reads_back_as_sent():
    c, reader = client_reading(), FrameReader(LIMIT)
    for text in ("", "x" * 125, "x" * 126, "ü" * 63, "y" * 65535, '{"type":"send","text":"hi 👋 <b>"}'):
        assert reader.feed(c.send(TextMessage(data=text))) == [Received(TEXT, text)]


def test_bytes_split_anywhere_or_run_together_read_the_same():
    c = client_reading()
    wire = b"".join(c.send(TextMessage(data=t)) for t in ("one", "ü" * 200, "three" * 40))
    expected = [Received(TEXT, t) for t in ("one", "ü" * 200, "three" * 40)]
    assert FrameReader(LIMIT).feed(wire) == expected
    reader = FrameReader(LIMIT)
    byte_by_byte = [m for i in range(len(wire)) for m in reader.feed(wire[i : i + 1])]
    assert byte_by_byte == expected


def test_a_fragmented_message_is_whole_and_a_ping_between_its_fragments_comes_first():
    c = client_reading()
    wire = (
        c.send(TextMessage(data='{"type":"se', message_finished=False))
        + c.send(Ping(payload=b"are you there"))
        + c.send(TextMessage(data='nd","text":"ü', message_finished=False))
        + c.send(TextMessage(data='"}'))
    )
    assert FrameReader(LIMIT).feed(wire) == [
        Received(PING, payload=b"are you there"),
        Received(TEXT, '{"type":"send","text":"ü"}'),
    ]


def test_a_character_split_between_fragments_is_still_text():
    encoded = "ü".encode()
    wire = frame(TEXT, encoded[:1], fin=False) + frame(0, encoded[1:])
    assert FrameReader(LIMIT).feed(wire) == [Received(TEXT, "ü")]


def test_binary_pong_and_close_messages():
    c = client_reading()
    wire = (
        c.send(BytesMessage(data=b"\x00\xff"))
        + c.send(Pong(payload=b"p"))
        + c.send(CloseConnection(1000, "bye"))
    )
    assert FrameReader(LIMIT).feed(wire) == [
        Received(BINARY, b"\x00\xff"),
        Received(PONG, payload=b"p"),
        Received(CLOSE, code=1000, reason="bye"),
    ]


def test_a_close_without_a_code_and_nothing_read_after_a_close():
    wire = frame(CLOSE, b"") + frame(TEXT, b"after")
    assert FrameReader(LIMIT).feed(wire) == [Received(CLOSE, code=NO_STATUS)]


def test_unmask_matches_the_websocket_librarys_own():
    for size in (0, 1, 3, 4, 5, 1000, 65536):
        data, key = os.urandom(size), os.urandom(4)
        assert unmask(data, key) == bytes(XorMaskerSimple(key).process(bytearray(data)))


@pytest.mark.parametrize(
    ("wire", "code"),
    [
        (frame(TEXT, b"hello", masked=False), PROTOCOL_ERROR),  # a client must mask
        (frame(TEXT, b"hello", first=0x80 | 0x40 | TEXT), PROTOCOL_ERROR),  # RSV1: no extension negotiated
        (frame(0x3, b"x"), PROTOCOL_ERROR),  # reserved opcode
        (frame(PING, b"x", fin=False), PROTOCOL_ERROR),  # a fragmented control frame
        (frame(PING, b"x" * 126), PROTOCOL_ERROR),  # a control frame over 125 bytes
        (frame(0, b"orphan"), PROTOCOL_ERROR),  # a continuation with nothing to continue
        (frame(TEXT, b"a", fin=False) + frame(TEXT, b"b"), PROTOCOL_ERROR),  # a new message mid-message
        (frame(TEXT, b"\xff\xfe"), INVALID_DATA),  # text that is not UTF-8
        (frame(CLOSE, b"\x03"), PROTOCOL_ERROR),  # half a close code
        (frame(CLOSE, struct.pack("!H", 1005)), PROTOCOL_ERROR),  # a code only for local use
        (frame(CLOSE, struct.pack("!H", 999)), PROTOCOL_ERROR),
        (frame(CLOSE, struct.pack("!H", 2000)), PROTOCOL_ERROR),  # reserved range
        (frame(CLOSE, struct.pack("!H", 5000)), PROTOCOL_ERROR),
        (frame(CLOSE, struct.pack("!H", 1000) + b"\xff"), INVALID_DATA),  # a reason that is not UTF-8
        (struct.pack("!BBQ", 0x81, 0x80 | 127, 1 << 63), PROTOCOL_ERROR),  # a length with its top bit set
    ],
)
def test_each_forbidden_frame_closes_with_its_code(wire, code):
    assert refusal(wire).code == code


def test_a_message_past_the_limit_is_refused_from_its_header_alone():
    header_only = struct.pack("!BBQ", 0x81, 0x80 | 127, 10 * 1024 * 1024 * 1024)
    assert refusal(header_only).code == TOO_BIG  # no payload waited for, none buffered


def test_fragments_count_together_against_the_limit():
    half = b"x" * (LIMIT // 2)
    assert FrameReader(LIMIT).feed(frame(TEXT, half, fin=False) + frame(0, half)) == [
        Received(TEXT, (half + half).decode())
    ]
    assert (
        refusal(frame(TEXT, half, fin=False) + frame(0, half) + frame(0, b"x", fin=True)).code
        == PROTOCOL_ERROR
    )
    over = frame(TEXT, half, fin=False) + frame(0, half, fin=False) + frame(0, b"x")
    assert refusal(over).code == TOO_BIG


def test_a_frame_with_its_header_still_coming_waits_for_it():
    reader = FrameReader(LIMIT)
    wire = frame(TEXT, b"x" * 300)  # a 2-byte extended length
    assert reader.feed(wire[:3]) == []
    assert reader.feed(wire[3:]) == [Received(TEXT, "x" * 300)]


def test_empty_fragments_add_nothing_and_hold_nothing():
    reader = FrameReader(LIMIT)
    assert reader.feed(frame(TEXT, b"abc", fin=False) + frame(0, b"", fin=False) * 1000) == []
    assert len(reader._parts) == 1  # the thousand empty fragments took no room
    assert reader.feed(frame(0, b"")) == [Received(TEXT, "abc")]
    assert FrameReader(LIMIT).feed(frame(TEXT, b"", fin=False) + frame(0, b"")) == [Received(TEXT, "")]
