"""The test processes' free ports (tests/support/ports.py): never the same port in two processes at once."""

from __future__ import annotations

import socket
import subprocess
import sys

from tests.support import ports
from tests.support.server_process import ROOT

HAND_OUT = "from tests.support.ports import free_port; print(*[free_port() for _ in range(20)])"


def test_concurrent_processes_get_disjoint_ports_below_the_ephemeral_range():
    # Started together and kept alive until all have answered, as pytest workers are.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HAND_OUT + "; import sys; sys.stdin.read()"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    try:
        handed = [[int(p) for p in proc.stdout.readline().split()] for proc in procs]
    finally:
        for proc in procs:
            proc.communicate(timeout=60)
    seen = [port for batch in handed for port in batch]
    assert len(seen) == len(set(seen)) == 60
    assert all(ports.FIRST_PORT <= port < ports.FIRST_PORT + ports.BLOCKS * ports.BLOCK_SIZE for port in seen)


def test_a_port_something_listens_on_is_skipped():
    first = ports.free_port()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", first + 1))  # the next one in turn (within this process's block)
        taken.listen()
        second = ports.free_port()
    assert second not in (first, first + 1)
