"""How the socket reads a client's frame: a send frame parsed once by its model, every other frame as JSON."""

from __future__ import annotations

import json
import uuid

from pydantic import ValidationError

from server.api.events import SocketSend, _parse_frame


def test_a_send_frame_comes_back_checked():
    client_id = uuid.uuid4()
    frame = _parse_frame(
        json.dumps({"type": "send", "conversation_id": 7, "client_id": str(client_id), "text": "hi"})
    )
    assert isinstance(frame, SocketSend)
    assert (frame.conversation_id, frame.client_id, frame.text) == (7, client_id, "hi")


def test_a_send_spelt_with_escapes_is_a_send_all_the_same():
    frame = json.dumps({"type": "send", "conversation_id": 7, "client_id": str(uuid.uuid4()), "text": "hi"})
    data = frame.replace('"send"', '"\\u0073end"')
    assert '"send"' not in data
    assert isinstance(_parse_frame(data), SocketSend)


def test_a_bad_send_frame_comes_back_with_its_refusal():
    refusal = _parse_frame(json.dumps({"type": "send", "conversation_id": 7, "client_id": "nope"}))
    assert isinstance(refusal, ValidationError)
    assert refusal.errors()[0]["loc"] == ("client_id",)
    escaped = _parse_frame('{"type": "\\u0073end", "conversation_id": "7", "client_id": "nope"}')
    assert isinstance(escaped, ValidationError)


def test_other_frames_are_json_objects_even_when_they_say_send():
    typing = {"type": "typing", "conversation_id": 7, "note": "send"}
    assert _parse_frame(json.dumps(typing)) == typing
    assert _parse_frame(json.dumps({"type": "ping"})) == {"type": "ping"}


def test_what_is_not_a_json_object_is_nothing():
    assert _parse_frame("not json") is None
    assert _parse_frame('"send"') is None
    assert _parse_frame('["send"]') is None
    assert _parse_frame("[1, 2]") is None
