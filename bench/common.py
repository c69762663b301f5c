"""What the server benches share: a real server on a fresh database, its accounts, CPU by each process's own
accounting, and percentiles. One copy, so every bench counts CPU (and starts the server) the same way."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.pg import TestDatabases  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402

PASSWORD = "benchmark password"


async def make_accounts(
    http: aiohttp.ClientSession, api: str, prefix: str, count: int
) -> tuple[list[int], list[str]]:
    """``count`` accounts named ``prefix`` and a number, each signed in: their ids and tokens, in order
    (32 at a time: registration hashes a password)."""
    sem = asyncio.Semaphore(32)

    async def make(i: int) -> tuple[int, str]:
        name = f"{prefix}{i:05d}"
        async with sem:
            async with http.post(f"{api}/accounts", json={"username": name, "password": PASSWORD}) as r:
                user_id = (await r.json())["user"]["id"]
            async with http.post(f"{api}/sessions", json={"username": name, "password": PASSWORD}) as r:
                return user_id, (await r.json())["token"]

    made = await asyncio.gather(*(make(i) for i in range(count)))
    return [u for u, _ in made], [t for _, t in made]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@contextlib.contextmanager
def running_server(
    databases: TestDatabases, scratch: Path, workers: int, extra_env: dict[str, str]
) -> Iterator[tuple[ServerProcess, str]]:
    """The real server (gunicorn + gevent, as deployed) on a database of its own, and that database's URL;
    stopped and the database dropped afterwards."""
    name = databases.create()
    url = databases.url_for(name)
    server = ServerProcess(url, scratch, workers=workers, extra_env=extra_env).start()
    try:
        yield server, url
    finally:
        server.stop()
        databases.drop(name)


def cpu_of_tree(root: psutil.Process) -> float:
    """CPU seconds so far of ``root`` and every process under it (one that ended meanwhile counts nothing)."""
    used = 0.0
    for proc in [root, *root.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        used += times.user + times.system
    return used


def cpu_by_component(server_pid: int, pg_dir: Path) -> dict[str, float]:
    """CPU seconds so far of this run's server (its master and workers), of this run's PostgreSQL (the
    postmaster serving ``pg_dir`` and its backends), and of this load generator. Only these: other
    servers and clusters on a shared machine are not counted."""
    postmaster = next(
        (
            p
            for p in psutil.process_iter(["name", "cmdline"])
            if (p.info["name"] or "").startswith("postgres")
            and str(pg_dir) in " ".join(p.info["cmdline"] or [])
        ),
        None,  # CHATIDK_TEST_DATABASE_URL: a cluster elsewhere, not measured
    )
    return {
        "server": cpu_of_tree(psutil.Process(server_pid)),
        "postgres": cpu_of_tree(postmaster) if postmaster is not None else 0.0,
        "load generator": sum(psutil.Process().cpu_times()[:2]),
    }
