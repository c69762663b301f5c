"""The floor under any REST request of this server: what gunicorn's gevent worker costs per request with a
bare WSGI app, and with Flask and one JSON route, measured the way server_throughput.py measures ChatIDK's own
GET …/limits (the same client, the same concurrency, CPU by the processes' own accounting).

A REST send cannot cost the server less than the Flask figure: whatever ChatIDK adds (authentication, the
send, the fan-out) comes on top of it. Printed beside the server's figures, it says how much of a REST send's
CPU is the prescribed stack itself and how much is ChatIDK's.

    .venv/bin/python bench/bare_stack.py            # the two floors alone
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).parent))
from bare_apps import PATH
from common import cpu_of_tree

# Served from bench/bare_apps.py, a module of its own, so that the measured workers load nothing else.
APPS = {"a bare WSGI app": "bare_apps:raw_app", "Flask with one JSON route": "bare_apps:flask_app"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _requests(url: str, concurrency: int, total: int) -> None:
    remaining = [total]

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency * 2)) as http:

        async def caller() -> None:
            while remaining[0] > 0:
                remaining[0] -= 1
                async with http.get(url, headers={"Authorization": "Bearer x"}) as r:
                    if r.status != 200:
                        raise RuntimeError(f"GET {url} answered {r.status}")
                    await r.read()

        await asyncio.gather(*(caller() for _ in range(concurrency)))


async def _ready(url: str, timeout: float = 60) -> None:
    """Until the server answers: connection errors while it starts are expected, not failures."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(url) as r:
                    if r.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")
            await asyncio.sleep(0.2)


def floor_of(app: str, workers: int, concurrency: int, total: int) -> float:
    """Server CPU ms per request of ``app`` (module:attribute in bench/) under gunicorn's gevent worker."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", str(workers)),
            *("-b", f"127.0.0.1:{port}", "--chdir", str(Path(__file__).parent)),
            *("--log-level", "warning", app),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}{PATH}"
        asyncio.run(_ready(url))
        asyncio.run(_requests(url, concurrency, min(500, total)))  # warm-up: every worker's connections
        root = psutil.Process(proc.pid)
        before = cpu_of_tree(root)
        asyncio.run(_requests(url, concurrency, total))
        return (cpu_of_tree(root) - before) * 1000 / total
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def stack_floors(workers: int, concurrency: int, total: int) -> dict[str, float]:
    """Each of :data:`APPS`' server CPU ms per request."""
    return {name: floor_of(app, workers, concurrency, total) for name, app in APPS.items()}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    for name, ms in stack_floors(args.workers, args.concurrency, args.requests).items():
        print(f"gunicorn + gevent, {name}: server CPU {ms:.2f} ms/request")


if __name__ == "__main__":
    main()
