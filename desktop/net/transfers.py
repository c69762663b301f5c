"""File transfers on worker threads of their own, so a 100 MB upload never holds up a message or a preview.

Three queues, each a RestDispatcher (one worker thread, calls in order) with its own connection pool:
uploads, downloads (save, open, play) and small fetches (thumbnails, profile pictures, deletes)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QObject, Signal

from desktop.net.api import ApiClient
from desktop.net.http import TransferCancelled
from desktop.net.rest_worker import OnDone, OnError, Operation, RestDispatcher, refusal_ends_session
from desktop.net.worker_thread import SignalGate, shutdown_deadline

PROGRESS_INTERVAL = 0.1  # seconds between progress reports of one transfer
Queue = Literal["small", "uploads", "downloads"]


class Transfer:
    """A running upload or download: ``cancel()`` stops it at the next chunk (from any thread)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


class TransferService(QObject):
    """Signals: progress(str key, int done, int total) — emitted on the worker threads, so connect it to a
    QObject's method (queued to the UI thread), never to a lambda; refused() — the server refused the
    session's token (the call's own on_error does not hear of it)."""

    progress = Signal(str, int, int)
    refused = Signal()

    def __init__(self, api: ApiClient, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.uploads = RestDispatcher(api.clone(), self, "chatidk-uploads")
        self.downloads = RestDispatcher(api.clone(), self, "chatidk-downloads")
        self.small = RestDispatcher(api.clone(), self, "chatidk-small-fetches")
        self._running: dict[str, Transfer] = {}
        self._progress_gate = SignalGate()  # progress is emitted on the transfer threads

    def _reporter(self, transfer: Transfer) -> Callable[[int, int], None]:
        last = [0.0]

        def report(done: int, total: int) -> None:
            now = time.monotonic()
            if done >= total or now - last[0] >= PROGRESS_INTERVAL:
                last[0] = now
                self._progress_gate.emit(self.progress, transfer.key, done, total)

        return report

    def _start(
        self,
        queue: RestDispatcher,
        key: str,
        work: Callable[[ApiClient, Transfer], Any],
        on_done: OnDone,
        on_error: OnError,
    ) -> Transfer:
        transfer = Transfer(key)
        self._running[key] = transfer

        def settle(callback, value) -> None:
            if self._running.get(key) is transfer:
                del self._running[key]
            if callback is not None:
                callback(value)

        def run(api: ApiClient) -> Any:
            if transfer.cancelled:
                raise TransferCancelled
            return work(api, transfer)

        failed = refusal_ends_session(on_error, self.refused.emit)
        queue.call(run, lambda result: settle(on_done, result), lambda error: settle(failed, error))
        return transfer

    def upload(
        self,
        key: str,
        path: Path,
        name: str,
        on_done: Callable[[dict], None] | None = None,
        on_error: OnError = None,
    ) -> Transfer:
        """Streams the file from disk; ``on_done(File)`` on the UI thread."""
        return self._start(
            self.uploads,
            key,
            lambda api, t: api.upload_file(path, name, self._reporter(t), lambda: t.cancelled),
            on_done,
            on_error,
        )

    def download(
        self,
        key: str,
        file_id: str,
        destination: Path,
        on_done: Callable[[int], None] | None = None,
        on_error: OnError = None,
    ) -> Transfer:
        return self._start(
            self.downloads,
            key,
            lambda api, t: api.download_file(file_id, destination, self._reporter(t), lambda: t.cancelled),
            on_done,
            on_error,
        )

    def call(
        self,
        operation: Operation,
        on_done: OnDone = None,
        on_error: OnError = None,
        *,
        queue: Queue = "small",
    ) -> None:
        """A small request (preview, profile picture, delete) on the queue that big transfers never block;
        or one that sends a body on the "uploads" queue, or works on a downloaded file on "downloads"."""
        dispatcher = {"small": self.small, "uploads": self.uploads, "downloads": self.downloads}[queue]
        dispatcher.call(operation, on_done, refusal_ends_session(on_error, self.refused.emit))

    def running(self, key: str) -> Transfer | None:
        return self._running.get(key)

    @property
    def idle(self) -> bool:
        return self.uploads.idle and self.downloads.idle and self.small.idle

    def close(self) -> None:
        """Stop without waiting: running transfers stop at their next chunk, queued ones never start."""
        self._progress_gate.close()
        for transfer in list(self._running.values()):
            transfer.cancel()
        for queue in (self.uploads, self.downloads, self.small):
            queue.close()

    def shutdown(self, deadline: float | None = None) -> None:
        """``close()``, then wait for the threads until ``deadline`` (two seconds from now when None); a
        thread stuck on a silent server is left behind."""
        deadline = shutdown_deadline() if deadline is None else deadline
        self.close()
        for queue in (self.uploads, self.downloads, self.small):
            queue.shutdown(deadline)
