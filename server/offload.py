"""Blocking work (bcrypt, Pillow, fsync, zip) off the event loop: gevent's thread pool under gunicorn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def run_blocking(fn: Callable[..., T], *args: Any) -> T:
    """Under gevent a 250 ms bcrypt would freeze every socket of the worker; its thread pool avoids that."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a server dependency
        return fn(*args)
    if not monkey.is_module_patched("socket"):
        return fn(*args)
    import gevent

    return gevent.get_hub().threadpool.apply(fn, args)
