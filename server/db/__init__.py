"""The connection pool and the transaction helper every store module runs its SQL through.

Every store function takes a :class:`Cursor` and returns rows as :data:`Row`: dicts by column name.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg2
import psycopg2.extensions
import psycopg2.extras
from psycopg2.sql import Composable

_STATEMENTS: dict[str, str] = {}

# In pg_stat_activity, each connection names the server process that holds it: "chatidk 4242".
APPLICATION_NAME = "chatidk"
# Prepared statements (the only server-side plans here: every other query goes as text) keep one generic plan
# instead of PostgreSQL's default of re-planning with the parameters whenever it guesses that pays. Every
# prepared statement is a lookup by keys (ids, arrays of ids) whose plan does not depend on the values, and
# the send path's batch statements were re-planned per batch: bench/server_throughput.py measured 15–20 %
# less PostgreSQL CPU per message with the generic plan, in both orders of the two servers.
SESSION_OPTIONS = "-c plan_cache_mode=force_generic_plan"


def prepared(name: str, sql: str) -> str:
    """Register a hot statement to be prepared once per connection, and return its name.

    Planning the send path's queries costs PostgreSQL several times what running them does (measured: a
    send's pre-check 370 µs of server CPU planned each time, 80 µs prepared). ``sql`` uses positional ``%s``.
    The pool's connections run them with their generic plan (:data:`SESSION_OPTIONS`).
    """
    counter = iter(range(1, 1000))
    _STATEMENTS[name] = re.sub(r"%s", lambda _: f"${next(counter)}", sql)
    return name


# A row of a result: a dict by column name (psycopg2's RealDictRow, an OrderedDict).
Row = psycopg2.extras.RealDictRow
# A row of the hot path's Cursor.fetchall_plain: a plain dict by column name.
PlainRow = dict[str, Any]


def session_options(url: str) -> str:
    """:data:`SESSION_OPTIONS` after the operator's own (the URL's ``options``, else ``PGOPTIONS``), which
    an ``options`` argument of its own would otherwise replace."""
    own = psycopg2.extensions.parse_dsn(url).get("options") or os.environ.get("PGOPTIONS", "")
    return f"{own} {SESSION_OPTIONS}".strip()


class Connection(psycopg2.extensions.connection):
    """A connection that remembers which statements it has prepared (they last as long as it does)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepared: set[str] = set()


