"""Housekeeping that requests trigger now and then: at most once every so many seconds per process."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Schedule:
    """``due()`` is True at most once every ``seconds`` (the first call included), for whichever caller
    asks first; the others go on with their request."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: float | None = None
        self._lock = threading.Lock()

    def due(self) -> bool:
        now = self._clock()
        with self._lock:
            if self._last is not None and now - self._last < self.seconds:
                return False
            self._last = now
            return True
