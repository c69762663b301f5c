"""Free loopback ports for test servers, without two test processes ever handing out the same one.

Binding port 0 and closing the socket, as tests usually do, races: between the close and the server's own
bind, another pytest worker (or a concurrent run) can be given the same number, or an outgoing connection can
take it as its local port. So each test process owns a block of ports below the kernel's ephemeral range
(outgoing connections never use them), chosen under a file lock it holds for its lifetime, and hands its
ports out in turn, skipping any that something else is bound to.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import tempfile
import threading
from pathlib import Path

FIRST_PORT = 20000  # the ephemeral range starts at 32768 (net.ipv4.ip_local_port_range)
BLOCK_SIZE = 500
BLOCKS = 24  # 20000 … 31999

_LOCK_DIR = Path(tempfile.gettempdir()) / "chatidk-test-ports"

_mutex = threading.Lock()
_block: tuple[int, int] | None = None  # (first port, fd of the lock file held until the process exits)
_owner_pid: int | None = None
_next = 0


def _claim_block() -> int | None:
    """Lock the first free block for this process; its index, or None if every block is taken."""
    _LOCK_DIR.mkdir(exist_ok=True)
    with contextlib.suppress(OSError):
        _LOCK_DIR.chmod(0o1777)  # every user's test runs share it, like /tmp
    for index in range(BLOCKS):
        fd = os.open(_LOCK_DIR / f"block-{index}.lock", os.O_RDONLY | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        global _block
        _block = (FIRST_PORT + index * BLOCK_SIZE, fd)
        return index
    return None


def _bindable(port: int) -> bool:
    """Nothing is bound to the port (nor lingering on it in TIME_WAIT: no SO_REUSEADDR here)."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ephemeral() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port() -> int:
    """A loopback port nobody listens on, not handed out by this or any other test process before."""
    global _block, _owner_pid, _next
    with _mutex:
        if _owner_pid != os.getpid():  # a forked child must not share its parent's block
            _block, _owner_pid, _next = None, os.getpid(), 0
            if _claim_block() is None:
                _block = None
        if _block is None:
            return _ephemeral()  # every block is held by other test processes: the old way
        first = _block[0]
        for _ in range(BLOCK_SIZE):
            port = first + _next
            _next = (_next + 1) % BLOCK_SIZE
            if _bindable(port):
                return port
        return _ephemeral()
