"""Server throughput and latency, group commit off (the baseline) against on, beside PostgreSQL's own ceiling.

    .venv/bin/python bench/server_throughput.py            # full run (≈10 minutes on a busy 2-core machine)
    .venv/bin/python bench/server_throughput.py --quick    # small smoke run
    .venv/bin/python bench/server_throughput.py --profile  # and where the server's CPU goes (py-spy)

It measures the ceiling first: single-row autocommit inserts straight through psycopg2 at the senders'
concurrency. Then, twice, with CHATIDK_GROUP_COMMIT=0 and =1, it starts the real server (gunicorn + gevent,
as deployed) on a fresh database, registers users, seeds each conversation with old messages and ANALYZEs
(--history: PostgreSQL plans then as for a server in use, not for empty tables), opens a WebSocket for
each user, and runs:
  1. throughput, per transport (REST: POST …/messages; ws: the socket's send frame): N senders send M
     messages across K 1:1 conversations as fast as the server acknowledges; persisted msgs/s and its ratio
     to the ceiling (targets ≥ 0.2 REST, ≥ 0.3 ws), delivered events/s, and the CPU seconds the server and
     PostgreSQL processes spent per message by their own accounting (targets ≤ 0.4 ms and ≤ 0.2 ms);
  2. latency: a steady rate (default 1,000 msgs/s) with all sockets open; p50/p99 send→receive
     (target p99 < 50 ms with 2,000 sockets).
Each server first answers GET …/limits as fast as it can: the floor, what the HTTP stack alone (gunicorn,
the WSGI wrappers, Flask, the endpoint decorator, a cached token, a JSON answer) costs per request, with no
database and no fan-out. Beneath it, the same client measures gunicorn's gevent worker serving a bare WSGI
app and Flask with one JSON route (bench/bare_stack.py): no REST request of a Flask server costs less than
the second, so the REST sends' server CPU is that floor plus ChatIDK's own work. Each phase also counts
the write transactions per message (transaction ids the cluster handed out): below 1 when sends share
transactions.
Both servers' figures are printed side by side, because this machine is noisy; --rounds 2 runs them
A B B A and prints means, since whichever server runs second measures worse. --baseline-env changes the
baseline's settings, so that any one change can be measured against its absence in the same run; --env
changes both servers' (CHATIDK_SESSION_CACHE_SECONDS=0: every REST send's token unknown to its worker).

--profile samples the server's workers with py-spy (requirements-dev.txt) through each throughput phase and
prints the functions that hold the most samples, as self time (the frame on top) and as inclusive time (on
the stack at all). py-spy takes CPU of its own, so the other figures of a profiled run are not comparable.
Under gevent its samples are closer to wall time than to CPU: a C call that waits (psycopg2's execute)
collects samples while other greenlets or nothing run. `perf record -e cpu-clock` on the workers says
where CPU really goes (this stop: ≈70 % in the interpreter, ≈13 % in the kernel, < 3 % in libpq).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import aiohttp
import psutil
import psycopg2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bare_stack import stack_floors  # noqa: E402
from common import cpu_by_component, make_accounts, percentile, running_server  # noqa: E402

from tests.support.pg import TestDatabases  # noqa: E402
from tests.support.server_process import ServerProcess  # noqa: E402


def measure_ceiling(url: str, concurrency: int, total: int) -> float:
    """Single-row autocommit inserts of message-shaped rows, ``concurrency`` connections at once."""
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("""CREATE TABLE bench_ceiling (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                       conversation_id bigint NOT NULL, seq bigint NOT NULL, sender_id bigint NOT NULL,
                       client_id uuid NOT NULL, body text, created_at timestamptz NOT NULL DEFAULT now(),
                       UNIQUE (conversation_id, seq), UNIQUE (sender_id, client_id))""")
    conn.close()
    per_worker = total // concurrency

    def work(worker: int) -> None:
        c = psycopg2.connect(url)
        c.autocommit = True
        with c.cursor() as cur:
            for n in range(per_worker):
                cur.execute(
                    "INSERT INTO bench_ceiling (conversation_id, seq, sender_id, client_id, body) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    (worker, n + 1, worker, str(uuid.uuid4()), f"message {n} from {worker}"),
                )
        c.close()

    threads = [threading.Thread(target=work, args=(w,)) for w in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return per_worker * concurrency / (time.perf_counter() - start)


class Bench:
    def __init__(self, base: str, users: int, transport: str = "rest") -> None:
        self.errors = 0
        self.transport = transport
        self.pending_acks: dict[str, asyncio.Future] = {}
        self.base = base
        self.api = base + "/api/v1"
        self.ws_url = base.replace("http", "ws") + "/api/v1/events"
        self.user_count = users
        self.tokens: list[str] = []
        self.user_ids: list[int] = []
        self.conversations: list[tuple[int, int]] = []  # (conversation id, sending user index)
        self.sent_at: dict[str, float] = {}
        self.latencies: list[float] = []
        self.received = 0
        self.sockets: list[aiohttp.ClientWebSocketResponse] = []

    async def setup(self, http: aiohttp.ClientSession) -> None:
        self.user_ids, self.tokens = await make_accounts(http, self.api, "user", self.user_count)
        sem = asyncio.Semaphore(32)
        half = self.user_count // 2

        async def pair(i: int) -> tuple[int, int]:
            async with (
                sem,
                http.post(
                    f"{self.api}/conversations",
                    json={"kind": "direct", "user_id": self.user_ids[i + half]},
                    headers={"Authorization": f"Bearer {self.tokens[i]}"},
                ) as r,
            ):
                return (await r.json())["conversation"]["id"], i

        self.conversations = list(await asyncio.gather(*(pair(i) for i in range(half))))

    async def open_sockets(self, http: aiohttp.ClientSession) -> None:
        sem = asyncio.Semaphore(64)

        async def connect(token: str) -> aiohttp.ClientWebSocketResponse:
            async with sem:
                ws = await http.ws_connect(
                    self.ws_url, headers={"Authorization": f"Bearer {token}"}, heartbeat=None, autoping=True
                )
                hello = await ws.receive_json()
                assert hello["type"] == "hello"
                return ws

        self.sockets = list(await asyncio.gather(*(connect(t) for t in self.tokens)))
        self.readers = [asyncio.create_task(self.read(ws)) for ws in self.sockets]

    async def read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type != aiohttp.WSMsgType.TEXT:
                continue
            now = time.perf_counter()
            event = msg.json()
            if event["type"] == "ack":
                future = self.pending_acks.pop(event["client_id"], None)
                if future is not None:
                    future.set_result(event["status"])
            elif event["type"] == "message.created":
                self.received += 1
                sent = self.sent_at.get(event["message"]["client_id"])
                if sent is not None:
                    self.latencies.append(now - sent)

    async def send(self, http: aiohttp.ClientSession, conversation: tuple[int, int], text: str) -> None:
        conversation_id, sender = conversation
        client_id = str(uuid.uuid4())
        self.sent_at[client_id] = time.perf_counter()
        if self.transport == "ws":
            ack = asyncio.get_running_loop().create_future()
            self.pending_acks[client_id] = ack
            await self.sockets[sender].send_json(
                {"type": "send", "conversation_id": conversation_id, "client_id": client_id, "text": text}
            )
            status = await ack
            if status not in (200, 201):
                raise RuntimeError(f"send failed: {status}")
            return
        async with http.post(
            f"{self.api}/conversations/{conversation_id}/messages",
            json={"client_id": client_id, "text": text},
            headers={"Authorization": f"Bearer {self.tokens[sender]}"},
        ) as r:
            if r.status not in (200, 201):
                raise RuntimeError(f"send failed: {r.status} {await r.text()}")

    async def wait_delivered(self, expected: int, timeout: float = 60) -> float:
        deadline = time.perf_counter() + timeout
        while self.received < expected:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"only {self.received} of {expected} events arrived")
            await asyncio.sleep(0.005)
        return time.perf_counter()

    async def floor(self, http: aiohttp.ClientSession, senders: int, total: int) -> None:
        """``total`` GET …/limits by ``senders`` at once: the whole HTTP stack (gunicorn's parser, the WSGI
        wrappers, Flask, the endpoint decorator, the token from the session cache, a JSON answer) and nothing
        else: no database, no fan-out. What REST sends cost beyond it is the send's own work."""
        queue: asyncio.Queue = asyncio.Queue()
        for n in range(total):
            queue.put_nowait(n)

        async def caller(worker: int) -> None:
            headers = {"Authorization": f"Bearer {self.tokens[worker % len(self.tokens)]}"}
            while not queue.empty():
                queue.get_nowait()
                async with http.get(f"{self.api}/limits", headers=headers) as r:
                    if r.status != 200:
                        raise RuntimeError(f"GET /limits failed: {r.status}")
                    await r.read()

        await asyncio.gather(*(caller(w) for w in range(senders)))

    async def throughput(self, http: aiohttp.ClientSession, senders: int, total: int) -> dict:
        self.received, self.latencies = 0, []
        queue: asyncio.Queue = asyncio.Queue()
        for n in range(total):
            queue.put_nowait(n)

        async def sender(worker: int) -> None:
            while not queue.empty():
                n = queue.get_nowait()
                await self.send(http, self.conversations[n % len(self.conversations)], f"bench {n}")

        start = time.perf_counter()
        await asyncio.gather(*(sender(w) for w in range(senders)))
        persisted_at = time.perf_counter()
        delivered_at = await self.wait_delivered(total * 2)  # both members of each 1:1 have a socket
        return {
            "persisted_per_s": total / (persisted_at - start),
            "delivered_per_s": total * 2 / (delivered_at - start),
            "p50_ms": percentile(self.latencies, 0.5) * 1000,
            "p99_ms": percentile(self.latencies, 0.99) * 1000,
        }

    async def steady(self, http: aiohttp.ClientSession, rate: int, seconds: float) -> dict:
        self.received, self.latencies = 0, []
        total = int(rate * seconds)
        start = time.perf_counter()
        tasks = []
        for n in range(total):
            due = start + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(
                asyncio.create_task(
                    self.send(http, self.conversations[n % len(self.conversations)], f"steady {n}")
                )
            )
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        # An overloaded server may answer 503 (no database connection free within 30 s): counted, not fatal.
        failed = sum(isinstance(o, Exception) for o in outcomes)
        achieved = (total - failed) / (time.perf_counter() - start)
        await self.wait_delivered((total - failed) * 2)
        return {
            "offered_per_s": rate,
            "achieved_per_s": achieved,
            "failed": failed,
            "p50_ms": percentile(self.latencies, 0.5) * 1000,
            "p99_ms": percentile(self.latencies, 0.99) * 1000,
        }


