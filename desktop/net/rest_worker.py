"""Runs REST calls on a worker thread and hands results back to the UI thread as signals."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal, Slot

from desktop.net.api import ApiClient
from desktop.net.http import SessionRefused
from desktop.net.worker_thread import SignalGate, join_until

log = logging.getLogger(__name__)

Operation = Callable[[ApiClient], Any]
OnDone = Callable[[Any], None] | None
OnError = Callable[[Exception], None] | None


def refusal_ends_session(on_error: OnError, on_refused: Callable[[], None]) -> Callable[[Exception], None]:
    """The one place where "401 means the session ended": a signed-in call the server refused for its token
    (SessionRefused) goes to ``on_refused``, which ends the session, and is no error of the caller's."""

    def failed(error: Exception) -> None:
        if isinstance(error, SessionRefused):
            on_refused()
        elif on_error is not None:
            on_error(error)
        else:
            log.warning("a server call failed: %s", error)

    return failed


@dataclass
class _Job:
    operation: Operation
    on_done: OnDone
    on_error: OnError


class _Outcomes(QObject):
    """Emitted on the worker thread, delivered queued to the dispatcher. Signals: finished(job, result),
    failed(job, error)."""

    finished = Signal(object, object)
    failed = Signal(object, object)


class RestDispatcher(QObject):
    """The transport the controllers use: ``call(lambda api: api.me(), on_done, on_error)``.

    Callbacks run on the UI thread; calls run one at a time, in order, on a thread of their own (see
    desktop/net/worker_thread.py for why it is not a QThread). Signals: busy_changed(bool)."""

    busy_changed = Signal(bool)

    def __init__(self, api: ApiClient, parent: QObject | None = None, name: str = "chatidk-rest") -> None:
        super().__init__(parent)
        self._api = api
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._gate = SignalGate()
        self._outcomes = _Outcomes()
        self._outcomes.finished.connect(self._on_finished)
        self._outcomes.failed.connect(self._on_failed)
        self._in_flight = 0
        self._closed = False
        self._finish_queued = False
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    def _work(self) -> None:
        """The worker thread: one call after another until closed; a call already running when the
        dispatcher closes finishes (or times out) here, and its answer goes nowhere."""
        try:
            while (job := self._jobs.get()) is not None and (self._gate.is_open or self._finish_queued):
                try:
                    result = job.operation(self._api)
                except Exception as error:  # every failure goes back to the caller, none kills the thread
                    self._gate.emit(self._outcomes.failed, job, error)
                else:
                    self._gate.emit(self._outcomes.finished, job, result)
        finally:
            self._api.close()

    def call(self, operation: Operation, on_done: OnDone = None, on_error: OnError = None) -> None:
        if self._closed:
            return
        self._in_flight += 1
        if self._in_flight == 1:
            self.busy_changed.emit(True)
        self._jobs.put(_Job(operation, on_done, on_error))

    def _settle(self) -> None:
        self._in_flight -= 1
        if self._in_flight == 0:
            self.busy_changed.emit(False)

    @Slot(object, object)
    def _on_finished(self, job: _Job, result: Any) -> None:
        self._settle()
        if job.on_done is not None and not self._closed:
            job.on_done(result)

    @Slot(object, object)
    def _on_failed(self, job: _Job, error: Exception) -> None:
        self._settle()
        if self._closed:
            return
        if job.on_error is not None:
            job.on_error(error)
        else:
            log.warning("a server call failed: %s", error)

    @property
    def idle(self) -> bool:
        return self._in_flight == 0

    def close(self, *, finish_queued: bool = False) -> None:
        """Stop without waiting: no new call and no answer any more; calls not yet started are dropped,
        or still made with ``finish_queued`` (a sign-out's token revocation just before quitting)."""
        if self._closed:
            return
        self._finish_queued = finish_queued
        self._closed = True
        self._gate.close()
        self._jobs.put(None)

    def shutdown(self, deadline: float | None = None, *, finish_queued: bool = False) -> bool:
        """``close()``, then wait for the thread until ``deadline`` (time.monotonic(); two seconds from now
        when None). A call to a server that does not answer is not waited out: False, and the thread is
        left to end with it (and with the calls queued behind it, if they are to be finished)."""
        self.close(finish_queued=finish_queued)
        return join_until(self._thread, deadline)


class Rest(Protocol):
    """What controllers call: a RestDispatcher, a ScopedRest over one, or a test's stand-in."""

    def call(self, operation: Operation, on_done: OnDone = None, on_error: OnError = None) -> None: ...


class ScopedRest:
    """One signed-in session's view of a dispatcher. Its callbacks stop once ``close()`` is called: a
    signed-out session's late answers must not reach its closed cache (the dispatcher itself outlives it,
    for the next sign-in). A call refused for the token ends the session through ``on_refused``."""

    def __init__(self, rest: Rest, on_refused: Callable[[], None]) -> None:
        self._rest = rest
        self._on_refused = on_refused
        self.closed = False

    def call(self, operation: Operation, on_done: OnDone = None, on_error: OnError = None) -> None:
        if self.closed:
            return

        def done(result: Any) -> None:
            if not self.closed and on_done is not None:
                on_done(result)

        failed = refusal_ends_session(on_error, self._on_refused)
        self._rest.call(operation, done, lambda error: None if self.closed else failed(error))

    def close(self) -> None:
        self.closed = True
