"""Fan-out to a big group: deliveries/s with every member of a 256-member group connected, beside 1:1 traffic.

    .venv/bin/python bench/fanout.py            # 200 group messages (51,200 deliveries), 2,000 1:1 messages
    .venv/bin/python bench/fanout.py --quick    # small smoke run
    .venv/bin/python bench/fanout.py --redis    # the same with CHATIDK_REDIS_URL (a redis-server of its own)

It starts the real server (gunicorn + gevent, as deployed) on a fresh embedded PostgreSQL, registers 256
users and opens a WebSocket for each. The baseline, in the same run on the same sockets: 1:1 messages
between pairs of them (two deliveries each) sent by ``--senders`` at once as fast as the server answers.
Then the group: ``--group-messages`` messages to the 256-member group, sent by ``--senders`` members at
once, each delivered to all 256 sockets (the sender's own too). Deliveries/s counts the frames that arrived
until the last one did (target ≥ 20,000 in the group case); CPU is the server's and PostgreSQL's own
accounting per delivery. The send budget is off (``CHATIDK_SEND_BURST=0``): the load is the subject.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from common import cpu_by_component, make_accounts, running_server  # noqa: E402

from tests.support.pg import TestDatabases  # noqa: E402

MEMBERS = 256


class Fanout:
    def __init__(self, base: str) -> None:
        self.api = base + "/api/v1"
        self.ws_url = base.replace("http", "ws") + "/api/v1/events"
        self.tokens: list[str] = []
        self.user_ids: list[int] = []
        self.received = 0

    async def setup(self, http: aiohttp.ClientSession) -> None:
        self.user_ids, self.tokens = await make_accounts(http, self.api, "member", MEMBERS)

    def auth(self, n: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[n]}"}

    async def open_sockets(self, sockets: aiohttp.ClientSession) -> list[aiohttp.ClientWebSocketResponse]:
        async def connect(n: int) -> aiohttp.ClientWebSocketResponse:
            ws = await sockets.ws_connect(self.ws_url, headers=self.auth(n), heartbeat=None)
            assert (await ws.receive_json())["type"] == "hello"
            return ws

        opened = list(await asyncio.gather(*(connect(n) for n in range(MEMBERS))))
        self.readers = [asyncio.create_task(self.read(ws)) for ws in opened]
        return opened

    async def read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT and '"message.created"' in msg.data:
                self.received += 1

    async def conversations(self, http: aiohttp.ClientSession) -> tuple[int, list[tuple[int, int]]]:
        async with http.post(
            f"{self.api}/conversations",
            json={"kind": "group", "title": "Everyone", "member_ids": self.user_ids[1:]},
            headers=self.auth(0),
        ) as r:
            group = (await r.json())["conversation"]["id"]
        half = MEMBERS // 2
        pairs = []
        for i in range(half):
            async with http.post(
                f"{self.api}/conversations",
                json={"kind": "direct", "user_id": self.user_ids[i + half]},
                headers=self.auth(i),
            ) as r:
                pairs.append(((await r.json())["conversation"]["id"], i))
        return group, pairs

    async def run(
        self, http: aiohttp.ClientSession, targets: list[tuple[int, int]], total: int, senders: int, fan: int
    ) -> float:
        """Send ``total`` messages round the ``targets`` (conversation, sender); seconds until every one of
        the ``total × fan`` deliveries arrived."""
        self.received = 0
        expected = total * fan
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(total):
            queue.put_nowait(n)

        async def sender() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                conversation, who = targets[n % len(targets)]
                async with http.post(
                    f"{self.api}/conversations/{conversation}/messages",
                    json={"client_id": str(uuid.uuid4()), "text": f"fan-out {n}"},
                    headers=self.auth(who),
                ) as r:
                    if r.status not in (200, 201):
                        raise RuntimeError(f"send failed: {r.status} {await r.text()}")

        start = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(senders)))
        deadline = time.perf_counter() + 120
        while self.received < expected:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"only {self.received} of {expected} deliveries arrived")
            await asyncio.sleep(0.005)
        return time.perf_counter() - start


async def measure(base: str, args) -> dict:
    bench = Fanout(base)
    results: dict = {}
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64)) as http,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as sockets,
    ):
        await bench.setup(http)
        opened = await bench.open_sockets(sockets)
        group, pairs = await bench.conversations(http)
        await asyncio.sleep(1)  # the conversation.created frames settle
        group_senders = [(group, n) for n in range(args.senders)]
        for name, targets, total, fan in (
            ("1:1 (baseline)", pairs, args.direct_messages, 2),
            (f"group of {MEMBERS}", group_senders, args.group_messages, MEMBERS),
        ):
            await bench.run(http, targets, max(1, total // 10), args.senders, fan)  # warm-up
            before = cpu_by_component(args.server_pid, args.pg_dir)
            seconds = await bench.run(http, targets, total, args.senders, fan)
            after = cpu_by_component(args.server_pid, args.pg_dir)
            deliveries = total * fan
            results[name] = {
                "messages": total,
                "deliveries": deliveries,
                "deliveries_per_s": deliveries / seconds,
                "messages_per_s": total / seconds,
                "server_us": (after["server"] - before["server"]) * 1e6 / deliveries,
                "postgres_us": (after["postgres"] - before["postgres"]) * 1e6 / deliveries,
            }
        for ws in opened:
            await ws.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--group-messages", type=int, default=200)
    parser.add_argument("--direct-messages", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=8, help="sends under way at once")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis", action="store_true", help="fan out through a redis-server of its own")
    parser.add_argument("--quick", action="store_true", help="a small run to check the script works")
    args = parser.parse_args()
    if args.quick:
        args.group_messages, args.direct_messages = 40, 400

    with tempfile.TemporaryDirectory(prefix="chatidk-fanout-") as scratch:
        os.environ.setdefault("XDG_RUNTIME_DIR", scratch)
        databases = TestDatabases.start(Path(scratch))
        redis_server = None
        extra_env = {"CHATIDK_REGISTRATIONS_PER_HOUR": "0", "CHATIDK_SEND_BURST": "0"}
        if args.redis:
            from tests.support.redis import RedisServer

            redis_server = RedisServer(Path(scratch) / "redis").start()
            extra_env["CHATIDK_REDIS_URL"] = redis_server.url
        try:
            with running_server(databases, Path(scratch), args.workers, extra_env) as (server, _):
                args.server_pid, args.pg_dir = server._proc.pid, Path(scratch) / "pg"
                results = asyncio.run(measure(server.url, args))
        finally:
            databases.close()
            if redis_server is not None:
                redis_server.stop()

    broker = "Redis pub/sub" if args.redis else "LISTEN/NOTIFY"
    print(
        f"{MEMBERS} sockets open, {args.workers} workers, {args.senders} sends at once, fan-out over {broker}"
    )
    print(
        f"{'':<18}{'messages':>9}{'deliveries':>12}{'deliveries/s':>14}{'msgs/s':>9}"
        f"{'server µs':>11}{'PG µs':>8}  (CPU per delivery)"
    )
    for name, r in results.items():
        print(
            f"{name:<18}{r['messages']:>9}{r['deliveries']:>12}{r['deliveries_per_s']:>14.0f}"
            f"{r['messages_per_s']:>9.0f}{r['server_us']:>11.1f}{r['postgres_us']:>8.1f}"
        )
    print("target: >= 20000 deliveries/s in the group case; CPU from the processes' own accounting")


if __name__ == "__main__":
    main()
