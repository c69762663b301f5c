"""Works around a PySide6 refcount bug: SignalInstance.emit() returns a borrowed True, so on Python 3.11
(where True is not immortal) every emit from Python drops one reference to True until the interpreter aborts
("bool_dealloc: deallocating True or False"). Probed at import; patched only where the leak is real."""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    ping = Signal()


def _emit_leaks_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.ping.emit()
    return sys.getrefcount(True) < before - 4


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
    SignalInstance.emit = emit
    return True


INSTALLED = install()
