"""How many previews one worker process makes at once; the others wait their turn, in order."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator


class PreviewSlots:
    """A preview may cost hundreds of megabytes (an image just under the pixel cap, decoded whole) and seconds
    of CPU, so uploads arriving together queue here instead of multiplying that (CHATIDK_PREVIEW_JOBS).
    ``running`` and ``waiting`` are for the log and the tests.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self.running = 0
        self.waiting = 0

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            self.waiting += 1
        self._slots.acquire()
        with self._lock:
            self.waiting -= 1
            self.running += 1
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1
            self._slots.release()
