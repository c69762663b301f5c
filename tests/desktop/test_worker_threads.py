"""Worker threads at shutdown: a stuck call is left behind and delivers nothing, queued calls are dropped
(or still made when asked), and the listener's stop cuts a handshake the server never answers."""

from __future__ import annotations

import socket
import threading
import time

from PySide6.QtCore import QCoreApplication

from desktop.net.api import ApiClient
from desktop.net.events import CONNECT_TIMEOUT, EventListener
from desktop.net.rest_worker import RestDispatcher
from desktop.net.worker_thread import SignalGate

RELEASE_AFTER = 30.0  # a blocked test operation gives up by itself after this, should a test fail


def dispatcher() -> RestDispatcher:
    return RestDispatcher(ApiClient("http://127.0.0.1:9"))  # the operations here never touch the network


def test_a_call_still_running_at_the_deadline_is_left_behind_and_its_answer_goes_nowhere(qtbot):
    rest = dispatcher()
    started, release = threading.Event(), threading.Event()
    answers: list = []

    def stuck(_api) -> str:
        started.set()
        release.wait(RELEASE_AFTER)
        return "late"

    rest.call(stuck, answers.append, answers.append)
    assert started.wait(RELEASE_AFTER)
    assert rest.shutdown(deadline=time.monotonic()) is False  # the deadline has passed: not waited for
    release.set()
    qtbot.waitUntil(lambda: not rest._thread.is_alive(), timeout=20000)
    QCoreApplication.processEvents()
    assert answers == []
    rest.call(lambda _api: "after", answers.append)  # closed: refused quietly
    QCoreApplication.processEvents()
    assert answers == []


def test_calls_queued_behind_are_dropped_at_shutdown_or_still_made_when_asked(qtbot):
    for finish_queued, expected in ((False, []), (True, ["logout"])):
        rest = dispatcher()
        started, release = threading.Event(), threading.Event()
        made: list[str] = []
        rest.call(lambda _api, s=started, r=release: (s.set(), r.wait(RELEASE_AFTER)))
        rest.call(lambda _api, m=made: m.append("logout"))
        assert started.wait(RELEASE_AFTER)
        rest.close(finish_queued=finish_queued)
        release.set()
        assert rest.shutdown(deadline=time.monotonic() + RELEASE_AFTER) is True
        assert made == expected


def test_a_closed_gate_emits_nothing_and_close_waits_for_an_emit_in_progress():
    gate = SignalGate()
    seen: list[int] = []
    emitting, go_on = threading.Event(), threading.Event()

    class Slow:
        def emit(self, value: int) -> None:
            emitting.set()
            go_on.wait(RELEASE_AFTER)
            seen.append(value)

    worker = threading.Thread(target=gate.emit, args=(Slow(), 1))
    worker.start()
    assert emitting.wait(RELEASE_AFTER)
    closed = threading.Thread(target=gate.close)
    closed.start()
    closed.join(0.05)
    assert closed.is_alive()  # close() waits for the emit in progress
    go_on.set()
    closed.join(RELEASE_AFTER)
    worker.join(RELEASE_AFTER)
    assert seen == [1]
    assert gate.emit(Slow(), 2) is False and seen == [1]


def test_stop_cuts_a_websocket_handshake_the_server_never_answers(qtbot):
    """The server's kernel accepts the connection (listen backlog) but nothing ever answers; stop() must
    not sit out the handshake timeout."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        listener = EventListener(f"http://127.0.0.1:{silent.getsockname()[1]}", "token")
        said: list[str] = []
        listener.disconnected.connect(said.append)
        listener.start()
        qtbot.waitUntil(
            lambda: listener._socket is not None and listener._socket.sock is not None, timeout=20000
        )
        assert listener.stop(deadline=time.monotonic() + CONNECT_TIMEOUT / 2) is True
        QCoreApplication.processEvents()
        assert said == []  # nothing is reported after stop
