"""Fan-out between processes through Redis pub/sub (``CHATIDK_REDIS_URL``), for deployments whose processes
outgrow one PostgreSQL's NOTIFY; PostgreSQL stays the only store, Redis carries ids and keeps nothing.

Each transaction's events go out as one PUBLISH (a JSON list) after its COMMIT, so a rolled-back
transaction publishes nothing. Redis delivers in the order it received the PUBLISHes, which across
processes need not be commit order; clients fill a seq gap by catching up (docs/protocol.md), as they do
after any reconnect.

Pub/sub keeps nothing for a subscriber that is away, so the subscription is watched like the LISTEN
connection is (server/db/listener.py): a quiet one is pinged every ``probe_every`` seconds and declared dead
if nothing answers within ``probe_timeout``; a broken or restarted Redis breaks it at once. Either way the
broker calls ``on_gap`` (every socket of the process closed with 1012) and subscribes again. redis-py never
reconnects on its own here (no retries on the subscriber), and a second subscribe confirmation, the sign of
a silent resubscription, counts as a gap too. redis-py is pure Python over the standard socket module, so
under gunicorn's gevent worker (which patches it) every wait yields to the other greenlets.
"""

from __future__ import annotations

import json
import logging
import os
import time

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from server.db import Cursor
from server.db.listener import ListenerGone
from server.services.broker import (
    PROBE_EVERY_SECONDS,
    PROBE_TIMEOUT_SECONDS,
    EventListener,
    ListeningBroker,
)

log = logging.getLogger(__name__)

APPLICATION_NAME = "chatidk-listener"
PUBLISH_TIMEOUT_SECONDS = 5.0  # a hung Redis holds a send's answer back at most about twice this


class RedisBroker(ListeningBroker):
    def __init__(
        self,
        redis_url: str,
        *,
        probe_every: float = PROBE_EVERY_SECONDS,
        probe_timeout: float = PROBE_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__()
        self._url = redis_url
        self._probe_every = probe_every
        self._probe_timeout = probe_timeout
        # One retry on a fresh connection: a pooled one is stale after a Redis restart.
        self._publisher = redis.Redis.from_url(
            redis_url,
            socket_connect_timeout=PUBLISH_TIMEOUT_SECONDS,
            socket_timeout=PUBLISH_TIMEOUT_SECONDS,
            socket_keepalive=True,
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[redis.ConnectionError],
        )

    def publish(self, cur: Cursor, event: dict) -> None:
        """Publish ``event`` once the cursor's transaction commits, with the transaction's other events."""
        last = cur.committed[-1] if cur.committed else None
        if isinstance(last, _Publication) and last.broker is self:
            last.events.append(event)
        else:
            cur.after_commit(_Publication(self, [event]))

    def send(self, events: list[dict]) -> None:
        """PUBLISH now. A failure is logged, not raised: what it carried is committed and its sender is
        answered; Redis being unreachable breaks the subscriptions too, whose sockets then catch up."""
        try:
            self._publisher.publish(self.channel, json.dumps(events, separators=(",", ":")))
        except redis.RedisError as exc:
            log.error("could not publish %d events to Redis (%s)", len(events), exc)

    def _new_listener(self) -> EventListener:
        return RedisListener(
            self._url, self.channel, probe_every=self._probe_every, probe_timeout=self._probe_timeout
        )


class _Publication:
    """The events of one transaction, published together after its COMMIT."""

    def __init__(self, broker: RedisBroker, events: list[dict]) -> None:
        self.broker = broker
        self.events = events

    def __call__(self) -> None:
        self.broker.send(self.events)


class RedisListener:
    """One SUBSCRIBE connection, with the interface of server/db/listener.py's Listener."""

    def __init__(
        self, url: str, channel: str, *, probe_every: float, probe_timeout: float, connect_timeout: float = 10
    ) -> None:
        self._url = url
        self._channel = channel
        self._probe_every = probe_every
        self._probe_timeout = probe_timeout
        self._connect_timeout = connect_timeout
        self._client: redis.Redis | None = None
        self._pubsub: redis.client.PubSub | None = None
        self._heard = 0.0  # monotonic time Redis last said anything
        self._probed: float | None = None  # when the unanswered ping went out

    def open(self) -> None:
        """Connect and SUBSCRIBE; returns once Redis confirmed the subscription."""
        try:
            self._client = redis.Redis.from_url(
                self._url,
                socket_connect_timeout=self._connect_timeout,
                socket_timeout=self._connect_timeout + self._probe_timeout,
                socket_keepalive=True,
                retry=Retry(NoBackoff(), 0),
                client_name=f"{APPLICATION_NAME}-{os.getpid()}",
            )
            self._pubsub = self._client.pubsub()
            self._pubsub.subscribe(self._channel)
            deadline = time.monotonic() + self._connect_timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ListenerGone(f"no subscribe confirmation within {self._connect_timeout:g} s")
                message = self._pubsub.get_message(timeout=remaining)
                if message is not None and message["type"] == "subscribe":
                    break
            self._heard = time.monotonic()
        except redis.RedisError as exc:
            raise ListenerGone(str(exc).strip() or type(exc).__name__) from exc

    def receive(self) -> list[str]:
        """The payloads that arrived, waiting up to ``probe_every`` seconds; a quiet connection is pinged."""
        pubsub = self._subscription()
        payloads: list[str] = []
        try:
            wait = self._probe_every
            if self._probed is not None:
                wait = max(0.0, self._probed + self._probe_timeout - time.monotonic())
            message = pubsub.get_message(timeout=wait)
            while message is not None:
                self._heard, self._probed = time.monotonic(), None
                kind = message["type"]
                if kind == "message":
                    data = message["data"]
                    payloads.append(data.decode("utf-8") if isinstance(data, bytes) else str(data))
                elif kind == "subscribe":
                    raise ListenerGone("subscribed again after a reconnect: events may be missing")
                message = pubsub.get_message(timeout=0)
            now = time.monotonic()
            if self._probed is not None and now - self._probed >= self._probe_timeout:
                raise ListenerGone(f"no answer to a ping within {self._probe_timeout:g} s")
            if self._probed is None and not payloads and now - self._heard >= self._probe_every:
                pubsub.ping()
                self._probed = now
            return payloads
        except (redis.RedisError, OSError, ValueError) as exc:
            raise ListenerGone(str(exc).strip() or type(exc).__name__) from exc

    def close(self) -> None:
        if self._pubsub is not None:
            self._pubsub.close()
            self._pubsub = None
        if self._client is not None:
            self._client.close()
            self._client = None

    def _subscription(self) -> redis.client.PubSub:
        if self._pubsub is None:
            raise ListenerGone("not subscribed")
        return self._pubsub
