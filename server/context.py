"""What the services need from the running app: settings, database, broker, file store, and the live hub.

A leaf of the import graph: the hub is named by the protocol its callers use (the WebSocket route, the
tests), so that the hub and the services it calls (presence) can take an ``AppContext`` without a cycle.
One is built per process by the app factory (``server.build_context``); the api layer reaches it through
``server.api.context.ctx()``. Everything that lives as long as the process lives here, not in module globals.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from server.config import Config
from server.db import Database
from server.files.store import FileStore
from server.services.broker import Broker
from server.services.group_commit import GroupCommit
from server.services.live_sockets import Connection
from server.services.preview_slots import PreviewSlots
from server.services.schedule import Schedule
from server.services.session_cache import SessionCache

if TYPE_CHECKING:
    from server.services.send_batch import Outcome, SendRequest


class LiveHub(Protocol):
    """The sockets of this process (server/services/live.py)."""

    def connect(self, user_id: int, session_id: int) -> Connection: ...

    def disconnect(self, conn: Connection) -> None: ...

    def client_frame(self, conn: Connection, frame: dict) -> None: ...

    def going_away(self) -> int: ...

    def stop(self) -> None: ...


@dataclass
class AppContext:
    config: Config
    db: Database
    broker: Broker
    store: FileStore
    preview_slots: PreviewSlots
    purge_schedule: Schedule  # unsent uploads and leftover bytes (services/file_purge.py)
    prune_schedule: Schedule  # spent throttle counts, expired sessions (services/accounts.housekeeping)
    # Wall-clock Unix time for what the server computes itself (TOTP time steps, sign-in challenge
    # expiry); tests move it instead of sleeping.
    clock: Callable[[], float] = time.time
    hub: LiveHub = field(init=False)  # built from this context, then set by build_context
    sends: GroupCommit[SendRequest, Outcome] = field(init=False)  # the group commit of sends (send_batch.py)
    session_cache: SessionCache = field(init=False)  # tokens authenticated lately (session_cache.py)