class Cursor(psycopg2.extras.RealDictCursor):
    """A cursor whose transaction costs no extra round trips.

    Connections run in autocommit mode and the transaction is managed by hand: ``BEGIN`` travels with the
    first statement, and statements deferred with :meth:`defer` (NOTIFY) travel with ``COMMIT``. A send is
    then three round trips to PostgreSQL instead of five. Callables given to :meth:`after_commit` run once the
    transaction has committed and its connection is back in the pool (publishing to Redis).
    """

    connection: Connection  # made by Database, whose connections are all of this class

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_transaction = False
        self.deferred: list[str] = []
        self.committed: list[Callable[[], None]] = []
        self.manage_transaction = False

    def execute(self, query: str | bytes | Composable, vars: Any = None) -> None:
        if self.manage_transaction and not self.in_transaction:
            if not isinstance(query, str):
                raise TypeError(
                    "the first statement of a transaction must be SQL text (BEGIN goes before it)"
                )
            self.in_transaction = True
            query = "BEGIN; " + query
        super().execute(query, vars)

    def fetchall_plain(self) -> list[PlainRow]:
        """The rows as plain dicts: RealDictRow builds each row in Python, a ``__setitem__`` per column
        (≈3% of a send's server CPU), where ``dict(zip(…))`` over psycopg2's tuples is one call in C."""
        self.row_factory = None  # tuples, for this fetch
        try:
            rows = psycopg2.extensions.cursor.fetchall(self)
        finally:
            self.row_factory = psycopg2.extras.RealDictRow
        names = [column.name for column in self.description or ()]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def fetchone_plain(self) -> PlainRow | None:
        """:meth:`fetchall_plain` for a statement of at most one row."""
        rows = self.fetchall_plain()
        return rows[0] if rows else None

    def one(self) -> Row:
        """The row of a statement that always returns one (an aggregate, an INSERT … RETURNING)."""
        row = self.fetchone()
        if row is None:
            raise LookupError("the statement returned no row")
        return row

    def execute_prepared(self, name: str, params: tuple = ()) -> None:
        """Run a statement registered with :func:`prepared`, preparing it on first use on this connection.

        A PREPARE survives the rollback of the transaction it ran in, so marking it done right away is safe.
        """
        if name not in self.connection.prepared:
            self.execute(f"PREPARE {name} AS {_STATEMENTS[name]}")
            self.connection.prepared.add(name)
        placeholders = ", ".join(["%s"] * len(params))
        self.execute(f"EXECUTE {name} ({placeholders})" if params else f"EXECUTE {name}", params or None)

    def execute_prepared_all(self, steps: list[tuple[str, tuple]]) -> None:
        """Run several registered statements in one round trip; the results are the last one's."""
        for name, _ in steps:
            if name not in self.connection.prepared:
                self.execute(f"PREPARE {name} AS {_STATEMENTS[name]}")
                self.connection.prepared.add(name)
        sql = "; ".join(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})" for name, params in steps)
        self.execute(sql, tuple(p for _, params in steps for p in params))

    def defer(self, query: str, vars: Any = None) -> None:
        """Run ``query`` just before COMMIT, in the same round trip (used for NOTIFY)."""
        self.deferred.append(self.mogrify(query, vars).decode("utf-8"))

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after COMMIT succeeded (never when the transaction rolls back)."""
        self.committed.append(callback)

    def finish(self) -> None:
        statements = [*self.deferred, "COMMIT"] if self.in_transaction else self.deferred
        self.deferred = []
        if statements:
            psycopg2.extras.RealDictCursor.execute(self, "; ".join(statements))
        self.in_transaction = False


def _run_committed(cur: Cursor) -> None:
    callbacks, cur.committed = cur.committed, []
    for callback in callbacks:
        callback()


class DatabaseUnavailable(Exception):
    """PostgreSQL could not be reached; the API answers 503."""


class Database:
    """A bounded pool of open connections; callers wait for a free one instead of failing when all are busy.

    Connections are opened on demand and kept (psycopg2's own pool closes every connection above its
    minimum on return, which costs a reconnect per request). A connection that broke, as when PostgreSQL
    restarts, is dropped and replaced on the next checkout.
    """

    def __init__(self, url: str, size: int = 10) -> None:
        self.url = url
        self._idle: list[psycopg2.extensions.connection] = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()

    def _checkout(self) -> psycopg2.extensions.connection:
        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed:
                    return conn
        try:
            conn = psycopg2.connect(
                self.url,
                connection_factory=Connection,
                application_name=f"{APPLICATION_NAME} {os.getpid()}",
                options=session_options(self.url),
            )
        except psycopg2.OperationalError as exc:
            raise DatabaseUnavailable(str(exc).strip()) from exc
        conn.autocommit = True
        return conn

    def _checkin(self, conn: psycopg2.extensions.connection) -> None:
        if not conn.closed and conn.info.transaction_status != psycopg2.extensions.TRANSACTION_STATUS_IDLE:
            try:
                with conn.cursor() as cur:
                    cur.execute("ROLLBACK")
            except psycopg2.Error:
                conn.close()
        if conn.closed:
            return
        with self._lock:
            self._idle.append(conn)

    @contextmanager
    def connection(self) -> Iterator[psycopg2.extensions.connection]:
        if not self._slots.acquire(timeout=30):
            raise DatabaseUnavailable("no database connection became free within 30 s")
        try:
            conn = self._checkout()
            try:
                yield conn
            except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
                if conn.closed:
                    raise DatabaseUnavailable(str(exc).strip()) from exc
                raise
            finally:
                self._checkin(conn)
        finally:
            self._slots.release()

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """One transaction: committed when the block ends normally, rolled back on any exception.

        The answer to a client is sent only after this block has returned, that is, after the commit.
        """
        with self.connection() as conn, conn.cursor(cursor_factory=Cursor) as cur:
            cur.manage_transaction = True
            yield cur  # on an exception, _checkin sees the open transaction and rolls it back
            cur.finish()
        _run_committed(cur)

    @contextmanager
    def autocommit(self) -> Iterator[Cursor]:
        """Single statements, each atomic on its own, with no BEGIN/COMMIT round trips (reads, lookups)."""
        with self.connection() as conn, conn.cursor(cursor_factory=Cursor) as cur:
            yield cur
            cur.finish()
        _run_committed(cur)

    def ping(self) -> None:
        """A round trip to PostgreSQL; DatabaseUnavailable when it cannot be reached (GET /healthz)."""
        with self.autocommit() as cur:
            cur.execute("SELECT 1")

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
