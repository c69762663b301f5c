"""Serve the app with gunicorn's gevent worker: one greenlet per WebSocket, so thousands stay open cheaply.

gthread would hold an OS thread per open socket; gevent holds a few kilobytes. psycopg2 is made cooperative in
each worker by create_app (psycogreen), and bcrypt runs in gevent's thread pool (services/blocking.py).

The settings live here only: `python -m server` runs gunicorn in-process with them, and
packaging/server/gunicorn.conf.py (gunicorn under systemd) takes them from here too.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.errors import AppImportError, HaltServer

from server.config import Config


class StartupError(RuntimeError):
    """The server cannot start; the message is the one line to show."""


def preflight() -> None:
    """Fail in the master with one clear line when the worker class cannot load (e.g. a missing dependency).

    Otherwise gunicorn forks workers that die at once, printing a traceback each.
    """
    try:
        importlib.import_module("gunicorn.workers.ggevent")
    except ImportError as exc:
        raise StartupError(
            f"the gevent worker cannot load ({exc}); install the server's requirements: "
            "pip install -r requirements-server.txt"
        ) from None


def _probe_when_ready(arbiter: Any) -> None:
    """Once the sockets are bound: a small child process says "listening" when /healthz first answers.

    A child, not a thread: the master forks workers after this hook, and forking beside a live thread risks
    a deadlock in the child. The probe ends with the master.
    """
    host, port = arbiter.cfg.bind[0].rsplit(":", 1)
    subprocess.Popen(  # reaped by gunicorn's SIGCHLD handler like any child
        [sys.executable, "-m", "server.readiness", host.strip("[]"), port, str(arbiter.cfg.workers)]
    )


def settings(config: Config) -> dict[str, Any]:
    """gunicorn's settings for ``config``."""
    return {
        "bind": f"{config.host}:{config.port}",
        "workers": config.workers,
        "worker_class": "gevent",
        "worker_connections": 20_000,
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 30,
        "control_socket_disable": True,
        "loglevel": config.log_level,
        "proc_name": "chatidk-server",
        # The app logs one structured line per request itself (CHATIDK_ACCESS_LOG); gunicorn's own stays off.
        "accesslog": None,
        "errorlog": "-",
        "when_ready": _probe_when_ready,
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
        # A second worker failed to boot while the first failure was stopping the server.
        return exc.exit_status
    return 0
