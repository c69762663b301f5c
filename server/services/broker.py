"""Fan-out between server processes: events published in a transaction reach every process once committed.

The PostgreSQL broker uses LISTEN/NOTIFY: a NOTIFY issued inside the transaction that stored a message is
delivered only if, and when, that transaction commits, in commit order. Payloads carry ids, and the frames
of new messages as far as NOTIFY's 8000 bytes allow (server/services/events.py); each process loads the
rest of what it needs. The Redis broker (server/services/broker_redis.py,
``CHATIDK_REDIS_URL``) implements the same three methods, publishing after the commit.

A subscription that breaks loses the events committed until it is back, so the moment the listener finds it
dead (server/db/listener.py: within seconds, even for a silent network cut) it calls ``on_gap``, which closes
every socket of the process with 1012, and reconnects with backoff.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Protocol

from server.db import Cursor
from server.db.listener import Listener, ListenerGone, notify_txn

log = logging.getLogger(__name__)

EventHandler = Callable[[list[dict]], None]

PROBE_EVERY_SECONDS = 5.0  # a LISTEN connection quiet this long is asked whether it is still there…
PROBE_TIMEOUT_SECONDS = 5.0  # …and declared dead if it does not answer within this
_BACKOFF_FIRST, _BACKOFF_MAX = 0.1, 5.0


class Broker(Protocol):
    def publish(self, cur: Cursor, event: dict) -> None:
        """Queue ``event`` (services/events.py) for every process, delivered when the cursor's transaction
        commits."""

    def start(self, on_events: EventHandler, on_gap: Callable[[], None]) -> None:
        """Deliver events from now on; returns once listening. ``on_gap`` runs when some may be lost."""

    def stop(self) -> None: ...


class EventListener(Protocol):
    """One subscription: ``open`` once, then ``receive`` until it raises :class:`ListenerGone`; ``close``."""

    def open(self) -> None: ...

    def receive(self) -> list[str]: ...

    def close(self) -> None: ...


class ListeningBroker:
    """What every broker shares: one listening thread that reconnects with backoff and calls ``on_gap``
    whenever its subscription broke, so that no socket stays open while events may be missing."""

    channel = "chatidk_events"

    def __init__(self) -> None:
        self._listening = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def _new_listener(self) -> EventListener:
        raise NotImplementedError

    def start(self, on_events: EventHandler, on_gap: Callable[[], None]) -> None:
        """Start listening (once) and return when this process listens, now or after a reconnect."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, args=(on_events, on_gap), name="broker-listener", daemon=True
                )
                self._thread.start()
        if not self._listening.wait(timeout=30):
            raise RuntimeError("could not listen for events within 30 s")

    def stop(self) -> None:
        self._stopping.set()

    def _run(self, on_events: EventHandler, on_gap: Callable[[], None]) -> None:
        backoff = _BACKOFF_FIRST
        while not self._stopping.is_set():
            listener = self._new_listener()
            try:
                listener.open()
            except ListenerGone as exc:
                listener.close()
                log.warning("cannot listen for events (%s); trying again in %.1f s", exc, backoff)
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)
                continue
            self._listening.set()
            try:
                while not self._stopping.is_set():
                    batch = _parse(listener.receive())
                    backoff = _BACKOFF_FIRST  # it worked for a while: the next loss reconnects at once
                    if batch:
                        _deliver(batch, on_events, on_gap)
            except Exception as exc:  # ListenerGone, or anything unforeseen: never leave this process deaf
                if isinstance(exc, ListenerGone):
                    log.warning("the event listener's connection is gone (%s); reconnecting", exc)
                else:
                    log.exception("the event listener failed; reconnecting")
                # Cleared before on_gap: a socket registered after on_gap's sweep waits for the new LISTEN.
                self._listening.clear()
                _call_safely(on_gap)
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)
            finally:
                listener.close()


class PostgresBroker(ListeningBroker):
    def __init__(
        self,
        database_url: str,
        *,
        probe_every: float = PROBE_EVERY_SECONDS,
        probe_timeout: float = PROBE_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__()
        self._url = database_url
        self._probe_every = probe_every
        self._probe_timeout = probe_timeout

    def publish(self, cur: Cursor, event: dict) -> None:
        notify_txn(cur, self.channel, event)

    def _new_listener(self) -> EventListener:
        return Listener(
            self._url, self.channel, probe_every=self._probe_every, probe_timeout=self._probe_timeout
        )


def _parse(payloads: list[str]) -> list[dict]:
    """Events from payloads of one event (NOTIFY) or of a list of them (one Redis PUBLISH a transaction)."""
    batch: list[dict] = []
    for payload in payloads:
        try:
            loaded = json.loads(payload)
        except ValueError:
            loaded = None
        if isinstance(loaded, dict):
            batch.append(loaded)
        elif isinstance(loaded, list) and all(isinstance(e, dict) for e in loaded):
            batch.extend(loaded)
        else:
            log.error("dropping unreadable event payload %r", payload[:200])
    return batch


def _deliver(batch: list[dict], on_events: EventHandler, on_gap: Callable[[], None]) -> None:
    try:
        on_events(batch)
    except Exception:
        # The handler closes the sockets it could not serve itself; this is the net under it.
        log.exception("event dispatch failed; closing every socket so that clients catch up")
        _call_safely(on_gap)


def _call_safely(on_gap: Callable[[], None]) -> None:
    try:
        on_gap()
    except Exception:  # pragma: no cover - on_gap only closes sockets in memory
        log.exception("closing the sockets after a gap in the events failed")
