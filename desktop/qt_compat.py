"""Guards against PySide6 6.12.0's refcount bugs on Python 3.11 (fine on 3.12+, where None/True are immortal).

There, SignalInstance.emit() returns a borrowed True and void methods a borrowed None: each call drops a
reference the binding never took, until the interpreter aborts ("bool_dealloc" / "none_dealloc"). emit() is
patched here; the None leak cannot be, so it is reported loudly: use PySide6-Essentials 6.11.3 (see
docs/desktop-notes.md). Both are probed at import and nothing is touched where the bindings are sound."""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance

log = logging.getLogger(__name__)


class _Probe(QObject):
    ping = Signal()


def _emit_leaks_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 4


def void_calls_leak_none() -> bool:
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(8):
        timer.stop()
    return sys.getrefcount(None) < before - 4


def install() -> bool:
    """Returns True when the workaround was needed and installed."""
    if getattr(SignalInstance.emit, "_chatidk_fixed", False) or sys.version_info >= (3, 12):
        return False
    if not _emit_leaks_true():
        return False
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None

    def emit(self, *args):
        result = original(self, *args)
        if result is True:
            incref(True)  # give back the reference the binding never took
        return result

    emit._chatidk_fixed = True  # type: ignore[attr-defined]
    SignalInstance.emit = emit  # type: ignore[method-assign]  # the fix is replacing the binding's method
    return True


INSTALLED = install()
NONE_LEAK = sys.version_info < (3, 12) and void_calls_leak_none()
if NONE_LEAK:
    log.error(
        "This PySide6 build drops references to None on Python %d.%d and will crash after a while; "
        "install PySide6-Essentials==6.11.3 or use Python 3.12+.",
        *sys.version_info[:2],
    )
