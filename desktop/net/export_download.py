"""Saves GET /me/export to a file on a thread of its own, so a big archive never holds up other calls."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.net.api import ApiClient
from desktop.net.http import TransferCancelled
from desktop.net.worker_thread import SignalGate, join_until


class _DownloadSignals(QObject):
    """Emitted on the download thread. Signals: progress(done, total), finished(int size), failed(error)."""

    progress = Signal("qint64", "qint64")  # type: ignore[arg-type]  # 64-bit: files over 2 GB
    finished = Signal("qint64")  # type: ignore[arg-type]  # 64-bit: files over 2 GB
    failed = Signal(object)


class ExportDownload(QObject):
    """One export to one file. ``start(api)`` with a client of its own (``ApiClient.clone()``).

    Signals: progress(int done, int total) — total 0 when unknown; finished(str path, int size);
    failed(object error) — cancelling fails with TransferCancelled."""

    progress = Signal("qint64", "qint64")  # type: ignore[arg-type]  # 64-bit: files over 2 GB
    finished = Signal(str, "qint64")  # type: ignore[arg-type]  # 64-bit: files over 2 GB
    failed = Signal(object)

    def __init__(self, destination: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.destination = Path(destination)
        self._cancel = threading.Event()
        self._gate = SignalGate()
        self._signals = _DownloadSignals()
        self._signals.progress.connect(self.progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._thread: threading.Thread | None = None
        self.done = False

    def start(self, api: ApiClient) -> None:
        if self._cancel.is_set():
            api.close()
            self.done = True
            self.failed.emit(TransferCancelled())
            return
        self._thread = threading.Thread(
            target=self._download, args=(api,), name="chatidk-export", daemon=True
        )
        self._thread.start()

    def _download(self, api: ApiClient) -> None:
        """The download thread: reports through the gate, so nothing is emitted after ``wait()``."""
        gate, signals = self._gate, self._signals

        def progress(done: int, total: int) -> None:
            gate.emit(signals.progress, done, total)

        try:
            size = api.download_export(self.destination, progress, self._cancel.is_set)
        except Exception as error:  # reported to the UI, never raised on the thread
            gate.emit(signals.failed, error)
        else:
            gate.emit(signals.finished, size)
        finally:
            api.close()

    def cancel(self) -> None:
        """Stops at the next chunk; the partial file is removed and ``failed(TransferCancelled)`` follows."""
        self._cancel.set()

    def wait(self, deadline: float | None = None) -> bool:
        """For shutdown: cancel, and wait for the thread until ``deadline`` (two seconds from now when None);
        False if it was left behind in a read from a server that stopped answering."""
        self.cancel()
        self._gate.close()
        return self._thread is None or join_until(self._thread, deadline)

    def _on_finished(self, size: int) -> None:
        self.done = True
        self.finished.emit(str(self.destination), size)

    def _on_failed(self, error: Exception) -> None:
        self.done = True
        self.failed.emit(error)
