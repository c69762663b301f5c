"""Benchmark (not a test): what each additional signed-in account costs the desktop client in memory.

One client process signs in to 1, 2 and 3 accounts (each with a 1:1 of 200 messages on a live server) through
the real sign-in and Add account paths, waits until every account is online and idle, and prints the process
RSS after each, beside a baseline measured in the same run: the same app with nobody signed in (its sign-in
window shown). The figure that matters is the step from one account to the next.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/desktop_accounts.py [--server URL]
Without --server it starts its own server on an embedded PostgreSQL in a temporary directory.
Target (issue 17): each additional idle account < 30 MB RSS.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop.app import DesktopApp
from desktop.config import ClientConfig
from tests.support.api import PASSWORD, ApiClient
from tests.support.server_process import ServerProcess

ACCOUNTS = 3
MESSAGES = 200
SETTLE_S = 3.0  # idle time before each reading: the first live events, pictures and catch-up are done


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait_until(condition, what: str, seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        spin(0.05)


def settled_rss() -> float:
    spin(SETTLE_S)
    gc.collect()
    spin(0.5)
    return rss_mb()


def seed(url: str, tag: str) -> list[str]:
    """Three users, each with a peer who sent them MESSAGES messages."""
    names = []
    for n in range(ACCOUNTS):
        name, peer = f"bench{tag}{n}", ApiClient(url, f"peer{tag}{n}")
        me = ApiClient(url, name)
        conversation = peer.direct_with(me)
        for i in range(MESSAGES):
            peer.send(conversation, f"message {i} of a long idle conversation, with some words in it")
        names.append(name)
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", help="a live server's address (default: start one)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="chatidk-bench-accounts-"))
    server = None if args.server else ServerProcess(None, scratch / "server").start(timeout=300)
    url = args.server or server.url
    try:
        names = seed(url, secrets.token_hex(3))
        app = QApplication([sys.argv[0]])  # noqa: F841 - kept alive for the run
        desk = DesktopApp(
            ClientConfig(data_dir=scratch / "client", server_url=url, credential_backend="file"),
            tray_enabled=False,
        )
        desk.start()
        baseline = settled_rss()
        print(f"empty app (sign-in window, nobody signed in): RSS {baseline:.1f} MB")
        readings = []
        for count, name in enumerate(names, start=1):
            if count == 1:
                desk.sign_in.sign_in(url, name, PASSWORD, keep=True)
            else:
                dialog = desk.show_add_account()
                assert dialog is not None
                desk.add_sign_in.sign_in(url, name, PASSWORD, keep=True)
            wait_until(lambda c=count: len(desk.accounts) == c, f"account {count} signed in")
            wait_until(
                lambda: all(s.chat.connection_state == "online" for s in desk.accounts.sessions), "online"
            )
            session = desk.accounts.sessions[-1]
            wait_until(lambda s=session: len(s.chat.conversations.all()) >= 1, "its conversations")
            rss = settled_rss()
            readings.append(rss)
            step = rss - (readings[-2] if count > 1 else baseline)
            label = "first account" if count == 1 else "additional account"
            print(
                f"{count} account{'s' if count > 1 else ''} signed in, idle: RSS {rss:.1f} MB "
                f"({rss - baseline:+.1f} MB over the empty app; this {label}: {step:+.1f} MB)"
            )
        extra = [b - a for a, b in itertools.pairwise(readings)]
        worst = max(extra) if extra else 0.0
        print(
            f"each additional idle account: at most {worst:.1f} MB (target < 30 MB): "
            f"{'met' if worst < 30 else 'NOT met'}"
        )
        desk.shutdown()
        return 0
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
