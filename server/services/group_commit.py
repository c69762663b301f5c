"""Group commit: concurrent callers' work done together in one transaction, each answered after its commit.

There is no writer thread and no timer. The first caller to arrive while nobody is writing leads: it takes
everything queued (itself included, up to ``max_batch``), runs the batch, and hands the lead to the first
caller that queued meanwhile. A lone call is therefore run at once by its own caller, and batches form only
under concurrency, out of what arrived while the previous batch committed (MySQL's binary-log group commit
works this way). Works with real threads and with gevent's (monkey-patched threading).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Pending(Generic[T, R]):
    """One caller's item, and its outcome once its batch has run: a result or an exception."""

    __slots__ = ("_event", "_leads", "done", "error", "item", "result")

    def __init__(self, item: T) -> None:
        self.item = item
        self.result: R | None = None
        self.error: BaseException | None = None
        self.done = False
        self._event = threading.Event()
        self._leads = False  # woken to lead the next batch rather than with an outcome

    def succeed(self, result: R) -> None:
        self.result, self.done = result, True

    def fail(self, error: BaseException) -> None:
        self.error, self.done = error, True


class GroupCommit(Generic[T, R]):
    """``submit(item)`` returns ``run_batch``'s outcome for that item (or raises its exception).

    ``run_batch`` receives the pendings of one batch and must give each an outcome (``succeed``/``fail``);
    an exception it raises becomes the outcome of every pending it left without one.
    """

    def __init__(self, run_batch: Callable[[Sequence[Pending[T, R]]], None], max_batch: int = 100) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: deque[Pending[T, R]] = deque()
        self._leading = False
        self.batches = 0  # batches run, and items in them: for the tests and the benchmark
        self.items = 0

    def submit(self, item: T) -> R:
        pending: Pending[T, R] = Pending(item)
        with self._lock:
            self._queue.append(pending)
            leads = not self._leading
            self._leading = True
        if not leads:
            try:
                self._wait(pending)
            except BaseException:
                # Killed while waiting (a greenlet's GreenletExit): never leave the lead with nobody.
                self._abandon(pending)
                raise
            leads = pending._leads
        if leads:
            self._lead()
        if pending.error is not None:
            raise pending.error
        return pending.result  # type: ignore[return-value]  # R: set by run_batch with the outcome

    def waiting(self) -> int:
        """Items queued for the next batch."""
        with self._lock:
            return len(self._queue)

    def _wait(self, pending: Pending[T, R]) -> None:
        pending._event.wait()

    def _lead(self) -> None:
        with self._lock:
            batch = [self._queue.popleft() for _ in range(min(self._max_batch, len(self._queue)))]
        try:
            self._run_batch(batch)
            for pending in batch:
                if not pending.done:
                    pending.fail(RuntimeError("the batch gave this item no outcome"))
        except BaseException as exc:
            for pending in batch:
                if not pending.done:
                    pending.fail(exc)
            if not isinstance(exc, Exception):
                raise
        finally:
            self.batches += 1
            self.items += len(batch)
            for pending in batch:
                pending._event.set()
            self._hand_on()

    def _hand_on(self) -> None:
        """Wake the first caller that queued during this batch to lead the next one, or stop leading."""
        with self._lock:
            if not self._queue:
                self._leading = False
                return
            nxt = self._queue[0]
            nxt._leads = True
        nxt._event.set()

    def _abandon(self, pending: Pending[T, R]) -> None:
        """A caller gave up waiting: its item leaves the queue unless a batch took it, and a lead it
        was handed goes on to the next caller."""
        with self._lock:
            try:
                self._queue.remove(pending)
            except ValueError:
                return  # in a batch already: it runs, and answers nobody
            handed = pending._leads
        if handed:
            self._hand_on()
