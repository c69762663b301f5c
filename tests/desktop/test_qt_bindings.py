"""The Qt bindings the client runs on must not leak references (desktop/qt_compat.py explains the bug)."""

from __future__ import annotations

from desktop import qt_compat


def test_void_calls_do_not_drop_references_to_none():
    assert not qt_compat.void_calls_leak_none(), (
        "PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call and crashes the app "
        "after a while: pin PySide6-Essentials==6.11.3 in requirements-desktop.txt (docs/desktop-notes.md)"
    )


def test_signal_emit_keeps_true_alive():
    assert not qt_compat._emit_leaks_true()
