"""One SQLite file per account and server (in its folder, desktop/accounts/layout.py): its schema and
connection settings."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from desktop.cache.search import prepare_index

SCHEMA_VERSION = 8

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    last_activity_at TEXT
);
CREATE TABLE IF NOT EXISTS messages (
    conversation_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    id INTEGER,
    sender_id INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    text TEXT,
    created_at TEXT NOT NULL,
    edited_at TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    attachments TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    reply_to TEXT,
    reactions TEXT,
    my_reactions TEXT,
    forwarded_from INTEGER,
    mentions TEXT,
    pinned_at TEXT,
    pinned_by INTEGER,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS covered (
    conversation_id INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, first_seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS hidden (
    conversation_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL UNIQUE,
    conversation_id INTEGER NOT NULL,
    sender_id INTEGER NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    attachments TEXT,
    reply_to TEXT
);
CREATE TABLE IF NOT EXISTS drafts (
    conversation_id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    files TEXT,
    updated_at TEXT NOT NULL,
    reply_to TEXT
);
"""


def _add_columns(connection: sqlite3.Connection, columns: dict[str, str]) -> None:
    """ALTER TABLE … ADD COLUMN for each column a table lacks (so a step can be re-run safely)."""
    for table, wanted in columns.items():
        have = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        for column in wanted.split(","):
            if column.split()[0] not in have:
                connection.execute(f"ALTER TABLE {table} ADD COLUMN {column.strip()}")


def _cover_held_messages(connection: sqlite3.Connection) -> None:
    """A cache of schema 5 knew only the seqs it held: each unbroken run of them is a covered range to
    begin with (what a hidden message's hole hides is learnt again when that stretch is next read). Only
    where the table is missing: the ranges of a cache that has one are its own."""
    if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'covered'").fetchone() is not None:
        return
    connection.executescript(
        "CREATE TABLE IF NOT EXISTS covered (conversation_id INTEGER NOT NULL, first_seq INTEGER NOT NULL,"
        " last_seq INTEGER NOT NULL, PRIMARY KEY (conversation_id, first_seq)) WITHOUT ROWID;"
    )
    connection.execute(
        "INSERT OR REPLACE INTO covered (conversation_id, first_seq, last_seq)"
        " SELECT conversation_id, MIN(seq), MAX(seq) FROM (SELECT conversation_id, seq,"
        " seq - ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY seq) AS island FROM messages)"
        " GROUP BY conversation_id, island"
    )


def _add_pins_and_hides(connection: sqlite3.Connection) -> None:
    """Pins (when, by whom) on messages, and the seqs I deleted for me (their quotes read "Deleted message").
    What a cache of 7 held stays; its messages learn their pins when next read (the pins controller asks on
    every open), and a seq it covers without a message is hidden for me without a row of its own
    (HistoryCache.hidden_for_me)."""
    _add_columns(connection, {"messages": "pinned_at TEXT, pinned_by INTEGER"})
    connection.executescript(
        "CREATE TABLE IF NOT EXISTS hidden (conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
        " PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;"
    )


# Each step brings a cache of the version before it up to date (a script, or a function for steps that
# look before they change); new caches get SCHEMA as it is now.
MIGRATIONS: dict[int, str | Callable[[sqlite3.Connection], None]] = {
    2: (  # files on messages and on outbox entries (JSON lists of File objects)
        "ALTER TABLE messages ADD COLUMN attachments TEXT;ALTER TABLE outbox ADD COLUMN attachments TEXT;"
    ),
    3: (  # each conversation's unsent draft: its text and the local paths of its staged files (JSON)
        "CREATE TABLE drafts (conversation_id INTEGER PRIMARY KEY, text TEXT NOT NULL, files TEXT,"
        " updated_at TEXT NOT NULL);"
    ),
    4: "",  # offline search: the FTS5 table is made, and the cache indexed, by search.prepare_index
    5: lambda connection: _add_columns(  # replies and reactions (JSON), the quote of an unsent reply
        connection,
        {
            "messages": (
                "version INTEGER NOT NULL DEFAULT 0, reply_to TEXT, reactions TEXT, my_reactions TEXT"
            ),
            "outbox": "reply_to TEXT",
            "drafts": "reply_to TEXT",
        },
    ),
    # Covered seq ranges (history.py, "islands"); the search UI, which shared the number, needed no step. A
    # cache of 6 or 7 written before this step was filled in gets it too (open_cache_database).
    6: lambda connection: _cover_held_messages(connection),
    7: lambda connection: (
        _add_columns(  # forwards (the first sender's id, 0: not visible) and mentions (JSON)
            connection, {"messages": "forwarded_from INTEGER, mentions TEXT"}
        )
    ),
    8: lambda connection: _add_pins_and_hides(connection),
}


@contextlib.contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One explicit transaction (the connection is in autocommit mode, where ``with connection`` is not one):
    a page of 200 messages costs one fsync, not 200."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def open_cache_database(path: Path | str) -> sqlite3.Connection:
    """WAL with synchronous=FULL: a message in the outbox survives a crash right after the user hit Enter."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    connection = sqlite3.connect(str(path), isolation_level=None, check_same_thread=True)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"the cache {path} was written by a newer client (schema {version})")
    if version >= 1:
        for step in range(version + 1, SCHEMA_VERSION + 1):
            migration = MIGRATIONS[step]
            if callable(migration):
                migration(connection)
            else:
                connection.executescript(migration)
        _cover_held_messages(connection)  # a cache of 6 or 7 made before step 6 covered anything
    connection.executescript(SCHEMA)
    prepare_index(connection)
    connection.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    return connection


def has_search_index(connection: sqlite3.Connection) -> bool:
    """Whether offline search uses FTS5 here (else it scans)."""
    row = connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'message_terms'").fetchone()
    return row is not None
