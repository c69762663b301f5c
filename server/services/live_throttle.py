"""How many typing and presence frames a client may send: a token bucket per socket and one per user in this
process. What exceeds either is dropped, never queued: those frames are moments, and a late one is wrong."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from server.config import Config

_PRUNE_ABOVE = 10_000  # users whose bucket is kept; beyond it the full ones (same as new) are forgotten
USER_SOCKETS = 2  # a user's sockets together get this many sockets' budget (typing on a phone and a desktop)


class TokenBucket:
    """``burst`` tokens at most, refilled at ``per_second``; each allowed frame takes one."""

    def __init__(self, burst: int, now: float) -> None:
        self.tokens = float(burst)
        self.at = now

    def refill(self, burst: int, per_second: float, now: float) -> float:
        self.tokens = min(float(burst), self.tokens + (now - self.at) * per_second)
        self.at = now
        return self.tokens


class ChatterThrottle:
    """The typing and presence frames of every socket of this process (``allow`` is safe from any thread).

    Per socket, so one socket cannot spend what its owner's other devices need; per user (USER_SOCKETS
    times a socket's), so opening more sockets does not buy more frames.
    """

    def __init__(self, config: Callable[[], Config], clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._clock = clock
        self._sockets: dict[int, TokenBucket] = {}  # by id() of the Connection
        self._users: dict[int, TokenBucket] = {}
        self._lock = threading.Lock()

    def allow(self, socket_key: int, user_id: int) -> bool:
        """Whether a frame may go through now; takes a token from both buckets only when both have one."""
        config = self._config()
        burst, per_second = config.live_frames_burst, config.live_frames_per_minute / 60.0
        if burst <= 0:
            return True
        now = self._clock()
        user_burst, user_per_second = burst * USER_SOCKETS, per_second * USER_SOCKETS
        with self._lock:
            mine = self._sockets.setdefault(socket_key, TokenBucket(burst, now))
            theirs = self._users.setdefault(user_id, TokenBucket(user_burst, now))
            if mine.refill(burst, per_second, now) < 1 or theirs.refill(user_burst, user_per_second, now) < 1:
                return False
            mine.tokens -= 1
            theirs.tokens -= 1
            if len(self._users) > _PRUNE_ABOVE:
                self._prune(user_burst, user_per_second, now)
            return True

    def socket_closed(self, socket_key: int) -> None:
        with self._lock:
            self._sockets.pop(socket_key, None)

    def _prune(self, burst: int, per_second: float, now: float) -> None:
        self._users = {u: b for u, b in self._users.items() if b.refill(burst, per_second, now) < burst}
