"""Benchmark (not a test): open a 100,000-message conversation from the local cache, scroll it to the top.

Reports the time from "open conversation" to the first paint of the message list, the time to scroll from the
bottom to the very first message (older pages come from the cache through fetchMore), and the process RSS —
each also as a ratio to a baseline measured in the same run: an empty QListView shown for the first time, and
the RSS of the process with Qt loaded and that window open.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/desktop_history.py [--messages 100000]
Targets: open < 300 ms, RSS < 150 MB.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psutil
from PySide6.QtCore import QEvent, QObject, QStringListModel
from PySide6.QtWidgets import QApplication, QListView

from desktop.cache import HistoryCache, Outbox, open_cache_database
from desktop.controller.chat import ChatController
from desktop.domain.records import Conversation, Message
from desktop.views.main_window import MainWindow

ME, OTHER, CONVERSATION = 1, 2, 1
WORDS = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
]


class FirstPaint(QObject):
    """Records when the watched widget is first painted."""

    def __init__(self) -> None:
        super().__init__()
        self.painted_at: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.painted_at is None:
            self.painted_at = time.perf_counter()
        return False


def wait_for(app: QApplication, condition, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark condition never came true")
        app.processEvents()


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def fill_cache(history: HistoryCache, count: int) -> None:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    batch: list[Message] = []
    for seq in range(1, count + 1):
        words = WORDS[seq % 7 : seq % 7 + 3 + seq % 11]
        batch.append(
            Message(
                conversation_id=CONVERSATION,
                seq=seq,
                sender_id=ME if seq % 3 == 0 else OTHER,
                client_id=str(uuid.uuid4()),
                text=f"{seq}: " + " ".join(words) * (1 + seq % 4),
                created_at=start + timedelta(minutes=seq * 7),
                id=seq,
            )
        )
        if len(batch) == 5000:
            history.store_messages(batch)
            batch = []
    history.store_messages(batch)
    conversation = Conversation.from_json(
        {
            "id": CONVERSATION,
            "kind": "direct",
            "title": None,
            "members": [
                {"user": {"id": ME, "username": "me", "display_name": "Me"}, "role": "member"},
                {"user": {"id": OTHER, "username": "bob", "display_name": "Bob"}, "role": "member"},
            ],
            "last_seq": count,
            "last_activity_at": (start + timedelta(minutes=count * 7)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
    )
    history.save_conversations([conversation])


class OfflineRest:
    """No server in this benchmark: every call fails as if the network were down (the app's offline path)."""

    def call(self, operation, on_done=None, on_error=None) -> None:
        if on_error is not None:
            on_error(ConnectionError("offline benchmark"))

    def shutdown(self) -> None:
        pass


class NoListener(QObject):
    from PySide6.QtCore import Signal

    connected = Signal(dict)
    event_received = Signal(dict)
    disconnected = Signal(str)
    reconnecting = Signal(float)
    unauthorized = Signal()

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def baseline(app: QApplication) -> tuple[float, float]:
    """An empty QListView, created, shown and painted once: the floor for 'open to first paint'."""
    started = time.perf_counter()
    view = QListView()
    view.setModel(QStringListModel([]))
    view.resize(1000, 680)
    watcher = FirstPaint()
    view.viewport().installEventFilter(watcher)
    view.show()
    wait_for(app, lambda: watcher.painted_at is not None)
    elapsed = watcher.painted_at - started
    memory = rss_mb()
    view.close()
    view.deleteLater()
    app.processEvents()
    return elapsed, memory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    args = parser.parse_args()
    app = QApplication([])
    base_open, base_rss = baseline(app)

    with tempfile.TemporaryDirectory() as tmp:
        database = open_cache_database(Path(tmp) / "cache.sqlite3")
        fill_started = time.perf_counter()
        fill_cache(HistoryCache(database), args.messages)
        fill_seconds = time.perf_counter() - fill_started
        chat = ChatController(
            {"id": ME, "username": "me", "display_name": "Me"},
            OfflineRest(),
            NoListener(),
            HistoryCache(database),
            Outbox(database),
        )
        chat.start()
        window = MainWindow(chat.conversation_list)
        view = window.chat_panel.messages
        view.setModel(chat.messages)
        window.resize(1000, 680)
        window.show()
        wait_for(app, lambda: window.isVisible())
        app.processEvents()

        watcher = FirstPaint()
        view.viewport().installEventFilter(watcher)
        opened = time.perf_counter()
        chat.open_conversation(CONVERSATION)
        window.select_conversation(CONVERSATION)
        wait_for(app, lambda: watcher.painted_at is not None)
        open_seconds = watcher.painted_at - opened
        rss_open = rss_mb()

        bar = view.verticalScrollBar()
        scroll_started = time.perf_counter()
        fetches = 0
        while True:
            oldest = chat.messages.oldest_seq()
            bar.setValue(0)
            app.processEvents()
            if chat.messages.oldest_seq() == oldest:
                if oldest == 1 and bar.value() == 0:
                    break
                continue
            fetches += 1
        top_row = view.indexAt(view.viewport().rect().topLeft()).row()
        scroll_seconds = time.perf_counter() - scroll_started
        rss_top = rss_mb()
        rows = chat.messages.rowCount()
        chat.shutdown()
        window.close()
        database.close()

    print(f"messages in cache       {args.messages:>10,}   (filled in {fill_seconds:.1f} s)")
    print(f"baseline open (empty)   {base_open * 1000:>10.1f} ms")
    print(
        f"open to first paint     {open_seconds * 1000:>10.1f} ms   {open_seconds / base_open:6.2f}x baseline"
        f"   target < 300 ms: {'met' if open_seconds < 0.3 else 'MISSED'}"
    )
    print(
        f"scroll bottom to top    {scroll_seconds:>10.2f} s    "
        f"{fetches} fetches, {rows:,} rows, top row {top_row}"
    )
    print(f"baseline RSS            {base_rss:>10.1f} MB")
    print(
        f"RSS after open          {rss_open:>10.1f} MB   {rss_open / base_rss:6.2f}x baseline"
        f"   target < 150 MB: {'met' if rss_open < 150 else 'MISSED'}"
    )
    print(
        f"RSS at the top          {rss_top:>10.1f} MB   {rss_top / base_rss:6.2f}x baseline"
        f"   target < 150 MB: {'met' if rss_top < 150 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
