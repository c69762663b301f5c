"""The WebSocket that pushes live events (docs/protocol.md, "WebSocket: live events")."""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from typing import Literal

from flask import g, request
from flask_sock import ConnectionClosed, Sock
from pydantic import ValidationError

from server.api.context import ctx
from server.api.routing import ENDPOINTS, Endpoint, authenticate_request, blueprint, describe_error
from server.api.schemas import Id, SendMessage
from server.api.socket_lock import write_lock
from server.api.socket_writer import BATCH_FRAMES, write_frames
from server.context import AppContext
from server.errors import ApiError, InvalidField, TooManyRequests
from server.services import messages, presence
from server.services.live import Connection
from server.services.live_sockets import encode_frame

CLOSE_TOO_MANY_SOCKETS = 4429


class SocketSend(SendMessage):
    """``{"type": "send", "conversation_id", "client_id", "text"}`` on the socket."""

    type: Literal["send"]
    conversation_id: Id


log = logging.getLogger(__name__)
sock = Sock()
bp = blueprint("events", __name__)


@bp.before_request
def _authenticate_before_upgrade() -> None:
    """A bad token gets a plain 401 before the upgrade, not an open socket that closes at once; a session
    or account at its cap of sockets a plain 429 with Retry-After."""
    authenticate_request()
    presence.check_socket_room(ctx(), g.user_id, g.session_id)
    if not ctx().config.ws_deflate:
        # Without the client's offer the upgrade negotiates no permessage-deflate: each event is then
        # framed once for all its recipients (services/wire_frames.py) instead of compressed per socket.
        request.environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)


def _send_message(
    app: AppContext, conn: Connection, data: str, parsed: SocketSend | ValidationError | None = None
) -> None:
    """A send over the socket: the same rules and idempotency as POST …/messages, answered with an ack frame.

    It spares a client that already holds a socket an HTTP request and a token lookup per message.
    ``parsed``: what :func:`_parse_frame` made of ``data`` (parsed here when not given).
    """
    frame = _parse_frame(data) if parsed is None else parsed
    ack: dict = {"type": "ack"}
    try:
        if isinstance(frame, ValidationError):
            raise frame
        if not isinstance(frame, SocketSend):
            raise InvalidField("type: must be send", field="type")
        ack["client_id"] = str(frame.client_id)
        if frame.text is None and not frame.file_ids:
            raise InvalidField("text: is required unless file_ids names a file", field="text")
        message, created = messages.send(
            app,
            conn.user_id,
            frame.conversation_id,
            frame.client_id,
            frame.text,
            frame.file_ids,
            frame.reply_to_seq,
        )
        ack.update(status=201 if created else 200, message=message)
    except ValidationError as exc:
        text, field = describe_error(exc.errors()[0])
        ack.update(status=400, error=InvalidField(text, field=field).body()["error"])
    except ApiError as exc:
        ack.update(status=exc.status, error=exc.body()["error"])
    if "client_id" not in ack:
        with contextlib.suppress(ValueError, TypeError, AttributeError):
            ack["client_id"] = json.loads(data).get("client_id")
    conn.push(encode_frame(ack))


def _parse_frame(data: str) -> SocketSend | ValidationError | dict | None:
    """A client frame: a checked send frame, why a send frame is not valid, another frame's JSON object,
    or None (not a JSON object).

    A send frame is parsed once, by its model: a frame that names "send" is tried as one first, and only
    what fails is parsed again to tell a bad send from another frame (or from a send spelt with escapes).
    """
    refusal: ValidationError | None = None
    if '"send"' in data:
        try:
            return SocketSend.model_validate_json(data, strict=True)
        except ValidationError as exc:
            refusal = exc
    try:
        frame = json.loads(data)
    except ValueError:
        return None
    if not isinstance(frame, dict):
        return None
    if frame.get("type") != "send":
        return frame
    if refusal is not None:
        return refusal
    try:
        return SocketSend.model_validate_json(data, strict=True)
    except ValidationError as exc:
        return exc


def _read_client_frames(ws, app: AppContext, conn: Connection) -> None:
    """Handle what the client says (sends, typing, idle, ping); notice it leaving. Runs beside the sender."""
    try:
        while True:
            data = ws.receive()
            if data is None:
                break
            frame = _parse_frame(data)
            if isinstance(frame, dict):
                app.hub.client_frame(conn, frame)
            elif frame is not None:
                _send_message(app, conn, data, frame)
    except ConnectionClosed:
        pass
    except Exception:
        log.exception("reading from a socket failed")
    conn.close()


@sock.route("/events", bp=bp)
def events(ws) -> None:
    app = ctx()
    hub = app.hub
    try:
        conn = hub.connect(g.user_id, g.session_id)
    except TooManyRequests as exc:
        # Opened together with others past the check before the upgrade: the count under the lock says no.
        with write_lock(ws):
            ws.close(reason=CLOSE_TOO_MANY_SOCKETS, message=str(exc)[:120])
        return
    try:
        reader = threading.Thread(
            target=_read_client_frames, args=(ws, app, conn), daemon=True, name="ws-reader"
        )
        reader.start()
        with write_lock(ws):
            ws.send(json.dumps({"type": "hello", "user_id": g.user_id, "session_id": g.session_id}))
        batch = BATCH_FRAMES if app.config.ws_batch_writes else 1
        write_frames(ws, conn, framed_once=not app.config.ws_deflate, batch=batch)
        if conn.close_code is not None and conn.close_code != 1000:
            with write_lock(ws):
                ws.close(reason=conn.close_code, message="session revoked" if conn.close_code == 4401 else "")
    except ConnectionClosed:
        pass
    finally:
        hub.disconnect(conn)


ENDPOINTS.append(
    Endpoint(
        path=f"{bp.url_prefix}/events",
        method="get",
        summary="Live events over a WebSocket (upgrade with the bearer token; see docs/protocol.md)",
        tag="events",
        auth=True,
        body=None,
        query=None,
        responses={101: None},
        errors=(401, 429),
    )
)
