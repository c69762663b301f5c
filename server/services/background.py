"""Work done after the answer, in order, by one background worker per process (a greenlet under gevent).

Used where the answer must not depend on what the work finds: a password-reset request is answered at once
and looked up here, so its timing cannot tell whether the account exists.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from server.errors import TooManyRequests

log = logging.getLogger(__name__)

QUEUE_LIMIT = 1000


class JobQueue:
    """A bounded FIFO of jobs and the worker that runs them; the worker starts with the first job."""

    def __init__(self, limit: int = QUEUE_LIMIT) -> None:
        self._jobs: queue.Queue[tuple[Callable[..., None], tuple] | None] = queue.Queue(maxsize=limit)
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, job: Callable[..., None], *args: object) -> None:
        """Queue ``job(*args)``; 429 when the queue is full (the same for every caller: it tells nothing)."""
        self._start()
        try:
            self._jobs.put_nowait((job, args))
        except queue.Full:
            raise TooManyRequests("the server is busy; try again in a minute", retry_after=60) from None

    def _start(self) -> None:
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="background-jobs", daemon=True)
                self._worker.start()

    def _run(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job, args = item
            try:
                job(*args)
            except Exception:
                log.exception("background job %s failed", getattr(job, "__name__", job))
            finally:
                self._jobs.task_done()

    def drain(self, timeout: float = 30) -> bool:
        """Wait until every queued job has run (tests, shutdown); False if that took over ``timeout`` s."""
        done = threading.Event()

        def wait() -> None:
            self._jobs.join()
            done.set()

        threading.Thread(target=wait, daemon=True).start()
        return done.wait(timeout)


jobs = JobQueue()
