"""A private PostgreSQL cluster under the data dir, so `python -m server` needs no database set up by hand.

pgserver ships PostgreSQL binaries in its wheel and listens on a Unix socket only, so nothing outside this
machine (or another local user: the cluster directory is private) can reach it.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

DATABASE_NAME = "chatidk"


def start(data_dir: Path) -> str:
    """Start (or reuse) the cluster in ``data_dir/postgres`` and return a URL for the ChatIDK database.

    The cluster stops when this process exits.
    """
    import pgserver  # imported here: only the embedded mode needs it
    import psycopg2

    pgdata = data_dir / "postgres"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    conn = psycopg2.connect(server.get_uri("postgres"))
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,))
            if cur.fetchone() is None:
                cur.execute(f"CREATE DATABASE {DATABASE_NAME}")
    finally:
        conn.close()
    log.info("embedded PostgreSQL running in %s", pgdata)
    return server.get_uri(DATABASE_NAME)
