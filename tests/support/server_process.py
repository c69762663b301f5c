"""A real ChatIDK server process (gunicorn + gevent, as in production) on a free loopback port."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.support import wait
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


__all__ = ["ROOT", "ServerProcess", "free_port"]

_RUNNING: set[ServerProcess] = set()


def _die_with_parent() -> None:
    """In the child: get SIGKILL if the test process dies, so no server outlives an interrupted run."""
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_PDEATHSIG = 1
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


@atexit.register
def _kill_leftovers() -> None:
    for server in list(_RUNNING):
        server.kill()


class ServerProcess:
    """``start()``, ``kill()`` (SIGKILL to the whole process group, like a crash), ``stop()``,
    ``terminate()``, ``url``.

    ``database_url=None`` runs it as `python -m server` runs on a fresh machine: on its own embedded
    PostgreSQL in ``data_dir``.
    """

    def __init__(
        self,
        database_url: str | None,
        data_dir: Path,
        *,
        port: int | None = None,
        workers: int = 1,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.database_url = database_url
        self.data_dir = data_dir
        self.port = port or free_port()
        self.workers = workers
        self.extra_env = extra_env or {}
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/api/v1/events"
        self.log_path = data_dir / f"server-{self.port}.log"
        self._proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> ServerProcess:
        """Start the server and return once /healthz answers 200 (a slow machine only makes this longer)."""
        env = {
            **os.environ,
            "CHATIDK_PORT": str(self.port),
            "CHATIDK_DATA_DIR": str(self.data_dir),
            "CHATIDK_WORKERS": str(self.workers),
            "CHATIDK_BCRYPT_ROUNDS": "4",
            "CHATIDK_LOG_LEVEL": "warning",
            **self.extra_env,
        }
        env.pop("CHATIDK_DATABASE_URL", None)
        if self.database_url is not None:  # else the server runs its own embedded PostgreSQL
            env["CHATIDK_DATABASE_URL"] = self.database_url
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child owns it
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "server"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        log.close()
        _RUNNING.add(self)

        def answering() -> bool:
            if self._proc.poll() is not None:
                raise RuntimeError(f"server exited with {self._proc.returncode}:\n{self.log()}")
            return requests.get(self.url + "/healthz", timeout=10).status_code == 200

        try:
            # Any request error is "not yet": refused while booting, a read timeout while the machine is busy.
            wait.until(
                answering, timeout=timeout, what="server answering", tolerate=(requests.RequestException,)
            )
        except AssertionError:
            self.kill()
            raise RuntimeError(f"server did not answer within {timeout} s:\n{self.log()}") from None
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-5000:] if self.log_path.exists() else ""

    def _signal_group(self, sig: int) -> None:
        if self._proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, sig)

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, as a crash or power loss would."""
        self._signal_group(signal.SIGKILL)
        if self._proc is not None:
            self._proc.wait(timeout=10)
            self._proc = None
        _RUNNING.discard(self)

    def stop(self) -> int | None:
        """SIGTERM, as systemd or Ctrl+C would, and wait; its exit status (None if it was not running).

        SIGTERM goes to the master only: it stops its workers itself (and then its embedded PostgreSQL).
        """
        if self._proc is None:
            return None
        self.terminate()
        try:
            status = self._proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
            status = self._proc.wait(timeout=10)
        self._proc = None
        _RUNNING.discard(self)
        return status

    def terminate(self) -> None:
        """SIGTERM to the master, without waiting (``wait()`` then gives its exit status)."""
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                self._proc.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        """Wait for the server to exit by itself; its exit status."""
        assert self._proc is not None
        status = self._proc.wait(timeout=timeout)
        self._proc = None
        _RUNNING.discard(self)
        return status

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None
