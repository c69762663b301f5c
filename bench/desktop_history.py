"""Benchmark (not a test): a 100,000-message conversation in the local cache: open, jump, scroll both ways.

Reports the time from "open conversation" to the first paint of the message list; jumps to random messages
(ChatController.jump_to_message, from the cache) to the first paint with the target highlighted; the scroll
from the middle to the very first message and from there to the newest, a page per step (each step: a page
loaded, rows at the far end released, relaid out); "back to the newest" in one action; and the peak RSS over
all of it — beside a baseline measured in the same run: an empty QListView shown for the first time, and the
RSS of the process with Qt loaded and that window open.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/desktop_history.py [--messages 100000] [--jumps 20]
Targets: open and every jump < 300 ms, no step a stall, RSS < 150 MB at every point.
"""

from __future__ import annotations

import argparse
import os
import random
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
from desktop.net.api import ApiClient
from desktop.net.transfers import TransferService
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
                # every fifth message has paragraphs and a link, as people write them
                text=f"{seq}: "
                + " ".join(words) * (1 + seq % 4)
                + ("\n\nsee https://example.com/page\n— me" if seq % 5 == 0 else ""),
                created_at=start + timedelta(minutes=seq * 7),
                id=seq,
            )
        )
        if len(batch) == 5000:
            history.store_page(CONVERSATION, batch, (batch[0].confirmed_seq, batch[-1].confirmed_seq))
            batch = []
    if batch:
        history.store_page(CONVERSATION, batch, (batch[0].confirmed_seq, batch[-1].confirmed_seq))
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

    def request_stop(self) -> None:
        pass

    def stop(self, deadline: float | None = None) -> None:
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


class Steps:
    """Times of the scroll steps (one page loaded, rows released, relaid out) and the peak RSS seen."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.peak_rss = 0.0

    def add(self, seconds: float) -> None:
        self.times.append(seconds)
        self.peak_rss = max(self.peak_rss, rss_mb())

    def summary(self) -> str:
        ordered = sorted(self.times) or [0.0]
        p50, worst = ordered[len(ordered) // 2], ordered[-1]
        return (
            f"{sum(self.times):6.2f} s in {len(self.times)} steps, step p50 {p50 * 1000:.1f} ms,"
            f" worst {worst * 1000:.1f} ms"
        )


def scroll(app: QApplication, chat: ChatController, view, *, up: bool, steps: Steps) -> None:
    """Scroll to one end as a reader dragging the bar there would, a page at a time, until it is reached."""
    bar = view.verticalScrollBar()
    model = chat.messages
    while True:
        before = (model.oldest_seq(), model.newest_seq())
        started = time.perf_counter()
        bar.setValue(0 if up else bar.maximum())
        app.processEvents()
        steps.add(time.perf_counter() - started)
        if (model.oldest_seq(), model.newest_seq()) == before:
            done = model.oldest_seq() == 1 and bar.value() == 0 if up else model.at_newest
            if done and (up or bar.value() == bar.maximum()):
                return


def timed_jump(app: QApplication, chat: ChatController, view, seq: int) -> float:
    """From the call to the first paint with the target highlighted."""
    watcher = FirstPaint()
    started = time.perf_counter()
    chat.jump_to_message(CONVERSATION, seq)
    view.viewport().installEventFilter(watcher)
    view.viewport().update()
    wait_for(app, lambda: view.flashed_row() is not None and watcher.painted_at is not None)
    view.viewport().removeEventFilter(watcher)
    assert chat.messages.message_at(view.flashed_row()).seq == seq
    return (watcher.painted_at or time.perf_counter()) - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--jumps", type=int, default=20)
    args = parser.parse_args()
    app = QApplication([])
    base_open, base_rss = baseline(app)

    with tempfile.TemporaryDirectory() as tmp:
        database = open_cache_database(Path(tmp) / "cache.sqlite3")
        fill_started = time.perf_counter()
        fill_cache(HistoryCache(database), args.messages)
        fill_seconds = time.perf_counter() - fill_started
        transfers = TransferService(ApiClient("http://127.0.0.1:9", "unused"))  # never called here
        chat = ChatController(
            {"id": ME, "username": "me", "display_name": "Me"},
            OfflineRest(),
            NoListener(),
            HistoryCache(database),
            Outbox(database),
            transfers,
        )
        chat.start()
        window = MainWindow(chat.conversation_list)
        view = window.chat_panel.messages
        view.setModel(chat.messages)
        view.newest_requested.connect(chat.show_newest)
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
        view.viewport().removeEventFilter(watcher)
        rss_open = rss_mb()

        rng = random.Random(15)
        jumps = sorted(timed_jump(app, chat, view, rng.randint(1, args.messages)) for _ in range(args.jumps))
        jumps.append(timed_jump(app, chat, view, 1))  # the very first message, too
        jumps.sort()

        up, down = Steps(), Steps()
        timed_jump(app, chat, view, args.messages // 2)
        scroll(app, chat, view, up=True, steps=up)  # from the middle to the first message
        top_row = view.indexAt(view.viewport().rect().topLeft()).row()
        scroll(app, chat, view, up=False, steps=down)  # from the first message to the newest
        timed_jump(app, chat, view, 1)
        newest_started = time.perf_counter()
        view.go_to_newest()
        wait_for(app, lambda: chat.messages.at_newest and view.is_at_bottom())
        newest_seconds = time.perf_counter() - newest_started
        rows = chat.messages.max_rows
        chat.shutdown()
        transfers.shutdown()
        window.close()
        database.close()

    peak = max(up.peak_rss, down.peak_rss, rss_open)
    print(f"messages in cache       {args.messages:>10,}   (filled in {fill_seconds:.1f} s)")
    print(f"baseline open (empty)   {base_open * 1000:>10.1f} ms")
    print(
        f"open to first paint     {open_seconds * 1000:>10.1f} ms   {open_seconds / base_open:6.2f}x baseline"
        f"   target < 300 ms: {'met' if open_seconds < 0.3 else 'MISSED'}"
    )
    p50, worst = jumps[len(jumps) // 2], jumps[-1]
    print(
        f"jump (cache, {len(jumps)} jumps)  p50 {p50 * 1000:.1f} ms, worst {worst * 1000:.1f} ms"
        f"   {p50 / base_open:6.2f}x baseline   target < 300 ms: {'met' if worst < 0.3 else 'MISSED'}"
    )
    print(f"scroll middle to top    {up.summary()}; top row {top_row}")
    print(f"scroll top to newest    {down.summary()}")
    print(f"back to newest (Ctrl+End) {newest_seconds * 1000:>8.1f} ms   (window of at most {rows} rows)")
    print(f"baseline RSS            {base_rss:>10.1f} MB")
    print(
        f"RSS after open          {rss_open:>10.1f} MB   {rss_open / base_rss:6.2f}x baseline"
        f"   target < 150 MB: {'met' if rss_open < 150 else 'MISSED'}"
    )
    print(
        f"peak RSS (all scrolling) {peak:>9.1f} MB   {peak / base_rss:6.2f}x baseline"
        f"   target < 150 MB: {'met' if peak < 150 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
