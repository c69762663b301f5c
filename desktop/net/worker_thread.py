"""Worker threads for blocking network calls: stopped against a deadline, and left behind past it.

They are Python daemon threads, not QThreads: Qt ends the process when a QThread object is destroyed while
its thread still runs, and PySide destroys every QObject Python owns as the application ends. A worker
stuck in a call to a server that stopped answering (a connect or a read that only its timeout ends) would
then either hold up quit for that timeout or crash it. A daemon thread is waited for until the deadline and
then simply left to end with its call; its SignalGate is closed by then, so it never reaches Qt again."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

SHUTDOWN_WAIT = 2.0  # seconds one shutdown may spend waiting for all its worker threads together


def shutdown_deadline(seconds: float = SHUTDOWN_WAIT) -> float:
    """The time.monotonic() by which a shutdown starting now stops waiting for its threads."""
    return time.monotonic() + seconds


def join_until(thread: threading.Thread, deadline: float | None) -> bool:
    """Waits for ``thread`` until ``deadline`` (``shutdown_deadline()`` when None); False if it still runs,
    which is logged and otherwise harmless: a daemon thread does not keep the process alive."""
    if thread.ident is None:  # never started
        return True
    if thread is threading.current_thread():
        return False
    remaining = (shutdown_deadline() if deadline is None else deadline) - time.monotonic()
    thread.join(max(0.0, remaining))
    if thread.is_alive():
        log.warning("%s is still in a network call at shutdown; left to end on its own", thread.name)
        return False
    return True


class SignalGate:
    """A worker thread emits its Qt signals through this gate, and only until ``close()``. Closing waits for
    an emit in progress (a queued emit only posts an event, so that is brief); once it returns, the thread
    can no longer touch the objects the application is tearing down."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._open = True

    @property
    def is_open(self) -> bool:
        return self._open

    def emit(self, signal: Any, *args: Any) -> bool:
        with self._lock:
            if not self._open:
                return False
            signal.emit(*args)
            return True

    def close(self) -> None:
        with self._lock:
            self._open = False
