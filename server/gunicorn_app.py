"""Serve the app with gunicorn's gevent worker: one greenlet per WebSocket, so thousands stay open cheaply.

gthread would hold an OS thread per open socket; gevent holds a few kilobytes. psycopg2 is made cooperative in
each worker by create_app (psycogreen), and bcrypt runs in gevent's thread pool (server/offload.py). The
worker class (server/gunicorn_worker.py) is gevent's, stopping without waiting for idle connections.

The settings live here only: `python -m server` runs gunicorn in-process with them, and
packaging/server/gunicorn.conf.py (gunicorn under systemd) takes them from here too.
"""

from __future__ import annotations

import importlib
import logging
import os
import resource
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.errors import AppImportError, HaltServer

from server.config import Config

log = logging.getLogger("server")


class StartupError(RuntimeError):
    """The server cannot start; the message is the one line to show."""


def preflight() -> None:
    """Fail in the master with one clear line when the worker class cannot load (e.g. a missing dependency).

    Otherwise gunicorn forks workers that die at once, printing a traceback each.
    """
    try:
        importlib.import_module(WORKER_MODULE)
    except ImportError as exc:
        raise StartupError(
            f"the gevent worker cannot load ({exc}); install the server's requirements: "
            "pip install -r requirements-server.txt"
        ) from None


WORKER_MODULE = "server.gunicorn_worker"  # gunicorn's gevent worker, stopping without idle waits

WORKER_CONNECTIONS = 20_000
# Beyond the sockets: the database pool, the file store, ffmpeg's pipes, the log. packaging/server/
# chatidk.service sets LimitNOFILE to WORKER_CONNECTIONS + this (a test checks that they agree).
SPARE_FILES = 1024


def raise_open_files_limit(wanted: int = WORKER_CONNECTIONS + SPARE_FILES) -> int:
    """Raise this process's soft limit on open files towards ``wanted`` (as far as the hard limit allows);
    workers inherit it. Returns the limit now in force.

    The usual soft default of 1024 would let a worker hold about a thousand sockets and then fail every
    accept with "Too many open files" (Errno 24).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def worker_connections(open_files: int) -> int:
    """As many simultaneous clients per worker as its open-files limit has room for: past it gunicorn stops
    accepting for a moment instead of failing accepts."""
    spare = min(SPARE_FILES, open_files // 4)
    return max(64, min(WORKER_CONNECTIONS, open_files - spare))


def _when_ready(arbiter: Any) -> None:
    """Once the sockets are bound, before the first worker: start the master's helpers.

    A small child process says "listening" when /healthz first answers, and another watches the embedded
    PostgreSQL (server/pg_supervisor.py) when this master runs one. Children, not threads: the master forks
    workers after this hook, and forking beside a live thread risks a deadlock in the child. Both end with
    the master.
    """
    from server import embedded_pg, pg_supervisor

    host, port = arbiter.cfg.bind[0].rsplit(":", 1)
    subprocess.Popen(  # reaped by gunicorn's SIGCHLD handler like any child
        [sys.executable, "-m", "server.readiness", host.strip("[]"), port, str(arbiter.cfg.workers)]
    )
    cluster = embedded_pg.owned_cluster()
    if cluster is not None:
        pg_supervisor.spawn(cluster)
    _sweep_presence_of_predecessors()


def _sweep_presence_of_predecessors() -> None:
    """Sockets recorded by an earlier run on this address and port are gone (it was stopped or crashed):
    show their users offline now. In the master, before the first worker; its connection closed again."""
    from psycopg2.extensions import make_dsn

    from server import build_context
    from server.db import Database
    from server.services import presence

    config = Config.from_env()
    if not config.database_url:
        return
    db = Database(make_dsn(config.database_url, connect_timeout=10), 1)  # never holds up the workers long
    try:
        swept = presence.sweep_predecessors(
            build_context(config, db), presence.instance_of(config), os.getpid()
        )
        if swept:
            log.info("%d people were online through the previous run of this server: now offline", swept)
    except Exception as exc:  # the heartbeat sweep still clears them within 90 s
        log.warning("could not clear the presence left by the previous run: %s", exc)
    finally:
        db.close()


def settings(config: Config) -> dict[str, Any]:
    """gunicorn's settings for ``config``."""
    return {
        "bind": f"{config.host}:{config.port}",
        "workers": config.workers,
        "worker_class": f"{WORKER_MODULE}.ChatWorker",
        "worker_connections": worker_connections(raise_open_files_limit()),
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 30,
        "control_socket_disable": True,
        "loglevel": config.log_level,
        "proc_name": "chatidk-server",
        # The app logs one structured line per request itself (CHATIDK_ACCESS_LOG); gunicorn's own stays off.
        "accesslog": None,
        "errorlog": "-",
        "when_ready": _when_ready,
    }


def load_app():
    """The WSGI app of one worker. A failure is one line (gunicorn then stops instead of respawning)."""
    from server import create_app

    try:
        return create_app()
    except Exception as exc:
        raise AppImportError(f"ChatIDK cannot start a worker: {type(exc).__name__}: {exc}") from exc


class ChatServer(BaseApplication):
    def __init__(self, config: Config) -> None:
        self._config = config
        super().__init__()

    def load_config(self) -> None:
        for key, value in settings(self._config).items():
            self.cfg.set(key, value)

    def load(self):
        return load_app()


def serve(config: Config) -> int:
    """Run until stopped; the exit status is gunicorn's (non-zero when the workers could not boot)."""
    preflight()
    master = os.getpid()
    try:
        ChatServer(config).run()
    except SystemExit as exc:
        if os.getpid() != master:
            raise  # a worker ending (it was forked inside run()): its own exit, nothing to report
        return exc.code if isinstance(exc.code, int) else 1
    except HaltServer as exc:
        # Two workers that die at once: gunicorn halts for the first and, reaping the second while it stops,
        # raises its HaltServer again out of the arbiter. The same stop; no traceback.
        return exc.exit_status
    return 0
