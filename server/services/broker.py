"""Fan-out between server processes: events published in a transaction reach every process once committed.

The PostgreSQL broker uses LISTEN/NOTIFY: a NOTIFY issued inside the transaction that stored a message is
delivered only if, and when, that transaction commits, in commit order. Payloads carry ids only (NOTIFY is
capped at 8000 bytes); each process loads what it needs. Another broker (Redis pub/sub) can stand in for it by
implementing the same three methods, publishing after commit.
"""

from __future__ import annotations

import json
import logging
import select
import threading
import time
from collections.abc import Callable
from typing import Protocol

import psycopg2
import psycopg2.extensions

log = logging.getLogger(__name__)

EventHandler = Callable[[list[dict]], None]


class Broker(Protocol):
    def publish(self, cur, event: dict) -> None:
        """Queue ``event`` (ids only) for every process, delivered when the cursor's transaction commits."""

    def start(self, on_events: EventHandler, on_gap: Callable[[], None]) -> None:
        """Deliver events from now on; returns once listening. ``on_gap`` runs when some may be lost."""

    def stop(self) -> None: ...


class PostgresBroker:
    channel = "chatidk_events"

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._started = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def publish(self, cur, event: dict) -> None:
        # Deferred to travel with COMMIT; PostgreSQL delivers it only if that commit succeeds.
        cur.defer("SELECT pg_notify(%s, %s)", (self.channel, json.dumps(event, separators=(",", ":"))))

    def start(self, on_events: EventHandler, on_gap: Callable[[], None]) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, args=(on_events, on_gap), name="broker-listener", daemon=True
                )
                self._thread.start()
        if not self._started.wait(timeout=30):
            raise RuntimeError("could not LISTEN for events within 30 s")

    def stop(self) -> None:
        self._stopping.set()

    def _run(self, on_events: EventHandler, on_gap: Callable[[], None]) -> None:
        backoff = 0.1
        first = True
        while not self._stopping.is_set():
            try:
                conn = psycopg2.connect(self._url)
                conn.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
                with conn.cursor() as cur:
                    cur.execute(f"LISTEN {self.channel}")
                if not first:
                    on_gap()  # events committed while we were not listening are lost to this process
                first = False
                backoff = 0.1
                self._started.set()
                self._listen(conn, on_events)
            except Exception:
                log.exception("event listener lost its database connection; reconnecting")
                time.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    def _listen(self, conn, on_events: EventHandler) -> None:
        try:
            while not self._stopping.is_set():
                ready, _, _ = select.select([conn], [], [], 5.0)
                conn.poll()
                if not ready and not conn.notifies:
                    continue
                batch = []
                while conn.notifies:
                    note = conn.notifies.pop(0)
                    try:
                        batch.append(json.loads(note.payload))
                    except ValueError:
                        log.error("dropping unreadable event payload %r", note.payload[:200])
                if batch:
                    try:
                        on_events(batch)
                    except Exception:
                        log.exception("event dispatch failed")
        finally:
            conn.close()
