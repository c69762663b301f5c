"""`python -m server.readiness HOST PORT WORKERS`: say "listening" once the workers answer /healthz.

Started by the gunicorn master when its sockets are bound (server/gunicorn_app.py), so the line a person or a
script waits for means the server really answers, not merely that a port is open. Ends with the master.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import urllib.error
import urllib.request

log = logging.getLogger("server")

GIVE_UP_AFTER = 300.0  # seconds; a server this slow to boot has other problems, and the log says so


def _probe_address(host: str) -> str:
    if host in ("", "0.0.0.0"):  # noqa: S104 - the address the server binds, probed over loopback
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def wait_until_answering(host: str, port: int, master_pid: int) -> bool:
    """Poll until /healthz answers 200 (True), or the master is gone or time is up (False)."""
    url = f"http://{_probe_address(host)}:{port}/healthz"
    deadline = time.monotonic() + GIVE_UP_AFTER
    delay = 0.05
    while time.monotonic() < deadline:
        if os.getppid() != master_pid:
            return False
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                if answer.status == 200:
                    return True
        except (OSError, urllib.error.URLError):
            pass  # not up yet, or 503 while the database comes up: keep asking
        time.sleep(delay)
        delay = min(delay * 2, 1.0)
    return False


def main(argv: list[str]) -> int:
    host, port, workers = argv[0], int(argv[1]), int(argv[2])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    master = os.getppid()
    shown = f"[{host}]" if ":" in host else host
    if wait_until_answering(host, port, master):
        log.info("ChatIDK listening on http://%s:%s (%d workers)", shown, port, workers)
        return 0
    if os.getppid() == master:
        log.warning("ChatIDK has not answered on http://%s:%s after %.0f s", shown, port, GIVE_UP_AFTER)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
