"""Waiting for something to become true, with a generous deadline, tolerating the errors of "not yet"."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def until(
    check: Callable[[], T],
    *,
    timeout: float,
    what: str,
    tolerate: tuple[type[BaseException], ...] = (),
) -> T:
    """Call ``check`` until it returns something true and return that; AssertionError after ``timeout``.

    Exceptions of the ``tolerate`` types count as "not yet" (a server still booting, or too busy to answer
    in time), so a slow machine only makes the wait longer, never fails it before the deadline.
    """
    deadline = time.monotonic() + timeout
    delay = 0.02
    last_error: BaseException | None = None
    while True:
        try:
            result = check()
            if result:
                return result
        except tolerate as exc:
            last_error = exc
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error!r})" if last_error is not None else ""
            raise AssertionError(f"{what}: not within {timeout:g} s{detail}")
        time.sleep(delay)
        delay = min(delay * 2, 0.25)