async def run_load(base: str, args) -> dict:
    """Throughput per transport (with the CPU each component spent on it), then the steady phase."""
    bench = Bench(base, args.sockets)
    results: dict = {}
    # The sockets hold their connections for the whole run: a session of their own, without a limit.
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=args.connections)) as http,
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as sockets,
    ):
        await bench.setup(http)
        if args.history:
            seed_history(args.database_url, args.history)
        await bench.open_sockets(sockets)
        await bench.floor(http, args.senders, min(500, args.messages))  # warm-up: every token cached
        cpu_before = cpu_by_component(args.server_pid, args.pg_dir)
        await bench.floor(http, args.senders, args.messages)
        cpu_after = cpu_by_component(args.server_pid, args.pg_dir)
        results["floor_ms"] = (cpu_after["server"] - cpu_before["server"]) * 1000 / args.messages
        for transport in args.transports:
            bench.transport = transport
            await bench.throughput(http, args.senders, min(500, args.messages))  # warm-up
            profiler = None
            if args.profile:
                profiler = Profiler(args.server_pid, args.scratch / f"profile-{transport}.txt")
            cpu_before = cpu_by_component(args.server_pid, args.pg_dir)
            xids_before = transaction_ids_so_far(args.database_url)
            result = await bench.throughput(http, args.senders, args.messages)
            cpu = {k: v - cpu_before[k] for k, v in cpu_by_component(args.server_pid, args.pg_dir).items()}
            writes = transaction_ids_so_far(args.database_url) - xids_before
            result["writes_per_msg"] = writes / args.messages
            if profiler is not None:
                profiler.stop()
                result["profile"] = profiler.top()
            result["server_ms"] = cpu["server"] * 1000 / args.messages
            result["postgres_ms"] = cpu["postgres"] * 1000 / args.messages
            results[transport] = result
        bench.transport = args.steady_transport
        results["steady"] = await bench.steady(http, args.rate, args.seconds)
        for ws in bench.sockets:
            await ws.close()
    return results


