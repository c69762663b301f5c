"""The WebSocket that pushes live events (docs/protocol.md, "WebSocket: live events")."""

from __future__ import annotations

import json
import logging
import threading

from flask import g, request
from flask_sock import ConnectionClosed, Sock

from server.api import api
from server.api.routing import ENDPOINTS, Endpoint, authenticate_request
from server.context import ctx
from server.services.live import Connection, Hub

log = logging.getLogger(__name__)
sock = Sock()
_MAX_CLIENT_FRAME = 64 * 1024


@api.before_request
def _authenticate_before_upgrade() -> None:
    """A bad token gets a plain 401 before the upgrade, not an open socket that closes at once."""
    if request.endpoint == "api.events":
        authenticate_request()


def _read_client_frames(ws, hub: Hub, conn: Connection) -> None:
    """Answer application pings and notice the client leaving; runs beside the sender loop."""
    try:
        while True:
            data = ws.receive()
            if data is None:
                break
            try:
                frame = json.loads(data)
            except ValueError:
                continue
            if isinstance(frame, dict):
                hub.client_frame(conn, frame)
    except ConnectionClosed:
        pass
    except Exception:
        log.exception("reading from a socket failed")
    conn.close()


@sock.route("/events", bp=api)
def events(ws) -> None:
    hub = ctx().hub
    conn = hub.connect(g.user_id, g.session_id)
    try:
        reader = threading.Thread(
            target=_read_client_frames, args=(ws, hub, conn), daemon=True, name="ws-reader"
        )
        reader.start()
        ws.send(json.dumps({"type": "hello", "user_id": g.user_id, "session_id": g.session_id}))
        while True:
            frame = conn.frames.get()
            if frame is None or conn.close_code is not None:
                break
            ws.send(frame)
        if conn.close_code is not None and conn.close_code != 1000:
            ws.close(reason=conn.close_code, message="session revoked" if conn.close_code == 4401 else "")
    except ConnectionClosed:
        pass
    finally:
        hub.disconnect(conn)


ENDPOINTS.append(
    Endpoint(
        path="/api/v1/events",
        method="get",
        summary="Live events over a WebSocket (upgrade with the bearer token; see docs/protocol.md)",
        tag="events",
        auth=True,
        body=None,
        query=None,
        responses={101: None},
        errors=(401,),
    )
)
