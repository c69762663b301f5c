"""The connection pool and the transaction helper every store module runs its SQL through."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import psycopg2.extensions
import psycopg2.extras
from psycopg2.pool import ThreadedConnectionPool

Cursor = psycopg2.extras.RealDictCursor


class DatabaseUnavailable(Exception):
    """PostgreSQL could not be reached; the API answers 503."""


class Database:
    """A bounded pool whose callers wait for a free connection instead of failing when it is busy.

    psycopg2's pool raises when exhausted; under load a short wait is the right answer, so a semaphore
    guards it. Connections that broke (server restart) are dropped and replaced on the next checkout.
    """

    def __init__(self, url: str, size: int = 10) -> None:
        self.url = url
        self._size = size
        self._pool: ThreadedConnectionPool | None = None
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()

    def _get_pool(self) -> ThreadedConnectionPool:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadedConnectionPool(0, self._size, self.url)
            return self._pool

    @contextmanager
    def connection(self) -> Iterator[psycopg2.extensions.connection]:
        if not self._slots.acquire(timeout=30):
            raise DatabaseUnavailable("no database connection became free within 30 s")
        try:
            pool = self._get_pool()
            try:
                conn = pool.getconn()
            except psycopg2.OperationalError as exc:
                raise DatabaseUnavailable(str(exc)) from exc
            try:
                yield conn
            except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
                if conn.closed:
                    raise DatabaseUnavailable(str(exc)) from exc
                raise
            finally:
                broken = conn.closed != 0
                if not broken and conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
                    try:
                        conn.rollback()
                    except psycopg2.Error:
                        broken = True
                pool.putconn(conn, close=broken)
        finally:
            self._slots.release()

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One transaction: committed when the block ends normally, rolled back on any exception."""
        with self.connection() as conn, conn.cursor(cursor_factory=Cursor) as cur:
            try:
                yield cur
                conn.commit()
            except BaseException:
                if not conn.closed:
                    conn.rollback()
                raise

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.closeall()
                self._pool = None
