"""Saves GET /me/export to a file on a thread of its own, so a big archive never holds up other calls."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.net.api import ApiClient, DownloadCancelled


class _DownloadWorker(QObject):
    """On the download thread. Signals: progress(done, total), finished(int size), failed(object error)."""

    progress = Signal("qint64", "qint64")
    finished = Signal("qint64")
    failed = Signal(object)

    def __init__(self, api: ApiClient, destination: Path, cancel: threading.Event) -> None:
        super().__init__()
        self.api = api
        self.destination = destination
        self.cancel = cancel

    @Slot()
    def run(self) -> None:
        try:
            size = self.api.download_export(self.destination, self.progress.emit, self.cancel.is_set)
        except Exception as error:  # reported to the UI, never raised on the thread
            self.failed.emit(error)
        else:
            self.finished.emit(size)
        finally:
            self.api.close()


class ExportDownload(QObject):
    """One export to one file. ``start(api)`` with a client of its own (``ApiClient.clone()``).

    Signals: progress(int done, int total) — total 0 when unknown; finished(str path, int size);
    failed(object error) — cancelling fails with DownloadCancelled."""

    progress = Signal("qint64", "qint64")
    finished = Signal(str, "qint64")
    failed = Signal(object)
    _go = Signal()

    def __init__(self, destination: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.destination = Path(destination)
        self._cancel = threading.Event()
        self._thread: QThread | None = None
        self._worker: _DownloadWorker | None = None
        self.done = False

    def start(self, api: ApiClient) -> None:
        if self._cancel.is_set():
            api.close()
            self._settle()
            self.failed.emit(DownloadCancelled())
            return
        self._thread = QThread()
        self._thread.setObjectName("chatidk-export")
        self._worker = _DownloadWorker(api, self.destination, self._cancel)
        self._worker.moveToThread(self._thread)
        self._go.connect(self._worker.run)
        self._worker.progress.connect(self.progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._thread.start()
        self._go.emit()

    def cancel(self) -> None:
        """Stops at the next chunk; the partial file is removed and ``failed(DownloadCancelled)`` follows."""
        self._cancel.set()

    def wait(self) -> None:
        """For shutdown: cancel and let the thread end (bounded by the read timeout)."""
        self.cancel()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()

    def _settle(self) -> None:
        self.done = True
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()

    def _on_finished(self, size: int) -> None:
        self._settle()
        self.finished.emit(str(self.destination), size)

    def _on_failed(self, error: Exception) -> None:
        self._settle()
        self.failed.emit(error)
