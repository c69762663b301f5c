"""Runs REST calls on a worker QThread and hands results back to the UI thread as signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.net.api import ApiClient

log = logging.getLogger(__name__)

Operation = Callable[[ApiClient], Any]


@dataclass
class _Job:
    operation: Operation
    on_done: Callable[[Any], None] | None
    on_error: Callable[[Exception], None] | None


class _RestWorker(QObject):
    """Lives on the worker thread. Signals: finished(job, result), failed(job, error)."""

    finished = Signal(object, object)
    failed = Signal(object, object)

    def __init__(self, api: ApiClient) -> None:
        super().__init__()
        self.api = api

    @Slot(object)
    def run(self, job: _Job) -> None:
        try:
            result = job.operation(self.api)
        except Exception as error:  # every failure goes back to the caller, none kills the thread
            self.failed.emit(job, error)
        else:
            self.finished.emit(job, result)


class RestDispatcher(QObject):
    """The transport the controllers use: ``call(lambda api: api.me(), on_done, on_error)``.

    Callbacks run on the UI thread; calls run one at a time, in order. Signals: busy_changed(bool)."""

    busy_changed = Signal(bool)
    _submit = Signal(object)

    def __init__(self, api: ApiClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("chatidk-rest")
        self._worker = _RestWorker(api)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.run)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._in_flight = 0
        self._closed = False
        self._thread.start()

    def call(
        self,
        operation: Operation,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        if self._closed:
            return
        self._in_flight += 1
        if self._in_flight == 1:
            self.busy_changed.emit(True)
        self._submit.emit(_Job(operation, on_done, on_error))

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

    def shutdown(self) -> None:
        """quit() then wait(): the call in progress finishes (bounded by the request timeouts)."""
        self._closed = True
        self._thread.quit()
        self._thread.wait()
        self._worker.api.close()


class ScopedRest:
    """A view of a dispatcher whose callbacks stop once ``close()`` is called: a signed-out session's late
    answers must not reach its closed cache (the dispatcher itself outlives it, for the next sign-in)."""

    def __init__(self, rest) -> None:
        self._rest = rest
        self.closed = False

    def call(self, operation: Operation, on_done=None, on_error=None) -> None:
        if self.closed:
            return

        def done(result: Any) -> None:
            if not self.closed and on_done is not None:
                on_done(result)

        def failed(error: Exception) -> None:
            if self.closed:
                return
            if on_error is not None:
                on_error(error)
            else:
                log.warning("a server call failed: %s", error)

        self._rest.call(operation, done, failed)

    def close(self) -> None:
        self.closed = True
