"""Nothing blocks the gevent hub: a worker keeps answering a socket while it moves 200 MB of files.

The one timed test of the suite, because the time is the subject: with the bytes of a 100 MB upload and a
100 MB export handled on the worker's event loop, every socket of that worker waits for them (on the code
before this test, the worst ping took 500–650 ms). The ping goes through the app's own ``{"type": "ping"}`` →
``{"type": "pong"}`` path (the socket's reader greenlet, the hub, the connection's queue, its sender), so the
round trip measures the event loop, not a library's ping handling; the transfers run in processes of their
own, so the measuring thread competes with nobody for the interpreter lock.

A machine busy with other work can leave the worker unscheduled for a moment now and then, which no server
code can prevent; so the bound holds for 98 % of the pings, and no ping may wait as long as the old code's
blocks (500–650 ms): a loop blocked once for that long, or often for more than 100 ms, still fails it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time

import pytest
import websocket

from tests.support.api import ApiClient
from tests.support.server_process import ROOT
from tests.support.transfer import MIB, body

pytestmark = pytest.mark.slow

SIZE = 100 * MIB
BOUND_SECONDS = 0.1  # for 98 % of the pings…
WORST_BOUND_SECONDS = 0.4  # …and for every one: below the old code's 500–650 ms blocks
# A ping every 20 ms, a chatty client's pace: a loop blocked for 120 ms or more always shows (the old code
# blocked it for 650 ms), while the few-ms hiccups of a busy machine's scheduler meet fewer samples.
PING_EVERY_SECONDS = 0.02


def _ping_round_trips(ws, done: threading.Event) -> list[float]:
    """Round trips of app-level pings, one every PING_EVERY_SECONDS (or right after a slower one), until
    ``done``."""
    trips: list[float] = []
    while not done.wait(max(0.0, PING_EVERY_SECONDS - (trips[-1] if trips else 0.0))):
        started = time.perf_counter()
        ws.send('{"type": "ping"}')
        while json.loads(ws.recv())["type"] != "pong":
            pass  # presence and other events may come in between
        trips.append(time.perf_counter() - started)
    return trips


def test_pings_are_answered_within_100_ms_while_a_100_mb_export_and_upload_run(server_factory):
    server = server_factory(
        workers=1, extra_env={"CHATIDK_MAX_UPLOAD_MB": "128", "CHATIDK_USER_QUOTA_MB": "0"}
    )
    alice = ApiClient(server.url, "alice")  # exports and uploads
    pinger = ApiClient(server.url, "pinger")
    r = alice.session.post(
        f"{server.url}/api/v1/files", params={"name": "a.bin"}, data=body(SIZE), timeout=300
    )
    assert r.status_code == 201, r.text  # the export carries this file
    ws = websocket.create_connection(
        server.ws_url, header=[f"Authorization: Bearer {pinger.token}"], timeout=60
    )
    assert json.loads(ws.recv())["type"] == "hello"
    done = threading.Event()
    trips: list[float] = []
    pinging = threading.Thread(target=lambda: trips.extend(_ping_round_trips(ws, done)))
    pinging.start()
    try:
        transfers = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.support.transfer", kind, server.url, alice.token, str(SIZE)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for kind in ("export", "upload")
        ]
        outputs = [json.loads(t.communicate(timeout=300)[0]) for t in transfers]
    finally:
        done.set()
        pinging.join(timeout=60)
        ws.close()
    export, upload = outputs
    assert upload == {"status": 201, "bytes": SIZE}
    assert export["status"] == 200 and export["bytes"] > SIZE
    assert len(trips) >= 20, f"too few pings to tell ({len(trips)})"
    ranked = sorted(trips)
    p98, worst = ranked[int(len(ranked) * 0.98)], ranked[-1]
    detail = (
        f"({len(trips)} pings; median {ranked[len(ranked) // 2] * 1000:.1f} ms, 98th percentile "
        f"{p98 * 1000:.0f} ms; slowest {', '.join(f'{t * 1000:.0f}' for t in ranked[-5:])} ms)"
    )
    assert p98 < BOUND_SECONDS, f"pings waited for the event loop {detail}"
    assert worst < WORST_BOUND_SECONDS, f"the worst ping took {worst * 1000:.0f} ms {detail}"
