"""A real redis-server (Debian's package) on a free loopback port, started by the tests like PostgreSQL is."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

import redis

from tests.support import wait
from tests.support.server_process import _die_with_parent, free_port

INSTALL_HINT = (
    "redis-server is missing: run scripts/system-packages.sh as root (apt-get install redis-server)"
)


class RedisServer:
    """``start()``, ``stop()``, ``restart()`` on one port, ``url``; nothing is saved to disk."""

    def __init__(self, work_dir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(INSTALL_HINT)
        self._binary = binary
        self._dir = work_dir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        self._dir.mkdir(parents=True, exist_ok=True)
        log = open(self._dir / f"redis-{self.port}.log", "ab")  # noqa: SIM115 - the child owns it
        self._proc = subprocess.Popen(
            [
                self._binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._dir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        log.close()
        client = redis.Redis.from_url(self.url, socket_timeout=10, socket_connect_timeout=10)
        try:
            wait.until(client.ping, timeout=60, what="redis-server answering", tolerate=(redis.RedisError,))
        finally:
            client.close()
        return self

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    def stop(self) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        self._proc = None

    def restart(self) -> None:
        """Stop it and start it again on the same port: every connection to it breaks, subscriptions too."""
        self.stop()
        self.start()

    def subscribers(self, channel: str) -> int:
        client = redis.Redis.from_url(self.url, socket_timeout=10)
        try:
            return int(dict(client.pubsub_numsub(channel)).get(channel.encode(), 0))
        finally:
            with contextlib.suppress(redis.RedisError):
                client.close()