class Profiler:
    """py-spy recording the server's processes while a phase runs; ``top()`` reads what it sampled."""

    def __init__(self, pid: int, out: Path) -> None:
        spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
        self.out = out
        self.proc = subprocess.Popen(
            [
                *(spy, "record", "--pid", str(pid), "--subprocesses", "--function", "--nonblocking"),
                *("--rate", "250", "--format", "raw", "--output", str(out)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)  # py-spy writes its file when interrupted
        self.proc.wait(timeout=60)

    def top(self, count: int = 12) -> dict[str, list[tuple[str, float]]]:
        """The ``count`` functions with the largest share of samples, self and inclusive."""
        own: collections.Counter[str] = collections.Counter()
        inclusive: collections.Counter[str] = collections.Counter()
        total = 0
        for line in self.out.read_text().splitlines() if self.out.exists() else []:
            stack, _, samples = line.rpartition(" ")
            if not stack or not samples.isdigit():
                continue
            n = int(samples)
            frames = [_short(f) for f in stack.split(";") if not f.startswith("process ")]
            if not frames:
                continue
            total += n
            own[frames[-1]] += n
            for frame in set(frames):
                inclusive[frame] += n
        total = total or 1
        return {
            "self": [(f, n / total) for f, n in own.most_common(count)],
            "inclusive": [(f, n / total) for f, n in inclusive.most_common()],
            "samples": [("", total)],
        }


def _short(frame: str) -> str:
    """``send (server/services/messages.py)`` from py-spy's ``send (/abs/path/server/services/…)``."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")")
    for marker in ("/site-packages/", str(ROOT) + "/", "/lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{name} ({where})"


def seed_history(url: str, per_conversation: int) -> None:
    """``per_conversation`` old messages in every conversation, then ANALYZE: what a server that has been
    in use looks like to PostgreSQL's planner. On a new, empty database the first plans are made for
    empty tables (sequential scans) and kept until autovacuum's ANALYZE (a minute or so) invalidates them,
    so the bench's few seconds would measure that start-up and not the steady state."""
    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(
                """INSERT INTO messages (conversation_id, seq, sender_id, client_id, body, search_terms)
                   SELECT c.id, s.n,
                          CASE WHEN s.n %% 2 = 0 THEN c.direct_user_low ELSE c.direct_user_high END,
                          gen_random_uuid(), 'old message ' || s.n,
                          array_to_tsvector(ARRAY['old', 'message', s.n::text])
                   FROM conversations c, generate_series(1, %s) AS s (n)""",
                (per_conversation,),
            )
            cur.execute("UPDATE conversations SET last_seq = last_seq + %s", (per_conversation,))
            cur.execute(
                "UPDATE conversation_members m SET last_read_seq = c.last_seq FROM conversations c "
                "WHERE c.id = m.conversation_id"
            )
            cur.execute("VACUUM ANALYZE")
    finally:
        conn.close()


def transaction_ids_so_far(url: str) -> int:
    """Transaction ids handed out so far by the cluster of ``url``: one per transaction that wrote (sends,
    bookkeeping; reads take none), read without taking one. The delta over a phase, per message, falls
    below 1 only when sends share transactions (group commit)."""
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
            row = cur.fetchone()
    finally:
        conn.close()
    return int(row[0]) if row else 0


def server_rss_mb(server: ServerProcess) -> float:
    root = psutil.Process(server._proc.pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20


def measure_server(databases: TestDatabases, scratch: Path, args, group_commit: bool) -> dict:
    """One server (on a fresh database), with group commit on or off, under the whole load."""
    # 2,000 accounts from one address: past the per-address registration limit, so it is off here.
    # The send budget stays on: each account sends 5 messages in the burst test and 1/s steadily,
    # well within its 60 at once and 20/s.
    extra_env = {
        "CHATIDK_DB_POOL_SIZE": "30",
        "CHATIDK_REGISTRATIONS_PER_HOUR": "0",
        "CHATIDK_GROUP_COMMIT": "1" if group_commit else "0",
        **dict(args.env),
        **(dict(args.baseline_env) if not group_commit else {}),
    }
    with running_server(databases, scratch, args.workers, extra_env) as (server, database_url):
        args.server_pid, args.pg_dir, args.scratch = server._proc.pid, scratch / "pg", scratch
        args.database_url = database_url
        results = asyncio.run(run_load(server.url, args))
        results["rss_mb"] = server_rss_mb(server)
    return results


def run_order(rounds: int) -> list[bool]:
    """Which server runs when (True: group commit on, B): A B for one round, A B B A for two, and so on.
    The server that runs second measures worse even when both are the same (≈15 % in one check), so
    with more rounds each column has its runs both early and late."""
    order: list[bool] = []
    for n in range(rounds):
        order += [False, True] if n % 2 == 0 else [True, False]
    return order


def mean_results(results: list[dict]) -> dict:
    """The mean of each figure over several runs of one server (nested the same way); what is not a
    number (a profile) is the first run's."""
    first = results[0]
    merged: dict = {}
    for key, value in first.items():
        if isinstance(value, dict) and key != "profile":
            merged[key] = mean_results([r[key] for r in results])
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            mean = sum(r[key] for r in results) / len(results)
            merged[key] = round(mean) if isinstance(value, int) else mean
        else:
            merged[key] = value
    return merged


def report(
    args, ceiling: float, floors: dict[str, float], old: dict, new: dict, runs: dict[bool, list[dict]]
) -> None:
    print(
        f"PostgreSQL insert ceiling (psycopg2, {args.senders} connections, a commit per row): {ceiling:.0f}/s"
    )
    baseline, measured = column_names(args)
    print(
        f"{args.senders} senders, {args.messages} messages, {args.sockets} sockets open, "
        f"{args.workers} workers; columns: A = {baseline} | B = {measured} | target"
    )
    if args.rounds > 1:
        order = " ".join("B" if on else "A" for on in run_order(args.rounds))
        print(f"  each figure: the mean of {args.rounds} runs of its server, in the order {order}")
    if args.env:
        print("  both servers' settings: " + " ".join(f"{k}={v}" for k, v in args.env))
    if args.baseline_env:
        print("  the baseline's settings: " + " ".join(f"{k}={v}" for k, v in args.baseline_env))
    targets = {"rest": 0.2, "ws": 0.3}
    print(
        f"floor: GET …/limits (the HTTP stack alone: no database, no fan-out), server CPU ms/request "
        f"{old['floor_ms']:7.2f}        | {new['floor_ms']:7.2f}"
    )
    beneath = "; ".join(f"{name} {ms:.2f}" for name, ms in floors.items())
    print(f"  beneath it, gunicorn + gevent alone (bench/bare_stack.py), ms/request: {beneath}")
    for transport in args.transports:
        o, n = old[transport], new[transport]
        name = {"rest": "REST", "ws": "WebSocket"}[transport]
        print(f"{name} sends:")
        print(
            f"  persisted msgs/s        {o['persisted_per_s']:7.0f} ({o['persisted_per_s'] / ceiling:.2f}) | "
            f"{n['persisted_per_s']:7.0f} ({n['persisted_per_s'] / ceiling:.2f}) | "
            f">= {targets[transport]} of the ceiling; x{n['persisted_per_s'] / o['persisted_per_s']:.1f}"
        )
        print(f"  delivered events/s      {o['delivered_per_s']:7.0f}        | {n['delivered_per_s']:7.0f}")
        for label, key, target in (("server", "server_ms", 0.4), ("PostgreSQL", "postgres_ms", 0.2)):
            print(f"  {label + ' CPU ms/msg':<24}{o[key]:7.2f}        | {n[key]:7.2f}        | <= {target}")
        print(f"  write transactions/msg  {o['writes_per_msg']:7.2f}        | {n['writes_per_msg']:7.2f}")
        print(
            f"  send->receive p50/p99   {o['p50_ms']:.0f}/{o['p99_ms']:.0f} ms  | "
            f"{n['p50_ms']:.0f}/{n['p99_ms']:.0f} ms (saturated)"
        )
    o, n = old["steady"], new["steady"]
    print(f"steady {args.rate} msgs/s offered ({args.steady_transport}), {args.sockets} sockets:")
    print(
        f"  achieved msgs/s         {o['achieved_per_s']:7.0f}        | {n['achieved_per_s']:7.0f}\n"
        f"  sends failed            {o['failed']:7d}        | {n['failed']:7d}\n"
        f"  send->receive p50/p99   {o['p50_ms']:.0f}/{o['p99_ms']:.0f} ms  | "
        f"{n['p50_ms']:.0f}/{n['p99_ms']:.0f} ms | p99 < 50 ms"
    )
    print(f"server RSS (master + workers) MB {old['rss_mb']:7.0f}        | {new['rss_mb']:7.0f}")
    if args.rounds > 1:
        print_runs(args, ceiling, runs)
    for label, results in ((f"A ({baseline})", old), (f"B ({measured})", new)):
        for transport in args.transports:
            profile = results[transport].get("profile")
            if profile is not None:
                print_profile(f"{label}, {transport} sends", profile)


# Each run's figures to print: label, key, whether it is shown as a share of the ceiling.
RUN_FIGURES = (
    ("persisted/ceiling", "persisted_per_s", True),
    ("server CPU ms/msg", "server_ms", False),
    ("PostgreSQL CPU ms/msg", "postgres_ms", False),
)


def print_runs(args, ceiling: float, runs: dict[bool, list[dict]]) -> None:
    """Each run's own figures, in the order they ran: how far two runs of one server differ is the noise
    that a difference between the columns must exceed to mean anything (an A/A run, with
    --baseline-env CHATIDK_GROUP_COMMIT=1, measures it alone)."""
    taken = {False: iter(runs[False]), True: iter(runs[True])}
    in_order = [("B" if on else "A", next(taken[on])) for on in run_order(args.rounds)]
    print("run by run, in the order they ran:")
    for transport in args.transports:
        for label, key, of_ceiling in RUN_FIGURES:
            cells = "  ".join(
                f"{name} {r[transport][key] / (ceiling if of_ceiling else 1):.2f}" for name, r in in_order
            )
            print(f"  {transport + ' ' + label:<28}{cells}")


def column_names(args) -> tuple[str, str]:
    """What the two servers ran with: group commit off and on, unless --baseline-env changed the first."""
    shared = dict(args.env)
    first = {"CHATIDK_GROUP_COMMIT": "0", **shared, **dict(args.baseline_env)}
    second = {"CHATIDK_GROUP_COMMIT": "1", **shared}

    def name(settings: dict[str, str], other: dict[str, str]) -> str:
        commit = "group commit " + (
            "on" if settings["CHATIDK_GROUP_COMMIT"].strip().lower() in ("1", "true", "yes", "on") else "off"
        )
        differs = [
            f"{k}={v}" for k, v in settings.items() if k != "CHATIDK_GROUP_COMMIT" and other.get(k) != v
        ]
        return ", ".join([commit, *differs])

    return name(first, second), name(second, first)


def print_profile(title: str, profile: dict[str, list[tuple[str, float]]]) -> None:
    print(f"profile, {title} ({profile['samples'][0][1]:.0f} samples of the server's workers):")
    print("  self time (on top of the stack):")
    for frame, share in profile["self"]:
        print(f"    {share * 100:5.1f}%  {frame}")
    print("  inclusive (on the stack), ChatIDK's own frames:")
    own = [(f, share) for f, share in profile["inclusive"] if "(server/" in f]
    for frame, share in own[:16]:
        print(f"    {share * 100:5.1f}%  {frame}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--senders", type=int, default=20)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--sockets", type=int, default=2000, help="open WebSockets (one user each)")
    parser.add_argument("--rate", type=int, default=1000, help="msgs/s for the latency phase")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="runs of each server, alternating (2: A B B A), each figure the mean of its server's runs",
    )
    parser.add_argument(
        "--history",
        type=int,
        default=100,
        help="old messages seeded in each conversation before the load (then ANALYZE), as on a server "
        "in use; 0: the load starts on empty tables",
    )
    parser.add_argument(
        "--connections", type=int, default=500, help="HTTP connections the load generator opens at most"
    )
    parser.add_argument(
        "--transport",
        dest="transports",
        action="append",
        choices=["rest", "ws"],
        help="send with POST …/messages (rest) or as frames on the sender's socket (ws); default both",
    )
    parser.add_argument("--steady-transport", choices=["rest", "ws"], default="rest")
    parser.add_argument("--quick", action="store_true", help="a small run to check the script works")
    parser.add_argument(
        "--profile", action="store_true", help="sample the server with py-spy in each throughput phase"
    )
    parser.add_argument(
        "--baseline-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        type=lambda text: tuple(text.split("=", 1)),
        help="a setting of the baseline server only, e.g. CHATIDK_GROUP_COMMIT=1 "
        "--baseline-env CHATIDK_SESSION_CACHE_SECONDS=0 to measure one change against its absence",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        type=lambda text: tuple(text.split("=", 1)),
        help="a setting of both servers, e.g. --env CHATIDK_SESSION_CACHE_SECONDS=0 (every REST send's "
        "token unknown to its worker, as when a client sends less often than the cache's seconds)",
    )
    args = parser.parse_args()
    args.transports = args.transports or ["rest", "ws"]
    if args.quick:
        args.messages, args.sockets, args.rate, args.seconds = 500, 100, 200, 2
        args.history = min(args.history, 20)

    with tempfile.TemporaryDirectory(prefix="chatidk-bench-") as scratch:
        os.environ.setdefault("XDG_RUNTIME_DIR", scratch)
        databases = TestDatabases.start(Path(scratch))
        try:
            ceiling_db = databases.create()
            ceiling = measure_ceiling(databases.url_for(ceiling_db), args.senders, args.messages)
            databases.drop(ceiling_db)
            floors = stack_floors(args.workers, args.senders, args.messages)
            runs: dict[bool, list[dict]] = {False: [], True: []}
            for group_commit in run_order(args.rounds):
                runs[group_commit].append(measure_server(databases, Path(scratch), args, group_commit))
            old, new = mean_results(runs[False]), mean_results(runs[True])
        finally:
            databases.close()
    report(args, ceiling, floors, old, new, runs)


if __name__ == "__main__":
    main()
