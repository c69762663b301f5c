"""The embedded PostgreSQL of `python -m server` is supervised, adopted after a crash, and stopped with it.

These run the server as a fresh machine does: no CHATIDK_DATABASE_URL, a cluster of its own in the data dir.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
import requests

from tests.support import wait
from tests.support.api import ApiClient
from tests.support.catchup import CatchingUpClient
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.slow


@pytest.fixture
def data_dir():
    # Not under pytest's tmp dir, which pytest locks down between runs (see tests/conftest.py).
    scratch = Path(tempfile.mkdtemp(prefix="chatidk-supervised-"))
    yield scratch
    shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def embedded(data_dir):
    """A server on its own embedded PostgreSQL; stopped (and the cluster with it) at the end."""
    server = ServerProcess(None, data_dir, workers=1)
    yield server
    server.stop()
    _kill_postgres_of(data_dir)  # only if a test failed half way: never leave a cluster behind


def _postgres_processes(data_dir: Path) -> list[int]:
    """Every running postgres process of this data dir: postmasters naming it on their command line, and
    their children (the postmaster's process group: pg_ctl makes it a session leader)."""
    pgdata = str((data_dir / "postgres").resolve()).encode()
    postgres: dict[int, tuple[int, list[bytes]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            postgres[int(entry.name)] = (
                os.getpgid(int(entry.name)),
                (entry / "cmdline").read_bytes().split(b"\0"),
            )
        except (OSError, ProcessLookupError):
            continue
    leaders = {pid for pid, (_, cmdline) in postgres.items() if pgdata in cmdline}
    return sorted(pid for pid, (group, _) in postgres.items() if pid in leaders or group in leaders)


def _postmaster(data_dir: Path) -> int:
    return int((data_dir / "postgres" / "postmaster.pid").read_text().split("\n", 1)[0])


def _kill_postgres_of(data_dir: Path) -> None:
    for pid in _postgres_processes(data_dir):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _healthy(server: ServerProcess) -> bool:
    return requests.get(server.url + "/healthz", timeout=10).status_code == 200


def test_a_killed_embedded_postgres_is_started_again_and_the_server_recovers(embedded, data_dir):
    server = embedded.start()
    alice, bob = ApiClient(server.url, "alice"), ApiClient(server.url, "bob")
    chat = alice.direct_with(bob)
    follower = CatchingUpClient(bob, server.ws_url, chat)
    try:
        wait.until(lambda: follower.connections, timeout=60, what="bob connected")
        assert alice.send(chat, "before").status_code == 201
        killed = _postmaster(data_dir)
        os.kill(killed, signal.SIGKILL)
        # Noticed within a second or two, started again, crash recovery: the server answers again by itself.
        wait.until(
            lambda: _healthy(server) and _postmaster(data_dir) != killed,
            timeout=90,
            what="the server healthy on a new postmaster",
            tolerate=(requests.RequestException, OSError, ValueError),
        )
        assert server.running
        assert alice.send(chat, "after").status_code == 201
        # Bob's socket was closed with 1012 (its process's LISTEN connection died); he caught up.
        wait.until(lambda: follower.seqs() == [1, 2], timeout=60, what="bob holding both messages")
        assert 1012 in follower.close_codes
    finally:
        follower.close()


def test_a_server_killed_outright_adopts_its_cluster_and_a_clean_stop_stops_it(embedded, data_dir):
    server = embedded.start()
    ApiClient(server.url, "alice")
    postmaster = _postmaster(data_dir)
    server.kill()  # SIGKILL to the server's whole process group: its cluster is left running
    assert postmaster in _postgres_processes(data_dir)
    server.start()
    alice = ApiClient(server.url, "alice", register_first=False)  # the same data
    assert alice.get("/me").status_code == 200
    assert _postmaster(data_dir) == postmaster  # adopted, not a second cluster beside it
    assert server.stop() == 0
    assert _postgres_processes(data_dir) == []
    assert not (data_dir / "postgres" / "postmaster.pid").exists()


def test_a_postgres_that_cannot_start_again_stops_the_server_with_one_clear_line(embedded, data_dir):
    server = embedded.start()
    pgdata = data_dir / "postgres"
    os.kill(_postmaster(data_dir), signal.SIGKILL)
    (pgdata / "PG_VERSION").write_text("7\n")  # a cluster no PostgreSQL of ours will start
    status = server.wait(timeout=120)
    assert status != 0
    log = server.log()
    assert "Traceback" not in log
    last = log.strip().splitlines()[-1]
    assert last.startswith("ChatIDK stopped: the embedded PostgreSQL stopped and could not be started again")
    assert _postgres_processes(data_dir) == []
