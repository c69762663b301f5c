"""Bring a database to the current schema: schema.sql on an empty one, then numbered migrations, once each."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg2
import psycopg2.extensions

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schema.sql"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant works; it must be the same in every server process, so that two starting at once take turns.
_MIGRATION_LOCK = 0x63686174


def migrations() -> list[tuple[int, Path]]:
    """The numbered migration files, in order (``0002_files.sql`` is version 2)."""
    found = []
    for path in MIGRATIONS_DIR.glob("*.sql"):
        match = re.fullmatch(r"(\d{4})_[a-z0-9_]+\.sql", path.name)
        if not match:
            raise RuntimeError(f"badly named migration {path.name}: want NNNN_name.sql")
        found.append((int(match.group(1)), path))
    return sorted(found)


def latest_version() -> int:
    return max([1, *(version for version, _ in migrations())])


def current_version(cur: psycopg2.extensions.cursor) -> int:
    cur.execute("SELECT to_regclass('schema_version') IS NOT NULL AS present")
    if not _value(cur):
        return 0
    cur.execute("SELECT coalesce(max(version), 0) FROM schema_version")
    return int(_value(cur))


def _value(cur: psycopg2.extensions.cursor) -> Any:
    """The first column of an aggregate's one row."""
    row = cur.fetchone()
    if row is None:
        raise LookupError("the statement returned no row")
    return row[0]


def migrate(database_url: str) -> tuple[int, int]:
    """Apply what is missing and return (version before, version after). Safe to run concurrently."""
    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
            conn.commit()
            before = current_version(cur)
            if before == 0:
                cur.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
                conn.commit()
            cur.execute("SELECT version FROM schema_version")
            applied = {row[0] for row in cur.fetchall()}
            for version, path in migrations():
                if version not in applied:
                    cur.execute(path.read_text(encoding="utf-8"))
                    cur.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
                    conn.commit()
            after = current_version(cur)
            if after > latest_version():
                raise RuntimeError(
                    f"the database is at schema version {after}, newer than this server ({latest_version()})"
                )
            cur.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))
            conn.commit()
            return before, after
    finally:
        conn.close()
